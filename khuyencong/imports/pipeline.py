"""The import pipeline: find the header, map columns, type every cell, check rows in chunks, commit.

Every pass streams the file (nothing holds all rows): `validate_batch` records issues, per-column statistics
and a preview; `commit_batch` validates again (the database may have changed since the preview) and then, in
one transaction, re-reads and writes chunk by chunk, so all-or-nothing is guaranteed by the database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khuyencong.audit.services import audit_record
from khuyencong.core.collector import bulk_work
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.legacy_text import detect_legacy_encoding
from khuyencong.imports import normalise, second_process
from khuyencong.imports.importers import Importer, Row
from khuyencong.imports.models import ImportBatch, ImportIssue, ImportMode, ImportStatus, IssueSeverity
from khuyencong.imports.readers import first_data_sheet, open_table

HEADER_SCAN_ROWS = 30
LEGACY_SAMPLE_ROWS = 300
PREVIEW_ROWS = 20
# Share of a column's cells read as legacy text that must agree on the encoding for the whole column to be converted.
LEGACY_MAJORITY = 0.8
SAMPLES_PER_COLUMN = 3
ISSUE_FLUSH = 2000
_COLUMN_NUMBER = re.compile(r"^\(?\s*[0-9]{1,2}\s*\)?$|^\(?[a-zA-Z]\)?$")

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    pass


# --- Header and mapping ---------------------------------------------------------------------------------


def match_field(text, importer: Importer) -> tuple[str | None, str]:
    """(field name, the header as read) for one header text; legacy-encoded headers are tried decoded."""
    readings = normalise.header_readings(text)
    for reading in readings:
        key = normalise.header_key(reading)
        for column in importer.columns:
            if key in column.keys:
                return column.name, reading
    # A longer header that starts with a known one ("Số điện thoại liên hệ"): the longest known prefix wins.
    best: tuple[int, str | None, str] = (0, None, readings[0] if readings else "")
    for reading in readings:
        key = normalise.header_key(reading)
        for column in importer.columns:
            for alias in column.keys:
                if len(alias) > best[0] and key.startswith(alias + " "):
                    best = (len(alias), column.name, reading)
    return best[1], best[2]


def _auto_mapping(headers: list[str], importer: Importer) -> tuple[dict[str, str], list[str]]:
    mapping: dict[str, str] = {}
    shown: list[str] = []
    taken: set[str] = set()
    for index, text in enumerate(headers):
        name, reading = match_field(text, importer) if text else (None, "")
        shown.append(reading or text)
        if name and name not in taken:
            mapping[str(index)] = name
            taken.add(name)
    return mapping, shown


def _texts(row: list) -> list[str]:
    return [normalise.clean_text(value) for value in row]


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    """Two header rows as one: a merged cell's text (left cell, blanks to its right) prefixes each column
    below it, as in "Lao động" over "Tổng số | Nữ | BHXH"."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    combined, carried = [], ""
    for top, bottom in zip(upper, lower, strict=True):
        if top:
            carried = top
        elif not bottom:
            carried = ""
        parent = top or carried
        combined.append(f"{parent} {bottom}".strip() if bottom and parent and parent != bottom else bottom or parent)
    return combined


def _score(headers: list[str], importer: Importer) -> int:
    return len({name for name in (match_field(text, importer)[0] for text in headers if text) if name})


@dataclass
class HeaderGuess:
    row: int  # 1-based row number of the last header row
    depth: int
    headers: list[str]


def detect_header(sample: list[list], importer: Importer) -> HeaderGuess | None:
    """The header among the first rows: the row (or pair of rows) naming the most known fields."""
    best: tuple[int, HeaderGuess | None] = (1, None)  # at least two known fields
    texts = [_texts(row) for row in sample[:HEADER_SCAN_ROWS]]
    for index, row in enumerate(texts):
        candidates = [(1, row)]
        if index > 0 and any(texts[index - 1]):
            candidates.append((2, _combine(texts[index - 1], row)))
        for depth, headers in candidates:
            score = _score(headers, importer)
            if score > best[0]:
                best = (score, HeaderGuess(row=index + 1, depth=depth, headers=headers))
    return best[1]


