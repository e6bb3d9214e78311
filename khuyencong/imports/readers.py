"""Reading uploaded tables row by row: .xlsx, .xls, .ods and .csv, after checking the content is what the
name says.

.xlsx is streamed by `xlsx_stream` (expat over the sheet's XML, ≈ 20,000 rows/s): memory stays flat whatever
the file's size. .xls and .ods go through python-calamine (Rust), which loads one sheet at a time into compact
native memory (≈ 1 KB a row) — those formats come from old tools and small offices. .csv is streamed by the
csv module.

An .xlsx reads as openpyxl read it (the tests compare both on the fixture files): row and column positions
counted from A1, whole numbers as int, date cells as datetime. One difference: an error cell (#N/A, #DIV/0!)
reads as empty, where openpyxl gave its text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from khuyencong.core.errors import ValidationFailed
from khuyencong.core.legacy_text import detect_legacy_encoding
from khuyencong.imports.xlsx_stream import XlsxError, XlsxWorkbook, whole_as_int

FORMATS = ("xlsx", "xls", "ods", "csv")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A zip whose members would expand beyond this is refused (a "zip bomb" disguised as a workbook).
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
CSV_SAMPLE = 256 * 1024


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"file": [message]})


def detect_format(path: Path, name: str) -> str:
    """The table format after checking the bytes match the extension; ValidationFailed otherwise."""
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise _refuse(f"Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv (tệp gửi lên: “{name}”).")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if extension in ("xlsx", "ods"):
        if not zipfile.is_zipfile(path):
            raise _refuse(f"Tệp “{name}” không phải bảng tính {extension} hợp lệ (nội dung không đúng định dạng).")
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if sum(info.file_size for info in members.values()) > MAX_UNCOMPRESSED:
                raise _refuse(f"Tệp “{name}” giải nén quá lớn, không xử lý.")
            if any(info.flag_bits & 0x1 for info in members.values()):
                raise _refuse(f"Tệp “{name}” đang được đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại.")
            if extension == "xlsx" and "xl/workbook.xml" not in members:
                raise _refuse(f"Tệp “{name}” không phải bảng tính Excel .xlsx hợp lệ.")
            is_ods = "content.xml" in members and "mimetype" in members
            if extension == "ods" and (not is_ods or archive.read("mimetype").strip() != ODS_MIMETYPE):
                raise _refuse(f"Tệp “{name}” không phải bảng tính OpenDocument .ods hợp lệ.")
    elif extension == "xls":
        if head != OLE2_MAGIC:
            if head.lstrip().lower().startswith((b"<", b"\xef\xbb\xbf<")):
                raise _refuse(
                    f"Tệp “{name}” thực chất là trang HTML mang đuôi .xls: mở bằng Excel và lưu lại dạng .xlsx."
                )
            if head.startswith(b"PK"):
                raise _refuse(f"Tệp “{name}” thực chất là .xlsx: đổi đuôi tệp thành .xlsx rồi tải lên lại.")
            raise _refuse(f"Tệp “{name}” không phải bảng tính Excel .xls hợp lệ.")
    else:
        with open(path, "rb") as handle:
            sample = handle.read(CSV_SAMPLE)
        if b"\x00" in sample or head.startswith((b"PK", OLE2_MAGIC)):
            raise _refuse(f"Tệp “{name}” không phải văn bản CSV.")
    return extension


def detect_csv_encoding(path: Path) -> str:
    """utf-8-sig, utf-8, or — for 8-bit files — latin-1 when the text is legacy TCVN3/VNI (converted later,
    column by column) and cp1258 (Vietnamese Windows) otherwise."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    latin = data[:CSV_SAMPLE].decode("latin-1")
    if detect_legacy_encoding(latin) is not None:
        return "latin-1"
    try:
        data.decode("cp1258")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1258"


