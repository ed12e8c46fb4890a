"""Load without loss: simulated applicants and contact points against gunicorn and PostgreSQL,
then every consortium, edit, submission and review the clients were told was saved is looked
for in the database, with its record entries and its log line.

.venv/bin/python -m tests.load.run [--users 50] [--seconds 180] (make loadtest)

In a scratch PostgreSQL database of its own (``loadtest_...`` on the server of DATABASE_URL, or
postgres://postgres@127.0.0.1:5432; dropped afterwards), prepared by tests/load/prepare.py, it
starts gunicorn with config/gunicorn.conf.py (2 workers of 4 threads, a free port on 127.0.0.1,
connections kept alive for 10 s) with DEBUG off and production settings, except plain HTTP (no
HTTPS redirect, cookies not marked secure), no API rate limit (every simulated client shares
one address) and e-mail written to files in the run's folder (where the simulated applicants
read their sign-up links). Then locust runs headless (tests/load/locustfile.py) for the given
time. tests/load/test_load.py runs a short version in the test suite.

With --rush: the deadline rush across two instances and a worker (tests/load/rush.py).
"""
import argparse
from collections import Counter
import csv
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit
import urllib.request

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
WORKERS = 2
THREADS = 4
REVIEWERS = 10


@dataclass
class LoadResult:
    """What the clients did and what the database holds afterwards."""

    seconds: float
    users: int
    requests: int = 0
    failures: int = 0
    median_ms: float = 0
    p95_ms: float = 0
    told_saved: dict = field(default_factory=dict)
    server_errors: list = field(default_factory=list)
    no_answer: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    logged: dict = field(default_factory=dict)
    stored: dict = field(default_factory=dict)
    server_log_errors: list = field(default_factory=list)
    phases: dict = field(default_factory=dict)  # seconds spent preparing, loading, checking
    waiting_submissions: int = 0  # submitted before the load began (and logged elsewhere)

    def problems(self) -> list[str]:
        """Every broken promise: a 5xx, a request left without an answer, an error in the
        server's log, something told saved and not found, a stored submission or review
        without its log line."""
        return [
            *(f"5xx: {error}" for error in self.server_errors),
            *(f"no answer: {error}" for error in self.no_answer),
            *(f"server log: {line}" for line in self.server_log_errors),
            *(f"lost: {missing}" for missing in self.lost),
            *self.log_mismatches(),
        ]

    def log_mismatches(self) -> list[str]:
        """Every submission and review the server stored has its log line in its log."""
        mismatches = []
        for what, event, before in (
            ("submissions", "consortium_submitted", self.waiting_submissions),
            ("reviews", "consortium_reviewed", 0),
        ):
            during_load = self.stored.get(what, 0) - before
            if self.logged.get(event, 0) != during_load:
                mismatches.append(f"{during_load} {what} stored under load, "
                                  f"{self.logged.get(event, 0)} {event} log lines")
        return mismatches

    def summary(self) -> str:
        saved = ", ".join(f"{count} {what}" for what, count in self.told_saved.items())
        return (
            f"{self.users} users for {self.seconds:.0f} s: {self.requests} requests, "
            f"{self.failures} failed, median {self.median_ms:.0f} ms, 95 % under "
            f"{self.p95_ms:.0f} ms. Told saved: {saved}. 5xx: {len(self.server_errors)}, "
            f"no answer: {len(self.no_answer)}, lost: {len(self.lost)}. Phases (s): "
            + ", ".join(f"{phase} {spent:.1f}" for phase, spent in self.phases.items())
        )


def server_url() -> str:
    """The PostgreSQL server of DATABASE_URL (without its database), or the local default."""
    configured = os.environ.get("LOADTEST_POSTGRES") or os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        return DEFAULT_SERVER
    parts = urlsplit(configured)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def admin_execute(server: str, statement: str) -> None:
    connection = psycopg2.connect(f"{server}/postgres", connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str) -> dict[str, str]:
    # One instance, on its own: no Redis (the deadline rush, tests/load/rush.py, adds it).
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO_", "PYTEST")) and key != "REDIS_URL"}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "tests.load.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "API_RATE_LIMIT": "off",
        # Every simulated client signs up from the same address.
        "ACCOUNT_EMAILS_PER_CLIENT": "off",
        # E-mails are written to files (EMAIL_FILE_PATH, set per run): the applicants read
        # their sign-up link there.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "LOG_LEVEL": "INFO",
    })
    return environment