def sniff(batch: ImportBatch, importer: Importer, *, header_row: int | None = None) -> None:
    """Pick the sheet, find the header (or use `header_row`), map the columns and detect legacy columns.

    Fills the batch's fields without saving it.
    """
    with open_table(batch.file.path, batch.file_format, batch.text_encoding) as reader:
        if batch.sheet_name not in reader.sheet_names():
            batch.sheet_name = first_data_sheet(reader)
        sample = []
        for row in reader.rows(batch.sheet_name):
            sample.append(row)
            if len(sample) >= HEADER_SCAN_ROWS + LEGACY_SAMPLE_ROWS:
                break
    if header_row:
        if not 1 <= header_row <= len(sample):
            raise ValidationFailed(
                f"Dòng tiêu đề {header_row} nằm ngoài tệp.", details={"header_row": ["Dòng tiêu đề không hợp lệ."]}
            )
        lower = _texts(sample[header_row - 1])
        upper = _texts(sample[header_row - 2]) if header_row > 1 else []
        combined = _combine(upper, lower) if upper and any(upper) else lower
        depth = 2 if _score(combined, importer) > _score(lower, importer) else 1
        guess = HeaderGuess(header_row, depth, combined if depth == 2 else lower)
    else:
        guess = detect_header(sample, importer)
    if guess is None:
        raise ValidationFailed(
            "Không tìm thấy dòng tiêu đề: trong 30 dòng đầu không có dòng nào mang ít nhất hai tên cột quen thuộc "
            "(ví dụ “Tên cơ sở”, “Mã số thuế”). Hãy kiểm tra trang tính hoặc chỉ rõ dòng tiêu đề.",
            details={"file": ["Không tìm thấy dòng tiêu đề."]},
        )
    mapping, shown = _auto_mapping(guess.headers, importer)
    batch.header_row, batch.header_depth, batch.headers, batch.mapping = guess.row, guess.depth, shown, mapping
    batch.legacy_columns = _legacy_columns(sample[guess.row :], mapping, importer)


def _legacy_columns(rows: list[list], mapping: dict[str, str], importer: Importer) -> dict[str, str]:
    """Columns of a file typed in TCVN3 or VNI: no text cell of the file holds a character only Unicode has,
    and the cells of the column that read as legacy text on their own agree on the encoding.

    Such a column is converted cell by cell even where a cell alone is ambiguous ("hé" is a word, and TCVN3
    for "hộ"). In a Unicode file only the cells that are unambiguous on their own are converted (clean_text),
    so a Unicode "Ba Vì" beside a pasted TCVN3 "Ba V×" stays "Ba Vì".
    """
    columns: dict[str, list[str]] = {}
    for index, name in mapping.items():
        if importer.column(name).kind == "text":
            column = int(index)
            texts = [row[column] for row in rows if column < len(row) and isinstance(row[column], str)]
            columns[index] = [text for text in texts if not text.isascii()]
    if any(max(map(ord, text)) > 0xFF for texts in columns.values() for text in texts):
        return {}
    found = {}
    for index, texts in columns.items():
        votes = Counter(encoding for encoding in map(detect_legacy_encoding, texts) if encoding)
        if votes:
            encoding, count = votes.most_common(1)[0]
            if count >= LEGACY_MAJORITY * sum(votes.values()):
                found[index] = encoding
    return found


def mapping_by_header(batch: ImportBatch) -> dict[str, str]:
    """The batch's mapping keyed by folded header, the form a saved mapping keeps."""
    return {
        normalise.header_key(batch.headers[int(index)]): name
        for index, name in batch.mapping.items()
        if int(index) < len(batch.headers)
    }


