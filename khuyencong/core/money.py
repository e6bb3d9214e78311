"""Money as integer đồng: Vietnamese formatting and tolerant parsing.

The đồng has no minor unit, so amounts are ``int`` everywhere; floats would silently lose đồng on
budgets in the tens of billions. Reports speak in đồng, triệu đồng or tỷ đồng with Vietnamese
separators (1.234.567,89), and people type amounts in every style ("1,5 tỷ", "250 triệu đồng",
"3 tỷ 200 triệu"), so parsing accepts those but never rounds: an amount that is not a whole number
of đồng is rejected.
"""

import re
from fractions import Fraction
from typing import Literal

from khuyencong.core.vietnamese import fold_vi

__all__ = ["Unit", "format_vnd", "format_vnd_with_unit", "parse_vnd"]

Unit = Literal["dong", "trieu", "ty"]

_UNIT_SIZE: dict[str, int] = {"dong": 1, "trieu": 10**6, "ty": 10**9}
_UNIT_LABEL: dict[str, str] = {"dong": "đồng", "trieu": "triệu đồng", "ty": "tỷ đồng"}
# Report columns in triệu/tỷ show two decimals by default; đồng are whole.
_DEFAULT_DECIMALS: dict[str, int] = {"dong": 0, "trieu": 2, "ty": 2}


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Số tiền phải là số nguyên đồng (int), không phải {type(amount).__name__}")


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def _format_scaled(amount: int, size: int, decimals: int) -> str:
    """Format ``amount / size`` rounded half-up (away from zero), in exact integer arithmetic."""
    quotient, remainder = divmod(abs(amount) * 10**decimals, size)
    if 2 * remainder >= size:
        quotient += 1
    sign = "-" if amount < 0 and quotient else ""  # a value that rounds to zero has no sign
    integer, fraction = divmod(quotient, 10**decimals)
    text = sign + _group_thousands(str(integer))
    return f"{text},{fraction:0{decimals}d}" if decimals else text


def format_vnd(amount: int, unit: Unit = "dong", decimals: int | None = None) -> str:
    """Format an amount of đồng in ``unit`` with a fixed number of decimals.

    ``format_vnd(1234567)`` → "1.234.567"; ``format_vnd(1234567, "trieu")`` → "1,23".
    Decimals are fixed (trailing zeros kept) so that report columns line up; rounding is half-up.
    """
    _check_amount(amount)
    if unit not in _UNIT_SIZE:
        raise ValueError(f"Đơn vị không hợp lệ: {unit!r} (dùng 'dong', 'trieu' hoặc 'ty')")
    if decimals is None:
        decimals = _DEFAULT_DECIMALS[unit]
    if decimals < 0:
        raise ValueError(f"Số chữ số thập phân không hợp lệ: {decimals}")
    return _format_scaled(amount, _UNIT_SIZE[unit], decimals)


def format_vnd_with_unit(amount: int, unit: Unit = "dong", decimals: int | None = None) -> str:
    """Format an amount for running text: "1.234.567 đồng", "1,23 triệu đồng", "1,2 tỷ đồng".

    Unlike :func:`format_vnd`, trailing zero decimals are dropped ("1,2 tỷ đồng", "3 tỷ đồng"),
    because prose is not aligned in columns; ``decimals`` is then the maximum shown.
    """
    number = format_vnd(amount, unit, decimals)
    if "," in number:
        number = number.rstrip("0").rstrip(",")
        if number == "-0":
            number = "0"
    return f"{number} {_UNIT_LABEL[unit]}"


# ---------------------------------------------------------------------------------------------
# Parsing. The text is folded (no diacritics, lower case, đ → d) before matching, so "triệu",
# "trieu", "TRIỆU" and "tr" are all accepted.

_MULTIPLIERS: dict[str, int] = {
    "nghin": 10**3,
    "ngan": 10**3,
    "trieu": 10**6,
    "tr": 10**6,
    "ty": 10**9,
    "ti": 10**9,
}

