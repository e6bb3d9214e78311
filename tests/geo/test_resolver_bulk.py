"""UnitResolver (the import's resolver): the same candidates as resolve_unit_candidates for every case of the
resolver table and the ambiguous ones, from units loaded once per area, and no query for a name asked again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.geo.selectors import UnitResolver, resolve_unit_candidates, roll_up
from tests.geo.test_resolve import AFTER_REFORM, CASES, Y2020, _options

pytestmark = pytest.mark.django_db

MORE = [
    ("Bình Phước", {"level": "commune"}),  # ambiguous: two candidates
    ("Bình Phước", {"level": "commune", "as_of": Y2020}),
    ("Chợ Lách", {"level": "commune", "within": "legacy:province:83"}),
    ("Chợ Lách", {"level": "district", "within": "2025:province:86"}),
    ("Phường 1", {"level": "commune", "within": "legacy:district:770", "as_of": Y2020}),
    ("Ea Hleo", {"level": "commune", "within": "2025:province:66"}),
    ("Cư Mgar", {"level": "commune", "within": "2025:province:66"}),
    ("28870", {"level": "commune", "within": "2025:province:86"}),
    ("Sài Gòn", {"level": "province"}),
    ("không có", {"level": "commune", "within": "2025:province:01"}),
]


def _keys(units) -> list[str]:
    return [unit.key for unit in units]


def test_same_candidates_as_the_single_resolution_for_every_tricky_name():
    resolver = UnitResolver()
    for text, options in [(text, options) for text, options, _ in CASES] + MORE:
        resolved = _options(options)
        expected = resolve_unit_candidates(text, **resolved)
        found = resolver.candidates(text, **resolved)
        assert _keys(found) == _keys(expected), (text, options)
        for unit, single in zip(found, expected, strict=True):  # parents and provinces are there, as loaded
            assert (unit.parent.key if unit.parent_id else None) == (single.parent.key if single.parent_id else None)
            assert (unit.province.key if unit.province_id else None) == (
                single.province.key if single.province_id else None
            )


def test_a_province_is_loaded_once_then_names_resolve_without_queries():
    resolver = UnitResolver()
    province = Unit.objects.get(key="2025:province:86")
    resolver.candidates("Chợ Lách", level=UnitLevel.COMMUNE, as_of=AFTER_REFORM, within=province)
    with CaptureQueriesContext(connection) as queries:
        for name in ("Chợ Lách", "Xã Chợ Lách", "cho lach", "Bình Phước", "không có"):
            resolver.candidates(name, level=UnitLevel.COMMUNE, as_of=AFTER_REFORM, within=province)
    assert len(queries) == 0


def test_roll_ups_are_the_same_and_remembered():
    resolver = UnitResolver()
    legacy = list(Unit.objects.filter(key__in=["legacy:commune:28870", "legacy:province:70", "legacy:district:832"]))
    rolled = resolver.roll_up_many(legacy)
    assert {pk: unit.key for pk, unit in rolled.items()} == {unit.pk: roll_up(unit).key for unit in legacy}
    expected = roll_up(legacy[0])
    with CaptureQueriesContext(connection) as queries:
        assert resolver.roll_up(legacy[0]).key == expected.key
        province = resolver.current_province_of(legacy[0])
    assert len(queries) == 0
    assert province.key == (expected if expected.level == UnitLevel.PROVINCE else expected.province).key
