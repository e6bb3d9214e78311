"""The establishment search box: every word typed must occur somewhere in the folded search text.

`search_folded` holds the establishment's names, other names, tax code and registration number, folded by
`fold_vi` (no case, no diacritics, đ → d). A query matches when each of its words (folded the same way) is a
substring of that text, anywhere and in any order: "ca phe" finds "Hợp tác xã Cà phê Ba Vì".

A substring cannot use an ordinary index, so each database gets its own index of the folded text:

* PostgreSQL: the trigram GIN index of registry migration 0003 serves `LIKE '%word%'` directly.
* SQLite: `LIKE '%word%'` reads all the folded texts (300,000 for the national data). The FTS5 table
  `registry_establishment_fts` (trigram tokenizer, migration 0006) indexes the same column; a word of three
  characters or more is looked up there with `rowid IN (SELECT rowid … MATCH '"word"')`, which is the same
  substring test (the trigram tokenizer folds case like SQLite's LIKE does for ASCII, and the folded text has
  no upper case anyway). Words of one or two characters have no trigram and keep the LIKE, which then only
  reads the rows the longer words left.

The FTS5 table uses the establishment table as external content and is kept in step by three triggers, so
every write is covered: the services, `bulk_create` (imports, the data generator), raw SQL. Django rebuilds a
SQLite table to alter it (a future migration of Establishment): the old table's triggers go with it, so
`ensure_sqlite_index` runs after every `migrate` (registry AppConfig) and puts them back, rebuilding the index;
`ensure_list_order_index` does the same for the list-order index of migration 0007.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from khuyencong.core.vietnamese import fold_vi

FTS_TABLE = "registry_establishment_fts"
MAX_WORDS = 8
MIN_TRIGRAM_WORD = 3

CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_folded, content='registry_establishment', content_rowid='id', tokenize='trigram')"
)
TRIGGERS = {
    f"{FTS_TABLE}_ai": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON registry_establishment BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_folded) VALUES (new.id, new.search_folded); END"
    ),
    f"{FTS_TABLE}_ad": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON registry_establishment BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_folded) VALUES ('delete', old.id, old.search_folded); "
        "END"
    ),
    f"{FTS_TABLE}_au": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF id, search_folded ON registry_establishment "
        f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_folded) "
        "VALUES ('delete', old.id, old.search_folded); "
        f"INSERT INTO {FTS_TABLE}(rowid, search_folded) VALUES (new.id, new.search_folded); END"
    ),
}
REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
# Not the search but the same kind of SQLite-only structure: the list's order on SQLite (name_sort, id) with the
# status it always filters on, so that paging deep into the list reads this index alone (migration 0007).
LIST_ORDER_INDEX = "registry_est_list_order"
LIST_ORDER_MIGRATION = ("registry", "0007_establishment_list_order_index")
CREATE_LIST_ORDER_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {LIST_ORDER_INDEX} ON registry_establishment (name_sort, id, status)"
)
OPTIMIZE = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"


def query_words(query: str) -> list[str]:
    """The folded words of what was typed (at most eight), as the search compares them."""
    return fold_vi(query or "").split()[:MAX_WORDS]


def fts_phrase(word: str) -> str:
    """`word` as one FTS5 string: inside double quotes every character is literal text (AND, OR, NEAR, *, ^,
    parentheses, colons), and a double quote is written twice."""
    return '"' + word.replace('"', '""') + '"'


def search(queryset: QuerySet, query: str, *, fts: bool | None = None) -> QuerySet:
    """Establishments of `queryset` whose folded search text contains every word of `query`.

    `fts` chooses the SQLite path (default: the FTS5 index on SQLite, LIKE elsewhere); both give the same rows.
    """
    words = query_words(query)
    if not words:
        return queryset
    if fts is None:
        fts = connections[queryset.db].vendor == "sqlite"
    long_words = [word for word in words if len(word) >= MIN_TRIGRAM_WORD] if fts else []
    if long_words:
        match = " ".join(fts_phrase(word) for word in dict.fromkeys(long_words))
        queryset = queryset.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,)))
    condition = Q()
    for word in words:
        if word not in long_words:
            condition &= Q(search_folded__contains=word)
    return queryset.filter(condition) if condition else queryset


# --- Schema (SQLite only) --------------------------------------------------------------------------------


def install_sqlite_index(connection) -> None:
    """Create the FTS5 table and its triggers and index every existing establishment (migration 0006)."""
    version = connection.Database.sqlite_version_info
    if version < (3, 34, 0):
        raise RuntimeError(
            f"SQLite {connection.Database.sqlite_version} has no FTS5 trigram tokenizer: version 3.34 or later "
            "is needed for the establishment search index."
        )
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(REBUILD)
        cursor.execute(OPTIMIZE)


def uninstall_sqlite_index(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_sqlite_index(connection=None) -> bool:
    """Put back missing triggers (and re-index) after a migration rebuilt the establishment table.

    Does nothing unless the FTS5 table exists (migration 0006 applied) on SQLite. Returns True if it repaired.
    """
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE (type = 'table' AND name = %s) OR "
            "(type = 'trigger' AND tbl_name = 'registry_establishment' AND name LIKE %s)",
            (FTS_TABLE, f"{FTS_TABLE}_%"),
        )
        found = {name for _, name in cursor.fetchall()}
        if FTS_TABLE not in found or all(name in found for name in TRIGGERS):
            return False
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(REBUILD)
    return True


def ensure_list_order_index(connection=None) -> bool:
    """Put back the list-order index (migration 0007) if a rebuilt establishment table lost it. True if it did."""
    from django.db.migrations.recorder import MigrationRecorder

    connection = connection or default_connection
    if connection.vendor != "sqlite" or LIST_ORDER_MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", (LIST_ORDER_INDEX,))
        if cursor.fetchone():
            return False
        cursor.execute(CREATE_LIST_ORDER_INDEX)
    return True
