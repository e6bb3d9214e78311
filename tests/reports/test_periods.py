"""Periods as keys and labels, and the date line of an official document."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.core.errors import ValidationFailed
from khuyencong.reports.periods import make_period, parse_period, periods_of_year
from khuyencong.reports.snapshot import date_line
from khuyencong.reports.tables import column_numbers, format_cell, header_rows, percent


@pytest.mark.parametrize(
    ("key", "start", "end", "label"),
    [
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Quý I năm 2026"),
        ("2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31), "Quý IV năm 2024"),
        ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "6 tháng đầu năm 2026"),
        ("2026-h2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "6 tháng cuối năm 2026"),
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "Năm 2025"),
        ("2024-02-01..2024-02-29", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Từ ngày 01/02/2024 đến ngày 29/02/2024"),
    ],
)
def test_period_keys(key, start, end, label):
    period = parse_period(key)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert parse_period(period.key) == period


INVALID = ["", "2026-Q5", "2026-H3", "26", "1999", "2026-03-31..2026-01-01", "2026-02-30..2026-03-01",
           "2020-01-01..2026-01-01", "quý 1"]  # fmt: skip


@pytest.mark.parametrize("key", INVALID)
def test_invalid_periods_are_refused_in_vietnamese(key):
    with pytest.raises(ValidationFailed) as raised:
        parse_period(key)
    assert raised.value.message and raised.value.details


def test_form_periods_name_the_missing_field():
    with pytest.raises(ValidationFailed) as raised:
        make_period("quarter", 2026, None)
    assert "number" in raised.value.details
    with pytest.raises(ValidationFailed) as raised:
        make_period("adhoc", None, start=dt.date(2026, 1, 1))
    assert "end" in raised.value.details
    assert make_period("half", 2026, 2).key == "2026-H2"
    assert [p.key for p in periods_of_year("quarter", 2026)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_cut_off_is_the_end_or_today():
    period = parse_period("2026")
    assert period.cut_off(dt.date(2026, 5, 2)) == dt.date(2026, 5, 2)
    assert period.cut_off(dt.date(2027, 1, 3)) == dt.date(2026, 12, 31)


def test_date_line_follows_the_decree():
    assert date_line("Hà Nội", dt.date(2026, 2, 5), 2026) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert date_line("Hà Nội", dt.date(2026, 11, 15), 2026) == "Hà Nội, ngày 15 tháng 11 năm 2026"
    assert date_line("Đắk Lắk", dt.date(2026, 3, 9), 2026) == "Đắk Lắk, ngày 09 tháng 3 năm 2026"
    assert date_line("Hà Nội", None, 2026) == "Hà Nội, ngày      tháng      năm 2026"


def test_cells_are_rounded_only_when_shown():
    assert format_cell(1_234_567, "money") == "1,23"
    assert format_cell(3 * 1_234_567, "money") == "3,70"  # not 3 × 1,23
    assert format_cell(1_234_567, "money", "dong") == "1.234.567"
    assert format_cell(-5_000, "money") == "-0,01"
    assert format_cell(None, "money") == "-"
    assert format_cell(1600, "int") == "1.600"
    assert format_cell("55.50", "decimal") == "55,5"
    assert format_cell("2", "decimal") == "2"
    assert format_cell("32.4", "percent") == "32,4"
    assert percent(800_000, 2_469_134) == "32.4"
    assert percent(1, 0) is None


def test_two_row_headings_merge_groups():
    columns = [
        {"key": "stt", "label": "STT", "type": "text", "group": None},
        {"key": "a", "label": "Tạm ứng", "type": "money", "group": "Giải ngân"},
        {"key": "b", "label": "Thanh toán", "type": "money", "group": "Giải ngân"},
        {"key": "c", "label": "Quyết toán", "type": "money", "group": None},
    ]
    top, bottom = header_rows(columns)
    assert [(c["label"], c["colspan"], c["rowspan"]) for c in top] == [
        ("STT", 1, 2),
        ("Giải ngân", 2, 1),
        ("Quyết toán", 1, 2),
    ]
    assert [c["label"] for c in bottom] == ["Tạm ứng", "Thanh toán"]
    assert column_numbers(columns) == ["A", "(1)", "(2)", "(3)"]
