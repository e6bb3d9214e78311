"""Who takes which step of a report, in one table read by the service, the pages, the API and the tests.

Provincial reports (level `provincial`): the Sở's officers prepare drafts; the Sở's leader signs and submits
one draft (frozen); the Cục's officers review and comment; the Cục's leaders accept or return with comments;
after acceptance a correction opens an amendment, which the Sở's leader submits again. National reports
(level `national`): the Cục's officers prepare, a Cục leader signs and issues; corrections open amendments.
Reports of level `any` (lists, registers) are drafts only, made by anyone who may prepare in the area.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.access import NATIONAL, PROVINCE, user_scope
from khuyencong.accounts.models import AgencyKind
from khuyencong.accounts.roles import can
from khuyencong.reports.models import DefinitionLevel, Report, ReportStatus

R = ReportStatus
L = DefinitionLevel

PREPARER = "preparer"  # staff of the report's area: the province's for a province, national for the country
SIGNER = "signer"  # the issuing agency's leadership: the Sở of the province, or the Cục
CENTRAL = "central"  # the Cục (national scope), reviewing what provinces send


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    levels: frozenset[str]
    sources: frozenset[str]
    target: str
    capability: str
    body: str
    note_required: bool = False
    signs: bool = False  # freezes a draft: needs the draft and the signature (number, date, signer)
    style: str = "primary"


TRANSITIONS: tuple[Step, ...] = (
    Step("submit", _("Ký và gửi Cục"), frozenset({L.PROVINCIAL}), frozenset({R.DRAFT, R.RETURNED}), R.SUBMITTED,
         "report.submit", SIGNER, signs=True),
    Step("issue", _("Ký ban hành"), frozenset({L.NATIONAL}), frozenset({R.DRAFT}), R.ISSUED, "report.submit",
         SIGNER, signs=True),
    Step("review", _("Ghi ý kiến thẩm tra"), frozenset({L.PROVINCIAL}), frozenset({R.SUBMITTED}), R.SUBMITTED,
         "report.review", CENTRAL, note_required=True, style="outline-primary"),
    Step("accept", _("Chấp nhận báo cáo"), frozenset({L.PROVINCIAL}), frozenset({R.SUBMITTED}), R.ACCEPTED,
         "report.decide", CENTRAL, style="success"),
    Step("return", _("Trả lại để sửa"), frozenset({L.PROVINCIAL}), frozenset({R.SUBMITTED}), R.RETURNED,
         "report.decide", CENTRAL, note_required=True, style="outline-danger"),
    Step("amend", _("Lập bản sửa đổi, bổ sung"), frozenset({L.PROVINCIAL, L.NATIONAL}),
         frozenset({R.ACCEPTED, R.ISSUED}), R.DRAFT, "report.prepare", PREPARER, note_required=True,
         style="outline-secondary"),
)  # fmt: skip
BY_ACTION = {step.action: step for step in TRANSITIONS}
EDITABLE = frozenset({R.DRAFT, R.RETURNED})


def in_body(user, report: Report, body: str) -> bool:
    """Whether the user belongs to the body that takes a step on this report (capabilities aside)."""
    scope = user_scope(user)
    agency = getattr(user, "agency", None)
    if body == CENTRAL:
        return scope.kind == NATIONAL
    if body == PREPARER:
        if report.province_id is None:
            return scope.kind == NATIONAL
        if report.definition.level == L.ANY:
            return scope.covers_province(report.province_id)
        return scope.kind == PROVINCE and scope.province_id == report.province_id
    if body == SIGNER:
        if report.province_id is None:
            return scope.kind == NATIONAL and agency is not None and agency.kind == AgencyKind.CENTRAL_DEPARTMENT
        return (
            scope.kind == PROVINCE
            and scope.province_id == report.province_id
            and agency is not None
            and agency.kind == AgencyKind.PROVINCIAL_DEPARTMENT
        )
    raise ValueError(body)


def applies(step: Step, report: Report) -> bool:
    return report.definition.level in step.levels and report.status in step.sources


def allowed(user, report: Report, step: Step) -> bool:
    return applies(step, report) and can(user, step.capability) and in_body(user, report, step.body)


def actions_for(user, report: Report) -> list[Step]:
    return [step for step in TRANSITIONS if allowed(user, report, step)]


def may_prepare(user, report: Report) -> bool:
    """Edit the texts and make drafts: while the report is being prepared (always for lists and registers)."""
    editable = report.status in EDITABLE or not report.definition.has_workflow
    return editable and can(user, "report.prepare") and in_body(user, report, PREPARER)
