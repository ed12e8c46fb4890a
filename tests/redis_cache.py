"""The cache of the test suite when REDIS_URL is set (config/test_settings.py).

Several test processes (pytest-xdist's workers, and other people's runs on the same machine)
share one Redis server. Each process keys its entries under a prefix of its own, and
``clear()`` removes only the entries under that prefix: Django's Redis cache would empty the
whole database (FLUSHDB), every other process's entries with it.
"""
from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache whose ``clear()`` removes only this process's entries."""

    def clear(self) -> None:
        client = self._cache.get_client(write=True)
        pattern = self.make_key("*")
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) == 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
