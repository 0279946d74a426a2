"""Validators shared by models, forms, the API and commands."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_not_in_future(day: date) -> None:
    """Refuse a date after today (in the park's time zone): figures cannot be from the future."""
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
