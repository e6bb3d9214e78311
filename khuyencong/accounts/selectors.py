"""Reads of accounts data, always for a given user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from khuyencong.accounts.access import NATIONAL, PROVINCE, user_scope
from khuyencong.accounts.models import Agency, ApiToken, User
from khuyencong.accounts.roles import can
from khuyencong.core.vietnamese import fold_vi


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def users_visible_to(user) -> QuerySet[User]:
    """Users an administrator manages: everyone (national), or its province's agencies and establishments."""
    if not can(user, "users.manage"):
        return User.objects.none()
    scope = user_scope(user)
    users = User.objects.select_related("agency", "establishment").prefetch_related("groups")
    if scope.kind == NATIONAL:
        return users
    if scope.kind == PROVINCE:
        return users.filter(
            Q(agency__jurisdiction_id=scope.province_id) | Q(establishment__province_id=scope.province_id)
        )
    return User.objects.none()


def users_list(user, *, filters: dict) -> QuerySet[User]:
    users = users_visible_to(user)
    if filters.get("q"):
        term = filters["q"].strip()
        users = users.filter(Q(username__icontains=term) | Q(full_name__icontains=term) | Q(email__icontains=term))
    if filters.get("agency"):
        users = users.filter(agency=filters["agency"])
    if filters.get("role"):
        users = users.filter(groups__name=filters["role"])
    if filters.get("active") in ("1", "0"):
        users = users.filter(is_active=filters["active"] == "1")
    return users.order_by("username")


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Agencies are public facts, but each user picks only among those its scope reaches."""
    scope = user_scope(user)
    agencies = Agency.objects.select_related("jurisdiction", "parent")
    if scope.kind == NATIONAL:
        return agencies
    if scope.kind == PROVINCE:
        return agencies.filter(jurisdiction_id=scope.province_id)
    return agencies.none()


def agencies_list(user, *, q: str = "") -> list[Agency]:
    """A few hundred rows at most, so the diacritic-insensitive match runs in Python."""
    agencies = list(agencies_visible_to(user).order_by("code"))
    if q:
        folded = fold_vi(q)
        agencies = [a for a in agencies if folded in fold_vi(f"{a.code} {a.name} {a.short_name}")]
    return agencies
