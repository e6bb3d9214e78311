"""Registry pages through HTTP: search and filters, Vietnamese order, pagination, export, forms, tabs."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.core.vietnamese import sort_key_vi
from khuyencong.registry import services
from khuyencong.registry.models import CertificationKind, Establishment, LegalForm
from tests.registry.helpers import commune, division, image_upload, make, with_figures

pytestmark = pytest.mark.django_db
LIST = reverse("registry:list")


def names_on(response) -> list[str]:
    return re.findall(r'<a href="/co-so/\d+/">([^<]+)</a>', response.content.decode())


def test_search_ignores_case_and_diacritics_and_finds_other_names_and_tax_codes(personas, client_for):
    make("Hợp tác xã Cà phê Ba Vì", where=commune("01", "Ba Vì"), other_names="Ba Vi Coffee", tax_code="0100109106")
    make("Cơ sở Cá khô Phú Xuyên", where=commune("01", "Phú Xuyên"))
    client = client_for(personas.province_a_officer)
    for query in ("ca phe", "CÀ PHÊ", "Cà phê", "ba vi coffee", "0100109106", "phe ba"):
        assert names_on(client.get(LIST, {"q": query})) == ["Hợp tác xã Cà phê Ba Vì"], query
    assert names_on(client.get(LIST, {"q": "ca"})) == ["Cơ sở Cá khô Phú Xuyên", "Hợp tác xã Cà phê Ba Vì"]


def test_the_list_is_in_vietnamese_order_and_paginated_in_the_database(personas, client_for, settings):
    names = ["Đông Hải", "Dung Tiến", "Ân Phú", "An Phú", "Ấn Mỹ", "Bình An", "Ăn Khang", "Ô Mai", "Ơn Nghĩa", "Ốc Đảo"]
    for name in names:
        make(f"Cơ sở {name}", where=personas.province_a)
    client = client_for(personas.province_a_officer)
    expected = sorted([f"Cơ sở {name}" for name in names] + ["Hợp tác xã Mây tre đan Phú Vinh"], key=sort_key_vi)
    assert names_on(client.get(LIST)) == expected
    # letters first (a < ă < â, then the next letters), tones only break ties: Ấn Mỹ before Ân Phú
    assert expected[:4] == ["Cơ sở An Phú", "Cơ sở Ăn Khang", "Cơ sở Ấn Mỹ", "Cơ sở Ân Phú"]
    settings.PAGE_SIZE = 4
    second = client.get(LIST, {"page": 2})
    assert names_on(second) == expected[4:8]
    assert "Trang 2 / 3" in second.content.decode() and "11 bản ghi" in second.content.decode()


def test_filters(personas, client_for):
    ba_vi = commune("01", "Ba Vì")
    coffee = make("HTX Cà phê Ba Vì", where=ba_vi, legal_form=LegalForm.COOPERATIVE, main_industry=division("10"))
    with_figures(coffee, 2024, employees_insured=8, revenue=2 * 10**9)
    garment = make("Công ty TNHH May Phú Xuyên", where=commune("01", "Phú Xuyên"), legal_form=LegalForm.ENTERPRISE,
                   main_industry=division("14"))  # fmt: skip
    services.certification_create(
        actor=None, establishment_id=garment.pk,
        data={"kind": CertificationKind.QUALITY, "title": "ISO 9001:2015", "issuer": "QUACERT",
              "decision_number": "ISO-1", "decision_date": dt.date(2024, 1, 5)},
    )  # fmt: skip
    pending = make("Hộ Bánh Chờ", where=ba_vi)
    Establishment.objects.filter(pk=pending.pk).update(status="pending")
    client = client_for(personas.central_officer)
    section_c = division("10").parent
    cases = {
        "commune": (
            {"province": personas.province_a.pk, "commune": ba_vi.pk},
            ["Hộ Bánh Chờ", "HTX Cà phê Ba Vì"],
        ),  # ô < t
        "legal_form": ({"legal_form": "doanh_nghiep"}, ["Công ty TNHH May Phú Xuyên"]),
        "size": ({"size_class": "micro"}, ["HTX Cà phê Ba Vì"]),
        "division": ({"sector": division("14").pk}, ["Công ty TNHH May Phú Xuyên"]),
        "section": ({"sector": section_c.pk}, ["Công ty TNHH May Phú Xuyên", "HTX Cà phê Ba Vì"]),
        "certified": ({"certified": "yes"}, ["Công ty TNHH May Phú Xuyên"]),
        "pending": ({"status": "pending"}, ["Hộ Bánh Chờ"]),
        "supported": ({"supported": "yes"}, []),
        "province_b": ({"province": personas.province_b.pk}, []),
    }
    for label, (query, expected) in cases.items():
        assert names_on(client.get(LIST, query)) == expected, label


def test_the_list_runs_a_fixed_number_of_queries(personas, client_for, django_assert_max_num_queries):
    for number in range(30):
        est = make(f"Cơ sở số {number:02d}", where=commune("01", "Ba Vì"), main_industry=division("10"))
        with_figures(est, 2024, employees_insured=3, revenue=10**9)
    client = client_for(personas.province_a_officer)
    with django_assert_max_num_queries(20):
        assert len(names_on(client.get(LIST))) == 25


def test_export_writes_the_filtered_list_and_reads_back(personas, client_for):
    make("HTX Cà phê Ba Vì", where=commune("01", "Ba Vì"), tax_code="0100109106", main_industry=division("10"))
    make("Cơ sở Bánh đa", where=personas.province_a)
    make("Cơ sở ở tỉnh B", where=personas.province_b)
    response = client_for(personas.province_a_officer).get(reverse("registry:export"), {"q": "ca phe"})
    assert response["Content-Disposition"] == 'attachment; filename="co-so-cnnt.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Danh sách cơ sở CNNT" and rows[2][:5] == (
        "STT",
        "Tên cơ sở",
        "Tên khác",
        "Loại hình",
        "Mã số thuế",
    )
    assert [row[1] for row in rows[3:]] == ["HTX Cà phê Ba Vì"]
    assert rows[3][4] == "0100109106" and rows[3][7] == "Xã Ba Vì" and rows[3][11] == "10"


def test_a_large_export_becomes_a_job_with_a_download(personas, client_for, monkeypatch):
    from khuyencong.registry import views

    monkeypatch.setattr(views, "SYNC_LIMIT", 1)
    make("Cơ sở Thứ hai", where=personas.province_a)
    client = client_for(personas.province_a_officer)
    response = client.get(reverse("registry:export"))
    assert response.status_code == 302 and response.url.startswith("/tac-vu/")
    job_page = client.get(response.url).content.decode()
    download = re.search(r'href="(/co-so/xuat-excel/[0-9a-f-]+/)"', job_page).group(1)
    assert "Tải tệp Excel" in job_page
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(download).streaming_content)))
    assert [row[1] for row in list(workbook.active.iter_rows(values_only=True))[3:]] == [
        "Cơ sở Thứ hai",
        "Hợp tác xã Mây tre đan Phú Vinh",
    ]
    assert client_for(personas.central_officer).get(download).status_code == 404


def test_create_form_shows_vietnamese_errors_then_saves(personas, client_for):
    client = client_for(personas.province_a_officer)
    form_page = client.get(reverse("registry:create")).content.decode()
    assert 'hx-get="/co-so/don-vi/xa/"' in form_page and "Bát Tràng" in form_page  # own province's communes
    response = client.post(reverse("registry:create"), {"name": "", "legal_form": "", "tax_code": "123",
                                                          "province": personas.province_a.pk})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in body  # name and legal form (form level)
    data = {"name": "HTX Gốm Bát Tràng", "legal_form": "hop_tac_xa", "tax_code": "0100109107",
            "province": personas.province_a.pk, "commune": commune("01", "Bát Tràng").pk,
            "business_reg_date": "05/06/2020", "latitude": "20,97", "longitude": "105,91"}  # fmt: skip
    body = client.post(reverse("registry:create"), data).content.decode()
    assert "sai chữ số kiểm tra, chữ số thứ 10 phải là 6" in body
    data["tax_code"] = "0100109106"
    response = client.post(reverse("registry:create"), data)
    created = Establishment.objects.get(tax_code="0100109106")
    assert response.status_code == 302 and response.url == reverse("registry:detail", args=[created.pk])
    assert created.business_reg_date == dt.date(2020, 6, 5)  # dd/mm/yyyy, not month first
    data.update(name="Hợp tác xã gốm Bát Tràng", tax_code="")
    body = client.post(reverse("registry:create"), data).content.decode()
    assert "Đã có cơ sở cùng tên trong cùng xã/phường" in body and 'name="confirm_similar"' in body
    assert Establishment.objects.filter(name="Hợp tác xã gốm Bát Tràng").count() == 0
    response = client.post(reverse("registry:create"), {**data, "confirm_similar": "on"})
    assert response.status_code == 302


def test_a_stale_edit_form_says_so_and_keeps_the_other_change(personas, client_for):
    establishment = personas.establishment_a
    edit = reverse("registry:edit", args=[establishment.pk])
    officer, representative = client_for(personas.province_a_officer), client_for(personas.establishment_user)
    page = officer.get(edit).content.decode()
    assert 'name="version" value="1"' in page
    fields = {"name": establishment.name, "legal_form": "hop_tac_xa", "province": personas.province_a.pk,
              "version": 1}  # fmt: skip
    assert representative.post(edit, {**fields, "craft_village": "Phú Vinh"}).status_code == 302
    body = officer.post(edit, {**fields, "craft_village": "Ghi đè"}).content.decode()
    assert "đã được người khác cập nhật sau khi bạn mở" in body
    establishment.refresh_from_db()
    assert establishment.craft_village == "Phú Vinh" and establishment.version == 2


def test_detail_tabs(personas, client_for, private_files):
    establishment = personas.establishment_a
    with_figures(
        establishment, 2024, employees_total=20, employees_women=12, employees_insured=6, revenue=2_500_000_000
    )
    product = services.product_create(actor=None, establishment_id=establishment.pk,
                                      data={"name": "Giỏ mây xuất khẩu", "group": "thu_cong_my_nghe"})  # fmt: skip
    photo = services.product_photo_add(actor=None, product_id=product.pk, upload=image_upload())
    client = client_for(personas.establishment_user)
    url = reverse("registry:detail", args=[establishment.pk])
    profile = client.get(url).content.decode()
    assert "Đối tượng hỗ trợ khuyến công" in profile and "Siêu nhỏ" in profile
    products = client.get(url, {"tab": "san-pham"}).content.decode()
    assert "Giỏ mây xuất khẩu" in products and reverse("registry:photo", args=[photo.pk]) in products
    image = client.get(reverse("registry:photo", args=[photo.pk]))
    assert image["Content-Type"] == "image/jpeg" and b"".join(image.streaming_content)[:2] == b"\xff\xd8"
    figures = client.get(url, {"tab": "so-lieu"}).content.decode()
    assert "2.500.000.000" in figures and ">2024<" in figures
    support = client.get(url, {"tab": "ho-tro"}).content.decode()
    assert "Chưa có hỗ trợ nào được ghi nhận" in support
    history = client.get(url, {"tab": "lich-su"}).content.decode()
    assert "figures.save" in history and "product.photo_add" in history


def test_self_registration_page_signs_the_new_account_in_and_shows_the_pending_record(client, personas):
    form = client.get(reverse("self_registration:form")).content.decode()
    assert "Đăng ký tài khoản cho cơ sở công nghiệp nông thôn" in form
    data = {"username": "hkd.banhtrang", "full_name": "Trần Văn Bánh", "email": "banh@example.test",
            "phone": "0912 222 333", "password1": "Bánh-tráng-2026", "password2": "Bánh-tráng-2026",
            "name": "Hộ kinh doanh Bánh tráng Phú Xuyên", "legal_form": "ho_kinh_doanh",
            "province": personas.province_a.pk, "commune": commune("01", "Phú Xuyên").pk,
            "address": "Thôn Thượng", "main_products": "Bánh tráng", "agree": "on"}  # fmt: skip
    response = client.post(reverse("self_registration:form"), {**data, "password2": "khác"})
    assert "Hai lần nhập mật khẩu không khớp." in response.content.decode()
    response = client.post(reverse("self_registration:form"), data, follow=True)
    establishment = Establishment.objects.get(name="Hộ kinh doanh Bánh tráng Phú Xuyên")
    assert establishment.status == "pending"
    assert "Hồ sơ cơ sở đang chờ Sở Công Thương duyệt" in response.content.decode()
    detail = client.get(reverse("registry:detail", args=[establishment.pk])).content.decode()
    assert "Hồ sơ đang chờ Sở Công Thương duyệt." in detail and "Duyệt hồ sơ" not in detail
    robot = Client().post(reverse("self_registration:form"), {**data, "username": "robot", "homepage": "http://x"})
    assert robot.status_code == 302 and not Establishment.objects.filter(created_by__username="robot").exists()


def test_pages_have_no_inline_scripts_styles_or_handlers(personas, client_for):
    establishment = personas.establishment_a
    pk = establishment.pk
    urls = [LIST, reverse("registry:create"), reverse("registry:rules"), reverse("registry:edit", args=[pk]),
            reverse("registry:merge", args=[pk]), reverse("registry:figures_add", args=[pk]),
            reverse("registry:certification_add", args=[pk])]  # fmt: skip
    urls += [reverse("registry:detail", args=[establishment.pk]) + f"?tab={tab}"
             for tab in ("ho-so", "san-pham", "so-lieu", "ho-tro", "lich-su")]  # fmt: skip
    client = client_for(personas.central_admin)
    pages = [(url, client.get(url).content.decode()) for url in urls]
    pages.append(("register", client_for(None).get(reverse("self_registration:form")).content.decode()))
    for url, body in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert " style=" not in body and "<style" not in body, url
        assert not re.search(r"\son[a-z]+=", body), url
