"""The rule-specific columns of the call are gone: their values live in the rules' options."""
from django.db import migrations, models

REMOVED = [
    "max_grant", "cofinancing_rate", "min_duration_months", "max_duration_months",
    "start_window_from", "start_window_to", "min_entities", "min_countries",
    "allowed_organisation_types", "accepted_eccp_statuses", "qualifying_region_categories",
]


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0004_rules_carry_options_data"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="call", name="call_rate_in_unit_interval"),
        migrations.RemoveConstraint(model_name="call", name="call_duration_range_valid"),
        migrations.RemoveConstraint(model_name="call", name="call_amounts_positive"),
        migrations.RemoveConstraint(model_name="call", name="call_max_grant_within_budget"),
        migrations.RemoveConstraint(model_name="call", name="call_consortium_minimums_valid"),
        migrations.RemoveConstraint(model_name="call", name="call_start_window_ordered"),
        *(migrations.RemoveField(model_name="call", name=name) for name in REMOVED),
        migrations.AddConstraint(
            model_name="call",
            constraint=models.CheckConstraint(
                condition=models.Q(("total_budget__gt", 0)),
                name="call_budget_positive",
                violation_error_message="The budget must be positive.",
            ),
        ),
    ]
