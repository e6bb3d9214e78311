"""Multi-row `INSERT … VALUES` below the ORM, for imports that write tens of thousands of rows at once.

Why not `bulk_create`: it builds a model instance per row, calls `pre_save` and `get_db_prep_save` for every
value (650,000 calls for a 10,000-row establishment import) and, on SQLite, stops each statement at 999
parameters (Django's conservative `max_query_params`), i.e. about 25 establishments per statement.

Here the caller gives each row as a tuple of column values. How a column is converted is decided once per
column, not per value: plain text, integer and foreign-key-id columns pass through as given; the others
(dates, decimals, timestamps, JSON, IP addresses…) go through the field's own `get_db_prep_save`, exactly as
Django converts them. The columns the caller does not give take what `bulk_create` would write for a new
instance — `Model(**constants)` then each field's `pre_save(add=True)`: its default, `auto_now`/`auto_now_add`
timestamps — computed once per call and shared by every row. On SQLite, statements are as large as the real
parameter limit allows; on PostgreSQL one statement carries every row as one array per column (`UNNEST`).

Like `bulk_create`: no `save()`, no signals, inside the caller's transaction. Database triggers fire as for
any insert (the SQLite search index of registry/search.py stays in step).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import NotSupportedError, connections, models, router
from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin

# Internal types whose `get_db_prep_save` returns a str/int/bool/None value unchanged.
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
POSTGRESQL_MAX_PARAMS = 65535  # the protocol's Bind message counts parameters in 16 bits


def max_params(connection) -> int:
    """The most parameters one statement may carry on this connection: SQLite's compiled-in limit (32,766 since
    3.32, not the 999 Django assumes), PostgreSQL's protocol limit, else what Django's backend says."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    if connection.vendor == "postgresql":
        return POSTGRESQL_MAX_PARAMS
    return connection.features.max_query_params or 999


def _converter(field: models.Field) -> Callable[[Any, Any], Any] | None:
    """None when the field stores its Python value as given, else its own `get_db_prep_save`."""
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in PLAIN_TYPES:
        return None
    return field.get_db_prep_save


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    constants: Mapping[str, Any] | None = None,
    returning: bool = False,
    using: str | None = None,
) -> list[int]:
    """Insert `rows` (one value per name of `fields`, in that order; foreign keys as ids) into `model`'s table.

    `constants` are values shared by every row (`Model(**constants)` keywords: a foreign key as an instance or
    as `<name>_id`). Every other concrete field except an auto primary key takes its default or `pre_save`
    value. Returns the new primary keys in row order when `returning`, else [].

    Values of plain columns (text, integers, ids) must already be of the field's Python type: they are sent
    as given. A field with a callable or database default must be given (a shared value would be wrong).
    """
    connection = connections[using or router.db_for_write(model)]
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    constants = constants or {}
    template = model(**constants)
    rest = []
    for field in opts.concrete_fields:
        if field in given or getattr(field, "generated", False):
            continue
        if field.primary_key and isinstance(field, AutoFieldMixin):
            continue
        unset = field.name not in constants and field.attname not in constants
        if unset and (
            (field.has_default() and callable(field.default))
            or getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED
        ):
            raise ValueError(f"{opts.label}.{field.name}: a callable or database default must be given per row")
        rest.append(field)
    shared = [field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in rest]
    converters = [(index, convert) for index, field in enumerate(given) if (convert := _converter(field))]

    qn = connection.ops.quote_name
    columns = [field.column for field in (*given, *rest)]
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(column) for column in columns)}) "
    tail = ""
    if returning:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise NotSupportedError(f"{connection.vendor} cannot return the ids of a multi-row INSERT")
        tail = f" RETURNING {qn(opts.pk.column)}"
    rows = list(rows)
    for row in rows:
        if len(row) != len(given):
            raise ValueError(f"{opts.label}: a row has {len(row)} values for {len(given)} fields")
    if converters:
        rows = [_converted(row, converters, connection) for row in rows]
    if connection.vendor == "postgresql":
        statements = _unnest_statements(connection, head, tail, given, rest, rows, shared)
    else:
        statements = _values_statements(connection, head, tail, len(columns), rows, shared)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if returning:
                # Ids grow in the order the rows are inserted (SQLite AUTOINCREMENT, a PostgreSQL sequence read
                # row by row); sorting does not rely on RETURNING's own order, which SQLite leaves unspecified.
                ids.extend(sorted(pk for (pk,) in cursor.fetchall()))
    return ids


def _converted(row: Sequence, converters: list, connection) -> list:
    row = list(row)
    for index, convert in converters:
        row[index] = convert(row[index], connection)
    return row


def _values_statements(connection, head: str, tail: str, width: int, rows: list, shared: list):
    """`VALUES (…), (…)`: as many rows per statement as the parameter limit allows.

    On SQLite the placeholders are its own `?`: Django's SQLite cursor turns `%s` into `?` with a regular
    expression over the whole text (≈ 2 ms for a statement of 500 establishments, 0.4 s of a 50,000-row
    import) and leaves a `?` as it is."""
    per_statement = max(1, max_params(connection) // width)
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    one_row = "(" + ", ".join([placeholder] * width) + ")"
    texts: dict[int, str] = {}
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params: list = []
        for row in chunk:
            params.extend(row)
            params.extend(shared)
        sql = texts.get(len(chunk))
        if sql is None:
            sql = texts[len(chunk)] = head + "VALUES " + ", ".join([one_row] * len(chunk)) + tail
        yield sql, params


def _unnest_statements(connection, head: str, tail: str, given: list, rest: list, rows: list, shared: list):
    """PostgreSQL: one array per given column (`SELECT * FROM UNNEST(…)`) and the shared values once. The
    statement's text is the same whatever the number of rows, so psycopg prepares it once per connection instead
    of splitting a text with tens of thousands of placeholders on every call (as Django's bulk_create does)."""
    if not rows:
        return
    # Without the length (varchar rather than varchar(50)): an array cast must not truncate. The arrays go in
    # psycopg's binary format (%b): its text format escapes every element with a regular expression (≈ 4× the
    # time: ≈ 2 s of a 50,000-row import's first process).
    arrays = ", ".join(f"(%b)::{field.db_type(connection).split('(')[0]}[]" for field in given)
    constants = "".join(f", (%s)::{field.db_type(connection).split('(')[0]}" for field in rest)
    sql = f"{head}SELECT *{constants} FROM UNNEST({arrays}){tail}"
    yield sql, [*shared, *(list(column) for column in zip(*rows, strict=True))]
