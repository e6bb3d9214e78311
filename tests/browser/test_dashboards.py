"""The dashboards in chromium: the national page with its charts and the map (the country outline with Hoàng Sa and
Trường Sa, one circle per province), the metric switcher, "units as they were", the drill-down to a province and
a commune, an Excel export; a province's officer lands on its province and cannot open another's.

The shared browser database is not flushed, so the test writes its own projects (2023, under a unique token) in
Hà Nội, in Hồ Chí Minh and in the former Bà Rịa - Vũng Tàu (now Hồ Chí Minh), rebuilds the analytics table and
reads the page with a filter on 2023."""

from __future__ import annotations

import datetime as dt
import uuid

from khuyencong.accounts.models import Agency
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit
from khuyencong.indicators.analytics import rebuild_analytics
from khuyencong.indicators.models import Indicator
from khuyencong.programmes.models import (
    BudgetLine,
    ContentItem,
    FundingSource,
    MoneyMovement,
    Programme,
    Project,
    ProjectBeneficiary,
    ProjectOutput,
)
from khuyencong.registry.models import Establishment
from tests.browser.conftest import screenshot, sign_in

M = 1_000_000
YEAR = 2023
FILTER = f"?programme=&year_from={YEAR}&year_to={YEAR}"


def _project(personas, token: str, n: int, province: Unit, *, legacy: Unit | None = None, budget: int, paid: int,
             machines: int, establishments: list[Establishment]) -> Project:  # fmt: skip
    """A settled 2023 national project with its budget, a payment, an accepted output and beneficiaries."""
    title = f"Đề án bảng điều khiển {token} {n}"
    project = Project.objects.create(
        code=f"TEST-{token}-{n}", title=title, title_folded=fold_vi(title), kind="national",
        programme=Programme.objects.get(code="ctkcqg-2021-2025"), year=YEAR,
        implementing_agency=Agency.objects.get(code="CUC"), province=province, legacy_province=legacy,
        status="settled", created_by=personas.central_officer,
    )  # fmt: skip
    machinery = ContentItem.objects.get(code="may_moc_tien_tien")
    kcqg = FundingSource.objects.get(code="KCQG")
    project.content_items.add(machinery)
    BudgetLine.objects.create(project=project, source=kcqg, content_item=machinery, amount=budget)
    MoneyMovement.objects.create(
        project=project, source=kcqg, kind="payment", amount=paid, occurred_on=dt.date(YEAR, 11, 1),
        document_number="TT-01", status="approved", entered_by=personas.central_officer,
    )  # fmt: skip
    ProjectOutput.objects.create(
        project=project, indicator=Indicator.objects.get(code="may_moc_thiet_bi"), planned_value=machines,
        actual_value=machines,
    )  # fmt: skip
    for establishment in establishments:
        ProjectBeneficiary.objects.create(
            project=project, establishment=establishment, content_item=machinery, planned_support=budget // 4,
            counterpart=budget // 4,
        )  # fmt: skip
    return project


def _establishment(token: str, n: int, province: Unit) -> Establishment:
    commune = Unit.objects.filter(province=province, level="commune", valid_to__isnull=True).order_by("code").first()
    name = f"Cơ sở bảng điều khiển {token} {n}"
    return Establishment.objects.create(name=name, name_folded=fold_vi(name), province=province, commune=commune)


def _dataset(personas) -> dict:
    token = uuid.uuid4().hex[:6].upper()
    ha_noi, hcm = personas.province_a, personas.province_b
    vung_tau = Unit.objects.get(key="legacy:province:77")
    a1, a2 = _establishment(token, 1, ha_noi), _establishment(token, 2, ha_noi)
    b1 = _establishment(token, 3, hcm)
    _project(personas, token, 1, ha_noi, budget=800 * M, paid=500 * M, machines=6, establishments=[a1, a2])
    _project(personas, token, 2, hcm, budget=300 * M, paid=300 * M, machines=2, establishments=[b1])
    _project(personas, token, 3, hcm, legacy=vung_tau, budget=450 * M, paid=100 * M, machines=3, establishments=[])
    rebuild_analytics()
    return {"token": token, "commune": a1.commune}


