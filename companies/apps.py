from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Park register")

    def ready(self):
        from . import services, signals  # noqa: F401  (connects the signal handlers)
        from .api import tokens  # noqa: F401  (revokes tokens when credentials change)

        post_migrate.connect(services.editors_group_sync_on_migrate, sender=self)
