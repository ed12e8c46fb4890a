"""An administrator loads a call from a fixture file in the admin: a broken file is refused
with every problem listed, a good one is loaded and its call appears on the home page."""
from datetime import timedelta
import functools
import json
from pathlib import Path
import re

from django.utils import timezone
from playwright.sync_api import expect
import pytest

from calls.models import Call
from calls.practice import PRACTICE_PROGRAMME
from consortia.management.commands.seed_demo import ADMIN

from .pages import log_in, open_home, words

pytestmark = pytest.mark.browser

SEED_CALL_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "calls" / "escp_s3_2017.json"
REFERENCE = "COS-BROWSER-2027-01"
TITLE = "Cluster partnerships for the circular textile economy"


def call_fixture(min_countries: int = 3, **changes) -> list[dict]:
    """The seed call's fixture made into another call of the practice programme (the countries
    of ESCP-S3, made by seed_demo), open for eight weeks, projects starting half a year later."""
    objects = json.loads(SEED_CALL_FILE.read_text())
    deadline = (timezone.now() + timedelta(weeks=8)).replace(microsecond=0)
    objects[0]["fields"].update(
        reference=REFERENCE, alternative_reference="", title=TITLE, title_ro="", short_name="",
        programme=[PRACTICE_PROGRAMME], deadline=deadline.isoformat(), questions_deadline=None,
        **changes,
    )
    for rule in objects[1:]:
        fields = rule["fields"]
        fields["call"] = [REFERENCE]
        if fields["code"] == "start_window":
            fields["options"] = {
                "earliest": (deadline + timedelta(weeks=26)).date().isoformat(),
                "latest": (deadline + timedelta(weeks=34)).date().isoformat(),
            }
        if fields["code"] == "min_countries":
            fields["options"] = {"minimum": min_countries}
    return objects


@pytest.mark.parametrize("language", ["en", "ro"])
def test_an_administrator_loads_a_call_fixture_and_the_call_appears_on_the_home_page(
    page, check_page, tmp_path, language
):
    say = functools.partial(words, language)

    broken = tmp_path / "broken-call.json"
    broken.write_text(json.dumps(call_fixture(min_countries=-1, colour="blue")))
    good = tmp_path / "new-call.json"
    good.write_text(json.dumps(call_fixture()))

    open_home(page, language)
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    log_in(page, ADMIN, language)
    page.get_by_role("link", name=say("Administration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Site administration"))
    check_page(f"admin-index-{language}")

    page.locator("#calls-call a").click()
    expect(page).to_have_url(re.compile(r"/admin/calls/call/$"))
    check_page(f"admin-calls-{language}")
    page.get_by_role("link", name=say("Load call fixture")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Load call fixture"))
    check_page(f"admin-load-fixture-{language}")

    # A broken file: nothing is loaded and every problem is listed with where it is.
    page.set_input_files("#id_files", broken)
    page.get_by_role("button", name=say("Check and load")).click()
    problems = page.get_by_role("table", name=say("Problems, in the order of the files"))
    expect(problems).to_contain_text("broken-call.json")
    expect(problems.get_by_role("row").filter(has_text="colour")).to_have_count(1)
    expect(problems.get_by_role("row").filter(has_text="min_countries")).to_have_count(1)
    expect(page.get_by_role("alert")).to_be_visible()
    assert not Call.objects.filter(reference=REFERENCE).exists()
    check_page(f"admin-load-fixture-problems-{language}")

    # A good file: loaded, and the summary says what was created.
    page.set_input_files("#id_files", good)
    page.get_by_role("button", name=say("Check and load")).click()
    rules = len(call_fixture()) - 1
    expect(page.get_by_role("status")).to_have_text(say(
        "Loaded: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
        "%(removed)s removed.", created=1 + rules, updated=0, unchanged=0, removed=0,
    ))
    expect(page.get_by_role("main")).to_contain_text(REFERENCE)
    check_page(f"admin-load-fixture-loaded-{language}")

    # The new call is on the home page, open, with its own page.
    page.get_by_role("link", name=say("Back to the site")).click()
    call_link = page.get_by_role("link", name=TITLE)
    expect(call_link).to_be_visible()
    check_page(f"home-with-new-call-{language}")
    call_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text(REFERENCE).first).to_be_visible()
