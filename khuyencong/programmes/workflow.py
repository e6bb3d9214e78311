"""The project lifecycle as one declarative table, and the bodies (levels) that act at each step.

`TRANSITIONS` is the single source of truth: the service (`services.project_transition`) evaluates it against
the stored state, the pages show one button per entry the user may take, the API accepts the same action
names, "my work" lists what awaits each user, and the tests walk every entry × every role.

An entry says: from which state, which action, to which state, which capability the actor needs, which body
it must belong to (`Level`: the Sở of the project's province, the UBND tỉnh, the Cục, …), what the actor must
fill in (`inputs`), which documents must be attached, and which checks must pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.access import NATIONAL, PROVINCE, user_scope
from khuyencong.accounts.models import AgencyKind
from khuyencong.programmes.models import (
    DeadlineKind,
    DocumentType,
    FundingKind,
    PlanStatus,
    ProjectKind,
    ProjectStatus,
)

S = ProjectStatus

# --- Bodies that act ------------------------------------------------------------------------------------

CENTRAL_KINDS = frozenset({AgencyKind.CENTRAL_DEPARTMENT, AgencyKind.MINISTRY})
NATIONAL_IMPLEMENTER_KINDS = frozenset({AgencyKind.CENTRAL_DEPARTMENT, AgencyKind.REGIONAL_CENTRE})
PROVINCIAL_IMPLEMENTER_KINDS = frozenset({AgencyKind.PROVINCIAL_DEPARTMENT, AgencyKind.PROVINCIAL_CENTRE})


def _agency_kind(user) -> str | None:
    agency = getattr(user, "agency", None)
    return agency.kind if agency is not None and agency.is_active else None


@dataclass(frozen=True)
class Level:
    """A body that acts on projects and plans (objects with `kind` and `province_id`).

    `allows(user, obj)` decides for one object; `objects_q(user)` is the same rule as a filter over objects
    (for "my work"), `users_q(obj)` as a filter over users (for notifications). The three must agree.
    """

    code: str
    label: str
    allows: Callable[[object, object], bool]
    objects_q: Callable[[object], Q | None]
    users_q: Callable[[object], Q]


def _is_central(user) -> bool:
    return user_scope(user).kind == NATIONAL and _agency_kind(user) in CENTRAL_KINDS


def _province_body(kinds: frozenset[str]) -> tuple[Callable, Callable, Callable]:
    def allows(user, obj) -> bool:
        scope = user_scope(user)
        return (
            scope.kind == PROVINCE
            and obj.province_id is not None
            and scope.province_id == obj.province_id
            and _agency_kind(user) in kinds
        )

    def objects_q(user) -> Q | None:
        scope = user_scope(user)
        if scope.kind == PROVINCE and _agency_kind(user) in kinds:
            return Q(province_id=scope.province_id)
        return None

    def users_q(obj) -> Q:
        if obj.province_id is None:
            return Q(pk__in=[])
        return Q(agency__kind__in=kinds, agency__jurisdiction__province_id=obj.province_id)

    return allows, objects_q, users_q


CENTRAL = Level(
    "central",
    _("Cục (cơ quan quản lý khuyến công trung ương)"),
    allows=lambda user, obj: _is_central(user),
    objects_q=lambda user: Q() if _is_central(user) else None,
    users_q=lambda obj: Q(agency__kind__in=CENTRAL_KINDS, agency__jurisdiction__isnull=True),
)
DEPARTMENT = Level(
    "department", _("Sở Công Thương của tỉnh"), *_province_body(frozenset({AgencyKind.PROVINCIAL_DEPARTMENT}))
)
COMMITTEE = Level("committee", _("UBND tỉnh"), *_province_body(frozenset({AgencyKind.PROVINCIAL_COMMITTEE})))
_PROVINCIAL_IMPLEMENTER = _province_body(PROVINCIAL_IMPLEMENTER_KINDS)


def _implementer_allows(user, obj) -> bool:
    if obj.province_id is not None:
        return _PROVINCIAL_IMPLEMENTER[0](user, obj)
    return user_scope(user).kind == NATIONAL and _agency_kind(user) in NATIONAL_IMPLEMENTER_KINDS


def _implementer_q(user) -> Q | None:
    if user_scope(user).kind == NATIONAL and _agency_kind(user) in NATIONAL_IMPLEMENTER_KINDS:
        return Q(province__isnull=True)
    return _PROVINCIAL_IMPLEMENTER[1](user)


def _implementer_users(obj) -> Q:
    if obj.province_id is not None:
        return _PROVINCIAL_IMPLEMENTER[2](obj)
    return Q(agency__kind__in=NATIONAL_IMPLEMENTER_KINDS, agency__jurisdiction__isnull=True)


IMPLEMENTER = Level(
    "implementer",
    _("Đơn vị lập, thực hiện đề án (Sở, Trung tâm Khuyến công; Trung tâm vùng với đề án nhiều tỉnh)"),
    allows=_implementer_allows,
    objects_q=_implementer_q,
    users_q=_implementer_users,
)


def _by_kind(national: Level, local: Level, code: str, label) -> Level:
    """The national body for national objects, the provincial one for local objects."""

    def pick(obj) -> Level:
        return national if obj.kind == ProjectKind.NATIONAL else local

    def objects_q(user) -> Q | None:
        parts = [
            q & Q(kind=kind)
            for q, kind in (
                (national.objects_q(user), ProjectKind.NATIONAL),
                (local.objects_q(user), ProjectKind.LOCAL),
            )
            if q is not None
        ]
        if not parts:
            return None
        result = parts[0]
        for part in parts[1:]:
            result |= part
        return result

    return Level(
        code,
        label,
        allows=lambda user, obj: pick(obj).allows(user, obj),
        objects_q=objects_q,
        users_q=lambda obj: pick(obj).users_q(obj),
    )


# The body that manages a project (contract, acceptance, settlement): the Cục for national projects, the Sở
# for local ones. The body that approves it (and stops it): the Cục, or the UBND tỉnh.
MANAGING = _by_kind(CENTRAL, DEPARTMENT, "managing", _("Cơ quan quản lý đề án (Cục / Sở Công Thương)"))
APPROVING = _by_kind(CENTRAL, COMMITTEE, "approving", _("Cấp phê duyệt (Cục / UBND tỉnh)"))


def money_level(source) -> Level:
    """National funds are disbursed by the Cục, local funds by the Sở of the project's province."""
    return CENTRAL if source.kind == FundingKind.NATIONAL else DEPARTMENT


