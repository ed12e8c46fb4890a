"""The review queue at scale on PostgreSQL: 10,000 submitted consortia, 50,000 members.

    .venv/bin/python benchmarks/bench_queue.py [--consortia 10000]

In a scratch database (``bench_queue``, dropped afterwards) it generates the consortia (COPY),
a review for every third submission, a national contact point for seven countries and an
administrator; then it times, in this process through Django's test client with DEBUG off,
the server time of the queue's first page, a country-filtered page and a search, for both
reviewers (median of several requests after one warm-up). The SQL of each request is run
again under EXPLAIN (ANALYZE, BUFFERS); the plans go to benchmarks/results/queue_plans.txt.
Target: under 150 ms each.
"""
import argparse
import os
from pathlib import Path
import statistics
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment  # noqa: E402

CALL_REFERENCE = "COS-CLUSTPARTNS-2017-3-02"
TARGET_MS = 150
REPEAT = 5
# PostgreSQL compiles a query to machine code when its estimated cost is high; the queue's
# correlated subqueries are estimated high, and compiling costs more than it saves here.
JIT_SETTINGS = ["default", "off"]
CONTACT_POINT_COUNTRIES = ["RO", "PT", "DE", "IT", "PL", "ES", "FR"]
VIEWS = [
    ("first page", ""),
    ("country filter", "?country=RO"),
    # A broad term (one consortium in twenty) and a narrow one (a region's name, 0.4 %).
    ("search", "?q=textile"),
    ("narrow search", "?q=nord-vest"),
]


def generate(count: int) -> dict:
    from django.db import connection

    from benchmarks import datagen
    from calls.models import Call
    from consortia.models import Submission
    from reviews.models import LatestReview, Review, ReviewStatus

    call = Call.objects.get(reference=CALL_REFERENCE)
    started = time.perf_counter()
    datagen.generate_submitted(call=call, count=count - 1)
    generated_in = time.perf_counter() - started
    assert datagen.sample_is_eligible(call), "the generated consortia must all be eligible"
    reviewer = reviewer_user("generator-ncp@example.org", superuser=True)
    statuses = [ReviewStatus.CONFIRMED_ELIGIBLE, ReviewStatus.CLARIFICATION_REQUESTED]
    reviews = Review.objects.bulk_create([
        Review(submission_id=submission_id, reviewer=reviewer, status=statuses[number % 2],
               comment="Please confirm the ECCP registration." if number % 2 else "")
        for number, submission_id in enumerate(
            Submission.objects.order_by("id").values_list("id", flat=True)[::3]
        )
    ], batch_size=2000)
    # What review_record keeps beside each reviewed submission (one review each here).
    LatestReview.objects.bulk_create([
        LatestReview(submission_id=review.submission_id, review=review, status=review.status,
                     reviewed_at=review.created_at)
        for review in reviews
    ], batch_size=2000)
    datagen.analyse()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM consortia_consortium), "
            "(SELECT count(*) FROM consortia_member), (SELECT count(*) FROM consortia_submission),"
            " (SELECT count(*) FROM reviews_review)"
        )
        consortia, members, submissions, reviews = cursor.fetchone()
    return {"consortia": consortia, "members": members, "submissions": submissions,
            "reviews": reviews, "generated_in_s": round(generated_in, 1)}


def reviewer_user(email: str, *, superuser: bool = False, countries: list[str] = ()):
    from accounts.models import User
    from reviews.models import NationalContactPoint

    if superuser:
        return User.objects.create_superuser(email=email, password="bench-password-42")
    user = User.objects.create_user(email=email, password="bench-password-42")
    NationalContactPoint.objects.create(user=user).countries.add(*countries)
    return user


def time_view(client, url: str) -> tuple[dict, list[str], int]:
    """Median and best server time of ``url``; the SQL of the last request; its row count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    runs = []
    for _run in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        runs.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    rows = response.content.count(b"<tr") - 1  # less the header row
    return (
        {"median_ms": round(statistics.median(runs), 1), "best_ms": round(min(runs), 1)},
        [query["sql"] for query in captured.captured_queries],
        rows,
    )


def set_jit(setting: str) -> None:
    """PostgreSQL's just-in-time compilation for this connection: its default, or off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off" if setting == "off" else "RESET jit")


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(line for (line,) in cursor.fetchall())


def queue_indexes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN "
            "('consortia_submission', 'consortia_consortium', 'consortia_member', "
            "'reviews_review') ORDER BY tablename, indexname"
        )
        return [definition for (definition,) in cursor.fetchall()]


