import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.legacy_text import (
    detect_legacy_encoding,
    tcvn3_to_unicode,
    to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none, huyền, hỏi, ngã, sắc, nặng
VOWELS = "aăâeêioôơuưy"
LOWER_LETTERS = ["đ"] + [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES]
NON_ASCII_LOWER = [letter for letter in LOWER_LETTERS if not letter.isascii()]
TCVN3_CAPITALS = set("ĂÂÊÔƠƯĐ")  # the only non-ASCII capitals TCVN3 (ABC) can write

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh"]
ONSETS += ["p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
RHYME_LINES = (
    "a ai am an ang anh ao ap at au ay ac ach ăm ăn ăng ăp ăt ăc âm ân âng âp ât âc âu ây",
    "e em en eng eo ep et ec ê êm ên ênh êp êt êch êu",
    "i im in inh ip it ich ia iêm iên iêng iêp iêt iêc iêu iu",
    "o oi om on ong op ot oc oa oai oan oang oanh oat oac oay oăn oăng oăt oăc oe oen oet oeo",
    "ô ôi ôm ôn ông ôp ôt ôc ơ ơi ơm ơn ơp ơt u ui um un ung up ut uc ua uân uât uây uê uênh uy uyên uyêt",
    "uynh uyt uya uyu uôi uôm uôn uông uôt uôc ư ưa ưi ưng ưt ưc ươi ươm ươn ương ươp ươt ươc ươu ưu",
    "y yêm yên yêt yêu",
)
RHYMES = " ".join(RHYME_LINES).split()
STOP_CODAS = ("c", "ch", "p", "t")


def make_syllable(onset: str, rhyme: str, tone: int, case: str) -> str:
    """Build a Vietnamese syllable with its tone mark on the vowel that carries it."""
    if rhyme.endswith(STOP_CODAS):
        tone = 4 if tone % 2 else 5  # syllables ending in p/t/c/ch only take sắc or nặng
    positions = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    hats = [i for i in positions if rhyme[i] in "ăâêôơư"]
    has_coda = positions[-1] != len(rhyme) - 1
    if hats:
        at = hats[-1]
    elif has_coda or len(positions) == 1:
        at = positions[-1]
    elif len(positions) == 3:
        at = positions[1]
    else:
        at = positions[-1] if rhyme[:2] in ("oa", "oe", "uy") else positions[0]
    word = unicodedata.normalize("NFC", onset + rhyme[: at + 1] + TONES[tone] + rhyme[at + 1 :])
    return {"lower": word, "title": word[0].upper() + word[1:], "upper": word.upper()}[case]


syllables = st.builds(
    make_syllable,
    st.sampled_from(ONSETS),
    st.sampled_from(RHYMES),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(["lower", "lower", "title", "upper"]),
)
sentences = st.lists(syllables, min_size=1, max_size=8).map(" ".join)
# Words that only use Latin-1 letters look most like legacy text; they exercise the scoring.
latin1_sentences = st.lists(syllables.filter(lambda w: all(ord(ch) < 0x100 for ch in w)), min_size=1, max_size=8).map(
    " ".join
)
vietnamese_chars = st.sampled_from(LOWER_LETTERS + [letter.upper() for letter in LOWER_LETTERS])
mixed_text = st.lists(
    st.one_of(vietnamese_chars, st.sampled_from(list("bcdghklmnpqrstvxBCDGHKLMNPQRSTVX0123456789 ,.-()"))),
    max_size=40,
).map("".join)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def as_tcvn3_can_write(text: str) -> str:
    """What survives TCVN3: toned capitals (no code of their own) become lower case."""
    return "".join(
        ch.lower() if ch.isupper() and not ch.isascii() and ch not in TCVN3_CAPITALS else ch for ch in nfc(text)
    )


# --- Tables ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byte", "letter"),
    [
        (0xA1, "Ă"),
        (0xA2, "Â"),
        (0xA7, "Đ"),
        (0xA8, "ă"),
        (0xAA, "ê"),
        (0xAC, "ơ"),
        (0xAD, "ư"),
        (0xAE, "đ"),
        (0xB5, "à"),
        (0xB6, "ả"),
        (0xB8, "á"),
        (0xB9, "ạ"),
        (0xBE, "ắ"),
        (0xC6, "ặ"),
        (0xCA, "ấ"),
        (0xD0, "é"),
        (0xD5, "ế"),
        (0xD6, "ệ"),
        (0xD7, "ì"),
        (0xDC, "ĩ"),
        (0xDD, "í"),
        (0xDF, "ò"),
        (0xE3, "ó"),
        (0xE9, "ộ"),
        (0xED, "ớ"),
        (0xEF, "ù"),
        (0xF3, "ú"),
        (0xF8, "ứ"),
        (0xFD, "ý"),
        (0xFE, "ỵ"),
    ],
)
def test_tcvn3_table_spot_checks(byte, letter):
    """Values from the TCVN 5712:1993 table (X11 TCVNtoUCS2.c, 0xA0–0xFF)."""
    code = bytes([byte]).decode("cp1252")
    assert tcvn3_to_unicode(code) == letter
    assert unicode_to_tcvn3(letter) == code


def test_tcvn3_has_one_code_per_lowercase_letter():
    codes = [unicode_to_tcvn3(letter) for letter in NON_ASCII_LOWER]
    assert len(NON_ASCII_LOWER) == 67
    assert all(len(code) == 1 and 0xA8 <= ord(code) <= 0xFE for code in codes)
    assert len(set(codes)) == len(codes)
    assert [tcvn3_to_unicode(code) for code in codes] == NON_ASCII_LOWER
    capitals = [unicode_to_tcvn3(letter) for letter in "ĂÂÊÔƠƯĐ"]
    assert [ord(code) for code in capitals] == list(range(0xA1, 0xA8))


@pytest.mark.parametrize(
    ("letter", "spelling"),
    [
        ("á", "aù"),
        ("à", "aø"),
        ("ả", "aû"),
        ("ã", "aõ"),
        ("ạ", "aï"),
        ("â", "aâ"),
        ("ấ", "aá"),
        ("ầ", "aà"),
        ("ẩ", "aå"),
        ("ẫ", "aã"),
        ("ậ", "aä"),
        ("ă", "aê"),
        ("ắ", "aé"),
        ("ằ", "aè"),
        ("ẳ", "aú"),
        ("ẵ", "aü"),
        ("ặ", "aë"),
        ("ơ", "ô"),
        ("ớ", "ôù"),
        ("ư", "ö"),
        ("ự", "öï"),
        ("đ", "ñ"),
        ("Đ", "Ñ"),
        ("í", "í"),
        ("ì", "ì"),
        ("ỉ", "æ"),
        ("ĩ", "ó"),
        ("ị", "ò"),
        ("ỵ", "î"),
        ("ý", "yù"),
        ("Ấ", "AÁ"),
        ("Ở", "ÔÛ"),
        ("Ị", "Ò"),
    ],
)
def test_vni_table_spot_checks(letter, spelling):
    """Values from the VNI-Windows table (xvnkb vni.h)."""
    assert unicode_to_vni(letter) == spelling
    assert vni_to_unicode(spelling) == letter


def test_vni_spellings_are_distinct_and_short():
    letters = NON_ASCII_LOWER + [letter.upper() for letter in NON_ASCII_LOWER]
    spellings = [unicode_to_vni(letter) for letter in letters]
    assert all(1 <= len(spelling) <= 2 for spelling in spellings)
    assert len(set(spellings)) == len(spellings) == 134


# --- Concrete conversions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        (b"C\xb5 ph\xaa", "Cà phê"),
        (b"B\xb6o Th\xbeng", "Bảo Thắng"),
        (b"M\xad\xeang Kh\xad\xacng", "Mường Khương"),
        (b"C\xe9ng ho\xb5 x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        (b"\xa7\xbek L\xbek", "Đắk Lắk"),
        (b"Ch\xad\xacng tr\xd7nh khuy\xd5n c\xabng qu\xe8c gia", "Chương trình khuyến công quốc gia"),
        # Typed in the capitals font .VnTimeH: toned capitals come back in lower case.
        (b"H\xb5 N\xe9I", "Hà NộI"),
    ],
)
def test_tcvn3_examples(legacy, unicode):
    text = legacy.decode("cp1252")  # how the cell reaches us: legacy bytes read as Windows-1252
    assert tcvn3_to_unicode(text) == unicode
    assert to_unicode(text) == unicode


