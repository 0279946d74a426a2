"""How a spreadsheet's cells are read and written, strictly: text, names, dates, exact
amounts, whole numbers, flags and records named by slug; `column` makes a column of one."""

import re
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from import_export import fields, widgets

from .. import params
from ..blank import is_blank
from ..text import name_normalise

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TextWidget(widgets.CharWidget):
    """Text as written; an empty cell is empty text, or None where the field allows it
    (an untranslated description falls back to English)."""

    def __init__(self, *, null: bool = False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.null = null

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None if self.null else ""
        return value if isinstance(value, str) else str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NameWidget(TextWidget):
    """A name, read as it is stored (text.name_normalise): a cell differing only in its
    spaces names the same record and changes nothing."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value if value is None else name_normalise(value)


class DateWidget(widgets.Widget):
    """A date as YYYY-MM-DD (or a spreadsheet date cell); XLSX gets real dates."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            if value.time() != datetime.min.time():
                raise ValueError(_("Enter a date without a time, not “%s”.") % value)
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Enter a real date as YYYY-MM-DD, not “%s”.") % value) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat() if value else ""


class DecimalWidget(widgets.Widget):
    """An exact amount: digits and a decimal point, no thousands separators."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("Enter a number, not “%s”.") % value)
        number = None
        if isinstance(value, float):
            # XLSX stores numbers as binary floats; their shortest form is what was typed.
            number = Decimal(repr(value))
        elif isinstance(value, int):
            number = Decimal(value)
        elif params.DECIMAL_NUMBER.fullmatch(str(value).strip()):
            # Text in plain ASCII digits only: Decimal() alone would also read 1_000, 1e5
            # and full-width or Arabic-Indic digits.
            number = Decimal(str(value).strip())
        if number is None or not number.is_finite():
            raise ValueError(
                _("Enter a number such as 1234567.89 (a dot for decimals, no spaces or "
                  "thousands separators), not “%s”.") % value
            )  # fmt: skip
        return number

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else format(value, "f")


class IntegerWidget(DecimalWidget):
    """A whole number, such as a headcount."""

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(_("Enter a whole number, not “%s”.") % value)
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class BooleanWidget(widgets.Widget):
    """Yes or no: 1 or 0 (true/false and yes/no are understood); XLSX gets TRUE/FALSE."""

    TRUE = frozenset({"1", "true", "yes"})
    FALSE = frozenset({"0", "false", "no"})

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Enter 1 for yes or 0 for no, not “%s”.") % (value or ""))

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "1" if value else "0"


# Values per query when records are looked up by a column's values (SQLite binds at most
# 32,766 parameters to a statement).
LOOKUP_CHUNK = 1000


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug; the slugs of a sheet are looked up together
    before its rows are read (each import works on its own copy of the resource's fields)."""

    def __init__(self, model):
        super().__init__(model, field="slug")
        self.found = {}

    def prefetch(self, values) -> None:
        """Look up every slug among `values` (a column's cells) in a few queries."""
        slugs = sorted({str(v).strip() for v in values if not is_blank(v)} - set(self.found))
        for start in range(0, len(slugs), LOOKUP_CHUNK):
            chunk = slugs[start : start + LOOKUP_CHUNK]
            self.found.update(dict.fromkeys(chunk))
            self.found.update(self.model.objects.in_bulk(chunk, field_name="slug"))

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        slug = str(value).strip()
        if slug not in self.found:
            self.found[slug] = self.model.objects.filter(slug=slug).first()
        if self.found[slug] is None:
            raise ValueError(
                _("There is no %(model)s with the slug “%(slug)s”.")
                % {"model": self.model._meta.verbose_name, "slug": slug}
            )
        return self.found[slug]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.slug


def column(name: str, widget: widgets.Widget) -> fields.Field:
    """A column named like the model field it fills."""
    return fields.Field(attribute=name, column_name=name, widget=widget)
