"""Django's JSON serializer without its loss of precision, for JSON backups.

Django's encoder cuts datetimes and times to milliseconds (ECMA-262 style), so a dump
and load would change every timestamp; this one keeps microseconds. Registered as the
"json" format (settings.SERIALIZATION_MODULES), so dumpdata and loaddata use it."""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        if self.json_kwargs["cls"] is DjangoJSONEncoder:
            self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
