"""roll_up and friends: from any former unit to today's, and back from today's unit to what it replaced."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.core.vietnamese import sort_key_vi
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.geo.selectors import (
    current_province_of,
    legacy_units_behind,
    regions_of,
    roll_up,
    roll_up_many,
    search_units,
    unit_tree_children,
    units_replaced_since,
)

pytestmark = pytest.mark.django_db
Y2020 = dt.date(2020, 1, 1)
AFTER_REFORM = dt.date(2025, 8, 1)

# The province mappings every report relies on (domain brief §2; checked by the data build too).
KNOWN_PROVINCES = [
    ("Bình Phước", "Đồng Nai"),
    ("Bến Tre", "Vĩnh Long"),
    ("Bắc Kạn", "Thái Nguyên"),
    ("Kiên Giang", "An Giang"),
    ("Thái Bình", "Hưng Yên"),
    ("Bắc Giang", "Bắc Ninh"),
    ("Đắk Nông", "Lâm Đồng"),
    ("Bình Thuận", "Lâm Đồng"),
]


def legacy(level: str, code: str) -> Unit:
    return Unit.objects.get(key=f"legacy:{level}:{code}")


@pytest.mark.parametrize(("old", "new"), KNOWN_PROVINCES)
def test_known_province_roll_ups(old, new):
    unit = Unit.objects.get(level=UnitLevel.PROVINCE, name=old, valid_to__isnull=False)
    rolled = roll_up(unit, as_of=AFTER_REFORM)
    assert (rolled.name, rolled.level, rolled.valid_from) == (new, UnitLevel.PROVINCE, dt.date(2025, 7, 1))


def test_every_legacy_province_rolls_up_to_one_of_the_34():
    provinces = Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=False)
    rolled = roll_up_many(provinces, as_of=AFTER_REFORM)
    assert len(rolled) == 63
    assert {unit.key.split(":")[0] for unit in rolled.values()} == {"2025"}
    assert len({unit.pk for unit in rolled.values()}) == 34


def test_a_legacy_district_rolls_up_through_its_province():
    cho_lach = legacy("district", "832")
    assert roll_up(cho_lach, as_of=AFTER_REFORM).key == "2025:province:86"
    assert current_province_of(cho_lach, as_of=AFTER_REFORM).name == "Vĩnh Long"


def test_an_island_district_becomes_a_special_zone():
    con_dao = Unit.objects.get(level=UnitLevel.DISTRICT, name="Côn Đảo")
    rolled = roll_up(con_dao, as_of=AFTER_REFORM)
    assert (rolled.unit_type, rolled.name) == ("dac_khu", "Côn Đảo")
    assert current_province_of(con_dao, as_of=AFTER_REFORM).name == "Hồ Chí Minh"


def test_a_split_commune_rolls_up_to_its_primary_successor():
    split = Unit.objects.filter(succession_out__note="tách (mặc định)").first()
    primary = split.succession_out.get(is_primary=True).successor
    assert split.succession_out.count() >= 2
    assert roll_up(split, as_of=AFTER_REFORM) == primary


def test_units_valid_on_the_date_roll_up_to_themselves():
    old = legacy("commune", "28870")
    assert roll_up(old, as_of=Y2020) == old
    current = Unit.objects.get(key="2025:commune:28870")
    assert roll_up(current, as_of=AFTER_REFORM) == current
    assert roll_up(old, as_of=AFTER_REFORM) == current
    assert current_province_of(old, as_of=AFTER_REFORM).key == "2025:province:86"
    assert current_province_of(current, as_of=AFTER_REFORM).key == "2025:province:86"


def test_roll_up_many_costs_one_query_per_generation(django_assert_max_num_queries):
    communes = list(Unit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=False)[:500])
    districts = list(Unit.objects.filter(level=UnitLevel.DISTRICT)[:50])
    with django_assert_max_num_queries(6):
        rolled = roll_up_many(communes + districts, as_of=AFTER_REFORM)
    assert all(unit.valid_on(AFTER_REFORM) for unit in rolled.values())
    assert {unit.level for pk, unit in rolled.items() if pk in {d.pk for d in districts}} == {UnitLevel.PROVINCE}


def test_legacy_units_behind_a_current_province():
    dong_nai = Unit.objects.get(key="2025:province:75")
    behind = legacy_units_behind(dong_nai)
    provinces = set(behind.filter(level=UnitLevel.PROVINCE).values_list("name", flat=True))
    assert provinces == {"Đồng Nai", "Bình Phước"}
    old_provinces = Unit.objects.filter(key__in=["legacy:province:70", "legacy:province:75"])
    expected = Unit.objects.filter(province__in=old_provinces).count()
    assert behind.count() == expected
    assert not behind.filter(valid_to__isnull=True).exists()


def test_legacy_units_behind_a_current_commune_are_its_primary_predecessors():
    commune = Unit.objects.get(key="2025:commune:28870")
    expected = set(commune.succession_in.filter(is_primary=True).values_list("predecessor__key", flat=True))
    assert set(legacy_units_behind(commune).values_list("key", flat=True)) == expected
    assert "legacy:commune:28870" in expected


def test_units_replaced_by_the_reform():
    mapping = units_replaced_since(dt.date(2025, 7, 1), as_of=AFTER_REFORM)
    assert mapping[legacy("province", "70").pk] == Unit.objects.get(key="2025:province:75").pk
    assert mapping[legacy("commune", "28870").pk] == Unit.objects.get(key="2025:commune:28870").pk
    assert len(mapping) == 63 + 10035 + 5
    assert units_replaced_since(dt.date(2025, 7, 2), as_of=AFTER_REFORM) == {}
    # Before the reform took effect, nothing is replaced yet.
    assert units_replaced_since(dt.date(2025, 7, 1), as_of=Y2020) == {}


def test_tree_children_follow_the_date_and_vietnamese_order():
    today_provinces = list(unit_tree_children(None, as_of=AFTER_REFORM))
    assert len(today_provinces) == 34
    assert [u.name for u in today_provinces] == sorted((u.name for u in today_provinces), key=sort_key_vi)
    assert today_provinces[0].name == "An Giang" and today_provinces[-1].name == "Vĩnh Long"
    assert unit_tree_children(None, as_of=Y2020).count() == 63
    ben_tre = legacy("province", "83")
    districts = unit_tree_children(ben_tre)  # a former unit shows its children on its last day
    assert districts.count() == 9 and set(districts.values_list("level", flat=True)) == {UnitLevel.DISTRICT}
    vinh_long = Unit.objects.get(key="2025:province:86")
    assert (
        unit_tree_children(vinh_long, as_of=AFTER_REFORM).count()
        == Unit.objects.filter(parent=vinh_long, valid_to__isnull=True).count()
    )


def test_search_ignores_case_diacritics_and_type_words():
    found = list(search_units("dak lak", as_of=AFTER_REFORM)[:5])
    assert found[0].key == "2025:province:66"
    assert all(unit.valid_on(AFTER_REFORM) for unit in search_units("an", as_of=AFTER_REFORM)[:50])
    everything = search_units("huyện chợ lách", current_only=False)
    assert everything.first().key == "legacy:district:832"
    assert search_units("Chợ Lách", level="commune", current_only=False).filter(key="legacy:commune:28870").exists()
    assert search_units("28870", current_only=False).count() == 2
    assert search_units("TP HCM", as_of=AFTER_REFORM).first().key == "2025:province:79"
    assert not search_units("   ").exists()


def test_regions_of_a_province_and_of_a_commune():
    lam_dong = Unit.objects.get(key="2025:province:68")
    assert regions_of(lam_dong, "voting").get().code == "trung_tay_nguyen"
    assert regions_of(lam_dong).count() == 2
    commune = Unit.objects.filter(parent=lam_dong).first()
    assert list(regions_of(commune)) == list(regions_of(lam_dong))
    assert regions_of(legacy("province", "60"), "voting").get().code == "nam"
