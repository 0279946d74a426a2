"""What every public page says about the register: who publishes it, under what licence,
when it last changed and whether it is the synthetic demo register."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .caching import request_revision


def register(request: HttpRequest) -> dict:
    # Lazy: the revision is read only by a page that shows the footer, never by an error
    # page (which must render while the database is down); a page that read it for its
    # kept copy does not read it again. It has `changed_at` and `is_demo`.
    return {
        "register_status": SimpleLazyObject(lambda: request_revision(request)),
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
