"""How query parameters are read, for the API and the listing pages alike.

Every value a client sends is bounded before it costs anything (its length, how often it
is repeated, how many words a search has, how many values the query holds) and read
strictly: numbers and dates in ASCII digits only, no control characters. A value
beyond a bound, or one that cannot be read, is refused naming its parameter; a blank
value means the parameter was not given, on every surface (a form's "All countries"
submits `country=`).
"""

import re
from datetime import UTC
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_filters.fields import IsoDateTimeField

from .blank import is_blank
from .text import validate_line

# The bounds of one request's query string.
MAX_VALUES = 50  # values of all parameters together
MAX_LENGTH = 200  # characters in one value
MAX_REPEATS = 20  # values of one repeatable parameter (country=CN&country=BY...)
MAX_WORDS = 10  # words in a search
MAX_ORDERINGS = 3  # fields in one ordering

WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
DECIMAL_NUMBER = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?")
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,220}")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)


def without_blanks(query: QueryDict) -> QueryDict:
    """The query without blank values: a blank parameter means the parameter was not given."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if values := [value for value in values if not is_blank(value)]:
            kept.setlist(name, values)
    return kept


def query_problems(query: QueryDict, *, single: frozenset[str]) -> dict[str, list[str]]:
    """What exceeds the bounds of a query string as a whole: too many values, or a
    parameter of `single` (read once) given more than once; by parameter."""
    problems = {}
    total = sum(len(values) for values in query.lists())
    if total > MAX_VALUES:
        problems["query"] = [
            _("The query has %(count)d values; at most %(max)d are accepted.")
            % {"count": total, "max": MAX_VALUES}
        ]
    for name in sorted(single):
        if len(query.getlist(name)) > 1:
            problems[name] = [_("Give this parameter once.")]
    return problems


def validate_length(value: str) -> None:
    if isinstance(value, str) and len(value) > MAX_LENGTH:
        raise ValidationError(
            _("Give at most %(max)d characters (this value has %(length)d).")
            % {"max": MAX_LENGTH, "length": len(value)},
            code="too_long",
        )


def whole_number(raw: str) -> int | None:
    """A whole number written in ASCII digits (`²` and `٣` are digits to str.isdigit()
    but are not numbers here), or None."""
    return int(raw) if WHOLE_NUMBER.fullmatch(raw) else None


# --- Form fields of the FilterSet -------------------------------------------------------


class SearchField(forms.CharField):
    """Words to search for: at most MAX_LENGTH characters and MAX_WORDS words."""

    default_validators = [validate_length, validate_line]

    def validate(self, value):
        super().validate(value)
        if len(value.split()) > MAX_WORDS:
            raise ValidationError(
                _("Search for at most %(max)d words."), code="words", params={"max": MAX_WORDS}
            )


class BoundedChoicesMixin:
    """A multiple choice of at most MAX_REPEATS values, each checked for length and
    control characters before anything else (a lookup, a query) reads it."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_REPEATS:
            raise ValidationError(
                ngettext_lazy(
                    "Give at most %(max)d value.", "Give at most %(max)d values.", MAX_REPEATS
                )
                % {"max": MAX_REPEATS},
                code="repeats",
            )
        for item in values:
            if isinstance(item, str):
                validate_length(item)
                validate_line(item)
        return super().clean(value)


class StrictIntegerField(forms.IntegerField):
    """A whole number in ASCII digits: `1_000`, `1e3`, full-width or Arabic-Indic digits
    are refused."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not WHOLE_NUMBER.fullmatch(text.removeprefix("-")):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class StrictDecimalField(forms.DecimalField):
    """An amount in ASCII digits with an optional decimal point, within the column's
    digits: `1e999999999`, `1_000` and `NaN` are refused."""

    def __init__(self, *, max_digits=16, decimal_places=2, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not DECIMAL_NUMBER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(text)


class StrictDateField(forms.DateField):
    """A day written YYYY-MM-DD in ASCII digits."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not ISO_DAY.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StrictDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time in ASCII digits that converts to UTC (year 1 at +14:00
    does not)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not ISO_DATETIME.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        parsed = super().to_python(value)
        if parsed is not None:
            try:
                parsed.astimezone(UTC).astimezone(parsed.tzinfo)
            except OverflowError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return parsed
