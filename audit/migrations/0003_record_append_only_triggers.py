"""The append-only guard of the record as a django-pgtrigger trigger declared on the model,
replacing the hand-written one of 0002_record_is_append_only (dropped here, and put back if this
migration is reversed). PostgreSQL only; nothing happens on other databases."""
from importlib import import_module

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

DROP_HAND_WRITTEN = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event;
DROP FUNCTION IF EXISTS audit_event_is_append_only();
"""


def drop_hand_written_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_HAND_WRITTEN)


def restore_hand_written_trigger(apps, schema_editor):
    import_module("audit.migrations.0002_record_is_append_only").forbid_changes(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_record_is_append_only'),
    ]

    operations = [
        migrations.RunPython(drop_hand_written_trigger, restore_hand_written_trigger),
        pgtrigger.migrations.AddTrigger(
            model_name='event',
            trigger=pgtrigger.compiler.Trigger(name='record_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '%: the record is append-only', TG_TABLE_NAME;", hash='86ae6105756611b52d0cc75dfd146fd0d1b31d22', operation='UPDATE OR DELETE', pgid='pgtrigger_record_append_only_05c12', table='audit_event', when='BEFORE')),
        ),
    ]
