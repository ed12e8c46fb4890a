"""Demo data for trying the service today: a practice call, demo accounts, demo consortia.

Running it again changes nothing while the practice call is open; once its deadline has
passed, it moves the practice call's dates forward again.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from calls.fixtures import call_fixtures_load
from calls.models import Call, Region
from calls.practice import (
    PRACTICE_CALL,
    SOURCE_CALL,
    practice_fixture,
)
from consortia.models import Consortium
from consortia.services import (
    MemberDraft,
    ProjectDraft,
    consortium_draft_save,
    consortium_submit,
)
from reviews.models import NationalContactPoint


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    is_superuser: bool = False


# Demo-only credentials, printed by the command and listed in the README. Never use them on a
# server anyone else can reach.
APPLICANT = DemoAccount("applicant@example.org", "demo-applicant-2026", "applicant")
NCP_ROMANIA = DemoAccount("ncp-ro@example.org", "demo-ncp-2026", "national contact point (RO)")
ADMIN = DemoAccount("admin@example.org", "demo-admin-2026", "administrator", is_superuser=True)
NCP_COUNTRIES = ["RO"]

ELIGIBLE_DEMO = {
    "acronym": "DEMO-S3",
    "title": "Demo partnership for smart textiles (eligible, submitted)",
    "members": [
        ("Demo Cluster Nord-Vest", "RO", "RO11", "cluster_organisation", "registered", True),
        ("Demo Textile Cluster Norte", "PT", "PT11", "cluster_organisation", "requested", False),
        ("Demo Innovation Network Dresden", "DE", "DED2", "business_network", "registered", False),
    ],
}
FAILING_DEMO = {
    "acronym": "DEMO-DRAFT",
    "title": "Demo draft with partners in two countries only (fails the minimum of countries)",
    "members": [
        ("Demo Agri-Food Cluster Nord-Est", "RO", "RO21", "cluster_organisation", "registered",
         True),
        ("Demo Wood Cluster Sud-Muntenia", "RO", "RO31", "cluster_organisation", "requested",
         False),
        ("Demo ICT Cluster Ruse", "BG", "BG32", "cluster_organisation", "registered", False),
    ],
}


class Command(BaseCommand):
    help = (
        "Create the practice call PRACTICE-ESCP-S3 (a copy of ESCP-S3 with its deadline four "
        "weeks ahead at 17:00 Brussels time and its start window moved by as much), the demo "
        "accounts (applicant, national contact point for Romania, administrator) with "
        "demo-only passwords, and two demo consortia for the applicant: one eligible and "
        "submitted, one draft that fails the minimum number of countries. Running it again "
        "changes nothing while the practice call is open. For development and demonstrations "
        "only: it refuses to run with DEBUG off unless given --allow-without-debug."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug", action="store_true",
            help="Run even though DEBUG is off (the demo passwords are public).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates accounts with public passwords; it runs only with DEBUG on "
                "(or with --allow-without-debug)."
            )
        now = timezone.now()
        with transaction.atomic():
            call = self.practice_call(now)
            accounts = {
                account: self.demo_user(account) for account in (APPLICANT, NCP_ROMANIA, ADMIN)
            }
            link_national_contact_point(accounts[NCP_ROMANIA], NCP_COUNTRIES)
            applicant = accounts[APPLICANT]
            eligible = self.demo_consortium(applicant, call, ELIGIBLE_DEMO)
            if eligible.is_editable:
                consortium_submit(consortium=eligible, user=applicant, now=now)
                self.stdout.write(f"Submitted the demo consortium {eligible.acronym}.")
            self.demo_consortium(applicant, call, FAILING_DEMO)
        self.print_credentials(call)

    def practice_call(self, now: datetime) -> Call:
        existing = Call.objects.filter(reference=PRACTICE_CALL).first()
        if existing is not None and existing.is_open(now):
            self.stdout.write(f"Practice call {PRACTICE_CALL}: open, unchanged.")
            return existing
        try:
            source = Call.objects.select_related("programme").get(reference=SOURCE_CALL)
        except Call.DoesNotExist as error:
            raise CommandError(
                f"The call {SOURCE_CALL} is not loaded; run `manage.py load_reference_data` first."
            ) from error
        fixture = practice_fixture(source, now)
        report = call_fixtures_load(sources=[("practice-call.json", json.dumps(fixture))])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError("The practice call could not be loaded; nothing was changed.")
        call = Call.objects.get(reference=PRACTICE_CALL)
        self.stdout.write(
            f"Practice call {PRACTICE_CALL}: {report.summary()}; deadline "
            f"{call.deadline_local:%Y-%m-%d %H:%M} Brussels time."
        )
        return call

    def demo_user(self, account: DemoAccount) -> User:
        user = User.objects.filter(email__iexact=account.email).first()
        if user is None:
            user = User(email=account.email)
            self.stdout.write(f"Created the demo account {account.email}.")
        changed = not user.check_password(account.password)
        if changed:
            user.set_password(account.password)
        for name in ("is_superuser", "is_staff"):
            if getattr(user, name) != account.is_superuser:
                setattr(user, name, account.is_superuser)
                changed = True
        if changed or user.pk is None:
            user.save()
        return user

    def demo_consortium(self, owner: User, call: Call, demo: dict) -> Consortium:
        existing = Consortium.objects.owned_by(owner).filter(
            call=call, acronym=demo["acronym"]
        ).first()
        if existing is not None:
            return existing
        consortium = consortium_draft_save(
            consortium=Consortium(call=call, owner=owner), project=self.project(call, demo),
            members=self.members(call, demo["members"]), owner=owner,
        )
        self.stdout.write(f"Created the demo consortium {consortium.acronym}.")
        return consortium

    @staticmethod
    def project(call: Call, demo: dict) -> ProjectDraft:
        window = call.rule_options("start_window")
        return ProjectDraft(
            acronym=demo["acronym"],
            title=demo["title"],
            duration_months=call.rule_options("duration").get("maximum", 24),
            start_date=(
                date.fromisoformat(window["earliest"]) if window.get("earliest")
                else call.deadline_local.date()
            ),
            total_eligible_costs=Decimal("466666.67"),
            requested_grant=Decimal("350000.00"),
        )

    @staticmethod
    def members(call: Call, members: list[tuple]) -> list[MemberDraft]:
        regions = dict(
            Region.objects.filter(
                classification_id=call.region_classification_id,
                code__in=[member[2] for member in members],
            ).values_list("code", "pk")
        )
        return [
            MemberDraft(
                name=name, country_id=country, region_id=regions.get(region),
                organisation_type=kind, eccp_status=eccp, is_coordinator=coordinator,
            )
            for name, country, region, kind, eccp, coordinator in members
        ]

    def print_credentials(self, call: Call) -> None:
        self.stdout.write("")
        self.stdout.write(f"Practice call: {call.reference} (deadline "
                          f"{call.deadline_local:%Y-%m-%d %H:%M} Brussels time)")
        self.stdout.write("Demo accounts (demo-only passwords; never use them on a public server):")
        for account in (APPLICANT, NCP_ROMANIA, ADMIN):
            self.stdout.write(f"  {account.role:<30} {account.email:<24} {account.password}")


def link_national_contact_point(user: User, country_codes: list[str]) -> None:
    """Make ``user`` the national contact point of ``country_codes`` (and only of those)."""
    contact_point, _created = NationalContactPoint.objects.get_or_create(user=user)
    # A country's primary key is its code; the stubs expect numeric keys.
    contact_point.countries.set(country_codes)  # type: ignore[arg-type]
