"""The UI shell: login, logout, security headers, error pages, language switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_and_carries_the_csp(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body and "Tên đăng nhập" in body
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client, personas, client_for):
    import re

    for user in (personas.anonymous, personas.central_admin):
        for url in (reverse("accounts:login"), reverse("core:home"), reverse("accounts:profile")):
            body = client_for(user).get(url, follow=True).content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body), url
            assert " style=" not in body and "<style" not in body, url
            assert not re.search(r"\son[a-z]+=", body), url


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_with_password_then_logout(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "province_a_officer", "password": "pw-province_a_officer"}, follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xin chào, Lê Văn An" in body
    assert "Sở Công Thương Hà Nội" in body
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_gives_a_vietnamese_message(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "province_a_officer", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_inactive_user_cannot_sign_in(client, personas):
    personas.province_b_officer.is_active = False
    personas.province_b_officer.save()
    response = client.post(
        reverse("accounts:login"), {"username": "province_b_officer", "password": "pw-province_b_officer"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_login_is_locked_after_repeated_failures(client, personas, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "central_officer", "password": "sai"})
    response = client.post(reverse("accounts:login"), {"username": "central_officer", "password": "pw-central_officer"})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_404_page_is_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_language_switch_to_english_and_back(client, personas, client_for):
    signed_in = client_for(personas.central_officer)
    response = signed_in.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Hello, Nguyễn Văn Cục" in response.content.decode()
    response = signed_in.post(reverse("set_language"), {"language": "vi", "next": "/"}, follow=True)
    assert "Xin chào" in response.content.decode()


def test_password_change_enforces_validators(personas, client_for):
    client = client_for(personas.province_a_officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-province_a_officer", "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pw-province_a_officer",
            "new_password1": "Khuyen-cong-2026!",
            "new_password2": "Khuyen-cong-2026!",
        },
    )
    assert response.status_code == 302
    personas.province_a_officer.refresh_from_db()
    assert personas.province_a_officer.check_password("Khuyen-cong-2026!")


def test_password_reset_sends_a_vietnamese_mail(client, personas, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "province_a_officer@example.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "Đặt lại mật khẩu" in mailoutbox[0].subject
    assert "/tai-khoan/dat-lai-mat-khau/" in mailoutbox[0].body


def test_healthz(client):
    assert client.get(reverse("core:healthz")).json() == {"status": "ok"}
