"""Reading .xlsx with the streaming reader gives what openpyxl gave for the files provinces send: the same rows
at the same positions (title rows, merged two-level headers, column numbers), the same values (NFD and TCVN3
text untouched, numbers typed as text kept as text, whole numbers as int, date cells as datetime), in memory
that does not grow with the file."""

from __future__ import annotations

import datetime as dt
import tracemalloc
import zipfile

import openpyxl
import pytest

from khuyencong.core.errors import ValidationFailed
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


def test_row_count_without_a_declared_dimension_counts_the_rows(tmp_path):
    """Streaming writers (openpyxl's write-only mode, many exporters) leave out <dimension>: the count comes
    from the rows themselves, across the pieces the sheet is read in (CHUNK bytes)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["Tên cơ sở", "Mã số thuế"])
    for number in range(1, 3001):
        sheet.append([f"Cơ sở số {number} với một cái tên đủ dài để tệp vượt nhiều khúc đọc", number])
    workbook.save(tmp_path / "streamed.xlsx")
    with open_table(tmp_path / "streamed.xlsx", "xlsx") as reader:
        assert reader._workbook.dimension("Danh sách") is None
        assert reader.count_hint("Danh sách") == 3001
    prefixed = (
        '<x:sheetData><x:row r="1"><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row><x:row/></x:sheetData>'
    )
    _raw_xlsx(tmp_path / "prefixed.xlsx", prefixed)
    with open_table(tmp_path / "prefixed.xlsx", "xlsx") as reader:
        assert reader.count_hint("Danh sách") == 2


def _raw_xlsx(path, sheet_xml: str, *, strings_xml: str = "", styles_xml: str = "", workbook_pr: str = "") -> None:
    """An .xlsx written by hand, for what openpyxl does not write: rich text with phonetic guides, error and
    ISO date cells, cells and rows without positions, prefixed tags, the 1904 date system."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{types}.worksheet+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{types}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{types}.styles+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{kinds}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}">{workbook_pr}<sheets>'
            '<sheet name="Trống" sheetId="2" r:id="rId2"/><sheet name="Danh sách" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{kinds}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{kinds}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{kinds}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId4" Type="{kinds}/styles" Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", f'<x:worksheet xmlns:x="{main}">{sheet_xml}</x:worksheet>')
        archive.writestr("xl/worksheets/sheet2.xml", f'<worksheet xmlns="{main}"><sheetData/></worksheet>')
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings_xml}</sst>')
        archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{main}">{styles_xml}</styleSheet>')


STYLES = (
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="20"/></cellXfs>'
)


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl, on the minimal styles
def test_what_files_from_other_tools_hold(tmp_path):
    strings = (
        "<si><t>Hợp tác xã Phú Vinh</t></si>"
        "<si><r><t>Cà </t></r><r><rPr><b/></rPr><t>phê</t></r><rPh sb='0' eb='1'><t>ignored</t></rPh></si>"
        "<si><t xml:space='preserve'>   </t></si>"
    )
    sheet = (
        '<x:dimension ref="A1:F4"/><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="s"><x:v>1</x:v></x:c>'
        '<x:c r="D1" t="s"><x:v>2</x:v></x:c></x:row>'
        '<x:row r="3"><x:c t="inlineStr"><x:is><x:t>Cổ Đô</x:t></x:is></x:c><x:c t="e"><x:v>#N/A</x:v></x:c>'
        '<x:c t="b"><x:v>1</x:v></x:c><x:c t="str"><x:f>A1&amp;""</x:f><x:v>kết quả</x:v></x:c>'
        '<x:c t="d"><x:v>2024-03-05T00:00:00</x:v></x:c><x:c><x:v>5.0</x:v></x:c></x:row>'
        '<x:row><x:c r="A4" s="1"><x:v>45000</x:v></x:c><x:c r="B4" s="2"><x:v>45000.5</x:v></x:c>'
        '<x:c r="C4" s="3"><x:v>0.3125</x:v></x:c><x:c r="D4"><x:v>0912345678</x:v></x:c>'
        '<x:c r="E4"><x:v>1.5E3</x:v></x:c><x:c r="F4"><x:v/></x:c></x:row>'
        "</x:sheetData>"
    )
    _raw_xlsx(tmp_path / "other.xlsx", sheet, strings_xml=strings, styles_xml=STYLES)
    with open_table(tmp_path / "other.xlsx", "xlsx") as reader:
        assert reader.sheet_names() == ["Trống", "Danh sách"]
        assert reader.count_hint("Danh sách") == 4
        rows = list(reader.rows("Danh sách"))
        assert list(reader.rows("Trống")) == []
    assert rows == [
        ["Hợp tác xã Phú Vinh", None, "Cà phê", None, None, None],
        [None] * 6,  # row 2 is not in the file
        ["Cổ Đô", None, True, "kết quả", dt.datetime(2024, 3, 5), 5],
        [dt.datetime(2023, 3, 15), dt.datetime(2023, 3, 15, 12), "07:30:00", 912345678, 1500, None],
    ]
    by_openpyxl = openpyxl.load_workbook(tmp_path / "other.xlsx", read_only=True, data_only=True)["Danh sách"]
    assert [_cell(value) for value in next(by_openpyxl.iter_rows(min_row=4, values_only=True))] == rows[3]


def test_the_1904_date_system(tmp_path):
    sheet = '<x:sheetData><x:row r="1"><x:c r="A1" s="1"><x:v>366</x:v></x:c></x:row></x:sheetData>'
    _raw_xlsx(tmp_path / "mac.xlsx", sheet, styles_xml=STYLES, workbook_pr='<workbookPr date1904="1"/>')
    with open_table(tmp_path / "mac.xlsx", "xlsx") as reader:
        assert list(reader.rows("Danh sách")) == [[dt.datetime(1905, 1, 1)]]


def test_a_broken_sheet_is_refused_in_vietnamese(tmp_path):
    sheet = '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row><x:row'
    _raw_xlsx(tmp_path / "broken.xlsx", sheet)
    with open_table(tmp_path / "broken.xlsx", "xlsx") as reader, pytest.raises(ValidationFailed) as error:
        list(reader.rows("Danh sách"))
    assert "Không đọc được tệp" in error.value.details["file"][0]
    with zipfile.ZipFile(tmp_path / "no-sheets.xlsx", "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ValidationFailed) as error:
        open_table(tmp_path / "no-sheets.xlsx", "xlsx").__enter__()
    assert "Không đọc được tệp" in error.value.details["file"][0]


def _peak_while_reading(path) -> int:
    tracemalloc.start()
    try:
        with open_table(path, "xlsx") as reader:
            for _row in reader.rows():
                pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file(tmp_path):
    """Ten times the rows, the same peak: only the row being read (and one 64 KB piece of XML) is held."""
    for rows in (2_000, 20_000):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Danh sách")
        for number in range(rows):
            sheet.append([number, f"Hộ kinh doanh mây tre đan {number}", "HTX", f"{number:010d}", 2024, 12, 5])
        workbook.save(tmp_path / f"{rows}.xlsx")
    small, large = (_peak_while_reading(tmp_path / f"{rows}.xlsx") for rows in (2_000, 20_000))
    assert (tmp_path / "20000.xlsx").stat().st_size > 8 * (tmp_path / "2000.xlsx").stat().st_size
    assert large < small + 256 * 1024, (small, large)
