"""The dashboard, catalogue, target and report pages over HTTP: what each person sees, scope, filters and their
errors, Excel exports written and read back, bounded queries, no inline script."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from khuyencong.accounts.models import User
from khuyencong.geo.models import Unit
from khuyencong.indicators.models import Indicator, ManualReport, ManualValue, ReportStatus, Target
from khuyencong.indicators.selectors import FactQuery, Filters, funds, progress, to_million
from khuyencong.programmes.models import Programme

pytestmark = pytest.mark.django_db


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _province(code: str) -> Unit:
    return Unit.objects.get(key=f"2025:province:{code}")


def _no_inline_script(body: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)
    assert " style=" not in body and "<style" not in body and " onclick=" not in body


def _island(response) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


def test_national_dashboard_shows_the_figures_and_their_chart_data(generated, client_for):
    client = client_for(_user("sinh.cuc.ld"))
    response = client.get(reverse("dashboards:national"))
    assert response.status_code == 200
    body = response.content.decode()
    _no_inline_script(body)
    board = response.context["board"]
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    assert board.filters.programme == programme  # a bare page opens on the latest national programme with targets
    assert f'<option value="{programme.pk}" selected>' in body
    assert f'data-kpi="approved_projects">{board.kpis.approved_projects}<' in body
    data = _island(response)
    assert data["map"]["outline"].endswith("map/vietnam-outline.geojson")
    mapped = {area["code"] for area in data["map"]["areas"]}
    assert mapped == {area.unit.code for area in board.areas if area.unit is not None}
    assert {"state_planned", "disbursed", "projects", "establishments"} <= {m["key"] for m in data["map"]["metrics"]}
    assert (
        data["progress"]["basis"] == "target"
        and "Máy móc, thiết bị tiên tiến được ứng dụng" in (data["progress"]["labels"])
    )
    for area in data["map"]["areas"]:
        assert area["url"].startswith("/bang-dieu-khien/tinh/") and area["lat"] and area["lon"]


def test_each_area_links_to_its_own_page(generated, client_for):
    """Area links are reversed once and the area's id put in: each must still lead to that area's page."""
    client = client_for(_user("sinh.cuc.ld"))
    board = client.get(reverse("dashboards:national"), {"programme": ""}).context["board"]
    linked = [area for area in board.areas if area.unit is not None]
    assert len(linked) > 1
    for area in linked:
        assert area.url == reverse("dashboards:province", kwargs={"province_id": area.unit.pk})
    province = _province("66")
    board = client.get(reverse("dashboards:province", kwargs={"province_id": province.pk})).context["board"]
    communes = [area for area in board.areas if area.unit is not None]
    assert communes and board.level == "commune"
    for area in communes:
        kwargs = {"province_id": province.pk, "commune_id": area.unit.pk}
        assert area.url == reverse("dashboards:commune", kwargs=kwargs)


def test_the_dashboard_reads_a_bounded_number_of_queries(generated, client_for, django_assert_max_num_queries):
    client = client_for(_user("sinh.cuc.ld"))
    with django_assert_max_num_queries(40):
        assert client.get(reverse("dashboards:national"), {"programme": ""}).status_code == 200


def test_a_provincial_user_is_taken_to_its_province_and_sees_no_other(generated, client_for):
    client = client_for(_user("sinh.66.ld"))
    own = reverse("dashboards:province", kwargs={"province_id": _province("66").pk})
    response = client.get(reverse("dashboards:national"), {"units": "then"})
    assert response.status_code == 302 and response.url == f"{own}?units=then"
    response = client.get(own)
    assert response.status_code == 200 and response.context["board"].level == "commune"
    assert "Khuyến công Tỉnh Đắk Lắk" in response.content.decode()
    other = reverse("dashboards:province", kwargs={"province_id": _province("01").pk})
    assert client.get(other).status_code == 404
    export = reverse("dashboards:province_export", kwargs={"province_id": _province("01").pk, "chart": "kinh-phi"})
    assert client.get(export).status_code == 404


def test_units_as_they_were_show_the_former_provinces_until_2025(generated, client_for):
    client = client_for(_user("sinh.cuc.ld"))
    response = client.get(reverse("dashboards:national"), {"programme": "", "units": "then", "year_to": "2030"})
    board = response.context["board"]
    assert board.level == "legacy" and board.filters.clamped
    names = {area.name for area in board.areas}
    assert "Tỉnh Phú Yên (cũ)" in names and "Tỉnh Bến Tre (cũ)" in names
    assert "chỉ tính đến năm kế hoạch 2025" in response.content.decode()
    phu_yen = next(area for area in board.areas if area.name == "Tỉnh Phú Yên (cũ)")
    assert phu_yen.url == reverse("dashboards:province", kwargs={"province_id": _province("66").pk})
    inside = client.get(phu_yen.url, {"programme": "", "units": "then"}).context["board"]
    with_projects = {area.name for area in inside.areas if area.projects}
    assert with_projects == {"Tỉnh Phú Yên (cũ)", "Tỉnh Đắk Lắk (cũ)"}
    # Values the province reported (on today's unit) stay under today's unit.
    assert {area.name for area in inside.areas} - with_projects <= {"Tỉnh Đắk Lắk"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"year_from": "2025", "year_to": "2021"}, "year_to", "“Đến năm” phải từ “Từ năm” trở đi."),
        ({"year_from": "năm ngoái"}, "year_from", "Năm phải là một số, ví dụ 2024."),
        ({"units": "then", "year_from": "2027"}, "year_from", "chỉ có số liệu đến năm 2025"),
        ({"programme": "999999"}, "programme", "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_filter_errors_name_the_field(generated, client_for, query, field, message):
    response = client_for(_user("sinh.cuc.ld")).get(reverse("dashboards:national"), query)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and any(message in error for error in errors[field])
    assert "Bộ lọc chưa hợp lệ" in response.content.decode()


def test_every_chart_exports_its_figures_to_excel(generated, client_for):
    client = client_for(_user("sinh.cuc.ld"))
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    query = {"programme": programme.pk, "year_from": 2021}
    filters = Filters(programme=programme, year_from=2021)
    books = {}
    for chart in ("chi-tieu", "kinh-phi", "trang-thai", "noi-dung", "dia-ban"):
        response = client.get(reverse("dashboards:export", kwargs={"chart": chart}), query)
        assert response.status_code == 200 and response["Content-Disposition"].endswith(f'{chart}-toan-quoc.xlsx"')
        books[chart] = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [tuple(row) + (None,) * 12 for row in books["kinh-phi"].active.values]
    assert rows[0][0] == "Kinh phí theo nguồn và năm" and "Phạm vi: toàn quốc" in rows[1][0]
    assert rows[4][:3] == ("Năm kế hoạch", "Nguồn vốn", "Dự toán (triệu đồng)")
    expected = funds(FactQuery(user=_user("sinh.cuc.ld"), province=None, filters=filters))
    assert len(rows) - 5 == len(expected) > 0
    for row, line in zip(rows[5:], expected, strict=True):
        assert row[0] == line.year and row[1] == line.source.short_name
        assert Decimal(str(row[2])) == to_million(line.planned) and Decimal(str(row[6])) == to_million(line.disbursed)
    indicators = [tuple(row) + (None,) * 12 for row in books["chi-tieu"].active.values]
    shown = {row[0]: row for row in indicators[5:]}
    for line in progress(FactQuery(user=_user("sinh.cuc.ld"), province=None, filters=filters)):
        assert shown[line.indicator.code][1] == line.indicator.name
        assert shown[line.indicator.code][6] == (None if line.actual is None else pytest.approx(float(line.actual)))
    areas = list(books["dia-ban"].active.values)
    assert areas[4][:3] == ("Mã", "Tỉnh/thành phố", "Đề án đã phê duyệt")
    assert client.get(reverse("dashboards:export", kwargs={"chart": "khong-co"})).status_code == 404


def test_the_commune_drill_down_lists_support_in_that_commune(generated, client_for):
    client = client_for(_user("sinh.cuc.ld"))
    province = _province("86")
    board = client.get(reverse("dashboards:province", kwargs={"province_id": province.pk}), {"programme": ""})
    area = next(a for a in board.context["board"].areas if a.unit is not None)
    response = client.get(area.url, {"programme": ""})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count >= area.establishments
    assert {row.establishment.commune_id for row in page} == {area.unit.pk}
    assert sum(row.amount for row in page.paginator.object_list) == area.support
    elsewhere = Unit.objects.filter(province=_province("01"), level="commune").first()
    wrong = reverse("dashboards:commune", kwargs={"province_id": province.pk, "commune_id": elsewhere.pk})
    assert client.get(wrong).status_code == 404


def test_targets_page_sets_a_target_and_warns(generated, client_for):
    client = client_for(_user("sinh.cuc.ld"))
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    machines = Indicator.objects.get(code="may_moc_thiet_bi")
    url = reverse("indicators:targets")
    response = client.post(
        url,
        {"programme": programme.pk, "indicator": machines.pk, "unit": _province("86").pk, "target_value": "1.600",
         "citation": "CV 45/CĐMST"},
        follow=True,
    )  # fmt: skip
    body = response.content.decode()
    assert "Đã lưu mục tiêu." in body and "vượt mục tiêu chung 1.600" in body
    assert Target.objects.get(programme=programme, indicator=machines, unit=_province("86")).target_value == 1600
    response = client.post(url, {"programme": programme.pk, "indicator": machines.pk, "target_value": "-5"})
    assert response.status_code == 200 and "target_value" in response.context["form"].errors
    page = client.get(url, {"programme": programme.pk, "indicator": machines.pk, "year": "period"})
    assert any(row.unit and row.unit.key == "legacy:province:70" for row in page.context["page"])
    assert client_for(_user("sinh.66.ld")).post(url, {"programme": programme.pk}).status_code == 403


def test_targets_page_of_a_province_shows_only_its_targets(generated, client_for):
    response = client_for(_user("sinh.75.ld")).get(reverse("indicators:targets"))
    rows = list(response.context["page"])
    assert rows and {row.province_id for row in rows} <= {None, _province("75").pk}
    assert any(row.unit and row.unit.key == "legacy:province:70" for row in rows)  # Bình Phước's, now Đồng Nai's


def test_a_report_through_the_pages(generated, client_for):
    officer, leader = client_for(_user("sinh.86.cv")), client_for(_user("sinh.86.ld"))
    cuc = client_for(_user("sinh.cuc.ld"))
    response = officer.post(reverse("indicators:reports"), {"year": 2026, "half": 0})
    report = ManualReport.objects.get(province=_province("86"), year=2026)
    assert response.status_code == 302 and response.url == reverse("indicators:report", kwargs={"report_id": report.pk})
    jobs = Indicator.objects.get(code="viec_lam_moi")
    url = reverse("indicators:report", kwargs={"report_id": report.pk})
    response = officer.post(url, {"version": report.version, f"v{jobs.pk}": "30", f"f{jobs.pk}": "31"})
    assert response.status_code == 200
    assert "số nữ (31) lớn hơn tổng số (30)" in response.content.decode()
    response = officer.post(url, {"version": report.version, f"v{jobs.pk}": "1.230,5", f"f{jobs.pk}": "600"})
    assert response.status_code == 302
    assert report.values.get().value == Decimal("1230.5")
    report.refresh_from_db()
    submit = reverse("indicators:report_transition", kwargs={"report_id": report.pk, "action": "submit"})
    assert officer.post(submit, {"version": report.version}).status_code == 403
    assert leader.post(submit, {"version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report in cuc.get(reverse("indicators:reports")).context["awaiting"]
    approve = reverse("indicators:report_transition", kwargs={"report_id": report.pk, "action": "approve"})
    cuc.post(approve, {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    page = officer.get(url)
    assert not page.context["editable"] and "Kỳ báo cáo đã duyệt và khóa" in page.content.decode()
    board = (
        client_for(_user("sinh.cuc.ld"))
        .get(reverse("dashboards:province", kwargs={"province_id": _province("86").pk}), {"programme": ""})
        .context["board"]
    )
    reported = ManualValue.objects.filter(
        report__province=_province("86"), report__status="approved", indicator__code="viec_lam_moi"
    ).aggregate(total=Sum("value"))["total"]
    assert next(r for r in board.progress if r.indicator.code == "viec_lam_moi").actual == reported
    assert reported > Decimal("1230.5")  # the generated 2016–2025 reports and this one
    unlock = reverse("indicators:report_transition", kwargs={"report_id": report.pk, "action": "unlock"})
    response = cuc.post(unlock, {"version": report.version, "reason": ""}, follow=True)
    assert "Cần ghi lý do." in response.content.decode()
    assert client_for(_user("sinh.01.cv")).get(url).status_code == 404


def test_catalogue_lists_outputs_and_outcomes(generated, client_for):
    response = client_for(_user("sinh.01.cv")).get(reverse("indicators:catalogue"))
    body = response.content.decode()
    assert "Chỉ tiêu đầu ra" in body and "Chỉ tiêu kết quả, tác động" in body
    assert "Việc làm mới tạo ra tại cơ sở được hỗ trợ" in body and "Quyết định 1881/QĐ-TTg" in body
    assert "Thêm chỉ tiêu" not in body


def test_programme_page_reads_achievements_from_the_analytics(generated, client_for):
    """The programmes app's own page shows the programme-wide targets with what was achieved (one computation)."""
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    response = client_for(_user("sinh.cuc.ld")).get(reverse("programmes:detail", kwargs={"programme_id": programme.pk}))
    rows = {row["target"].indicator.code: row for row in response.context["targets"]}
    board = progress(FactQuery(user=_user("sinh.cuc.ld"), province=None, filters=Filters(programme=programme)))
    expected = {row.indicator.code: row.actual or 0 for row in board}
    assert {code: row["achieved"] for code, row in rows.items()} == {code: expected[code] for code in rows}
    assert set(rows) == {t.indicator.code for t in Target.objects.filter(programme=programme, unit=None, year=None)}
