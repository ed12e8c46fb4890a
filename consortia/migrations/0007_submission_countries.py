"""Each submission keeps the countries of its members as submitted, so that what a national
contact point sees follows the submission, not what its consortium became. Existing
submissions get theirs from their snapshots."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def countries_from_snapshots(apps, schema_editor):
    Submission = apps.get_model("consortia", "Submission")
    SubmissionCountry = apps.get_model("consortia", "SubmissionCountry")
    Country = apps.get_model("calls", "Country")
    known = set(Country.objects.values_list("code", flat=True))
    rows = []
    for submission_id, snapshot in Submission.objects.values_list("id", "snapshot").iterator():
        codes = {member.get("country") for member in (snapshot or {}).get("members", [])}
        rows += [SubmissionCountry(submission_id=submission_id, country_id=code)
                 for code in sorted(codes & known)]
    SubmissionCountry.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0002_field_validators'),
        ('consortia', '0006_submission_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='SubmissionCountry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='calls.country', verbose_name='country')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consortia.submission', verbose_name='submission')),
            ],
            options={
                'verbose_name': 'country of a submission',
                'verbose_name_plural': 'countries of submissions',
            },
        ),
        migrations.AddField(
            model_name='submission',
            name='countries',
            field=models.ManyToManyField(help_text='The countries of its members as submitted: which national contact points see it.', related_name='submissions', through='consortia.SubmissionCountry', to='calls.country', verbose_name='countries of its members'),
        ),
        migrations.AddIndex(
            model_name='submissioncountry',
            index=models.Index(fields=['country', 'submission'], name='submission_country_reverse'),
        ),
        migrations.AddConstraint(
            model_name='submissioncountry',
            constraint=models.UniqueConstraint(fields=('submission', 'country'), name='submission_country_once'),
        ),
        migrations.RunPython(countries_from_snapshots, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='submissioncountry',
            trigger=pgtrigger.compiler.Trigger(name='submission_country_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION '%: the countries of a submission are kept as submitted', TG_TABLE_NAME;", hash='4a6aa94e7e216c7a5af9c77b6b8a3eb7092a59a6', operation='UPDATE OR DELETE', pgid='pgtrigger_submission_country_append_only_93392', table='consortia_submissioncountry', when='BEFORE')),
        ),
    ]
