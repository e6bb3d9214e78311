"""Report periods: a quarter, a half-year, a year, or an ad hoc range of days.

A period is written as a key everywhere (URLs, the command line, the API, the database): `2026-Q1`,
`2026-H1`, `2026`, or `2026-01-15..2026-05-31`. Labels are Vietnamese as official documents write them:
"Quý I năm 2026", "6 tháng đầu năm 2026", "Năm 2026", "Từ ngày 15/01/2026 đến ngày 31/05/2026".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models

from khuyencong.core.errors import ValidationFailed


class PeriodType(models.TextChoices):
    QUARTER = "quarter", "Quý"
    HALF = "half", "6 tháng"
    YEAR = "year", "Năm"
    ADHOC = "adhoc", "Tùy chọn (từ ngày … đến ngày …)"


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QqHh])(?P<number>\d))?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_ADHOC_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    type: str
    year: int
    number: int  # quarter 1–4, half 1–2, 0 for a year or an ad hoc range
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        if self.type == PeriodType.QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.type == PeriodType.HALF:
            return f"{self.year}-H{self.number}"
        if self.type == PeriodType.YEAR:
            return str(self.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """As a heading: "Quý I năm 2026"."""
        text = self.inline
        return text[0].upper() + text[1:]

    @property
    def inline(self) -> str:
        """Inside a sentence: "quý I năm 2026", "6 tháng đầu năm 2026", "từ ngày 15/01/2026 đến ngày …"."""
        if self.type == PeriodType.QUARTER:
            return f"quý {ROMAN[self.number]} năm {self.year}"
        if self.type == PeriodType.HALF:
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        if self.type == PeriodType.YEAR:
            return f"năm {self.year}"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def plan_years(self) -> tuple[int, int]:
        """Plan years whose projects the period's report covers: its own year (a year's plan is reported on
        quarter by quarter, cumulatively), or every year an ad hoc range touches."""
        return self.start.year, self.end.year

    def cut_off(self, today: dt.date) -> dt.date:
        """The day the figures stop: the period's end, or today for a period not over yet."""
        return min(self.end, today)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(PeriodType.QUARTER, year, number, dt.date(year, first, 1), _month_end(year, first + 2))


def half(year: int, number: int) -> Period:
    first = 1 if number == 1 else 7
    return Period(PeriodType.HALF, year, number, dt.date(year, first, 1), _month_end(year, first + 5))


def whole_year(year: int) -> Period:
    return Period(PeriodType.YEAR, year, 0, dt.date(year, 1, 1), dt.date(year, 12, 31))


def adhoc(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValidationFailed(
            "Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.", details={"end": ["Phải sau ngày bắt đầu."]}
        )
    if (end - start).days > MAX_ADHOC_DAYS:
        raise ValidationFailed("Kỳ báo cáo tùy chọn dài tối đa 5 năm.", details={"end": ["Kỳ quá dài."]})
    _check_year(start.year)
    _check_year(end.year)
    return Period(PeriodType.ADHOC, end.year, 0, start, end)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            f"Năm {year} ngoài khoảng {MIN_YEAR}–{MAX_YEAR}.", details={"period": ["Năm không hợp lệ."]}
        )


def parse_period(text: str) -> Period:
    """`2026-Q1`, `2026-H2`, `2026` or `2026-01-15..2026-05-31` → Period; a ValidationFailed naming the field."""
    value = (text or "").strip()
    match = _KEY.match(value)
    if match:
        year = int(match["year"])
        _check_year(year)
        kind, number = (match["kind"] or "").upper(), int(match["number"] or 0)
        if not kind:
            return whole_year(year)
        if kind == "Q" and 1 <= number <= 4:
            return quarter(year, number)
        if kind == "H" and number in (1, 2):
            return half(year, number)
    match = _RANGE.match(value)
    if match:
        try:
            start, end = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError:
            start = end = None
        if start and end:
            return adhoc(start, end)
    raise ValidationFailed(
        f"Kỳ báo cáo “{value}” không hợp lệ: viết 2026-Q1 (quý), 2026-H1 (6 tháng), 2026 (năm) hoặc "
        "2026-01-15..2026-05-31 (tùy chọn).",
        details={"period": ["Kỳ báo cáo không hợp lệ."]},
    )


def make_period(period_type: str, year: int | None, number: int | None = None, start=None, end=None) -> Period:
    """From form fields: the type, the year and the quarter/half number, or the two days of an ad hoc range."""
    if period_type == PeriodType.ADHOC:
        if start is None or end is None:
            raise ValidationFailed(
                "Kỳ tùy chọn cần ngày bắt đầu và ngày kết thúc.",
                details={"start": ["Bắt buộc."]} if start is None else {"end": ["Bắt buộc."]},
            )
        return adhoc(start, end)
    if year is None:
        raise ValidationFailed("Chọn năm báo cáo.", details={"year": ["Bắt buộc."]})
    _check_year(year)
    if period_type == PeriodType.YEAR:
        return whole_year(year)
    if period_type == PeriodType.QUARTER:
        if number not in (1, 2, 3, 4):
            raise ValidationFailed("Chọn quý I, II, III hoặc IV.", details={"number": ["Chọn quý."]})
        return quarter(year, number)
    if period_type == PeriodType.HALF:
        if number not in (1, 2):
            raise ValidationFailed("Chọn 6 tháng đầu năm hoặc cuối năm.", details={"number": ["Chọn kỳ."]})
        return half(year, number)
    raise ValidationFailed("Loại kỳ báo cáo không hợp lệ.", details={"period_type": ["Không hợp lệ."]})


def periods_of_year(period_type: str, year: int) -> list[Period]:
    """Every regular period of one type in a year (none for ad hoc)."""
    if period_type == PeriodType.QUARTER:
        return [quarter(year, n) for n in (1, 2, 3, 4)]
    if period_type == PeriodType.HALF:
        return [half(year, n) for n in (1, 2)]
    if period_type == PeriodType.YEAR:
        return [whole_year(year)]
    return []
