import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.vietnamese import collate_vi, fold_vi, nfc, sort_key_vi

TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none, huyền, hỏi, ngã, sắc, nặng
VOWELS = "aăâeêioôơuưy"
CONSONANTS = "bcdđghklmnpqrstvx"
ALPHABET_ORDER = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")

vietnamese_letters = st.one_of(
    st.sampled_from(CONSONANTS),
    st.builds(lambda v, t: unicodedata.normalize("NFC", v + t), st.sampled_from(VOWELS), st.sampled_from(TONES)),
).flatmap(lambda ch: st.sampled_from([ch, ch.upper()]))
vietnamese_text = st.lists(
    st.one_of(vietnamese_letters, st.sampled_from([" ", "  ", "\t", "\u00a0"])), max_size=30
).map("".join)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- nfc -------------------------------------------------------------------------------------


def test_nfc_composes_and_cleans_invisible_characters():
    assert nfc("Vie\u0323\u0302t\u00a0Nam\u200b") == "Việt Nam"
    assert nfc("\ufeffHà\u202fNội\u200d") == "Hà Nội"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
@pytest.mark.parametrize("space", ["\u00a0", "\u2007", "\u202f"])
def test_nfc_cleans_every_invisible_character_and_odd_space(invisible, space):
    assert nfc(f"Cà{space}phê{invisible}") == "Cà phê"
    assert nfc(f"{invisible}ca{space}phe") == "ca phe"  # plain ASCII around them too


@given(vietnamese_text)
def test_nfc_is_idempotent_and_equal_for_nfd_input(text):
    assert nfc(nfd(text)) == nfc(text) == nfc(nfc(text))
    assert "\u00a0" not in nfc(text)


# --- fold_vi ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Cà phê", "ca phe"),
        ("Đắk Lắk", "dak lak"),
        ("ĐẮK LẮK", "dak lak"),
        ("  Thừa   Thiên\tHuế ", "thua thien hue"),
        ("Nguyễn Thị Thủy", "nguyen thi thuy"),
        ("Bà Rịa – Vũng Tàu", "ba ria – vung tau"),
        ("đường ĐỒNG KHỞI", "duong dong khoi"),
        ("Hà\u00a0Nội\u200b", "ha noi"),
        ("", ""),
    ],
)
def test_fold_vi_examples(text, key):
    assert fold_vi(text) == key


def test_fold_vi_nfd_input():
    assert fold_vi(nfd("Quảng Ngãi")) == "quang ngai"


@given(vietnamese_text)
def test_fold_vi_properties(text):
    key = fold_vi(text)
    assert key == fold_vi(nfd(text)) == fold_vi(text.upper()) == fold_vi(text.lower())
    assert key.isascii()
    assert key == fold_vi(key)
    assert "  " not in key and key == key.strip()


# --- sort_key_vi / collate_vi ----------------------------------------------------------------


def test_alphabet_order():
    shuffled = list(reversed(ALPHABET_ORDER))
    assert sorted(shuffled, key=sort_key_vi) == ALPHABET_ORDER


def test_tone_order_is_secondary():
    toned = [unicodedata.normalize("NFC", "a" + tone) for tone in TONES]
    assert toned == ["a", "à", "ả", "ã", "á", "ạ"]
    assert sorted(["ạ", "á", "a", "ã", "à", "ả"], key=sort_key_vi) == toned
    # The base letters decide first: every toned a precedes a plain ă, and "ạc" precedes "ad".
    assert sort_key_vi("ạ") < sort_key_vi("ă")
    assert sort_key_vi("ác") < sort_key_vi("ạc") < sort_key_vi("ad")
    assert sort_key_vi("ma") < sort_key_vi("mà") < sort_key_vi("mả") < sort_key_vi("mã") < sort_key_vi("má")
    assert sort_key_vi("má") < sort_key_vi("mạ") < sort_key_vi("mă")


