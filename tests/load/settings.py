"""Settings of the load test's server (tests/load/run.py): the application's own settings,
the rest from the environment as in production. Static files are served as they are, not
collected with hashed names first (the pages under load fetch none).

With LOADTEST_FAST_PASSWORD_HASHING=1 (the short run in the test suite) passwords are hashed
with a fast hasher: PBKDF2 costs about half a second of processor time per sign-up or login
by design, and fifty of them would fill the short run on a small machine. The full run
(make loadtest) keeps the production hasher.
"""
import os

from config.settings import *  # noqa: F401,F403
from config.settings import CACHES, REDIS_URL, STORAGES, env_bool

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if env_bool("LOADTEST_FAST_PASSWORD_HASHING", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One run of the deadline rush (tests/load/run.py --rush) keeps its cache entries and its
# queue of background work apart from anything else on the same Redis server.
LOADTEST_RUN = os.environ.get("LOADTEST_RUN", "")
if LOADTEST_RUN and REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": LOADTEST_RUN}}
    CELERY_TASK_DEFAULT_QUEUE = LOADTEST_RUN