DECISION_LEVELS = {"central": CENTRAL, "department": DEPARTMENT, "committee": COMMITTEE}


# --- What the actor fills in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str  # text, textarea, date, money, decimal, contract_kind, criteria, outputs
    required: bool = True


INPUTS: dict[str, tuple[Input, ...]] = {
    "received": (
        Input("received_on", _("Ngày Sở nhận hồ sơ (nếu đã nộp giấy trước hôm nay)"), "date", required=False),
    ),
    "reason": (Input("reason", _("Lý do"), "textarea"),),
    "decision": (
        Input("decision_number", _("Số quyết định/văn bản"), "text"),
        Input("decision_date", _("Ngày quyết định"), "date"),
    ),
    "appraisal": (
        Input("checklist", _("Tiêu chí thẩm định đã đạt"), "criteria"),
        Input("council_members", _("Thành viên hội đồng/tổ thẩm định (mỗi người một dòng)"), "textarea"),
        Input("score", _("Điểm thẩm định (0–100)"), "decimal", required=False),
        Input("opinion", _("Ý kiến thẩm định"), "textarea"),
        Input("decision_number", _("Số văn bản thẩm định"), "text"),
        Input("decision_date", _("Ngày thẩm định"), "date"),
    ),
    "contract": (
        Input("contract_kind", _("Hình thức"), "contract_kind"),
        Input("contract_number", _("Số hợp đồng/quyết định"), "text"),
        Input("contract_date", _("Ngày ký"), "date"),
        Input("contract_value", _("Giá trị (đồng)"), "money"),
    ),
    "started_on": (Input("started_on", _("Ngày bắt đầu triển khai"), "date"),),
    "acceptance": (
        Input("accepted_on", _("Ngày nghiệm thu"), "date"),
        Input("actual_outputs", _("Kết quả thực hiện theo chỉ tiêu"), "outputs"),
    ),
    "settlement": (Input("settled_on", _("Ngày phê duyệt quyết toán"), "date"),),
    "closing": (Input("closed_on", _("Ngày kết thúc, thanh lý"), "date"),),
}


# --- The table ------------------------------------------------------------------------------------------


def _applies(kind: str) -> tuple[Callable[[object], bool], Q]:
    return {
        "any": (lambda p: True, Q()),
        "national": (lambda p: p.kind == ProjectKind.NATIONAL, Q(kind=ProjectKind.NATIONAL)),
        "local": (lambda p: p.kind == ProjectKind.LOCAL, Q(kind=ProjectKind.LOCAL)),
        "provincial": (lambda p: p.province_id is not None, Q(province__isnull=False)),
        "regional": (
            lambda p: p.kind == ProjectKind.NATIONAL and p.province_id is None,
            Q(kind=ProjectKind.NATIONAL, province__isnull=True),
        ),
    }[kind]


