"""Each dashboard chart's data as an Excel sheet: a title, the scope and filters it was computed with, Vietnamese
column headers, money in triệu đồng. The rows are the page's own (same selectors, same scope)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from khuyencong.indicators import selectors
from khuyencong.indicators.selectors import FactQuery, to_million

HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.##"


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 14
    money: bool = False  # đồng in, triệu đồng out


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list]


def _number(value):
    return None if value is None else Decimal(value)


def progress_sheet(query: FactQuery) -> Sheet:
    rows = [
        [
            row.indicator.code,
            row.indicator.name,
            row.indicator.unit,
            row.indicator.get_kind_display(),
            _number(row.target),
            _number(row.planned),
            _number(row.actual),
            _number(row.percent),
            _number(row.female),
            _number(row.ethnic_minority),
        ]  # fmt: skip
        for row in selectors.progress(query)
    ]
    columns = [
        Column("Mã chỉ tiêu", 20), Column("Chỉ tiêu", 50), Column("Đơn vị tính", 14), Column("Loại", 14),
        Column("Mục tiêu"), Column("Kế hoạch (đề án đã duyệt)"), Column("Đã đạt"), Column("Tỷ lệ đạt (%)"),
        Column("Trong đó nữ"), Column("Trong đó dân tộc thiểu số"),
    ]  # fmt: skip
    return Sheet("Tiến độ thực hiện chỉ tiêu", columns, rows)


def funds_sheet(query: FactQuery) -> Sheet:
    rows = [
        [row.year, row.source.short_name, row.planned, row.advanced, row.paid, row.refunded, row.disbursed, row.settled]
        for row in selectors.funds(query)
    ]
    columns = [
        Column("Năm kế hoạch", 10), Column("Nguồn vốn", 12), Column("Dự toán (triệu đồng)", money=True),
        Column("Tạm ứng (triệu đồng)", money=True), Column("Thanh toán (triệu đồng)", money=True),
        Column("Hoàn trả (triệu đồng)", money=True), Column("Đã giải ngân (triệu đồng)", money=True),
        Column("Quyết toán (triệu đồng)", money=True),
    ]  # fmt: skip
    return Sheet("Kinh phí theo nguồn và năm", columns, rows)


def status_sheet(query: FactQuery) -> Sheet:
    rows = [[row["label"], row["count"]] for row in selectors.projects_by_status(query)]
    return Sheet("Đề án theo trạng thái", [Column("Trạng thái", 40), Column("Số đề án")], rows)


def content_sheet(query: FactQuery) -> Sheet:
    rows = [[row["label"], row["count"]] for row in selectors.projects_by_content(query)]
    columns = [Column("Nội dung khuyến công", 60), Column("Số đề án (một đề án có thể nhiều nội dung)", 20)]
    return Sheet("Đề án theo nội dung", columns, rows)


def areas_sheet(query: FactQuery) -> Sheet:
    indicators = [row.indicator for row in selectors.progress(query)]
    level, areas = selectors.areas(query, indicators)
    if level == selectors.LEVEL_COMMUNE:
        columns = [
            Column("Mã", 8), Column("Xã/phường", 30), Column("Số đề án"), Column("Số cơ sở được hỗ trợ"),
            Column("KP nhà nước hỗ trợ cơ sở (triệu đồng)", money=True),
        ]  # fmt: skip
        rows = [[a.unit.code if a.unit else "", a.name, a.projects, a.establishments, a.support] for a in areas]
        return Sheet("Theo xã/phường", columns, rows)
    shown = [i for i in indicators if any(i.pk in a.indicators for a in areas)]
    columns = [
        Column("Mã", 8), Column("Tỉnh/thành phố" + (" (khi thực hiện)" if level == selectors.LEVEL_LEGACY else ""), 30),
        Column("Đề án đã phê duyệt"), Column("KP nhà nước dự toán (triệu đồng)", money=True),
        Column("Đã giải ngân (triệu đồng)", money=True), Column("Quyết toán (triệu đồng)", money=True),
        Column("Cơ sở được hỗ trợ"), *[Column(f"{i.name} ({i.unit})", 18) for i in shown],
    ]  # fmt: skip
    rows = [
        [
            a.unit.code if a.unit else "",
            a.name,
            a.projects,
            a.state_planned,
            a.disbursed,
            a.settled,
            a.establishments,
            *[_number(a.indicators.get(i.pk)) for i in shown],
        ]  # fmt: skip
        for a in areas
    ]
    return Sheet("Theo địa bàn", columns, rows)


CHARTS: dict[str, Callable[[FactQuery], Sheet]] = {
    "chi-tieu": progress_sheet,
    "kinh-phi": funds_sheet,
    "trang-thai": status_sheet,
    "noi-dung": content_sheet,
    "dia-ban": areas_sheet,
}


def write_chart(query: FactQuery, chart: str, destination: Path, *, scope_label: str) -> Sheet:
    """Write one chart's data to `destination` (.xlsx); returns what was written."""
    sheet = CHARTS[chart](query)
    workbook = Workbook(write_only=True)
    out = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", sheet.title)[:31])
    for index, column in enumerate(sheet.columns):
        out.column_dimensions[get_column_letter(index + 1)].width = column.width
    title = WriteOnlyCell(out, value=sheet.title)
    title.font = Font(bold=True, size=13)
    out.append([title])
    out.append([f"Phạm vi: {scope_label}. {query.filters.describe()}."])
    out.append([f"Số liệu lúc {timezone.localtime():%H:%M %d/%m/%Y}, từ bảng số liệu phân tích của hệ thống."])
    out.append([])
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(out, value=column.title)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        header.append(cell)
    out.append(header)
    for row in sheet.rows:
        cells = []
        for column, value in zip(sheet.columns, row, strict=True):
            if column.money and value is not None:
                value = to_million(value)
            cell = WriteOnlyCell(out, value=value)
            if isinstance(value, int | Decimal):
                cell.number_format = MONEY_FORMAT if column.money else NUMBER_FORMAT
            cells.append(cell)
        out.append(cells)
    workbook.save(destination)
    return sheet
