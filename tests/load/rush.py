"""The deadline rush: the load test across two application instances, before a deadline.

    .venv/bin/python -m tests.load.run --rush [--users 200] [--seconds 180] [--after-deadline 30]

In a scratch PostgreSQL database (as tests/load/run.py), it starts a Celery worker and two
gunicorn instances on different ports, all sharing that database and Redis (REDIS_URL or
LOADTEST_REDIS_URL, default redis://127.0.0.1:6379/11; the run's cache entries and queue are
named after it), and a small SMTP server (tests/load/smtp_sink.py) that every e-mail goes to.
The practice call's deadline is moved to ``--seconds`` ahead; applicants who signed up earlier
sign in and edit, check and submit until ``--after-deadline`` seconds after it, each request
going to either instance, while contact points read the queue and review. Afterwards
(``RushResult.problems``): every submission, consortium, edit and review a client was told was
saved is in the database with its record entry and its log line; every submission has its
outbox e-mail, and every outbox e-mail reached the SMTP server (once the application has an
outbox); nothing was accepted after the deadline, nor refused before it; the API's rate limit
let exactly its count through from one address whichever instance answered; no 5xx and no
error in any log; and a re-check of the call on the worker stored the same rows as one in a
single process.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
import json
import os
from pathlib import Path
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import psycopg2

from tests.load.run import (
    BIN,
    REVIEWERS,
    ROOT,
    THREADS,
    WORKERS,
    LoadResult,
    admin_execute,
    find_everything_told_saved,
    free_port,
    logged_events,
    read_stats,
    server_environment,
    server_url,
    stop,
    wait_until_served,
)
from tests.load.smtp_sink import SmtpSink

API_RATE = "60/min"
# Lines of the servers' and the worker's logs that are a problem: an error Django logged, a
# gunicorn worker killed for not answering in time (its open connections are reset).
LOG_ERRORS = ("Internal Server Error", "Traceback", "WORKER TIMEOUT", "[CRITICAL]")
DRAIN_SECONDS = 120


@dataclass
class RushResult(LoadResult):
    """The load test's findings, and what only the deadline rush checks."""

    deadline: str = ""
    instances: int = 2
    refused_submissions: int = 0
    refused_in_time: list = field(default_factory=list)
    accepted_late: list = field(default_factory=list)
    outbox: dict | None = None  # None: this version of the application has no outbox
    rate_limit: dict = field(default_factory=dict)
    recheck: dict | None = None

    def problems(self) -> list[str]:
        """Every broken promise of the load test, and: a submission stored after the
        deadline; a submission told accepted without its outbox e-mail; an outbox e-mail not
        delivered to the mail server; the API's rate limit counted apart by each instance;
        a re-check on the worker that differs from one in a single process."""
        problems = super().problems()
        problems += [f"accepted after the deadline {self.deadline}: {late}"
                     for late in self.accepted_late]
        problems += [f"refused before the deadline {self.deadline}: {refused}"
                     for refused in self.refused_in_time]
        if self.outbox is not None:
            problems += [f"no outbox e-mail for submission {missing}"
                         for missing in self.outbox["missing"]]
            problems += [f"outbox e-mail not delivered: {row}"
                         for row in self.outbox["undelivered"]]
        if self.rate_limit.get("allowed") != self.rate_limit.get("limit"):
            problems.append(f"rate limit across the instances: {self.rate_limit}")
        if self.recheck is not None and not self.recheck["same"]:
            problems.append(f"re-check on the worker differs from one in a process: "
                            f"{self.recheck}")
        return problems

    def summary(self) -> str:
        outbox = "none in this version" if self.outbox is None else (
            f"{self.outbox['rows']} e-mails, {self.outbox['sent']} sent, "
            f"{self.outbox['received']} received by the mail server, settled "
            f"{self.outbox['drained_in']:.1f} s after the load"
        )
        return (
            f"{self.instances} instances. " + super().summary()
            + f". Deadline {self.deadline}: {self.refused_submissions} submissions refused "
            f"after it, {len(self.accepted_late)} stored after it. Outbox: {outbox}. "
            f"Rate limit: {self.rate_limit}. Re-check: {self.recheck}"
        )


def redis_url() -> str:
    return (os.environ.get("LOADTEST_REDIS_URL") or os.environ.get("REDIS_URL")
            or "redis://127.0.0.1:6379/11")


