"""What a feature provides to use the import pipeline: its columns and how to check and write rows.

The pipeline (pipeline.py) reads the file, finds the header, maps columns, turns every cell into a typed value
by the column's kind and hands chunks of rows to the importer, which checks them against the database and,
at commit, writes them through its own services. Importers register themselves by `kind`
(`register_importer`) from their app's ready().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from khuyencong.imports.normalise import header_key

KINDS = ("text", "int", "decimal", "money", "date", "phone", "tax_code", "email", "year")


@dataclass(frozen=True)
class Column:
    """One importable field: its label (the header of the template), the headers it is known by, its kind."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = False
    help: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}")

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(header_key(text) for text in (self.label, *self.aliases))


@dataclass
class Row:
    """One data row on its way through the pipeline; `number` is the row number the user sees in Excel."""

    number: int
    cells: list
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field name, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # The mapped columns whose cell is not empty, as bits (1 << column index): one small int to send from the
    # second process, counted per distinct set by the pipeline's statistics.
    filled: int = 0
    skipped: bool = False  # a "Tổng cộng" row or a column-number row: not data, not an error
    action: str = ""  # set by the importer: "create" or "update"
    target_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def error(self, field_name: str, message: str) -> None:
        self.errors.append((field_name, message))

    def warn(self, field_name: str, message: str) -> None:
        self.warnings.append((field_name, message))

    @property
    def ok(self) -> bool:
        return not self.errors and not self.skipped


class Importer:
    """Base class. Subclasses set `kind`, `label`, `columns` and implement `check`, `write` and the undo pair;
    `prepare`, `skip_reason` and `check_alone` are optional."""

    kind: str = ""
    label: str = ""
    columns: tuple[Column, ...] = ()
    chunk_size = 500

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def mapping_problems(self, batch) -> list[str]:
        """What is missing from the batch's mapping before rows can be checked (required columns)."""
        mapped = set(batch.mapping.values())
        return [
            f"Chưa có cột nào gán cho trường bắt buộc “{column.label}”."
            for column in self.columns
            if column.required and column.name not in mapped
        ]

    def skip_reason(self, row: Row) -> str | None:
        """Why a row is not data at all (a "Tổng cộng" line): skipped with a warning, not an error."""
        return None

    def prepare(self, batch, actor, carry: dict | None = None) -> dict:
        """Per-pass context (caches); called once before the first chunk of each pass. `carry` is the same
        dict for the passes of one run (the commit's validation, then its writing): what is kept there
        (reference data looked up for the file) is not looked up again."""
        return {}

    def check_alone(self, row: Row, context: dict) -> None:
        """Check one typed row by itself (no database, nothing shared with other rows); add errors and
        warnings, keep what `check` needs in `row.extra`. Runs in the second process of a large import
        (imports/second_process.py) on `context` as `prepare` returned it: read it, never write to it."""

    def check(self, rows: list[Row], context: dict) -> None:
        """Check a chunk of typed rows against each other and the database; add errors and warnings, set
        `action`/`target_id` on good rows."""
        raise NotImplementedError

    def write(self, rows: list[Row], context: dict, *, actor, batch) -> tuple[int, int]:
        """Write a chunk of good rows inside the commit's transaction; return (created, updated)."""
        raise NotImplementedError

    def undo_blocker(self, batch) -> str | None:
        """Why the batch cannot be undone (None: it can)."""
        raise NotImplementedError

    def undo(self, batch, *, actor) -> int:
        """Remove what the batch created; return how many records were removed."""
        raise NotImplementedError


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _IMPORTERS[importer.kind] = importer


def importer_for(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"No importer registered for {kind!r}") from None


def importer_choices() -> list[tuple[str, str]]:
    return [(importer.kind, importer.label) for importer in _IMPORTERS.values()]
