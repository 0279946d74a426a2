"""Serializer fields that read request bodies strictly: nothing is silently coerced.

DRF's own fields accept `"7"` for a number, `1e5` and `"1_000"` for amounts, Arabic-Indic
and full-width digits, `"yes"` for true, `20210630` for a day and `7` for a text. These
refuse them with a message naming the field; StrictModelSerializer uses them for every
model field and refuses a body field the endpoint does not take.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from companies import params

from .parsers import ExponentNumber


class StrictIntegerField(serializers.IntegerField):
    """A whole number written as a JSON number: not `"7"`, `7.0` or `true`."""

    default_error_messages = {"invalid": _("Give a whole number as a JSON number, such as 120.")}

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """An amount as a decimal string (as the API writes them) or a JSON number, in ASCII
    digits without an exponent or separators."""

    default_error_messages = {
        "invalid": _(
            'Give an amount in digits with a dot for cents, such as "1234567.89" (no '
            "exponent, separators or other digits)."
        )
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            valid = params.DECIMAL_NUMBER.fullmatch(data.strip()) is not None
        else:
            valid = type(data) is int or type(data) is Decimal
        if not valid or isinstance(data, ExponentNumber):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    """A day written YYYY-MM-DD in ASCII digits."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not params.ISO_DAY.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class StrictBooleanField(serializers.BooleanField):
    """true or false, as JSON: not `"yes"`, `1` or `"true"`."""

    default_error_messages = {"invalid": _("Give true or false.")}

    def to_internal_value(self, data):
        if type(data) is not bool:
            self.fail("invalid")
        return data


class StrictTextMixin:
    """Text written as a JSON string: not `7` or `7.5`, which DRF's text fields turn into
    "7" and "7.5"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictTextMixin, serializers.CharField):
    pass


class StrictSlugField(StrictTextMixin, serializers.SlugField):
    pass


class StrictURLField(StrictTextMixin, serializers.URLField):
    pass


class SectorField(serializers.SlugRelatedField):
    """A sector named by its slug; text that cannot be a slug is refused before any query."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not params.SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class KnownFieldsMixin:
    """Refuse a body field that this serializer does not write, naming it: a misspelt
    field would otherwise be ignored while the write goes ahead."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = [name for name, field in self.fields.items() if not field.read_only]
            unknown = [name for name in data if name not in writable]
            if unknown:
                message = _("This field is not taken here; the fields are: %(fields)s.") % {
                    "fields": ", ".join(writable)
                }
                raise serializers.ValidationError(
                    {str(name)[:100]: [message] for name in unknown[:10]}
                )
        return super().to_internal_value(data)


class StrictModelSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.DecimalField: StrictDecimalField,
        models.DateField: StrictDateField,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
    }


class StrictSerializer(KnownFieldsMixin, serializers.Serializer):
    pass
