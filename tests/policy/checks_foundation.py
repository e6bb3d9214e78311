"""Routes of the foundation: home, health, sign-in and account pages, audit, jobs, language, API basics."""

from __future__ import annotations

from khuyencong.accounts.tokens import api_token_create
from khuyencong.jobs.models import Job
from tests.policy.model import EVERYONE, SIGNED_IN, Check


def build(world) -> None:
    world.job = Job.objects.create(kind="test", label="Việc của An", owner=world.province_a_officer)
    world.token_a, _ = api_token_create(actor=world.province_a_officer, name="policy")


ALL_BUT_OWNER = SIGNED_IN - {"province_a_officer"}

CHECKS = [
    Check("core:home", allowed=SIGNED_IN),
    Check("core:healthz", allowed=EVERYONE),
    Check("accounts:login", allowed=EVERYONE),
    Check("accounts:logout", method="POST", allowed=EVERYONE, success=frozenset({Check.LOGIN_REDIRECT})),
    Check("accounts:profile", allowed=SIGNED_IN),
    Check("accounts:token_create", method="POST", allowed=SIGNED_IN, data=lambda w: {"name": "x", "days_valid": "30"}),
    Check(
        "accounts:token_revoke",
        method="POST",
        allowed=SIGNED_IN,
        args=lambda w: {"token_id": w.token_a.pk},
        note="others get a message, not the token: revoke is filtered to the actor's own tokens",
    ),
    Check("accounts:password_change", allowed=SIGNED_IN),
    Check("accounts:password_change_done", allowed=SIGNED_IN),
    Check("accounts:password_reset", allowed=EVERYONE),
    Check("accounts:password_reset_done", allowed=EVERYONE),
    Check("accounts:password_reset_confirm", allowed=EVERYONE, args=lambda w: {"uidb64": "MQ", "token": "x-y"}),
    Check("accounts:password_reset_complete", allowed=EVERYONE),
    Check("audit:list", allowed=frozenset({"central_admin", "province_a_viewer"})),
    Check(
        "jobs:detail",
        allowed=frozenset({"province_a_officer"}),
        hidden=ALL_BUT_OWNER,
        args=lambda w: {"job_id": w.job.pk},
    ),
    Check("set_language", method="POST", allowed=EVERYONE, data=lambda w: {"language": "vi", "next": "/"}),
    Check("api:api-root", allowed=EVERYONE, success=frozenset({404}), note="ninja's bare root serves nothing"),
    Check("/api/v1/openapi.json", allowed=EVERYONE),
    Check("/api/v1/docs", allowed=EVERYONE),
    Check("/api/v1/me", allowed=SIGNED_IN),
    Check("/api/v1/me/tokens", allowed=SIGNED_IN),
    Check("/api/v1/me/tokens", method="POST", allowed=SIGNED_IN, data=lambda w: {"name": "x"}, json=True),
    Check(
        "/api/v1/me/tokens/{token_id}",
        method="DELETE",
        allowed=frozenset({"province_a_officer"}),
        hidden=ALL_BUT_OWNER,
        args=lambda w: {"token_id": w.token_a.pk},
    ),
]
