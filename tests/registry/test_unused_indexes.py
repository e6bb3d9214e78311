"""Migrations 0009 and 0010 drop the indexes no query used (name_sort's, the yearly figures' establishment_id,
name_folded's) and put them back when unapplied, on both databases; the lists keep their own indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("registry", "0008_drop_redundant_fk_indexes")
NAME_FOLDED_INDEXED = ("registry", "0009_drop_unused_indexes")
LATEST = ("registry", "0010_establishment_name_folded_not_indexed")


def _single_column_index_list(table: str) -> list[str]:
    """The column of each single-column index (a column twice when PostgreSQL adds its LIKE twin)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        info["columns"][0]
        for info in constraints.values()
        if info["index"] and not info["unique"] and not info["primary_key"] and len(info["columns"]) == 1
    ]


def _single_column_indexes(table: str) -> set[str]:
    return set(_single_column_index_list(table))


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
        _migrate(LATEST)
    assert "name_sort" not in _single_column_indexes("registry_establishment")
    assert "establishment_id" not in _single_column_indexes("registry_yearlyfigures")
    if connection.vendor == "sqlite":  # the list's order stays served by its covering index (migration 0007)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM registry_establishment ORDER BY name_sort, id LIMIT 25")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "registry_est_list_order" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_name_folded_index_dropped_then_restored():
    assert "name_folded" not in _single_column_indexes("registry_establishment")
    try:
        _migrate(NAME_FOLDED_INDEXED)
        restored = _single_column_index_list("registry_establishment").count("name_folded")
        assert restored == (2 if connection.vendor == "postgresql" else 1)  # PostgreSQL: plain and LIKE
    finally:
        _migrate(LATEST)
    assert "name_folded" not in _single_column_indexes("registry_establishment")
