"""Reading .xlsx with python-calamine gives what openpyxl gave for the files provinces send: the same rows at
the same positions (title rows, merged two-level headers, column numbers), the same values (NFD and TCVN3 text
untouched, numbers typed as text kept as text, whole numbers as int, date cells as datetime)."""

from __future__ import annotations

import datetime as dt

import openpyxl

from khuyencong.imports.readers import _cell, open_table
from tests.imports.builders import write_messy_workbook, write_simple_workbook
from tests.imports.test_establishment_import import messy_rows


def _trimmed(rows) -> list[list]:
    """Rows without trailing empty cells and trailing empty rows: openpyxl pads rows to the sheet's declared
    width (when the file declares one), calamine to the filled width."""
    result = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        result.append(row)
    while result and not result[-1]:
        result.pop()
    return result


def _by_openpyxl(path) -> list[list]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [[_cell(value) for value in row] for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _by_reader(path) -> list[list]:
    with open_table(path, "xlsx") as reader:
        return list(reader.rows())


def test_the_messy_workbook_reads_as_openpyxl_read_it(tmp_path):
    path = write_messy_workbook(tmp_path / "messy.xlsx", messy_rows())
    rows = _by_reader(path)
    assert _trimmed(rows) == _trimmed(_by_openpyxl(path))
    assert rows[0][0].startswith("DANH SÁCH") and rows[3][1] == "Tên cơ sở" and rows[4][10] == "Tổng số"
    assert rows[5][0] == "(1)"  # the column-number row, as text
    assert rows[6][3] == messy_rows()[0][3]  # a tax code typed as text stays text (its leading zero kept)
    assert rows[11][3] == int(messy_rows()[5][3]) and isinstance(rows[11][3], int)
    assert rows[11][7] == 44197  # a date typed as a serial number stays a number
    assert len({len(row) for row in rows}) == 1  # every row as wide as the sheet


def test_positions_types_and_dates_match_openpyxl(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C3"] = "Tiêu đề"
    sheet.append([None, None, "Tên", 5, 5.5, dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4), "0912", True])
    sheet.append([None, None, "x", 12345678901234567890, "  ", None, dt.time(7, 30)])
    path = tmp_path / "shapes.xlsx"
    workbook.save(path)
    rows = _by_reader(path)
    assert _trimmed(rows) == _trimmed(_by_openpyxl(path))
    assert rows[2][2] == "Tiêu đề"  # row 3, column C: counted from A1 although the sheet starts at C3
    assert [type(value) for value in rows[3][3:9]] == [int, float, dt.datetime, dt.datetime, str, bool]
    assert rows[4][4] is None and rows[4][6] == "07:30:00"


def test_simple_workbook_and_a_sheet_starting_lower_right(tmp_path):
    header = ["Tên cơ sở", "Mã số thuế", "Xã", "Tỉnh"]
    path = write_simple_workbook(tmp_path / "simple.xlsx", header, [["Cơ sở A", "0100109106", "Cổ Đô", "Hà Nội"]])
    assert _trimmed(_by_reader(path)) == _trimmed(_by_openpyxl(path))
    workbook = openpyxl.Workbook()
    workbook.active["D5"] = "chỉ một ô"
    workbook.save(tmp_path / "corner.xlsx")
    rows = _by_reader(tmp_path / "corner.xlsx")
    assert len(rows) == 5 and rows[4] == [None, None, None, "chỉ một ô"]
    with open_table(tmp_path / "corner.xlsx", "xlsx") as reader:
        assert reader.count_hint() == 5


def test_large_xlsx_files_are_streamed_by_openpyxl_with_the_same_rows(tmp_path, settings):
    """Above IMPORT_STREAM_XLSX_ABOVE the reader streams with openpyxl (calamine holds a whole sheet in memory)."""
    path = write_messy_workbook(tmp_path / "messy.xlsx", messy_rows())
    with open_table(path, "xlsx") as reader:
        assert not reader._openpyxl
        by_calamine = list(reader.rows())
    settings.IMPORT_STREAM_XLSX_ABOVE = path.stat().st_size - 1
    with open_table(path, "xlsx") as reader:
        assert reader._openpyxl
        streamed = list(reader.rows())
    assert _trimmed(streamed) == _trimmed(by_calamine) and len(by_calamine) > 10
