"""Validators shared by models, forms, the API and commands."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The park was established by decree in June 2012: no residence begins (or ends) before.
PARK_ESTABLISHED = date(2012, 6, 1)
# Investment agreements can precede residence; no figures of the register are older.
EARLIEST_REPORT = date(2010, 1, 1)


def validate_not_in_future(day: date) -> None:
    """Refuse a date after today (in the park's time zone): figures cannot be from the future."""
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")


def validate_residence_date(day: date) -> None:
    """Refuse a date of residence (or of exit) before the park was established."""
    if day < PARK_ESTABLISHED:
        raise ValidationError(
            _("The date cannot be before %(earliest)s, when the park was established."),
            code="implausible_date",
            params={"earliest": PARK_ESTABLISHED.isoformat()},
        )


def validate_report_date(day: date) -> None:
    """Refuse a date of figures older than any the register holds (EARLIEST_REPORT)."""
    if day < EARLIEST_REPORT:
        raise ValidationError(
            _("The date cannot be before %(earliest)s: the register has no figures so old."),
            code="implausible_date",
            params={"earliest": EARLIEST_REPORT.isoformat()},
        )
