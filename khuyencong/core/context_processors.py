"""What the base layout needs on every page: site name, the user's agency and navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from khuyencong.core.navigation import navigation_for, navigation_html


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items = navigation_for(user, request.path) if user is not None else []
    return {"SITE_NAME": settings.SITE_NAME, "nav_items": items, "nav_html": navigation_html(items)}
