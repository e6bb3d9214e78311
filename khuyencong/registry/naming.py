"""Names of establishments as people write them: search keys, duplicate keys, legal form from words.

"HTX Mây tre đan Phú Vinh", "Hợp tác xã mây tre đan Phú Vinh" and "Hop tac xa May Tre Dan Phu Vinh" are the
same establishment: the duplicate key drops case, diacritics and the legal-form words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from khuyencong.core.vietnamese import char_weights, fold_vi, has_combining_mark, nfc, sort_key_vi
from khuyencong.registry.models import LegalForm

# Folded legal-form words, longest first; matched as whole words at the start of a name.
_FORM_WORDS: list[tuple[str, str]] = [
    ("lien hiep hop tac xa", LegalForm.COOPERATIVE_UNION),
    ("lien hiep htx", LegalForm.COOPERATIVE_UNION),
    ("cong ty trach nhiem huu han mot thanh vien", LegalForm.ENTERPRISE),
    ("cong ty trach nhiem huu han", LegalForm.ENTERPRISE),
    ("cong ty tnhh mtv", LegalForm.ENTERPRISE),
    ("cong ty tnhh", LegalForm.ENTERPRISE),
    ("cong ty co phan", LegalForm.ENTERPRISE),
    ("cong ty cp", LegalForm.ENTERPRISE),
    ("cong ty hop danh", LegalForm.ENTERPRISE),
    ("cong ty", LegalForm.ENTERPRISE),
    ("doanh nghiep tu nhan", LegalForm.ENTERPRISE),
    ("doanh nghiep", LegalForm.ENTERPRISE),
    ("dntn", LegalForm.ENTERPRISE),
    ("ctcp", LegalForm.ENTERPRISE),
    ("cty tnhh", LegalForm.ENTERPRISE),
    ("cty cp", LegalForm.ENTERPRISE),
    ("cty", LegalForm.ENTERPRISE),
    ("tnhh", LegalForm.ENTERPRISE),
    ("hop tac xa", LegalForm.COOPERATIVE),
    ("htx", LegalForm.COOPERATIVE),
    ("to hop tac", LegalForm.COOPERATIVE_GROUP),
    ("tht", LegalForm.COOPERATIVE_GROUP),
    ("ho kinh doanh ca the", LegalForm.HOUSEHOLD),
    ("ho kinh doanh", LegalForm.HOUSEHOLD),
    ("hkd", LegalForm.HOUSEHOLD),
    ("ho san xuat", LegalForm.HOUSEHOLD),
    ("co so san xuat", LegalForm.HOUSEHOLD),
    ("co so", LegalForm.HOUSEHOLD),
    ("nghe nhan", LegalForm.ARTISAN),
]
# What people type in a "Loại hình" column, folded, beyond the words above.
_FORM_LABELS: dict[str, str] = {
    "dn": LegalForm.ENTERPRISE,
    "doanh nghiep nho va vua": LegalForm.ENTERPRISE,
    "dnnvv": LegalForm.ENTERPRISE,
    "ho ca the": LegalForm.HOUSEHOLD,
    "ho gia dinh": LegalForm.HOUSEHOLD,
    "ca nhan": LegalForm.ARTISAN,
    "nghe nhan/ca nhan": LegalForm.ARTISAN,
    "nghe nhan / ca nhan": LegalForm.ARTISAN,
}
for _value, _label in LegalForm.choices:
    _FORM_LABELS[fold_vi(str(_label))] = _value
    _FORM_LABELS[_value.replace("_", " ")] = _value
_FORM_LABELS.update(dict(_FORM_WORDS))

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def clean_name(text: str) -> str:
    """NFC with single spaces: the stored form of any name."""
    return " ".join(nfc(text or "").split())


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """The duplicate key: folded, punctuation removed, leading legal-form words dropped. Cached: an import
    asks it of a row's name in its checks and again when writing the row, a chunk of 500 rows apart."""
    folded = " ".join(_PUNCTUATION.sub(" ", fold_vi(name)).split())
    for words, _form in _FORM_WORDS:
        if folded == words:
            return folded
        if folded.startswith(words + " "):
            return folded[len(words) + 1 :]
    return folded


def search_text(*parts: str) -> str:
    """The folded text the search box looks in."""
    return " | ".join(fold_vi(part) for part in parts if part)


def legal_form_from_label(text: str) -> str | None:
    """The legal form a "Loại hình" cell names ("HTX", "Hộ kinh doanh", "doanh_nghiep"), or None."""
    folded = " ".join(fold_vi(text or "").replace(".", " ").split())
    return _FORM_LABELS.get(folded)


def legal_form_from_name(name: str) -> str | None:
    """The legal form an establishment's name starts with ("Công ty TNHH …" → doanh nghiệp), or None."""
    folded = " ".join(_PUNCTUATION.sub(" ", fold_vi(name or "")).split())
    for words, form in _FORM_WORDS:
        if folded == words or folded.startswith(words + " "):
            return form
    return None


# Tiers of sort_key_vi's primary weights (core/vietnamese.py), each encoded as one tier character then a
# fixed number of ASCII characters, all above the level separator " ", so that comparing the encoded
# strings byte by byte (SQLite's BINARY) orders exactly as comparing the keys.
_LATIN, _DIGIT, _PUNCT, _OTHER = 0x120000, 0x110001, 1, 0x130000


def _base90(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 90)
        digits.append(chr(0x21 + digit))
    return "".join(reversed(digits))


def _primary_code(weight: int) -> str:
    if weight == 0:
        return "!"  # a space
    if weight < _DIGIT:
        return '"' + _base90(weight - _PUNCT, 4)
    if weight < _LATIN:
        return "#" + chr(0x30 + weight - _DIGIT)
    if weight < _OTHER:
        return "$" + chr(0x30 + weight - _LATIN)
    return "%" + _base90(weight - _OTHER, 4)


def _codes(weights) -> tuple[str, str, str]:
    """The three encoded levels of a run of (primary, secondary, tertiary) weights."""
    return (
        "".join(_primary_code(primary) for primary, _, _ in weights),
        "".join(chr(0x30 + secondary) for _, secondary, _ in weights),
        "".join(chr(0x30 + tertiary) for _, _, tertiary in weights),
    )


@lru_cache(maxsize=4096)
def _char_codes(ch: str) -> tuple[str, str, str]:
    return _codes(char_weights(ch))


def sort_key(name: str) -> str:
    """`sort_key_vi(name)` as a string whose plain byte order is Vietnamese dictionary order: stored in
    `Establishment.name_sort` so that SQLite sorts 300,000 names by an index instead of calling the Python
    collation for every comparison (PostgreSQL sorts by its ICU collation index). Encoded per character,
    cached (an import computes it for every row); text with a loose combining mark goes the long way."""
    clean = nfc(name)
    if has_combining_mark(clean):
        primary, secondary, tertiary, clean = sort_key_vi(clean)
        levels = _codes(list(zip(primary, secondary, tertiary, strict=True)))
    else:
        per_char = [_char_codes(ch) for ch in clean]
        levels = tuple("".join(level) for level in zip(*per_char, strict=True)) if per_char else ("", "", "")
    return " ".join((*levels, clean))
