"""Keep derived data right however a change arrives (admin, API, import, history revert)."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import services
from .models import Claim, Company, CompanyRemoval, Report, Sector


@receiver(post_save, sender=Report)
@receiver(post_delete, sender=Report)
def report_changed(sender, instance, raw=False, origin=None, **kwargs):
    # A company deleted with its reports needs no refresh; fixtures carry their figures.
    if raw or isinstance(origin, Company):
        return
    services.company_figures_changed(
        company_id=instance.company_id, user=getattr(instance, "_history_user", None)
    )


@receiver(pre_save, sender=Company)
@receiver(pre_delete, sender=Company)
def company_ledger_watch(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._ledger_watch = services.ledger_watch(company_ids={instance.pk})


@receiver(pre_save, sender=Report)
@receiver(pre_delete, sender=Report)
def report_ledger_watch(sender, instance, raw=False, origin=None, **kwargs):
    if raw or isinstance(origin, Company):
        return
    companies = {instance.company_id}
    if instance.pk is not None:
        # A report moved to another company changes the one it leaves too.
        companies.update(Report.objects.filter(pk=instance.pk).values_list("company", flat=True))
    instance._ledger_watch = services.ledger_watch(company_ids=companies)


@receiver(post_save, sender=Company)
@receiver(post_delete, sender=Company)
@receiver(post_save, sender=Report)
@receiver(post_delete, sender=Report)
def ledger_settle(sender, instance, raw=False, origin=None, **kwargs):
    # Fixtures (loaddata, restores) carry their ledger rows.
    if raw or (sender is Report and isinstance(origin, Company)):
        return
    services.ledger_settle(
        watch=getattr(instance, "_ledger_watch", None),
        company_ids={instance.company_id} if sender is Report else {instance.pk},
    )
    instance._ledger_watch = None


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


@receiver(pre_save, sender=Company)
def company_saving(sender, instance, raw=False, **kwargs):
    # What the change feed compares with after the save: the slug and publication as
    # stored, whichever surface loaded the instance.
    if raw or instance._state.adding:
        return
    instance._stored = (
        Company.objects.filter(pk=instance.pk).values("slug", "is_published").first()
    )


@receiver(post_save, sender=Company)
def company_saved(sender, instance, raw=False, **kwargs):
    stored = getattr(instance, "_stored", None)
    if raw or stored is None:
        return
    del instance._stored
    if stored["slug"] != instance.slug:
        services.company_removal_record(
            slug=stored["slug"],
            reason=CompanyRemoval.Reason.RENAMED,
            public=stored["is_published"],
        )
    elif stored["is_published"] and not instance.is_published:
        services.company_removal_record(
            slug=instance.slug, reason=CompanyRemoval.Reason.UNPUBLISHED, public=True
        )


@receiver(post_delete, sender=Company)
def company_deleted(sender, instance, origin=None, **kwargs):
    services.company_removal_record(
        slug=instance.slug, reason=CompanyRemoval.Reason.DELETED, public=instance.is_published
    )
