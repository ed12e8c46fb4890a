"""Romanian: a complete catalogue, nothing new for makemessages, pages and rule messages in
Romanian."""
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
import re
import shutil

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
import polib
import pytest

from calls.models import Call, Region
from eligibility.outcomes import Status
from eligibility.services import check_consortium
from reviews.models import ReviewStatus
from tests.consortium_factories import (
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    escp_call,
    form_data,
    make_consortium,
    make_user,
    practice_call,
)
from tests.review_factories import make_ncp

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ro" / "LC_MESSAGES" / "django.po"
ROMANIAN_PLURAL_FORMS = (
    "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n!=1 && n%100>=1 && n%100<=19)) ? 1 : 2);"
)
# What `makemessages` reads: the same folders are left out as on the command line
# (`makemessages -l ro --ignore=.venv --ignore=tests --ignore=benchmarks --ignore=staticfiles`).
NOT_SCANNED = {".venv", "tests", "benchmarks", "staticfiles", "locale", ".git", "__pycache__",
               "node_modules"}
SCANNED_EXTENSIONS = {".py", ".html", ".txt"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]|\{\w*\}|<[^>]+>")
CEDILLA_FORMS = "şţŞŢ"
# English messages that are also Romanian words ("State membre", "status ECCP"), and words of
# three letters or fewer ("and", "or"), which English place names contain: not looked for.
SAME_WORD_IN_ROMANIAN = {"State", "Status", "status"}


@lru_cache(maxsize=1)
def romanian_catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# The catalogue itself.

def test_the_romanian_catalogue_has_no_untranslated_and_no_fuzzy_entries():
    catalogue = romanian_catalogue()

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


def test_the_romanian_catalogue_has_three_plural_forms_each_filled_in():
    catalogue = romanian_catalogue()

    assert catalogue.metadata["Plural-Forms"] == ROMANIAN_PLURAL_FORMS
    for entry in catalogue:
        if entry.msgid_plural:
            forms = translations_of(entry)
            assert len(forms) == 3 and all(forms), entry.msgid


def test_every_translation_keeps_the_placeholders_and_markup_of_its_original():
    for entry in romanian_catalogue().translated_entries():
        originals = {tuple(sorted(PLACEHOLDER.findall(entry.msgid)))}
        if entry.msgid_plural:
            originals.add(tuple(sorted(PLACEHOLDER.findall(entry.msgid_plural))))
        allowed = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for translation_text in translations_of(entry):
            found = tuple(sorted(PLACEHOLDER.findall(translation_text)))
            # A plural form may leave the number out ("The member is…"), never add one.
            assert found in originals or (entry.msgid_plural and set(found) <= allowed), (
                entry.msgid, translation_text
            )


def test_romanian_is_written_with_comma_below_s_and_t_never_with_the_cedilla_forms():
    text = CATALOGUE.read_text(encoding="utf-8")

    assert [letter for letter in CEDILLA_FORMS if letter in text] == []
    assert "ș" in text and "ț" in text


# makemessages.

def _copy_of_the_scanned_sources(destination: Path) -> None:
    def left_out(folder: str, names: list[str]) -> set[str]:
        return {
            name for name in names
            if name in NOT_SCANNED or name.startswith(".")
            or (Path(folder, name).is_file() and Path(name).suffix not in SCANNED_EXTENSIONS)
        }

    shutil.copytree(settings.BASE_DIR, destination, ignore=left_out)
    shutil.copytree(CATALOGUE.parents[2], destination / "locale")


def test_makemessages_finds_nothing_that_the_romanian_catalogue_does_not_translate(
    tmp_path, settings, monkeypatch
):
    missing_programs = [
        program for program in ("xgettext", "msguniq", "msgmerge") if not shutil.which(program)
    ]
    if missing_programs:
        pytest.skip(
            f"GNU gettext is not installed ({', '.join(missing_programs)} missing): "
            "makemessages cannot run here. On Debian/Ubuntu: apt-get install gettext."
        )
    # makemessages writes next to what it scans, so it runs on a copy: sources and catalogue.
    project = tmp_path / "project"
    _copy_of_the_scanned_sources(project)
    settings.LOCALE_PATHS = [str(project / "locale")]
    monkeypatch.chdir(project)

    call_command("makemessages", locale=["ro"], verbosity=0)

    extracted = polib.pofile(str(project / "locale" / "ro" / "LC_MESSAGES" / "django.po"))
    current = [entry for entry in extracted if not entry.obsolete]
    assert len(current) >= len(romanian_catalogue()) * 0.9, "makemessages extracted too little"
    assert [entry.msgid for entry in current if not entry.translated()] == [], (
        "New or changed messages: run makemessages -l ro and translate them."
    )


