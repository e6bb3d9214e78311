"""The UI shell in chromium: sign in, navigate, switch language, sign out; no CSP violation anywhere."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in


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
