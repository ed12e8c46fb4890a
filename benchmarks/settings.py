"""Settings for the benchmarks: the application's own settings, with a URL configuration
that adds a minimal view (benchmarks/urls.py) and static files collected under
benchmarks/results/ (git-ignored). Nothing here is used by the product."""
import os

from config.settings import *  # noqa: F401,F403
from config.settings import BASE_DIR

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = BASE_DIR / "benchmarks" / "results" / "static"
# The re-check benchmark on workers (bench_recheck.py --workers) keeps its tasks in a queue of
# its own on whatever Redis server it is given.
if os.environ.get("BENCH_QUEUE"):
    CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_QUEUE"]