def start(command: list[str], log_path: Path, environment: dict) -> subprocess.Popen:
    """A process of the run, in a process group of its own (``stop`` ends it and its
    children), writing to ``log_path``."""
    with log_path.open("w") as log:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def gunicorn_command(port: int, keep_alive: int) -> list[str]:
    """An instance as tests/load/run.py starts one, but for how long idle connections are
    kept: each client sends every request to either instance, so its connection to one of
    them can stay idle for any time; an instance closing it just as the client reuses it
    resets a request no real load would (a proxy in front keeps its own connections to the
    instances). The run keeps them for longer than it lasts."""
    return [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi:application",
            "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{port}", "--keep-alive", str(keep_alive),
            "--graceful-timeout", "5"]


def rush_environment(database_url: str, run: str) -> dict[str, str]:
    environment = server_environment(database_url)
    environment.update({
        "REDIS_URL": redis_url(), "LOADTEST_RUN": run,
        # The rush is about the deadline, not the cost of a password: fast hashing for the
        # applicants' sign-in (see tests/load/settings.py).
        "LOADTEST_FAST_PASSWORD_HASHING": "1",
        # Each simulated client comes through one trusted proxy from an address of its own,
        # so the rate limits are on, as in production.
        "TRUSTED_PROXY_COUNT": "1", "API_RATE_LIMIT": API_RATE,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_USE_TLS": "0",
        # The address the e-mails' links start with.
        "SITE_URL": "http://127.0.0.1",
    })
    environment.pop("ACCOUNT_EMAILS_PER_CLIENT", None)
    return environment


