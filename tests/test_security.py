"""Security promises, each proved here (docs/SECURITY.md lists them)."""
import json
import os
from pathlib import Path
import re
import subprocess
import sys

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "check.example.org",
    "SITE_URL": "https://check.example.org",
}


def run_manage(*arguments: str, code: str | None = None, **environment: str):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update(environment)
    command = (
        [sys.executable, "manage.py", *arguments] if code is None
        else [sys.executable, "-c", code]
    )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_deployment_check_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_require_https_hsts_and_secure_http_only_cookies():
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'\n"
        "from django.conf import settings\n"
        "print(json.dumps({name: getattr(settings, name) for name in ["
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
        "'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'DEBUG']}))"
    )
    result = run_manage(code=code, **PRODUCTION_ENVIRONMENT)
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True, "CSRF_COOKIE_SECURE": True, "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True, "DEBUG": False,
    }


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_responses_carry_strict_transport_security(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )

    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_carries_an_inline_script_event_handler_or_style_attribute():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) and "application/json" not in text:
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text) or re.search(r"\sstyle\s*=", text):
            offenders.append(f"{template}: event handler or style attribute")
    assert offenders == []


def test_a_post_without_its_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["login", "accounts:signup", "password_reset"])
def test_every_post_form_on_the_public_pages_carries_a_csrf_token(client, url_name):
    page = client.get(reverse(url_name)).content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page, flags=re.S | re.I)
    assert forms
    assert all("csrfmiddlewaretoken" in form for form in forms)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(
    django_user_model
):
    from axes.utils import reset

    reset()
    django_user_model.objects.create_user(
        email="target@example.org", password="Right-password-2026"
    )
    client = Client()
    for _attempt in range(3):
        client.post(reverse("login"), {"username": "target@example.org", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "target@example.org", "password": "Right-password-2026"}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    reset()


def test_the_api_is_rate_limited_per_client_address(client):
    cache.clear()
    body = json.dumps({"call": "COS-CLUSTPARTNS-2017-3-02", "members": [{"name": "Cluster A"}]})
    with override_settings(API_RATE_LIMIT="3/min"):
        statuses = [
            client.post(
                "/api/v1/eligibility-checks", body, content_type="application/json"
            ).status_code
            for _ in range(4)
        ]
    cache.clear()
    assert statuses == [200, 200, 200, 429]


def test_a_malformed_api_rate_limit_setting_stops_the_application_from_starting():
    result = run_manage("check", **PRODUCTION_ENVIRONMENT, API_RATE_LIMIT="lots")
    assert result.returncode != 0
    assert "API_RATE_LIMIT" in result.stderr


def test_weak_passwords_are_refused_at_sign_up(client):
    response = client.post(reverse("accounts:signup"), {
        "email": "weak@example.org", "password1": "password", "password2": "password",
    })
    assert response.status_code == 200
    assert "too common" in response.content.decode()


def test_no_secret_is_committed_to_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    suspicious = re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|"
        r"SECRET_KEY\s*=\s*['\"](?!development-only|tests-only)[^'\"]{20,}"
    )
    findings = []
    for name in tracked:
        path = ROOT / name
        text_file = name.endswith(
            (".py", ".txt", ".md", ".json", ".cfg", ".ini", ".toml", ".yml", ".yaml", ".env")
        )
        if text_file and path.is_file():
            if suspicious.search(path.read_text(encoding="utf-8", errors="ignore")):
                findings.append(name)
    secret_names = {".env", "id_rsa", "local_settings.py"}
    assert not [name for name in tracked if Path(name).name in secret_names]
    assert findings == []


def test_an_api_body_above_the_upload_limit_is_refused_with_a_clear_error(client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = client.post(
            "/api/v1/eligibility-checks", "{" + " " * 2048 + "}", content_type="application/json"
        )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
