"""Reading the reference files administrators bring (change lists, the VSIC list): CSV or a spreadsheet.

Every row keeps its line number in the file so that messages can say "Dòng 7: …". Text is NFC with stray
spaces removed; numbers typed into spreadsheet cells are remembered, because a code such as 0111 that
Excel stored as the number 111 has lost its leading zero and must be refused, not guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from khuyencong.core.errors import ValidationFailed
from khuyencong.core.vietnamese import fold_vi, nfc

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass
class Table:
    columns: list[str]  # canonical column names, in file order
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, {column: text})
    numeric: set[tuple[int, str]] = field(default_factory=set)  # (line, column) typed as a number


def header_key(text: str) -> str:
    """ "Mã cũ", "ma_cu", "MA CU" → "ma cu"."""
    return fold_vi(text.replace("_", " ").replace("-", " "))


def _cell(value) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("1" if value else "0"), True
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value), True
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10], False
    return " ".join(nfc(str(value)).split()), False


def _csv_records(data: bytes) -> list[tuple[int, list[tuple[str, bool]]]]:
    try:
        # Excel writes "CSV UTF-8" with a BOM and "Unicode Text" as UTF-16 (with its BOM).
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "Tệp CSV không ở mã UTF-8. Hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”.",
            details={"tep": ["Tệp không ở mã UTF-8."]},
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    line = 1
    for row in reader:
        records.append((line, [(" ".join(nfc(cell).split()), False) for cell in row]))
        line = reader.line_num + 1
    return records


def _spreadsheet_records(path: Path) -> list[tuple[int, list[tuple[str, bool]]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        raise ValidationFailed(
            f"Không đọc được bảng tính: {exc}", details={"tep": ["Không đọc được bảng tính."]}
        ) from None
    return [(index, [_cell(value) for value in row]) for index, row in enumerate(rows, start=1)]


def read_table(path: str | Path, *, columns: dict[str, str], required: set[str]) -> Table:
    """Read the first sheet (or the CSV) of `path`; the first non-empty row holds the column names.

    `columns` maps accepted header spellings (compared folded: "Mã cũ" = "ma_cu") to canonical names.
    Unknown or missing columns are refused with the names the file should use.
    """
    path = Path(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        records = _spreadsheet_records(path)
    else:
        records = _csv_records(path.read_bytes())
    records = [(line, cells) for line, cells in records if any(text for text, _ in cells)]
    if not records:
        raise ValidationFailed("Tệp trống.", details={"tep": ["Tệp không có dòng nào."]})
    header_line, header_cells = records[0]
    accepted = {header_key(spelling): canonical for spelling, canonical in columns.items()}
    names: list[str | None] = []
    problems: list[str] = []
    for text, _ in header_cells:
        if not text:
            names.append(None)
            continue
        canonical = accepted.get(header_key(text))
        if canonical is None:
            problems.append(f"Cột “{text}” không được hỗ trợ.")
        elif canonical in names:
            problems.append(f"Cột “{text}” bị lặp lại.")
        names.append(canonical)
    missing = sorted(required - set(names))
    if missing:
        problems.append("Thiếu cột: " + ", ".join(missing) + ".")
    if problems:
        expected = ", ".join(dict.fromkeys(columns.values()))
        raise ValidationFailed(
            f"Dòng tiêu đề (dòng {header_line}) không đúng. Các cột dùng được: {expected}.",
            details={f"Dòng {header_line}": problems},
        )
    table = Table(columns=[name for name in names if name], rows=[])
    for line, cells in records[1:]:
        row = dict.fromkeys(table.columns, "")
        for name, (text, is_number) in zip(names, cells, strict=False):
            if name is None:
                continue
            row[name] = text
            if is_number:
                table.numeric.add((line, name))
        table.rows.append((line, row))
    return table
