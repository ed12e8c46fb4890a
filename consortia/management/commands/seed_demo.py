"""Demo data for trying the service today: a practice call, demo accounts, demo consortia.

Running it again changes nothing while the practice call is open; once its deadline has
passed, it moves the practice call's dates forward again.
"""
import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
import json
import zoneinfo

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from calls.fixtures import call_fixtures_load
from calls.models import Call, Participation, Region
from consortia.forms import ConsortiumForm, MemberChoices, MemberFormSet
from consortia.models import Consortium
from consortia.services import consortium_draft_save, consortium_submit
from reviews.models import NationalContactPoint

SOURCE_CALL = "COS-CLUSTPARTNS-2017-3-02"
PRACTICE_CALL = "PRACTICE-ESCP-S3"
PRACTICE_PROGRAMME = "practice"
DEADLINE_ZONE = "Europe/Brussels"
WEEKS_UNTIL_DEADLINE = 4


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


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def practice_deadline(now: datetime) -> datetime:
    """17:00 Brussels time, four weeks after today (Brussels date)."""
    zone = zoneinfo.ZoneInfo(DEADLINE_ZONE)
    day = now.astimezone(zone).date() + timedelta(weeks=WEEKS_UNTIL_DEADLINE)
    return datetime.combine(day, time(17, 0), tzinfo=zone)


def practice_fixture(source: Call, now: datetime) -> list[dict]:
    """The practice call as fixture objects: the source call's parameters and rules, with
    dates moved to the near future and a programme of its own that lists exactly the
    countries taking part in the source call (on its deadline date) for the whole period."""
    documents = json.loads(serializers.serialize(
        "json", [source, *source.rules.all()],
        use_natural_foreign_keys=True, use_natural_primary_keys=True,
    ))
    call_document, rule_documents = documents[0], documents[1:]
    deadline = practice_deadline(now)
    source_deadline = source.deadline_local
    fields = call_document["fields"]
    fields.pop("version", None)
    fields.update(
        reference=PRACTICE_CALL,
        alternative_reference="",
        title=f"Practice call: {source.title}",
        title_ro=f"Apel de exercițiu: {source.title_ro}" if source.title_ro else "",
        short_name="Practice ESCP-S3",
        is_practice=True,
        programme=[PRACTICE_PROGRAMME],
        deadline=deadline.isoformat(),
        questions_deadline=(deadline - timedelta(days=7)).isoformat(),
        contact_email="",
        contact_note="A practice call: nobody answers questions about it.",
        faq_url="",
        sources=(
            f"Made by `manage.py seed_demo` from {source.reference}: the same parameters, "
            f"countries and rules. Only the dates differ: the deadline is {WEEKS_UNTIL_DEADLINE} "
            "weeks after the command ran, at 17:00 Brussels time, and projects start in the "
            "same months after the deadline as in the real call."
        ),
    )
    window = source.rule_options("start_window")
    for rule in rule_documents:
        rule["fields"]["call"] = [PRACTICE_CALL]
        if rule["fields"]["code"] == "start_window" and window.get("earliest"):
            deadline_month = date(deadline.year, deadline.month, 1)
            source_day = source_deadline.date()
            earliest = date.fromisoformat(window["earliest"])
            latest = date.fromisoformat(window["latest"])
            first = add_months(deadline_month, months_between(source_day, earliest))
            last_month = add_months(deadline_month, months_between(source_day, latest))
            last = date(last_month.year, last_month.month,
                        calendar.monthrange(last_month.year, last_month.month)[1])
            rule["fields"]["options"] = {"earliest": first.isoformat(), "latest": last.isoformat()}
            rule["fields"]["provenance"] = {
                name: {"basis": "official", "source": f"{source.reference}'s window, moved"}
                for name in ("earliest", "latest")
            }

    programme = {
        "model": "calls.programme",
        "fields": {
            "code": PRACTICE_PROGRAMME,
            "name": f"Practice programme (countries of {source.short_name or source.reference})",
            "starts_on": source_deadline.date().isoformat(),
            "ends_on": date(deadline.year + 2, 12, 31).isoformat(),
            "legal_basis": "",
            "source": f"Made by `manage.py seed_demo` for the practice call {PRACTICE_CALL}.",
        },
    }
    participations = [
        {
            "model": "calls.participation",
            "fields": {
                "programme": [PRACTICE_PROGRAMME],
                "country": [participation.country_id],
                "basis": participation.basis,
                "starts_on": source_deadline.date().isoformat(),
                "ends_on": None,
                "source": (
                    f"Takes part in {source.programme.code} on "
                    f"{source_deadline.date().isoformat()}, "
                    f"the deadline of {source.reference}."
                ),
            },
        }
        for participation in Participation.objects.filter(programme=source.programme)
        .active_on(source_deadline.date()).order_by("country_id")
    ]
    return [programme, *participations, call_document, *rule_documents]


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
        consortium = Consortium(call=call, owner=owner)
        form = ConsortiumForm(self.project_data(call, demo), instance=consortium)
        members = MemberFormSet(
            self.members_data(call, demo["members"]), instance=consortium, prefix="members",
            form_kwargs={"choices": MemberChoices.for_call(call)},
        )
        if not (form.is_valid() and members.is_valid()):
            raise CommandError(
                f"The demo consortium {demo['acronym']} does not validate: "
                f"{form.errors.as_text()} {members.errors} {members.non_form_errors()}"
            )
        consortium = consortium_draft_save(form=form, members=members, owner=owner)
        self.stdout.write(f"Created the demo consortium {consortium.acronym}.")
        return consortium

    @staticmethod
    def project_data(call: Call, demo: dict) -> dict:
        return {
            "acronym": demo["acronym"],
            "title": demo["title"],
            "duration_months": str(call.rule_options("duration").get("maximum", 24)),
            "start_date": call.rule_options("start_window").get(
                "earliest", call.deadline_local.date().isoformat()
            ),
            "total_eligible_costs": "466666.67",
            "requested_grant": "350000.00",
        }

    @staticmethod
    def members_data(call: Call, members: list[tuple]) -> dict:
        regions = dict(
            Region.objects.filter(
                classification_id=call.region_classification_id,
                code__in=[member[2] for member in members],
            ).values_list("code", "pk")
        )
        data = {
            "members-TOTAL_FORMS": str(len(members)),
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
        }
        for index, (name, country, region, kind, eccp, coordinator) in enumerate(members):
            prefix = f"members-{index}-"
            data.update({
                f"{prefix}name": name,
                f"{prefix}country": country,
                f"{prefix}region": str(regions.get(region, "")),
                f"{prefix}organisation_type": kind,
                f"{prefix}eccp_status": eccp,
                f"{prefix}eccp_profile_url": "",
            })
            if coordinator:
                data[f"{prefix}is_coordinator"] = "on"
        return data

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