def apply_saved_mapping(batch: ImportBatch, saved: dict[str, str], importer: Importer) -> None:
    known = {column.name for column in importer.columns}
    mapping, taken = {}, set()
    for index, header in enumerate(batch.headers):
        name = saved.get(normalise.header_key(header))
        if name in known and name not in taken:
            mapping[str(index)] = name
            taken.add(name)
    batch.mapping = mapping


# --- Typing rows --------------------------------------------------------------------------------------


def _year(value) -> int:
    year = normalise.parse_int(value)
    if not 1800 <= year <= 2100:
        raise ValueError(f"Năm không hợp lệ: “{normalise.clean_text(value)}”")
    return year


_PARSERS: dict[str, Callable] = {
    "int": normalise.parse_int,
    "year": _year,
    "decimal": normalise.parse_decimal,
    "date": normalise.parse_date,
    "phone": normalise.normalise_phone,
    "tax_code": normalise.normalise_tax_code,
    "email": normalise.normalise_email,
}


def _typer(kind: str, header: str, legacy: str | None) -> Callable:
    """The function typing one column's cells, chosen once per column (not per cell): text is cleaned (and
    converted from the column's legacy encoding), an empty cell of any other kind is None."""
    if kind == "text":
        return partial(normalise.clean_text, legacy=legacy)
    if kind == "money":
        parse = partial(normalise.parse_money, multiplier=normalise.money_multiplier(header))
    else:
        parse = _PARSERS[kind]
    return lambda value: None if normalise.cell_is_empty(value) else parse(value)


TypingPlan = list[tuple[str, int, Callable]]


def typing_plan(batch: ImportBatch, importer: Importer) -> TypingPlan:
    """(field, column index, typer) for every mapped column of the batch."""
    return [
        (
            name,
            int(index),
            _typer(importer.column(name).kind, batch.headers[int(index)], batch.legacy_columns.get(index)),
        )
        for index, name in batch.mapping.items()
    ]


def type_row(number: int, cells: list, plan: TypingPlan) -> Row:
    row = Row(number=number, cells=cells)
    width = len(cells)
    for name, column, typed in plan:
        cell = cells[column] if column < width else None
        if not normalise.cell_is_empty(cell):
            row.filled |= 1 << column
        try:
            row.values[name] = typed(cell)
        except ValueError as error:
            row.values[name] = None
            row.error(name, str(error))
    return row


def _is_column_numbers(cells: list) -> bool:
    """The "(1) (2) (3)…" row government templates put under the header."""
    filled = [str(cell).strip() for cell in cells if cell is not None and str(cell).strip()]
    return len(filled) >= 3 and all(_COLUMN_NUMBER.match(text) for text in filled)


def data_rows(batch: ImportBatch) -> Iterator[tuple[int, list]]:
    """(row number, cells) of every row below the header that has a value in a mapped column."""
    mapped = [int(index) for index in batch.mapping]
    with open_table(batch.file.path, batch.file_format, batch.text_encoding) as reader:
        for number, cells in enumerate(reader.rows(batch.sheet_name), start=1):
            if number <= batch.header_row:
                continue
            if not any(index < len(cells) and cells[index] is not None for index in mapped):
                continue
            if number <= batch.header_row + 2 and _is_column_numbers(cells):
                continue
            yield number, cells


def _typed_rows(batch: ImportBatch, importer: Importer, context: dict) -> Iterator[Row]:
    """Every data row typed and checked by itself (`Importer.check_alone`), or marked skipped where the
    importer says it is not data: no database, so it can run in a second process."""
    plan = typing_plan(batch, importer)
    for number, cells in data_rows(batch):
        row = type_row(number, cells, plan)
        reason = importer.skip_reason(row)
        if reason:
            row.skipped = True
            row.warnings.append(("", reason))
        else:
            importer.check_alone(row, context)
        yield row


