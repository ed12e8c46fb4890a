"""PostgreSQL refuses any change to a submission but its withdrawal (once), and any deletion."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('consortia', '0005_member_name_trigram_index'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='submission',
            trigger=pgtrigger.compiler.Trigger(name='submission_kept_as_submitted', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."call_parameters" IS DISTINCT FROM (NEW."call_parameters") OR OLD."call_parameters_hash" IS DISTINCT FROM (NEW."call_parameters_hash") OR OLD."consortium_id" IS DISTINCT FROM (NEW."consortium_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."outcomes" IS DISTINCT FROM (NEW."outcomes") OR OLD."snapshot" IS DISTINCT FROM (NEW."snapshot") OR OLD."submitted_at" IS DISTINCT FROM (NEW."submitted_at") OR OLD."submitted_by_id" IS DISTINCT FROM (NEW."submitted_by_id") OR OLD."verdict" IS DISTINCT FROM (NEW."verdict"))', func="RAISE EXCEPTION '%: submissions are append-only: only the withdrawal can be recorded', TG_TABLE_NAME;", hash='40da6a4d8a8e7293817222f21ed4c333b896b769', operation='UPDATE', pgid='pgtrigger_submission_kept_as_submitted_2dc58', table='consortia_submission', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='submission',
            trigger=pgtrigger.compiler.Trigger(name='submission_withdrawal_is_final', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."withdrawn_at" IS NOT NULL AND (OLD."withdrawn_at" IS DISTINCT FROM (NEW."withdrawn_at") OR OLD."withdrawn_by_id" IS DISTINCT FROM (NEW."withdrawn_by_id")))', func="RAISE EXCEPTION '%: submissions are append-only: a withdrawal is recorded once', TG_TABLE_NAME;", hash='138ba17f8b0cfab1609c7d63fd8110088e3bffa8', operation='UPDATE', pgid='pgtrigger_submission_withdrawal_is_final_19c96', table='consortia_submission', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='submission',
            trigger=pgtrigger.compiler.Trigger(name='submission_never_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '%: submissions are append-only: they are never deleted', TG_TABLE_NAME;", hash='f3972d0a9fa17ce9e894d79303e864a9dd5020a2', operation='DELETE', pgid='pgtrigger_submission_never_deleted_6713c', table='consortia_submission', when='BEFORE')),
        ),
    ]