def run_rush_test(*, users: int = 200, before_deadline: int = 180, after_deadline: int = 30,
                  spawn_rate: float = 20, pause: tuple[float, float] = (0.5, 2),
                  instances: int = 2) -> RushResult:
    """The deadline rush, in a scratch database dropped afterwards (see the module's text)."""
    server = server_url()
    run = f"loadtest_{os.getpid()}_{secrets.token_hex(4)}"
    database_url = f"{server}/{run}"
    environment = rush_environment(database_url, run)
    result = RushResult(seconds=before_deadline + after_deadline, users=users,
                        instances=instances)
    started = time.monotonic()

    def phase(name: str) -> None:
        nonlocal started
        result.phases[name] = time.monotonic() - started
        started = time.monotonic()
    processes: list[subprocess.Popen] = []
    admin_execute(server, f'CREATE DATABASE "{run}"')
    try:
        with tempfile.TemporaryDirectory(prefix="loadtest-rush-") as scratch, SmtpSink() as sink:
            work = Path(scratch)
            environment["EMAIL_PORT"] = str(sink.port)
            prepared = subprocess.run(
                [sys.executable, "-m", "tests.load.prepare", str(REVIEWERS), str(users)],
                cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
            )
            if prepared.returncode != 0:
                raise RuntimeError(f"preparing the database failed:\n{prepared.stderr}")
            plan_data = json.loads(prepared.stdout.strip().splitlines()[-1])
            plan = work / "plan.json"
            plan.write_text(json.dumps(plan_data))
            result.waiting_submissions = plan_data["waiting_submissions"]
            phase("database")

            worker_log = work / "worker.log"
            processes.append(start(
                [str(BIN / "celery"), "--app", "config", "worker", "--loglevel", "INFO",
                 "--concurrency", "1", "--without-gossip", "--without-mingle",
                 "--hostname", f"{run}@%h"],
                worker_log, environment,
            ))
            hosts, server_logs = [], []
            for number in range(instances):
                port = free_port()
                server_logs.append(work / f"gunicorn-{number}.log")
                keep_alive = before_deadline + after_deadline + 120
                processes.append(start(gunicorn_command(port, keep_alive), server_logs[-1],
                                       environment))
                hosts.append(f"http://127.0.0.1:{port}")
            for host in hosts:
                wait_until_served(f"{host}/health")
            # Before any request has read the call: every instance reads it with this deadline.
            deadline = move_deadline(database_url, plan_data["call"], before_deadline)
            result.deadline = deadline.isoformat()
            phase("servers")

            ledger, stats = work / "ledger.json", work / "stats"
            locust = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "tests" / "load" / "locustfile.py"),
                 "RushApplicant", "RushReviewer", "--headless", "--users", str(users),
                 "--spawn-rate", str(spawn_rate),
                 "--run-time", f"{before_deadline + after_deadline}s", "--stop-timeout", "5",
                 "--host", hosts[0], "--csv", str(stats), "--only-summary",
                 "--loglevel", "WARNING"],
                cwd=ROOT, env={**os.environ, "LOADTEST_PLAN": str(plan),
                               "LOADTEST_LEDGER": str(ledger),
                               "LOADTEST_MAIL": str(work / "mail"),
                               "LOADTEST_HOSTS": ",".join(hosts),
                               "LOADTEST_DEADLINE": str(deadline.timestamp()),
                               "LOADTEST_PAUSE": ",".join(map(str, pause))},
                capture_output=True, text=True, timeout=before_deadline + after_deadline + 180,
            )
            if not ledger.exists():
                raise RuntimeError(f"locust wrote no ledger:\n{locust.stdout}\n{locust.stderr}")
            phase("load")
            result.rate_limit = probe_rate_limit(hosts, API_RATE)
            phase("rate limit")
            for gunicorn in processes[1:]:
                stop(gunicorn)
            result.outbox = wait_for_the_outbox(database_url, sink)
            phase("drain")
            result.recheck = compare_rechecks(environment, plan_data["call"], work)
            stop(processes[0])
            phase("re-check")

            read_stats(result, Path(f"{stats}_stats.csv"))
            told = json.loads(ledger.read_text())
            result.server_errors = told["server_errors"]
            result.no_answer = told["no_answer"]
            result.unexpected = told["unexpected"]
            result.refused_submissions = len(told["refused_submissions"])
            result.refused_in_time = [refused for refused in told["refused_submissions"]
                                      if refused["at"] < deadline.timestamp()]
            result.told_saved = {what: len(told[what])
                                 for what in ("consortia", "edits", "submissions", "reviews")}
            log_text = "\n".join(path.read_text(errors="replace") for path in server_logs)
            result.logged = logged_events(log_text)
            every_log = log_text + "\n" + worker_log.read_text(errors="replace")
            result.server_log_errors = [line for line in every_log.splitlines()
                                        if any(sign in line for sign in LOG_ERRORS)]
            result.lost, result.stored = find_everything_told_saved(database_url, told)
            result.accepted_late = submissions_after_the_deadline(database_url)
            if result.outbox is not None:
                result.outbox["missing"] = submissions_without_their_email(database_url, told)
            phase("check")
    finally:
        for process in processes:
            stop(process)
        admin_execute(server, f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        forget_the_run_in_redis(environment["REDIS_URL"], run)
    return result


def forget_the_run_in_redis(url: str, run: str) -> None:
    """Remove the run's keys (cache entries, its queue and Celery's binding of it)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"*{run}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def move_deadline(database_url: str, call: str, seconds: int) -> datetime:
    """The call's deadline ``seconds`` from now (its questions deadline a week before)."""
    deadline = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=seconds)
    connection = psycopg2.connect(database_url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "UPDATE calls_call SET deadline = %s, questions_deadline = %s "
                "WHERE reference = %s",
                (deadline, deadline - timedelta(days=7), call),
            )
            assert cursor.rowcount == 1, call
    finally:
        connection.close()
    return deadline


