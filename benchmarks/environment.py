"""What every benchmark shares: Django set up on a chosen database, scratch PostgreSQL
databases made from one migrated template, the machine's description and the results files.

Scratch databases are named ``bench_<purpose>`` and dropped when the benchmark ends; the
template ``bench_template`` (migrated, reference data loaded) is made once per ``run.py`` and
dropped at its end. ``BENCH_DATABASE_PREFIX`` replaces ``bench`` in these names, so that two
copies of the project can run their benchmarks on one server at the same time. Nothing here
touches the development database ``db.sqlite3``.
"""
from contextlib import contextmanager
from datetime import datetime
import json
import os
from pathlib import Path
import platform
import shutil
import subprocess
import sys
import time
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench")
TEMPLATE_DATABASE = f"{DATABASE_PREFIX}_template"


def setup_django(database_url: str | None = None, settings: str = "config.settings") -> None:
    """Set Django up in this process, on ``database_url`` if given (else the environment's)."""
    sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def database_url(name: str) -> str:
    return f"{POSTGRES_SERVER}/{name}"


def postgres_available() -> bool:
    """True when the PostgreSQL server answers; tries to start the local cluster once."""
    if _pg_isready():
        return True
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.is_dir():
        for version in sorted(path.name for path in clusters.iterdir()):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                capture_output=True, check=False,
            )
        for _attempt in range(20):
            if _pg_isready():
                return True
            time.sleep(0.5)
    return False


def _pg_isready() -> bool:
    try:
        _admin_execute("SELECT 1")
    except Exception:
        return False
    return True


def _admin_execute(*statements: str) -> list:
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"), connect_timeout=3)
    connection.autocommit = True
    rows = []
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                if cursor.description:
                    rows.extend(cursor.fetchall())
    finally:
        connection.close()
    return rows


def postgres_version() -> str | None:
    try:
        return _admin_execute("SHOW server_version")[0][0]
    except Exception:
        return None


def drop_database(name: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_empty_database(name: str) -> str:
    drop_database(name)
    _admin_execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def manage(*arguments: str, database: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a child process on ``database`` (a URL)."""
    environment = {**os.environ, "DATABASE_URL": database, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *arguments], env=environment, cwd=ROOT,
        capture_output=True, text=True, check=check,
    )


def template_exists() -> bool:
    return bool(_admin_execute(
        f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE_DATABASE}'"
    ))


def ensure_template() -> None:
    """Make the migrated template with the reference data, unless it is there already."""
    if not template_exists():
        url = create_empty_database(TEMPLATE_DATABASE)
        manage("migrate", "--no-input", database=url)
        manage("load_reference_data", database=url)


@contextmanager
def scratch_database(purpose: str, *, keep: bool = False) -> Iterator[str]:
    """A database of its own, copied from the template, dropped afterwards; yields its URL."""
    ensure_template()
    name = f"{DATABASE_PREFIX}_{purpose}"
    drop_database(name)
    _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
    try:
        yield database_url(name)
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            drop_database(name)


def machine() -> dict:
    """The machine and software the figures were measured with."""
    memory_kib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    except OSError:
        pass
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(memory_kib / 1024 / 1024, 1) if memory_kib else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql": postgres_version(),
        "load_average": os.getloadavg(),
    }


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def write_results(name: str, results: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def calibration_us() -> float:
    """A fixed pure-Python loop, timed so that figures from other machines can be compared."""
    import timeit

    timer = timeit.Timer(lambda: sum(range(1000)))
    number, _elapsed = timer.autorange()
    return round(min(timer.repeat(repeat=5, number=number)) / number * 1_000_000, 2)


# The environment of a production-like process on the loopback interface: DEBUG off, a
# secret, the loopback host, no HTTPS redirect (no TLS proxy here), and no API rate limit
# (API_RATE_LIMIT=off: otherwise the load test would measure the limiter, not the check).
PRODUCTION_LIKE = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "API_RATE_LIMIT": "off",
    "LOG_LEVEL": "WARNING",
}


def collect_static() -> None:
    """Collect static files for DEBUG=0 (hashed names, compressed), once."""
    manifest = ROOT / "benchmarks" / "results" / "static" / "staticfiles.json"
    if manifest.exists():
        return
    environment = {**os.environ, **PRODUCTION_LIKE}
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        env=environment, cwd=ROOT, check=True,
    )
