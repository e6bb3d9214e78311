import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from khuyencong.core.taxcode import is_valid_tax_code, tax_code_check_digit, validate_tax_code

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def valid_code(first9: str) -> str:
    check = tax_code_check_digit(first9)
    assume(check is not None)
    return f"{first9}{check}"


def test_check_digit_worked_example():
    # 0·31 + 1·29 + 0·23 + 0·19 + 1·17 + 0·13 + 9·7 + 1·5 + 0·3 = 114; 114 mod 11 = 4; 10 − 4 = 6
    assert tax_code_check_digit("010010910") == 6


def test_published_code_passes():
    # 0100109106 is published as Viettel's tax code (and used in invoice examples as 0100109106-xxx).
    assert validate_tax_code("0100109106") == "0100109106"
    assert validate_tax_code("0100109106-001") == "0100109106-001"


@pytest.mark.parametrize(
    ("first9", "check"),
    [
        ("000000001", 7),  # 1·3 = 3 → 10 − 3
        ("000000010", 5),  # 1·5 = 5 → 10 − 5
        ("100000000", 1),  # 31 mod 11 = 9 → 10 − 9
        ("010000000", 3),  # 29 mod 11 = 7 → 10 − 7
        ("000000004", 9),  # 12 mod 11 = 1 → 10 − 1
        ("000000007", 0),  # 21 mod 11 = 10 → 10 − 10
    ],
)
def test_check_digit_small_cases(first9, check):
    assert tax_code_check_digit(first9) == check


def test_sum_divisible_by_eleven_has_no_check_digit():
    # 1·19 (4th digit) + 2·7 (7th digit) = 33, a multiple of 11: 10 − 0 = 10 is not a digit.
    first9 = "000100200"
    assert sum(int(d) * w for d, w in zip(first9, WEIGHTS, strict=True)) == 33
    assert tax_code_check_digit(first9) is None
    for last in "0123456789":
        assert not is_valid_tax_code(first9 + last)
    with pytest.raises(ValueError, match="không có chữ số kiểm tra"):
        validate_tax_code(first9 + "0")


@pytest.mark.parametrize(
    ("code", "normalised"),
    [
        ("0100109106", "0100109106"),
        (" 0100109106 ", "0100109106"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),
        ("0100109106-999", "0100109106-999"),
        ("01001 09106", "0100109106"),
    ],
)
def test_normalisation(code, normalised):
    assert validate_tax_code(code) == normalised
    assert is_valid_tax_code(code)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("", "trống"),
        ("   ", "trống"),
        ("010010910", "10 chữ số"),
        ("01001091061", "10 chữ số"),
        ("0100109106-01", "10 chữ số"),
        ("0100109106--001", "10 chữ số"),
        ("010010910A", "10 chữ số"),
        ("０１００１０９１０６", "10 chữ số"),  # full-width digits are not accepted silently
        ("0100109107", "chữ số thứ 10 phải là 6"),
        ("0100109106-000", "chi nhánh"),
        ("0100109106000", "chi nhánh"),
    ],
)
def test_rejections_name_the_problem(code, problem):
    with pytest.raises(ValueError, match=problem):
        validate_tax_code(code)
    assert not is_valid_tax_code(code)


def test_wrong_types():
    with pytest.raises(TypeError, match="Mã số thuế phải là chuỗi, không phải int"):
        validate_tax_code(100109106)
    with pytest.raises(TypeError, match="Mã số thuế phải là chuỗi, không phải list"):
        validate_tax_code(["0100109106"])  # unhashable: the message, not the cache's "unhashable type"
    assert not is_valid_tax_code(None)
    with pytest.raises(ValueError):
        tax_code_check_digit("12345678")


@given(nine_digits)
def test_nine_digits_plus_computed_check_digit_validate(first9):
    code = valid_code(first9)
    assert validate_tax_code(code) == code
    assert validate_tax_code(code + "-123") == code + "-123"


@given(nine_digits)
def test_check_digit_matches_the_formula(first9):
    remainder = sum(int(d) * w for d, w in zip(first9, WEIGHTS, strict=True)) % 11
    assert tax_code_check_digit(first9) == (None if remainder == 0 else 10 - remainder)


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_invalidates(first9, position, delta):
    """Holds for this scheme: every weight is non-zero mod 11, so the sum mod 11 always moves."""
    code = valid_code(first9)
    changed_digit = (int(code[position]) + delta) % 10
    changed = code[:position] + str(changed_digit) + code[position + 1 :]
    assert changed != code
    assert not is_valid_tax_code(changed)


def test_single_digit_change_exhaustively_for_one_code():
    code = "0100109106"
    for position in range(10):
        for digit in "0123456789":
            changed = code[:position] + digit + code[position + 1 :]
            assert is_valid_tax_code(changed) == (changed == code)
