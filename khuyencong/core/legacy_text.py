"""Repair Vietnamese text typed in the legacy TCVN3 (ABC) and VNI-Windows encodings.

Spreadsheets from the 1990s–2000s were typed with fonts such as .VnTime (TCVN3) or VNI-Times (VNI);
the file stores the legacy byte values, which reach us as Unicode strings whose characters are those
bytes read as Windows-1252/Latin-1: "Cà phê" arrives as "Cµ phª" (TCVN3) or "Caø pheâ" (VNI).

TCVN3 here means the 8-bit subset of TCVN 5712:1993 used by the ABC fonts (VN3): every lowercase
Vietnamese letter has its own byte in 0xA8–0xFE, but among capitals only Ă Â Ê Ô Ơ Ư Đ (0xA1–0xA7)
exist. Capitals with a tone mark (Á, Ế, …) have no code: users switched to a capitals font such as
.VnTimeH, which draws the lowercase codes as capitals. Converted text therefore has those letters in
lower case ("Hµ NéI" → "Hà NộI"); the information needed to do better is not in the text.
:func:`unicode_to_tcvn3` writes such capitals with the lowercase code, as .VnTimeH users typed them.

VNI writes each letter as an ASCII base letter followed by at most one Latin-1 "mark" character
(á = "aù", ấ = "aá", ặ = "aë"); ơ, ư, đ and the toned i/ỵ are single characters. It has full case.

The TCVN3 table was checked code by code against the TCVN 5712 table in X11's TCVNtoUCS2.c
(0xA0–0xFF), the VNI table against vni.h of the xvnkb keyboard driver.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from typing import Literal

__all__ = [
    "LegacyEncoding",
    "detect_legacy_encoding",
    "tcvn3_to_unicode",
    "to_unicode",
    "unicode_to_tcvn3",
    "unicode_to_vni",
    "vni_to_unicode",
]

LegacyEncoding = Literal["tcvn3", "vni"]

# Tone marks in the order both legacy tables list them: huyền, hỏi, ngã, sắc, nặng.
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def _toned(vowel: str, tone_index: int) -> str:
    return unicodedata.normalize("NFC", vowel + _TONES[tone_index])


# --- TCVN3 (ABC) -------------------------------------------------------------------------------
# Byte values of each lowercase vowel with tones huyền, hỏi, ngã, sắc, nặng.
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
# The letters without tone that are not ASCII, capitals at 0xA1–0xA7 and lowercase at 0xA8–0xAE.
_TCVN3_PLAIN = "ĂÂÊÔƠƯĐăâêôơưđ"

_TCVN3_DECODE: dict[str, str] = {chr(0xA1 + i): letter for i, letter in enumerate(_TCVN3_PLAIN)}
for _vowel, _codes in _TCVN3_TONED.items():
    _TCVN3_DECODE.update({chr(code): _toned(_vowel, i) for i, code in enumerate(_codes)})

_TCVN3_ENCODE: dict[int, str] = {ord(letter): code for code, letter in _TCVN3_DECODE.items()}
# Toned capitals have no code: use the lowercase one, as typed with a capitals font (.VnTimeH).
_TCVN3_ENCODE.update(
    {ord(letter.upper()): code for code, letter in _TCVN3_DECODE.items() if letter not in _TCVN3_PLAIN}
)
_TCVN3_DECODE_TABLE = {ord(code): letter for code, letter in _TCVN3_DECODE.items()}

# --- VNI-Windows -------------------------------------------------------------------------------
# Marks following the base letter, for no tone, then huyền, hỏi, ngã, sắc, nặng.
_VNI_TONE_MARKS = ("", "ø", "û", "õ", "ù", "ï")
_VNI_CIRCUMFLEX_MARKS = ("â", "à", "å", "ã", "á", "ä")
_VNI_BREVE_MARKS = ("ê", "è", "ú", "ü", "é", "ë")
_VNI_SPELLING = {
    "a": [f"a{m}" for m in _VNI_TONE_MARKS],
    "ă": [f"a{m}" for m in _VNI_BREVE_MARKS],
    "â": [f"a{m}" for m in _VNI_CIRCUMFLEX_MARKS],
    "e": [f"e{m}" for m in _VNI_TONE_MARKS],
    "ê": [f"e{m}" for m in _VNI_CIRCUMFLEX_MARKS],
    "i": ["i", "ì", "æ", "ó", "í", "ò"],
    "o": [f"o{m}" for m in _VNI_TONE_MARKS],
    "ô": [f"o{m}" for m in _VNI_CIRCUMFLEX_MARKS],
    "ơ": [f"ô{m}" for m in _VNI_TONE_MARKS],
    "u": [f"u{m}" for m in _VNI_TONE_MARKS],
    "ư": [f"ö{m}" for m in _VNI_TONE_MARKS],
    "y": [f"y{m}" for m in _VNI_TONE_MARKS[:5]] + ["î"],
}

_VNI_ENCODE: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
for _vowel, _spellings in _VNI_SPELLING.items():
    for _tone, _spelling in enumerate(_spellings):
        _letter = _vowel if _tone == 0 else _toned(_vowel, _tone - 1)
        if _letter != _spelling:
            _VNI_ENCODE[_letter] = _spelling
            _VNI_ENCODE[_letter.upper()] = _spelling.upper()
_VNI_DECODE = {spelling: letter for letter, spelling in _VNI_ENCODE.items()}
_VNI_DECODE_RE = re.compile("|".join(sorted(map(re.escape, _VNI_DECODE), key=len, reverse=True)))
_VNI_ENCODE_TABLE = {ord(letter): spelling for letter, spelling in _VNI_ENCODE.items()}


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) text to NFC Unicode; toned capitals come out in lower case (see module)."""
    return unicodedata.normalize("NFC", text.translate(_TCVN3_DECODE_TABLE))


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text to NFC Unicode."""
    return unicodedata.normalize("NFC", _VNI_DECODE_RE.sub(lambda m: _VNI_DECODE[m.group()], text))


def unicode_to_tcvn3(text: str) -> str:
    """Encode Vietnamese text as TCVN3 (ABC), e.g. to build test fixtures; other characters pass through."""
    return unicodedata.normalize("NFC", text).translate(_TCVN3_ENCODE)


def unicode_to_vni(text: str) -> str:
    """Encode Vietnamese text as VNI-Windows, e.g. to build test fixtures; other characters pass through."""
    return unicodedata.normalize("NFC", text).translate(_VNI_ENCODE_TABLE)


# --- Detection ---------------------------------------------------------------------------------
# Detection decodes the text both ways and keeps the reading that leaves fewest implausible words.
# A word is plausible when it contains only Vietnamese or ASCII letters, has at most one tone mark,
# has the shape (onset)(vowel cluster)(final consonant) of a Vietnamese syllable and no upper-case
# letter directly after a lower-case one. Plain Unicode wins ties, so correct text — whose words are
# already plausible — is never "converted".

_VI_LOWER = "đ" + "".join(_VOWELS) + "".join(_toned(vowel, i) for vowel in _VOWELS for i in range(5))
_VI_LETTERS = frozenset(_VI_LOWER + _VI_LOWER.upper())
# Letters only correct Unicode can contain: legacy text is confined to Latin-1.
_UNICODE_ONLY = frozenset(ch for ch in _VI_LETTERS if ord(ch) > 0xFF)
_TONE_SET = frozenset(_TONES)
# Characters only one of the two encodings uses: their presence rules the other one out.
_TCVN3_CODES = frozenset(_TCVN3_DECODE)
_VNI_SPELLED = "ñ" + "".join(spelling for spellings in _VNI_SPELLING.values() for spelling in spellings)
_VNI_CODES = frozenset(_VNI_SPELLED + _VNI_SPELLED.upper()) - frozenset("aeiouyAEIOUY")
_TCVN3_ONLY = _TCVN3_CODES - _VNI_CODES
_VNI_ONLY = _VNI_CODES - _TCVN3_CODES

_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    # vowel clusters ending in a glide, or ia/ua/ưa: never followed by a final consonant
    r"(?:iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyu|uêu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu"
    # clusters that need a final consonant
    r"|(?:uyê|iê|yê|uô|ươ|oă|uâ|oo|ă|â)(?P<coda>ch|ng|nh|[ckmnpt])"
    # clusters with an optional final consonant (k only in place names such as Đắk Lắk)
    r"|(?:oa|oe|uê|uy|uơ|[aeêioôơuưy])(?P<coda2>ch|ng|nh|[ckmnpt])?)"
)
_STOP_CODAS = frozenset(("c", "ch", "k", "p", "t"))
_STOP_TONES = frozenset(("\u0301", "\u0323"))  # a syllable ending in p/t/c/ch takes sắc or nặng

# Runs of characters that are not spaces, digits or ASCII punctuation; legacy codes such as "¸"
# are punctuation in Latin-1 but letters in TCVN3, so they must stay inside words.
_WORD_RE = re.compile(r"[^\s!-@\[-`{-~]+")


def _is_plausible(word: str, check_case: bool) -> bool:
    if any(not (ch.isascii() and ch.isalpha()) and ch not in _VI_LETTERS for ch in word):
        return False
    if check_case and any(a.islower() and b.isupper() for a, b in pairwise(word)):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONE_SET]
    if len(tones) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_SET))
    match = _SYLLABLE_RE.fullmatch(toneless)
    if match is None:
        return False
    coda = match.group("coda") or match.group("coda2")
    return coda not in _STOP_CODAS or bool(tones) and tones[0] in _STOP_TONES


@lru_cache(maxsize=4096)  # the same texts recur (headers, samples); import cells are cached by clean_text
def detect_legacy_encoding(text: str) -> LegacyEncoding | None:
    """Guess whether ``text`` is TCVN3 or VNI read as Latin-1; None for Unicode, ASCII or no evidence.

    Each word is decoded both ways; the encoding whose reading leaves strictly fewer implausible
    words than both the text as it stands and the other encoding wins. A character that only one
    encoding uses rules the other out. Isolated words are often valid in several readings ("cá"
    is also TCVN3 for "cỏ"); then the answer is None rather than a guess. Conversely a lone
    foreign word can be misread: "µm" is TCVN3 for the plausible syllable "àm".
    """
    if text.isascii() or any(ch in _UNICODE_ONLY or unicodedata.combining(ch) for ch in text):
        return None
    candidates: dict[LegacyEncoding, int] = {}
    if not any(ch in _VNI_ONLY for ch in text):
        candidates["tcvn3"] = 0
    if not any(ch in _TCVN3_ONLY for ch in text):
        candidates["vni"] = 0
    raw = 0
    for word in _WORD_RE.findall(text):
        if word.isascii() or not any(ch.isalpha() for ch in word):
            continue  # unchanged by both decoders, or a lone symbol such as "©" or "°"
        raw += not _is_plausible(word, check_case=True)
        if "tcvn3" in candidates:
            # TCVN3 cannot mark toned capitals, so mixed case is normal in its decoded output.
            candidates["tcvn3"] += not _is_plausible(tcvn3_to_unicode(word), check_case=False)
        if "vni" in candidates:
            candidates["vni"] += not _is_plausible(vni_to_unicode(word), check_case=True)
    ranked = sorted(candidates.items(), key=lambda item: item[1])
    if not ranked or ranked[0][1] >= raw or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def to_unicode(text: str) -> str:
    """Return ``text`` as NFC Unicode, converting it first if it looks like TCVN3 or VNI."""
    encoding = detect_legacy_encoding(text)
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text)
    if encoding == "vni":
        return vni_to_unicode(text)
    return unicodedata.normalize("NFC", text)
