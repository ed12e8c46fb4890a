"""Who reaches what: every URL of the application, for every kind of user, in one table.

The URLs are discovered from the URL configuration, so a view added without a row in
``EXPECTED`` fails this test. Each URL is requested with GET and with an empty POST; a URL
whose path names an object is requested for an object of applicant A's and for one that does
not exist, and the two look the same (404) to everyone who may not see A's.
"""
from dataclasses import dataclass
import re

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
import pytest

from audit.models import Event
from calls.models import Call
from consortia.models import Consortium, Member, Submission
from reviews.models import Review
from tests.consortium_factories import ESCP_S3, make_consortium, make_user
from tests.review_factories import (
    WITH_ROMANIAN_COORDINATOR,
    make_admin,
    make_ncp,
    make_submission,
    member,
)

pytestmark = pytest.mark.django_db

USERS = ["anonymous", "applicant_a", "applicant_b", "ncp_ro", "ncp_de", "admin"]
MISSING_ID = 987654321

# What is not walked, and why. Everything else the URL configuration holds must have rows.
# - The Django admin's own pages (model lists and forms, login, password, autocomplete...):
#   Django's code, open to staff only by Django's own checks. The admin pages of this
#   application (views defined in its own admin.py) are walked.
# - set_language: Django's language switch (it only sets a cookie and redirects).
SKIPPED_NAMESPACES_OF_DJANGO_CODE = {"admin"}
SKIPPED_NAMES = {"set_language"}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name with namespaces, its path parameters, and the module of
    its view."""

    name: str
    parameters: tuple[str, ...]
    view_module: str

    @property
    def key(self) -> str:
        return f"{self.name}({','.join(self.parameters)})" if self.parameters else self.name


def discovered_routes() -> list[Route]:
    """Every URL pattern of the project, recursively, except the skipped ones."""
    routes = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern.url_patterns,
                     f"{namespace}:{inner}" if namespace and inner else inner or namespace)
                continue
            assert isinstance(pattern, URLPattern)
            view_module = getattr(pattern.callback, "__module__", "") or ""
            if namespace in SKIPPED_NAMESPACES_OF_DJANGO_CODE and view_module.startswith("django."):
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            assert pattern.name, f"{pattern.pattern} has no name: it cannot be walked"
            if name in SKIPPED_NAMES:
                continue
            parameters = tuple(pattern.pattern.regex.groupindex)
            routes.append(Route(name, parameters, view_module))

    walk(get_resolver().url_patterns, None)
    return routes


# Expected status for each user, by URL, variant of its path parameters, and method.
#   login        302 to the login page, with ?next=
#   admin-login  302 to the admin's login page
#   302          another redirect (see REDIRECTS for where)
# The variants: "-" no parameters; "a" an object of applicant A (A's submitted consortium,
# its submission, ESCP-S3, a valid password-reset link of A's); "draft" A's draft;
# "missing" an object that does not exist.
# POSTs carry no data: a form answers with its errors, an action on the wrong state is
# refused with a message; nothing is written (the test checks).
EXPECTED_TABLE = """
url                                   variant  method  anonymous    applicant_a  applicant_b  ncp_ro       ncp_de       admin
health                                -        GET     200          200          200          200          200          200
health                                -        POST    405          405          405          405          405          405
eligibility_api:eligibility_check     -        GET     405          405          405          405          405          405
eligibility_api:eligibility_check     -        POST    415          415          415          415          415          415
eligibility_api:openapi-json          -        GET     200          200          200          200          200          200
# django-ninja's description and documentation pages answer any method with the same page.
eligibility_api:openapi-json          -        POST    200          200          200          200          200          200
eligibility_api:openapi-view          -        GET     200          200          200          200          200          200
eligibility_api:openapi-view          -        POST    200          200          200          200          200          200
eligibility_api:api-root              -        GET     404          404          404          404          404          404
eligibility_api:api-root              -        POST    404          404          404          404          404          404
admin:calls_call_load_fixture         -        GET     admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_load_fixture         -        POST    admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_changelist           -        GET     admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_changelist           -        POST    admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_export(object_id)    a        GET     admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_export(object_id)    a        POST    admin-login  admin-login  admin-login  admin-login  admin-login  405
admin:calls_call_export(object_id)    missing  GET     admin-login  admin-login  admin-login  admin-login  admin-login  404
admin:calls_call_try(object_id)       a        GET     admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_try(object_id)       a        POST    admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_call_try(object_id)       missing  GET     admin-login  admin-login  admin-login  admin-login  admin-login  404
# Adding a rule: without a call and a kind of rule, the page asking for them.
admin:calls_callrule_add              -        GET     admin-login  admin-login  admin-login  admin-login  admin-login  200
admin:calls_callrule_add              -        POST    admin-login  admin-login  admin-login  admin-login  admin-login  200
calls:home                            -        GET     200          200          200          200          200          200
calls:home                            -        POST    405          405          405          405          405          405
calls:detail(reference)               a        GET     200          200          200          200          200          200
calls:detail(reference)               a        POST    405          405          405          405          405          405
calls:detail(reference)               missing  GET     404          404          404          404          404          404
calls:detail(reference)               missing  POST    405          405          405          405          405          405
eligibility:call_rules(reference)     a        GET     200          200          200          200          200          200
eligibility:call_rules(reference)     a        POST    405          405          405          405          405          405
eligibility:call_rules(reference)     missing  GET     404          404          404          404          404          404
eligibility:call_rules(reference)     missing  POST    405          405          405          405          405          405
eligibility:rule_kinds                -        GET     200          200          200          200          200          200
eligibility:rule_kinds                -        POST    405          405          405          405          405          405
accounts:signup                       -        GET     200          302          302          302          302          302
accounts:signup                       -        POST    200          302          302          302          302          302
# "We sent a link to <address>": without a sign-up in this session, back to the form.
accounts:signup_sent                  -        GET     302          302          302          302          302          302
accounts:signup_sent                  -        POST    405          405          405          405          405          405
accounts:activate(uidb64,token)       missing  GET     404          404          404          404          404          404
accounts:activate(uidb64,token)       missing  POST    404          404          404          404          404          404
# The profile (the language of one's e-mails): one's own, so any signed-in user; an empty
# POST is a form with an error.
accounts:profile                      -        GET     login        200          200          200          200          200
accounts:profile                      -        POST    login        200          200          200          200          200
# Asking for a reset link (ours, at Django's address: the same answer for any address).
accounts:password_reset               -        GET     200          200          200          200          200          200
accounts:password_reset               -        POST    200          200          200          200          200          200
login                                 -        GET     200          200          200          200          200          200
login                                 -        POST    200          200          200          200          200          200
logout                                -        GET     405          405          405          405          405          405
logout                                -        POST    302          302          302          302          302          302
password_change                       -        GET     login        200          200          200          200          200
password_change                       -        POST    login        200          200          200          200          200
password_change_done                  -        GET     login        200          200          200          200          200
password_change_done                  -        POST    login        405          405          405          405          405
password_reset                        -        GET     200          200          200          200          200          200
password_reset                        -        POST    200          200          200          200          200          200
password_reset_done                   -        GET     200          200          200          200          200          200
password_reset_done                   -        POST    405          405          405          405          405          405
password_reset_confirm(uidb64,token)  a        GET     302          302          302          302          302          302
password_reset_confirm(uidb64,token)  a        POST    302          302          302          302          302          302
password_reset_confirm(uidb64,token)  missing  GET     200          200          200          200          200          200
password_reset_confirm(uidb64,token)  missing  POST    200          200          200          200          200          200
password_reset_complete               -        GET     200          200          200          200          200          200
password_reset_complete               -        POST    405          405          405          405          405          405
consortia:dashboard                   -        GET     login        200          200          200          200          200
consortia:dashboard                   -        POST    login        405          405          405          405          405
consortia:create                      -        GET     login        200          200          200          200          200
consortia:create                      -        POST    login        200          200          200          200          200
consortia:create(reference)           a        GET     login        200          200          200          200          200
consortia:create(reference)           a        POST    login        200          200          200          200          200
consortia:create(reference)           missing  GET     login        404          404          404          404          404
consortia:create(reference)           missing  POST    login        404          404          404          404          404
consortia:detail(pk)                  a        GET     login        200          404          404          404          404
consortia:detail(pk)                  a        POST    login        405          405          405          405          405
consortia:detail(pk)                  missing  GET     login        404          404          404          404          404
consortia:detail(pk)                  missing  POST    login        405          405          405          405          405
consortia:edit(pk)                    draft    GET     login        200          404          404          404          404
consortia:edit(pk)                    draft    POST    login        200          404          404          404          404
consortia:edit(pk)                    a        GET     login        302          404          404          404          404
consortia:edit(pk)                    a        POST    login        302          404          404          404          404
consortia:edit(pk)                    missing  GET     login        404          404          404          404          404
consortia:edit(pk)                    missing  POST    login        404          404          404          404          404
consortia:submit(pk)                  a        GET     login        405          405          405          405          405
consortia:submit(pk)                  a        POST    login        302          404          404          404          404
consortia:submit(pk)                  missing  POST    login        404          404          404          404          404
consortia:withdraw(pk)                draft    GET     login        405          405          405          405          405
consortia:withdraw(pk)                draft    POST    login        302          404          404          404          404
consortia:withdraw(pk)                missing  POST    login        404          404          404          404          404
consortia:report(pk,submission_pk)    a        GET     login        200          404          404          404          404
consortia:report(pk,submission_pk)    a        POST    login        405          405          405          405          405
consortia:report(pk,submission_pk)    b        GET     login        404          200          404          404          404
consortia:report(pk,submission_pk)    mixed    GET     login        404          404          404          404          404
consortia:report(pk,submission_pk)    missing  GET     login        404          404          404          404          404
consortia:members_import(pk)          draft    GET     login        200          404          404          404          404
consortia:members_import(pk)          draft    POST    login        200          404          404          404          404
consortia:members_import(pk)          a        GET     login        302          404          404          404          404
consortia:members_import(pk)          a        POST    login        302          404          404          404          404
consortia:members_import(pk)          missing  GET     login        404          404          404          404          404
consortia:members_import(pk)          missing  POST    login        404          404          404          404          404
# Nothing read from a file in this session: back to the import page.
consortia:members_import_preview(pk)  draft    GET     login        302          404          404          404          404
consortia:members_import_preview(pk)  draft    POST    login        302          404          404          404          404
consortia:members_import_preview(pk)  a        GET     login        302          404          404          404          404
consortia:members_import_preview(pk)  a        POST    login        302          404          404          404          404
consortia:members_import_preview(pk)  missing  GET     login        404          404          404          404          404
consortia:members_import_preview(pk)  missing  POST    login        404          404          404          404          404
consortia:members_import_template(file_format)  a  GET  login       200          200          200          200          200
consortia:members_import_template(file_format)  a  POST login       405          405          405          405          405
consortia:members_import_template(file_format)  missing  GET  login  404         404          404          404          404
consortia:members_import_template(file_format)  missing  POST login  405         405          405          405          405
consortia:download_json(pk)           a        GET     login        200          404          404          404          404
consortia:download_json(pk)           a        POST    login        405          405          405          405          405
consortia:download_json(pk)           missing  GET     login        404          404          404          404          404
consortia:download_json(pk)           missing  POST    login        405          405          405          405          405
reviews:queue                         -        GET     login        403          403          200          200          200
reviews:queue                         -        POST    login        403          403          405          405          405
reviews:overview                      -        GET     login        403          403          200          200          200
reviews:overview                      -        POST    login        403          403          405          405          405
reviews:export_csv                    -        GET     login        403          403          200          200          200
reviews:export_csv                    -        POST    login        403          403          405          405          405
reviews:export_xlsx                   -        GET     login        403          403          200          200          200
reviews:export_xlsx                   -        POST    login        403          403          405          405          405
reviews:detail(pk)                    a        GET     login        403          403          200          200          200
reviews:detail(pk)                    a        POST    login        403          403          200          200          200
reviews:detail(pk)                    b        GET     login        403          403          404          200          200
reviews:detail(pk)                    missing  GET     login        403          403          404          404          404
reviews:detail(pk)                    missing  POST    login        403          403          404          404          404
"""

# Where the plain 302s lead, by URL and variant ("{a}" is A's submitted consortium).
REDIRECTS = {
    ("accounts:signup", "-"): "/consortia/",
    ("accounts:signup_sent", "-"): "/accounts/signup/",
    ("logout", "-"): "/",
    ("password_reset_confirm(uidb64,token)", "a"): "/set-password/",
    ("consortia:edit(pk)", "a"): "/consortia/{a}/",
    ("consortia:submit(pk)", "a"): "/consortia/{a}/",
    ("consortia:withdraw(pk)", "draft"): "/consortia/{draft}/",
    ("consortia:members_import(pk)", "a"): "/consortia/{a}/",
    ("consortia:members_import_preview(pk)", "draft"): "/consortia/{draft}/import/",
    ("consortia:members_import_preview(pk)", "a"): "/consortia/{a}/",
}


def parse_expectations(table: str) -> dict[tuple[str, str, str], dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines() if not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    assert header[3:] == USERS, header
    expected = {}
    for row in rows:
        key = (row[0], row[1], row[2])
        assert key not in expected, f"row {key} is listed twice"
        assert len(row) == 3 + len(USERS), row
        expected[key] = dict(zip(USERS, row[3:], strict=True))
    return expected


EXPECTED = parse_expectations(EXPECTED_TABLE)


@dataclass
class World:
    users: dict
    submission_a: Submission
    submission_b: Submission
    draft_a: Consortium

    def arguments(self, route_key: str, variant: str) -> dict:
        """The path parameters of ``route_key`` for ``variant``."""
        a, b, draft = self.submission_a, self.submission_b, self.draft_a
        owner = self.users["applicant_a"]
        password_link = {
            "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
            "token": default_token_generator.make_token(owner),
        }
        table = {
            ("calls:detail(reference)", "a"): {"reference": ESCP_S3},
            ("calls:detail(reference)", "missing"): {"reference": "NO-SUCH-CALL"},
            ("eligibility:call_rules(reference)", "a"): {"reference": ESCP_S3},
            ("eligibility:call_rules(reference)", "missing"): {"reference": "NO-SUCH-CALL"},
            ("consortia:create(reference)", "a"): {"reference": ESCP_S3},
            ("consortia:create(reference)", "missing"): {"reference": "NO-SUCH-CALL"},
            ("accounts:activate(uidb64,token)", "missing"): {
                "uidb64": urlsafe_base64_encode(force_bytes(MISSING_ID)), "token": "no-such-token",
            },
            ("password_reset_confirm(uidb64,token)", "a"): password_link,
            ("password_reset_confirm(uidb64,token)", "missing"): {
                "uidb64": urlsafe_base64_encode(force_bytes(MISSING_ID)), "token": "no-such-token",
            },
            ("consortia:report(pk,submission_pk)", "a"): {"pk": a.consortium_id, "submission_pk": a.pk},
            ("consortia:report(pk,submission_pk)", "b"): {"pk": b.consortium_id, "submission_pk": b.pk},
            # A's consortium with B's submission: a submission is found only in its consortium.
            ("consortia:report(pk,submission_pk)", "mixed"): {
                "pk": a.consortium_id, "submission_pk": b.pk,
            },
            ("consortia:report(pk,submission_pk)", "missing"): {
                "pk": MISSING_ID, "submission_pk": MISSING_ID,
            },
            ("consortia:members_import_template(file_format)", "a"): {"file_format": "xlsx"},
            ("consortia:members_import_template(file_format)", "missing"): {
                "file_format": "pdf"},
            ("reviews:detail(pk)", "a"): {"pk": a.pk},
            ("reviews:detail(pk)", "b"): {"pk": b.pk},
            ("reviews:detail(pk)", "missing"): {"pk": MISSING_ID},
            **{
                (f"admin:calls_call_{view}(object_id)", variant): {"object_id": object_id}
                for view in ("export", "try")
                for variant, object_id in (
                    ("a", Call.objects.get(reference=ESCP_S3).pk), ("missing", MISSING_ID),
                )
            },
        }
        if (route_key, variant) in table:
            return table[(route_key, variant)]
        name = route_key.split("(")[0]
        if name.startswith("consortia:") and route_key.endswith("(pk)"):
            return {"pk": {"a": a.consortium_id, "draft": draft.pk, "missing": MISSING_ID}[variant]}
        assert variant == "-", f"no path parameters for {route_key} {variant}"
        return {}

    def url(self, route_key: str, variant: str) -> str:
        return reverse(route_key.split("(")[0], kwargs=self.arguments(route_key, variant))


@pytest.fixture
def world() -> World:
    """Applicant A has a submitted consortium (RO, PT, DE) and a draft; applicant B has a
    submitted consortium with a German member and none from Romania."""
    users = {
        "anonymous": None,
        "applicant_a": make_user("a@example.org"),
        "applicant_b": make_user("b@example.org"),
        "ncp_ro": make_ncp("ncp-ro@example.org", ["RO"]),
        "ncp_de": make_ncp("ncp-de@example.org", ["DE"]),
        "admin": make_admin(),
    }
    submission_a = make_submission(users["applicant_a"], WITH_ROMANIAN_COORDINATOR, acronym="ALPHA")
    submission_b = make_submission(users["applicant_b"], [
        member("Cluster Norte", "PT", "PT11", coordinator=True),
        member("Distretto Campania", "IT", "ITF3"),
        member("Netzwerk Dresden", "DE", "DED2"),
    ], acronym="BRAVO")
    draft_a = make_consortium(users["applicant_a"], members=WITH_ROMANIAN_COORDINATOR, acronym="DRAFT")
    return World(users, submission_a, submission_b, draft_a)


def observed(response, world: World) -> str:
    """The response as the table writes it."""
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("login") + "?next="):
        return "login"
    if location.startswith(reverse("admin:login") + "?next="):
        return "admin-login"
    return "302"


def stored_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Consortium, Member, Submission, Review, Event))


def test_every_url_gives_each_kind_of_user_the_expected_status(world):
    routes = {route.key: route for route in discovered_routes()}
    walked = {key for key, _variant, _method in EXPECTED}
    assert sorted(set(routes) - walked) == [], "URLs without a row in EXPECTED_TABLE"
    assert sorted(walked - set(routes)) == [], "rows for URLs that no longer exist"
    for key, route in routes.items():
        variants = {variant for row_key, variant, _method in EXPECTED if row_key == key}
        if route.parameters:
            assert "missing" in variants, f"{key}: request a missing object too"
    before = stored_counts()

    mismatches = []
    for (key, variant, method), statuses in EXPECTED.items():
        for user_kind in USERS:
            client = Client()
            if world.users[user_kind] is not None:
                client.force_login(world.users[user_kind])
            # After the login: a password-reset link is valid until its user's next login.
            url = world.url(key, variant)
            response = client.get(url) if method == "GET" else client.post(url, {})
            status = observed(response, world)
            expected = statuses[user_kind]
            if status != expected:
                mismatches.append(f"{method} {url} ({key} {variant}) as {user_kind}: "
                                  f"{status}, expected {expected}")
            elif status == "302" and (key, variant) in REDIRECTS:
                target = REDIRECTS[(key, variant)].format(
                    a=world.submission_a.consortium_id, draft=world.draft_a.pk
                )
                if not response["Location"].endswith(target):
                    mismatches.append(f"{method} {url} as {user_kind}: redirected to "
                                      f"{response['Location']}, expected {target}")

    assert not mismatches, "\n".join(["", *mismatches])
    assert stored_counts() == before, "walking the URLs changed what is stored"


# The views that act on a POST: forms, actions, the JSON check, and the admin's call list (whose
# POST runs the list's actions). Every other view only reads, and refuses a POST (405).
ACTING_ON_POST = {
    "eligibility_api:eligibility_check", "admin:calls_call_load_fixture",
    "admin:calls_call_changelist", "admin:calls_call_try", "admin:calls_callrule_add",
    "accounts:signup", "accounts:activate",
    "accounts:password_reset", "accounts:profile", "login", "logout", "password_change", "password_reset",
    "password_reset_confirm", "consortia:create", "consortia:edit",
    "consortia:submit", "consortia:withdraw", "consortia:members_import",
    "consortia:members_import_preview", "reviews:detail",
}
# Read-only views the walk cannot open as a reader: the page after a sign-up needs the address
# the sign-up left in the session. Their refusal of a POST is tested on its own below.
READ_ONLY_WITH_STATE = {"accounts:signup_sent"}
# django-ninja's own pages: its description and documentation answer any method with the same
# page, and its root is not found.
NINJA_PAGES = {"eligibility_api:openapi-json", "eligibility_api:openapi-view",
               "eligibility_api:api-root"}


def test_every_view_that_only_reads_refuses_a_post_from_whoever_may_read_it(world):
    routes = discovered_routes()
    names = {route.name for route in routes}
    assert sorted((ACTING_ON_POST | NINJA_PAGES) - names) == [], "listed views that do not exist"

    refused, accepted = [], []
    for route in routes:
        if route.name in ACTING_ON_POST | NINJA_PAGES | READ_ONLY_WITH_STATE:
            continue
        readers = [
            (variant, user_kind)
            for (key, variant, method), statuses in EXPECTED.items()
            if key == route.key and method == "GET"
            for user_kind, status in statuses.items() if status == "200"
        ]
        assert readers, f"{route.key}: nobody reads it, so its refusal of a POST is untested"
        for variant, user_kind in readers:
            client = Client()
            if world.users[user_kind] is not None:
                client.force_login(world.users[user_kind])
            url = world.url(route.key, variant)
            status = client.post(url, {}).status_code
            (refused if status == 405 else accepted).append(f"{url} as {user_kind}: {status}")

    assert accepted == []
    assert refused


def test_the_page_after_a_sign_up_refuses_a_post(client):
    client.post(reverse("accounts:signup"), {
        "email": "new@example.org", "password1": "a-long-test-password-42",
        "password2": "a-long-test-password-42",
    })
    assert client.get(reverse("accounts:signup_sent")).status_code == 200

    assert client.post(reverse("accounts:signup_sent"), {}).status_code == 405


def test_a_missing_object_and_another_applicant_s_look_the_same():
    """The 404 page gives nothing away: the same bytes for "not yours" and "does not exist"."""
    owner, other = make_user(), make_user()
    consortium = make_consortium(owner)
    client = Client()
    client.force_login(other)

    yours_path = reverse("consortia:detail", args=[consortium.pk])
    missing_path = reverse("consortia:detail", args=[MISSING_ID])
    not_yours = client.get(yours_path)
    missing = client.get(missing_path)

    assert not_yours.status_code == missing.status_code == 404
    # The page names its own address (for the language switch), which the visitor typed.
    assert strip_tokens(not_yours.content).replace(yours_path.encode(), b"PATH") == \
        strip_tokens(missing.content).replace(missing_path.encode(), b"PATH")


def strip_tokens(page: bytes) -> bytes:
    """A page without what differs on every response (CSRF tokens, nonces)."""
    return re.sub(rb'value="[A-Za-z0-9]{32,}"', b'value=""', page)
