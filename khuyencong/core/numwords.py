"""Vietnamese numbers in words, as written on official documents ("Số tiền bằng chữ").

Rules, following common practice on invoices and state budget forms:

* 0 in the tens place before a non-zero unit is "linh" (``odd_word="lẻ"`` for the southern usage):
  105 → "một trăm linh năm"; after "linh" the digits are plain: 104 → "một trăm linh bốn".
* 10–19 use "mười", 20–90 use "<digit> mươi".
* Unit 1 is "mốt" after "mươi" (21 → "hai mươi mốt") but "một" after "mười" (11 → "mười một").
* Unit 4 is "tư" after "mươi" (24 → "hai mươi tư"; ``four_word="bốn"`` to avoid it), "bốn" elsewhere.
* Unit 5 is "lăm" after "mười"/"mươi" (15 → "mười lăm", 25 → "hai mươi lăm"), "năm" elsewhere.
* Groups of three digits take "nghìn" (``thousand_word="ngàn"``), "triệu", "tỷ". Above a tỷ the
  count of tỷ is read as a number in its own right: 10^12 → "một nghìn tỷ", 1,5·10^12 →
  "một nghìn năm trăm tỷ", 10^15 → "một triệu tỷ".
* Groups that are all zeros are skipped entirely (1 000 000 000 → "một tỷ"). Every non-zero group
  after the leading one is read with all three digits, so a zero hundreds digit is spoken as
  "không trăm": 1 005 000 → "một triệu không trăm linh năm nghìn", 1 000 050 → "một triệu không
  trăm năm mươi", 1 000 001 000 → "một tỷ không trăm linh một nghìn". This keeps the value
  unambiguous when read aloud and is what accounting software prints.
"""

__all__ = ["amount_in_words", "number_in_words"]

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_BILLION = 10**9


def _validate_options(odd_word: str, four_word: str, thousand_word: str) -> None:
    if odd_word not in ("linh", "lẻ"):
        raise ValueError(f"odd_word phải là 'linh' hoặc 'lẻ', không phải {odd_word!r}")
    if four_word not in ("tư", "bốn"):
        raise ValueError(f"four_word phải là 'tư' hoặc 'bốn', không phải {four_word!r}")
    if thousand_word not in ("nghìn", "ngàn"):
        raise ValueError(f"thousand_word phải là 'nghìn' hoặc 'ngàn', không phải {thousand_word!r}")


def _group_words(value: int, full: bool, odd_word: str, four_word: str) -> list[str]:
    """Words for 1 ≤ value ≤ 999; ``full`` reads all three digits (inner groups: "không trăm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(odd_word)
            words.append(_DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4:
        words.append("bốn" if tens == 1 else four_word)
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _below_billion(value: int, leading: bool, odd_word: str, four_word: str, thousand_word: str) -> list[str]:
    """Words for 0 ≤ value < 10^9; ``leading`` is False when higher groups were already spoken."""
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, thousand_word), (1, "")):
        group = value // scale % 1000
        if group:
            words += _group_words(group, full=not leading, odd_word=odd_word, four_word=four_word)
            if name:
                words.append(name)
            leading = False
    return words


def _words(value: int, leading: bool, odd_word: str, four_word: str, thousand_word: str) -> list[str]:
    high, low = divmod(value, _BILLION)
    words: list[str] = []
    if high:
        words += _words(high, leading, odd_word, four_word, thousand_word) + ["tỷ"]
        leading = False
    return words + _below_billion(low, leading, odd_word, four_word, thousand_word)


def number_in_words(n: int, odd_word: str = "linh", four_word: str = "tư", thousand_word: str = "nghìn") -> str:
    """Return ``n`` in lower-case Vietnamese words: 1250 → "một nghìn hai trăm năm mươi"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"Cần một số nguyên, không phải {type(n).__name__}")
    _validate_options(odd_word, four_word, thousand_word)
    if n == 0:
        return "không"
    words = _words(abs(n), True, odd_word, four_word, thousand_word)
    return " ".join((["âm"] if n < 0 else []) + words)


def amount_in_words(amount: int, odd_word: str = "linh", four_word: str = "tư", thousand_word: str = "nghìn") -> str:
    """Return an amount of đồng in words for documents: 1250000000 → "Một tỷ hai trăm năm mươi triệu đồng"."""
    text = number_in_words(amount, odd_word=odd_word, four_word=four_word, thousand_word=thousand_word)
    return f"{text[0].upper()}{text[1:]} đồng"
