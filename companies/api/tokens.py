"""API tokens (django-rest-knox): their bounds, and their revocation whenever the
credentials they stand for change, whichever way the change arrives (the admin's
password forms, `changepassword`, the password reset form, a deactivation)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings

# What a password change or a deactivation looks like in the user's row.
CREDENTIALS = ("password", "is_active")


def live_tokens(*, user) -> int:
    """How many of the user's tokens still work (count)."""
    now = timezone.now()
    return AuthToken.objects.filter(Q(expiry__gt=now) | Q(expiry__isnull=True), user=user).count()


def limit_message() -> str:
    """Why a user at knox's TOKEN_LIMIT_PER_USER gets no new token."""
    return _(
        "This user already has %(limit)d live tokens, the most allowed: revoke one "
        "(auth/logout/) or all (auth/logout-all/) first."
    ) % {"limit": knox_settings.TOKEN_LIMIT_PER_USER}


class TokenRefused(ValueError):
    """A token that may not be issued; `field` names what broke the bound."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def token_create(*, user, days: int | None = None) -> tuple[AuthToken, str]:
    """A new token for `user`, valid for `days` (default TOKEN_TTL; at most
    API_TOKEN_MAX_DAYS), and its text, shown once."""
    if days is not None and not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        maximum = settings.API_TOKEN_MAX_DAYS
        raise TokenRefused("days", _("Give a whole number of days from 1 to %(max)d.") % {
            "max": maximum})  # fmt: skip
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user=user) >= limit:
        raise TokenRefused("username", limit_message())
    expiry = knox_settings.TOKEN_TTL if days is None else timedelta(days=days)
    return AuthToken.objects.create(user=user, expiry=expiry)


@receiver(pre_save, sender=get_user_model())
def _remember_credentials(sender, instance, update_fields=None, **kwargs):
    instance._credentials_before = None
    if instance.pk is None or (
        update_fields is not None and not set(update_fields) & set(CREDENTIALS)
    ):
        return  # a new user has no tokens; a last_login update changes no credentials
    instance._credentials_before = (
        sender.objects.filter(pk=instance.pk).values_list(*CREDENTIALS).first()
    )


@receiver(post_save, sender=get_user_model())
def _revoke_tokens_when_credentials_change(sender, instance, **kwargs):
    before = getattr(instance, "_credentials_before", None)
    if before is None:
        return
    password, was_active = before
    if password != instance.password or (was_active and not instance.is_active):
        AuthToken.objects.filter(user=instance).delete()
