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
