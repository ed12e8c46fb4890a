from django.db import migrations

FORBID_CHANGES = """
CREATE OR REPLACE FUNCTION reviews_review_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reviews (reviews_review) are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_review_append_only
    BEFORE UPDATE OR DELETE ON reviews_review
    FOR EACH ROW EXECUTE FUNCTION reviews_review_is_append_only();
"""

ALLOW_CHANGES = """
DROP TRIGGER IF EXISTS reviews_review_append_only ON reviews_review;
DROP FUNCTION IF EXISTS reviews_review_is_append_only();
"""


def forbid_changes(apps, schema_editor):
    # PostgreSQL refuses row changes itself; tests still empty the table with TRUNCATE.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID_CHANGES)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_CHANGES)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(forbid_changes, allow_changes)]