def typed_chunks(batch: ImportBatch, importer: Importer, context: dict, *, rows_hint: int) -> Iterator[list[Row]]:
    """Chunks of typed rows, each checked by the importer (and duplicate keys across chunks by `context`).

    A file of `IMPORT_SECOND_PROCESS_ROWS` rows or more (by `rows_hint`) is read, typed and checked row by row
    in a second process while this one checks chunks against the database and writes them: the two halves
    take about the same time, and a server has two cores.
    """
    produce = partial(_typed_rows, batch, importer, context)
    threshold = settings.IMPORT_SECOND_PROCESS_ROWS
    use_second = threshold is not None and rows_hint >= threshold and second_process.available()
    if use_second:
        rows = second_process.items_from_second_process(produce, batch_size=importer.chunk_size)
    else:
        rows = produce()
    chunk: list[Row] = []
    try:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= importer.chunk_size:
                importer.check([row for row in chunk if not row.skipped], context)
                yield chunk
                chunk = []
        if chunk:
            importer.check([row for row in chunk if not row.skipped], context)
            yield chunk
    finally:
        rows.close()  # a pass stopped at an error stops the reading too


# --- Validation pass ----------------------------------------------------------------------------------


def _column_name(batch: ImportBatch, field_name: str) -> str:
    for index, name in batch.mapping.items():
        if name == field_name:
            return batch.headers[int(index)]
    return ""


