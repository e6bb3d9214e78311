"""The main navigation: top-level links and menus, each entry shown only to users holding its capability.

Features add their entry here when their pages land. Entries are grouped into a few menus so that the bar
fits on one line on a 1366-pixel office screen whatever the user's roles; a menu with a single visible entry
is shown as a plain link; the brand is the link home. A badge (e.g. unread notifications) is a dotted path
to a function of the user, so the core does not import the features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import import_string
from django.utils.translation import get_language, pgettext_lazy

from khuyencong.accounts.roles import user_capabilities


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


@dataclass(frozen=True)
class _Link:
    label: str
    url: str
    icon: str
    badge: str | None


@dataclass(frozen=True)
class _Menu:
    label: str
    icon: str
    links: tuple[_Link, ...]


def _visible_link(entry: NavEntry, capabilities: frozenset[str]) -> _Link | None:
    if entry.capability is not None and entry.capability not in capabilities:
        return None
    return _Link(str(entry.label), reverse(entry.url_name), entry.icon, entry.badge)


@lru_cache(maxsize=512)
def _visible(capabilities: frozenset[str], language: str, script_prefix: str, urlconf: str) -> tuple:
    """The items a holder of `capabilities` sees, labels translated and URLs reversed once per process.

    What a user sees depends only on its capabilities (from its roles, read from the database on every
    request): a role removed gives another key on the next request. The language, script prefix and URL
    configuration are in the key because the labels and URLs depend on them.
    """
    items: list[_Link | _Menu] = []
    for item in NAVIGATION:
        if isinstance(item, NavEntry):
            if link := _visible_link(item, capabilities):
                items.append(link)
            continue
        links = tuple(link for entry in item.entries if (link := _visible_link(entry, capabilities)))
        if len(links) == 1:
            items.append(links[0])
        elif links:
            items.append(_Menu(str(item.label), item.icon, links))
    return tuple(items)


def _link_dict(link: _Link, user, current_path: str) -> dict:
    active = current_path == link.url if link.url == "/" else current_path.startswith(link.url)
    badge = import_string(link.badge)(user) if link.badge else 0
    return {"label": link.label, "url": link.url, "icon": link.icon, "active": active, "badge": badge}


def navigation_for(user, current_path: str) -> list[dict]:
    """Visible items in order: links ({label, url, icon, active, badge}) and menus ({label, icon, active, entries}).

    The visible structure is cached per capability set (`_visible`); only what varies with the request — which
    item is active, the badges — is computed here.
    """
    if not user.is_authenticated:
        return []
    visible = _visible(
        user_capabilities(user), get_language() or "", get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)
    )
    items = []
    for item in visible:
        if isinstance(item, _Link):
            items.append(_link_dict(item, user, current_path))
            continue
        links = [_link_dict(link, user, current_path) for link in item.links]
        active = any(link["active"] for link in links)
        items.append({"label": item.label, "icon": item.icon, "active": active, "entries": links})
    return items


_FIELDS = ("label", "url", "icon", "active", "badge", "entries")


def _frozen(items: list[dict]) -> tuple:
    """A hashable copy of `navigation_for`'s items with everything their HTML shows."""
    return tuple(
        (item["label"], item.get("url"), item["icon"], item["active"], item.get("badge"),
         _frozen(item["entries"]) if "entries" in item else None)
        for item in items
    )  # fmt: skip


def _thawed(frozen: tuple) -> list[dict]:
    return [dict(zip(_FIELDS, (*item[:-1], item[-1] and _thawed(item[-1])), strict=True)) for item in frozen]


@lru_cache(maxsize=2048)
def _navigation_html(frozen: tuple, language: str) -> str:
    return render_to_string("includes/navigation.html", {"nav_items": _thawed(frozen)})


def navigation_html(items: list[dict]) -> str:
    """The menu bar's items as HTML, rendered once per process for each distinct menu (visible entries, the
    active one, badge counts, language): the same few menus are shown on every page."""
    return _navigation_html(_frozen(items), get_language() or "")
