"""What the browser journeys share: the words of the pages in a language, the way in (home
page, language, log-in), and how to read the eligibility panel and fill a member row."""
from decimal import Decimal

from django.urls import reverse
from django.utils import formats, translation
from playwright.sync_api import expect

from calls.models import Call, Region
from consortia.management.commands.seed_demo import PRACTICE_CALL
from consortia.models import Consortium
from consortia.services import consortium_submit
from consortia.templatetags.consortium_display import rule_label, verdict_label
from eligibility.services import check_consortium
from tests.consortium_factories import make_consortium, make_user

LANGUAGE_BUTTONS = {"en": "English", "ro": "Română"}
PASSWORD = "a-long-browser-password-42"


def words(language: str, text: str, **values) -> str:
    """``text`` as the pages show it in ``language`` (from the same catalogue)."""
    with translation.override(language):
        translated = translation.gettext(text)
    return translated % values if values else translated


def url(language: str, name: str, *args) -> str:
    """The path of the page ``name`` in ``language`` (English has no prefix, Romanian /ro/)."""
    with translation.override(language):
        return reverse(name, args=args)


def open_home(page, language: str) -> None:
    """The home page, switched to ``language`` with the header's language buttons."""
    page.goto("/")
    if language != "en":
        page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def expect_page(page, heading: str) -> None:
    """Wait for the page whose main heading is ``heading``, loaded with its scripts: the
    heading shows while the rest of a long page (the consortium form) is still arriving."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("load")


def log_in(page, account, language: str) -> None:
    """Log in with the header's link from the page shown, as a person would."""
    page.get_by_role("link", name=words(language, "Log in")).click()
    page.fill("#id_username", account.email)
    page.fill("#id_password", account.password)
    page.get_by_role("main").get_by_role("button", name=words(language, "Log in")).click()
    expect(page.locator(".site-account")).to_contain_text(account.email)


def amount(language: str, value: str) -> str:
    """An amount typed the way a person writes it in ``language`` (466666,67 in Romanian)."""
    with translation.override(language):
        return formats.localize_input(Decimal(value))


def region_value(call: Call, code: str) -> str:
    """The option value of a region in the member rows' region list."""
    return str(Region.objects.get(classification_id=call.region_classification_id, code=code).pk)


def expected_outcomes(acronym: str, language: str) -> dict:
    """The eligibility report of the saved consortium, worded in ``language``, by rule code."""
    consortium = Consortium.objects.select_related("call").get(acronym=acronym)
    with translation.override(language):
        report = check_consortium(consortium)
        return {
            "verdict": verdict_label(report.verdict),
            "outcomes": {outcome.rule: outcome for outcome in report.outcomes},
        }


def outcome_item(page, code: str, language: str):
    """The eligibility panel's entry for the rule ``code``."""
    with translation.override(language):
        label = rule_label(code)
    return page.locator("li.outcome").filter(has_text=label)


def fill_member(page, number: int, *, name: str, country: str, organisation_type: str,
                eccp_status: str, region: str = "", coordinator: bool = False) -> None:
    """Fill member row ``number`` (0 for the first) as a person would, country before region."""
    prefix = f"#id_members-{number}-"
    page.fill(prefix + "name", name)
    page.select_option(prefix + "organisation_type", organisation_type)
    page.select_option(prefix + "country", country)
    if region:
        page.select_option(prefix + "region", region)
    page.select_option(prefix + "eccp_status", eccp_status)
    if coordinator:
        page.check(prefix + "is_coordinator")


def region_countries(page, number: int) -> list[str]:
    """The country of every region offered in member row ``number``'s region list."""
    return page.locator(f"#id_members-{number}-region").evaluate(
        "select => Array.from(select.options).filter(o => o.value).map(o => o.dataset.country)"
    )


def partner(name: str, country: str, region: str, *, coordinator: bool = False) -> dict:
    return {
        "name": name, "country": country, "region": region,
        "organisation_type": "cluster_organisation", "eccp_status": "registered",
        "is_coordinator": coordinator,
    }


def submit_partner_consortia() -> dict:
    """Two consortia of another applicant, submitted to the practice call: DUNARE-S3 with a
    Bulgarian, a Romanian and a Portuguese member, NORD-S3 without any Romanian member."""
    call = Call.objects.get(reference=PRACTICE_CALL)
    owner = make_user("cluster.manager@example.bg")
    consortia = {
        "DUNARE-S3": [
            partner("Клъстер Мехатроника Русе", "BG", "BG32", coordinator=True),
            partner("Clusterul Agroalimentar Nord-Est", "RO", "RO21"),
            partner("Cluster Têxtil Norte", "PT", "PT11"),
        ],
        "NORD-S3": [
            partner("Cluster Têxtil Centro", "PT", "PT16", coordinator=True),
            partner("Netzwerk Dresden", "DE", "DED2"),
            partner("Клъстер Северен", "BG", "BG31"),
        ],
    }
    for acronym, members in consortia.items():
        consortium = make_consortium(owner, call, members=members, acronym=acronym)
        consortium_submit(consortium=consortium, user=owner)
    return consortia
