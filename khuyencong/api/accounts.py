"""The signed-in user: who am I, my roles and scope, my API tokens."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.responses import Status

from khuyencong.accounts.access import user_scope
from khuyencong.accounts.roles import user_capabilities, user_roles
from khuyencong.accounts.selectors import api_tokens_of
from khuyencong.accounts.tokens import api_token_create, api_token_revoke

router = Router(tags=["Tài khoản"])


class MeOut(Schema):
    username: str
    full_name: str
    agency: str | None
    roles: list[str]
    capabilities: list[str]
    scope: str
    province_id: int | None
    establishment_id: int | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str
    days_valid: int | None = 365


class TokenCreated(TokenOut):
    secret: str


@router.get("", response=MeOut, summary="Thông tin người dùng hiện tại")
def me(request):
    user = request.user
    scope = user_scope(user)
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        agency=str(user.agency) if user.agency_id else None,
        roles=sorted(user_roles(user)),
        capabilities=sorted(user_capabilities(user)),
        scope=scope.kind,
        province_id=scope.province_id,
        establishment_id=scope.establishment_id,
    )


@router.get("/tokens", response=list[TokenOut], summary="Danh sách khóa API của tôi")
def list_tokens(request):
    return list(api_tokens_of(request.user))


@router.post("/tokens", response={201: TokenCreated}, summary="Tạo khóa API (khóa chỉ hiển thị một lần)")
def create_token(request, payload: TokenIn):
    token, secret = api_token_create(actor=request.user, name=payload.name, days_valid=payload.days_valid)
    return Status(201, TokenCreated(**TokenOut.model_validate(token).model_dump(), secret=secret))


@router.delete("/tokens/{token_id}", response={204: None}, summary="Thu hồi khóa API")
def revoke_token(request, token_id: int):
    api_token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)