def test_case_is_tertiary():
    assert sort_key_vi("an") < sort_key_vi("An") < sort_key_vi("àn") < sort_key_vi("ăn")
    assert sorted(["Bình", "bình", "bính", "Bính"], key=sort_key_vi) == ["bình", "Bình", "bính", "Bính"]


def test_digits_and_punctuation_before_letters():
    values = ["a", "Z", "9", "10", "(1)", " ", "-"]
    assert sorted(values, key=sort_key_vi) == [" ", "(1)", "-", "10", "9", "a", "Z"]
    assert sorted(["An Giang", "Anh", "An"], key=sort_key_vi) == ["An", "An Giang", "Anh"]


def test_province_names_in_vietnamese_order():
    names = [
        "Đồng Tháp",
        "Điện Biên",
        "Đà Nẵng",
        "Cần Thơ",
        "Cao Bằng",
        "Cà Mau",
        "Bắc Ninh",
        "Bạc Liêu",
        "An Giang",
    ]
    expected = [
        "An Giang",
        "Bạc Liêu",
        "Bắc Ninh",
        "Cà Mau",
        "Cao Bằng",
        "Cần Thơ",
        "Đà Nẵng",
        "Điện Biên",
        "Đồng Tháp",
    ]
    assert sorted(names, key=sort_key_vi) == expected


def test_sqlite_collation_orders_rows():
    names = ["Đà Nẵng", "Dak", "An Giang", "Ăn", "Âu", "Bình", "Cà Mau", "Duy"]
    connection = sqlite3.connect(":memory:")
    connection.create_collation("vi", collate_vi)
    connection.execute("CREATE TABLE place (name TEXT)")
    connection.executemany("INSERT INTO place VALUES (?)", [(name,) for name in names])
    rows = [name for (name,) in connection.execute("SELECT name FROM place ORDER BY name COLLATE vi")]
    connection.close()
    assert rows == ["An Giang", "Ăn", "Âu", "Bình", "Cà Mau", "Dak", "Duy", "Đà Nẵng"]


@given(vietnamese_text)
def test_sort_key_same_for_nfc_and_nfd(text):
    assert sort_key_vi(nfd(text)) == sort_key_vi(unicodedata.normalize("NFC", text))
    assert collate_vi(nfd(text), text) == 0


@given(vietnamese_text, vietnamese_text)
def test_collate_is_antisymmetric_and_zero_only_for_equal_text(a, b):
    assert collate_vi(a, b) == -collate_vi(b, a)
    assert (collate_vi(a, b) == 0) == (nfc(a) == nfc(b))


@given(vietnamese_text, vietnamese_text, vietnamese_text)
def test_collate_is_transitive(a, b, c):
    ordered = sorted([a, b, c], key=sort_key_vi)
    assert collate_vi(ordered[0], ordered[1]) <= 0
    assert collate_vi(ordered[1], ordered[2]) <= 0
    assert collate_vi(ordered[0], ordered[2]) <= 0


@given(vietnamese_text, vietnamese_text)
def test_base_letters_decide_before_tones_and_case(a, b):
    """Strings whose tone-less, lower-case letters differ are ordered by those letters alone."""

    def letters_only(text):
        decomposed = nfd(nfc(text).lower())
        # every kind of white space has the same primary weight
        return "".join(" " if ch.isspace() else ch for ch in decomposed if ch not in TONES[1:])

    if letters_only(a) != letters_only(b):
        assert collate_vi(a, b) == collate_vi(letters_only(a), letters_only(b))


def test_fold_vi_reads_eth_as_d():
    assert fold_vi("ÐẮK LẮK") == fold_vi("Đắk Lắk") == "dak lak"


def _fold_by_definition(text: str) -> str:
    """fold_vi as its docstring defines it, written the slow, obvious way (the fast one must agree)."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@given(st.one_of(vietnamese_text, st.text(max_size=30), vietnamese_text.map(nfd)))
def test_fold_vi_agrees_with_its_definition_on_any_text(text):
    assert fold_vi(text) == _fold_by_definition(text)
