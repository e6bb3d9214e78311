"""The reference data as loaded by the migrations: the counts the law and the data sources promise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Q

from khuyencong.geo.models import IndustryCode, Region, Unit, UnitLevel, UnitSuccession
from khuyencong.geo.selectors import units_valid_on

pytestmark = pytest.mark.django_db
REFORM = dt.date(2025, 7, 1)
LAST_LEGACY_DAY = dt.date(2025, 6, 30)


def test_exactly_34_current_provinces_and_3321_communes():
    current = units_valid_on(REFORM)
    assert current.filter(level=UnitLevel.PROVINCE).count() == 34
    assert current.filter(level=UnitLevel.COMMUNE).count() == 3321
    assert not current.filter(level=UnitLevel.DISTRICT).exists()
    assert current.filter(level=UnitLevel.PROVINCE, unit_type="tinh").count() == 28
    assert current.filter(level=UnitLevel.PROVINCE, unit_type="thanh_pho_tw").count() == 6


def test_legacy_counts():
    legacy = units_valid_on(LAST_LEGACY_DAY)
    assert legacy.filter(level=UnitLevel.PROVINCE).count() == 63
    assert legacy.filter(level=UnitLevel.DISTRICT).count() == 696
    assert legacy.filter(level=UnitLevel.COMMUNE).count() == 10035
    assert not legacy.filter(valid_from__isnull=False).exists()


def test_every_legacy_province_has_exactly_one_successor_and_every_current_one_a_predecessor():
    successors = (
        Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to=LAST_LEGACY_DAY)
        .annotate(n=Count("succession_out"))
        .values_list("n", flat=True)
    )
    assert len(successors) == 63 and set(successors) == {1}
    predecessors = (
        Unit.objects.filter(level=UnitLevel.PROVINCE, valid_from=REFORM)
        .annotate(n=Count("succession_in"))
        .values_list("n", flat=True)
    )
    assert len(predecessors) == 34 and min(predecessors) >= 1
    assert UnitSuccession.objects.count() == 10665


def test_every_legacy_commune_has_one_primary_successor():
    primaries = (
        Unit.objects.filter(level=UnitLevel.COMMUNE, valid_to=LAST_LEGACY_DAY)
        .annotate(n=Count("succession_out", filter=Q(succession_out__is_primary=True)))
        .values_list("n", flat=True)
    )
    assert set(primaries) == {1}


def test_vsic_sections_and_divisions():
    assert IndustryCode.objects.filter(level=1).count() == 21
    assert IndustryCode.objects.filter(level=2).count() == 88
    assert not IndustryCode.objects.filter(level=2, parent__isnull=True).exists()
    assert not IndustryCode.objects.filter(name_folded="").exists()
    assert IndustryCode.objects.get(code="C").name_folded == "cong nghiep che bien, che tao"


def test_each_region_scheme_partitions_the_provinces_of_each_era():
    for scheme in ("voting", "socio"):
        for day, expected in ((REFORM, 34), (LAST_LEGACY_DAY, 63)):
            members = list(
                units_valid_on(day)
                .filter(level=UnitLevel.PROVINCE, regions__scheme=scheme)
                .values_list("pk", flat=True)
            )
            assert len(members) == len(set(members)) == expected, (scheme, day)
    assert Region.objects.filter(scheme="voting").count() == 3
    assert Region.objects.filter(scheme="socio").count() == 6
