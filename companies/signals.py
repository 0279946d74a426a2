"""What must happen however a change arrives (admin, API, import, history revert,
fixtures): the register revision rises, so that kept figures and ETags are never stale.
Everything else a write keeps with it is done by the services (services.register_write)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .models import Claim, Company, Report, Sector


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
