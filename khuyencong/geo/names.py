"""Reading a unit name as people write it: type prefixes, their abbreviations and common misspellings.

Pure text functions, no database: `readings(text)` lists the ways a text can be understood, in the order
the resolver tries them (see docs/territory.md, "Nhận diện tên đơn vị").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from khuyencong.core.vietnamese import fold_vi, nfc
from khuyencong.geo.models import UnitType

PROVINCE_TYPES = frozenset({UnitType.TINH, UnitType.THANH_PHO_TW})
CITY_TYPES = frozenset({UnitType.THANH_PHO_TW, UnitType.THANH_PHO_THUOC_TINH})

# Full type words as written with diacritics (matched on the NFC, lower-cased text, longest first).
# Checked with diacritics because folded they collide with real names: "Quan Sơn", "Tĩnh Gia",
# "Xa Dung", "Phường Đúc" (a commune) all begin like a type word.
_WORDS: list[tuple[str, frozenset[str]]] = [
    ("thành phố", CITY_TYPES),
    ("thị trấn", frozenset({UnitType.THI_TRAN})),
    ("thị xã", frozenset({UnitType.THI_XA})),
    ("đặc khu", frozenset({UnitType.DAC_KHU})),
    ("phường", frozenset({UnitType.PHUONG})),
    ("huyện", frozenset({UnitType.HUYEN})),
    ("quận", frozenset({UnitType.QUAN})),
    ("tỉnh", frozenset({UnitType.TINH})),
    ("xã", frozenset({UnitType.XA})),
]
# Abbreviations (ASCII, any case). Two-letter ones may be dotted ("T.P", "T.X."), one-letter ones must be
# followed by a dot or by a number ("H. Chợ Lách", "Q.1", "Q1", "P 12") so that a name such as "X Bình" or
# a one-letter word is never cut.
_TWO_LETTER = {
    "tp": CITY_TYPES,
    "tx": frozenset({UnitType.THI_XA}),
    "tt": frozenset({UnitType.THI_TRAN}),
}
_ONE_LETTER = {
    "h": frozenset({UnitType.HUYEN}),
    "q": frozenset({UnitType.QUAN}),
    "p": frozenset({UnitType.PHUONG}),
    "x": frozenset({UnitType.XA}),
}
_TWO_LETTER_RE = re.compile(r"^(t)\s*\.?\s*([pxt])(?:\s*\.\s*|\s+)(?=\S)")
_ONE_LETTER_RE = re.compile(r"^([hqpx])(?:\s*\.\s*|\s*(?=\d))(?=\S)")
_EDGE_PUNCTUATION = " \t\r\n.,;:-–—/()\"'"
_DASH = re.compile(r"\s*[-–—]\s*")


@dataclass(frozen=True)
class Reading:
    """One way to understand a text: the folded name(s) to look up, and the unit types it allows."""

    names: tuple[str, ...]
    types: frozenset[str] | None = None  # None: any type
    loose: bool = False  # True for readings built from spelling variants, tried last
    text: str = ""  # the name part as written, to prefer units spelled exactly so (see accent_key)


# Look-alikes typed by old fonts, keyboards and autocorrect: "Ð"/"ð" (eth) for "Đ"/"đ", curly and other
# apostrophes for the plain one that stored names use ("Cư M'gar").
_LOOKALIKES = {0x00D0: "Đ", 0x00F0: "đ", **dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u00b4`"), "'")}
_APOSTROPHE = re.compile(r"\s*'\s*")


def clean(text: str) -> str:
    """NFC, collapsed spaces, no surrounding punctuation, look-alikes replaced: "  Tỉnh Bến Tre, " → "Tỉnh Bến
    Tre", "Cư M’gar" → "Cư M'gar"."""
    return " ".join(nfc(text).translate(_LOOKALIKES).split()).strip(_EDGE_PUNCTUATION)


def without_apostrophes(folded: str) -> str:
    """ "cu m'gar" → "cu mgar": minority-language names are also written without their apostrophe."""
    return _APOSTROPHE.sub("", folded)


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def accent_key(text: str) -> str:
    """A case-insensitive key that keeps every diacritic but not where the tone mark sits.

    Folding makes "Phường Đúc" equal "Phượng Dực"; this key keeps them apart while "Hoà Bình" still equals
    "Hòa Bình" (old and new tone placement). Dashes are spaced as in stored names.
    """
    words = []
    for word in _DASH.sub(" - ", nfc(text)).casefold().split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(sorted(ch for ch in decomposed if ch in _TONE_MARKS))
        words.append(unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS)) + tones)
    return " ".join(words)


