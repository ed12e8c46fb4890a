"""Copy each call's rule-specific columns into the options of the rules that read them.

Every stored value is kept: each configured rule receives the options it reads, with a
provenance entry per option citing the rule's own source (as loaded from the call's fixture)
or, without one, the call's sources. Reversible: the reverse copies the call-wide rules'
options back into the columns; rules of strands, which the old shape cannot hold, are
deleted by the reverse (their strands stay).
"""
from django.db import migrations

# code -> ((option, column), ...)
MOVED = {
    "max_grant": (("maximum", "max_grant"),),
    "cofinancing_rate": (("rate", "cofinancing_rate"),),
    "duration": (("minimum", "min_duration_months"), ("maximum", "max_duration_months")),
    "start_window": (("earliest", "start_window_from"), ("latest", "start_window_to")),
    "min_entities": (("minimum", "min_entities"),),
    "min_countries": (("minimum", "min_countries"),),
    "organisation_types": (("accepted", "allowed_organisation_types"),),
    "eccp_registration": (("accepted", "accepted_eccp_statuses"),),
    "region_category": (("categories", "qualifying_region_categories"),),
}


def as_json(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, int)):
        return value
    return str(value)  # Decimal, written as text as fixtures write it


def columns_into_options(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    CallRule = apps.get_model("calls", "CallRule")
    for call in Call.objects.all():
        for rule in CallRule.objects.filter(call=call, strand__isnull=True, code__in=MOVED):
            source = rule.source or call.sources or f"Call {call.reference}"
            options = {}
            for option, column in MOVED[rule.code]:
                value = as_json(getattr(call, column))
                if value is not None:
                    options[option] = value
            rule.options = options
            rule.provenance = {
                option: {"basis": "official", "source": source} for option in options
            }
            rule.save(update_fields=["options", "provenance"])


def options_into_columns(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    CallRule = apps.get_model("calls", "CallRule")
    CallRule.objects.filter(strand__isnull=False).delete()
    for call in Call.objects.all():
        for rule in CallRule.objects.filter(call=call, code__in=MOVED):
            for option, column in MOVED[rule.code]:
                if rule.options.get(option) is not None:
                    setattr(call, column, rule.options[option])
        # Columns the old shape requires, for a call that did not configure their rule.
        defaults = {
            "max_grant": call.total_budget, "cofinancing_rate": "1", "min_duration_months": 1,
            "max_duration_months": 999, "min_entities": 1, "min_countries": 1,
            "allowed_organisation_types": ["cluster_organisation", "business_network",
                                           "technology_centre", "science_park", "other"],
            "accepted_eccp_statuses": ["registered", "requested", "none"],
            "qualifying_region_categories": [],
        }
        for column, value in defaults.items():
            if getattr(call, column) is None:
                setattr(call, column, value)
        call.save()


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0003_rules_carry_options_schema"),
    ]

    operations = [
        migrations.RunPython(columns_into_options, options_into_columns),
    ]