# Rule outcomes.

def test_rule_outcome_messages_and_hints_are_romanian_under_the_romanian_language(db):
    consortium = make_consortium(make_user(), members=[
        {**ELIGIBLE_MEMBERS[0]},
        {"name": "Clusterul Agroalimentar Nord-Vest", "country": "RO", "region": "RO11",
         "organisation_type": "science_park", "eccp_status": "none"},
        {"name": "Partener fără date"},
    ], duration_months=36, requested_grant=None)

    english = check_consortium(consortium)
    with translation.override("ro"):
        romanian = check_consortium(consortium)

    assert {outcome.status for outcome in romanian.outcomes} >= {Status.FAIL, Status.MISSING}
    for in_english, in_romanian in zip(english.outcomes, romanian.outcomes, strict=True):
        assert in_romanian.message != in_english.message, in_romanian.rule
        if in_english.hint:
            assert in_romanian.hint != in_english.hint, in_romanian.rule
    messages = " ".join(f"{outcome.message} {outcome.hint}" for outcome in romanian.outcomes)
    assert "Proiectul durează 36 de luni" in messages
    assert "Nu este indicată țara pentru Partener fără date." in messages
    assert "regiune clasificată „mai puțin dezvoltată” sau „în tranziție”" in messages
    assert "Termenul-limită din 8 martie 2018 17:00" in messages


def test_dates_in_romanian_write_the_month_in_lower_case():
    with translation.override("ro"):
        assert date_format(date(2018, 3, 8), "DATE_FORMAT") == "8 martie 2018"
        assert date_format(date(2018, 11, 1), "MONTH_DAY_FORMAT") == "1 noiembrie"
    assert date_format(date(2018, 3, 8), "DATE_FORMAT") == "8 March 2018"


# Pages and e-mails.

