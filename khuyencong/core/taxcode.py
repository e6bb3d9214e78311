"""Vietnamese tax codes (mã số thuế, MST): validation and normalisation.

A head-office code has 10 digits, the 10th a check digit over the first nine; a dependent unit
(chi nhánh) adds a 3-digit branch number 001–999, written "0100109106-001". Typing errors in the
code are common in imported beneficiary lists, and the check digit catches every single-digit one.

Check digit: with weights 31, 29, 23, 19, 17, 13, 7, 5, 3 for the first nine digits,
``check = 10 − (Σ dᵢ·wᵢ mod 11)``. When the sum is divisible by 11 that gives 10, which is not a
digit, so such nine-digit prefixes are never issued and any code built on them is invalid.
Because every weight is non-zero modulo 11, changing any single digit always changes the sum
modulo 11 and therefore invalidates the code.
"""

import re
from functools import lru_cache
from operator import mul

__all__ = ["is_valid_tax_code", "tax_code_check_digit", "validate_tax_code"]

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_SHAPE_RE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")
_NINE_DIGITS = re.compile(r"[0-9]{9}")


def tax_code_check_digit(first9: str) -> int | None:
    """Return the check digit for nine digits, or None when no valid check digit exists."""
    if not _NINE_DIGITS.fullmatch(first9):
        raise ValueError(f"Cần đúng 9 chữ số để tính chữ số kiểm tra, nhận được {first9!r}")
    check = 10 - sum(map(mul, map(int, first9), _WEIGHTS)) % 11  # an import checks two codes a row
    return None if check == 10 else check


def validate_tax_code(code: str) -> str:
    """Return the normalised code ("0100109106" or "0100109106-001") or raise ``ValueError``.

    Surrounding whitespace and inner spaces are ignored; 13 digits without the hyphen are accepted
    and returned in the hyphenated form.
    """
    if not isinstance(code, str):
        raise TypeError(f"Mã số thuế phải là chuỗi, không phải {type(code).__name__}")
    return _validated(code)


@lru_cache(maxsize=1024)
def _validated(code: str) -> str:
    """Cached (after the type check, so that any value gets its message): an import checks each row's code when
    typing the cell and again in the profile rules. An error is not cached and is raised each time."""
    compact = "".join(code.split())
    if not compact:
        raise ValueError("Mã số thuế trống")
    match = _SHAPE_RE.fullmatch(compact)
    if not match:
        raise ValueError(
            f"Mã số thuế không hợp lệ: {code!r} (phải gồm 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số mã chi nhánh)"
        )
    main, branch = match.groups()
    expected = tax_code_check_digit(main[:9])
    if expected is None:
        raise ValueError(f"Mã số thuế không hợp lệ: {code!r} (9 chữ số đầu không có chữ số kiểm tra hợp lệ)")
    if int(main[9]) != expected:
        raise ValueError(f"Mã số thuế không hợp lệ: {code!r} (sai chữ số kiểm tra, chữ số thứ 10 phải là {expected})")
    if branch == "000":
        raise ValueError(f"Mã số thuế không hợp lệ: {code!r} (mã chi nhánh phải từ 001 đến 999)")
    return f"{main}-{branch}" if branch else main


def is_valid_tax_code(code: str) -> bool:
    """Return True when :func:`validate_tax_code` accepts ``code``."""
    try:
        validate_tax_code(code)
    except (ValueError, TypeError):
        return False
    return True
