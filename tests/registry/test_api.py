"""The establishments API, and scope: province B sees nothing of province A in lists, detail, export or API."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from khuyencong.accounts.tokens import api_token_create
from khuyencong.registry.models import Establishment, LegalForm
from tests.registry.helpers import commune, division, make, with_figures

pytestmark = pytest.mark.django_db
API = "/api/v1/establishments"


@pytest.fixture
def world(personas):
    coffee = make("HTX Cà phê Ba Vì", where=commune("01", "Ba Vì"), legal_form=LegalForm.COOPERATIVE,
                  tax_code="0100109106", main_industry=division("10"))  # fmt: skip
    with_figures(coffee, 2024, employees_total=15, employees_insured=6, revenue=2 * 10**9)
    saigon = make("Cơ sở Cà phê Sài Gòn", where=personas.province_b)
    return personas, coffee, saigon


def test_list_filters_searches_and_pages(world, client_for):
    personas, coffee, saigon = world
    client = client_for(personas.central_officer)
    body = client.get(API, {"q": "ca phe", "page_size": 1}).json()
    assert body["count"] == 2 and body["page_size"] == 1 and len(body["results"]) == 1
    assert body["results"][0]["name"] == "Cơ sở Cà phê Sài Gòn"  # C < H in Vietnamese order
    body = client.get(API, {"q": "ca phe", "sector": "C", "size_class": "micro", "legal_form": "hop_tac_xa"}).json()
    assert [item["id"] for item in body["results"]] == [coffee.pk]
    item = body["results"][0]
    assert item["province_code"] == "01" and item["commune_name"] == "Ba Vì" and item["main_industry"] == "10"
    assert item["size_class"] == "micro" and item["version"] == 1 and item["legal_form_label"] == "Hợp tác xã"
    error = client.get(API, {"sector": "ZZ"}).json()
    assert error["code"] == "du_lieu_khong_hop_le" and error["details"] == {"sector": ["Không có mã ngành này."]}


def test_detail_has_figures_and_the_eligibility_flag(world, client_for):
    personas, coffee, _ = world
    body = client_for(personas.province_a_viewer).get(f"{API}/{coffee.pk}").json()
    assert body["figures"][0]["year"] == 2024 and body["figures"][0]["revenue"] == 2_000_000_000
    assert body["eligibility"]["status"] in {"eligible", "verify"} and body["eligibility"]["citation"]


def test_create_and_update_with_the_same_rules_and_version_check(world, client_for):
    personas, coffee, _ = world
    client = client_for(personas.province_a_officer)
    dan_phuong = commune("01", "Đan Phượng").pk
    payload = {"name": "Công ty TNHH Dệt Phùng", "legal_form": "doanh_nghiep", "commune_id": dan_phuong,
               "industries": ["13"], "other_names": ["Dệt Phùng"], "tax_code": "0100109106"}  # fmt: skip
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["details"]["tax_code"] == [
        f"Mã số thuế 0100109106 đã được đăng ký cho một cơ sở khác: HTX Cà phê Ba Vì (mã {coffee.pk})."
    ]
    payload["tax_code"] = None
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert (
        created["province_code"] == "01" and created["industries"] == ["13"] and created["other_names"] == ["Dệt Phùng"]
    )
    assert Establishment.objects.get(pk=created["id"]).source == "api"
    similar = client.post(API, {**payload, "name": "Dệt Phùng"}, content_type="application/json")
    assert similar.status_code == 409 and similar.json()["code"] == "co_the_trung_lap"
    assert similar.json()["details"]["similar"][0]["id"] == created["id"]

    url = f"{API}/{created['id']}"
    updated = client.patch(url, {"version": 1, "phone": "0243 876 5432"}, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["phone"] == "02438765432" and updated.json()["version"] == 2
    assert updated.json()["name"] == "Công ty TNHH Dệt Phùng"  # fields not sent are kept
    stale = client.patch(url, {"version": 1, "phone": "0900000000"}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "xung_dot"
    assert Establishment.objects.get(pk=created["id"]).phone == "02438765432"
    invalid = client.patch(url, {"version": 2, "email": "x"}, content_type="application/json")
    assert invalid.status_code == 400 and invalid.json()["details"] == {
        "email": ["Địa chỉ thư điện tử không hợp lệ: “x”"]
    }


def test_api_tokens_work_and_representatives_cannot_create(world, client):
    personas, coffee, _ = world
    _, secret = api_token_create(actor=personas.establishment_user, name="máy chủ cơ sở")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get(API, **headers).json()
    assert [item["id"] for item in body["results"]] == [personas.establishment_a.pk]
    response = client.post(
        API, {"name": "X", "legal_form": "ho_kinh_doanh"}, content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert client.get(f"{API}/{coffee.pk}", **headers).status_code == 404


def test_province_b_sees_no_province_a_establishment_anywhere(world, client_for):
    personas, coffee, saigon = world
    client = client_for(personas.province_b_officer)
    page = client.get(reverse("registry:list"), {"status": "all"}).content.decode()
    assert "Cơ sở Cà phê Sài Gòn" in page and "HTX Cà phê Ba Vì" not in page and "Phú Vinh" not in page
    assert client.get(reverse("registry:list"), {"province": personas.province_a.pk}).status_code == 200
    assert "HTX Cà phê" not in client.get(reverse("registry:list"), {"q": "ba vi"}).content.decode()
    for url in (reverse("registry:detail", args=[coffee.pk]), reverse("registry:edit", args=[coffee.pk]),
                f"{API}/{coffee.pk}"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    export = client.get(reverse("registry:export"), {"status": "all"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True)
    )
    assert [row[1] for row in rows[3:]] == ["Cơ sở Cà phê Sài Gòn"]
    body = client.get(API, {"status": "all", "page_size": 200}).json()
    assert [item["id"] for item in body["results"]] == [saigon.pk] and body["count"] == 1
    assert client.patch(f"{API}/{coffee.pk}", {"version": 1, "phone": "0900000000"},
                        content_type="application/json").status_code == 404  # fmt: skip
