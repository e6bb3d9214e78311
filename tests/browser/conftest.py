"""Real-browser tests: Playwright for Python driving Debian's chromium against a live test server.

The server runs for the whole browser session on one committed test database, which is not flushed
between tests (pytest-django's `live_server` would flush it, and with it the reference data migrations
loaded). Each test therefore creates the objects it needs under names of its own. The personas are
created once.

Every page load is watched: a JavaScript error or a Content-Security-Policy violation fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.personas import build_personas

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """Create the test database for the browser session.

    pytest-django decides which databases to create from the db fixtures a test requests; browser tests
    request none (they must not run inside a transaction or be flushed), so they create it here. Browser
    tests run in their own pytest invocation (`-m browser`), never together with the other tests.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def web_server(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        yield server
        server._live_server_modified_settings.disable()
        server.stop()


@pytest.fixture(scope="session")
def web_personas(web_server, django_db_blocker):
    with django_db_blocker.unblock():
        return build_personas()


@pytest.fixture(autouse=True)
def _database_access(django_db_blocker):
    """Test code reads and writes the shared, committed test database directly."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def browser(web_server, web_personas):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make system-deps` (Debian package chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class PageProblems(list):
    def check(self) -> None:
        assert not self, "Browser reported problems:\n" + "\n".join(self)


@pytest.fixture
def page(browser, web_server):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = PageProblems()
    page.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.base_url = web_server.url
    page.problems = problems
    yield page
    context.close()
    problems.check()


def sign_in(page, username: str, password: str | None = None) -> None:
    page.goto(f"{page.base_url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password or f"pw-{username}")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()


def nav_link(page, menu: str | None, label: str):
    """The main navigation's link `label`, opening its menu first when the bar groups it into one."""
    navigation = page.get_by_role("navigation", name="Điều hướng chính")
    if menu is not None:
        navigation.get_by_role("button", name=menu, exact=True).click()
    return navigation.get_by_role("link", name=label, exact=True)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
