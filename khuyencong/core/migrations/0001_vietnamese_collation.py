"""PostgreSQL: an ICU collation named `vi` (SQLite gets a Python one per connection) and pg_trgm for search."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE COLLATION IF NOT EXISTS \"vi\" (provider = icu, locale = 'vi-VN')")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP COLLATION IF EXISTS "vi"')


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