def compare_totals(user) -> dict:
    """The queue's totals by review status counted two ways, alternately in the same minute:
    from ``LatestReview`` (as the queue does) and, as before it existed, by looking up each
    row's latest review among all reviews. Median milliseconds of each, and both must agree."""
    from django.db.models import Count, OuterRef, Subquery

    from consortia.models import Submission
    from reviews.models import Review, review_queue

    latest_status = Subquery(
        Review.objects.filter(submission=OuterRef("pk")).order_by("-created_at", "-id")
        .values("status")[:1]
    )
    ways = {
        "latest review kept": lambda: review_queue(user),
        "latest review looked up per row": lambda: Submission.objects.active()
        .visible_to(user).annotate(review_status=latest_status),
    }
    runs: dict[str, list[float]] = {name: [] for name in ways}
    counted = {}
    for _run in range(REPEAT + 1):
        for name, submissions in ways.items():
            started = time.perf_counter()
            counted[name] = sorted(
                (row["review_status"] or "", row["count"])
                for row in submissions().order_by().values("review_status")
                .annotate(count=Count("pk"))
            )
            runs[name].append((time.perf_counter() - started) * 1000)
    assert len({tuple(rows) for rows in counted.values()}) == 1, counted
    return {name: round(statistics.median(times[1:]), 1) for name, times in runs.items()}


def measure(count: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    data = generate(count)
    reviewers = {
        "administrator": reviewer_user("admin-bench@example.org", superuser=True),
        "national contact point (7 countries)": reviewer_user(
            "ncp-bench@example.org", countries=CONTACT_POINT_COUNTRIES
        ),
    }
    rows, plans = [], []
    queue = reverse("reviews:queue")
    for jit in JIT_SETTINGS:
        set_jit(jit)
        for reviewer_name, user in reviewers.items():
            client = Client()
            client.force_login(user)
            for view_name, query in VIEWS:
                timing, statements, shown = time_view(client, queue + query)
                if jit == "off":
                    for sql in statements:
                        if "consortia_submission" in sql:
                            plans.append(f"=== {reviewer_name}, {view_name} (jit off) ===\n"
                                         f"{sql}\n\n{explain(sql)}\n")
                rows.append({"reviewer": reviewer_name, "view": view_name, "jit": jit,
                             "url": queue + query, "queries": len(statements),
                             "rows_shown": shown, **timing,
                             "target_met": timing["median_ms"] < TARGET_MS})
    set_jit("default")
    totals = compare_totals(reviewers["national contact point (7 countries)"])
    plans_path = environment.RESULTS_DIR / "queue_plans.txt"
    plans_path.write_text("\n".join(plans))
    return {"data": data, "views": rows, "totals_ms": totals, "indexes": queue_indexes(),
            "plans_file": str(plans_path.relative_to(environment.ROOT))}


def print_table(results: dict) -> None:
    data = results["data"]
    print(f"Review queue on PostgreSQL: {data['consortia']:,} consortia, {data['members']:,} "
          f"members, {data['submissions']:,} submissions, {data['reviews']:,} reviews "
          f"(generated in {data['generated_in_s']} s)")
    print(f"{'reviewer':<38}  {'view':<15}  {'jit':<7}  {'median ms':>9}  {'best ms':>7}  "
          f"{'queries':>7}  target < {TARGET_MS} ms")
    for row in results["views"]:
        print(f"{row['reviewer']:<38}  {row['view']:<15}  {row['jit']:<7}  {row['median_ms']:>9}  "
              f"{row['best_ms']:>7}  {row['queries']:>7}  "
              f"{'met' if row['target_met'] else 'NOT met'}")
    print("National contact point's totals by review status, median ms: " + ", ".join(
        f"{name} {ms}" for name, ms in results["totals_ms"].items()
    ))
    print(f"Query plans: {results['plans_file']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consortia", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true",
                        help="keep the database bench_queue for a closer look")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not environment.postgres_available():
        print("PostgreSQL is not reachable: the review-queue benchmark is skipped.")
        return {"skipped": "PostgreSQL not reachable"}
    environment.collect_static()
    os.environ.update(environment.PRODUCTION_LIKE)
    with environment.scratch_database("queue", keep=options.keep) as database:
        environment.setup_django(database, settings="benchmarks.settings")
        results = {
            "benchmark": "review queue at scale",
            "measured_at": environment.now_text(),
            "machine": environment.machine(),
            "target": f"under {TARGET_MS} ms server time for each view",
            **measure(options.consortia),
        }
    environment.write_results("queue", results)
    print_table(results)
    return results


if __name__ == "__main__":
    main()