_NUMBER = (
    r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # 1.234.567 or 1.234,5 (dot thousands, comma decimals)
    r"|\d{1,3}(?: \d{3})+(?:,\d+)?"  # 1 234 567 (space thousands)
    r"|\d+(?:[.,]\d+)?"  # 1234567, 1,5, or 1.2 (dot decimal; only meaningful before a unit)
)
_UNIT_PHRASE = r"(?:nghin|ngan|trieu|tr|ty|ti)(?:\s+(?:ty|ti))?(?![a-z])"  # "nghìn tỷ" = 10^12
_SEGMENT_RE = re.compile(rf"\s*({_NUMBER})(?![\d.,])\s*({_UNIT_PHRASE})?", re.ASCII)
_CURRENCY_RE = re.compile(r"\s*(?:dong|vnd|d|₫)$")
_TR_ABBREVIATION_RE = re.compile(r"(?<![a-z])tr\.")


def _invalid(text: str, reason: str = "") -> ValueError:
    detail = f" ({reason})" if reason else ""
    return ValueError(f"Số tiền không hợp lệ: {text!r}{detail}")


def _number_value(token: str, has_unit: bool) -> Fraction:
    """Read one number token; "." + exactly three digits is a thousands separator, "," is decimal."""
    if "." in token and "," not in token and not re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+", token):
        if not has_unit:
            raise ValueError("dấu chấm thập phân chỉ dùng được khi có đơn vị triệu/tỷ/nghìn")
        return Fraction(token)  # "1.2 tỷ": the dot is a decimal point
    return Fraction(token.replace(".", "").replace(" ", "").replace(",", "."))


def _unit_value(unit_phrase: str) -> int:
    value = 1
    for word in unit_phrase.split():
        value *= _MULTIPLIERS[word]
    return value


def parse_vnd(text: str, allow_negative: bool = False) -> int:
    """Parse an amount typed in any common Vietnamese style into whole đồng.

    Accepts "1.234.567", "1 234 567", "1234567 đ", "1.234.567 đồng", "1,5 triệu", "2,5 tr",
    "1.2 tỷ", "250 triệu đồng", "2 nghìn tỷ" and compounds with decreasing units such as
    "3 tỷ 200 triệu". Raises ``ValueError`` (message in Vietnamese) for anything else, for
    negative amounts unless ``allow_negative``, and for results that are not a whole number of
    đồng ("1,5 đồng", "1,0000000005 tỷ") — amounts are never rounded.
    """
    if not isinstance(text, str):
        raise TypeError(f"Cần một chuỗi, không phải {type(text).__name__}")
    folded = _TR_ABBREVIATION_RE.sub("tr", fold_vi(text))
    negative = folded[:1] in ("-", "\u2212")
    body = _CURRENCY_RE.sub("", folded[1:] if negative else folded).strip()
    if not body:
        raise _invalid(text)

    total = Fraction(0)
    previous_unit: int | None = None
    position = 0
    while position < len(body):
        match = _SEGMENT_RE.match(body, position)
        if not match:
            raise _invalid(text)
        number, unit_phrase = match.group(1), match.group(2)
        unit = _unit_value(unit_phrase) if unit_phrase else 1
        if previous_unit is not None and unit_phrase is None:
            # "1 triệu 500" is colloquial for 1,5 triệu but could be read as 1.000.500: refuse.
            raise _invalid(text, "thiếu đơn vị sau số cuối, ví dụ '1 triệu 500 nghìn'")
        if previous_unit is not None and unit >= previous_unit:
            raise _invalid(text, "các đơn vị phải giảm dần, ví dụ '3 tỷ 200 triệu'")
        try:
            value = _number_value(number, has_unit=unit_phrase is not None) * unit
        except ValueError as error:
            raise _invalid(text, str(error)) from None
        if previous_unit is not None and value >= previous_unit:
            raise _invalid(text, f"'{number}' quá lớn so với đơn vị đứng trước")  # "1 tỷ 2.000 triệu"
        total += value
        previous_unit = unit
        position = match.end()

    if total.denominator != 1:
        raise _invalid(text, "không phải số nguyên đồng")
    amount = int(total)
    if negative and amount:
        if not allow_negative:
            raise ValueError(f"Số tiền không được âm: {text!r}")
        amount = -amount
    return amount
