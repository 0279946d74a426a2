"""A cache backend: Django's local-memory cache with a bound on each value."""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class BoundedLocMemCache(LocMemCache):
    """Django's local-memory cache that declines values larger than MAX_VALUE_BYTES
    (pickled), so that a worker's cache stays under MAX_ENTRIES times that, whatever
    clients ask for."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_value_bytes = params.get("OPTIONS", {}).get("MAX_VALUE_BYTES", 128 * 1024)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        if len(pickled) > self.max_value_bytes:
            return
        with self._lock:
            self._set(key, pickled, timeout)
