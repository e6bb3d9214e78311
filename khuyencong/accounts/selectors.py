"""Reads of accounts data, always for a given user."""

from __future__ import annotations

from django.db.models import QuerySet

from khuyencong.accounts.models import ApiToken


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
