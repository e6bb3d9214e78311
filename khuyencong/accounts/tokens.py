"""Personal API tokens: random secrets shown once, stored as SHA-256, revocable by their owner."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.models import ApiToken, User
from khuyencong.audit.services import audit_record
from khuyencong.core.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "kcs_"
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(secret: str) -> str:
    # The secret carries 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor: User, name: str, days_valid: int | None = 365) -> tuple[ApiToken, str]:
    """Create a token for the actor itself; returns the row and the secret (never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Cần đặt tên cho khóa API.", details={"name": ["Trường này là bắt buộc."]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=days_valid) if days_valid else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:100], prefix=secret[:12], key_hash=hash_token(secret), expires_at=expires
        )
        audit_record(
            actor=actor, action="api_token.create", obj=token, after={"name": token.name, "prefix": token.prefix}
        )
    return token, secret


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
        if token is None:
            raise NotFound("Không tìm thấy khóa API.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def user_for_token(secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__agency", "user__agency__jurisdiction")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
