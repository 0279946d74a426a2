"""ASGI entry point; the directory is served by gunicorn over WSGI (see FIELD-NOTES)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "park.settings")

application = get_asgi_application()
