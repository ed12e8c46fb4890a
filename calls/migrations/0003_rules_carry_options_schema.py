"""Rules carry their options and provenance; calls gain strands, a version, sources and gaps.

The rule-specific columns of the call are made nullable here, copied into the rules' options
by 0004 and removed by 0005 (in reverse: re-added by 0005, filled by 0004, required again
here).
"""
import django.db.models.deletion
from django.db import migrations, models

import calls.models


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0002_field_validators"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="title_ro",
            field=models.CharField(blank=True, max_length=300, verbose_name="title in Romanian"),
        ),
        migrations.AddField(
            model_name="call",
            name="provenance",
            field=models.JSONField(
                blank=True, default=dict,
                help_text='Where each call-wide fact comes from, e.g. {"deadline": {"basis": "official", "source": "Call text §3"}}.',
                validators=[calls.models.validate_call_provenance],
                verbose_name="provenance of the call's facts",
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="gaps",
            field=models.TextField(blank=True, help_text="What our sources do not say about this call, in plain words.", verbose_name="not known"),
        ),
        migrations.AddField(
            model_name="call",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, help_text="Raised whenever the call, its strands or its rules change.", verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="call",
            name="region_classification",
            field=models.ForeignKey(blank=True, help_text="The mapping of NUTS 2 regions in which members give their region.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="calls", to="calls.regionclassification", verbose_name="region classification"),
        ),
        migrations.CreateModel(
            name="Strand",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, verbose_name="code")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("title_ro", models.CharField(blank=True, max_length=300, verbose_name="title in Romanian")),
                ("order", models.PositiveSmallIntegerField(default=1, verbose_name="order")),
                ("call", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="strands", to="calls.call", verbose_name="call")),
            ],
            options={
                "verbose_name": "strand",
                "verbose_name_plural": "strands",
                "ordering": ["call", "order", "code"],
                "constraints": [models.UniqueConstraint(fields=("call", "code"), name="strand_code_unique_in_call")],
            },
        ),
        migrations.AddField(
            model_name="callrule",
            name="strand",
            field=models.ForeignKey(blank=True, help_text="Empty: the rule holds for the whole call.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="rules", to="calls.strand", verbose_name="strand"),
        ),
        migrations.AddField(
            model_name="callrule",
            name="reference_ro",
            field=models.CharField(blank=True, help_text='For example "Textul apelului §6.2".', max_length=120, verbose_name="call-text reference in Romanian"),
        ),
        migrations.AddField(
            model_name="callrule",
            name="options",
            field=models.JSONField(blank=True, default=dict, help_text="The rule's parameters, as its rule class declares them.", verbose_name="options"),
        ),
        migrations.AddField(
            model_name="callrule",
            name="provenance",
            field=models.JSONField(blank=True, default=dict, help_text='Where each option comes from: {"<option>": {"basis": ..., "source": ...}}.', verbose_name="provenance"),
        ),
        migrations.AlterField(
            model_name="callrule",
            name="code",
            field=models.CharField(choices=calls.models.rule_choices, max_length=40, verbose_name="rule"),
        ),
        migrations.AlterModelOptions(
            name="callrule",
            options={"ordering": ["call", "strand", "code"], "verbose_name": "call rule", "verbose_name_plural": "call rules"},
        ),
        migrations.RemoveConstraint(model_name="callrule", name="call_rule_unique"),
        migrations.AddConstraint(
            model_name="callrule",
            constraint=models.UniqueConstraint(condition=models.Q(("strand__isnull", True)), fields=("call", "code"), name="call_rule_unique", violation_error_message="The call already has this rule."),
        ),
        migrations.AddConstraint(
            model_name="callrule",
            constraint=models.UniqueConstraint(condition=models.Q(("strand__isnull", False)), fields=("call", "strand", "code"), name="call_rule_unique_in_strand", violation_error_message="The strand already has this rule."),
        ),
        migrations.AddConstraint(
            model_name="callrule",
            constraint=models.CheckConstraint(condition=models.Q(("severity__in", ["blocking", "advisory"])), name="call_rule_severity_valid", violation_error_message="Unknown severity."),
        ),
        # The columns 0004 moves into the rules, made nullable so that 0005 can drop them and
        # its reverse can re-add them before 0004's reverse fills them again.
        migrations.AlterField(model_name="call", name="max_grant", field=models.DecimalField(decimal_places=2, max_digits=14, null=True, verbose_name="maximum grant (EUR)")),
        migrations.AlterField(model_name="call", name="cofinancing_rate", field=models.DecimalField(decimal_places=4, max_digits=5, null=True, verbose_name="maximum co-financing rate")),
        migrations.AlterField(model_name="call", name="min_duration_months", field=models.PositiveSmallIntegerField(null=True, verbose_name="minimum duration (months)")),
        migrations.AlterField(model_name="call", name="max_duration_months", field=models.PositiveSmallIntegerField(null=True, verbose_name="maximum duration (months)")),
        migrations.AlterField(model_name="call", name="min_entities", field=models.PositiveSmallIntegerField(null=True, verbose_name="minimum legal entities")),
        migrations.AlterField(model_name="call", name="min_countries", field=models.PositiveSmallIntegerField(null=True, verbose_name="minimum distinct countries")),
        migrations.AlterField(model_name="call", name="allowed_organisation_types", field=models.JSONField(null=True, verbose_name="allowed organisation types")),
        migrations.AlterField(model_name="call", name="accepted_eccp_statuses", field=models.JSONField(null=True, verbose_name="accepted ECCP statuses")),
        migrations.AlterField(model_name="call", name="qualifying_region_categories", field=models.JSONField(null=True, blank=True, default=list, verbose_name="qualifying region categories")),
    ]
