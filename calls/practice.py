"""The practice call: a copy of ESCP-S3 whose deadline is a few weeks ahead, for trying the
service today (``manage.py seed_demo``) and for tests that need a call open now."""
import calendar
from datetime import date, datetime, time, timedelta
import json
import zoneinfo

from django.core import serializers

from .models import Call, Participation

SOURCE_CALL = "COS-CLUSTPARTNS-2017-3-02"
PRACTICE_CALL = "PRACTICE-ESCP-S3"
PRACTICE_PROGRAMME = "practice"
DEADLINE_ZONE = "Europe/Brussels"
WEEKS_UNTIL_DEADLINE = 4


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
    fields.pop("version", None)  # the database counts a call's versions, never a fixture
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
