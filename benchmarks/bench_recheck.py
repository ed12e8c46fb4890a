"""Re-check a whole call on PostgreSQL: consortia per second and peak memory at two sizes.

    .venv/bin/python benchmarks/bench_recheck.py [--sizes 10000,30000]

In a scratch database (``bench_recheck``, dropped afterwards) it generates the smaller number
of submitted ESCP-S3 consortia (5 members each), loads a corrected call fixture (the maximum
grant lowered from EUR 350,000 to 300,000, so that about a third of the consortia are no
longer eligible) and runs ``manage.py recheck_eligibility`` in a child process, timing it and
reading the child's peak resident memory; then it generates more consortia up to the larger
number and runs it again. Memory is flat when both peaks are alike; the rate at the larger
size is the one to extrapolate from. Target: 100,000 consortia at 5,000 or more per second.

With ``--workers N`` it then runs the command again at the larger size with ``--workers``,
against a Celery worker of N processes on Redis (REDIS_URL, or redis://127.0.0.1:6379/11; a
queue of its own), and compares the rows of that run with those of the run in one process.
"""
import argparse
import json
import os
from pathlib import Path
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment  # noqa: E402

CALL_REFERENCE = "COS-CLUSTPARTNS-2017-3-02"
CORRECTED_MAX_GRANT = "300000.00"
TARGET_PER_SECOND = 5000
TARGET_CONSORTIA = 100_000


def corrected_fixture() -> str:
    """The ESCP-S3 fixture with its maximum grant lowered: a correction after submissions."""
    path = environment.ROOT / "fixtures" / "calls" / "escp_s3_2017.json"
    document = json.loads(path.read_text())
    corrected = False
    for entry in document:
        if entry["model"] == "calls.callrule" and entry["fields"]["code"] == "max_grant":
            entry["fields"]["options"]["maximum"] = CORRECTED_MAX_GRANT
            corrected = True
    assert corrected, "the ESCP-S3 fixture has no max_grant rule to correct"
    return json.dumps(document)


def child_main(reference: str, output: str) -> None:
    """In the child: run the command, then report its time and this process's peak memory."""
    environment.setup_django()
    from django.core.management import call_command

    before = resource.getrusage(resource.RUSAGE_SELF)
    baseline_kib = before.ru_maxrss
    started = time.perf_counter()
    with open(output, "w") as stdout:
        call_command("recheck_eligibility", "--call", reference, stdout=stdout)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": round(elapsed, 3),
        # Processor time of this process alone: what the rate would be with a core to itself
        # (the database's own work runs in its server process, on the other core).
        "cpu_seconds": round(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3
        ),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_after_django_setup_mib": round(baseline_kib / 1024, 1),
    }))


def run_command(database: str, size: int) -> dict:
    output = environment.RESULTS_DIR / f"recheck_output_{size}.txt"
    environment.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    child = subprocess.run(
        [environment.PYTHON, __file__, "--child", CALL_REFERENCE, str(output)],
        # DEBUG off, as in production: with DEBUG on, Django keeps the SQL of the last 9,000
        # queries in memory, and each chunk's INSERT is megabytes long.
        env={**os.environ, **environment.PRODUCTION_LIKE, "DATABASE_URL": database},
        capture_output=True, text=True, check=True,
    )
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    lines = output.read_text().splitlines()
    measured["summary"] = lines[:2]
    measured["progress_bar_last_line"] = child.stderr.strip().splitlines()[-1:]
    return measured


