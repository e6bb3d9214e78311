"""resolve_unit: official codes and free-text names, as written in real files, on a given date."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from khuyencong.geo.models import Unit
from khuyencong.geo.selectors import resolve_unit, resolve_unit_candidates, roll_up

pytestmark = pytest.mark.django_db
Y2020 = dt.date(2020, 1, 1)
AFTER_REFORM = dt.date(2025, 8, 1)

# (text, options, expected key or None). `within` names a unit key; as_of defaults to a day after the
# 2025 reform so that the table does not depend on the day the tests run.
CASES = [
    # Provinces that no longer exist: the legacy unit, at any date after too.
    ("Bình Phước", {"as_of": Y2020}, "legacy:province:70"),
    ("Bình Phước", {}, "legacy:province:70"),
    ("Bình Phước", {"level": "province"}, "legacy:province:70"),
    ("Bến Tre", {}, "legacy:province:83"),
    ("tỉnh Bến Tre", {}, "legacy:province:83"),
    ("Tỉnh Bến Tre", {"as_of": Y2020}, "legacy:province:83"),
    ("  Tỉnh   Bến Tre , ", {}, "legacy:province:83"),
    (unicodedata.normalize("NFD", "Bến Tre"), {}, "legacy:province:83"),
    ("tinh ben tre", {}, "legacy:province:83"),
    # Case, diacritics, tone placement, c/k spellings, aliases.
    ("dak lak", {}, "2025:province:66"),
    ("ĐẮK LẮK", {}, "2025:province:66"),
    ("Đăk Lăk", {}, "2025:province:66"),
    ("Đắc Lắc", {}, "2025:province:66"),
    ("Daklak", {}, "2025:province:66"),
    ("Đắk Lắk", {"as_of": Y2020}, "legacy:province:66"),
    ("Hoà Bình", {"as_of": Y2020}, "legacy:province:17"),
    ("Hòa Bình", {}, "legacy:province:17"),
    ("Bắc Cạn", {}, "legacy:province:06"),
    ("Con Tum", {}, "legacy:province:62"),
    ("Thừa Thiên Huế", {}, "2025:province:46"),
    ("Tỉnh Thừa Thiên Huế", {}, "2025:province:46"),  # an alias of a province renamed and retyped
    ("\u00d0ắk Lắk", {}, "2025:province:66"),  # Ð (eth) typed for Đ
    ("Cư M\u2019gar", {"level": "commune"}, "2025:commune:24280"),  # autocorrect's curly apostrophe
    ("Cư Mgar", {"level": "commune"}, "2025:commune:24280"),
    ("Huyện Ea Hleo", {}, "legacy:district:645"),
    ("Văn Miếu-Quốc Tử Giám", {"as_of": Y2020}, "legacy:commune:00181"),  # no dash before 2025
    ("Văn Miếu-Quốc Tử Giám", {}, "2025:commune:00226"),
    ("Huế", {}, "2025:province:46"),
    ("Bà Rịa-Vũng Tàu", {}, "legacy:province:77"),
    ("BRVT", {}, "legacy:province:77"),
    # Ho Chi Minh City in all its spellings.
    ("TP HCM", {}, "2025:province:79"),
    ("TP.HCM", {}, "2025:province:79"),
    ("Thành phố Hồ Chí Minh", {}, "2025:province:79"),
    ("T.P Hồ Chí Minh", {}, "2025:province:79"),
    ("tp. hồ chí minh", {}, "2025:province:79"),
    ("Sài Gòn", {}, "2025:province:79"),
    ("TP HCM", {"as_of": Y2020}, "legacy:province:79"),
    # Districts (gone since 01/07/2025) with their prefixes and abbreviations.
    ("H. Chợ Lách", {"within": "legacy:province:83"}, "legacy:district:832"),
    ("Huyện Chợ Lách", {}, "legacy:district:832"),
    ("huyen cho lach", {}, "legacy:district:832"),
    ("Chợ Lách", {"as_of": Y2020}, "legacy:district:832"),
    ("Q.1", {}, "legacy:district:760"),
    ("Q1", {}, "legacy:district:760"),
    ("Quận 1", {"as_of": Y2020}, "legacy:district:760"),
    ("Thành phố Thủ Đức", {}, "legacy:district:769"),
    ("Phan Rang-Tháp Chàm", {}, "legacy:district:582"),
    ("Quan Sơn", {"level": "district"}, "legacy:district:387"),
    ("Huyện Chợ Lách", {"level": "province"}, None),
    # Communes: current first, legacy by date, prefixes, repeated names needing `within`.
    ("Chợ Lách", {}, "2025:commune:28870"),
    ("Xã Chợ Lách", {}, "2025:commune:28870"),
    ("TT Chợ Lách", {"as_of": Y2020}, "legacy:commune:28870"),
    ("Thị trấn Chợ Lách", {"as_of": Y2020}, "legacy:commune:28870"),
    ("Chợ Lách", {"level": "commune", "as_of": Y2020, "within": "2025:province:86"}, "legacy:commune:28870"),
    ("Chợ Lách", {"level": "commune", "within": "legacy:district:832"}, "2025:commune:28870"),
    ("Thủ Đức", {}, "2025:commune:26824"),
    ("Bình Phước", {"level": "commune"}, None),
    ("Bình Phước", {"level": "commune", "within": "2025:province:75"}, "2025:commune:25195"),
    ("Bình Phước", {"level": "commune", "within": "2025:province:86"}, "2025:commune:29638"),
    ("Quan Sơn", {"level": "commune"}, None),
    ("P.1", {"as_of": Y2020}, None),
    ("P.1", {"as_of": Y2020, "within": "legacy:district:770"}, "legacy:commune:27160"),
    ("Phường Đúc", {}, "legacy:commune:19780"),
    ("Phượng Dực", {}, "2025:commune:10279"),
    ("phuong duc", {}, "2025:commune:10279"),
    # Codes: 2 digits province, 3 district, 5 commune; the meaning of a code depends on the date.
    ("52", {}, "2025:province:52"),
    ("52", {"as_of": Y2020}, "legacy:province:52"),
    ("70", {}, "legacy:province:70"),
    ("01", {"level": "province"}, "2025:province:01"),
    ("1", {"level": "province"}, "2025:province:01"),
    ("28870", {}, "2025:commune:28870"),
    ("28870", {"as_of": Y2020}, "legacy:commune:28870"),
    ("832", {}, "legacy:district:832"),
    # Garbage.
    ("xyz không có đâu", {}, None),
    ("", {}, None),
    ("   ", {}, None),
    ("Huyện", {}, None),
]


def _options(options: dict) -> dict:
    resolved = {"as_of": AFTER_REFORM, **options}
    if "within" in resolved:
        resolved["within"] = Unit.objects.get(key=resolved["within"])
    return resolved


@pytest.mark.parametrize(("text", "options", "expected"), CASES, ids=[f"{t!r}-{o}" for t, o, _ in CASES])
def test_resolver_table(text, options, expected):
    unit = resolve_unit(text, **_options(options))
    assert (unit.key if unit else None) == expected


def test_the_table_is_big_enough():
    assert len(CASES) >= 40


def test_ambiguous_names_list_every_candidate():
    candidates = resolve_unit_candidates("Bình Phước", level="commune", as_of=AFTER_REFORM)
    assert [unit.key for unit in candidates] == ["2025:commune:25195", "2025:commune:29638"]
    assert {unit.province.name for unit in candidates} == {"Đồng Nai", "Vĩnh Long"}
    assert resolve_unit_candidates("không có", as_of=AFTER_REFORM) == []
    assert [u.key for u in resolve_unit_candidates("Bến Tre", as_of=AFTER_REFORM)] == ["legacy:province:83"]


def test_fallback_to_a_former_unit_is_visible_to_the_caller():
    """ "Bình Phước" today names no current unit: the legacy province comes back, not valid, rolling up."""
    unit = resolve_unit("Bình Phước", as_of=AFTER_REFORM)
    assert not unit.valid_on(AFTER_REFORM)
    assert roll_up(unit, as_of=AFTER_REFORM).name == "Đồng Nai"
    same_day = resolve_unit("Bình Phước", as_of=Y2020)
    assert same_day.valid_on(Y2020) and roll_up(same_day, as_of=Y2020) == same_day


def test_units_that_begin_later_never_match():
    assert resolve_unit("Xã Chợ Lách", as_of=Y2020) is None  # the 2025 commune; in 2020 it was a thị trấn
    assert resolve_unit("Gia Lai", as_of=Y2020).key == "legacy:province:64"


def test_default_date_is_today():
    assert resolve_unit("dak lak") == resolve_unit("dak lak", as_of=dt.date.today())


def test_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError):
        resolve_unit("Hà Nội", level="huyen")


def test_one_resolution_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        resolve_unit("Thành phố Hồ Chí Minh", as_of=AFTER_REFORM)
    within = Unit.objects.get(key="2025:province:86")
    with django_assert_max_num_queries(6):
        resolve_unit("Bình Phước", level="commune", within=within, as_of=AFTER_REFORM)