def _display(value, kind: str) -> str:
    """A typed value as the preview shows it: dd/mm/yyyy, grouped numbers (years and codes as they are)."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if kind in ("int", "money") and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


class _Recorder:
    """Collects issues (flushed in bulk), column statistics and the preview during a pass."""

    def __init__(self, batch: ImportBatch, importer: Importer):
        self.batch, self.importer = batch, importer
        self.pending: list[ImportIssue] = []
        self.total = self.error_rows = self.warning_rows = 0
        self.rows_with_errors: set[int] = set()
        self.stats = {
            index: {
                "index": int(index),
                "header": batch.headers[int(index)],
                "field": name,
                "label": importer.column(name).label,
                "kind": importer.column(name).kind,
                "filled": 0,
                "errors": 0,
                "samples": [],
            }
            for index, name in batch.mapping.items()
        }
        self.filled: Counter[int] = Counter()  # rows by the set of columns they fill (`Row.filled`)
        self.wanting_samples = list(self.stats.values())  # columns still short of SAMPLES_PER_COLUMN values
        self.preview: list[dict] = []

    def add(self, row: Row) -> None:
        for field_name, message in row.errors:
            self._issue(row.number, field_name, IssueSeverity.ERROR, message)
        for field_name, message in row.warnings:
            self._issue(row.number, field_name, IssueSeverity.WARNING, message)
        if row.skipped:
            return
        self.total += 1
        if row.errors:
            self.error_rows += 1
            self.rows_with_errors.add(row.number)
        self.warning_rows += bool(row.warnings)
        error_fields = {field_name for field_name, _ in row.errors}
        # Per row, the work is what the row brings: the columns it fills (typed in the second process of a
        # large import), samples while a column is short of them, the columns in error.
        self.filled[row.filled] += 1
        if self.wanting_samples:
            self._sample(row.values)
        if error_fields:
            for stat in self.stats.values():
                if stat["field"] in error_fields:
                    stat["errors"] += 1
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append(
                {
                    "number": row.number,
                    "cells": [self._cell(row, index, error_fields) for index in self.stats],
                    "error_cells": [
                        position
                        for position, index in enumerate(self.stats)
                        if self.batch.mapping[index] in error_fields
                    ],
                    "messages": [message for _, message in row.errors],
                }
            )

    def _sample(self, values: dict) -> None:
        complete = False
        for stat in self.wanting_samples:
            value = values.get(stat["field"])
            if value not in (None, ""):
                shown = _display(value, stat["kind"])[:60]
                if shown and shown not in stat["samples"]:
                    stat["samples"].append(shown)
                    complete = complete or len(stat["samples"]) >= SAMPLES_PER_COLUMN
        if complete:
            self.wanting_samples = [stat for stat in self.wanting_samples if len(stat["samples"]) < SAMPLES_PER_COLUMN]

    def _cell(self, row: Row, index: str, error_fields: set[str]) -> str:
        """The typed value, or for a cell in error the text as written (its typed value is empty)."""
        stat = self.stats[index]
        if stat["field"] in error_fields and int(index) < len(row.cells):
            return normalise.clean_text(row.cells[int(index)])
        return _display(row.values.get(stat["field"]), stat["kind"])

    def _issue(self, number: int, field_name: str, severity: str, message: str) -> None:
        self.pending.append(
            ImportIssue(
                batch=self.batch,
                row=number,
                field=field_name,
                column=_column_name(self.batch, field_name)[:255],
                severity=severity,
                message=message[:500],
            )
        )
        if len(self.pending) >= ISSUE_FLUSH:
            self.flush()

    def flush(self) -> None:
        ImportIssue.objects.bulk_create(self.pending, batch_size=500)
        self.pending = []

    def save_to(self, batch: ImportBatch) -> None:
        self.flush()
        batch.total_rows, batch.error_rows, batch.warning_rows = self.total, self.error_rows, self.warning_rows
        for stat in self.stats.values():
            bit = 1 << stat["index"]
            stat["filled"] = sum(count for columns, count in self.filled.items() if columns & bit)
        batch.column_stats = list(self.stats.values())
        batch.preview_rows = self.preview


def _estimate(batch: ImportBatch) -> int:
    with open_table(batch.file.path, batch.file_format, batch.text_encoding) as reader:
        return max(reader.count_hint(batch.sheet_name) - batch.header_row, 0)


@bulk_work()
def validate_batch(
    batch: ImportBatch, importer: Importer, *, actor, progress: Progress = _no_progress, carry: dict | None = None
) -> set[int]:
    """Check every row; record issues, statistics and the preview; status → validated.

    Returns the numbers of the rows with errors. `carry`: see `Importer.prepare`."""
    batch.issues.all().delete()
    estimate = _estimate(batch)
    recorder = _Recorder(batch, importer)
    context = importer.prepare(batch, actor, carry)
    done = 0
    with closing(typed_chunks(batch, importer, context, rows_hint=estimate)) as chunks:
        for chunk in chunks:
            for row in chunk:
                recorder.add(row)
            done += len(chunk)
            progress(done, max(estimate, done), f"Đã kiểm tra {done} dòng")
    recorder.save_to(batch)
    batch.status = ImportStatus.VALIDATED
    batch.validated_at = timezone.now()
    batch.message = summary_message(batch)
    batch.save()
    return recorder.rows_with_errors


def summary_message(batch: ImportBatch) -> str:
    return (
        f"{batch.total_rows} dòng dữ liệu: {batch.total_rows - batch.error_rows} hợp lệ, "
        f"{batch.error_rows} có lỗi, {batch.warning_rows} có cảnh báo."
    )


# --- Commit -----------------------------------------------------------------------------------------


class _RollBack(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@bulk_work()
def commit_batch(batch: ImportBatch, importer: Importer, *, actor, progress: Progress = _no_progress) -> None:
    """Check every row again and write, in one transaction: every valid row, or (all-or-nothing with an error)
    none.

    One pass does both (reading, typing and checking a row once): each chunk is checked, recorded (issues,
    statistics, preview, as `validate_batch` records them) and written. When a row has an error in
    all-or-nothing mode, or no row is valid, that pass is rolled back, nothing is written, and the file is
    validated outside it to record every error before the batch is rejected, as before. Progress is reported
    before the pass and by that validation: writes inside the transaction would only show at its end.
    """
    carry: dict = {}  # what the importer looked up for the file, shared by every pass of this run
    estimate = _estimate(batch)
    progress(0, max(estimate, 1), "Đang kiểm tra và ghi dữ liệu vào hệ thống…")
    if _write_pass(batch, importer, actor=actor, carry=carry, stop_at_error=True, rows_hint=estimate) is None:
        return
    batch.refresh_from_db()
    validate_batch(batch, importer, actor=actor, progress=progress, carry=carry)
    if batch.error_rows and batch.mode == ImportMode.ALL:
        _finish_rejected(
            batch,
            actor,
            f"Không nhập dòng nào: {batch.error_rows} dòng có lỗi (chế độ tất cả hoặc không). "
            "Sửa tệp theo bảng lỗi rồi tải lên lại, hoặc chọn chế độ chỉ nhập dòng hợp lệ.",
        )
        return
    if batch.total_rows - batch.error_rows == 0:
        _finish_rejected(batch, actor, "Không có dòng hợp lệ nào để nhập.")
        return
    # The validation found the file good where the pass did not: the database changed in between. Once more.
    message = _write_pass(batch, importer, actor=actor, carry=carry, stop_at_error=False, rows_hint=estimate)
    if message is not None:
        batch.refresh_from_db()
        _finish_rejected(batch, actor, message)


def _write_pass(
    batch: ImportBatch, importer: Importer, *, actor, carry: dict, stop_at_error: bool, rows_hint: int
) -> str | None:
    """Check, record and write every chunk in one transaction; None once committed, else why it was rolled
    back (nothing written, nothing recorded). With `stop_at_error` the first error in all-or-nothing mode
    stops the pass at once (the caller validates to list every error)."""
    created = updated = valid = 0
    try:
        with transaction.atomic():
            batch.issues.all().delete()
            recorder = _Recorder(batch, importer)
            context = importer.prepare(batch, actor, carry)
            with closing(typed_chunks(batch, importer, context, rows_hint=rows_hint)) as chunks:
                for chunk in chunks:
                    failed = [row for row in chunk if row.errors and not row.skipped]
                    if failed and batch.mode == ImportMode.ALL:
                        row = failed[0]
                        if stop_at_error:
                            raise _RollBack(f"Dòng {row.number} có lỗi.")
                        raise _RollBack(f"Dòng {row.number} không còn hợp lệ khi ghi: {row.errors[0][1]}")
                    for row in chunk:
                        recorder.add(row)
                    good = [row for row in chunk if row.ok]
                    valid += len(good)
                    made, changed = importer.write(good, context, actor=actor, batch=batch)
                    created += made
                    updated += changed
            if not valid:
                raise _RollBack("Không có dòng hợp lệ nào để nhập.")
            recorder.save_to(batch)
            rejected = recorder.error_rows
            batch.validated_at = timezone.now()
            batch.status = ImportStatus.COMMITTED
            batch.created_count, batch.updated_count, batch.rejected_count = created, updated, rejected
            batch.committed_by = actor if actor is not None and actor.is_authenticated else None
            batch.committed_at = timezone.now()
            batch.message = f"Đã nhập: {created} cơ sở tạo mới, {updated} cập nhật, {rejected} dòng lỗi không nhập."
            batch.version += 1
            batch.save()
            audit_record(
                actor=actor,
                action="import.commit",
                obj=batch,
                province_id=batch.province_id,
                after={
                    "kind": batch.kind,
                    "file": batch.original_name,
                    "sha256": batch.file_hash,
                    "mode": batch.mode,
                    "created": created,
                    "updated": updated,
                    "rejected": rejected,
                },
            )
    except _RollBack as rollback:
        return rollback.message
    return None


def _finish_rejected(batch: ImportBatch, actor, message: str) -> None:
    """Nothing was written: record why, with the counts, on the batch and in the audit trail."""
    with transaction.atomic():
        batch.status = ImportStatus.REJECTED
        batch.created_count = batch.updated_count = 0
        batch.rejected_count = batch.error_rows
        batch.message = message[:500]
        batch.version += 1
        batch.save()
        audit_record(
            actor=actor,
            action="import.reject",
            obj=batch,
            province_id=batch.province_id,
            after={
                "file": batch.original_name,
                "sha256": batch.file_hash,
                "mode": batch.mode,
                "rows": batch.total_rows,
                "error_rows": batch.error_rows,
            },
            note=batch.message,
        )
