"""Turning spreadsheet cells into clean values: text, numbers, money, dates, phone numbers, tax codes.

Cells arrive as whatever the reader gives (str, int, float, bool, date, datetime) from files typed in every
style: NFD or legacy TCVN3/VNI text, "1.234.567" or "1.234,5", dates as dd/mm/yyyy text or Excel serial
numbers, phone numbers whose leading zero Excel dropped. Each function returns the clean value or raises
``ValueError`` with a Vietnamese message that quotes the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from khuyencong.core.legacy_text import tcvn3_to_unicode, to_unicode, vni_to_unicode
from khuyencong.core.money import parse_vnd
from khuyencong.core.taxcode import validate_tax_code
from khuyencong.core.vietnamese import fold_vi, nfc

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers Excel could mean as a date of a record here: 1/1/1900 … 31/12/2099.
SERIAL_RANGE = (1, 73050)
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")
_DATE_LIKE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234.567 or 1.234,5
_SPACED = re.compile(r"^[+-]?\d{1,3}(?: \d{3})+(?:,\d+)?$")  # 1 234 567
_PLAIN = re.compile(r"^[+-]?\d+(?:[,.]\d+)?$")  # 1234 or 1234,5 or 1234.5
_PHONE_SPLIT = re.compile(r"\s*[;,/]\s*|\s+-\s+|\s+(?:hoặc|hoac|or)\s+")
_PHONE_JUNK = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"0\d{9,10}")
_email = EmailValidator()


def cell_is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value, legacy: str | None = None) -> str:
    """NFC text with single spaces. Legacy TCVN3/VNI text is converted: the whole column when it was
    detected as such (`legacy`), otherwise cell by cell when the cell alone is unambiguous."""
    if type(value) is str:  # most cells: the checks below would all pass over it
        return _clean_str(value, legacy) if value.strip() else ""
    if cell_is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return _clean_str(str(value), legacy)


@lru_cache(maxsize=16384)
def _clean_str(text: str, legacy: str | None) -> str:
    """`clean_text` of a string, cached: a file repeats its communes, provinces, legal forms and products."""
    if legacy == "tcvn3":
        text = tcvn3_to_unicode(text)
    elif legacy == "vni":
        text = vni_to_unicode(text)
    else:
        text = to_unicode(text)
    return " ".join(nfc(text).split())


def parse_decimal(value) -> Decimal:
    """A number typed the Vietnamese way ("1.234.567", "1.234,5", "12,5") or given by the spreadsheet."""
    if isinstance(value, bool):
        raise ValueError(f"Không phải số: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = " ".join(nfc(str(value)).split()).replace("\u2212", "-")
    if _THOUSANDS.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if _SPACED.match(text):
        return Decimal(text.replace(" ", "").replace(",", "."))
    if _PLAIN.match(text):
        return Decimal(text.replace(",", "."))
    raise ValueError(f"Không phải số: “{text}” (viết như 1.234.567 hoặc 1.234,5)")


def parse_int(value, *, minimum: int | None = 0) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"Cần số nguyên, nhận được “{clean_text(value)}”")
    if minimum is not None and number < minimum:
        raise ValueError(f"Không được nhỏ hơn {minimum}: “{clean_text(value)}”")
    return int(number)


def parse_money(value, multiplier: int = 1) -> int:
    """Whole đồng. `multiplier` comes from the column header ("Doanh thu (triệu đồng)" → 10^6)."""
    if isinstance(value, str) and multiplier == 1 and re.search(r"[a-zA-ZđĐ₫]", value):
        try:
            return parse_vnd(value)
        except ValueError as error:
            raise ValueError(str(error)) from None
    try:
        amount = parse_decimal(value) * multiplier
    except (InvalidOperation, ValueError):
        raise ValueError(f"Số tiền không hợp lệ: “{clean_text(value)}”") from None
    if amount < 0:
        raise ValueError(f"Số tiền không được âm: “{clean_text(value)}”")
    if amount != amount.to_integral_value():
        raise ValueError(f"Số tiền phải là số đồng nguyên: “{clean_text(value)}”")
    return int(amount)


def parse_date(value) -> dt.date:
    """dd/mm/yyyy (also with - or .), yyyy-mm-dd, a date cell, or an Excel serial number."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"Ngày không hợp lệ: “{clean_text(value)}” (cần dạng dd/mm/yyyy)")
    text = clean_text(value)
    if text.isdigit() and len(text) == 5:
        return parse_date(int(text))
    if _DATE_LIKE.match(text):
        for pattern in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise ValueError(f"Ngày không hợp lệ: “{text}” (cần dạng dd/mm/yyyy)")


