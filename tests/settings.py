"""Settings for the test suite: production settings with a throwaway key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-key-not-secret")

from park.settings import *  # noqa: F403

# Hashing passwords slowly protects users, not tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# One process, and query counts that do not include cache reads: the shared caches of
# production (Redis, the database) are exercised by tests/test_settings.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The test client speaks plain http; tests of the redirect turn it back on.
SECURE_SSL_REDIRECT = False
