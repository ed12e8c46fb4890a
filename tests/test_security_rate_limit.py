"""Finding 4 of the security review: one count per client across processes, the client's
address read from a configured number of trusted proxies (docs/SECURITY.md, section 7)."""
import json
import os
from pathlib import Path
import socket
import subprocess
import sys
import threading
import uuid

from django.core.cache import cache
from django.test import RequestFactory, override_settings
import pytest

from config.clients import client_address
from config.ratelimit import Rate, rate_allows

ROOT = Path(__file__).resolve().parent.parent
URL = "/api/v1/eligibility-checks"
# Refused by the contract before any database query: the throttle is all these tests read.
BODY = json.dumps({"call": ""})


def request_from(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize("proxies, remote, forwarded, expected", [
    (0, "203.0.113.7", None, "203.0.113.7"),
    (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
    (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
    (1, "10.0.0.2", "1.1.1.1, 2.2.2.2, 198.51.100.1", "198.51.100.1"),
    (2, "10.0.0.3", "1.1.1.1, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (2, "10.0.0.3", "10.0.0.2", "10.0.0.3"),
    (1, "10.0.0.2", "", "10.0.0.2"),
])
def test_the_client_address_is_taken_as_many_hops_from_the_right_as_there_are_trusted_proxies(
    proxies, remote, forwarded, expected,
):
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request_from(remote, forwarded)) == expected


def test_a_spoofed_x_forwarded_for_never_changes_the_address_counted(client):
    cache.clear()
    with override_settings(API_RATE_LIMIT="5/min", TRUSTED_PROXY_COUNT=1):
        statuses = [
            client.post(URL, BODY, content_type="application/json", REMOTE_ADDR="10.0.0.2",
                        HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.1").status_code
            for number in range(8)
        ]
    cache.clear()
    assert statuses == [400] * 5 + [429] * 3


def test_without_trusted_proxies_x_forwarded_for_is_ignored_by_the_rate_limit(client):
    cache.clear()
    with override_settings(API_RATE_LIMIT="3/min"):
        statuses = [
            client.post(URL, BODY, content_type="application/json",
                        HTTP_X_FORWARDED_FOR=f"192.0.2.{number}").status_code
            for number in range(5)
        ]
    cache.clear()
    assert statuses == [400, 400, 400, 429, 429]


def test_a_refused_request_says_when_to_try_again(client):
    cache.clear()
    with override_settings(API_RATE_LIMIT="1/hour"):
        client.post(URL, BODY, content_type="application/json")
        refused = client.post(URL, BODY, content_type="application/json")
    cache.clear()
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600


def test_concurrent_counts_are_never_lost():
    cache.clear()
    rate = Rate(count=50, seconds=3600)
    allowed = []

    def hammer():
        allowed.extend(rate_allows("test", "one client", rate) for _ in range(20))

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.clear()
    assert allowed.count(True) == 50


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


WORKER = """
import os, sys, json
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=sys.argv[1])
statuses = [client.post("/api/v1/eligibility-checks", json.dumps({"call": ""}),
                        content_type="application/json").status_code for _ in range(15)]
print(json.dumps(statuses))
"""


@pytest.mark.skipif(not redis_reachable(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_two_server_processes_with_redis_share_one_count_per_client():
    client = f"198.51.100.{uuid.uuid4().int % 250 + 1}, proxy-{uuid.uuid4().hex[:8]}"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "ALLOWED_HOSTS": "testserver",
        "REDIS_URL": "redis://127.0.0.1:6379/0", "API_RATE_LIMIT": "10/hour",
        # The counted address is the proxy's last entry: fresh for each run of this test.
        "TRUSTED_PROXY_COUNT": "1",
    }
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, client], cwd=ROOT, env=environment,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    statuses = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        statuses += json.loads(out.strip().splitlines()[-1])

    assert len(statuses) == 30
    assert statuses.count(400) == 10
    assert statuses.count(429) == 20
