import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.money import format_vnd, format_vnd_with_unit, parse_vnd

amounts = st.integers(min_value=-(10**18), max_value=10**18)
non_negative = st.integers(min_value=0, max_value=10**18)


# --- format_vnd ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0,), "0"),
        ((7,), "7"),
        ((999,), "999"),
        ((1000,), "1.000"),
        ((1234567,), "1.234.567"),
        ((-1234567,), "-1.234.567"),
        ((10**12,), "1.000.000.000.000"),
        ((1234567, "trieu"), "1,23"),
        ((1235000, "trieu"), "1,24"),  # half up
        ((1225000, "trieu"), "1,23"),  # half up, not banker's rounding
        ((-1235000, "trieu"), "-1,24"),  # half away from zero for negatives
        ((1_000_000, "trieu"), "1,00"),  # fixed decimals for aligned columns
        ((1_234_567_890_000, "trieu"), "1.234.567,89"),
        ((1_250_000_000, "ty"), "1,25"),
        ((1_200_000_000, "ty"), "1,20"),
        ((999_999_999, "ty"), "1,00"),
        ((-1, "trieu"), "0,00"),  # rounds to zero: no "-0,00"
        ((1234567, "trieu", 0), "1"),
        ((1234567, "trieu", 4), "1,2346"),
        ((1234567, "trieu", 6), "1,234567"),
        ((1234567, "dong", 2), "1.234.567,00"),
        ((1_500_000_000, "ty", 1), "1,5"),
    ],
)
def test_format_vnd_examples(args, expected):
    assert format_vnd(*args) == expected


@pytest.mark.parametrize("bad", [1.5, 1.0, "1000", True, None])
def test_format_vnd_rejects_non_integers(bad):
    with pytest.raises(TypeError):
        format_vnd(bad)


def test_format_vnd_rejects_unknown_unit_and_negative_decimals():
    with pytest.raises(ValueError, match="Đơn vị"):
        format_vnd(1, "usd")
    with pytest.raises(ValueError):
        format_vnd(1, "trieu", -1)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1234567,), "1.234.567 đồng"),
        ((1234567, "trieu"), "1,23 triệu đồng"),
        ((1_200_000_000, "ty"), "1,2 tỷ đồng"),
        ((3_000_000_000, "ty"), "3 tỷ đồng"),
        ((250_000_000, "trieu"), "250 triệu đồng"),
        ((-1_500_000, "trieu"), "-1,5 triệu đồng"),
        ((-1, "trieu"), "0 triệu đồng"),
        ((1_234_567_000, "ty", 3), "1,235 tỷ đồng"),
    ],
)
def test_format_vnd_with_unit_examples(args, expected):
    assert format_vnd_with_unit(*args) == expected


@given(amounts)
def test_format_vnd_shape(amount):
    text = format_vnd(amount)
    assert text.lstrip("-").replace(".", "").isdigit()
    groups = text.lstrip("-").split(".")
    assert 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])
    assert text.startswith("-") == (amount < 0)


@given(amounts, st.sampled_from(["trieu", "ty"]), st.integers(min_value=0, max_value=4))
def test_scaled_format_has_fixed_decimals_and_is_within_half_a_step(amount, unit, decimals):
    text = format_vnd(amount, unit, decimals)
    integer, _, fraction = text.partition(",")
    assert len(fraction) == decimals
    size = {"trieu": 10**6, "ty": 10**9}[unit]
    shown = int(integer.replace(".", "").replace("-", "") + fraction) * (-1 if text.startswith("-") else 1)
    # shown / 10^decimals is the amount in the unit, rounded: within half a step of the exact value.
    assert abs(shown * size - amount * 10**decimals) * 2 <= size


