"""Migration 0009 drops the indexes no query used (name_sort's, the yearly figures' establishment_id) and puts
them back when unapplied, on both databases; the lists keep their own indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("registry", "0008_drop_redundant_fk_indexes"), ("registry", "0009_drop_unused_indexes")


def _single_column_indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        info["columns"][0]
        for info in constraints.values()
        if info["index"] and not info["unique"] and not info["primary_key"] and len(info["columns"]) == 1
    }


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_dropped_then_restored():
    assert "name_sort" not in _single_column_indexes("registry_establishment")
    assert "establishment_id" not in _single_column_indexes("registry_yearlyfigures")
    try:
        _migrate(BEFORE)
        assert "name_sort" in _single_column_indexes("registry_establishment")
        assert "establishment_id" in _single_column_indexes("registry_yearlyfigures")
    finally:
        _migrate(AFTER)
    assert "name_sort" not in _single_column_indexes("registry_establishment")
    assert "establishment_id" not in _single_column_indexes("registry_yearlyfigures")
    if connection.vendor == "sqlite":  # the list's order stays served by its covering index (migration 0007)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM registry_establishment ORDER BY name_sort, id LIMIT 25")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "registry_est_list_order" in plan and "TEMP B-TREE" not in plan, plan