def wait_until_served(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process this module started, and its children (its own process group)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_load_test(*, users: int = 50, seconds: int = 180, spawn_rate: float = 10,
                  pause: tuple[float, float] = (0.5, 2), fast_password_hashing: bool = False,
                  ) -> LoadResult:
    """Run the whole load test in a scratch database, which is dropped afterwards."""
    server = server_url()
    database = f"loadtest_{os.getpid()}_{secrets.token_hex(4)}"
    database_url = f"{server}/{database}"
    environment = server_environment(database_url)
    if fast_password_hashing:
        environment["LOADTEST_FAST_PASSWORD_HASHING"] = "1"
    result = LoadResult(seconds=seconds, users=users)
    started = time.monotonic()

    def phase(name: str) -> None:
        nonlocal started
        result.phases[name] = time.monotonic() - started
        started = time.monotonic()
    gunicorn = None
    admin_execute(server, f'CREATE DATABASE "{database}"')
    try:
        with tempfile.TemporaryDirectory(prefix="loadtest-") as scratch:
            work = Path(scratch)
            mail_folder = work / "mail"
            environment["EMAIL_FILE_PATH"] = str(mail_folder)
            prepared = subprocess.run(
                [sys.executable, "-m", "tests.load.prepare", str(REVIEWERS)], cwd=ROOT,
                env=environment, capture_output=True, text=True, timeout=300,
            )
            if prepared.returncode != 0:
                raise RuntimeError(f"preparing the database failed:\n{prepared.stderr}")
            plan = work / "plan.json"
            plan.write_text(prepared.stdout.strip().splitlines()[-1])
            result.waiting_submissions = json.loads(plan.read_text())["waiting_submissions"]
            phase("database")

            port = free_port()
            server_log = work / "gunicorn.log"
            with server_log.open("w") as log:
                gunicorn = subprocess.Popen(
                    [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py",
                     "config.wsgi:application",
                     "--workers", str(WORKERS), "--threads", str(THREADS),
                     "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
                     # Above the clients' longest pause: a connection the server closes
                     # just as a client reuses it would be a reset no real load has.
                     "--keep-alive", "10", "--graceful-timeout", "5"],
                    cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            host = f"http://127.0.0.1:{port}"
            wait_until_served(f"{host}/health")
            phase("server")

            ledger = work / "ledger.json"
            stats = work / "stats"
            locust = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "tests" / "load" / "locustfile.py"),
                 "Applicant", "Reviewer", "--headless", "--users", str(users),
                 "--spawn-rate", str(spawn_rate),
                 "--run-time", f"{seconds}s", "--stop-timeout", "5", "--host", host,
                 "--csv", str(stats), "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env={**os.environ, "LOADTEST_PLAN": str(plan),
                               "LOADTEST_LEDGER": str(ledger),
                               "LOADTEST_MAIL": str(mail_folder),
                               "LOADTEST_PAUSE": ",".join(map(str, pause))},
                capture_output=True, text=True, timeout=seconds + 120,
            )
            if not ledger.exists():
                raise RuntimeError(f"locust wrote no ledger:\n{locust.stdout}\n{locust.stderr}")
            stop(gunicorn)
            phase("load")
            read_stats(result, Path(f"{stats}_stats.csv"))
            told = json.loads(ledger.read_text())
            result.server_errors = told["server_errors"]
            result.no_answer = told["no_answer"]
            result.unexpected = told["unexpected"]
            result.told_saved = {what: len(told[what])
                                 for what in ("consortia", "edits", "submissions", "reviews")}
            log_text = server_log.read_text(errors="replace")
            result.logged = logged_events(log_text)
            result.server_log_errors = [line for line in log_text.splitlines()
                                        if "Internal Server Error" in line or "Traceback" in line]
            result.lost, result.stored = find_everything_told_saved(database_url, told)
            phase("check")
    finally:
        stop(gunicorn)
        admin_execute(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return result


def read_stats(result: LoadResult, path: Path) -> None:
    with path.open() as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    result.requests = int(total["Request Count"])
    result.failures = int(total["Failure Count"])
    result.median_ms = float(total["Median Response Time"] or 0)
    result.p95_ms = float(total["95%"] or 0) if total["95%"] != "N/A" else 0


def logged_events(log_text: str) -> dict:
    """How many structured log lines of each event the server wrote."""
    counted: Counter = Counter()
    for line in log_text.splitlines():
        # The server's lines are JSON objects; gunicorn's own lines are not.
        try:
            logged = json.loads(line)
        except ValueError:
            continue
        if isinstance(logged, dict) and logged.get("logger") == "eligibility.events":
            counted[logged["event"]] += 1
    return dict(counted)


def find_everything_told_saved(database_url: str, told: dict) -> tuple[list[str], dict]:
    """Each thing the clients were told was saved, looked for in the database with its
    record entries; returns what is missing, and what the database holds in all."""
    lost = []
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            def one(query: str, *parameters):
                cursor.execute(query, parameters)
                return cursor.fetchone()

            def entries(consortium: int, action: str) -> list[dict]:
                cursor.execute(
                    "SELECT details FROM audit_event WHERE consortium_id = %s AND action = %s",
                    (consortium, action),
                )
                return [row[0] for row in cursor.fetchall()]

            for consortium in told["consortia"]:
                row = one("SELECT c.acronym, u.email FROM consortia_consortium c "
                          "JOIN accounts_user u ON u.id = c.owner_id WHERE c.id = %s",
                          consortium["id"])
                if row != (consortium["acronym"], consortium["owner"]):
                    lost.append(f"consortium {consortium}: found {row}")
                if not entries(consortium["id"], "consortium_created"):
                    lost.append(f"record entry of the creation of consortium {consortium['id']}")
            for edit in told["edits"]:
                row = one("SELECT title FROM consortia_consortium WHERE id = %s", edit["id"])
                if row != (edit["title"],):
                    lost.append(f"edit {edit}: found {row}")
                if not entries(edit["id"], "consortium_edited"):
                    lost.append(f"record entry of the edit of consortium {edit['id']}")
            for submission in told["submissions"]:
                row = one("SELECT consortium_id, snapshot->>'acronym', snapshot->>'title', "
                          "withdrawn_at FROM consortia_submission WHERE id = %s", submission["id"])
                expected = (
                    submission["consortium"], submission["acronym"], submission["title"], None
                )
                if row != expected:
                    lost.append(f"submission {submission}: found {row}")
                if not any(entry.get("submission") == submission["id"]
                           for entry in entries(submission["consortium"], "consortium_submitted")):
                    lost.append(f"record entry of submission {submission['id']}")
            told_reviews = Counter((review["submission"], review["reviewer"])
                                   for review in told["reviews"])
            for (submission, reviewer), count in told_reviews.items():
                stored_reviews = one(
                    "SELECT count(*) FROM reviews_review r JOIN accounts_user u "
                    "ON u.id = r.reviewer_id WHERE r.submission_id = %s AND u.email = %s",
                    submission, reviewer)[0]
                recorded = one(
                    "SELECT count(*) FROM audit_event e JOIN accounts_user u ON u.id = e.actor_id "
                    "WHERE e.action = 'consortium_reviewed' "
                    "AND (e.details->>'submission')::int = %s AND u.email = %s",
                    submission, reviewer)[0]
                if stored_reviews < count or recorded < count:
                    lost.append(f"{count} reviews of submission {submission} by {reviewer}: "
                                f"{stored_reviews} stored, {recorded} record entries")
            stored = {
                "consortia": one("SELECT count(*) FROM consortia_consortium")[0],
                "submissions": one("SELECT count(*) FROM consortia_submission")[0],
                "reviews": one("SELECT count(*) FROM reviews_review")[0],
            }
    finally:
        connection.close()
    return lost, stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--fast-password-hashing", action="store_true",
                        help="hash passwords with a fast hasher (see tests/load/settings.py)")
    parser.add_argument("--rush", action="store_true",
                        help="the deadline rush (tests/load/rush.py); --seconds is then the "
                             "time left before the deadline")
    parser.add_argument("--after-deadline", type=int, default=30, metavar="SECONDS",
                        help="with --rush: how long the clients go on after the deadline")
    arguments = parser.parse_args()
    result: LoadResult
    if arguments.rush:
        from tests.load.rush import run_rush_test

        result = run_rush_test(users=arguments.users, before_deadline=arguments.seconds,
                               after_deadline=arguments.after_deadline,
                               spawn_rate=arguments.spawn_rate)
    else:
        result = run_load_test(users=arguments.users, seconds=arguments.seconds,
                               spawn_rate=arguments.spawn_rate,
                               fast_password_hashing=arguments.fast_password_hashing)
    print(result.summary())
    print(f"Stored: {result.stored}; log lines: {result.logged}")
    problems = result.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    for note in result.unexpected[:20]:
        print(f"unexpected answer: {note}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
