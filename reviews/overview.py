"""The review queue in numbers and pictures: submissions over time up to each call's deadline,
by automatic verdict, by review status and by country of the members.

Everything is counted by the database from the queue the reviewer sees (``review_queue``), in
the same few queries however many submissions there are; ``reviews.charts`` draws the pictures.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from calls.countries import country_name
from calls.models import Call
from eligibility.engine import Verdict

from . import charts
from .models import NOT_REVIEWED, ReviewStatus


class SnapshotMemberCountries(models.Func):
    """The country of each member of a submission snapshot, as a JSON list built by the
    database (null for a member without one), so that the snapshots themselves need not be read.
    """

    output_field = models.JSONField()
    template = (
        "(SELECT json_group_array(json_extract(item.value, '$.country')) "
        "FROM json_each(%(expressions)s, '$.members') AS item)"
    )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection,
            template="(SELECT jsonb_agg(item->>'country') "
                     "FROM jsonb_array_elements(%(expressions)s->'members') AS item)",
            **extra_context,
        )


@dataclass(frozen=True)
class Day:
    day: date
    submitted: int
    standing: int


@dataclass(frozen=True)
class CallTimeline:
    """One call's submissions, day by day, from the first one to the deadline."""

    call: Call
    days: list[Day]
    chart: SafeString


@dataclass(frozen=True)
class Tally:
    """How many submissions have the verdict or review status ``code``."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class CountryCount:
    """How many submissions have a member from the country ``code``, and how many members."""

    code: str
    label: str
    submissions: int
    members: int


@dataclass(frozen=True)
class Overview:
    total: int
    timelines: list[CallTimeline]
    by_verdict: list[Tally]
    verdict_chart: SafeString
    by_review_status: list[Tally]
    review_status_chart: SafeString
    by_country: list[CountryCount]
    country_chart: SafeString


def queue_overview(submissions: QuerySet) -> Overview:
    """The overview of ``submissions`` (a review queue), worded in the active language.

    Four queries: submissions per call and day, the calls, verdict by review status, and the
    members' countries of each submission.
    """
    submissions = submissions.order_by()
    by_verdict_and_status = list(
        submissions.values("verdict", "review_status").annotate(count=Count("pk"))
    )
    verdicts: Counter = Counter()
    statuses: Counter = Counter()
    for row in by_verdict_and_status:
        verdicts[row["verdict"]] += row["count"]
        statuses[row["review_status"] or NOT_REVIEWED] += row["count"]
    by_verdict = [Tally(code, str(label), verdicts[code]) for code, label in Verdict.choices]
    by_verdict += [Tally(code, code, count) for code, count in verdicts.items()
                   if code not in Verdict.values]
    by_review_status = [Tally(NOT_REVIEWED, _("Not reviewed"), statuses[NOT_REVIEWED])] + [
        Tally(status.value, str(status.label), statuses[status.value]) for status in ReviewStatus
    ]
    by_country = _by_country(submissions)
    return Overview(
        total=sum(verdicts.values()),
        timelines=_timelines(submissions),
        by_verdict=by_verdict,
        verdict_chart=charts.bar_chart(
            chart_id="chart-verdict", title=_("Submissions by automatic verdict"),
            description=_("How many standing submissions have each automatic verdict."),
            bars=[charts.Bar(row.label, row.count, row.code) for row in by_verdict],
        ),
        by_review_status=by_review_status,
        review_status_chart=charts.bar_chart(
            chart_id="chart-review-status", title=_("Submissions by review status"),
            description=_("How many standing submissions have each review status, by their "
                          "latest review."),
            bars=[charts.Bar(row.label, row.count, row.code) for row in by_review_status],
        ),
        by_country=by_country,
        country_chart=charts.bar_chart(
            chart_id="chart-country", title=_("Submissions by country of the members"),
            description=_("How many standing submissions have at least one member from each "
                          "country."),
            bars=[charts.Bar(row.label, row.submissions, "country") for row in by_country],
        ),
    )


def _by_country(submissions: QuerySet) -> list[CountryCount]:
    in_submissions: Counter = Counter()
    members: Counter = Counter()
    for countries in submissions.annotate(
        member_countries=SnapshotMemberCountries("snapshot")
    ).values_list("member_countries", flat=True):
        countries = [code for code in countries or [] if code]
        members.update(countries)
        in_submissions.update(set(countries))
    rows = [
        CountryCount(code, f"{country_name(code)} ({code})", count, members[code])
        for code, count in in_submissions.items()
    ]
    return sorted(rows, key=lambda row: (-row.submissions, row.label))


def _timelines(submissions: QuerySet) -> list[CallTimeline]:
    per_day = list(
        submissions.annotate(day=TruncDate("submitted_at"))
        .values("consortium__call_id", "day").annotate(count=Count("pk"))
    )
    calls = Call.objects.filter(pk__in={row["consortium__call_id"] for row in per_day}) \
        .order_by("-deadline", "reference")
    counts: dict[int, dict[date, int]] = {}
    for row in per_day:
        counts.setdefault(row["consortium__call_id"], {})[row["day"]] = row["count"]
    return [_timeline(call, counts[call.pk]) for call in calls]


def _timeline(call: Call, counts: dict[date, int]) -> CallTimeline:
    days, standing = [], 0
    for day in sorted(counts):
        standing += counts[day]
        days.append(Day(day, counts[day], standing))
    # The day before the first submission, so that the line is seen to start from none.
    first = days[0].day - timedelta(days=1)
    deadline = timezone.localtime(call.deadline).date()
    last = max(deadline, days[-1].day)
    deadline_text = date_format(deadline, "DATE_FORMAT")
    chart = charts.timeline_chart(
        chart_id=f"chart-timeline-{call.pk}",
        title=_("Submissions over time: %(call)s") % {"call": call.reference},
        description=_(
            "Submissions standing at the end of each day on which one arrived, from the first "
            "one to the deadline, %(deadline)s."
        ) % {"deadline": deadline_text},
        points=[
            charts.TimelinePoint((row.day - first).days, row.standing,
                                 date_format(row.day, "DATE_FORMAT"))
            for row in days
        ],
        last_day=(last - first).days,
        first_label=date_format(first, "DATE_FORMAT"),
        last_label=date_format(last, "DATE_FORMAT"),
        deadline_day=(deadline - first).days,
        deadline_label=_("Deadline, %(date)s") % {"date": deadline_text},
    )
    return CallTimeline(call, days, chart)

