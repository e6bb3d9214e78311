"""The report as an Excel workbook (openpyxl), in the layout of an official document's tables (biểu).

Sheet "Báo cáo": the header (issuing agency top left under its governing body, national motto top right with
its underline, number and symbol, place and date), title, period, the narrative sections and a reference to
each table, "Nơi nhận" and the signature block. One sheet per table section ("Biểu 01", …) repeating the
header, with merged multi-row column headings, the numbering row, group headings, subtotals and totals, the
unit, notes, amounts in words and the signature block. An amendment adds "Phụ lục sửa đổi".

Money cells hold the exact amount (triệu đồng with up to six decimals, or đồng) shown with two decimals, so
Excel's own sums agree with the totals, which are the exact sums (see tables.py for the rounding rule).
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from khuyencong.reports.diff import shown
from khuyencong.reports.tables import (
    DECIMAL,
    INT,
    MONEY,
    PERCENT,
    column_numbers,
    header_rows,
    money_value,
)

FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
MM = 1 / 25.4  # inches per millimetre


def font(size: float = 12, *, bold: bool = False, italic: bool = False, underline: str | None = None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline)


def _merge(sheet: Worksheet, row: int, first: int, last: int, value, *, style: Font, align=CENTRE) -> None:
    cell = sheet.cell(row=row, column=first, value=value)
    cell.font = style
    cell.alignment = align
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _text_height(text: str, width_chars: float, size: float = 12) -> float:
    lines = sum(max(1, math.ceil(len(part) * 1.1 / max(width_chars, 1))) for part in (text or "").split("\n"))
    return max(16.0, lines * size * 1.35)


def _split(widths: list[float]) -> int:
    """How many columns the left header block spans: about 40 % of the sheet, at least one column."""
    total, running = sum(widths), 0.0
    for index, width in enumerate(widths, start=1):
        running += width
        if running >= 0.4 * total:
            return max(1, min(index, len(widths) - 1))
    return max(1, len(widths) - 1)


def write_header(sheet: Worksheet, snapshot: dict, widths: list[float], *, caption: str | None) -> int:
    """Write the official header; return the next free row."""
    header = snapshot["header"]
    count = len(widths)
    left = _split(widths)
    _merge(sheet, 1, 1, left, header["parent"], style=font(12))
    _merge(sheet, 1, left + 1, count, header["motto"][0], style=font(12, bold=True))
    _merge(sheet, 2, 1, left, header["agency"], style=font(12, bold=True, underline="single"))
    _merge(sheet, 2, left + 1, count, header["motto"][1], style=font(13, bold=True, underline="single"))
    if header["symbol"]:
        number = f"Số: {header['number'] or '      '}/{header['symbol']}"
        _merge(sheet, 3, 1, left, number, style=font(12))
    _merge(sheet, 3, left + 1, count, header["date_line"], style=font(12, italic=True))
    row = 5
    _merge(sheet, row, 1, count, header["document_type"], style=font(14, bold=True))
    _merge(sheet, row + 1, 1, count, header["subject"], style=font(13, bold=True))
    sheet.row_dimensions[row + 1].height = _text_height(header["subject"], sum(widths), 13)
    _merge(sheet, row + 2, 1, count, f"({header['period_line']})", style=font(12, italic=True))
    row += 3
    if header["draft"]:
        _merge(sheet, row, 1, count, "DỰ THẢO — chưa ký, chưa gửi", style=font(12, bold=True))
        sheet.cell(row=row, column=1).font = Font(name=FONT_NAME, size=12, bold=True, color="C00000")
        row += 1
    if caption:
        _merge(sheet, row, 1, count, caption, style=font(13, bold=True))
        row += 1
    return row + 1


def write_signature(sheet: Worksheet, snapshot: dict, row: int, widths: list[float], *, recipients: bool) -> int:
    header = snapshot["header"]
    count = len(widths)
    left = _split(widths)
    start = row + 1
    if recipients:
        _merge(sheet, start, 1, left, "Nơi nhận:", style=font(12, bold=True, italic=True), align=LEFT)
        for offset, line in enumerate(header["recipients"], start=1):
            _merge(sheet, start + offset, 1, left, f"- {line};" if offset < len(header["recipients"]) else f"- {line}.",
                   style=font(11), align=LEFT)  # fmt: skip
    title_lines = [line.strip().upper() for line in header["signer_title"].splitlines() if line.strip()]
    for offset, line in enumerate(title_lines):
        _merge(sheet, start + offset, left + 1, count, line, style=font(13, bold=True))
    signed_row = start + len(title_lines)
    note = "(Đã ký)" if not header["draft"] else "(Ký, ghi rõ họ tên, đóng dấu)"
    _merge(sheet, signed_row, left + 1, count, note, style=font(12, italic=True))
    name_row = signed_row + 4
    _merge(sheet, name_row, left + 1, count, header["signer_name"], style=font(13, bold=True))
    last = max(name_row, start + len(header["recipients"]) if recipients else name_row)
    return last + 1


def _page_setup(sheet: Worksheet, *, landscape: bool, title_rows: tuple[int, int] | None = None) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if landscape:  # the binding edge is at the top of a landscape page
        sheet.page_margins.top, sheet.page_margins.bottom = 30 * MM, 15 * MM
        sheet.page_margins.left, sheet.page_margins.right = 20 * MM, 20 * MM
    else:
        sheet.page_margins.top, sheet.page_margins.bottom = 20 * MM, 20 * MM
        sheet.page_margins.left, sheet.page_margins.right = 30 * MM, 15 * MM
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT_NAME
    if title_rows:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"


def _value(value, column_type: str, money_unit: str):
    if value is None:
        return "-" if column_type in (INT, MONEY, DECIMAL, PERCENT) else ""
    if column_type == MONEY:
        return money_value(int(value), money_unit)
    if column_type == INT:
        return int(value)
    if column_type in (DECIMAL, PERCENT):
        return Decimal(str(value))
    return str(value)


NUMBER_FORMATS = {INT: "#,##0", PERCENT: "0.0", DECIMAL: "General"}


def write_table(sheet: Worksheet, section: dict, snapshot: dict, row: int) -> int:
    """Column headings (merged), the numbering row, then every row; returns the next free row."""
    columns = section["columns"]
    money_unit = snapshot["definition"]["money_unit"]
    money_format = "#,##0" if money_unit == "dong" else "#,##0.00"
    has_money = any(column["type"] == MONEY for column in columns)
    if has_money:
        _merge(sheet, row, 1, len(columns), f"Đơn vị tính: {section['unit']}", style=font(11, italic=True), align=RIGHT)
        row += 1
    first_header = row
    levels = header_rows(columns)
    for level, cells in enumerate(levels):
        for cell in cells:
            target = sheet.cell(row=row + level, column=cell["index"] + 1, value=cell["label"])
            target.font = font(11, bold=True)
            target.alignment = CENTRE
            target.fill = HEAD_FILL
            if cell["colspan"] > 1 or cell["rowspan"] > 1:
                sheet.merge_cells(
                    start_row=row + level, start_column=cell["index"] + 1,
                    end_row=row + level + cell["rowspan"] - 1, end_column=cell["index"] + cell["colspan"],
                )  # fmt: skip
    for level in range(len(levels)):
        for index in range(len(columns)):
            box = sheet.cell(row=row + level, column=index + 1)
            box.border = BOX
            box.fill = HEAD_FILL
    row += len(levels)
    for index, label in enumerate(column_numbers(columns), start=1):
        cell = sheet.cell(row=row, column=index, value=label)
        cell.font = font(10, italic=True)
        cell.alignment = CENTRE
        cell.border = BOX
    last_header = row
    row += 1
    for data in section["rows"]:
        kind = data["kind"]
        bold = kind in ("group", "subtotal", "total")
        for index, column in enumerate(columns, start=1):
            value = _value(data["cells"].get(column["key"]), column["type"], money_unit)
            if kind == "group" and column["type"] != "text" and data["cells"].get(column["key"]) is None:
                value = None
            cell = sheet.cell(row=row, column=index, value=value)
            cell.font = font(11, bold=bold, italic=kind == "subtotal")
            cell.border = BOX
            if column["type"] == MONEY and not isinstance(value, str) and value is not None:
                cell.number_format = money_format
                cell.alignment = RIGHT
            elif column["type"] in NUMBER_FORMATS and not isinstance(value, str) and value is not None:
                cell.number_format = NUMBER_FORMATS[column["type"]]
                cell.alignment = RIGHT
            elif column["key"] == "stt" or isinstance(value, str) and value == "-":
                cell.alignment = CENTRE
            else:
                cell.alignment = LEFT
            if kind == "total":
                cell.fill = TOTAL_FILL
        name = str(data["cells"].get("name") or "")
        name_width = next((column["width"] for column in columns if column["key"] == "name"), 30)
        if len(name) > name_width:
            sheet.row_dimensions[row].height = _text_height(name, name_width, 11)
        row += 1
    for note in section.get("notes", []):
        _merge(sheet, row, 1, len(columns), f"Ghi chú: {note}", style=font(10, italic=True), align=LEFT)
        sheet.row_dimensions[row].height = _text_height(note, sum(c["width"] for c in columns), 10)
        row += 1
    for words in section.get("words", []):
        text = f"{words['label']}: {_amount_text(words['amount'], money_unit)} (Bằng chữ: {words['words']})."
        _merge(sheet, row, 1, len(columns), text, style=font(11, italic=True), align=LEFT)
        sheet.row_dimensions[row].height = _text_height(text, sum(c["width"] for c in columns), 11)
        row += 1
    sheet.freeze_panes = f"C{last_header + 1}"  # a coordinate: the cell below may be merged (an empty table)
    sheet.print_title_rows = f"{first_header}:{last_header}"
    return row


def _amount_text(amount: int, money_unit: str) -> str:
    from khuyencong.core.money import format_vnd_with_unit

    return format_vnd_with_unit(int(amount), "dong" if money_unit == "dong" else "trieu", 2)


def table_sheet_names(snapshot: dict) -> dict[str, str]:
    """{section key: sheet name}: "Biểu 01", "Biểu 02", … in the order of the tables."""
    names = {}
    for section in snapshot["sections"]:
        if section["type"] == "table":
            names[section["key"]] = f"Biểu {len(names) + 1:02d}"
    return names


def write_workbook(snapshot: dict, destination: Path) -> None:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Báo cáo"
    sheets = table_sheet_names(snapshot)
    widths = [8, 14, 14, 14, 14, 14, 14, 14]
    for index, width in enumerate(widths, start=1):
        cover.column_dimensions[get_column_letter(index)].width = width
    row = write_header(cover, snapshot, widths, caption=None)
    for section in snapshot["sections"]:
        heading = f"{section['number']}. {section['title']}"
        _merge(cover, row, 1, len(widths), heading, style=font(13, bold=True), align=LEFT)
        row += 1
        if section["type"] == "text":
            text = section["text"] or "(Chưa có nội dung.)"
            _merge(cover, row, 1, len(widths), text, style=font(13), align=LEFT)
            cover.row_dimensions[row].height = _text_height(text, sum(widths), 13)
        else:
            text = f"Chi tiết tại {sheets[section['key']]} kèm theo."
            for words in section.get("words", []):
                text += f" {words['label']}: {_amount_text(words['amount'], snapshot['definition']['money_unit'])}."
            _merge(cover, row, 1, len(widths), text, style=font(13, italic=True), align=LEFT)
            cover.row_dimensions[row].height = _text_height(text, sum(widths), 13)
        row += 2
    write_signature(cover, snapshot, row, widths, recipients=True)
    _page_setup(cover, landscape=False)

    for section in snapshot["sections"]:
        if section["type"] != "table":
            continue
        sheet = workbook.create_sheet(sheets[section["key"]])
        widths = [column["width"] for column in section["columns"]]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        caption = f"{sheets[section['key']].replace('Biểu', 'Biểu số')}: {section['title']}"
        row = write_header(sheet, snapshot, widths, caption=caption)
        row = write_table(sheet, section, snapshot, row)
        write_signature(sheet, snapshot, row, widths, recipients=False)
        title_rows = sheet.print_title_rows
        _page_setup(sheet, landscape=section.get("orientation") == "landscape")
        sheet.print_title_rows = title_rows

    amendment = snapshot.get("amendment")
    if amendment:
        write_amendment(workbook.create_sheet("Phụ lục sửa đổi"), snapshot, amendment)
    workbook.properties.title = snapshot["header"]["subject"]
    workbook.properties.creator = "Khuyến công số"
    workbook.save(destination)


def write_amendment(sheet: Worksheet, snapshot: dict, amendment: dict) -> None:
    widths = [6, 28, 36, 28, 18, 18, 8]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    caption = f"Phụ lục: Các thay đổi so với {amendment['amends_label']}"
    row = write_header(sheet, snapshot, widths, caption=caption)
    _merge(sheet, row, 1, len(widths), f"Mã SHA-256 số liệu bản được sửa: {amendment['amends_sha256']}",
           style=font(10, italic=True), align=LEFT)  # fmt: skip
    row += 1
    labels = ["STT", "Phần", "Dòng", "Cột", "Trước", "Sau", "Loại"]
    for index, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=index, value=label)
        cell.font = font(11, bold=True)
        cell.alignment = CENTRE
        cell.border = BOX
        cell.fill = HEAD_FILL
    row += 1
    money_unit = snapshot["definition"]["money_unit"]
    if not amendment["changes"]:
        _merge(sheet, row, 1, len(widths), "Không có thay đổi về số liệu.", style=font(11, italic=True), align=LEFT)
        row += 1
    for number, change in enumerate(amendment["changes"], start=1):
        change = shown(change, money_unit)
        values = [number, change["section_title"], change["row_label"], change["column_label"], change["before_text"],
                  change["after_text"], change["change_label"]]  # fmt: skip
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.font = font(11)
            cell.border = BOX
            cell.alignment = LEFT if index < 5 else (RIGHT if change["type"] != "text" else LEFT)
        row += 1
    write_signature(sheet, snapshot, row, widths, recipients=False)
    _page_setup(sheet, landscape=True)
