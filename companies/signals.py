"""Keep derived data right however a change arrives (admin, API, import, history revert)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .models import Claim, Company, Report, Sector


@receiver(post_save, sender=Report)
@receiver(post_delete, sender=Report)
def report_changed(sender, instance, raw=False, origin=None, **kwargs):
    # A company deleted with its reports needs no refresh; fixtures carry their figures.
    if raw or isinstance(origin, Company):
        return
    services.company_figures_changed(
        company_id=instance.company_id, user=getattr(instance, "_history_user", None)
    )


@receiver(post_save, sender=Company)
@receiver(post_delete, sender=Company)
@receiver(post_save, sender=Report)
@receiver(post_delete, sender=Report)
@receiver(post_save, sender=Sector)
@receiver(post_delete, sender=Sector)
@receiver(post_save, sender=Claim)
@receiver(post_delete, sender=Claim)
def register_changed(sender, **kwargs):
    services.register_touch()