def normalise_phone(value) -> str:
    """ "0912 345 678", "+84 912.345.678", 912345678 (Excel dropped the zero) → "0912345678"; several
    numbers separated by , ; / are kept, joined with ", "."""
    if cell_is_empty(value):
        return ""
    if type(value) is str and _PHONE.fullmatch(value):
        return value  # already one clean number (clean_profile checks what the import's typing gave)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))
    text = clean_text(value)
    numbers = []
    for part in filter(None, _PHONE_SPLIT.split(text)):
        digits = _PHONE_JUNK.sub("", part)
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        elif digits.startswith("84") and len(digits) in (11, 12):
            digits = "0" + digits[2:]
        elif digits.isdigit() and not digits.startswith("0") and len(digits) in (9, 10):
            digits = "0" + digits  # the leading zero a numeric cell lost
        if not _PHONE.fullmatch(digits):
            raise ValueError(f"Số điện thoại không hợp lệ: “{part}” (cần 10 hoặc 11 chữ số, bắt đầu bằng 0)")
        numbers.append(digits)
    return ", ".join(numbers)


def normalise_tax_code(value) -> str:
    """A valid tax code, zero-padded when a numeric cell dropped the leading zero."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)).zfill(10) if float(value).is_integer() else str(value)
    text = clean_text(value).replace(" ", "")
    if text.isdigit() and len(text) == 9:
        text = "0" + text
    return validate_tax_code(text)


def normalise_email(value) -> str:
    text = clean_text(value).lower()
    try:
        _email(text)
    except ValidationError:
        raise ValueError(f"Địa chỉ thư điện tử không hợp lệ: “{text}”") from None
    return text


# --- Headers --------------------------------------------------------------------------------------------

_PARENTHESES = re.compile(r"\(([^)]*)\)")
_HEADER_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_MONEY_UNITS = [
    (re.compile(r"\bty\b"), 10**9),
    (re.compile(r"\btrieu\b|\btr\b|\btrd\b"), 10**6),
    (re.compile(r"\bnghin\b|\bngan\b|\b1[. ]?000\b"), 10**3),
    (re.compile(r"\bdong\b|\bvnd\b|\bd\b"), 1),
]


@lru_cache(maxsize=8192)
def header_key(text: str) -> str:
    """The folded header without its parenthesised note and punctuation: "Doanh thu (triệu đồng)" →
    "doanh thu". Cached: header detection asks for every column alias of every scanned cell."""
    folded = fold_vi(_PARENTHESES.sub(" ", text or ""))
    return " ".join(_HEADER_PUNCTUATION.sub(" ", folded).split())


def header_readings(text) -> list[str]:
    """The header as written and, if it may be legacy text, as TCVN3 and VNI: the mapper tries each."""
    raw = clean_text(text)
    return list(dict.fromkeys([raw, nfc(tcvn3_to_unicode(raw)), nfc(vni_to_unicode(raw))]))


def money_multiplier(header: str) -> int:
    """The unit a money column's header states in parentheses: triệu đồng → 10^6, tỷ → 10^9; default 1."""
    for note in _PARENTHESES.findall(header or ""):
        folded = fold_vi(note).replace(".", " ")
        for pattern, multiplier in _MONEY_UNITS:
            if pattern.search(folded):
                return multiplier
    return 1