def _cell(value):
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _calamine_cell(value):
    """A calamine value as the pipeline expects it: "" (empty or an error) → None, 5.0 → 5."""
    kind = type(value)
    if kind is str:
        return value if value.strip() else None
    if kind is float:
        return whole_as_int(value)
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _calamine_rows(sheet) -> Iterator[list]:
    """The sheet's rows counted from A1 with cells counted from column A.

    python-calamine yields a sheet from its first row but from its first *filled column*: the cells left of
    it are put back. Whether the leading empty rows are yielded is checked on the first row rather than
    assumed (versions have differed), and missing ones are put back too."""
    start = sheet.start
    if start is None:
        return
    top, left = start
    pad_left = [None] * left
    first = True
    for raw in sheet.iter_rows():
        cells = [_calamine_cell(value) for value in raw]
        if first:
            first = False
            if left and len(raw) > sheet.width:  # this version already counts from column A
                pad_left = []
            if top and any(value is not None for value in cells):  # started at the first filled row
                for _ in range(top):
                    yield [None] * (len(pad_left) + len(cells))
        yield pad_left + cells if pad_left else cells


class TableReader:
    """Open once, then `sheet_names()` and `rows(sheet)` (an iterator of lists)."""

    def __init__(self, path: Path, file_format: str, text_encoding: str = ""):
        self.path = Path(path)
        self.file_format = file_format
        self.text_encoding = text_encoding or "utf-8"
        self._workbook = None
        self._kind = file_format  # "csv", "xlsx" (streamed) or "calamine"
        self._sheets: dict = {}

    def open(self) -> TableReader:
        if self.file_format == "csv":
            return self
        if self.file_format == "xlsx":
            try:
                self._workbook = XlsxWorkbook(self.path)
            except XlsxError as error:
                raise _refuse(f"Không đọc được tệp: {error}") from None
            return self
        from python_calamine import CalamineWorkbook

        try:
            self._workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as error:  # a corrupt file: every reader raises its own exception type
            raise _refuse(f"Không đọc được tệp: {error}") from None
        self._kind = "calamine"
        return self

    def close(self) -> None:
        self._sheets = {}
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def sheet_names(self) -> list[str]:
        if self._kind == "csv":
            return ["CSV"]
        if self._kind == "xlsx":
            return list(self._workbook.sheets)
        return list(self._workbook.sheet_names)

    def _sheet(self, name: str):
        """A calamine sheet, loaded once per reader (loading parses the whole sheet)."""
        if name not in self._sheets:
            self._sheets[name] = self._workbook.get_sheet_by_name(name)
        return self._sheets[name]

    def rows(self, sheet: str | None = None) -> Iterator[list]:
        names = self.sheet_names()
        sheet = sheet if sheet in names else names[0]
        if self._kind == "csv":
            yield from self._csv_rows()
        elif self._kind == "xlsx":
            try:
                yield from self._workbook.rows(sheet)
            except XlsxError as error:
                raise _refuse(f"Không đọc được tệp: {error}") from None
        else:
            yield from _calamine_rows(self._sheet(sheet))

    def count_hint(self, sheet: str | None = None) -> int:
        """Roughly how many rows the sheet has (for the progress bar); 0 when unknown."""
        names = self.sheet_names()
        sheet = sheet if sheet in names else names[0]
        if self._kind == "csv":
            with open(self.path, "rb") as handle:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        if self._kind == "xlsx":
            return self._workbook.row_count(sheet)
        end = self._sheet(sheet).end
        return end[0] + 1 if end else 0

    def _csv_rows(self) -> Iterator[list]:
        with open(self.path, encoding=self.text_encoding, newline="") as handle:
            sample = handle.read(CSV_SAMPLE)
            handle.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            for row in csv.reader(handle, dialect):
                yield [_cell(value) for value in row]


@contextmanager
def open_table(path: Path, file_format: str, text_encoding: str = ""):
    reader = TableReader(path, file_format, text_encoding).open()
    try:
        yield reader
    finally:
        reader.close()


def first_data_sheet(reader: TableReader) -> str:
    """The first sheet with at least one non-empty cell in its first rows."""
    for name in reader.sheet_names():
        for index, row in enumerate(reader.rows(name)):
            if any(value is not None for value in row):
                return name
            if index > 50:
                break
    return reader.sheet_names()[0]
