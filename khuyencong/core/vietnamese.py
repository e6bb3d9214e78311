"""Vietnamese text helpers: normalisation, search keys and alphabetical collation.

Data arrives from Excel, web forms and copy-paste in NFC or NFD, with stray zero-width characters
and non-breaking spaces. Search must ignore case and diacritics ("ca phe" finds "Cà phê"), while
lists must follow Vietnamese dictionary order (a < ă < â < b …), which neither code-point order
nor the C locale gives.
"""

import re
import unicodedata
from functools import lru_cache

__all__ = ["char_weights", "collate_vi", "fold_vi", "has_combining_mark", "nfc", "sort_key_vi"]

# Zero-width characters removed outright; they are invisible and break equality and search.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Non-breaking and fixed-width spaces that Excel and Word insert; they should behave as spaces.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f"), " ")
_CLEAN_TABLE = {**_ZERO_WIDTH, **_SPACES}
# Whether a text holds one of them at all: a search in C, where `translate` looks every character up in a dict
# (an import asks `nfc` of some ten cells a row, nearly all of which hold none: ≈ 7× faster that way).
_TO_CLEAN = re.compile("[" + "".join(map(chr, _CLEAN_TABLE)) + "]")

# Ð/ð (eth) stand in for Đ/đ in text typed with old fonts or converted from legacy encodings.
_D_STROKE = {ord("đ"): "d", ord("Đ"): "D", ord("Ð"): "D", ord("ð"): "d"}
_FOLD_TABLE = {**_CLEAN_TABLE, **_D_STROKE}
# The Combining Diacritical Marks block, less U+034F (grapheme joiner: combining class 0, kept as before).
_BASIC_MARKS = dict.fromkeys(code for code in range(0x0300, 0x0370) if code != 0x034F)

# Combining marks that turn a base letter into a separate Vietnamese letter (primary difference).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_LETTER_MARKS = {_BREVE, _CIRCUMFLEX, _HORN}
# Tone marks in common dictionary order: none < huyền < hỏi < ngã < sắc < nặng.
_TONE_WEIGHT = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_OTHER_MARK_WEIGHT = 6  # any non-Vietnamese accent (ü, ç, …) sorts after all tones

# The Vietnamese alphabet with the Latin-only letters f, j, w, z slotted into their Latin positions.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}

# Primary weight tiers: space < punctuation/symbols < digits < Latin/Vietnamese letters < other letters.
_TIER_PUNCT = 1
_TIER_DIGIT = 0x110001
_TIER_LATIN = 0x120000
_TIER_OTHER = 0x130000


def nfc(text: str) -> str:
    """Return ``text`` in NFC with zero-width characters removed and non-breaking spaces as spaces.

    NFC makes visually identical strings (precomposed "ệ" vs "e" + marks) compare equal.
    """
    if _TO_CLEAN.search(text):
        text = text.translate(_CLEAN_TABLE)
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=16384)
def fold_vi(text: str) -> str:
    """Return a case- and diacritic-insensitive search key ("ĐẮK LẮK" → "dak lak").

    đ/Đ do not decompose in Unicode, so they are mapped to d explicitly; every combining mark is
    dropped. Written without unidecode (GPL) on purpose.
    """
    # NFD(NFC(x)) is NFD(x), so one normalisation does. The marks Vietnamese uses (U+0300–U+036F) go by one
    # translate; only text still holding other non-ASCII characters is walked character by character.
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    stripped = decomposed.translate(_BASIC_MARKS)
    if not stripped.isascii():
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _split_clusters(text: str) -> list[tuple[str, str]]:
    """Split NFD text into (base character, following combining marks) pairs."""
    clusters: list[tuple[str, str]] = []
    for ch in text:
        if unicodedata.combining(ch) and clusters:
            base, marks = clusters[-1]
            clusters[-1] = (base, marks + ch)
        elif not unicodedata.combining(ch):
            clusters.append((ch, ""))
        # A combining mark with no base character has nothing to attach to and carries no order.
    return clusters


def _primary(base: str, marks: str) -> int:
    lower = base.lower()
    if lower.isalpha():
        letter = lower + "".join(m for m in marks if m in _LETTER_MARKS)
        letter = unicodedata.normalize("NFC", letter)
        if letter in _LETTER_RANK:
            return _TIER_LATIN + _LETTER_RANK[letter]
        if lower in _LETTER_RANK:  # a Latin letter with a non-Vietnamese modifier, e.g. "ŏ"
            return _TIER_LATIN + _LETTER_RANK[lower]
        return _TIER_OTHER + ord(lower)
    if base.isspace():
        return 0
    if base.isdigit():
        return _TIER_DIGIT + unicodedata.digit(base, 0)
    return _TIER_PUNCT + ord(base)


def _secondary(marks: str) -> int:
    weight = 0
    for mark in marks:
        if mark in _TONE_WEIGHT:
            weight = max(weight, _TONE_WEIGHT[mark])
        elif mark not in _LETTER_MARKS:
            weight = max(weight, _OTHER_MARK_WEIGHT)
    return weight


@lru_cache(maxsize=8192)
def sort_key_vi(text: str) -> tuple:
    """Return a key that sorts strings in Vietnamese dictionary order.

    Levels, as in the Unicode Collation Algorithm:
    1. letters: a < ă < â < b < c < d < đ < e < ê < (f) < g < h < i < (j) < k < l < m < n < o < ô < ơ
       < p < q < r < s < t < u < ư < v < (w) < x < y < (z); spaces sort before punctuation, which
       sorts before digits (compared digit by digit), which sort before letters;
    2. tones, in common dictionary order: none < huyền < hỏi < ngã < sắc < nặng;
    3. case: lower before upper;
    4. the NFC text itself, so that only identical strings compare equal (stable ORDER BY).
    NFC and NFD spellings give the same key.
    """
    clean = nfc(text)
    weights = _text_weights(clean)
    primary, secondary, tertiary = (tuple(level) for level in zip(*weights, strict=True)) if weights else ((), (), ())
    return (primary, secondary, tertiary, clean)


def has_combining_mark(clean: str) -> bool:
    """Whether NFC text still holds a combining mark (one NFC could not compose: rare outside test data)."""
    return any(map(unicodedata.combining, clean))


def _text_weights(clean: str) -> list[tuple[int, int, int]]:
    """The weights of every character cluster of NFC text. The NFD of such text is the NFD of each character
    in turn as long as no character is a combining mark (which would join the previous cluster, or be
    reordered with its marks), so weights are then taken per character, cached."""
    if has_combining_mark(clean):
        return [_weights(base, marks) for base, marks in _split_clusters(unicodedata.normalize("NFD", clean))]
    return [weight for ch in clean for weight in char_weights(ch)]


@lru_cache(maxsize=4096)
def char_weights(ch: str) -> tuple[tuple[int, int, int], ...]:
    """The (primary, secondary, tertiary) weights of the clusters one NFC character decomposes into: one
    cluster, but a Hangul syllable gives more."""
    return tuple(_weights(base, marks) for base, marks in _split_clusters(unicodedata.normalize("NFD", ch)))


@lru_cache(maxsize=4096)
def _weights(base: str, marks: str) -> tuple[int, int, int]:
    """The three weights of one character with its marks (a few hundred distinct ones in Vietnamese text)."""
    return _primary(base, marks), _secondary(marks), int(base.isupper())


def collate_vi(a: str, b: str) -> int:
    """Compare two strings in Vietnamese order; usable with ``sqlite3.Connection.create_collation``."""
    key_a, key_b = sort_key_vi(a), sort_key_vi(b)
    return (key_a > key_b) - (key_a < key_b)
