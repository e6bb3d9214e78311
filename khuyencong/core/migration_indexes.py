"""A migration step dropping the single-column index(es) Django made for `db_index` fields, by the names the
database reports, and putting them back when unapplied.

Why not `AlterField(db_index=False)` alone: SQLite's schema editor rebuilds the whole table for it (300,000
establishments copied at national scale). Use it as the database side of a `SeparateDatabaseAndState` whose
state side is the `AlterField`. On PostgreSQL a text column also loses its `varchar_pattern_ops` twin.
"""

from __future__ import annotations

from django.db import migrations


def drop_single_column_indexes(app_label: str, fields: list[tuple[str, str]], *, kept: frozenset[str] = frozenset()):
    """`fields`: (model name, field name) pairs; `kept`: index names to leave (named indexes of Meta.indexes)."""

    def columns(apps) -> list[tuple[type, object]]:
        found = []
        for model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            found.append((model, model._meta.get_field(field_name)))
        return found

    def drop(apps, schema_editor):
        connection = schema_editor.connection
        for model, field in columns(apps):
            with connection.cursor() as cursor:
                constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for name, info in constraints.items():
                single = info["index"] and not info["unique"] and not info["primary_key"]
                if single and info["columns"] == [field.column] and name not in kept:
                    schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def create(apps, schema_editor):
        for model, field in columns(apps):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
            like = getattr(schema_editor, "_create_like_index_sql", None)
            if like is not None and (statement := like(model, field)) is not None:
                schema_editor.execute(statement)

    return migrations.RunPython(drop, create)
