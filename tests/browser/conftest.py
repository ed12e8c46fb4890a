"""Browser tests: Playwright drives Debian's Chromium against Django's live test server.

Run them alone with ``pytest -m browser``. Without Chromium at /usr/bin/chromium they are
skipped with a message saying how to enable them; with ``REQUIRE_BROWSER_TESTS=1`` (set by
.ci/run) a skipped browser test fails instead.

The live server needs committed data, so these tests are transactional: Django empties every
table after each of them. The rest of the suite expects the reference data that
tests/conftest.py loads once per session, so the tables are put back as they were (from a
snapshot taken before the first browser test) when the next test is not a browser test.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
import io
import os
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright
import pytest

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
# How long an action or an expectation waits: generous, for a busy CI machine.
TIMEOUT_MS = 15_000
# Django's data that the flush re-creates by itself (post_migrate) or that no test needs back.
NOT_IN_SNAPSHOT = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def browser_tests_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``-n``, with ``--dist loadgroup``), every browser test runs in the
    same process: one Chromium, one file of accessibility findings, and the session's data put
    back once after them rather than after each of them in several processes."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


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
    unless that one is a browser test too (it loads what it needs itself)."""
    result = yield
    snapshots = item.config.stash.get(SNAPSHOTS_KEY, None)
    next_is_browser = nextitem is not None and nextitem.get_closest_marker("browser")
    if snapshots is not None and nextitem is not None and not next_is_browser:
        with snapshots.blocker.unblock():
            snapshots.restore_session_data()
    return result


def tables_emptied() -> bool:
    """Whether a transactional test has just emptied the database (the reference data too)."""
    from calls.models import Country

    return not Country.objects.exists()


def dump(path: Path) -> Path:
    call_command("dumpdata", natural_foreign=True, exclude=NOT_IN_SNAPSHOT, output=str(path),
                 verbosity=0)
    return path


@dataclass
class DatabaseSnapshots:
    """The data tests expect, kept in fixture files to be loaded after a flush: the session's
    (reference data, and whatever migrations created), and the same with ``seed_demo``'s."""

    session_data: Path
    blocker: object
    demo_data: Path | None = None

    def restore_session_data(self) -> None:
        if tables_emptied():
            call_command("loaddata", str(self.session_data), verbosity=0)

    def load_demo_data(self) -> None:
        """Loading the demo file after a flush is quicker than running ``seed_demo`` again."""
        if tables_emptied() and self.demo_data is not None:
            call_command("loaddata", str(self.demo_data), verbosity=0)
            return
        self.restore_session_data()
        call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
        if self.demo_data is None:
            self.demo_data = dump(self.session_data.with_name("demo-data.json"))


SNAPSHOTS_KEY = pytest.StashKey[DatabaseSnapshots]()


@pytest.fixture(scope="session")
def database_snapshots(
    request: pytest.FixtureRequest, django_db_setup, django_db_blocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> DatabaseSnapshots:
    """The session's data as taken before the first browser test."""
    with django_db_blocker.unblock():
        if tables_emptied():  # by a transactional test outside this folder
            call_command("load_reference_data", verbosity=0)
        path = dump(tmp_path_factory.mktemp("browser") / "session-data.json")
    snapshots = DatabaseSnapshots(path, django_db_blocker)
    request.config.stash[SNAPSHOTS_KEY] = snapshots
    return snapshots


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
        expect.set_options(timeout=TIMEOUT_MS)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def demo_site(chromium, database_snapshots: DatabaseSnapshots, live_server):
    """The live server with the reference data, ``seed_demo``'s practice call
    PRACTICE-ESCP-S3, its demo accounts and demo consortia."""
    database_snapshots.load_demo_data()
    return live_server


@pytest.fixture
def page(chromium, demo_site) -> Iterator:
    """A fresh browser tab (no cookies) on the demo site, in English, at Brussels time."""
    context = chromium.new_context(
        base_url=demo_site.url, viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/Brussels",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
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