def run_on_workers(database: str, concurrency: int) -> dict:
    """The command with --workers against a worker of ``concurrency`` processes."""
    queue = f"bench-recheck-{os.getpid()}"
    child_environment = {
        **os.environ, **environment.PRODUCTION_LIKE, "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11",
        "BENCH_QUEUE": queue,
    }
    log_path = environment.RESULTS_DIR / "recheck_worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [str(Path(environment.PYTHON).parent / "celery"), "--app", "config", "worker",
             "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
             "--loglevel", "INFO", "--hostname", f"{queue}@%h"],
            cwd=environment.ROOT, env=child_environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        started = time.perf_counter()
        subprocess.run(
            [environment.PYTHON, str(environment.ROOT / "manage.py"), "recheck_eligibility",
             "--call", CALL_REFERENCE, "--workers", "--no-progress"],
            cwd=environment.ROOT, env=child_environment, check=True, capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        forget_the_queue(child_environment["REDIS_URL"], queue)
    from consortia.models import RecheckRun

    run = RecheckRun.objects.latest()
    # From the run's start to its last chunk's commit, as the in-process figure (which leaves
    # out the command's own start, Django's setup).
    return {"concurrency": concurrency,
            "seconds": round((run.finished_at - run.checked_at).total_seconds(), 3),
            "command_seconds": round(elapsed, 3), "chunks": run.chunks}


def forget_the_queue(url: str, queue: str) -> None:
    """Remove the benchmark's queue and Celery's bindings of it from Redis."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def same_rows_as_the_run_before() -> bool:
    """The last two runs stored the same result for every submission."""
    from consortia.models import RecheckRun

    before, last = RecheckRun.objects.order_by("-checked_at")[:2][::-1]
    fields = ("submission_id", "verdict", "outcomes", "changed", "call_parameters_hash")
    return list(before.rechecks().values_list(*fields)) == list(
        last.rechecks().values_list(*fields)
    )


def measure(sizes: list[int], workers: int = 0) -> dict:
    rows = []
    with environment.scratch_database("recheck") as database:
        environment.setup_django(database)
        from benchmarks import datagen
        from calls.fixtures import call_fixtures_load
        from calls.models import Call
        from consortia.models import Submission, SubmissionRecheck

        call = Call.objects.get(reference=CALL_REFERENCE)
        generated = 0
        corrected = False
        for size in sorted(sizes):
            started = time.perf_counter()
            # The template submission adds one consortium per generation.
            datagen.generate_submitted(call=call, count=size - generated - 1)
            generated = Submission.objects.count()
            generation = time.perf_counter() - started
            datagen.analyse()
            if not corrected:
                report = call_fixtures_load(sources=[("escp_s3_2017.json", corrected_fixture())])
                assert report.ok, report.problems
                corrected = True
            from django.db import connections

            connections.close_all()
            measured = run_command(database, size)
            checked = SubmissionRecheck.objects.filter(
                checked_at=SubmissionRecheck.objects.latest().checked_at
            )
            counted = checked.count()
            verdict_changed = checked.exclude(verdict="eligible").count()
            rows.append({
                "consortia": counted,
                "members": counted * 5,
                "generated_in_s": round(generation, 1),
                "seconds": measured["seconds"],
                "per_second": round(counted / measured["seconds"]),
                "cpu_seconds": measured["cpu_seconds"],
                "per_cpu_second": round(counted / measured["cpu_seconds"]),
                "peak_rss_mib": measured["peak_rss_mib"],
                "rss_after_django_setup_mib": measured["rss_after_django_setup_mib"],
                "verdict_changed": verdict_changed,
                "command_summary": measured["summary"],
                "progress_bar": measured["progress_bar_last_line"],
            })
        on_workers = None
        if workers:
            connections.close_all()
            on_workers = run_on_workers(database, workers)
            on_workers["per_second"] = round(rows[-1]["consortia"] / on_workers["seconds"])
            on_workers["same_rows_as_one_process"] = same_rows_as_the_run_before()
    largest = rows[-1]
    return {
        "sizes": rows,
        "target": f"{TARGET_CONSORTIA:,} consortia at >= {TARGET_PER_SECOND:,}/s, memory flat",
        "extrapolated_100k_seconds": round(TARGET_CONSORTIA / largest["per_second"], 1),
        "rate_target_met": largest["per_second"] >= TARGET_PER_SECOND,
        "memory_growth_mib": round(rows[-1]["peak_rss_mib"] - rows[0]["peak_rss_mib"], 1),
        "on_workers": on_workers,
    }


def print_table(results: dict) -> None:
    print("Re-check a call (PostgreSQL, recheck_eligibility in a child process)")
    print(f"{'consortia':>10}  {'seconds':>8}  {'per s':>7}  {'per CPU s':>9}  "
          f"{'peak RSS MiB':>12}  {'verdict changed':>15}  {'generated in s':>14}")
    for row in results["sizes"]:
        print(f"{row['consortia']:>10,}  {row['seconds']:>8}  {row['per_second']:>7,}  "
              f"{row['per_cpu_second']:>9,}  "
              f"{row['peak_rss_mib']:>12}  {row['verdict_changed']:>15,}  "
              f"{row['generated_in_s']:>14}")
    print(f"100,000 consortia at the largest size's rate: "
          f"{results['extrapolated_100k_seconds']} s; peak memory grew by "
          f"{results['memory_growth_mib']} MiB between the sizes")
    if results.get("on_workers"):
        workers = results["on_workers"]
        print(f"On a worker of {workers['concurrency']} processes (--workers, "
              f"{workers['chunks']} chunks): {workers['seconds']} s from the run's start to "
              f"its last chunk ({workers['command_seconds']} s for the whole command), "
              f"{workers['per_second']:,}/s; same rows as in one process: "
              f"{workers['same_rows_as_one_process']}")


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child_main(argv[1], argv[2])
        return {}
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,30000")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help="also run on a Celery worker of N processes (needs Redis)")
    options = parser.parse_args(argv)
    if not environment.postgres_available():
        print("PostgreSQL is not reachable: the re-check benchmark is skipped.")
        return {"skipped": "PostgreSQL not reachable"}
    sizes = [int(size) for size in options.sizes.split(",")]
    results = {
        "benchmark": "recheck_eligibility",
        "measured_at": environment.now_text(),
        "machine": environment.machine(),
        "calibration_sum_1000_us": environment.calibration_us(),
        **measure(sizes, options.workers),
    }
    environment.write_results("recheck", results)
    print_table(results)
    return results


if __name__ == "__main__":
    main()