def probe_rate_limit(hosts: list[str], rate: str) -> dict:
    """Twice the API's limit from one new address, alternating between the instances within
    one counting window: exactly the limit must get through in all, not the limit per
    instance. A probe that straddled two windows is made again from another address."""
    limit, period = rate.split("/")
    seconds = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}[period]
    for host in hosts:  # the requests the clients left queued are served first
        wait_until_served(f"{host}/health", seconds=120)
    for _attempt in range(3):
        window = int(time.time() // seconds)
        found = _probe_once(hosts, int(limit))
        if int(time.time() // seconds) == window:
            return found
    raise RuntimeError(f"three rate-limit probes each straddled two windows of {rate}")


def _probe_once(hosts: list[str], limit: int) -> dict:
    address = f"10.255.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
    by_instance: dict[str, Counter] = {host: Counter() for host in hosts}
    for number in range(2 * limit):
        host = hosts[number % len(hosts)]
        request = urllib.request.Request(
            f"{host}/api/v1/eligibility-checks", data=b"{}", method="POST",
            headers={"Content-Type": "application/json", "X-Forwarded-For": address},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        by_instance[host][status] += 1
    statuses = sum(by_instance.values(), Counter())
    return {
        "limit": limit, "sent": 2 * limit,
        "allowed": sum(count for status, count in statuses.items() if status != 429),
        "refused": statuses[429],
        "by_instance": {host: dict(counted) for host, counted in by_instance.items()},
    }


def wait_for_the_outbox(database_url: str, sink: SmtpSink) -> dict | None:
    """When the application has an outbox: wait until the worker has settled every e-mail
    (or DRAIN_SECONDS passed), then compare what it sent with what the mail server got."""
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('outbox_message')")
            if cursor.fetchone()[0] is None:
                return None
            waited = time.monotonic()
            while time.monotonic() - waited < DRAIN_SECONDS:
                cursor.execute("SELECT count(*) FROM outbox_message "
                               "WHERE status IN ('pending', 'sending')")
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(1)
            drained_in = time.monotonic() - waited
            cursor.execute("SELECT id, recipient, status, last_error FROM outbox_message "
                           "ORDER BY id")
            rows = cursor.fetchall()
    finally:
        connection.close()
    received = sink.subjects_by_recipient()
    undelivered = [f"{row_id} to {recipient}: {status} {last_error[:200]}"
                   for row_id, recipient, status, last_error in rows if status != "sent"]
    for recipient, count in Counter(row[1].lower() for row in rows).items():
        if len(received.get(recipient, [])) < count:
            undelivered.append(f"{count} e-mails to {recipient}, "
                               f"{len(received.get(recipient, []))} received")
    return {"rows": len(rows), "sent": sum(row[2] == "sent" for row in rows),
            "received": sum(len(subjects) for subjects in received.values()),
            "undelivered": undelivered, "missing": [], "drained_in": drained_in}


def submissions_without_their_email(database_url: str, told: dict) -> list[int]:
    """The submissions told accepted whose e-mail to the contact points is not in the outbox
    (every rush consortium has a Romanian member, and Romania has contact points)."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT (related->>'submission')::int FROM outbox_message "
                           "WHERE kind = 'submission_arrived'")
            with_email = {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()
    return [submission["id"] for submission in told["submissions"]
            if submission["id"] not in with_email]


def submissions_after_the_deadline(database_url: str) -> list[str]:
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.id, s.submitted_at FROM consortia_submission s "
                "JOIN consortia_consortium c ON c.id = s.consortium_id "
                "JOIN calls_call call ON call.id = c.call_id WHERE s.submitted_at > call.deadline"
            )
            return [f"submission {row[0]} at {row[1].isoformat()}" for row in cursor.fetchall()]
    finally:
        connection.close()


def compare_rechecks(environment: dict, call: str, work: Path) -> dict | None:
    """Re-check the call's submissions once in a process and once on the worker (through
    Redis), and compare the rows the two runs stored, submission by submission."""
    connection = psycopg2.connect(environment["DATABASE_URL"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('consortia_recheckrun')")
            if cursor.fetchone()[0] is None:
                return None
    finally:
        connection.close()
    seconds = {}
    with (work / "recheck.log").open("w") as log:
        for how, options in (("in a process", []),
                             ("on the worker", ["--workers", "--chunk-size", "10"])):
            began = time.monotonic()
            subprocess.run(
                [sys.executable, "manage.py", "recheck_eligibility", "--call", call,
                 "--no-progress", *options],
                cwd=ROOT, env=environment, check=True, timeout=300, stdout=log,
                stderr=subprocess.STDOUT,
            )
            seconds[how] = round(time.monotonic() - began, 1)
    connection = psycopg2.connect(environment["DATABASE_URL"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT checked_at, checked, chunks, chunks_done "
                           "FROM consortia_recheckrun ORDER BY checked_at")
            runs = cursor.fetchall()
            rows = []
            for run in runs:
                cursor.execute("SELECT submission_id, verdict, outcomes::text, changed, "
                               "call_parameters_hash FROM consortia_submissionrecheck "
                               "WHERE checked_at = %s ORDER BY submission_id", (run[0],))
                rows.append(cursor.fetchall())
    finally:
        connection.close()
    return {"same": len(runs) == 2 and bool(rows[0]) and rows[0] == rows[1],
            "checked": [run[1] for run in runs],
            "chunks done on the worker": f"{runs[-1][3]}/{runs[-1][2]}" if runs else None,
            "seconds": seconds}
