"""Form fields of the admin that read figures as editors type them."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Spaces of every width and apostrophes group thousands ("12 372 123", "12'372'123").
GROUPING_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
# ASCII digits only: \d would also take "²" and "٣".
GROUPED = re.compile(r"[0-9]{1,3}(?:[,.][0-9]{3})+")


class AmountField(forms.DecimalField):
    """An amount in USD, typed with or without thousands separators: 12372123.50,
    12,372,123.50, 12 372 123,50 and 12.372.123,50 all read the same. One comma or dot
    followed by exactly three digits (1,234) could be either a separator or decimals,
    so it is refused with a message naming the field, as is anything else unclear."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "ambiguous": _(
            "%(field)s: “%(value)s” is ambiguous: write it without separators, with a dot "
            "before the cents (1234 or 1.23)."
        ),
        "invalid": _(
            "%(field)s: enter an amount such as 12372123.50 or 12,372,123.50, not “%(value)s”."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return super().to_python(value)
        text = GROUPING_SPACES.sub("", str(value))
        # A sign is kept for the field's own check (amounts are never negative).
        sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
        try:
            return Decimal(sign + self._plain(text))
        except (ValueError, InvalidOperation):
            raise self._error("invalid", value) from None

    def _plain(self, text: str) -> str:
        """The amount with a dot for decimals and no separators; ValueError if unclear."""
        if not re.fullmatch(r"[0-9][0-9,.]*", text):
            raise ValueError(text)
        last = max(text.rfind(","), text.rfind("."))
        if last == -1:
            return text
        whole, decimals = text[:last], text[last + 1 :]
        separators = set(re.sub(r"[0-9]", "", text))
        if len(separators) == 1 and text.count(text[last]) > 1:
            # Only one kind, several times: thousands separators, no decimals.
            if not GROUPED.fullmatch(text):
                raise ValueError(text)
            return re.sub(r"[,.]", "", text)
        if len(decimals) == 3 and len(separators) == 1:
            raise self._error("ambiguous", text)
        if not decimals or not (re.fullmatch(r"[0-9]+", whole) or GROUPED.fullmatch(whole)):
            raise ValueError(text)
        if text[last] in whole:
            raise ValueError(text)
        return re.sub(r"[,.]", "", whole) + "." + decimals

    def _error(self, code: str, value) -> ValidationError:
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={"field": self.label or "", "value": value},
        )

    def widget_attrs(self, widget):
        # No number input's step and min: the browser would refuse separators.
        return {}