# --- parse_vnd -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567", 1234567),
        ("1 234 567", 1234567),
        ("1\u00a0234\u00a0567", 1234567),
        ("1234567", 1234567),
        ("1.234.567 đ", 1234567),
        ("1.234.567đ", 1234567),
        ("1.234.567 đồng", 1234567),
        ("1.234.567 VNĐ", 1234567),
        ("1.234.567 ₫", 1234567),
        ("  1.234.567,00 ", 1234567),
        ("1,2 tỷ", 1_200_000_000),
        ("1,2 tỉ", 1_200_000_000),
        ("1,5 triệu", 1_500_000),
        ("1,5 TRIỆU ĐỒNG", 1_500_000),
        ("1,5 trieu", 1_500_000),
        ("250 triệu đồng", 250_000_000),
        ("1.2 tỷ", 1_200_000_000),  # dot not followed by exactly 3 digits + unit: decimal
        ("1.250 tỷ", 1_250_000_000_000),  # dot + 3 digits: thousands, even before a unit
        ("1.2345 triệu", 1_234_500),
        ("2,5 tr", 2_500_000),
        ("2,5tr.", 2_500_000),
        ("500 nghìn", 500_000),
        ("500 ngàn đồng", 500_000),
        ("3 tỷ 200 triệu", 3_200_000_000),
        ("3 tỷ 200 triệu 500 nghìn đồng", 3_200_500_000),
        ("2 nghìn tỷ", 2_000_000_000_000),
        ("1,5 nghìn tỷ", 1_500_000_000_000),
        ("1 500 triệu", 1_500_000_000),
        ("0", 0),
        ("-0", 0),
    ],
)
def test_parse_vnd_examples(text, expected):
    assert parse_vnd(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "đồng",
        "abc",
        "triệu",
        "1,5",  # 1,5 đồng: not a whole number of đồng
        "1.234.567,5",
        "1,0000000005 tỷ",
        "1.2",  # decimal point without a unit
        "1.23.456",
        "1,234,567",
        "1 triệu 500",  # colloquially 1,5 triệu; refused as ambiguous
        "200 triệu 3 tỷ",  # units must decrease
        "3 tỷ 2 tỷ",
        "1 tỷ 2.000 triệu",  # each part must be smaller than the unit before it
        "1 triệu 1,5 triệu",
        "1.234.567 USD",
        "12 34",
        "1e6",
        "١٢٣",
    ],
)
def test_parse_vnd_rejects(text):
    with pytest.raises(ValueError, match="Số tiền không hợp lệ"):
        parse_vnd(text)


def test_parse_vnd_negative_only_when_allowed():
    with pytest.raises(ValueError, match="không được âm"):
        parse_vnd("-1.000")
    assert parse_vnd("-1.000", allow_negative=True) == -1000
    assert parse_vnd("\u22121,5 triệu", allow_negative=True) == -1_500_000


def test_parse_vnd_requires_a_string():
    with pytest.raises(TypeError):
        parse_vnd(1000)


@given(non_negative)
def test_parse_roundtrips_format(amount):
    assert parse_vnd(format_vnd(amount)) == amount
    assert parse_vnd(format_vnd_with_unit(amount)) == amount


@given(amounts)
def test_parse_roundtrips_negative_format(amount):
    assert parse_vnd(format_vnd(amount), allow_negative=True) == amount


@given(non_negative, st.sampled_from([("trieu", 6, "triệu"), ("ty", 9, "tỷ")]))
def test_parse_roundtrips_scaled_format_when_exact(amount, unit_info):
    unit, exact_decimals, word = unit_info
    assert parse_vnd(f"{format_vnd(amount, unit, exact_decimals)} {word}") == amount
    assert parse_vnd(format_vnd_with_unit(amount, unit, exact_decimals)) == amount


@given(non_negative, st.sampled_from([("trieu", 10**6), ("ty", 10**9)]))
def test_parse_of_rounded_scaled_format_is_within_half_a_step(amount, unit_info):
    unit, size = unit_info
    parsed = parse_vnd(format_vnd_with_unit(amount, unit))
    assert abs(parsed - amount) * 200 <= size


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=999))
def test_compound_amounts(billions, millions):
    assert parse_vnd(f"{billions} tỷ {millions} triệu") == billions * 10**9 + millions * 10**6
