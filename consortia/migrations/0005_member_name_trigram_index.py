"""A trigram index on members' names, so that the review queue's search ("Acronym or
organisation", a case-insensitive substring match: ``UPPER(name) LIKE UPPER('%text%')``) reads
the index instead of every member. PostgreSQL only (pg_trgm, a trusted extension since
PostgreSQL 13: the database's owner may create it); nothing on other databases. Measured in
docs/PERFORMANCE.md, section 3."""
from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_trigram ON consortia_member "
    "USING gin ((UPPER(name::text)) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS member_name_trigram"]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("consortia", "0004_review_queue_indexes"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False),
    ]
