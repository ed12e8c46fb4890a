"""Setup and startup: loading every fixture, and ``make run`` on a fresh clone.

    .venv/bin/python benchmarks/bench_setup.py [--skip-clone]

1. ``load_reference_data`` (countries, participation, regions, calls) timed in a child
   process on an empty migrated database, then again when nothing changed: on SQLite (a
   temporary file) and on PostgreSQL (the migrated database that then becomes the
   benchmarks' template ``bench_template``).
2. ``git clone`` of this repository's committed HEAD into a temporary folder, then ``make
   run`` there on a free port (SQLite, as a developer starts it): the time until the home
   page is served, with the time of each step the Makefile prints. pip installs from its
   local cache when it has one (as on this machine after the first install); on a machine
   that never downloaded the packages, add their download time. The clone is removed.
"""
import argparse
import json
import os
from pathlib import Path
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment  # noqa: E402

STARTUP_LIMIT_SECONDS = 480
# The lines ``make run`` prints when each step starts.
STEPS = [
    ("install packages", re.compile(r"pip install")),
    ("compile translations", re.compile(r"manage\.py compile_translations")),
    ("migrate", re.compile(r"manage\.py migrate")),
    ("load reference data", re.compile(r"manage\.py load_reference_data")),
    ("seed demo data", re.compile(r"manage\.py seed_demo")),
    ("start the server", re.compile(r"manage\.py runserver")),
]


def child_load() -> None:
    """In the child: time load_reference_data twice on the database in DATABASE_URL."""
    environment.setup_django()
    from django.core.management import call_command

    timings = []
    for _run in range(2):
        started = time.perf_counter()
        call_command("load_reference_data", verbosity=0)
        timings.append(round(time.perf_counter() - started, 2))
    print(json.dumps({"empty_s": timings[0], "unchanged_s": timings[1]}))


def time_fixture_load(database: str) -> dict:
    environment.manage("migrate", "--no-input", database=database)
    child = subprocess.run(
        [environment.PYTHON, __file__, "--child-load"],
        env={**os.environ, "DATABASE_URL": database, "DEBUG": "1", "LOG_LEVEL": "WARNING"},
        capture_output=True, text=True, check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def fixture_loads() -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = time_fixture_load(f"sqlite:///{folder}/fixtures.sqlite3")
    if environment.postgres_available():
        # The loaded database becomes the template every PostgreSQL benchmark copies.
        environment.drop_database(environment.TEMPLATE_DATABASE)
        url = environment.create_empty_database(environment.TEMPLATE_DATABASE)
        results["postgresql"] = time_fixture_load(url)
    return results


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_clone_startup() -> dict:
    """``make run`` in a fresh clone until its home page is served."""
    folder = Path(tempfile.mkdtemp(prefix="bench-clone-"))
    clone = folder / "app"
    started = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", str(environment.ROOT), str(clone)], check=True)
    cloned = time.perf_counter() - started
    port = free_port()
    child_env = {key: value for key, value in os.environ.items()
                 if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV"}}
    seen: list[tuple[float, str]] = []
    make_started = time.perf_counter()
    make = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=clone,
        env=child_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )

    def read_lines() -> None:
        for line in make.stdout:
            seen.append((time.perf_counter() - make_started, line.rstrip()))

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    served_after = None
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while time.monotonic() < deadline and make.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    if response.status == 200:
                        served_after = time.perf_counter() - make_started
                        break
            except OSError:
                time.sleep(0.25)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGTERM)
            try:
                make.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
                make.wait()
        reader.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)
    steps = []
    marks = []
    for name, pattern in STEPS:
        at = next((moment for moment, line in seen if pattern.search(line)), None)
        if at is not None:
            marks.append((name, at))
    for position, (name, at) in enumerate(marks):
        until = marks[position + 1][1] if position + 1 < len(marks) else served_after
        steps.append({"step": name, "seconds": round(until - at, 1) if until else None})
    if marks:
        steps.insert(0, {"step": "create the virtualenv", "seconds": round(marks[0][1], 1)})
    return {
        "clone_s": round(cloned, 1),
        "make_run_until_first_page_s": round(served_after, 1) if served_after else None,
        "steps": steps,
        "served": served_after is not None,
        "output_tail": [line for _moment, line in seen[-5:]] if served_after is None else [],
    }


def print_table(results: dict) -> None:
    print("Loading every fixture (load_reference_data)")
    for database, timing in results["fixtures"].items():
        print(f"  {database:<11} empty database {timing['empty_s']:>6} s, "
              f"again unchanged {timing['unchanged_s']:>6} s")
    startup = results.get("startup")
    if startup:
        print(f"make run on a fresh clone (git clone {startup['clone_s']} s first): first page "
              f"served after {startup['make_run_until_first_page_s']} s")
        for step in startup["steps"]:
            print(f"  {step['step']:<22} {step['seconds']} s")
        for line in startup["output_tail"]:
            print(f"  | {line}")


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-load":
        child_load()
        return {}
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-clone", action="store_true")
    options = parser.parse_args(argv)
    results = {
        "benchmark": "setup and startup",
        "measured_at": environment.now_text(),
        "machine": environment.machine(),
        "fixtures": fixture_loads(),
    }
    if not options.skip_clone:
        results["startup"] = fresh_clone_startup()
    environment.write_results("setup", results)
    print_table(results)
    return results


if __name__ == "__main__":
    main()
