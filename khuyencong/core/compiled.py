"""Querysets compiled once per database connection and run again with new values (SQLAlchemy calls this its
compiled cache).

On the busiest pages Django's SQL compilation costs more than the query: building the column list, joins and
converters of a `select_related` query takes ≈ 0.3–1 ms of Python, where SQLite answers an indexed lookup in
≈ 0.05 ms; and it is the same statement every time, only an id changes. A `CompiledQuery` compiles its
queryset once per connection with stand-in values, then substitutes the real values into the same SQL and builds
the model instances as Django's own iterable does (`django.db.models.query.ModelIterable`). The statement is
unchanged, so the database's plan, the scope filters written in the queryset and the query counting of the
tests all stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakKeyDictionary

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, get_related_populators

# Stand-in values no real row carries: far below any id, and strings no user types.
_STAND_IN_INT = -(2**62)


def _stand_in(kind: type, index: int):
    return _STAND_IN_INT - index if kind is int else f"\x00compiled-query-value-{index}\x00"


class _Compiled:
    """One compiled statement on one connection, and what turns its rows into model instances."""

    def __init__(self, queryset: QuerySet, connection, stand_ins: list):
        self.flat = queryset._iterable_class is FlatValuesListIterable
        if queryset._prefetch_related_lookups or not (self.flat or queryset._iterable_class is ModelIterable):
            raise ImproperlyConfigured(
                "CompiledQuery: only querysets of model instances or of one flat column, without prefetch_related."
            )
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = {value: index for index, value in enumerate(stand_ins)}
        # Each parameter is either one of the caller's values (its index) or a constant of the queryset.
        self.slots = [(positions[param], None) if _hashable(param) and param in positions else (None, param)
                      for param in params]  # fmt: skip
        reached = {index for index, _constant in self.slots if index is not None}
        if reached != set(range(len(stand_ins))) or any(str(value) in sql for value in stand_ins):
            raise ImproperlyConfigured(
                "CompiledQuery: a value does not reach the SQL as a parameter unchanged (filter it by equality)."
            )
        self.sql = sql
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.db = queryset.db
        if self.flat:
            return
        info = compiler.klass_info
        self.model: type[Model] = info["model"]
        self.start, self.end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in compiler.select[self.start : self.end]]
        self.populators = get_related_populators(info, compiler.select, queryset.db)
        self.annotations = compiler.annotation_col_map

    def run(self, connection, values: tuple) -> list:
        params = [values[index] if index is not None else constant for index, constant in self.slots]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        compiler = self.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        if self.converters:
            rows = compiler.apply_converters(rows, self.converters)
        if self.flat:
            return [row[0] for row in rows]
        objects = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class CompiledQuery:
    """`build(*values)` returns the queryset for the given values: it is called once per connection with
    stand-in values (`kinds` says the type of each: `int` or `str`) and must let each value reach the SQL
    unchanged (an equality filter on an id or a code). Calling the `CompiledQuery` with real values returns the
    list of model instances (or of values, for a `values_list(..., flat=True)` queryset). Relations a related
    manager would set (`project.budget_lines` sets each line's `project`) are not set: the caller sets them if
    the page reads them."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        if unsupported := [kind.__name__ for kind in kinds if kind not in (int, str)]:
            raise ImproperlyConfigured(f"CompiledQuery: values of type {', '.join(unsupported)} are not supported.")
        self._build = build
        self._kinds = kinds
        self._alias: str | None = None
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()  # connection wrapper (one per thread) → _Compiled

    def __call__(self, *values) -> list:
        if len(values) != len(self._kinds):
            raise TypeError(f"CompiledQuery expects {len(self._kinds)} values, got {len(values)}.")
        values = tuple(kind(value) for kind, value in zip(self._kinds, values, strict=True))
        connection = connections[self._alias] if self._alias is not None else None
        compiled = self._compiled.get(connection) if connection is not None else None
        if compiled is None:
            stand_ins = [_stand_in(kind, index) for index, kind in enumerate(self._kinds)]
            queryset = self._build(*stand_ins)
            connection = connections[queryset.db]
            compiled = _Compiled(queryset, connection, stand_ins)
            # Two threads compiling at once each store an equal result: no lock needed.
            self._alias = queryset.db
            self._compiled[connection] = compiled
        return compiled.run(connection, values)
