"""Fill LatestReview from the reviews already recorded: for each reviewed submission, its
latest review by ``created_at``, then ``id`` (the order the queue used to read them in).
Reversing empties the table; the reviews themselves are never touched."""
from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    LatestReview = apps.get_model("reviews", "LatestReview")
    reviews = (
        Review.objects.order_by("submission_id", "-created_at", "-id")
        .values_list("submission_id", "id", "status", "created_at")
    )
    batch, previous = [], None
    for submission_id, review_id, status, created_at in reviews.iterator(chunk_size=BATCH):
        if submission_id == previous:
            continue
        previous = submission_id
        batch.append(LatestReview(
            submission_id=submission_id, review_id=review_id, status=status,
            reviewed_at=created_at,
        ))
        if len(batch) >= BATCH:
            LatestReview.objects.bulk_create(batch)
            batch = []
    LatestReview.objects.bulk_create(batch)


def empty(apps, schema_editor):
    apps.get_model("reviews", "LatestReview").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0004_latest_review"),
    ]

    operations = [migrations.RunPython(fill, empty)]
