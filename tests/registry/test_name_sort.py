"""The stored sort key orders establishments exactly as the Vietnamese collation does (SQLite sorts by it)."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.vietnamese import sort_key_vi
from khuyencong.registry import services
from khuyencong.registry.naming import _primary_code, sort_key
from khuyencong.registry.selectors import establishments_for

WORDS = ["Ân", "An", "Ăn", "ăn", "Ấn", "Bình", "Đà", "Da", "Dạ", "Ê", "e", "1 a", "a-b", "Ơn", "Ôn", "ổn", "ồn",
         "Hợp tác xã", "Cà phê", "Ca phe", "Cá", "Cả", "ü", "日本", " ", "Z", ""]  # fmt: skip


def test_sort_key_orders_as_the_collation():
    rng = random.Random(5)
    for _ in range(5000):
        a, b = ("".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3))) for _ in range(2))
        assert (sort_key(a) < sort_key(b)) == (sort_key_vi(a) < sort_key_vi(b)), (a, b)
        assert (sort_key(a) == sort_key(b)) == (sort_key_vi(a) == sort_key_vi(b)), (a, b)
        assert (sort_key(a).encode() < sort_key(b).encode()) == (sort_key(a) < sort_key(b))  # SQLite's BINARY


# Letters with every tone, Latin-only and foreign letters, a Hangul syllable (several clusters), loose marks.
ANY_TEXT = st.text(
    alphabet=st.sampled_from(list("aăâđeêoôơuưAĐƠbcz09 .-'üçŏ한ÐｆﬁàằẫệỗựỸ\u0300\u0301\u0302\u0323\u031b\u00a0\u200b")),
    max_size=25,
)


@given(st.one_of(ANY_TEXT, ANY_TEXT.map(lambda text: unicodedata.normalize("NFD", text))))
def test_sort_key_is_the_encoding_of_the_collation_key(text):
    """The per-character fast path gives exactly the encoding of `sort_key_vi`'s levels."""
    primary, secondary, tertiary, clean = sort_key_vi(text)
    expected = " ".join(
        (
            "".join(map(_primary_code, primary)),
            "".join(chr(0x30 + weight) for weight in secondary),
            "".join(chr(0x30 + weight) for weight in tertiary),
            clean,
        )
    )
    assert sort_key(text) == expected


@pytest.mark.django_db
def test_list_is_in_vietnamese_order(personas):
    names = ["Đông Anh", "Dương Nội", "Ăn Uống Hà Nội", "An Khánh", "Âu Cơ", "Bát Tràng", "Ê Đê"]
    for name in names:
        services.establishment_create(
            actor=None, data={"name": f"Hợp tác xã {name}", "legal_form": "hop_tac_xa"}, province=personas.province_a
        )
    mine = {f"Hợp tác xã {name}" for name in names}
    listed = [e.name for e in establishments_for(personas.central_officer, filters={}) if e.name in mine]
    assert listed == sorted(listed, key=sort_key_vi)
    assert listed[0] == "Hợp tác xã An Khánh" and listed[-1] == "Hợp tác xã Ê Đê"
