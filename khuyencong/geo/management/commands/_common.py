"""What the reference-data commands share: dates, the acting user and Vietnamese error output."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from khuyencong.core.errors import DomainError


def parse_day(text: str) -> dt.date:
    """YYYY-MM-DD or dd/mm/yyyy."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày “{text}” không hợp lệ: ghi YYYY-MM-DD hoặc dd/mm/yyyy.")


def actor_named(username: str | None):
    """The user the change is recorded under; None records it as "Hệ thống"."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"Không có người dùng đang hoạt động tên “{username}”.") from None


def fail(error: DomainError) -> CommandError:
    """A CommandError listing every row problem, one per line."""
    lines = [error.message]
    if isinstance(error.details, dict):
        for where, messages in error.details.items():
            lines += [f"  {where}: {message}" for message in messages]
    return CommandError("\n".join(lines))
