"""Cache backends: Django's own, with what a cache hit on every request needs."""

import pickle

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class RedisCache(redis.RedisCache):
    """Django's Redis cache with one client per connection pool, not one per operation:
    building a client costs more than the round trip it makes (BENCHMARKS.md)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClientRedisCacheClient


class _KeptClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


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
