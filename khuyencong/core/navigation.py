"""The main navigation: top-level links and menus, each entry shown only to users holding its capability.

Features add their entry here when their pages land. Entries are grouped into a few menus so that the bar
fits on one line on a 1366-pixel office screen whatever the user's roles; a menu with a single visible entry
is shown as a plain link; the brand is the link home. A badge (e.g. unread notifications) is a dotted path
to a function of the user, so the core does not import the features.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import pgettext_lazy

from khuyencong.accounts.roles import can


@dataclass(frozen=True)
class NavEntry:
    label: str  # pgettext_lazy("navigation", …): menus read "Projects" where a field reads "Project"
    url_name: str
    capability: str | None  # None: every signed-in user
    icon: str
    badge: str | None = None  # dotted path of a function(user) -> int, shown when above zero


@dataclass(frozen=True)
class NavMenu:
    label: str
    icon: str
    entries: list[NavEntry] = field(default_factory=list)


NAVIGATION: list[NavEntry | NavMenu] = [
    NavEntry(
        pgettext_lazy("navigation", "Việc của tôi"),
        "inbox:home",
        "data.view",
        "inbox",
        badge="khuyencong.programmes.selectors.unread_count",
    ),
    NavEntry(pgettext_lazy("navigation", "Bảng điều khiển"), "dashboards:national", "indicators.view", "speedometer2"),
    NavMenu(
        pgettext_lazy("navigation", "Cơ sở"),
        "shop",
        [
            NavEntry(pgettext_lazy("navigation", "Cơ sở CNNT"), "registry:list", "data.view", "shop"),
            NavEntry(
                pgettext_lazy("navigation", "Nhập dữ liệu"), "imports:list", "import.run", "file-earmark-arrow-up"
            ),
        ],
    ),
    NavMenu(
        pgettext_lazy("navigation", "Khuyến công"),
        "folder2-open",
        [
            NavEntry(pgettext_lazy("navigation", "Đề án"), "projects:list", "data.view", "folder2-open"),
            NavEntry(pgettext_lazy("navigation", "Kế hoạch"), "plans:list", "data.view", "calendar3"),
            NavEntry(pgettext_lazy("navigation", "Chương trình"), "programmes:list", "data.view", "bullseye"),
            NavEntry(
                pgettext_lazy("navigation", "Chỉ tiêu"), "indicators:catalogue", "indicators.view", "graph-up-arrow"
            ),
        ],
    ),
    NavEntry(pgettext_lazy("navigation", "Báo cáo"), "reports:list", "report.view", "file-earmark-text"),
    NavMenu(
        pgettext_lazy("navigation", "Quản trị"),
        "gear",
        [
            NavEntry(pgettext_lazy("navigation", "Đơn vị hành chính"), "geo:index", None, "geo-alt"),
            NavEntry(pgettext_lazy("navigation", "Người dùng"), "quantri:users", "users.manage", "people"),
            NavEntry(pgettext_lazy("navigation", "Nhật ký kiểm tra"), "audit:list", "audit.view", "journal-text"),
        ],
    ),
]


def _link(entry: NavEntry, user, current_path: str) -> dict | None:
    if entry.capability is not None and not can(user, entry.capability):
        return None
    url = reverse(entry.url_name)
    active = current_path == url if url == "/" else current_path.startswith(url)
    badge = import_string(entry.badge)(user) if entry.badge else 0
    return {"label": str(entry.label), "url": url, "icon": entry.icon, "active": active, "badge": badge}


def navigation_for(user, current_path: str) -> list[dict]:
    """Visible items in order: links ({label, url, icon, active, badge}) and menus ({label, icon, active, entries})."""
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if isinstance(item, NavEntry):
            link = _link(item, user, current_path)
            if link:
                items.append(link)
            continue
        links = [link for entry in item.entries if (link := _link(entry, user, current_path))]
        if len(links) == 1:
            items.append(links[0])
        elif links:
            active = any(link["active"] for link in links)
            items.append({"label": str(item.label), "icon": item.icon, "active": active, "entries": links})
    return items
