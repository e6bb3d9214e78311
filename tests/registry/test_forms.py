"""The part forms through HTTP: figures, products, photos, certificates, approval, merge, rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.registry.models import Certification, Establishment, ProductPhoto, SizeThreshold, YearlyFigures
from khuyencong.registry.services import establishment_create, product_create
from tests.registry.helpers import commune, image_upload, make

pytestmark = pytest.mark.django_db


def test_figures_form_reads_amounts_as_people_type_them_and_refuses_stale_edits(personas, client_for):
    establishment = personas.establishment_a
    client = client_for(personas.establishment_user)
    add = reverse("registry:figures_add", args=[establishment.pk])
    body = client.post(add, {"year": 2024, "employees_total": 10, "employees_women": 12}).content.decode()
    assert "Lao động nữ (12) không được lớn hơn tổng số lao động (10)." in body
    response = client.post(add, {"year": 2024, "employees_total": 20, "employees_insured": 6,
                                 "revenue": "1,5 tỷ", "capital": "800 triệu"})  # fmt: skip
    assert response.status_code == 302
    figures = YearlyFigures.objects.get(establishment=establishment, year=2024)
    assert (figures.revenue, figures.capital, figures.size_class) == (1_500_000_000, 800_000_000, "micro")
    edit = reverse("registry:figures_edit", args=[establishment.pk, 2024])
    page = client.get(edit).content.decode()
    assert 'value="1.500.000.000"' in page and 'name="version" value="1"' in page
    assert client.post(edit, {"employees_total": 21, "revenue": "2 tỷ", "version": 1}).status_code == 302
    stale = client_for(personas.province_a_officer).post(edit, {"employees_total": 99, "version": 1})
    assert "Số liệu năm 2024 đã được người khác cập nhật" in stale.content.decode()
    assert YearlyFigures.objects.get(pk=figures.pk).employees_total == 21
    body = client.post(add, {"year": 2024, "employees_total": 1}).content.decode()
    assert "Đã có số liệu năm 2024: hãy mở số liệu năm đó để sửa." in body


def test_products_photos_and_certificates_through_the_forms(personas, client_for, private_files):
    establishment = personas.establishment_a
    client = client_for(personas.establishment_user)
    assert client.post(reverse("registry:product_add", args=[establishment.pk]),
                       {"name": "Đèn mây", "group": "thu_cong_my_nghe"}).status_code == 302  # fmt: skip
    product = establishment.products.get()
    response = client.post(reverse("registry:photo_add", args=[product.pk]),
                           {"image": image_upload(), "caption": "Đèn mây treo"})  # fmt: skip
    assert response.status_code == 302 and ProductPhoto.objects.get().caption == "Đèn mây treo"
    bad = client.post(reverse("registry:photo_add", args=[product.pk]),
                      {"image": image_upload("a.gif", image_format="GIF")})  # fmt: skip
    assert "Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ." in bad.content.decode()
    data = {"kind": "cnnt", "product": product.pk, "level": "tinh", "issuer": "UBND Thành phố Hà Nội",
            "decision_number": "88/QĐ-UBND", "decision_date": "05/06/2024"}  # fmt: skip
    assert client.post(reverse("registry:certification_add", args=[establishment.pk]), data).status_code == 302
    certification = Certification.objects.get()
    assert certification.decision_date == dt.date(2024, 6, 5) and certification.valid_until == dt.date(2026, 12, 31)
    tab = client.get(reverse("registry:detail", args=[establishment.pk]), {"tab": "san-pham"}).content.decode()
    assert "88/QĐ-UBND, 05/06/2024" in tab and "31/12/2026" in tab
    edit = reverse("registry:certification_edit", args=[certification.pk])
    assert client.post(edit, {**data, "valid_until": "01/01/2024", "version": 1}).status_code == 200
    assert client.post(edit, {**data, "decision_number": "89/QĐ-UBND", "version": 1}).status_code == 302
    assert client.post(reverse("registry:certification_delete", args=[certification.pk])).status_code == 302
    assert client.post(reverse("registry:product_delete", args=[product.pk])).status_code == 302
    assert not establishment.products.exists()


def test_approval_and_merge_through_the_pages(personas, client_for):
    pending = make("Hộ kinh doanh Bánh Chờ Duyệt", where=commune("01", "Phú Xuyên"))
    Establishment.objects.filter(pk=pending.pk).update(status="pending")
    leader = client_for(personas.province_a_leader)
    officer_page = client_for(personas.province_a_officer).get(reverse("registry:list")).content.decode()
    assert "hồ sơ tự đăng ký đang chờ duyệt" not in officer_page  # only approvers are told
    assert "1 hồ sơ tự đăng ký đang chờ duyệt" in leader.get(reverse("registry:list")).content.decode()
    detail = reverse("registry:detail", args=[pending.pk])
    response = leader.post(reverse("registry:reject", args=[pending.pk]), {"reason": "ngắn"}, follow=True)
    assert "Cần ghi lý do từ chối (ít nhất 10 ký tự)" in response.content.decode()
    leader.post(reverse("registry:approve", args=[pending.pk]))
    assert Establishment.objects.get(pk=pending.pk).status == "active"
    assert "Duyệt hồ sơ" not in leader.get(detail).content.decode()

    twin = establishment_create(
        actor=None, confirm_similar=True,
        data={"name": "Bánh Chờ Duyệt", "legal_form": "ho_kinh_doanh", "commune": commune("01", "Phú Xuyên"),
              "tax_code": "0100109106"},
    )  # fmt: skip
    merge = reverse("registry:merge", args=[pending.pk])
    page = leader.get(merge).content.decode()
    assert "Bánh Chờ Duyệt" in page and f"<td>{twin.pk}</td>" in page  # the similar record is offered
    assert leader.post(merge, {"duplicate": twin.pk, "reason": "Trùng tên"}).status_code == 302
    twin.refresh_from_db()
    assert twin.status == "merged" and twin.merged_into_id == pending.pk
    assert Establishment.objects.get(pk=pending.pk).tax_code == "0100109106"


def test_administrators_edit_dated_rules(personas, client_for):
    threshold = SizeThreshold.objects.get(sector_group="industry", size_class="micro")
    url = reverse("registry:rule_edit", args=["quy-mo", threshold.pk])
    client = client_for(personas.central_admin)
    page = client.get(url).content.decode()
    assert "Nghị định 80/2021/NĐ-CP" in page and 'value="3.000.000.000"' in page
    data = {"sector_group": "industry", "vsic_sections": "A B C D E F", "size_class": "micro",
            "max_insured_workers": 10, "max_revenue": "3 tỷ", "max_capital": "3 tỷ", "valid_from": "15/10/2021",
            "valid_to": "01/01/2020", "citation": "Nghị định 80/2021/NĐ-CP ngày 26/08/2021, Điều 5"}  # fmt: skip
    assert "Ngày hết hiệu lực không được trước ngày có hiệu lực." in client.post(url, data).content.decode()
    assert client.post(url, {**data, "valid_to": ""}).status_code == 302
    rules_page = client_for(personas.province_a_viewer).get(reverse("registry:rules")).content.decode()
    assert "Ngưỡng quy mô doanh nghiệp" in rules_page and "/co-so/quy-dinh/quy-mo/" not in rules_page


def test_product_of_another_province_is_not_reachable(personas, client_for):
    other = make("Cơ sở TP HCM", where=personas.province_b)
    product = product_create(actor=None, establishment_id=other.pk, data={"name": "Nón", "group": "khac"})
    client = client_for(personas.province_a_officer)
    assert client.get(reverse("registry:product_edit", args=[product.pk])).status_code == 404
