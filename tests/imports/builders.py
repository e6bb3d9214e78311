"""Workbooks and files as provinces send them, generated for the tests: title rows, merged two-level headers,
a column-number row, NFD and TCVN3 text, legacy unit names, numeric cells that lost their leading zero."""

from __future__ import annotations

import csv
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from khuyencong.core.legacy_text import unicode_to_tcvn3
from khuyencong.core.taxcode import tax_code_check_digit


def tax_code(seed: int) -> str:
    """A valid 10-digit tax code starting "01" derived from `seed` (skipping prefixes without a check digit)."""
    number = 10_000_000 + seed * 7919
    while True:
        first9 = f"{number % 1_000_000_000:09d}"
        digit = tax_code_check_digit(first9)
        if digit is not None:
            return f"{first9}{digit}"
        number += 1


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def tcvn3(text: str) -> str:
    return unicode_to_tcvn3(text)


def cp1258_text(text: str) -> str:
    """Text as Windows-1258 stores it: â ê ô ă ơ ư đ precomposed, tone marks as combining characters."""
    letter_marks = {"\u0302", "\u0306", "\u031b"}
    result = []
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in letter_marks))
        result.append(letter + "".join(m for m in marks if m not in letter_marks))
    return "".join(result)


TITLE = "DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN NĂM 2023"
TOP_HEADER = ["STT", "Tên cơ sở", "Loại hình", "Mã số thuế", "Xã", "Huyện", "Tỉnh", "Ngày cấp ĐKKD", "Điện thoại",
              "Năm số liệu", "Lao động", None, None, "Doanh thu (triệu đồng)", "Sản phẩm chính"]  # fmt: skip
SUB_HEADER = [None] * 10 + ["Tổng số", "Nữ", "BHXH", None, None]


def write_messy_workbook(path: Path, rows: list[list], *, sheet_title: str = "DS co so") -> Path:
    """Two title rows, an empty row, a two-row header with merged cells, a "(1) (2) …" row, then `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append([TITLE])
    sheet.merge_cells("A1:O1")
    sheet.append(["(Kèm theo Báo cáo số 12/BC-SCT ngày 05/01/2024 của Sở Công Thương)"])
    sheet.append([])
    sheet.append(TOP_HEADER)
    sheet.append(SUB_HEADER)
    for column in "ABCDEFGHIJNO":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("K4:M4")
    sheet.append([f"({number})" for number in range(1, 16)])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_simple_workbook(path: Path, header: list[str], rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(
    path: Path, header: list[str], rows: list[list], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    convert = cp1258_text if encoding == "cp1258" else str
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in [header, *rows]:
            writer.writerow([convert(value) if isinstance(value, str) else value for value in row])
    return path


def write_ods(path: Path, header: list[str], rows: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet (text and float cells), as LibreOffice would save it."""

    def cell(value) -> str:
        if isinstance(value, int | float):
            kind = f'office:value-type="float" office:value="{value}"'
        else:
            kind = 'office:value-type="string"'
        return f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>"

    body = "".join(
        "<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>" for row in [header, *rows]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def upload_of(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())