def test_tcvn3_cafe_is_mu_and_feminine_ordinal():
    assert unicode_to_tcvn3("Cà phê") == "Cµ phª"


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Caø pheâ", "Cà phê"),
        ("Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("Ñaék Laék", "Đắk Lắk"),
        ("Ngöôøi öôùp", "Người ướp"),
        ("CHÖÔNG TRÌNH KHUYEÁN COÂNG", "CHƯƠNG TRÌNH KHUYẾN CÔNG"),
        ("Sôû Coâng Thöông tænh Quaûng Ngaõi", "Sở Công Thương tỉnh Quảng Ngãi"),
    ],
)
def test_vni_examples(legacy, unicode):
    assert vni_to_unicode(legacy) == unicode
    assert to_unicode(legacy) == unicode


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hello, world",
        "Cà phê",
        "Hoà",  # also VNI for "Hồ", but already valid: left alone
        "cá",  # also TCVN3 for "cỏ"
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        unicodedata.normalize("NFD", "Cà phê sữa"),
        "Café au lait",
        "naïve",
        "São Paulo",
        "Zürich",
        "Søren",
        "© 2024 Công ty",
        "25°C, ½ kg",
        "«Tôi»",
    ],
)
def test_correct_or_foreign_text_is_not_detected(text):
    assert detect_legacy_encoding(text) is None
    assert to_unicode(text) == nfc(text)


