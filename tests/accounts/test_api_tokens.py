"""Personal API tokens and the API's error shape."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khuyencong.accounts.models import ApiToken
from khuyencong.accounts.tokens import api_token_create, hash_token
from khuyencong.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def test_token_is_stored_hashed_and_authenticates(personas, client):
    token, secret = api_token_create(actor=personas.province_a_officer, name="Máy chủ báo cáo")
    assert secret.startswith("kcs_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(secret) and secret not in (stored.key_hash, stored.prefix)
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["username"] == "province_a_officer"
    assert response.json()["scope"] == "province"
    assert response.json()["province_id"] == personas.province_a.pk
    assert AuditEvent.objects.filter(action="api_token.create", actor=personas.province_a_officer).count() == 1


def test_revoked_expired_and_wrong_tokens_are_refused(personas, client, client_for):
    token, secret = api_token_create(actor=personas.central_officer, name="Tạm")
    signed_in = client_for(personas.central_officer)
    assert signed_in.delete(f"{ME}/tokens/{token.pk}").status_code == 204
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json() == {
        "code": "chua_xac_thuc",
        "message": "Cần đăng nhập hoặc khóa API hợp lệ.",
        "details": None,
    }
    assert client.get(ME, HTTP_AUTHORIZATION="Bearer kcs_khongdung").status_code == 401
    _, other = api_token_create(actor=personas.central_officer, name="Hết hạn", days_valid=None)
    ApiToken.objects.filter(name="Hết hạn").update(expires_at="2020-01-01T00:00:00Z")
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 401


def test_token_of_deactivated_user_stops_working(personas, client):
    _, secret = api_token_create(actor=personas.province_b_officer, name="x")
    personas.province_b_officer.is_active = False
    personas.province_b_officer.save()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_user_cannot_revoke_someone_elses_token(personas, client_for):
    token, _ = api_token_create(actor=personas.province_a_officer, name="của An")
    response = client_for(personas.province_b_officer).delete(f"{ME}/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "khong_tim_thay"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_create_token_validation_error_shape(personas, client_for):
    client = client_for(personas.province_a_officer)
    response = client.post(f"{ME}/tokens", {"name": "   "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["details"] == {"name": ["Trường này là bắt buộc."]}
    response = client.post(f"{ME}/tokens", {"days_valid": "abc"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "du_lieu_khong_hop_le" and "name" in body["details"]


def test_session_api_calls_need_csrf(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.province_a_officer)
    response = client.post(f"{ME}/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_anonymous_api_call_is_401_with_error_shape(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}


def test_profile_page_creates_and_revokes_tokens(personas, client_for):
    client = client_for(personas.province_a_officer)
    response = client.post(reverse("accounts:token_create"), {"name": "Excel", "days_valid": "90"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert "Hãy sao chép khóa ngay bây giờ" in response.content.decode()
    token = ApiToken.objects.get(user=personas.province_a_officer)
    assert token.key_hash == hash_token(secret)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_openapi_document_and_docs_page(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Khuyến công số API"
    assert "/api/v1/me" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in body and "cdn" not in body.lower()
