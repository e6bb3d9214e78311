"""Property: any unit, written in any case, with or without diacritics, NFC or NFD, with its type word or
an abbreviation, resolves back to itself (or to an ambiguity that includes it) on a day it existed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit, UnitType
from khuyencong.geo.selectors import browse_date, resolve_unit_candidates

pytestmark = pytest.mark.django_db

ABBREVIATIONS = {
    UnitType.THANH_PHO_TW: ["TP", "TP.", "T.P", "Tp."],
    UnitType.THANH_PHO_THUOC_TINH: ["TP", "T.P."],
    UnitType.THI_XA: ["TX", "T.X"],
    UnitType.THI_TRAN: ["TT", "TT."],
    UnitType.HUYEN: ["H."],
    UnitType.QUAN: ["Q."],
    UnitType.PHUONG: ["P."],
    UnitType.XA: ["X."],
}
CASES = [str.lower, str.upper, str.title, lambda text: text]
_UNITS: list[int] = []


def unit_ids() -> list[int]:
    if not _UNITS:
        _UNITS.extend(Unit.objects.order_by("pk").values_list("pk", flat=True))
    return _UNITS


@st.composite
def written_forms(draw):
    unit = Unit.objects.select_related("province").get(pk=draw(st.sampled_from(unit_ids())))
    prefix = draw(st.sampled_from(["", unit.type_prefix, *ABBREVIATIONS.get(unit.unit_type, [])]))
    text = f"{prefix} {unit.name}" if prefix else unit.name
    text = draw(st.sampled_from(CASES))(text)
    if draw(st.booleans()):
        text = fold_vi(text) if prefix in ("", unit.type_prefix) else text
    text = unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)
    padding = draw(st.sampled_from(["", " ", "  ", "\u00a0"]))
    return unit, f"{padding}{text}{padding}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written_forms())
def test_a_unit_written_any_way_resolves_back_to_itself(form):
    unit, text = form
    day = browse_date(unit)
    candidates = resolve_unit_candidates(text, level=unit.level, as_of=day)
    assert unit in candidates, (text, [str(candidate) for candidate in candidates])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_code_resolves_to_its_unit_on_a_day_it_existed(data):
    unit = Unit.objects.get(pk=data.draw(st.sampled_from(unit_ids())))
    assert resolve_unit_candidates(unit.code, level=unit.level, as_of=browse_date(unit)) == [unit]
