"""The suite's cache on a shared Redis server: each test process empties only its own entries."""
import os
import uuid

from tests.redis_cache import PrefixedRedisCache

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_cache(prefix: str) -> PrefixedRedisCache:
    return PrefixedRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})


def test_clearing_the_cache_of_one_test_process_keeps_every_other_process_entries():
    run = uuid.uuid4().hex
    mine, theirs = redis_cache(f"{run}-mine"), redis_cache(f"{run}-theirs")
    for number in range(600):  # more than one batch of deletions
        mine.set(f"count-{number}", number)
    theirs.set("count-0", "kept")
    try:
        mine.clear()

        assert mine.get_many([f"count-{number}" for number in range(600)]) == {}
        assert theirs.get("count-0") == "kept"
    finally:
        theirs.clear()
    assert theirs.get("count-0") is None
