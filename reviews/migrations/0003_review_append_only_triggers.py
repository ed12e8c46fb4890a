"""The append-only guard of reviews as a django-pgtrigger trigger declared on the model,
replacing the hand-written one of 0002_review_append_only (dropped here, and put back if this
migration is reversed). PostgreSQL only; nothing happens on other databases."""
from importlib import import_module

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

DROP_HAND_WRITTEN = """
DROP TRIGGER IF EXISTS reviews_review_append_only ON reviews_review;
DROP FUNCTION IF EXISTS reviews_review_is_append_only();
"""


def drop_hand_written_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_HAND_WRITTEN)


def restore_hand_written_trigger(apps, schema_editor):
    import_module("reviews.migrations.0002_review_append_only").forbid_changes(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0002_review_append_only'),
    ]

    operations = [
        migrations.RunPython(drop_hand_written_trigger, restore_hand_written_trigger),
        pgtrigger.migrations.AddTrigger(
            model_name='review',
            trigger=pgtrigger.compiler.Trigger(name='review_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '%: reviews are append-only: record a new review', TG_TABLE_NAME;", hash='cb3081b3b31050d808f15ce66b22ac71035ac6ba', operation='UPDATE OR DELETE', pgid='pgtrigger_review_append_only_e6f6f', table='reviews_review', when='BEFORE')),
        ),
    ]
