"""gunicorn's settings in production: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Every choice that gunicorn would otherwise make silently is written here. Options given on
the command line override these (the load test does, for its port and threads).

Environment: ``GUNICORN_BIND`` (default ``127.0.0.1:8000``), ``GUNICORN_WORKERS`` (2),
``BEHIND_TLS_PROXY`` (as for Django) and ``FORWARDED_ALLOW_IPS`` (the proxy's addresses,
default ``127.0.0.1,::1``, read only with ``BEHIND_TLS_PROXY=1``).
"""
import os
from pathlib import Path
import sys

# The configuration file is read before the application: make `config` importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gunicorn.http import wsgi as gunicorn_http  # noqa: E402

from config.environment import env_bool, env_list  # noqa: E402

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))

# X-Forwarded-Proto decides whether a request came over HTTPS. gunicorn believes it from
# 127.0.0.1 by default whatever Django is told; here it believes it only behind the TLS
# proxy of BEHIND_TLS_PROXY, from that proxy's addresses, and only the one header Django's
# SECURE_PROXY_SSL_HEADER reads (with the same value).
if env_bool("BEHIND_TLS_PROXY", False):
    forwarded_allow_ips = ",".join(env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}

# Request line and headers: gunicorn's own limits, written out. Bodies are limited by
# Django (REQUEST_MAX_BYTES) and, before it, by the proxy.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190


def _headers_without_server(response) -> list[str]:
    """gunicorn's default response headers less ``Server: gunicorn``, which tells a visitor
    what runs the site and nothing they need. gunicorn writes that line itself in
    ``Response.default_headers`` (it has no setting for it); every other line is kept."""
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


_default_headers = gunicorn_http.Response.default_headers
gunicorn_http.Response.default_headers = _headers_without_server
