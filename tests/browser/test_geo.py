"""Administrative units in chromium: search without diacritics, open a unit, read where it came from."""

from __future__ import annotations

from tests.browser.conftest import nav_link, screenshot, sign_in


def test_search_dak_lak_and_open_its_history(page, web_personas):
    sign_in(page, "province_a_officer")
    with page.expect_navigation():
        nav_link(page, None, "Đơn vị hành chính").click()
    assert page.get_by_role("heading", name="Đơn vị hành chính").is_visible()
    assert page.locator("tbody tr").count() == 34
    screenshot(page, "geo-tree-today")

    page.get_by_label("Tìm đơn vị").fill("dak lak")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm").click()
    result = page.get_by_role("link", name="Tỉnh Đắk Lắk", exact=True)
    assert result.is_visible()
    screenshot(page, "geo-search-dak-lak")

    with page.expect_navigation():
        result.click()
    assert page.get_by_role("heading", name="Tỉnh Đắk Lắk", exact=True).is_visible()
    predecessors = page.locator("section", has=page.get_by_role("heading", name="Hình thành từ"))
    assert predecessors.get_by_role("link", name="Tỉnh Đắk Lắk").is_visible()
    assert predecessors.get_by_role("link", name="Tỉnh Phú Yên").is_visible()
    assert predecessors.get_by_text("01/07/2025").first.is_visible()
    screenshot(page, "geo-unit-dak-lak")

    # A former province: where it went, and the way back to the tree as it was.
    with page.expect_navigation():
        predecessors.get_by_role("link", name="Tỉnh Phú Yên").click()
    assert page.get_by_text("Số liệu ghi theo đơn vị này được quy đổi về").is_visible()
    with page.expect_navigation():
        page.get_by_role("navigation", name="Đường dẫn").get_by_role("link", name="Đến 30/06/2025").click()
    assert page.locator("tbody tr").count() == 63
    screenshot(page, "geo-tree-legacy")


def test_unit_page_on_a_phone(page, web_personas):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "establishment_user")
    page.goto(page.base_url + "/don-vi-hanh-chinh/legacy:district:832/")
    assert page.get_by_role("heading", name="Huyện Chợ Lách").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "geo-district-phone")


def test_an_administrator_previews_a_change_file(page, web_personas, settings, tmp_path):
    settings.GEO_CHANGE_FILES_DIR = tmp_path / "thay-doi"
    changes = tmp_path / "nq-2026.csv"
    changes.write_text(
        "action,level,old_code,new_code,new_name,new_type,parent_code,primary,note\n"
        "rename,commune,28870,,Chợ Lách Tây,,,,\n"
        "split,commune,28777,33001,An Hội Bắc,,,x,\n"
        "split,commune,28777,33002,An Hội Nam,xã,86,,\n",
        encoding="utf-8",
    )
    sign_in(page, "central_admin")
    page.goto(page.base_url + "/don-vi-hanh-chinh/")
    with page.expect_navigation():
        page.get_by_role("link", name="Cập nhật theo văn bản mới").click()
    page.get_by_label("Tệp thay đổi").set_input_files(str(changes))
    page.get_by_label("Ngày có hiệu lực").fill("30/04/2026")
    page.get_by_label("Căn cứ").fill("Nghị quyết 1234/NQ-UBTVQH15 ngày 16/04/2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra (chưa ghi)").click()
    assert page.get_by_role("heading", name="Xem trước: 2 thay đổi có hiệu lực từ 30/04/2026").is_visible()
    assert page.get_by_role("button", name="Áp dụng").is_visible()
    screenshot(page, "geo-changes-preview")
