"""Response formats: JSON through orjson, and the streamed exports of the companies list."""

from decimal import Decimal

import orjson
from django.utils.functional import Promise
from rest_framework import exceptions, negotiation, renderers
from rest_framework.settings import api_settings


def _default(value):
    # Amounts stay exact: decimals are written as strings, like DRF's DecimalField does.
    if isinstance(value, Decimal | Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data) -> bytes:
    """JSON bytes; dates, datetimes and decimal strings as the schema describes them."""
    return orjson.dumps(data, default=_default)


class ORJSONRenderer(renderers.BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)


class CSVRenderer(renderers.BaseRenderer):
    """Selects the CSV export; the view streams it (see exports.py), errors stay JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return dumps(data)


class NDJSONRenderer(CSVRenderer):
    """Selects the newline-delimited JSON export: one company per line, streamed."""

    media_type = "application/x-ndjson"
    format = "ndjson"


EXPORT_FORMATS = (CSVRenderer.format, NDJSONRenderer.format)


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """An unknown `format=` on a read is a bad parameter (400 naming it), not a missing
    page (404); other methods answer in JSON whatever it says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        self.reading = request.method in ("GET", "HEAD")
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching and not self.reading:
            return renderers
        if not matching:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise exceptions.ValidationError(
                {
                    api_settings.URL_FORMAT_OVERRIDE: [
                        f"Unknown format '{format}'; this endpoint answers in: {formats}."
                    ]
                }
            )
        return matching