def test_single_ambiguous_word_is_not_guessed():
    assert unicode_to_tcvn3("cỏ") == "cá"
    assert detect_legacy_encoding("cá") is None


# --- Properties ------------------------------------------------------------------------------


@given(mixed_text)
def test_vni_roundtrip_is_exact(text):
    assert vni_to_unicode(unicode_to_vni(text)) == nfc(text)
    assert vni_to_unicode(unicode_to_vni(unicodedata.normalize("NFD", text))) == nfc(text)


@given(mixed_text)
def test_tcvn3_roundtrip_up_to_toned_capitals(text):
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == as_tcvn3_can_write(text)


@given(mixed_text)
def test_tcvn3_roundtrip_is_exact_without_toned_capitals(text):
    lower = text.lower()
    assert tcvn3_to_unicode(unicode_to_tcvn3(lower)) == nfc(lower)


@given(st.one_of(sentences, latin1_sentences))
def test_unicode_vietnamese_is_never_detected(text):
    assert detect_legacy_encoding(text) is None
    assert detect_legacy_encoding(unicodedata.normalize("NFD", text)) is None
    assert to_unicode(text) == nfc(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_ascii_is_never_detected(text):
    assert detect_legacy_encoding(text) is None


@given(st.one_of(sentences, latin1_sentences))
def test_detection_is_never_wrong(text):
    tcvn3 = unicode_to_tcvn3(text)
    vni = unicode_to_vni(text)
    assert detect_legacy_encoding(tcvn3) in ("tcvn3", None)
    assert detect_legacy_encoding(vni) in ("vni", None)
    if detect_legacy_encoding(tcvn3) == "tcvn3":
        assert to_unicode(tcvn3) == as_tcvn3_can_write(text)
    if detect_legacy_encoding(vni) == "vni":
        assert to_unicode(vni) == nfc(text)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detection_finds_the_encoding_of_real_sentences(encoding):
    encode = {"tcvn3": unicode_to_tcvn3, "vni": unicode_to_vni}[encoding]
    samples = [
        "Chương trình khuyến công quốc gia giai đoạn 2021 – 2025",
        "Hỗ trợ máy móc thiết bị cho cơ sở sản xuất",
        "Xây dựng mô hình trình diễn kỹ thuật",
        "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu",
        "CÔNG TY TNHH MỘT THÀNH VIÊN CƠ KHÍ",
        "Hợp tác xã chế biến cà phê Đắk Lắk",
        "Tổng kinh phí: một tỷ hai trăm triệu đồng",
        "Sở Công Thương tỉnh Bến Tre",
        "Kế hoạch năm",
        "Đề án",
    ]
    for sample in samples:
        assert detect_legacy_encoding(encode(sample)) == encoding, sample


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detection_rate_on_generated_sentences(encoding):
    """Four or more syllables are nearly always enough evidence (seeded, so deterministic)."""
    encode = {"tcvn3": unicode_to_tcvn3, "vni": unicode_to_vni}[encoding]
    rng = random.Random(20250701)
    found = tried = 0
    while tried < 2000:
        words = [
            make_syllable(
                rng.choice(ONSETS),
                rng.choice(RHYMES),
                rng.randrange(6),
                rng.choice(["lower", "title", "upper"]),
            )
            for _ in range(rng.randint(4, 8))
        ]
        encoded = encode(" ".join(words))
        if encoded.isascii():
            continue
        tried += 1
        found += detect_legacy_encoding(encoded) == encoding
    assert found / tried >= 0.99
