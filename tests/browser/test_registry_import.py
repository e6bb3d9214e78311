"""In chromium: a provincial officer imports a spreadsheet, reads the preview and its errors, commits, then
finds the imported "Cà phê …" establishment by typing "ca phe"; the create form reloads communes by province."""

from __future__ import annotations

import re
import uuid

from tests.browser.conftest import nav_link, screenshot, sign_in
from tests.imports.builders import nfd, tax_code, write_messy_workbook


def test_officer_imports_previews_commits_and_finds_by_folded_search(page, web_personas, tmp_path):
    token = uuid.uuid4().hex[:4].upper()
    name = f"Hợp tác xã Cà phê Ba Vì {token}"
    good = tax_code(7000 + int(token, 16) % 1000)
    rows = [
        [1, nfd(name), "HTX", good, "Cổ Đô", "Ba Vì", "Hà Nội", "12/03/2015", "0912 345 678", 2023, 25, 12, 8,
         "1.250,5", "Cà phê bột"],
        [2, f"Công ty TNHH Gốm {token}", "Doanh nghiệp", "0100109107", "Cổ Đô", "Ba Vì", "Hà Nội", None, None,
         None, None, None, None, None, "Gốm"],
        [3, f"Hộ kinh doanh Bánh {token}", "Hộ kinh doanh", None, "Phong Vân", "Ba Vì", "Hà Nội", "31/02/2020", None,
         None, None, None, None, None, "Bánh"],
    ]  # fmt: skip
    path = write_messy_workbook(tmp_path / f"co-so-ba-vi-{token}.xlsx", rows)

    sign_in(page, "province_a_officer")
    nav_link(page, "Cơ sở", "Nhập dữ liệu").click()
    page.get_by_role("link", name="Tải tệp lên").click()
    page.get_by_label("Tệp dữ liệu").set_input_files(str(path))
    page.get_by_label("Địa giới hành chính tại ngày").fill("01/01/2024")
    screenshot(page, "import-upload")
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và đọc tiêu đề").click()

    assert page.get_by_role("heading", name="Bước 2: xác nhận các cột").is_visible()
    assert page.get_by_label("Lao động Tổng số").input_value() == "employees_total"
    assert page.get_by_label("Doanh thu (triệu đồng)").input_value() == "revenue"
    screenshot(page, "import-mapping")
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra dữ liệu").click()

    assert page.locator('[data-count="total"]').inner_text() == "3"
    assert page.locator('[data-count="errors"]').inner_text() == "2"
    issues = page.locator("table.import-issues")
    assert issues.get_by_text("sai chữ số kiểm tra, chữ số thứ 10 phải là 6").is_visible()
    assert issues.get_by_text("Ngày không hợp lệ: “31/02/2020” (cần dạng dd/mm/yyyy)").is_visible()
    assert page.locator("table.import-preview td.cell-error").count() == 2
    screenshot(page, "import-preview")

    page.get_by_label("Chỉ nhập các dòng hợp lệ, bỏ qua dòng lỗi").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Nhập dữ liệu").click()
    assert page.get_by_text("Đã nhập: 1 cơ sở tạo mới, 0 cập nhật, 2 dòng lỗi không nhập.").is_visible()
    screenshot(page, "import-result")

    nav_link(page, "Cơ sở", "Cơ sở CNNT").click()
    page.get_by_label("Tìm kiếm").fill(f"ca phe ba vi {token.lower()}")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    results = page.locator("table tbody tr")
    assert results.count() == 1
    assert results.first.get_by_role("link", name=name).is_visible()
    screenshot(page, "registry-search")
    with page.expect_navigation():
        results.first.get_by_role("link", name=name).click()
    assert page.get_by_role("heading", name=name).is_visible()
    assert page.get_by_text("Cổ Đô, Ba Vì, Hà Nội").is_visible()  # the unit as written, kept beside today's
    screenshot(page, "registry-detail")
    page.get_by_role("link", name="Số liệu hằng năm").click()
    assert page.get_by_text("1.250.500.000").is_visible()


def test_the_create_form_reloads_communes_when_the_province_changes(page, web_personas):
    sign_in(page, "central_officer")
    page.goto(page.base_url + "/co-so/them/")
    province = page.get_by_label("Tỉnh/thành phố")
    province.select_option(label="Thành phố Hà Nội")
    page.locator("#id_commune option", has_text="Bát Tràng").wait_for(state="attached")
    province.select_option(label="Tỉnh Đồng Nai")
    commune = page.get_by_label("Xã/phường/đặc khu")
    page.locator("#id_commune option", has_text="Bù Đăng").wait_for(state="attached")
    assert "Bát Tràng" not in commune.inner_text()
    screenshot(page, "registry-create")
    assert re.search(r"Xã Bù Đăng", commune.inner_text())


def test_an_establishment_registers_itself_and_waits_for_approval(page, web_personas):
    token = uuid.uuid4().hex[:6]
    page.goto(page.base_url + "/dang-ky-co-so/")
    assert not page.get_by_label("Không điền ô này").is_visible()  # the robots' field stays out of sight
    page.get_by_label("Tên đăng nhập").fill(f"hkd.{token}")
    page.get_by_label("Họ và tên người đăng ký").fill("Trần Thị Nón")
    page.get_by_label("Thư điện tử").fill(f"non.{token}@example.test")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.locator("#id_password1").fill("Nón-lá-Chuông-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Nón-lá-Chuông-2026")
    page.get_by_label("Tên cơ sở").fill(f"Hộ kinh doanh Nón lá {token}")
    page.get_by_label("Loại hình").select_option(label="Hộ kinh doanh")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hà Nội")
    page.locator("#id_commune option", has_text="Dân Hòa").wait_for(state="attached")
    page.get_by_label("Xã/phường/đặc khu").select_option(label="Xã Dân Hòa")
    page.get_by_label("Địa chỉ (số nhà, đường, thôn/ấp)").fill("Làng Chuông")
    page.get_by_label("Sản phẩm chính").fill("Nón lá")
    page.get_by_label("Tôi cam đoan thông tin khai báo là đúng sự thật").check()
    screenshot(page, "self-register")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đăng ký").click()
    assert page.get_by_role("heading", name="Đã gửi đăng ký").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Xem hồ sơ của tôi").click()
    assert page.get_by_text("Hồ sơ đang chờ Sở Công Thương duyệt.").is_visible()
    assert page.get_by_role("button", name="Duyệt hồ sơ").count() == 0
    screenshot(page, "self-register-pending")
