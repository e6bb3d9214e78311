"""The /api/v1/geo router: lists, one unit with its history, resolution with roll-up, regions, VSIC."""

from __future__ import annotations

import pytest

from khuyencong.accounts.tokens import api_token_create
from khuyencong.geo.models import Unit

pytestmark = pytest.mark.django_db

API = "/api/v1/geo"


@pytest.fixture
def api(personas, client_for):
    return client_for(personas.province_b_officer)


def test_list_current_provinces_is_paginated(api):
    body = api.get(f"{API}/units", {"level": "province"}).json()
    assert body["count"] == 34
    assert [unit["code"] for unit in body["items"]][:3] == ["01", "04", "08"]
    communes = api.get(f"{API}/units", {"level": "commune", "page_size": 100, "page": 2}).json()
    assert communes["count"] == 3321 and len(communes["items"]) == 100


def test_list_legacy_units_by_date_and_parent(api):
    legacy = api.get(f"{API}/units", {"level": "province", "as_of": "2020-01-01"}).json()
    assert legacy["count"] == 63
    districts = api.get(f"{API}/units", {"parent": "legacy:province:83"}).json()  # as on its last day
    assert {unit["name"] for unit in districts["items"]} >= {"Chợ Lách", "Bến Tre", "Mỏ Cày Nam"}
    assert all(unit["parent"]["key"] == "legacy:province:83" for unit in districts["items"])
    assert api.get(f"{API}/units", {"parent": "legacy:province:83", "as_of": "2025-07-01"}).json()["count"] == 0


def test_search_is_diacritic_insensitive(api):
    body = api.get(f"{API}/units", {"q": "DAK LAK", "level": "province"}).json()
    assert body["items"][0]["key"] == "2025:province:66"
    assert body["items"][0]["full_name"] == "Tỉnh Đắk Lắk"


def test_unit_detail_by_key_or_id_with_history(api):
    legacy = api.get(f"{API}/units/legacy:province:70").json()
    assert legacy["valid_to"] == "2025-06-30"
    assert legacy["rolled_up"]["key"] == "2025:province:75"
    assert legacy["successors"][0]["unit"]["name"] == "Đồng Nai"
    assert legacy["successors"][0]["effective_date"] == "2025-07-01"
    current = api.get(f"{API}/units/{Unit.objects.get(key='2025:province:75').pk}").json()
    assert {link["unit"]["key"] for link in current["predecessors"]} == {"legacy:province:70", "legacy:province:75"}
    assert current["rolled_up"]["key"] == "2025:province:75"
    assert {region["scheme"] for region in current["regions"]} == {"voting", "socio"}


def test_unknown_unit_is_a_404_with_the_error_shape(api):
    response = api.get(f"{API}/units/legacy:province:00")
    assert response.status_code == 404
    assert response.json()["code"] == "khong_tim_thay"


def test_resolve_returns_the_unit_and_its_roll_up(api):
    body = api.get(f"{API}/resolve", {"q": "tỉnh Bến Tre"}).json()
    assert body["status"] == "found"
    assert body["unit"]["key"] == "legacy:province:83"
    assert body["rolled_up"]["key"] == "2025:province:86"
    assert body["current_province"]["key"] == "2025:province:86"
    as_2020 = api.get(f"{API}/resolve", {"q": "Bình Phước", "level": "province", "as_of": "2020-01-01"}).json()
    assert as_2020["unit"]["key"] == "legacy:province:70" and as_2020["rolled_up"]["name"] == "Đồng Nai"


def test_resolve_within_and_ambiguity(api):
    within = api.get(f"{API}/resolve", {"q": "H. Chợ Lách", "within": "legacy:province:83"}).json()
    assert within["unit"]["key"] == "legacy:district:832"
    ambiguous = api.get(f"{API}/resolve", {"q": "Xã Long Thới", "as_of": "2020-01-01"}).json()
    assert ambiguous["status"] == "ambiguous" and ambiguous["unit"] is None
    assert len(ambiguous["candidates"]) >= 2
    nothing = api.get(f"{API}/resolve", {"q": "qwzx"}).json()
    assert nothing["status"] == "not_found" and nothing["candidates"] == []
    empty = api.get(f"{API}/resolve", {"q": "  "})
    assert empty.status_code == 400 and empty.json()["details"] == {"q": ["Không được để trống."]}


def test_regions_list_today_provinces(api):
    voting = api.get(f"{API}/regions", {"scheme": "voting"}).json()
    assert [region["code"] for region in voting] == ["bac", "nam", "trung_tay_nguyen"]
    assert sum(len(region["provinces"]) for region in voting) == 34
    legacy = api.get(f"{API}/regions", {"scheme": "socio", "as_of": "2024-12-31"}).json()
    assert sum(len(region["provinces"]) for region in legacy) == 63


def test_industry_codes(api):
    sections = api.get(f"{API}/industry-codes", {"level": 1}).json()
    assert sections["count"] == 21
    divisions = api.get(f"{API}/industry-codes", {"parent": "C"}).json()
    assert divisions["count"] > 20 and all(item["parent_code"] == "C" for item in divisions["items"])


def test_token_authentication_and_anonymous_refusal(personas, client):
    token, secret = api_token_create(actor=personas.establishment_user, name="geo")
    response = client.get(f"{API}/units", {"level": "province"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert client.get(f"{API}/units").status_code == 401
