"""Indexes no query used, which every insert paid for (an import writes 50,000 rows):
- `name_sort`'s (and, on PostgreSQL, its `varchar_pattern_ops` twin, on keys of hundreds of characters): on
  SQLite the list-order index (name_sort, id, status) of 0007 starts with the column, PostgreSQL sorts by the
  ICU-collated name (≈ 0.4 s per 10,000 imported rows on SQLite);
- the yearly figures' `establishment_id`: the unique constraint (establishment, year) starts with it.
Dropped by name as the database reports them, without rebuilding the tables.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    ("registry_establishment", "Establishment", "name_sort"),
    ("registry_yearlyfigures", "YearlyFigures", "establishment"),
]


def drop_single_column_indexes(apps, schema_editor):
    connection = schema_editor.connection
    for table, model_name, field_name in DROPPED:
        column = apps.get_model("registry", model_name)._meta.get_field(field_name).column
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        for name, info in constraints.items():
            if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]:
                schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_single_column_indexes(apps, schema_editor):
    for _table, model_name, field_name in DROPPED:
        model = apps.get_model("registry", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        like = getattr(schema_editor, "_create_like_index_sql", None)
        if like is not None and (statement := like(model, field)) is not None:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_drop_redundant_fk_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_single_column_indexes, create_single_column_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="establishment",
                    name="name_sort",
                    field=models.CharField(default="", editable=False, max_length=1600),
                ),
                migrations.AlterField(
                    model_name="yearlyfigures",
                    name="establishment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="figures",
                        to="registry.establishment",
                    ),
                ),
            ],
        ),
    ]