RETURN_TO_SENDER = "__returned_from__"


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str  # a state, or RETURN_TO_SENDER: the step that returned the project
    label: str
    capability: str
    level: Level
    applies: str = "any"  # any / national / local / provincial / regional
    inputs: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()  # names in checks.CHECKS
    rule_stage: str = ""  # "proposal" / "appraisal": evaluate the support norms at this step
    deadline: str = ""  # DeadlineKind: a step taken after it flags the project late (never blocks)
    inbox: bool = True  # on the main path: shown in "my work" of those who may take it
    style: str = "primary"
    notify_creator: bool = False
    fields: tuple[Input, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "fields", tuple(item for group in self.inputs for item in INPUTS[group]))

    def applies_to(self, project) -> bool:
        return _applies(self.applies)[0](project)

    @property
    def applies_q(self) -> Q:
        return _applies(self.applies)[1]

    def target_for(self, project) -> str:
        return project.returned_from if self.target == RETURN_TO_SENDER else self.target


_SUBMIT_CHECKS = ("complete", "double_funding")
_DECIDE = "project.decide"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit", S.DRAFT, S.SUBMITTED, _("Gửi Sở Công Thương thẩm định"), "project.draft", IMPLEMENTER,
        applies="provincial", inputs=("received",), documents=(DocumentType.PROPOSAL,), checks=_SUBMIT_CHECKS,
        rule_stage="proposal", deadline=DeadlineKind.REGISTRATION,
    ),
    Transition(
        "submit", S.DRAFT, S.AWAITING_APPROVAL, _("Gửi Cục thẩm định"), "project.draft", IMPLEMENTER,
        applies="regional", inputs=("received",), documents=(DocumentType.PROPOSAL,), checks=_SUBMIT_CHECKS,
        rule_stage="proposal", deadline=DeadlineKind.NATIONAL_PROPOSAL,
    ),
    Transition(
        "resubmit", S.RETURNED, RETURN_TO_SENDER, _("Gửi lại sau khi bổ sung"), "project.draft", IMPLEMENTER,
        documents=(DocumentType.PROPOSAL,), checks=_SUBMIT_CHECKS, rule_stage="proposal",
    ),
    Transition(
        "appraise", S.SUBMITTED, S.AWAITING_APPROVAL, _("Thẩm định cấp cơ sở: đạt"), "project.appraise_base",
        DEPARTMENT, inputs=("appraisal",), checks=("double_funding",), rule_stage="appraisal",
        deadline=DeadlineKind.NATIONAL_PROPOSAL,
    ),
    Transition(
        "return", S.SUBMITTED, S.RETURNED, _("Trả lại để bổ sung"), "project.appraise_base", DEPARTMENT,
        inputs=("reason",), inbox=False, style="warning", notify_creator=True,
    ),
    Transition(
        "reject", S.SUBMITTED, S.REJECTED, _("Không chấp thuận"), "project.appraise_base", DEPARTMENT,
        inputs=("reason",), inbox=False, style="danger", notify_creator=True,
    ),
    Transition(
        "approve", S.AWAITING_APPROVAL, S.APPROVED, _("Thẩm định cấp Bộ: đạt"), "project.appraise_national",
        CENTRAL, applies="national", inputs=("appraisal",), checks=("double_funding",), rule_stage="appraisal",
        notify_creator=True,
    ),
    Transition(
        "approve", S.AWAITING_APPROVAL, S.APPROVED, _("UBND tỉnh phê duyệt"), "project.approve_local", COMMITTEE,
        applies="local", inputs=("decision",), checks=("double_funding",), rule_stage="appraisal",
        notify_creator=True,
    ),
    Transition(
        "return", S.AWAITING_APPROVAL, S.RETURNED, _("Trả lại để bổ sung"), "project.appraise_national", CENTRAL,
        applies="national", inputs=("reason",), inbox=False, style="warning", notify_creator=True,
    ),
    Transition(
        "return", S.AWAITING_APPROVAL, S.RETURNED, _("Trả lại để bổ sung"), "project.approve_local", COMMITTEE,
        applies="local", inputs=("reason",), inbox=False, style="warning", notify_creator=True,
    ),
    Transition(
        "reject", S.AWAITING_APPROVAL, S.REJECTED, _("Không chấp thuận"), "project.appraise_national", CENTRAL,
        applies="national", inputs=("reason",), inbox=False, style="danger", notify_creator=True,
    ),
    Transition(
        "reject", S.AWAITING_APPROVAL, S.REJECTED, _("Không chấp thuận"), "project.approve_local", COMMITTEE,
        applies="local", inputs=("reason",), inbox=False, style="danger", notify_creator=True,
    ),
    Transition(
        "include_in_plan", S.APPROVED, S.IN_PLAN, _("Đưa vào kế hoạch đã phê duyệt"), "plan.approve", APPROVING,
        checks=("plan_allocation",),
    ),
    Transition(
        "sign_contract", S.IN_PLAN, S.CONTRACTED, _("Ký hợp đồng / giao nhiệm vụ"), "project.contract", MANAGING,
        inputs=("contract",), documents=(DocumentType.CONTRACT,), checks=("contract_within_budget",),
        notify_creator=True,
    ),
    Transition(
        "start", S.CONTRACTED, S.IN_PROGRESS, _("Bắt đầu triển khai"), "project.draft", IMPLEMENTER,
        inputs=("started_on",),
    ),
    Transition(
        "accept", S.IN_PROGRESS, S.ACCEPTED, _("Nghiệm thu"), _DECIDE, MANAGING, inputs=("acceptance",),
        documents=(DocumentType.ACCEPTANCE,), notify_creator=True,
    ),
    Transition(
        "settle", S.ACCEPTED, S.SETTLED, _("Phê duyệt quyết toán"), _DECIDE, MANAGING, inputs=("settlement",),
        documents=(DocumentType.SETTLEMENT,), checks=("no_pending_money", "settlement_recorded"), notify_creator=True,
    ),
    Transition(
        "close", S.SETTLED, S.CLOSED, _("Kết thúc, thanh lý đề án"), _DECIDE, MANAGING, inputs=("closing",),
        documents=(DocumentType.LIQUIDATION,), checks=("no_pending_money", "money_balanced"),
    ),
    *(
        Transition(
            "stop", state, S.STOPPED, _("Ngừng thực hiện"), _DECIDE, APPROVING, inputs=("reason", "decision"),
            inbox=False, style="danger", notify_creator=True,
        )
        for state in (S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS)
    ),
)  # fmt: skip

