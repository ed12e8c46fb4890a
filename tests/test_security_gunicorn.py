"""Finding 14 of the security review: the production server's settings are explicit
(config/gunicorn.conf.py): no ``Server: gunicorn`` header, and X-Forwarded-Proto believed only
behind the TLS proxy that BEHIND_TLS_PROXY declares. Tested against a running gunicorn
(docs/SECURITY.md, section 7)."""
from collections.abc import Iterator
import contextlib
import http.client
import os
from pathlib import Path
import secrets
import signal
import socket
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(tmp_path: Path, **environment: str) -> Iterator[int]:
    """gunicorn with the production configuration on a free port, DEBUG off, HTTPS
    redirection on; yields its port."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "PYTEST", "BEHIND_", "FORWARDED_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}",
        "SECURE_SSL_REDIRECT": "1", "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1", **environment,
    })
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def get(port: int, path: str = "/health", **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_gunicorn_sends_no_server_header_and_ignores_x_forwarded_proto_by_default(tmp_path):
    with gunicorn(tmp_path) as port:
        plain = get(port)
        spoofed = get(port, **{"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on",
                                "X-Forwarded-Protocol": "ssl"})

    assert plain.getheader("Server") is None
    assert plain.getheader("Date") is not None  # gunicorn's other headers are kept
    # Plain HTTP is redirected to HTTPS: a forged header from 127.0.0.1 does not stop it.
    assert plain.status == 301
    assert spoofed.status == 301


def test_behind_the_tls_proxy_gunicorn_believes_its_x_forwarded_proto_only(tmp_path):
    with gunicorn(tmp_path, BEHIND_TLS_PROXY="1", FORWARDED_ALLOW_IPS="127.0.0.1") as port:
        forwarded = get(port, **{"X-Forwarded-Proto": "https"})
        other_header = get(port, **{"X-Forwarded-Ssl": "on"})
        plain = get(port)

    assert forwarded.status == 200
    assert forwarded.getheader("Server") is None
    assert other_header.status == 301
    assert plain.status == 301


def test_gunicorn_refuses_a_huge_declared_body_without_reading_it(tmp_path):
    with gunicorn(tmp_path) as port, socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: multipart/form-data; boundary=x\r\n"
                       b"Content-Length: 209715200\r\n\r\n")
        client.settimeout(30)
        answer = client.recv(4096).decode("latin-1")

    assert answer.startswith("HTTP/1.1 413")
    assert "\r\nServer:" not in answer


def test_the_readme_s_production_command_uses_the_configuration_file():
    readme = (ROOT / "README.md").read_text()
    assert "gunicorn -c config/gunicorn.conf.py config.wsgi" in readme
