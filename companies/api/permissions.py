from rest_framework import permissions


class ModelPermissionsOrReadOnly(permissions.BasePermission):
    """Anyone may read; a write needs the caller's Django model permission on the model of
    the view's queryset (add, change or delete), which the Editors group holds."""

    actions = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        queryset = getattr(view, "queryset", None)
        model = None if queryset is None else queryset.model
        action = self.actions.get(request.method)
        if model is None or action is None or not request.user.is_authenticated:
            return False
        return request.user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
