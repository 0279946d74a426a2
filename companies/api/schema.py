from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework.permissions import SAFE_METHODS

from .permissions import ModelPermissionsOrReadOnly


class AutoSchema(BaseAutoSchema):
    """Documents that reads need no token under ModelPermissionsOrReadOnly."""

    def get_auth(self):
        auth = super().get_auth()
        permissions = self.view.get_permissions()
        open_read = any(isinstance(p, ModelPermissionsOrReadOnly) for p in permissions)
        if auth and open_read and self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth


def blank_means_absent(result, generator, request, public):
    """Document the rule of companies/params.py: a blank query parameter means the
    parameter was not given (drf-spectacular postprocessing hook)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in (
                operation.get("parameters", []) if isinstance(operation, dict) else []
            ):
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
    return result