ACTIONS: frozenset[str] = frozenset(t.action for t in TRANSITIONS)
TERMINAL_STATES = frozenset({S.CLOSED, S.REJECTED, S.STOPPED})
# States in which the project has been approved and its budget lines are the approved budget.
APPROVED_STATES = frozenset({S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.CLOSED})


# An annual plan: drawn up by the managing body, approved by the approving one (the Cục records the Minister's
# decision on the national plan; the UBND tỉnh approves its province's plan). Approval puts every approved
# project of the plan into it (action "include_in_plan" above).
PLAN_TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", PlanStatus.DRAFT, PlanStatus.SUBMITTED, _("Trình phê duyệt"), "plan.manage", MANAGING),
    Transition(
        "approve", PlanStatus.SUBMITTED, PlanStatus.APPROVED, _("Phê duyệt kế hoạch"), "plan.approve", APPROVING,
        inputs=("decision",),
    ),
    Transition(
        "return", PlanStatus.SUBMITTED, PlanStatus.DRAFT, _("Trả lại để hoàn chỉnh"), "plan.approve", APPROVING,
        inputs=("reason",), inbox=False, style="warning",
    ),
    Transition(
        "reopen", PlanStatus.APPROVED, PlanStatus.DRAFT, _("Mở lại để điều chỉnh"), "plan.approve", APPROVING,
        inputs=("reason",), inbox=False, style="warning",
    ),
)  # fmt: skip


def transition_for(project, action: str) -> Transition | None:
    """The table entry for `action` from the project's stored state, or None if the action does not apply."""
    for entry in TRANSITIONS:
        if entry.source == project.status and entry.action == action and entry.applies_to(project):
            return entry
    return None


def entries_from(project) -> list[Transition]:
    return [entry for entry in TRANSITIONS if entry.source == project.status and entry.applies_to(project)]


def may_take(user, entry: Transition, project) -> bool:
    from khuyencong.accounts.roles import can

    return can(user, entry.capability) and entry.level.allows(user, project)


def participates(user, project) -> bool:
    """Whether the user takes some step of this project's lifecycle (may attach documents to it)."""
    return any(may_take(user, entry, project) for entry in TRANSITIONS if entry.applies_to(project))


def actions_for(user, project) -> list[Transition]:
    """What this user may do to this project now (the buttons on its page)."""
    return [entry for entry in entries_from(project) if may_take(user, entry, project)]


def awaiting_q(user) -> Q | None:
    """Projects on which the user may take a main-path step now, as one filter ("my work")."""
    from khuyencong.accounts.roles import can

    result = None
    for entry in TRANSITIONS:
        if not entry.inbox or not can(user, entry.capability):
            continue
        level_q = entry.level.objects_q(user)
        if level_q is None:
            continue
        part = Q(status=entry.source) & entry.applies_q & level_q
        result = part if result is None else result | part
    return result
