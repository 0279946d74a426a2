"""Settings for the test suite: production settings with a throwaway key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-key-not-secret")

from park.settings import *  # noqa: F403

# Hashing passwords slowly protects users, not tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Each test starts with empty throttle counters (see conftest.py); no files are written.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