class _PageText(HTMLParser):
    """The words a reader meets on a page: text, and the labels of controls and landmarks.

    Scripts, styles, codes (``<code>min_entities</code>``) and elements in another language
    (the language switcher's "English") are left out."""

    LABEL_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
    SKIPPED_TAGS = {"script", "style", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipped_tag: str | None = None
        self._skipped_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._skipped_tag is None and (
            tag in self.SKIPPED_TAGS or (tag != "html" and attributes.get("lang", "ro") != "ro")
        ):
            self._skipped_tag = tag
        if self._skipped_tag is not None:
            self._skipped_depth += tag == self._skipped_tag
            return
        for name in sorted(self.LABEL_ATTRIBUTES & attributes.keys()):
            self.chunks.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == self._skipped_tag:
            self._skipped_depth -= 1
            if not self._skipped_depth:
                self._skipped_tag = None

    def handle_data(self, data):
        if self._skipped_tag is None:
            self.chunks.append(data)


WEB_ADDRESS = re.compile(r"\S*/\S*")


def page_text(html: str, data: list[str] = ()) -> list[str]:
    """The page's text in chunks, whitespace collapsed, with web addresses and ``data`` (what
    users typed, the calls' own English wording, Eurostat's region names) cut out."""
    parser = _PageText()
    parser.feed(html)
    chunks = []
    for chunk in parser.chunks:
        chunk = " ".join(WEB_ADDRESS.sub(" ", chunk).split())
        for value in sorted(data, key=len, reverse=True):
            chunk = chunk.replace(value, " ")
        chunk = " ".join(chunk.split())
        if chunk:
            chunks.append(chunk)
    return chunks


def _english_pattern(text: str) -> re.Pattern:
    """``text`` as a pattern: placeholders match anything, whole words only."""
    parts = PLACEHOLDER.split(" ".join(text.split()))
    body = ".+?".join(re.escape(part) for part in parts)
    start = r"\b" if re.match(r"\w", text) else ""
    end = r"\b" if re.search(r"\w$", text) else ""
    return re.compile(start + body + end)


@lru_cache(maxsize=1)
def english_patterns() -> list[tuple[str, re.Pattern]]:
    """Every English message that the catalogue words differently in Romanian."""
    patterns = []
    for entry in romanian_catalogue().translated_entries():
        originals = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        # Romanian has a third plural form, compared with nothing: it is left out.
        for english, romanian in zip(originals, translations_of(entry), strict=False):
            literal = PLACEHOLDER.sub("", english).strip()
            if english == romanian or english in SAME_WORD_IN_ROMANIAN or (
                " " not in literal and len(literal) <= 3
            ):
                continue
            patterns.append((english, _english_pattern(english)))
    return patterns


def english_left_in(text: str, data: list[str]) -> list[tuple[str, str]]:
    return [
        (english, chunk)
        for chunk in page_text(text, data)
        for english, pattern in english_patterns()
        if pattern.search(chunk)
    ]


def call_data(call: Call) -> list[str]:
    """Text a call carries as data: it is written in the call's own (English) words."""
    values = [call.title, call.short_name, call.reference, call.alternative_reference,
              call.contact_note, call.programme.name]
    values += [line.strip() for line in call.expected_outputs.splitlines()]
    values += [tool.get("name", "") for tool in call.partner_search_tools or []]
    values += [rule.reference for rule in call.rules.all()]
    # Where each value comes from, named in the source's own words.
    for provenance in [call.provenance, *(rule.provenance for rule in call.rules.all())]:
        values += [entry.get("source", "") for entry in provenance.values()]
    if call.region_classification:
        values += [call.region_classification.name, call.region_classification.legal_basis]
    return [value for value in values if value]


FAILING_MEMBERS = [
    {**ELIGIBLE_MEMBERS[0]},
    {"name": "Clusterul Agroalimentar Nord-Vest", "country": "RO", "region": "RO11",
     "organisation_type": "science_park", "eccp_status": "none"},
    {"name": "Partener fără date"},
]
REVIEW_COMMENT = "Vă rugăm să confirmați bugetul."


@pytest.fixture
def romanian_pages(client, db, django_capture_on_commit_callbacks):
    """The pages of the applicant's and the reviewer's journeys, and the e-mails they send,
    in Romanian. The applicant has a failing draft and a submitted eligible consortium, which
    a national contact point for Romania has reviewed. Returns ({name: text}, data)."""
    escp, practice = escp_call(), practice_call()
    applicant = make_user("aplicant@example.ro")
    reviewer = make_ncp("pnc@example.ro", ["RO"], language="ro")
    failing = make_consortium(applicant, escp, members=FAILING_MEMBERS, acronym="AGRO",
                              title="Agroalimentar", duration_months=36)
    submitted = make_consortium(applicant, practice, acronym="TEXS3")
    data = [text for call in Call.objects.all() for text in call_data(call)] + [
        applicant.email, reviewer.email, "AGRO", "Agroalimentar", "TEXS3",
        "Smart textiles partnership", REVIEW_COMMENT,
        *[member["name"] for member in ELIGIBLE_MEMBERS + FAILING_MEMBERS],
        # Eurostat writes some region names with cedilla letters ("Bucureşti - Ilfov").
        *[name for name in Region.objects.values_list("name", flat=True)
          if any(letter in name for letter in CEDILLA_FORMS)],
    ]
    pages = {}

    def visit(name: str, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()

    with translation.override("ro"):
        for name, url in {
            "home": reverse("calls:home"),
            "call": reverse("calls:detail", args=[escp.reference]),
            "practice call": reverse("calls:detail", args=[practice.reference]),
            "rules": reverse("eligibility:call_rules", args=[escp.reference]),
            "sign-up": reverse("accounts:signup"),
            "login": reverse("login"),
            "password reset": reverse("password_reset"),
        }.items():
            visit(name, url)
        refused = client.post(reverse("login"), {"username": applicant.email, "password": "?"})
        pages["refused login"] = refused.content.decode()
        client.post(reverse("password_reset"), {"email": applicant.email})

        client.force_login(applicant)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("consortia:submit", args=[submitted.pk]))
        submission = submitted.submissions.get()
        invalid = form_data({**ELIGIBLE_PROJECT, "acronym": "", "duration_months": 0},
                            [{"name": "", "country": "RO", "region": "DED2"}], call=escp)
        pages["invalid save"] = client.post(
            reverse("consortia:edit", args=[failing.pk]), invalid
        ).content.decode()

        client.force_login(reviewer)
        visit("review queue", reverse("reviews:queue"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reviews:detail", args=[submission.pk]), {
                "status": ReviewStatus.CLARIFICATION_REQUESTED, "comment": REVIEW_COMMENT,
            })
        visit("review", reverse("reviews:detail", args=[submission.pk]))

        client.force_login(applicant)
        for name, url in {
            "dashboard": reverse("consortia:dashboard"),
            "call picker": reverse("consortia:create"),
            "create": reverse("consortia:create", args=[practice.reference]),
            "edit": reverse("consortia:edit", args=[failing.pk]),
            "failing consortium": reverse("consortia:detail", args=[failing.pk]),
            "submitted consortium": reverse("consortia:detail", args=[submitted.pk]),
            "report": reverse("consortia:report", args=[submitted.pk, submission.pk]),
        }.items():
            visit(name, url)
    for email in mail.outbox:
        pages[f"e-mail to {email.to[0]}: {email.subject}"] = f"{email.subject}\n{email.body}"
    assert len(mail.outbox) == 3  # password reset, new submission, review recorded
    return pages, data


def test_the_romanian_pages_and_e_mails_contain_no_english_message_of_the_catalogue(
    romanian_pages
):
    pages, data = romanian_pages

    left = {name: english_left_in(text, data) for name, text in pages.items()}

    assert {name: found for name, found in left.items() if found} == {}
    assert [name for name, text in pages.items()
            if text.startswith("<") and '<html lang="ro">' not in text] == []


def test_the_romanian_pages_and_e_mails_have_no_cedilla_letters(romanian_pages):
    pages, data = romanian_pages

    with_cedilla = {
        name: chunk for name, text in pages.items() for chunk in page_text(text, data)
        if any(letter in chunk for letter in CEDILLA_FORMS)
    }

    assert with_cedilla == {}


KEY_ROMANIAN_WORDING = [
    ("home", "Apeluri pentru parteneriate între clustere"),
    ("home", "8 martie 2018, 17:00"),
    ("call", "Regulile configurate pentru acest apel"),
    ("call", "Organizație de cluster"),
    ("call", "România"),
    ("rules", "Aceasta este o verificare preliminară."),
    ("rules", "regiune NUTS 2 clasificată „mai puțin dezvoltată” sau „în tranziție”"),
    ("sign-up", "Creați un cont"),
    ("sign-up", "Parola nu poate semăna prea mult cu celelalte date personale"),
    ("login", "Ați uitat parola?"),
    ("refused login", "Introduceți o adresă de e-mail și o parolă corecte."),
    ("dashboard", "Consorțiile mele"),
    ("failing consortium", "Neeligibil"),
    ("failing consortium", "Neîndeplinită"),
    ("failing consortium", "Date lipsă"),
    ("failing consortium", "Ce ar rezolva problema:"),
    ("edit", "Salvare și adăugare membru"),
    ("invalid save", "Tot ce ați introdus se află în continuare în formular."),
    ("invalid save", "Introduceți o valoare mai mare sau egală cu 1."),
    ("submitted consortium", "Clarificări solicitate"),
    ("report", "Raport de eligibilitate: TEXS3"),
    ("report", "Tipărire sau salvare ca PDF"),
    ("review queue", "Depuneri de analizat"),
    ("review", "Înregistrați analiza"),
]


def test_the_romanian_pages_show_their_key_wording_in_romanian(romanian_pages):
    pages, _data = romanian_pages
    texts = {name: " ".join(page_text(text)) for name, text in pages.items()}

    missing = [(name, words) for name, words in KEY_ROMANIAN_WORDING if words not in texts[name]]

    assert missing == []
    subjects = [text.splitlines()[0] for name, text in pages.items() if name.startswith("e-mail")]
    assert any(subject.startswith("Depunere nouă de analizat: TEXS3") for subject in subjects)
    assert "Depunerea dumneavoastră TEXS3 a fost analizată" in subjects
