"""What each role may do, declared in one place.

A role is stored as a Django group named by its code (created by a migration). Capabilities are plain
strings checked with `can(user, capability)`; which rows a capability reaches is decided separately by the
user's scope (`access.py`). Adding a feature means adding its capabilities here, to the roles that hold them.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connections, models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "Quản trị hệ thống"
    CENTRAL_OFFICER = "central_officer", "Chuyên viên Cục"
    CENTRAL_LEADER = "central_leader", "Lãnh đạo Cục (phê duyệt)"
    PROVINCE_OFFICER = "province_officer", "Chuyên viên Sở Công Thương"
    PROVINCE_LEADER = "province_leader", "Lãnh đạo Sở / UBND tỉnh (phê duyệt)"
    CENTRE_OFFICER = "centre_officer", "Cán bộ Trung tâm Khuyến công"
    COMMUNE_COLLABORATOR = "commune_collaborator", "Cộng tác viên khuyến công cấp xã"
    ESTABLISHMENT_REP = "establishment_rep", "Đại diện cơ sở CNNT"
    AUDITOR = "auditor", "Kiểm tra (chỉ đọc)"


# Every capability the system checks, with what it lets a user do.
CAPABILITIES: dict[str, str] = {
    "data.view": "Xem dữ liệu trong phạm vi",
    "users.manage": "Quản lý người dùng trong phạm vi",
    "audit.view": "Xem nhật ký kiểm tra",
    "reference.manage": "Quản lý danh mục (đơn vị hành chính, ngành nghề, định mức)",
    "establishment.edit": "Thêm, sửa cơ sở CNNT",
    "establishment.edit_own": "Cập nhật hồ sơ cơ sở của mình",
    "establishment.approve": "Duyệt đăng ký cơ sở CNNT",
    "establishment.merge": "Gộp cơ sở trùng",
    "import.run": "Nhập dữ liệu từ tệp",
    # Periodic reports (reports/workflow.py says which body takes each step).
    "report.view": "Xem báo cáo định kỳ và tải tệp Excel, PDF trong phạm vi",
    "report.prepare": "Lập báo cáo, viết thuyết minh, tạo bản nháp Excel/PDF, lập bản sửa đổi",
    "report.submit": "Ký gửi báo cáo của tỉnh (lãnh đạo Sở) hoặc ký ban hành báo cáo toàn quốc (lãnh đạo Cục)",
    "report.review": "Thẩm tra, ghi ý kiến về báo cáo các tỉnh gửi (chuyên viên Cục)",
    "report.decide": "Chấp nhận hoặc trả lại báo cáo các tỉnh gửi (lãnh đạo Cục)",
    # Programmes, plans and projects (programmes/workflow.py says which body takes each step).
    "project.draft": "Lập, sửa, gửi đề án; báo cáo tiến độ; đề nghị điều chỉnh",
    "project.appraise_base": "Thẩm định đề án cấp cơ sở (Sở Công Thương)",
    "project.appraise_national": "Thẩm định đề án khuyến công quốc gia cấp Bộ (Cục)",
    "project.approve_local": "Phê duyệt đề án khuyến công địa phương (UBND tỉnh)",
    "project.contract": "Ký hợp đồng, giao nhiệm vụ; kiểm tra, giám sát đề án",
    "project.decide": "Nghiệm thu, quyết toán, kết thúc, ngừng đề án; quyết định điều chỉnh",
    "rules.override": "Cho phép vượt định mức hỗ trợ (ghi rõ lý do)",
    "money.enter": "Nhập tạm ứng, thanh toán, quyết toán, hoàn trả",
    "money.approve": "Duyệt tạm ứng, thanh toán, quyết toán, hoàn trả",
    "plan.manage": "Lập kế hoạch khuyến công năm, phân bổ kinh phí",
    "plan.approve": "Phê duyệt kế hoạch khuyến công năm",
    "programme.manage": "Quản lý chương trình khuyến công và mục tiêu",
    # Indicators, targets, provincial reports and dashboards (indicators/services.py says which body acts).
    "indicators.view": "Xem bảng điều khiển, chỉ tiêu, mục tiêu và số liệu chỉ tiêu trong phạm vi",
    "indicators.enter": "Nhập số liệu chỉ tiêu của tỉnh theo kỳ báo cáo",
    "indicators.submit": "Gửi số liệu chỉ tiêu của tỉnh lên Cục (lãnh đạo Sở)",
    "indicators.approve": "Duyệt (khóa kỳ) hoặc trả lại số liệu chỉ tiêu các tỉnh gửi",
    "indicators.unlock": "Mở khóa kỳ báo cáo đã duyệt để sửa (ghi rõ lý do)",
}

_READ = {"data.view"}
_OFFICER = _READ | {"establishment.edit", "import.run"}
_LEADER = _OFFICER | {"establishment.approve", "establishment.merge"}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CENTRAL_OFFICER: frozenset(_OFFICER),
    Role.CENTRAL_LEADER: frozenset(_LEADER),
    Role.PROVINCE_OFFICER: frozenset(_OFFICER),
    Role.PROVINCE_LEADER: frozenset(_LEADER),
    Role.CENTRE_OFFICER: frozenset(_OFFICER),
    Role.COMMUNE_COLLABORATOR: frozenset(_READ | {"establishment.edit"}),
    Role.ESTABLISHMENT_REP: frozenset(_READ | {"establishment.edit_own"}),
    Role.AUDITOR: frozenset(_READ | {"audit.view"}),
}

# Programmes, plans and projects: officers draft, contract and enter money; leaders appraise, decide and
# approve money; a province_leader acts as the Sở or as the UBND tỉnh depending on its agency (workflow.py).
_PROGRAMME_WORK = {
    Role.CENTRAL_OFFICER: {"project.draft", "project.contract", "money.enter", "plan.manage"},
    Role.PROVINCE_OFFICER: {"project.draft", "project.contract", "money.enter", "plan.manage"},
    Role.CENTRE_OFFICER: {"project.draft"},
    Role.CENTRAL_LEADER: {
        "project.appraise_national", "project.decide", "rules.override", "money.approve", "plan.approve",
        "programme.manage",
    },
    Role.PROVINCE_LEADER: {
        "project.appraise_base", "project.approve_local", "project.decide", "rules.override", "money.approve",
        "plan.approve", "programme.manage",
    },
}  # fmt: skip
# Indicators: every administration sees the dashboards of its scope; provinces enter and submit their reports,
# the Cục approves them.
_INDICATOR_WORK = {
    Role.CENTRAL_OFFICER: {"indicators.view"},
    Role.CENTRAL_LEADER: {"indicators.view", "indicators.approve", "indicators.unlock"},
    Role.PROVINCE_OFFICER: {"indicators.view", "indicators.enter"},
    Role.PROVINCE_LEADER: {"indicators.view", "indicators.submit"},
    Role.CENTRE_OFFICER: {"indicators.view", "indicators.enter"},
    Role.COMMUNE_COLLABORATOR: {"indicators.view"},
    Role.AUDITOR: {"indicators.view"},
}
for _role, _extra in (*_PROGRAMME_WORK.items(), *_INDICATOR_WORK.items()):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _extra

# The system administrator holds every capability (within its scope), so that it can grant any role there;
# what it may grant is still limited to what it holds and to its scope (accounts/services.py).
ROLE_CAPABILITIES[Role.SYSTEM_ADMIN] = frozenset(CAPABILITIES)

# Periodic reports: officers prepare, the Sở's leader signs and submits, the Cục's officers review and its
# leaders accept or return (and sign the national report); auditors and extension centres read.
_REPORT_WORK = {
    Role.CENTRAL_OFFICER: {"report.view", "report.prepare", "report.review"},
    Role.CENTRAL_LEADER: {"report.view", "report.submit", "report.decide"},
    Role.PROVINCE_OFFICER: {"report.view", "report.prepare"},
    Role.PROVINCE_LEADER: {"report.view", "report.submit"},
    Role.CENTRE_OFFICER: {"report.view"},
    Role.AUDITOR: {"report.view"},
}
for _role, _extra in _REPORT_WORK.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _extra

# Which agencies a role fits: central roles sit in national agencies, provincial roles in a province's
# agencies, the establishment representative in no agency (it is tied to its establishment).
NATIONAL_ROLES = frozenset({Role.CENTRAL_OFFICER, Role.CENTRAL_LEADER})
PROVINCIAL_ROLES = frozenset(
    {Role.PROVINCE_OFFICER, Role.PROVINCE_LEADER, Role.CENTRE_OFFICER, Role.COMMUNE_COLLABORATOR}
)
ANY_AGENCY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.AUDITOR})

_ROLE_CACHE_ATTR = "_khuyencong_roles"
_ROLE_CODES = frozenset(Role.values)  # groups that are not roles are ignored


@lru_cache(maxsize=4)
def _stored_roles_sql(vendor: str) -> str:
    """The names of a user's groups, as one short statement written once from the models' metadata: every
    request asks for the roles, and building the same ORM query each time cost several times running it."""
    from django.contrib.auth import get_user_model

    membership = get_user_model().groups.through
    group = membership._meta.get_field("group").related_model
    quote = connections[membership.objects.db].ops.quote_name
    return (
        f"SELECT g.{quote(group._meta.get_field('name').column)} FROM {quote(group._meta.db_table)} g "
        f"INNER JOIN {quote(membership._meta.db_table)} m ON m.{quote(membership._meta.get_field('group').column)} "
        f"= g.{quote(group._meta.pk.column)} WHERE m.{quote(membership._meta.get_field('user').column)} = %s"
    )


def _stored_roles(user) -> frozenset[str]:
    connection = connections[user.groups.through.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(_stored_roles_sql(connection.vendor), [user.pk])
        return frozenset(name for (name,) in cursor.fetchall() if name in _ROLE_CODES)


def user_roles(user) -> frozenset[str]:
    """The role codes the user holds: read from the stored groups once per request (cached on the user object,
    which lives for one request), never across requests, so a role removed counts on the next request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _ROLE_CACHE_ATTR, None)
    if cached is None:
        cached = _stored_roles(user)
        setattr(user, _ROLE_CACHE_ATTR, cached)
    return cached


def forget_cached_roles(user) -> None:
    """After the user's groups changed: the next `user_roles` reads them again."""
    if hasattr(user, _ROLE_CACHE_ATTR):
        delattr(user, _ROLE_CACHE_ATTR)


def capabilities_of(roles) -> frozenset[str]:
    result: set[str] = set()
    for role in roles:
        result |= ROLE_CAPABILITIES.get(role, frozenset())
    return frozenset(result)


def user_capabilities(user) -> frozenset[str]:
    return capabilities_of(user_roles(user))


def can(user, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}: declare it in accounts/roles.py")
    return capability in user_capabilities(user)
