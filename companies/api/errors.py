"""Every error answers in JSON that names what was wrong.

- 400: `{"<field or parameter>": ["reason", ...], ...}` (`non_field_errors` for a
  reason that belongs to no single field);
- every other 4xx: `{"detail": "reason"}`, plus the fields that changed for a 412.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from companies.services import StaleWrite


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it."
    default_code = "precondition_failed"


def exception_handler(exc, context):
    """DRF's handler, plus the domain's errors: a refused write answers 400 naming the
    fields, a stale one 412, a clash that only the database saw 409."""
    write_serializer = getattr(context.get("view"), "write_serializer_class", None)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_detail(exc, write_serializer))
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON is bad input like any other: a 400 in the same shape.
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [exc.detail]})
    elif isinstance(exc, StaleWrite):
        set_rollback()
        body = {
            "detail": str(exc),
            "changed_fields": [api_names(write_serializer).get(f, f) for f in exc.changed_fields],
            "version": exc.record.version,
        }
        return Response(body, status=status.HTTP_412_PRECONDITION_FAILED)
    elif isinstance(exc, IntegrityError):
        set_rollback()
        body = {"detail": _("The change conflicts with another one made at the same time.")}
        return Response(body, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def validation_detail(error: DjangoValidationError, write_serializer=None) -> dict:
    """A model's ValidationError as `{field: [messages]}` (DRF's as_serializer_error), with
    Django's key for errors of no single field named as DRF names it, and a model field
    that `write_serializer` writes under another name (`exit_reason` for exit_reason_en)
    named as the API names it."""
    detail = as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    names = api_names(write_serializer)
    return {names.get(key, key): messages for key, messages in detail.items()}


def api_names(write_serializer) -> dict[str, str]:
    """The model fields that `write_serializer` writes under another name, with that name."""
    if write_serializer is None:
        return {}
    return {
        field.source: name
        for name, field in write_serializer().fields.items()
        if field.source != name
    }


class ErrorSerializer(serializers.Serializer):
    """Any error other than bad input."""

    detail = serializers.CharField(help_text="What went wrong.")


class StaleWriteSerializer(ErrorSerializer):
    """412: the resource changed since the version named in If-Match."""

    changed_fields = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Fields changed since then."
    )
    version = serializers.IntegerField(required=False, help_text="The current version.")


class FieldErrorsSerializer(serializers.Serializer):
    """400: each bad field or query parameter with the reasons it was refused."""

    def to_representation(self, instance):
        return instance


FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each bad field or query parameter, with the reasons it was refused.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"country": ["Select a valid choice. XX is not one of the available choices."]},
}
