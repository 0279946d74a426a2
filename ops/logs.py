"""The request id on every log line written while a request is served."""

import logging
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request) to each record, for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


@receiver(request_finished)
def request_id_clear(**kwargs) -> None:
    request_id.set(None)
