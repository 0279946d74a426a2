"""Password rules for the accounts that can change the register."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class StaffMinimumLengthValidator:
    """A longer minimum length for staff and superusers than Django's general one.

    Applies also when the account is not saved yet (createsuperuser, the admin's add
    form), since its staff flag may not be set at that moment."""

    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) >= self.min_length or not self.applies_to(user):
            return
        raise ValidationError(
            ngettext(
                "Staff passwords must contain at least %(min_length)d character.",
                "Staff passwords must contain at least %(min_length)d characters.",
                self.min_length,
            ),
            code="password_too_short_for_staff",
            params={"min_length": self.min_length},
        )

    def applies_to(self, user) -> bool:
        return user is None or user.pk is None or user.is_staff or user.is_superuser

    def get_help_text(self) -> str:
        return ngettext(
            "A staff password must contain at least %(min_length)d character.",
            "A staff password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
