"""The one parser of request bodies: JSON, bounded in size and depth, numbers kept exact.

Python's json module raises RecursionError on deeply nested input, which DRF's own
parser lets through as a 500; here any body nested deeper than MAX_DEPTH, larger than
Django's DATA_UPLOAD_MAX_MEMORY_SIZE, or not JSON is a 400. Numbers with a fraction
are read as Decimal (never float), and one written with an exponent (`1e5`) as an
ExponentNumber, which the strict number fields refuse (api/fields.py).
"""

import json
import re
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 10
SURROGATE = re.compile("[\ud800-\udfff]")


class ExponentNumber(Decimal):
    """A JSON number written with an exponent, such as 1e5."""


def _number(text: str) -> Decimal:
    return ExponentNumber(text) if "e" in text.lower() else Decimal(text)


def _constant(name: str):
    raise ValueError(_("%s is not a JSON number.") % name)


def depth(data) -> int:
    """How deeply `data` nests arrays and objects (a scalar is 0), without recursion.

    Raises ValueError if any text in it (keys included) holds a lone surrogate, which
    JSON's \\u escapes can write but no response can echo."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                raise ValueError(_("The body holds text that is not Unicode (a lone surrogate)."))
            continue
        if isinstance(value, dict):
            value = [*value, *value.values()]
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in value)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise ParseError(_("The body is larger than %(limit)d bytes.") % {"limit": limit})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        too_deep = ParseError(
            _("The body nests arrays and objects more than %(max)d levels deep.")
            % {"max": MAX_DEPTH}
        )
        try:
            data = json.loads(raw.decode(encoding), parse_float=_number, parse_constant=_constant)
            levels = depth(data)
        except RecursionError:
            raise too_deep from None
        except ValueError as error:
            # JSONDecodeError and UnicodeDecodeError are ValueErrors; so is an integer
            # of more than 4300 digits.
            raise ParseError(_("The body is not valid JSON: %s") % str(error)[:200]) from None
        if levels > MAX_DEPTH:
            raise too_deep
        return data
