"""HTTP under load: gunicorn with 2 workers on 127.0.0.1, wrk with 50 connections.

    .venv/bin/python benchmarks/bench_http.py [--seconds 20] [--connections 50]

In a scratch PostgreSQL database (``bench_http``, dropped afterwards) with the reference data,
an applicant and a five-member consortium, it starts gunicorn (2 sync workers, a free port on
127.0.0.1) with DEBUG off, a secret key, the loopback host allowed, no HTTPS redirect and the
API rate limit off (API_RATE_LIMIT=off), then loads, one after the other and for the same
fixed time each:

* the minimal view (benchmarks/urls.py: the middleware, no database, no template): the
  baseline;
* the API check, POST /api/v1/eligibility-checks with a five-member consortium;
* the consortium page of the signed-in applicant (session cookie);
* the same consortium's edit page (project and member forms).

wrk (Debian package ``wrk``; run.py installs it with apt-get when it is missing and this is
root) reports requests per second and the latency distribution; each page's size is recorded.
Targets: the API check at 50 % or more of the minimal view's throughput, the consortium page
at 25 % or more, and no errors.
"""
import argparse
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment  # noqa: E402

WORKERS = 2
TARGET_RATIO = 0.5  # the API check
PAGE_TARGET_RATIO = 0.25  # the consortium page
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
API_PATH = "/api/v1/eligibility-checks"
API_MEMBERS = [
    ("Cluster Nord-Vest", "RO", "RO11", "cluster_organisation", "coordinator"),
    ("Cluster Norte", "PT", "PT11", "cluster_organisation", "partner"),
    ("Netzwerk Dresden", "DE", "DED2", "business_network", "partner"),
    ("Distretto Campania", "IT", "ITF3", "technology_centre", "partner"),
    ("Park Lodz", "PL", "PL11", "science_park", "partner"),
]


def api_body() -> bytes:
    return json.dumps({
        "call": "COS-CLUSTPARTNS-2017-3-02",
        "as_of": "2018-03-01T09:00:00+01:00",
        "project": {"acronym": "LOAD", "duration_months": 24, "start_date": "2018-11-01",
                    "total_eligible_costs": "466666.67", "requested_grant": "350000.00"},
        "members": [
            {"name": name, "country": country, "region": region, "organisation_type": kind,
             "eccp_status": "registered", "role": role}
            for name, country, region, kind, role in API_MEMBERS
        ],
    }).encode()


def prepare_applicant() -> tuple[str, int]:
    """An applicant with a five-member consortium; returns the session cookie and its id."""
    from datetime import date
    from decimal import Decimal

    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from calls.models import Call, Region
    from consortia.models import Consortium, Member

    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    owner = User.objects.create_user(email="load@example.org", password="bench-password-42")
    consortium = Consortium.objects.create(
        owner=owner, call=call, acronym="LOAD", title="Load test partnership",
        duration_months=24, start_date=date(2018, 11, 1),
        total_eligible_costs=Decimal("466666.67"), requested_grant=Decimal("350000.00"),
    )
    for name, country, region, kind, role in API_MEMBERS:
        Member.objects.create(
            consortium=consortium, name=name, country_id=country,
            region=Region.objects.get(classification=call.region_classification, code=region),
            organisation_type=kind, eccp_status="registered", is_coordinator=role == "coordinator",
        )
    client = Client()
    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}", consortium.pk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not serve {url} within {seconds} s")


def fetch(url: str, *, body: bytes | None = None, cookie: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    if body:
        request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def settle(base: str, seconds: float = 60) -> None:
    """Wait until the requests a finished load left queued are served: a sync worker still
    answers requests whose clients have gone, and the next load would queue behind them."""
    deadline = time.monotonic() + seconds
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            fetch(f"{base}/bench/minimal")
        except OSError:  # still busy (timed out): keep waiting, up to the deadline
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - started < 0.1 else 0


def load(url: str, *, seconds: int, connections: int, extra_env: dict) -> dict:
    """Run wrk against ``url``; the summary that wrk_report.lua prints."""
    completed = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(LUA_SCRIPT), url],
        env={**os.environ, **extra_env}, capture_output=True, text=True, check=True,
    )
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    duration = summary["duration_us"] / 1_000_000
    errors = sum(summary["errors"].values())
    return {
        "requests": summary["requests"],
        "requests_per_second": round(summary["requests"] / duration, 1),
        "p50_ms": round(summary["latency_us"]["p50"] / 1000, 1),
        "p90_ms": round(summary["latency_us"]["p90"] / 1000, 1),
        "p99_ms": round(summary["latency_us"]["p99"] / 1000, 1),
        "max_ms": round(summary["latency_us"]["max"] / 1000, 1),
        "errors": errors,
        "error_detail": summary["errors"],
    }


