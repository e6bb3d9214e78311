"""User and agency administration: system administrators only, within their scope."""

from __future__ import annotations

from khuyencong.accounts.models import Agency
from tests.policy.model import Check

ADMIN = frozenset({"central_admin"})


def build(world) -> None:
    world.agency_a = Agency.objects.get(code="SCT-01")


CHECKS = [
    Check("quantri:users", allowed=ADMIN),
    Check("quantri:user_new", allowed=ADMIN),
    Check("quantri:user_new", method="POST", allowed=ADMIN, data=lambda w: {"username": ""}),
    Check("quantri:user", allowed=ADMIN, args=lambda w: {"user_id": w.province_a_officer.pk}),
    Check(
        "quantri:user",
        method="POST",
        allowed=ADMIN,
        args=lambda w: {"user_id": w.province_a_officer.pk},
        data=lambda w: {"roles": ["auditor"]},
    ),
    Check(
        "quantri:user_deactivate",
        method="POST",
        allowed=ADMIN,
        args=lambda w: {"user_id": w.province_a_officer.pk},
        data=lambda w: {"reason": "kiểm tra"},
    ),
    Check("quantri:user_reactivate", method="POST", allowed=ADMIN, args=lambda w: {"user_id": w.province_a_officer.pk}),
    Check("quantri:user_password", method="POST", allowed=ADMIN, args=lambda w: {"user_id": w.province_a_officer.pk}),
    Check("quantri:agencies", allowed=ADMIN),
    Check("quantri:agency", allowed=ADMIN, args=lambda w: {"agency_id": w.agency_a.pk}),
]
