"""An administrator loads a call from a fixture file in the admin: a broken file is refused
with every problem listed, a good one is loaded and its call appears on the home page."""
from datetime import timedelta
import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consortia.management.commands.seed_demo import ADMIN, PRACTICE_PROGRAMME

pytestmark = pytest.mark.browser

SEED_CALL_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "calls" / "escp_s3_2017.json"
REFERENCE = "COS-BROWSER-2027-01"
TITLE = "Cluster partnerships for the circular textile economy"


def call_fixture(**changes) -> list[dict]:
    """The seed call's fixture made into another call of the practice programme (the countries
    of ESCP-S3, made by seed_demo), open for eight weeks, projects starting half a year later."""
    objects = json.loads(SEED_CALL_FILE.read_text())
    deadline = (timezone.now() + timedelta(weeks=8)).replace(microsecond=0)
    objects[0]["fields"].update(
        reference=REFERENCE, alternative_reference="", title=TITLE, short_name="",
        programme=[PRACTICE_PROGRAMME], deadline=deadline.isoformat(), questions_deadline=None,
        start_window_from=(deadline + timedelta(weeks=26)).date().isoformat(),
        start_window_to=(deadline + timedelta(weeks=34)).date().isoformat(), **changes,
    )
    for rule in objects[1:]:
        rule["fields"]["call"] = [REFERENCE]
    return objects


def test_an_administrator_loads_a_call_fixture_and_the_call_appears_on_the_home_page(
    page, check_page, tmp_path
):
    broken = tmp_path / "broken-call.json"
    broken.write_text(json.dumps(call_fixture(min_countries=-1, colour="blue")))
    good = tmp_path / "new-call.json"
    good.write_text(json.dumps(call_fixture()))

    page.goto("/")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    page.get_by_role("link", name="Log in").click()
    page.fill("#id_username", ADMIN.email)
    page.fill("#id_password", ADMIN.password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Site administration")
    check_page("admin-index")

    page.locator("#calls-call").get_by_role("link", name="Calls", exact=True).click()
    check_page("admin-calls")
    page.get_by_role("link", name="Load call fixture").click()
    check_page("admin-load-fixture")

    # A broken file: nothing is loaded and every problem is listed with where it is.
    page.set_input_files("#id_files", broken)
    page.get_by_role("button", name="Check and load").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was loaded")
    problems = page.get_by_role("table", name="Problems, in the order of the files")
    expect(problems).to_contain_text("broken-call.json, object 1")
    expect(problems.get_by_role("row").filter(has_text="colour")).to_have_count(1)
    expect(problems.get_by_role("row").filter(has_text="min_countries")).to_have_count(1)
    check_page("admin-load-fixture-problems")

    # A good file: loaded, and the summary says what was created.
    page.set_input_files("#id_files", good)
    page.get_by_role("button", name="Check and load").click()
    expect(page.get_by_role("status")).to_contain_text("Loaded: 13 created")
    expect(page.get_by_role("main")).to_contain_text(REFERENCE)
    check_page("admin-load-fixture-loaded")

    # The new call is on the home page, open, with its own page.
    page.get_by_role("link", name="Back to the site").click()
    call_link = page.get_by_role("link", name=TITLE)
    expect(call_link).to_be_visible()
    check_page("home-with-new-call")
    call_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text(REFERENCE).first).to_be_visible()
