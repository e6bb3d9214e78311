"""Workbooks the pipeline hands back: the error workbook (original rows plus an "Lỗi" column, erroneous cells
highlighted) and the empty template of an importer. Both streamed with openpyxl's write-only mode."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from khuyencong.imports.importers import Importer
from khuyencong.imports.models import ImportBatch, IssueSeverity
from khuyencong.imports.readers import open_table

ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _cell(sheet, value, *, fill=None, bold=False, comment: str = ""):
    if isinstance(value, dt.datetime | dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = Font(bold=True)
    if comment:
        cell.comment = Comment(comment[:1000], "Khuyến công số")
    return cell


def write_error_workbook(batch: ImportBatch, destination: Path, *, all_rows: bool = False) -> int:
    """The file's header rows and its rows with errors (every row when `all_rows`), each with its errors in a
    last column "Lỗi" and the faulty cells filled red; returns the number of data rows written."""
    problems: dict[int, list[tuple[str, str]]] = {}
    for row, field, message in batch.issues.filter(severity=IssueSeverity.ERROR).values_list("row", "field", "message"):
        problems.setdefault(row, []).append((field, message))
    index_of = {name: int(index) for index, name in batch.mapping.items()}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi nhập")
    written = 0
    with open_table(batch.file.path, batch.file_format, batch.text_encoding) as reader:
        width = 0
        for number, cells in enumerate(reader.rows(batch.sheet_name), start=1):
            width = max(width, len(cells))
            if number < batch.header_row:
                sheet.append([_cell(sheet, value) for value in cells])
                continue
            if number == batch.header_row:
                header = [_cell(sheet, value, fill=HEADER_FILL, bold=True) for value in cells]
                header += [_cell(sheet, None, fill=HEADER_FILL)] * (width - len(cells))
                sheet.append([*header, _cell(sheet, "Lỗi", fill=ERROR_FILL, bold=True)])
                continue
            errors = problems.get(number)
            if not errors and not all_rows:
                continue
            bad = {index_of[field]: message for field, message in errors or [] if field in index_of}
            row = [
                _cell(sheet, value, fill=ERROR_FILL if index in bad else None, comment=bad.get(index, ""))
                for index, value in enumerate(cells)
            ]
            row += [_cell(sheet, None)] * (width - len(cells))
            sheet.append([*row, _cell(sheet, "; ".join(message for _, message in errors or []))])
            written += 1
    workbook.save(destination)
    return written


def write_template(importer: Importer, destination: Path) -> None:
    """An empty workbook with the importer's column labels and, on a second sheet, what each expects."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Mẫu nhập")
    sheet.append([_cell(sheet, column.label, fill=HEADER_FILL, bold=True) for column in importer.columns])
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append([_cell(guide, text, bold=True) for text in ("Cột", "Bắt buộc", "Kiểu", "Tên cột khác được nhận")])
    kinds = {
        "text": "chữ",
        "int": "số nguyên",
        "decimal": "số (1.234,5)",
        "money": "số tiền đồng (ghi đơn vị trong tiêu đề nếu khác, ví dụ “(triệu đồng)”)",
        "date": "ngày dd/mm/yyyy",
        "phone": "số điện thoại",
        "tax_code": "mã số thuế 10 hoặc 13 số",
        "email": "thư điện tử",
        "year": "năm (4 chữ số)",
    }
    for column in importer.columns:
        guide.append([column.label, "Có" if column.required else "", kinds[column.kind], "; ".join(column.aliases)])
    workbook.save(destination)


def send_workbook(write: Callable[[Path], object], filename: str) -> FileResponse:
    """Write a workbook to a temporary file with `write(path)` and stream it as a download.

    The file is unlinked as soon as it is opened: the open handle keeps the data until the response is sent.
    """
    with tempfile.NamedTemporaryFile(prefix="khuyencong-", suffix=".xlsx", delete=False) as handle:
        path = Path(handle.name)
    try:
        write(path)
        stream = path.open("rb")  # closed by FileResponse
    finally:
        os.unlink(path)
    return FileResponse(stream, as_attachment=True, filename=filename)
