"""Browser tests: Playwright drives Debian's Chromium against Django's live test server.

Run them alone with ``pytest -m browser``. Without Chromium at /usr/bin/chromium they are
skipped with a message saying how to enable them; with ``REQUIRE_BROWSER_TESTS=1`` (set by
.ci/run) a skipped browser test fails instead.

The live server needs committed data, so these tests are transactional: Django empties every
table after each of them. The rest of the suite expects the reference data that
tests/conftest.py loads once per session, so the tables are put back as they were (a snapshot
taken before the first browser test) when the next test is not a browser test.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from .accessibility import AccessibilityFindings, assert_accessible

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Playwright's own browser download is not used: no network beyond the package registries.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HOW_TO_ENABLE = (
    f"Browser tests need Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
    "(or point CHROMIUM_PATH at another Chromium), then run `make test` or `pytest -m browser`."
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
# Django's data that the flush re-creates by itself (post_migrate) or that no test needs back.
NOT_IN_SNAPSHOT = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def browser_tests_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Where browser tests are required (CI), a skipped one is a failure."""
    report = yield
    if report.skipped and browser_tests_required() and item.get_closest_marker("browser"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"REQUIRE_BROWSER_TESTS is set, so this browser test may not be skipped. {reason}"
        )
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After Django has emptied the tables, put the session's data back for the next test,
    unless that one is a browser test too (it puts back what it needs itself)."""
    result = yield
    snapshot = item.config.stash.get(SESSION_DATA_KEY, None)
    next_is_browser = nextitem is not None and nextitem.get_closest_marker("browser")
    if snapshot is not None and nextitem is not None and not next_is_browser:
        snapshot.restore()
    return result


@dataclass(frozen=True)
class SessionData:
    """The data every test may expect, kept in a fixture file to be loaded after a flush."""

    path: Path
    blocker: object

    def restore(self) -> None:
        """Load the file unless the data is still there (the flush happens only after a
        transactional test)."""
        from calls.models import Country

        with self.blocker.unblock():
            if not Country.objects.exists():
                call_command("loaddata", str(self.path), verbosity=0)


SESSION_DATA_KEY = pytest.StashKey[SessionData]()


@pytest.fixture(scope="session")
def session_data(
    request: pytest.FixtureRequest, django_db_setup, django_db_blocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> SessionData:
    """The session's data (the reference data, and whatever migrations created) as taken
    before the first browser test."""
    path = tmp_path_factory.mktemp("browser") / "session-data.json"
    with django_db_blocker.unblock():
        from calls.models import Country

        if not Country.objects.exists():  # emptied by a transactional test outside this folder
            call_command("load_reference_data", verbosity=0)
        call_command(
            "dumpdata", natural_foreign=True, exclude=NOT_IN_SNAPSHOT, output=str(path),
            verbosity=0,
        )
    snapshot = SessionData(path, django_db_blocker)
    request.config.stash[SESSION_DATA_KEY] = snapshot
    return snapshot


@pytest.fixture(scope="package")
def chromium() -> Iterator:
    """One Chromium for all browser tests, stopped when they are done.

    Playwright's synchronous API keeps an event loop running in this thread while it is
    started, so Django's guard against database queries from async code is lifted meanwhile.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found. {HOW_TO_ENABLE}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def demo_site(chromium, session_data: SessionData, live_server):
    """The live server with the reference data, ``seed_demo``'s practice call
    PRACTICE-ESCP-S3 and its demo accounts."""
    session_data.restore()
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    return live_server


@pytest.fixture
def page(chromium, demo_site) -> Iterator:
    """A fresh browser tab (no cookies) on the demo site, in English, at Brussels time."""
    context = chromium.new_context(
        base_url=demo_site.url, viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/Brussels",
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def accessibility_findings() -> Iterator[AccessibilityFindings]:
    """Moderate and minor findings of every audited page, written to screenshots/ at the end."""
    findings = AccessibilityFindings()
    yield findings
    if findings.pages:
        SCREENSHOTS.mkdir(exist_ok=True)
        findings.write(SCREENSHOTS / "accessibility-findings.json")


@dataclass
class PageCheck:
    """``check_page("home-en", screenshot=True)``: the page now shown has no serious or
    critical accessibility violation and the tab has logged no console error (a script error,
    or something the Content-Security-Policy refused); with ``screenshot``, a full-page
    screenshot goes to screenshots/<name>.png."""

    page: object
    findings: AccessibilityFindings
    screenshots: Path = SCREENSHOTS
    console_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self.console_message)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def console_message(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def __call__(self, name: str, *, screenshot: bool = False) -> None:
        self.page.wait_for_load_state("load")
        assert self.console_errors == [], f"{name}: {self.console_errors}"
        assert_accessible(self.page, name, self.findings)
        if screenshot:
            self.screenshot(name)

    def screenshot(self, name: str) -> None:
        self.screenshots.mkdir(exist_ok=True)
        self.page.screenshot(path=self.screenshots / f"{name}.png", full_page=True)


@pytest.fixture
def check_page(page, accessibility_findings: AccessibilityFindings) -> PageCheck:
    return PageCheck(page, accessibility_findings)
