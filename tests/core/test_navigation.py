"""The main navigation: what each role sees, grouped menus, the unread-notification badge."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from khuyencong.core.navigation import navigation_for, navigation_html
from khuyencong.programmes.models import Notification


def _labels(items) -> list[str]:
    return [item["label"] for item in items]


def test_central_admin_sees_menus_with_their_entries(personas):
    items = navigation_for(personas.central_admin, "/de-an/")
    menu = next(item for item in items if item["label"] == "Khuyến công")
    assert [entry["label"] for entry in menu["entries"]] == ["Đề án", "Kế hoạch", "Chương trình", "Chỉ tiêu"]
    assert menu["active"] and menu["entries"][0]["active"] and not menu["entries"][1]["active"]
    admin = next(item for item in items if item["label"] == "Quản trị")
    assert "Người dùng" in [entry["label"] for entry in admin["entries"]]


def test_a_menu_with_one_visible_entry_is_a_plain_link(personas):
    items = navigation_for(personas.establishment_user, "/")
    assert "Quản trị" not in _labels(items) and "Đơn vị hành chính" in _labels(items)
    assert "Người dùng" not in str(items) and "Nhật ký kiểm tra" not in str(items)


def test_anonymous_has_no_navigation(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'data-bs-toggle="dropdown"' not in html


def test_unread_notifications_are_counted_on_the_inbox_link(personas, client_for):
    officer = personas.province_a_officer
    Notification.objects.create(user=officer, message="Đề án cần bổ sung hồ sơ")
    Notification.objects.create(user=officer, message="Đề án đã được phê duyệt")
    Notification.objects.create(user=personas.province_b_officer, message="Của người khác")
    inbox = next(item for item in navigation_for(officer, "/") if item["label"] == "Việc của tôi")
    assert inbox["badge"] == 2
    html = client_for(officer).get(reverse("core:home")).content.decode()
    assert '2<span class="visually-hidden"> thông báo chưa đọc</span>' in html


def test_the_cached_menu_html_is_the_template_rendered_for_that_menu(personas):
    """The menu bar is rendered once per distinct menu: what it gives is what rendering the items gives, and
    another active item, badge or language gives another HTML."""
    officer = personas.province_a_officer
    cases = [(personas.central_admin, "/de-an/"), (personas.establishment_user, "/"), (officer, "/co-so/")]
    for language in ("vi", "en"):
        with translation.override(language):
            for user, path in cases:
                items = navigation_for(user, path)
                assert navigation_html(items) == render_to_string("includes/navigation.html", {"nav_items": items})
    projects, registry = navigation_for(officer, "/de-an/"), navigation_for(officer, "/co-so/")
    assert navigation_html(projects) != navigation_html(registry)
    before = navigation_html(navigation_for(officer, "/"))
    Notification.objects.create(user=officer, message="Đề án cần bổ sung hồ sơ")
    after = navigation_html(navigation_for(officer, "/"))
    assert before != after and '1<span class="visually-hidden">' in after