def measure(database: str, seconds: int, connections: int) -> dict:
    cookie, consortium_id = prepare_applicant()
    from django.db import connections as django_connections

    django_connections.close_all()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**os.environ, **environment.PRODUCTION_LIKE, "DATABASE_URL": database}
    server = subprocess.Popen(
        [str(Path(environment.PYTHON).parent / "gunicorn"), "config.wsgi:application",
         "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=environment.ROOT, env=server_env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    body_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
    body_file.write(api_body())
    body_file.close()
    try:
        wait_until_served(f"{base}/bench/minimal")
        page_url = f"{base}/consortia/{consortium_id}/"
        edit_url = f"{base}/consortia/{consortium_id}/edit/"
        checks = {
            "minimal view": fetch(f"{base}/bench/minimal"),
            "API check": fetch(base + API_PATH, body=api_body()),
            "consortium page": fetch(page_url, cookie=cookie),
            "edit page": fetch(edit_url, cookie=cookie),
        }
        assert all(status == 200 for status, _body in checks.values()), checks
        assert json.loads(checks["API check"][1])["verdict"] == "eligible"
        assert b"LOAD" in checks["consortium page"][1]
        assert b"Cluster Nord-Vest" in checks["edit page"][1]
        targets = [
            ("minimal view", f"{base}/bench/minimal", {}),
            ("API check", base + API_PATH,
             {"BENCH_METHOD": "POST", "BENCH_BODY_FILE": body_file.name}),
            ("consortium page", page_url, {"BENCH_COOKIE": cookie}),
            ("edit page", edit_url, {"BENCH_COOKIE": cookie}),
        ]
        for _name, url, extra in targets:  # warm both workers' caches and connections
            load(url, seconds=2, connections=connections, extra_env=extra)
            settle(base)
        rows = []
        for name, url, extra in targets:
            rows.append({"what": name, "response_bytes": len(checks[name][1]),
                         **load(url, seconds=seconds, connections=connections, extra_env=extra)})
            settle(base)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        os.unlink(body_file.name)
    baseline = rows[0]["requests_per_second"]
    for row in rows:
        row["share_of_minimal"] = round(row["requests_per_second"] / baseline, 3)
    shares = {row["what"]: row["share_of_minimal"] for row in rows}
    return {
        "rows": rows,
        "api_share_of_minimal": shares["API check"],
        "page_share_of_minimal": shares["consortium page"],
        "target_met": shares["API check"] >= TARGET_RATIO
        and shares["consortium page"] >= PAGE_TARGET_RATIO
        and all(row["errors"] == 0 for row in rows),
    }


def print_table(results: dict) -> None:
    print(f"HTTP under load: gunicorn {WORKERS} sync workers, wrk {results['connections']} "
          f"connections, {results['seconds']} s each, PostgreSQL, DEBUG off")
    print(f"{'request':<16}  {'req/s':>8}  {'p50 ms':>7}  {'p90 ms':>7}  {'p99 ms':>7}  "
          f"{'errors':>6}  {'KiB':>6}  share of minimal")
    for row in results["rows"]:
        print(f"{row['what']:<16}  {row['requests_per_second']:>8}  {row['p50_ms']:>7}  "
              f"{row['p90_ms']:>7}  {row['p99_ms']:>7}  {row['errors']:>6}  "
              f"{row['response_bytes'] / 1024:>6.1f}  {row['share_of_minimal']:.0%}")
    print(f"API check at {results['api_share_of_minimal']:.0%} of the minimal view "
          f"(target >= {TARGET_RATIO:.0%}), consortium page at "
          f"{results['page_share_of_minimal']:.0%} (target >= {PAGE_TARGET_RATIO:.0%}), "
          f"no errors: {'met' if results['target_met'] else 'NOT met'}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): the HTTP benchmark is skipped.")
        return {"skipped": "wrk not installed"}
    if not environment.postgres_available():
        print("PostgreSQL is not reachable: the HTTP benchmark is skipped.")
        return {"skipped": "PostgreSQL not reachable"}
    environment.collect_static()
    os.environ.update(environment.PRODUCTION_LIKE)
    with environment.scratch_database("http") as database:
        environment.setup_django(database, settings="benchmarks.settings")
        results = {
            "benchmark": "HTTP under load",
            "measured_at": environment.now_text(),
            "machine": environment.machine(),
            "seconds": options.seconds,
            "connections": options.connections,
            "workers": WORKERS,
            "target": f"API check >= {TARGET_RATIO:.0%} and consortium page >= "
                      f"{PAGE_TARGET_RATIO:.0%} of the minimal view's throughput, no errors",
            **measure(database, options.seconds, options.connections),
        }
    environment.write_results("http", results)
    print_table(results)
    return results


if __name__ == "__main__":
    main()
