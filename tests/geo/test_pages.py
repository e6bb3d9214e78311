"""The administrative-unit pages as personas: the tree today and as it was, search, one unit's history."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.geo.models import Unit

pytestmark = pytest.mark.django_db

INDEX = reverse("geo:index")


def unit_url(key: str) -> str:
    return reverse("geo:unit", args=[key])


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td><code>(\d+)</code></td>", html)


def test_today_tree_lists_the_34_provinces_with_their_communes(personas, client_for):
    response = client_for(personas.establishment_user).get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(rows_of(html)) == 34
    assert "34 đơn vị hành chính cấp tỉnh" in html
    # Vĩnh Long today was formed from Bến Tre, Trà Vinh and Vĩnh Long; its commune count is today's.
    vinh_long = Unit.objects.get(key="2025:province:86")
    communes = Unit.objects.filter(parent=vinh_long, valid_to__isnull=True).count()
    row = re.search(
        r'href="/don-vi-hanh-chinh/2025:province:86/">Tỉnh Vĩnh Long</a></td>\s*<td class="num">(\d+)', html
    )
    assert row and int(row.group(1)) == communes
    assert 'href="/don-vi-hanh-chinh/legacy:province:83/">Bến Tre</a>' in html
    # Vietnamese order: "An Giang" first, "Đà Nẵng" after every "D…" and before "Điện Biên".
    names = re.findall(r'province:\d\d/">(?:Tỉnh|Thành phố) ([^<]+)</a>', html)
    assert names[0] == "An Giang"
    assert names.index("Đà Nẵng") < names.index("Điện Biên") < names.index("Gia Lai")


def test_legacy_tree_lists_the_63_provinces_and_where_they_went(personas, client_for):
    response = client_for(personas.province_b_officer).get(INDEX, {"ngay": "30/06/2025"})
    html = response.content.decode()
    assert len(rows_of(html)) == 63
    assert "Cấp huyện" in html and "Nay thuộc" in html
    binh_phuoc = re.search(r'legacy:province:70/">Tỉnh Bình Phước</a>.*?</tr>', html, re.S).group(0)
    assert "Tỉnh Đồng Nai" in binh_phuoc
    assert 'aria-current="page">Đến 30/06/2025' in html


def test_the_tree_page_runs_a_bounded_number_of_queries(personas, client_for):
    client = client_for(personas.central_officer)
    with CaptureQueriesContext(connection) as today:
        client.get(INDEX)
    with CaptureQueriesContext(connection) as legacy:
        client.get(INDEX, {"ngay": "30/06/2025"})
    # 34 or 63 rows, same handful of queries: counts are subqueries, links prefetched.
    assert len(today) <= 12 and len(legacy) <= 12, (len(today), len(legacy))


def test_search_ignores_diacritics_and_shows_the_roll_up(personas, client_for):
    client = client_for(personas.province_a_viewer)
    html = client.get(INDEX, {"q": "dak lak"}).content.decode()
    assert "Tỉnh Đắk Lắk" in html and "/don-vi-hanh-chinh/2025:province:66/" in html
    former = client.get(INDEX, {"q": "Bình Phước", "cap": "province", "pham_vi": "tat_ca"}).content.decode()
    assert "legacy:province:70" in former
    assert re.search(r"legacy:province:70/\">Tỉnh Bình Phước</a>.*?2025:province:75/\">Tỉnh Đồng Nai", former, re.S)
    nothing = client.get(INDEX, {"q": "zzqx"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in nothing


def test_unit_page_of_a_current_province_lists_the_legacy_provinces_behind_it(personas, client_for):
    html = client_for(personas.province_a_officer).get(unit_url("2025:province:86")).content.decode()
    assert '<h1 class="h3 mb-0">Tỉnh Vĩnh Long</h1>' in html
    predecessors = html.split('id="predecessors-heading"')[1].split("</section>")[0]
    for key in ("legacy:province:83", "legacy:province:84", "legacy:province:86"):
        assert key in predecessors
    assert "01/07/2025" in predecessors and "sáp nhập" in predecessors
    assert "Đồng bằng sông Cửu Long" in html  # its socio-economic region
    assert "Đơn vị trực thuộc" in html


def test_unit_page_of_a_legacy_province_says_where_it_went(personas, client_for):
    html = client_for(personas.establishment_user).get(unit_url("legacy:province:70")).content.decode()
    assert "Đến 30/06/2025" in html
    assert "Số liệu ghi theo đơn vị này được quy đổi về" in html
    successors = html.split('id="successors-heading"')[1].split("</section>")[0]
    assert "2025:province:75" in successors
    # Its children are its districts as they were on 30/06/2025.
    assert "Đơn vị trực thuộc (ngày 30/06/2025)" in html
    assert "Huyện" in html.split('id="children-heading"')[1]


def test_legacy_district_rolls_up_through_its_province_and_lists_its_communes(personas, client_for):
    client = client_for(personas.central_leader)
    html = client.get(unit_url("legacy:district:832")).content.decode()
    assert "Huyện Chợ Lách" in html
    assert "2025:province:86" in html.split("alert-warning")[1].split("</div>")[0]
    assert "Tỉnh Bến Tre" in html  # breadcrumb to its legacy province
    filtered = client.get(unit_url("legacy:district:832"), {"q": "long thoi"}).content.decode()
    children = filtered.split('id="children-heading"')[1]
    assert "Xã Long Thới" in children and "Thị trấn Chợ Lách" not in children


def test_commune_page_shows_split_successors_with_the_primary_marked(personas, client_for):
    split = Unit.objects.filter(succession_out__note="tách (mặc định)").first()
    html = client_for(personas.central_admin).get(unit_url(split.key)).content.decode()
    successors = html.split('id="successors-heading"')[1].split("</section>")[0]
    assert "kế thừa chính" in successors and "một phần" in successors


def test_unknown_unit_is_a_vietnamese_404(personas, client_for):
    response = client_for(personas.central_admin).get(unit_url("2025:province:00"))
    assert response.status_code == 404


def test_industry_codes_page_filters_by_level_and_text(personas, client_for):
    client = client_for(personas.province_b_officer)
    html = client.get(reverse("geo:industries"), {"cap": "1"}).content.decode()
    assert html.count("<tr>") - 1 == 21  # header row + 21 sections
    found = client.get(reverse("geo:industries"), {"q": "che bien"}).content.decode()
    assert "Công nghiệp chế biến, chế tạo" in found


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response.headers["Location"]


def test_navigation_has_the_entry_for_every_signed_in_user(personas, client_for):
    html = client_for(personas.establishment_user).get(reverse("core:home")).content.decode()
    assert f'href="{INDEX}"' in html and "Đơn vị hành chính" in html


def test_pages_have_no_inline_scripts_styles_or_handlers(personas, client_for):
    client = client_for(personas.central_admin)
    split = Unit.objects.filter(succession_out__note="tách (mặc định)").values_list("key", flat=True).first()
    urls = [
        INDEX,
        f"{INDEX}?ngay=30/06/2025",
        f"{INDEX}?q=ben+tre&pham_vi=tat_ca",
        unit_url("2025:province:86"),
        unit_url("legacy:province:83"),
        unit_url(split),
        reverse("geo:industries"),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert " style=" not in body and "<style" not in body, url
        assert not re.search(r"\son[a-z]+=", body), url


def test_unit_page_query_count_does_not_grow_with_its_children(personas, client_for):
    client = client_for(personas.province_a_officer)
    with CaptureQueriesContext(connection) as small:
        client.get(unit_url("legacy:district:832"))  # 11 communes
    with CaptureQueriesContext(connection) as large:
        client.get(unit_url("2025:province:01"))  # 126 communes, 25 a page, each with several predecessors
    assert len(large) <= len(small) + 3, (len(small), len(large))


def test_a_bad_date_is_refused_with_a_message_and_today_is_shown(personas, client_for):
    html = client_for(personas.central_officer).get(INDEX, {"ngay": "31/02/2025"}).content.decode()
    assert "Nhập một ngày hợp lệ." in html
    assert len(rows_of(html)) == 34


def test_a_bad_date_keeps_the_search(personas, client_for):
    html = client_for(personas.central_officer).get(INDEX, {"q": "dak lak", "ngay": "99/99/2025"}).content.decode()
    assert "Nhập một ngày hợp lệ." in html and "Tỉnh Đắk Lắk" in html


def test_pages_after_a_change_file_show_the_new_generation_and_its_history(personas, client_for, tmp_path):
    changes = tmp_path / "thay-doi-2026.csv"
    changes.write_text(
        "action,level,old_code,new_code,new_name,new_type,parent_code,primary,note\n"
        "rename,commune,28870,,Chợ Lách Tây,,,,\n"
        "merge,commune,28789,28789,Bến Tre,phường,,,\n"
        "merge,commune,28756,28789,,,,,\n"
        "split,commune,28777,33001,An Hội Bắc,,,x,\n"
        "split,commune,28777,33002,An Hội Nam,xã,86,,\n",
        encoding="utf-8",
    )
    call_command("apply_unit_changes", str(changes), "--effective", "2026-04-30", stdout=io.StringIO())
    client = client_for(personas.province_a_viewer)

    index = client.get(INDEX).content.decode()
    assert "?ngay=29%2F04%2F2026" in index and "?ngay=30%2F06%2F2025" in index
    before = client.get(INDEX, {"ngay": "29/04/2026"}).content.decode()
    assert 'aria-current="page">Đến 29/04/2026' in before and len(rows_of(before)) == 34

    merged = client.get(unit_url("2026-04-30:commune:28789")).content.decode()
    predecessors = merged.split('id="predecessors-heading"')[1].split("</section>")[0]
    assert "2025:commune:28789" in predecessors and "2025:commune:28756" in predecessors
    assert "30/04/2026" in predecessors

    split = client.get(unit_url("2025:commune:28777")).content.decode()
    assert "Đến 29/04/2026" in split
    successors = split.split('id="successors-heading"')[1].split("</section>")[0]
    assert re.search(r"Phường An Hội Bắc</a> <span class=\"badge text-bg-primary\">kế thừa chính", successors)
    assert re.search(r"An Hội Nam</a> <span[^>]*>một phần", successors)

    # A 2020 commune rolls up through two generations: thị trấn Chợ Lách → xã Chợ Lách → xã Chợ Lách Tây.
    legacy = client.get(unit_url("legacy:commune:28870")).content.decode()
    alert = legacy.split("alert-warning")[1].split("</div>")[0]
    assert "2026-04-30:commune:28870" in alert and "Xã Chợ Lách Tây" in alert

    today = client.get(unit_url("2025:province:86"), {"q": "cho lach"}).content.decode()
    children = today.split('id="children-heading"')[1]
    assert "Xã Chợ Lách Tây" in children and "2025:commune:28870" in children  # formed from the 2025 commune
