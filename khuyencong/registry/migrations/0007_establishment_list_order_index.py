"""SQLite: an index in the list's order (name_sort, id) that also holds the status the list filters on, so that
a deep page of the unfiltered list (page 200 = rows 4,976-5,000) is found in the index alone instead of reading
5,000 rows of the table (≈ 20 ms with a cold cache, < 1 ms with the index). See registry/search.py.

PostgreSQL orders by its ICU-collated indexes of 0003: nothing to do there.
"""

from django.db import migrations

from khuyencong.registry import search


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(search.CREATE_LIST_ORDER_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {search.LIST_ORDER_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_establishment_search_fts"),
    ]

    operations = [migrations.RunPython(create, drop)]
