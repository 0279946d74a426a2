from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the directory in production: health checks, request logs, error pages,
    login protection, backups."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from . import logs  # noqa: F401  (connects the request id's cleanup)
