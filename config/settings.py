"""Settings for the cluster-call eligibility checker.

Every value that differs between machines comes from an environment variable; see the
README's "Configuration" section for the list. Nothing here exists only in production.
"""
import os
from pathlib import Path
import re

from csp.constants import NONE, SELF
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environment import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form gets a page in the site's layout and language.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "ninja",
    "axes",
    # Append-only tables are guarded by PostgreSQL triggers declared on their models.
    "pgtrigger",
    "accounts",
    "calls",
    "eligibility",
    "consortia",
    "audit",
    "reviews",
    "outbox",
]

MIDDLEWARE = [
    # First: a body above the limit is refused before anything reads it.
    "config.middleware.RequestSizeLimitMiddleware",
    "config.middleware.RequestArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The review queue's plans are cheap but large; JIT compilation costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses logins while an address or account is locked out after failed attempts.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Every spelling of an address counts against the one account it names.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "consortia:dashboard"
LOGOUT_REDIRECT_URL = "calls:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ro", _("Romanian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder it writes to.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
# The address of the site, for links in e-mails, e.g. https://check.example.org
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Rate limits count in the cache: with several processes or machines, give them Redis.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# The worker engine. With REDIS_URL, Celery workers (`make worker`) take background work from
# Redis; without it, tasks run at once in the process that asks for them, so a single machine
# needs no broker and no worker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"


def env_seconds(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, str(default)))
    except ValueError:
        value = -1
    if value < 1:
        raise ImproperlyConfigured(f"{name} is a whole number of seconds, at least 1.")
    return value


# Outgoing e-mails (the outbox app, docs/OPERATIONS.md): a failed delivery is tried again
# after OUTBOX_RETRY_FIRST seconds, then twice as long each time, never more than
# OUTBOX_RETRY_LONGEST apart. A message claimed for sending and not settled after
# OUTBOX_CLAIM_TIMEOUT seconds is marked uncertain (its process died mid-send).
OUTBOX_RETRY_FIRST = env_seconds("OUTBOX_RETRY_FIRST", 60)
OUTBOX_RETRY_LONGEST = env_seconds("OUTBOX_RETRY_LONGEST", 3600)
OUTBOX_CLAIM_TIMEOUT = env_seconds("OUTBOX_CLAIM_TIMEOUT", 600)

# How many proxies in front of the application append to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR). See config.clients.client_address.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is a whole number of proxies, e.g. 1."
    ) from None
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is a whole number of proxies, e.g. 1.")
AXES_CLIENT_IP_CALLABLE = "config.clients.client_address"


def env_rate(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    if value != "off" and not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f'{name} is a number of requests per period, e.g. "60/min", or "off".'
        )
    return value


# Requests per client address to the JSON API, e.g. "60/min"; "off" lifts the limit.
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "60/min")
# Sign-up and password-reset e-mails per address, and sign-ups and reset requests per client.
ACCOUNT_EMAILS_PER_ADDRESS = env_rate("ACCOUNT_EMAILS_PER_ADDRESS", "3/hour")
ACCOUNT_EMAILS_PER_CLIENT = env_rate("ACCOUNT_EMAILS_PER_CLIENT", "20/hour")
# Those e-mails are sent off the request's path, so that the answer takes as long whether
# or not the address has an account.
ACCOUNT_EMAILS_IN_BACKGROUND = env_bool("ACCOUNT_EMAILS_IN_BACKGROUND", True)

# Uploaded call fixtures larger than this are refused (bytes).
CALL_FIXTURE_MAX_BYTES = int(os.environ.get("CALL_FIXTURE_MAX_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
# The largest request body read at all (bytes): a declared Content-Length above it gets 413
# before the body is read or stored. Default: the largest body above, plus room for the
# framing of a multipart upload.
REQUEST_MAX_BYTES = int(os.environ.get(
    "REQUEST_MAX_BYTES", str(max(DATA_UPLOAD_MAX_MEMORY_SIZE, CALL_FIXTURE_MAX_BYTES) + 65_536)
))
FILE_UPLOAD_HANDLERS = [
    "config.uploads.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Security: strict by default, relaxed only where DEBUG says we are on a developer's machine.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: every script, style, font and image comes from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