def _map_option(page) -> dict:
    page.wait_for_selector('[data-chart="map"][data-map-ready]')
    return page.evaluate(
        """() => {
            const option = echarts.getInstanceByDom(document.querySelector('[data-chart="map"]')).getOption();
            return {
                areas: option.series[0].data.map(d => d.name),
                labels: option.series[1].data.map(d => d.name),
                max: option.visualMap[0].max,
                map: option.geo[0].map,
            };
        }"""
    )


def _row(page, name: str):
    return page.locator("#areas-table tbody tr", has=page.get_by_role("rowheader", name=name, exact=True))


def test_national_dashboard_map_and_drill_down(page, web_personas):
    data = _dataset(web_personas)
    sign_in(page, "central_leader")
    page.goto(f"{page.base_url}/bang-dieu-khien/{FILTER}")
    assert page.get_by_role("heading", name="Khuyến công toàn quốc").is_visible()
    option = _map_option(page)
    assert option["map"] == "vn-outline"
    assert option["labels"] == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    assert {"Thành phố Hà Nội", "Thành phố Hồ Chí Minh"} <= set(option["areas"])
    assert option["max"] >= 800  # triệu đồng: the largest state budget planned in one province
    assert page.locator('[data-chart="progress"] canvas').count() == 1
    assert page.locator('[data-chart="funds"] canvas').count() == 1
    hcm = _row(page, "Thành phố Hồ Chí Minh")
    assert int(hcm.locator('[data-figure="projects"]').inner_text()) >= 2
    page.get_by_label("Chỉ số hiển thị").select_option(label="Đạt: Máy móc, thiết bị tiên tiến được ứng dụng (máy)")
    assert _map_option(page)["max"] >= 6
    screenshot(page, "dashboard-national")

    # Units as they were: the former Bà Rịa - Vũng Tàu appears, and leads to today's Hồ Chí Minh.
    with page.expect_navigation():
        page.get_by_role("link", name="Đơn vị khi thực hiện").click()
    assert "units=then" in page.url
    assert _row(page, "Tỉnh Bà Rịa - Vũng Tàu (cũ)").count() == 1
    assert "Tỉnh Bà Rịa - Vũng Tàu (cũ)" in _map_option(page)["areas"]
    screenshot(page, "dashboard-legacy")

    # Drill-down: Hà Nội's page lists its communes, a commune lists the supported establishments.
    page.goto(f"{page.base_url}/bang-dieu-khien/{FILTER}")
    with page.expect_navigation():
        _row(page, "Thành phố Hà Nội").get_by_role("link").click()
    assert page.get_by_role("heading", name="Khuyến công Thành phố Hà Nội").is_visible()
    commune = str(data["commune"])
    with page.expect_navigation():
        _row(page, commune).get_by_role("link").click()
    assert page.get_by_role("link", name=f"Cơ sở bảng điều khiển {data['token']} 1").is_visible()
    assert page.get_by_role("link", name=f"Cơ sở bảng điều khiển {data['token']} 2").is_visible()

    # Excel export of the areas table.
    page.goto(f"{page.base_url}/bang-dieu-khien/{FILTER}")
    with page.expect_download() as download:
        page.locator("#areas-title").locator("xpath=..").get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == "dia-ban-toan-quoc.xlsx"


def test_a_province_officer_sees_only_its_province(page, web_personas):
    _dataset(web_personas)
    sign_in(page, "province_b_officer")
    page.goto(f"{page.base_url}/bang-dieu-khien/{FILTER}")
    assert page.url.startswith(f"{page.base_url}/bang-dieu-khien/tinh/{web_personas.province_b.pk}/")
    assert page.get_by_role("heading", name="Khuyến công Thành phố Hồ Chí Minh").is_visible()
    option = _map_option(page)
    assert option["labels"] == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    assert "Thành phố Hà Nội" not in page.locator("#areas-table").inner_text()
    screenshot(page, "dashboard-province")
    # Another province's page does not exist for this officer (asked with the page's cookies, outside the page).
    assert page.request.get(f"{page.base_url}/bang-dieu-khien/tinh/{web_personas.province_a.pk}/").status == 404