def has_diacritics(text: str) -> bool:
    """True when `text` carries any diacritic (or đ): only then can it prefer an exact spelling."""
    return fold_vi(text) != " ".join(nfc(text).casefold().split())


def name_keys(name: str) -> tuple[str, ...]:
    """The folded lookup keys of a name: as written, and with dashes spaced both ways.

    Stored names write a dash with spaces ("Bà Rịa - Vũng Tàu", "Phan Rang - Tháp Chàm"); people also
    write "Bà Rịa-Vũng Tàu".
    """
    folded = fold_vi(name)
    keys = [folded]
    if any(dash in folded for dash in "-–—"):
        # "Văn Miếu - Quốc Tử Giám" today was "Văn Miếu Quốc Tử Giám" before 2025.
        keys += [_DASH.sub(" - ", folded), _DASH.sub("-", folded), _DASH.sub(" ", folded)]
    return tuple(dict.fromkeys(key for key in keys if key))


def split_prefix(text: str, *, folded_only: bool = False) -> tuple[frozenset[str], str] | None:
    """(types, rest of the text, lower-cased) when `text` starts with a type word or abbreviation.

    With `folded_only` the type words are also recognised without diacritics ("huyen cho lach"); that
    reading is tried after the plain name, because "Quan Sơn" is a name, not "Quận Sơn".
    """
    subject = fold_vi(text) if folded_only else text.casefold()
    for word, types in _WORDS:
        word = fold_vi(word) if folded_only else word
        if subject.startswith((word + " ", word + ".")):
            return types, subject[len(word) :].lstrip(" .")
    match = _TWO_LETTER_RE.match(subject)
    if match:
        return _TWO_LETTER[match.group(1) + match.group(2)], subject[match.end() :]
    match = _ONE_LETTER_RE.match(subject) or (re.match(r"^[hqpx]\s+(?=\S)", subject) if folded_only else None)
    if match:
        return _ONE_LETTER[subject[0]], subject[match.end() :]
    return None


# Spellings that folding does not reduce: minority-language names written with c for k ("Đắc Lắc",
# "Bắc Cạn", "Con Tum" for "Đắk Lắk", "Bắc Kạn", "Kon Tum"). Tone placement ("Hoà"/"Hòa") and ă/â/a
# differences ("Đăk"/"Đắk"/"Dak") need no rule: folding removes them.
_VARIANT_RULES = [
    (re.compile(r"\bc(?=[aou])"), "k"),
    (re.compile(r"(?<=a)c\b"), "k"),
]


def spelling_variants(folded: str) -> tuple[str, ...]:
    """Other spellings to try when nothing matches `folded` as written."""
    variants = []
    for pattern, replacement in _VARIANT_RULES:
        changed = pattern.sub(replacement, folded)
        if changed != folded:
            variants.append(changed)
    both = folded
    for pattern, replacement in _VARIANT_RULES:
        both = pattern.sub(replacement, both)
    variants.append(both)
    return tuple(dict.fromkeys(variant for variant in variants if variant != folded))


def readings(text: str) -> list[Reading]:
    """The readings of `text`, in the order they are tried.

    1. A type word written with diacritics or an abbreviation ("Huyện Chợ Lách", "TP HCM", "Q.1"): the
       rest of the text, restricted to that type.
    2. The whole text as a name (or an alias: "TP HCM", "Thừa Thiên Huế").
    3. A type word written without diacritics ("huyen cho lach", "tinh ben tre").
    4. Readings 1–3 again with spelling variants (c→k), marked `loose`.
    """
    text = clean(text)
    if not text:
        return []
    strict: list[Reading] = []
    prefixed = split_prefix(text)
    if prefixed and clean(prefixed[1]):
        strict.append(Reading(name_keys(clean(prefixed[1])), prefixed[0], text=clean(prefixed[1])))
    strict.append(Reading(name_keys(text), None, text=text))
    folded_prefixed = split_prefix(text, folded_only=True)
    if folded_prefixed and clean(folded_prefixed[1]):
        reading = Reading(name_keys(clean(folded_prefixed[1])), folded_prefixed[0], text=clean(folded_prefixed[1]))
        if all((reading.names, reading.types) != (other.names, other.types) for other in strict):
            strict.append(reading)
    result = list(strict)
    for reading in strict:
        loose = tuple(dict.fromkeys(variant for name in reading.names for variant in spelling_variants(name)))
        if loose:
            result.append(Reading(loose, reading.types, loose=True))
    return result
