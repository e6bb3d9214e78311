"""What the base layout needs on every page: site name, the user's agency and navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from khuyencong.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_items": navigation_for(user, request.path) if user is not None else [],
    }
