"""The UI shell in chromium: sign in, navigate, switch language, sign out; no CSP violation anywhere."""

from __future__ import annotations

from tests.browser.conftest import nav_link, screenshot, sign_in


def test_sign_in_switch_language_and_sign_out(page, web_personas):
    page.goto(page.base_url + "/")
    assert "/tai-khoan/dang-nhap/" in page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshot(page, "login")

    sign_in(page, "province_a_officer")
    assert page.get_by_role("heading", name="Xin chào, Lê Văn An").is_visible()
    assert page.get_by_text("Sở Công Thương Hà Nội").first.is_visible()
    screenshot(page, "home")

    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.get_by_role("heading", name="Hello, Lê Văn An").is_visible()
    with page.expect_navigation():
        page.select_option("#language-select", "vi")
    assert page.get_by_role("heading", name="Xin chào, Lê Văn An").is_visible()

    page.get_by_role("button", name="Lê Văn An").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    assert "/tai-khoan/dang-nhap/" in page.url


def test_wrong_password_message(page, web_personas):
    sign_in(page, "province_a_officer", "mat-khau-sai")
    assert page.get_by_role("alert").filter(has_text="Tên đăng nhập hoặc mật khẩu không đúng").is_visible()


def test_sign_in_with_the_keyboard_only(page, web_personas):
    page.goto(page.base_url + "/tai-khoan/dang-nhap/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # focus starts in the form
    page.keyboard.type("central_officer")
    page.keyboard.press("Tab")
    page.keyboard.type("pw-central_officer")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Văn Cục").is_visible()


def test_api_docs_render_from_vendored_assets(page, web_personas):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .information-container")
    assert "Khuyến công số API" in page.content()
    assert all(url.startswith((page.base_url, "data:")) for url in requests), requests


def test_navigation_fits_one_line_and_menus_open_with_the_keyboard(page, web_personas):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, "central_admin")
    bar = page.locator(".app-header .navbar").bounding_box()
    brand = page.locator(".navbar-brand").bounding_box()
    assert bar["height"] < brand["height"] + 40, bar  # one row of entries beside the brand, not two
    menu = page.get_by_role("navigation", name="Điều hướng chính").get_by_role("button", name="Khuyến công")
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    with page.expect_navigation():
        nav_link(page, None, "Đề án").click()
    assert "/de-an/" in page.url
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("button", name="Khuyến công").click()
    assert nav_link(page, None, "Đề án").get_attribute("aria-current") == "page"
    screenshot(page, "navigation")
