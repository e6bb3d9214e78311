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

import datetime as dt
from collections.abc import Callable
from weakref import WeakKeyDictionary

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, get_related_populators

# Stand-in values, in two sets: a queryset is compiled with both and must give the same statement with the
# values in the same places, so a constant of the queryset that happens to equal a stand-in cannot pass for a
# value. Integers stay inside every integer column's range (Django answers a comparison with an out-of-range
# number without asking the database); strings no user types; days of the years 1000 and 1100.
_STAND_IN_INTS = (29_000, 31_000)
_STAND_IN_DAYS = (dt.date(1000, 1, 1), dt.date(1100, 1, 1))
MAX_VALUES = 1_500  # stand-in integers per set (a longer collection runs through the ORM)


def _stand_in(kind: type, index: int, variant: int):
    if kind is int:
        return _STAND_IN_INTS[variant] + index
    if kind is dt.date:
        return _STAND_IN_DAYS[variant] + dt.timedelta(days=index)
    return f"\x00compiled-query-value-{variant}-{index}\x00"


def _day(value) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"CompiledQuery: a date was expected, not {value!r}.")
    return value


_COERCE = {int: int, str: str, dt.date: _day}


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
        # A value reaches the parameters as given, or (a date on SQLite) as the backend adapts it.
        positions = {value: (index, None) for index, value in enumerate(stand_ins)}
        adapt = connection.ops.adapt_datefield_value
        for index, value in enumerate(stand_ins):
            if type(value) is dt.date and adapt(value) != value:
                positions[adapt(value)] = (index, adapt)
        # Each parameter is either one of the caller's values (its index, and how to adapt it) or a constant.
        self.slots = [positions[param] + (None,) if _hashable(param) and param in positions else (None, None, param)
                      for param in params]  # fmt: skip
        reached = {index for index, _adapt, _constant in self.slots if index is not None}
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
        params = [
            constant if index is None else adapt(values[index]) if adapt else values[index]
            for index, adapt, constant in self.slots
        ]
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
    stand-in values (`kinds` says the type of each: `int`, `str`, `datetime.date`, or `[int]` for a collection of
    ids filtered with `__in`) and must let each value reach the SQL unchanged (an equality, comparison or `__in`
    filter on a column). Calling the `CompiledQuery` with real values returns the list of model instances (or of
    values, for a `values_list(..., flat=True)` queryset). A collection is compiled once per number of distinct
    ids (its duplicates dropped as Django's `__in` drops them), for at most `MAX_SIZES` numbers per connection;
    an empty collection, or a number beyond those, runs the queryset through the ORM as usual. Relations a
    related manager would set (`project.budget_lines` sets each line's `project`) are not set: the caller sets
    them if the page reads them."""

    MAX_SIZES = 32

    def __init__(self, build: Callable[..., QuerySet], *kinds):
        unsupported = [kind for kind in kinds if kind != [int] and not (isinstance(kind, type) and kind in _COERCE)]
        if unsupported:
            raise ImproperlyConfigured(f"CompiledQuery: values of kind {unsupported} are not supported.")
        self._build = build
        self._kinds = kinds
        self._alias: str | None = None
        # connection wrapper (one per thread) → {number of ids in each collection → _Compiled}
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()

    def _coerce(self, values: tuple) -> tuple[tuple, tuple]:
        """(every value, collections flattened; the size of each collection)."""
        flat, sizes = [], []
        for kind, value in zip(self._kinds, values, strict=True):
            if kind == [int]:
                ids = list(dict.fromkeys(int(item) for item in value))
                flat += ids
                sizes.append(len(ids))
            else:
                flat.append(_COERCE[kind](value))
        return tuple(flat), tuple(sizes)

    def _stand_ins(self, sizes: tuple, variant: int) -> tuple[list, list]:
        """(the arguments for `build`, the same flattened): each scalar and each id of a collection its own."""
        arguments, flat, sizes = [], [], iter(sizes)
        for kind in self._kinds:
            if kind == [int]:
                ids = [_stand_in(int, len(flat) + offset, variant) for offset in range(next(sizes))]
                arguments.append(ids)
                flat += ids
            else:
                arguments.append(_stand_in(kind, len(flat), variant))
                flat.append(arguments[-1])
        return arguments, flat

    def _compile(self, sizes: tuple) -> _Compiled:
        compiled = []
        for variant in (0, 1):
            arguments, stand_ins = self._stand_ins(sizes, variant)
            queryset = self._build(*arguments)
            compiled.append(_Compiled(queryset, connections[queryset.db], stand_ins))
        first, second = compiled
        if (first.sql, first.slots) != (second.sql, second.slots):
            raise ImproperlyConfigured(
                "CompiledQuery: the statement changes with the values (a value is used as a constant, or decides "
                "the shape of the query)."
            )
        return first

    def __call__(self, *values) -> list:
        if len(values) != len(self._kinds):
            raise TypeError(f"CompiledQuery expects {len(self._kinds)} values, got {len(values)}.")
        flat, sizes = self._coerce(values)
        connection = connections[self._alias] if self._alias is not None else None
        by_size = self._compiled.get(connection, {}) if connection is not None else {}
        compiled = by_size.get(sizes)
        if compiled is None and (0 in sizes or len(by_size) >= self.MAX_SIZES or len(flat) > MAX_VALUES):
            return list(self._build(*values))
        if compiled is None:
            compiled = self._compile(sizes)
            # Two threads compiling at once each store an equal result: no lock needed.
            self._alias = compiled.db
            connection = connections[compiled.db]
            self._compiled.setdefault(connection, {})[sizes] = compiled
        return compiled.run(connection, flat)
