"""What every public page says about the register: who publishes it, under what licence,
when it last changed and whether it is the synthetic demo register."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def register(request: HttpRequest) -> dict:
    # Lazy: the query runs only on a page that shows the footer, never on an error page
    # (which must render while the database is down).
    return {
        "register_status": SimpleLazyObject(selectors.register_status),
        "publisher": {
            "name": settings.PUBLISHER_NAME,
            "address": settings.PUBLISHER_ADDRESS,
            "email": settings.PUBLISHER_EMAIL,
            "url": settings.PUBLISHER_URL,
        },
        "data_license": {
            "name": settings.DATA_LICENSE_NAME,
            "title": settings.DATA_LICENSE_TITLE,
            "url": settings.DATA_LICENSE_URL,
        },
    }
