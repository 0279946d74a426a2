"""Settings for the test suite: production settings with a throwaway key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-key-not-secret")

from park.settings import *  # noqa: F403

# Hashing passwords slowly protects users, not tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Commands run in a subprocess, and writers in threads, need the test database in a
    # file (SQLite's shared in-memory cache ignores the busy timeout).
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-park.sqlite3")}  # noqa: F405
# One process, each test starting with empty throttle counters (see conftest.py), and
# query counts that do not include cache reads: the shared caches of production are
# exercised by tests/test_settings.py.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": {**CACHES["local"], "LOCATION": "test-local"},  # noqa: F405
}
# The test client speaks plain http; tests of the redirect turn it back on.
SECURE_SSL_REDIRECT = False
