"""Counting requests per client or per address in Django's cache, so that every process
(and, with ``REDIS_URL``, every machine) shares one count."""
from dataclasses import dataclass
import hashlib
import re
import time

from django.core.cache import cache

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
RATE = re.compile(r"(\d+)/(s|sec|m|min|h|hour|d|day)")


@dataclass(frozen=True)
class Rate:
    """At most ``count`` events per ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate | None":
        """``"60/min"`` as a Rate; ``"off"`` as None (no limit). Raises ValueError otherwise."""
        text = text.strip()
        if text == "off":
            return None
        match = RATE.fullmatch(text)
        if match is None:
            raise ValueError(f'{text!r} is not a rate such as "60/min", nor "off"')
        return cls(int(match[1]), PERIODS[match[2]])

    def seconds_left(self, now: float | None = None) -> int:
        """Seconds until the current counting window closes."""
        now = time.time() if now is None else now
        return max(1, int(self.seconds - now % self.seconds))


def rate_allows(scope: str, key: str, rate: Rate | None) -> bool:
    """Count one more event of ``key`` in ``scope``; whether it is within ``rate``.

    Fixed windows of ``rate.seconds``: the count is a cache entry added at zero and
    incremented, which the cache does atomically, so concurrent processes never lose a
    count (a read-then-write would). ``key`` is hashed: any text can be counted.
    """
    if rate is None:
        return True
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    entry = f"rate:{scope}:{rate.count}/{rate.seconds}:{window}:{digest}"
    cache.add(entry, 0, timeout=rate.seconds + 5)
    try:
        count = cache.incr(entry)
    except ValueError:  # expired between add and incr
        cache.add(entry, 1, timeout=rate.seconds + 5)
        count = 1
    return count <= rate.count
