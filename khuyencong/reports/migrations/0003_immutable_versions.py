"""Database triggers that refuse UPDATE and DELETE of report versions, whatever client connects: a version
(snapshot and files) is written once. Row triggers only, so flushing an empty table (tests) still works."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER reports_version_no_update BEFORE UPDATE ON reports_reportversion
       BEGIN SELECT RAISE(ABORT, 'report versions are immutable'); END""",
    """CREATE TRIGGER reports_version_no_delete BEFORE DELETE ON reports_reportversion
       BEGIN SELECT RAISE(ABORT, 'report versions are immutable'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION reports_version_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'report versions are immutable'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reports_version_no_change BEFORE UPDATE OR DELETE ON reports_reportversion
       FOR EACH ROW EXECUTE FUNCTION reports_version_immutable()""",
]


def create(apps, schema_editor):
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS reports_version_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS reports_version_no_delete")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS reports_version_no_change ON reports_reportversion")
        schema_editor.execute("DROP FUNCTION IF EXISTS reports_version_immutable()")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_definitions_and_deadlines")]
    operations = [migrations.RunPython(create, drop)]
