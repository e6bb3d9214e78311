from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.numwords import amount_in_words, number_in_words

# Hand-checked against the rules in the module docstring (common practice on invoices).
EXAMPLES = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (19, "Mười chín đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (31, "Ba mươi mốt đồng"),
    (55, "Năm mươi lăm đồng"),
    (99, "Chín mươi chín đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (104, "Một trăm linh bốn đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (205, "Hai trăm linh năm đồng"),
    (999, "Chín trăm chín mươi chín đồng"),
    (1000, "Một nghìn đồng"),
    (1001, "Một nghìn không trăm linh một đồng"),
    (1010, "Một nghìn không trăm mười đồng"),
    (1015, "Một nghìn không trăm mười lăm đồng"),
    (1100, "Một nghìn một trăm đồng"),
    (1234, "Một nghìn hai trăm ba mươi tư đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (500_500, "Năm trăm nghìn năm trăm đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_000_050, "Một triệu không trăm năm mươi đồng"),
    (1_500_000, "Một triệu năm trăm nghìn đồng"),
    (2_000_001, "Hai triệu không trăm linh một đồng"),
    (25_000_000, "Hai mươi lăm triệu đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_001_000, "Một tỷ không trăm linh một nghìn đồng"),
    (1_000_000_050, "Một tỷ không trăm năm mươi đồng"),
    (1_250_000_000, "Một tỷ hai trăm năm mươi triệu đồng"),
    (1_234_567_890, "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng"),
    (10**12, "Một nghìn tỷ đồng"),
    (1_500 * 10**9, "Một nghìn năm trăm tỷ đồng"),
    (10**12 + 5, "Một nghìn tỷ không trăm linh năm đồng"),
    (10**15, "Một triệu tỷ đồng"),
    (10**18, "Một tỷ tỷ đồng"),
    (-100, "Âm một trăm đồng"),
    (-21_000, "Âm hai mươi mốt nghìn đồng"),
]


@pytest.mark.parametrize(("amount", "words"), EXAMPLES)
def test_amount_in_words_examples(amount, words):
    assert amount_in_words(amount) == words


def test_there_are_at_least_forty_examples():
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize(
    ("n", "options", "words"),
    [
        (105, {"odd_word": "lẻ"}, "một trăm lẻ năm"),
        (1_005_000, {"odd_word": "lẻ"}, "một triệu không trăm lẻ năm nghìn"),
        (24, {"four_word": "bốn"}, "hai mươi bốn"),
        (34_000, {"four_word": "bốn"}, "ba mươi bốn nghìn"),
        (1500, {"thousand_word": "ngàn"}, "một ngàn năm trăm"),
        (10**12, {"thousand_word": "ngàn"}, "một ngàn tỷ"),
        (0, {}, "không"),
        (-5, {}, "âm năm"),
    ],
)
def test_number_in_words_options(n, options, words):
    assert number_in_words(n, **options) == words


@pytest.mark.parametrize("options", [{"odd_word": "lẽ"}, {"four_word": "tu"}, {"thousand_word": "ngan"}])
def test_invalid_options_are_rejected(options):
    with pytest.raises(ValueError):
        number_in_words(1, **options)


@pytest.mark.parametrize("bad", [1.0, "1", True, None])
def test_non_integers_are_rejected(bad):
    with pytest.raises(TypeError):
        amount_in_words(bad)


# --- An independent words → number reader, to check that the words say the number. ----------

DIGIT_WORDS = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}


def read_group(words: list[str]) -> int:
    """Read at most three digits: [d trăm] [linh d | mười [d] | d mươi [d] | d]."""
    value, i = 0, 0
    if len(words) >= 2 and words[1] == "trăm":
        value, i = DIGIT_WORDS[words[0]] * 100, 2
    rest = words[i:]
    if not rest:
        return value
    if rest[0] in ("linh", "lẻ"):
        assert len(rest) == 2
        return value + DIGIT_WORDS[rest[1]]
    if rest[0] == "mười":
        assert len(rest) <= 2
        return value + 10 + (DIGIT_WORDS[rest[1]] if len(rest) == 2 else 0)
    if len(rest) >= 2 and rest[1] == "mươi":
        assert len(rest) <= 3
        return value + DIGIT_WORDS[rest[0]] * 10 + (DIGIT_WORDS[rest[2]] if len(rest) == 3 else 0)
    assert len(rest) == 1
    return value + DIGIT_WORDS[rest[0]]


def read_number(text: str) -> int:
    words = text.split()
    sign = 1
    if words and words[0] == "âm":
        sign, words = -1, words[1:]
    total, below_billion, group = 0, 0, []
    for word in words:
        if word in ("nghìn", "ngàn"):
            below_billion += read_group(group) * 1000
            group = []
        elif word == "triệu":
            below_billion += read_group(group) * 10**6
            group = []
        elif word == "tỷ":  # everything said so far counts tỷ
            total = (total + below_billion + read_group(group)) * 10**9
            below_billion, group = 0, []
        else:
            group.append(word)
    return sign * (total + below_billion + read_group(group))


@pytest.mark.parametrize(("amount", "words"), EXAMPLES)
def test_reader_agrees_with_examples(amount, words):
    assert read_number(words.removesuffix(" đồng").lower()) == amount


integers = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**24), max_value=10**24),
    # numbers with many zero groups exercise the "skip empty group / không trăm" rules
    st.lists(st.sampled_from([0, 0, 0, 1, 5, 10, 15, 21, 24, 105, 999]), min_size=1, max_size=8).map(
        lambda groups: int("".join(f"{g:03d}" for g in groups))
    ),
)


@given(integers)
def test_words_read_back_to_the_number(n):
    assert read_number(number_in_words(n)) == n
    assert read_number(number_in_words(n, odd_word="lẻ", four_word="bốn", thousand_word="ngàn")) == n


@given(integers)
def test_words_follow_the_spelling_rules(n):
    text = number_in_words(n)
    words = text.split()
    assert "  " not in text and text == text.strip()
    pairs = list(pairwise(words))
    assert ("mươi", "một") not in pairs  # 21 is "hai mươi mốt"
    assert ("mười", "mốt") not in pairs  # 11 is "mười một"
    assert ("mươi", "năm") not in pairs and ("mười", "năm") not in pairs  # 15, 25: "lăm"
    assert ("mươi", "bốn") not in pairs  # 24 is "hai mươi tư" by default
    assert ("linh", "lăm") not in pairs and ("linh", "tư") not in pairs  # 105: "linh năm"
    assert ("linh", "mốt") not in pairs
    assert ("không", "mươi") not in pairs and ("một", "mươi") not in pairs
    assert all(
        word in DIGIT_WORDS or word in {"âm", "mười", "mươi", "trăm", "linh", "nghìn", "triệu", "tỷ"} for word in words
    )
    # "lăm", "mốt" and "tư" only ever end a tens pair.
    for i, word in enumerate(words):
        if word in ("lăm", "mốt", "tư"):
            assert i > 0 and words[i - 1] in ("mươi", "mười")


@given(integers)
def test_amount_in_words_is_capitalised_and_ends_with_dong(n):
    text = amount_in_words(n)
    assert text.endswith(" đồng")
    assert text[0].isupper() and text[1:] == text[1:].lower()
    assert text[0].lower() + text[1:] == number_in_words(n) + " đồng"
