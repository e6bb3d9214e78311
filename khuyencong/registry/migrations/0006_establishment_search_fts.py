"""SQLite: an FTS5 trigram index of the folded search text, kept by triggers (registry/search.py). The plain
index on search_folded that 0003 created on SQLite goes: LIKE '%word%' never used it, and every write paid for it.

PostgreSQL already serves the search from the trigram GIN index of 0003: nothing to do there.
"""

from django.db import migrations

from khuyencong.registry import search


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        search.install_sqlite_index(schema_editor.connection)
        schema_editor.execute("DROP INDEX IF EXISTS registry_est_search_idx")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        search.uninstall_sqlite_index(schema_editor.connection)
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_est_search_idx ON registry_establishment (search_folded)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_establishment_name_sort_fill"),
    ]

    operations = [migrations.RunPython(create, drop)]
