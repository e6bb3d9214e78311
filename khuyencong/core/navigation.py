"""The main navigation: one list, each entry shown only to users holding its capability.

Features add their entry here when their pages land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from khuyencong.accounts.roles import can


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: str | None  # None: every signed-in user
    icon: str


NAVIGATION: list[NavEntry] = [
    NavEntry("Trang chủ", "core:home", None, "house"),
    NavEntry("Bảng điều khiển", "dashboards:national", "indicators.view", "speedometer2"),
    NavEntry("Cơ sở CNNT", "registry:list", "data.view", "shop"),
    NavEntry("Nhập dữ liệu", "imports:list", "import.run", "file-earmark-arrow-up"),
    NavEntry("Đơn vị hành chính", "geo:index", None, "geo-alt"),
    NavEntry("Việc của tôi", "inbox:home", "data.view", "inbox"),
    NavEntry("Đề án", "projects:list", "data.view", "folder2-open"),
    NavEntry("Kế hoạch", "plans:list", "data.view", "calendar3"),
    NavEntry("Chương trình", "programmes:list", "data.view", "bullseye"),
    NavEntry("Báo cáo", "reports:list", "report.view", "file-earmark-text"),
    NavEntry("Chỉ tiêu", "indicators:catalogue", "indicators.view", "graph-up-arrow"),
    NavEntry("Người dùng", "quantri:users", "users.manage", "people"),
    NavEntry("Nhật ký kiểm tra", "audit:list", "audit.view", "journal-text"),
]


def navigation_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for entry in NAVIGATION:
        if entry.capability is not None and not can(user, entry.capability):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "url": url, "icon": entry.icon, "active": active})
    return items
