"""Test settings: the real settings, with a development secret and fast password hashing."""
import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Lock-outs after failed logins are tested on their own (tests/test_security.py).
AXES_ENABLED = False
# The API's rate limit is tested on its own (tests/test_security.py).
API_RATE_LIMIT = "off"
# Sign-up and reset e-mails: limits tested on their own (tests/test_security_signup.py), and
# sent at once, so that a test finds them in the outbox when the answer arrives.
ACCOUNT_EMAILS_PER_ADDRESS = "off"
ACCOUNT_EMAILS_PER_CLIENT = "off"
ACCOUNT_EMAILS_IN_BACKGROUND = False
# With REDIS_URL the suite runs on the shared cache, as production does; each test process
# keys its entries under a prefix of its own and empties only those (tests/redis_cache.py),
# so processes running side by side never see or remove each other's counts.
if REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "tests.redis_cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,  # noqa: F405
            "KEY_PREFIX": f"test-{os.getpid()}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
        }
    }
# Background tasks run at once in the test process; the load test (tests/load/) runs a real
# worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
