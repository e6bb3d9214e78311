"""Programmes, annual plans and projects through the API. Thin: the same selectors and services as the pages,
hence the same scope, the same transition table, the same version check and the same audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from khuyencong.accounts.access import access_establishment, access_plan, access_programme, access_project
from khuyencong.accounts.models import Agency
from khuyencong.core.errors import NotFound, ValidationFailed
from khuyencong.geo.models import Unit
from khuyencong.indicators.models import Indicator
from khuyencong.indicators.selectors import programme_progress
from khuyencong.programmes import selectors, services, workflow
from khuyencong.programmes.models import Adjustment, ContentItem, FundingSource, MoneyMovement, Programme

programmes_router = Router(tags=["Chương trình khuyến công"])
plans_router = Router(tags=["Kế hoạch khuyến công năm"])
projects_router = Router(tags=["Đề án khuyến công"])
MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Trang (từ 1)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Số dòng mỗi trang (tối đa 200)")


def _page(queryset, query: PageQuery) -> tuple[int, list]:
    start = (query.page - 1) * query.page_size
    return queryset.count(), list(queryset[start : start + query.page_size])


# --- Programmes -------------------------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    level: str = Field(description="national (quốc gia) hoặc provincial (địa phương)")
    province_id: int | None
    start_year: int
    end_year: int
    decision_number: str
    decision_date: dt.date | None
    issuer: str = Field(description="Cấp phê duyệt")
    citation: str = Field(description="Căn cứ pháp lý")


class TargetOut(Schema):
    indicator: str = Field(description="Mã chỉ tiêu")
    indicator_name: str
    unit: str = Field(description="Đơn vị tính")
    target: Decimal | None = Field(description="Mục tiêu (trống: chưa nhập hoặc định tính)")
    achieved: Decimal = Field(description="Đã đạt: tổng kết quả nghiệm thu của các đề án trong phạm vi người gọi")
    note: str


class ProgrammeDetailOut(ProgrammeOut):
    targets: list[TargetOut]


class ProgrammePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProgrammeOut]


@programmes_router.get("", response=ProgrammePage, summary="Danh sách chương trình khuyến công")
def list_programmes(request, query: Query[PageQuery]):
    count, rows = _page(selectors.programmes_visible_to(request.user).order_by("level", "-start_year"), query)
    return ProgrammePage(count=count, page=query.page, page_size=query.page_size, results=rows)


@programmes_router.get("/{programme_id}", response=ProgrammeDetailOut, summary="Một chương trình và mục tiêu")
def get_programme(request, programme_id: int):
    programme = access_programme(request.user, programme_id)
    targets = [
        TargetOut(
            indicator=row["target"].indicator.code,
            indicator_name=row["target"].indicator.name,
            unit=row["target"].indicator.unit,
            target=row["target"].target_value,
            achieved=row["achieved"],
            note=row["target"].note,
        )  # fmt: skip
        for row in programme_progress(request.user, programme)
    ]
    return ProgrammeDetailOut(**ProgrammeOut.model_validate(programme).model_dump(), targets=targets)


# --- Plans ------------------------------------------------------------------------------------------------------


class PlanFilters(PageQuery):
    year: int | None = Field(None, description="Năm kế hoạch")
    kind: str | None = Field(None, description="national hoặc local")


class PlanOut(Schema):
    id: int
    kind: str = Field(description="national (kế hoạch khuyến công quốc gia) hoặc local (kế hoạch của một tỉnh)")
    province_id: int | None
    year: int
    title: str
    status: str = Field(description="draft (đang lập), submitted (chờ phê duyệt), approved (đã phê duyệt)")
    decision_number: str
    decision_date: dt.date | None
    version: int = Field(description="Phiên bản; gửi kèm khi chuyển bước")


class AllocationOut(Schema):
    source: str = Field(description="Mã nguồn vốn (KCQG, KCDP, …)")
    allocated: int = Field(description="Kinh phí được giao (đồng)")
    in_plan: int = Field(description="Kinh phí nhà nước của các đề án đã vào kế hoạch (đồng)")
    awaiting: int = Field(description="Kinh phí của các đề án đã phê duyệt, chờ vào kế hoạch (đồng)")
    remaining: int = Field(description="Còn lại; âm là vượt kinh phí được giao")


class PlanDetailOut(PlanOut):
    allocations: list[AllocationOut]
    actions: list[str] = Field(description="Các bước người gọi có thể thực hiện bây giờ")


class PlanPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PlanOut]


class PlanTransitionIn(Schema):
    action: str = Field(description="submit, approve, return hoặc reopen")
    version: int = Field(description="Phiên bản kế hoạch người gọi đã xem")
    decision_number: str = Field("", description="Số quyết định (khi phê duyệt)")
    decision_date: dt.date | None = Field(None, description="Ngày quyết định (khi phê duyệt)")
    reason: str = Field("", description="Lý do (khi trả lại, mở lại)")


def _plan_detail(user, plan) -> PlanDetailOut:
    allocations = [
        AllocationOut(
            source=row["source"].code,
            allocated=row["allocated"],
            in_plan=row["counted"],
            awaiting=row["waiting"],
            remaining=row["remaining"],
        )  # fmt: skip
        for row in selectors.plan_overview(plan)
    ]
    actions = [
        t.action for t in workflow.PLAN_TRANSITIONS if t.source == plan.status and workflow.may_take(user, t, plan)
    ]
    return PlanDetailOut(**PlanOut.model_validate(plan).model_dump(), allocations=allocations, actions=actions)


@plans_router.get("", response=PlanPage, summary="Danh sách kế hoạch khuyến công năm")
def list_plans(request, filters: Query[PlanFilters]):
    plans = selectors.plan_list(request.user, filters={"year": filters.year, "kind": filters.kind})
    count, rows = _page(plans, filters)
    return PlanPage(count=count, page=filters.page, page_size=filters.page_size, results=rows)


@plans_router.get("/{plan_id}", response=PlanDetailOut, summary="Một kế hoạch: kinh phí được giao so với các đề án")
def get_plan(request, plan_id: int):
    return _plan_detail(request.user, access_plan(request.user, plan_id))


@plans_router.post("/{plan_id}/transitions", response=PlanDetailOut, summary="Chuyển bước kế hoạch")
def plan_transition(request, plan_id: int, payload: PlanTransitionIn):
    plan = services.plan_transition(
        actor=request.user, plan_id=plan_id, action=payload.action, version=payload.version,
        data=payload.model_dump(exclude={"action", "version"}),
    )  # fmt: skip
    return _plan_detail(request.user, plan)


# --- Projects ---------------------------------------------------------------------------------------------------


class ProjectFilters(PageQuery):
    q: str | None = Field(None, description="Mã hoặc tên đề án (không phân biệt dấu)")
    year: int | None = Field(None, description="Năm kế hoạch")
    programme_id: int | None = None
    province_id: int | None = Field(None, description="Tỉnh hiện nay")
    status: str | None = Field(None, description="Trạng thái (draft, submitted, awaiting_approval, approved, …)")
    content_item: str | None = Field(None, description="Mã nội dung hỗ trợ (ví dụ may_moc_tien_tien)")
    source: str | None = Field(None, description="Mã nguồn vốn (KCQG, KCDP, DOIUNG, KHAC)")
    project_type: str | None = Field(None, description="thuong, diem hoặc nhom")
    kind: str | None = Field(None, description="national hoặc local")
    late: bool = Field(False, description="Chỉ đề án đăng ký/gửi quá hạn")


class ProjectOut(Schema):
    id: int
    code: str = Field(description="Mã đề án, ví dụ KCQG-2026-33-012")
    title: str
    kind: str = Field(description="national (KCQG) hoặc local (KCĐP)")
    project_type: str = Field(description="thuong, diem (đề án điểm) hoặc nhom (đề án nhóm)")
    programme_id: int
    plan_id: int | None
    year: int = Field(description="Năm kế hoạch")
    province_id: int | None = Field(description="Tỉnh hiện nay (trống: đề án nhiều tỉnh của Trung tâm vùng)")
    legacy_province_id: int | None = Field(description="Tỉnh tại thời điểm thực hiện (đề án trước 01/07/2025)")
    implementing_agency: str
    status: str
    status_label: str
    start_date: dt.date | None
    end_date: dt.date | None
    late_registration: bool
    late_proposal: bool
    state_budget: int = Field(description="Kinh phí nhà nước trong dự toán (đồng)")
    disbursed: int = Field(description="Đã giải ngân: tạm ứng + thanh toán − hoàn trả đã duyệt (đồng)")
    version: int = Field(description="Phiên bản; gửi kèm mọi thay đổi để không ghi đè thay đổi của người khác")


PROJECT_FIELDS = [name for name in ProjectOut.model_fields if name not in ("implementing_agency", "status_label")]


def _project_out(project) -> dict:
    """The list fields of one project (`state_budget` and `disbursed` from its stored money)."""
    return {
        **{name: getattr(project, name) for name in PROJECT_FIELDS},
        "implementing_agency": str(project.implementing_agency),
        "status_label": project.status_label(),
    }


class SourceTotalsOut(Schema):
    source: str
    planned: int
    advanced: int
    paid: int
    refunded: int
    settled: int


class ProjectPage(Schema):
    count: int
    page: int
    page_size: int
    totals: list[SourceTotalsOut] = Field(description="Tổng theo nguồn trên toàn bộ kết quả lọc (đồng)")
    results: list[ProjectOut]


class BudgetRowOut(Schema):
    source: str
    planned: int
    advanced: int
    paid: int
    refunded: int
    disbursed: int
    settled: int | None
    refund_due: int
    payment_due: int


class BeneficiaryOut(Schema):
    id: int
    establishment_id: int
    establishment: str
    content_item: str
    units: int
    planned_support: int
    counterpart: int
    double_funding_note: str


class OutputOut(Schema):
    indicator: str
    planned_value: Decimal
    actual_value: Decimal | None


class StateChangeOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    note: str


class ActionOut(Schema):
    action: str
    label: str
    inputs: list[str] = Field(description="Các trường cần gửi kèm")
    documents: list[str] = Field(description="Loại văn bản phải có trước khi thực hiện")


class ProjectDetailOut(ProjectOut):
    objectives: str
    content_items: list[str]
    budget: list[BudgetRowOut]
    beneficiaries: list[BeneficiaryOut]
    outputs: list[OutputOut]
    timeline: list[StateChangeOut]
    actions: list[ActionOut] = Field(description="Các bước người gọi có thể thực hiện bây giờ")


def _project_detail(user, project_id: int) -> ProjectDetailOut:
    project = access_project(user, project_id)
    data = selectors.project_detail(user, project)
    budget = [
        BudgetRowOut(
            source=row.source.code,
            planned=row.planned,
            advanced=row.totals.advanced if row.totals else 0,
            paid=row.totals.paid if row.totals else 0,
            refunded=row.totals.refunded if row.totals else 0,
            disbursed=row.disbursed,
            settled=row.totals.settled if row.totals else None,
            refund_due=row.totals.refund_due if row.totals else 0,
            payment_due=row.totals.payment_due if row.totals else 0,
        )  # fmt: skip
        for row in data["budget"].rows
    ]
    return ProjectDetailOut(
        **_project_out(project),
        objectives=project.objectives,
        content_items=[item.code for item in data["content_items"]],
        budget=budget,
        beneficiaries=[
            BeneficiaryOut(
                id=row.pk,
                establishment_id=row.establishment_id,
                establishment=row.establishment.name,
                content_item=row.content_item.code,
                units=row.units,
                planned_support=row.planned_support,
                counterpart=row.counterpart,
                double_funding_note=row.double_funding_note,
            )  # fmt: skip
            for row in data["beneficiaries"]
        ],
        outputs=[
            OutputOut(indicator=o.indicator.code, planned_value=o.planned_value, actual_value=o.actual_value)
            for o in data["outputs"]
        ],
        timeline=[
            StateChangeOut(
                action=c.action, from_state=c.from_state, to_state=c.to_state, actor=str(c.actor), at=c.at, note=c.note
            )
            for c in data["timeline"]
        ],
        actions=[
            ActionOut(
                action=e.action, label=str(e.label), inputs=[f.name for f in e.fields], documents=list(e.documents)
            )
            for e in data["actions"]
        ],
    )


@projects_router.get("", response=ProjectPage, summary="Danh sách đề án (lọc, phân trang, tổng theo nguồn)")
def list_projects(request, filters: Query[ProjectFilters]):
    lookups = {"content_item": ContentItem, "source": FundingSource}
    values = filters.model_dump(exclude={"page", "page_size"})
    for name, model in lookups.items():
        if values[name]:
            found = model.objects.filter(code=values[name]).first()
            if found is None:
                raise ValidationFailed("Mã không hợp lệ.", details={name: [f"Không có mã {values[name]}."]})
            values[name] = found
    values["programme"], values["province"] = values.pop("programme_id"), values.pop("province_id")
    projects = selectors.project_list(request.user, filters=values)
    count, rows = _page(selectors.project_list_page_rows(projects), filters)
    totals = [
        SourceTotalsOut(
            source=row["source"].code, **{k: row[k] for k in ("planned", "advanced", "paid", "refunded", "settled")}
        )
        for row in selectors.project_totals(projects)
    ]
    results = [_project_out(project) for project in rows]
    return ProjectPage(count=count, page=filters.page, page_size=filters.page_size, totals=totals, results=results)


class SupportOut(Schema):
    project_id: int
    code: str
    title: str
    year: int
    kind: str = Field(description="national (KCQG) hoặc local (KCĐP)")
    status: str
    content_item: str = Field(description="Mã nội dung hỗ trợ")
    planned_support: int = Field(description="Kinh phí nhà nước hỗ trợ (đồng)")
    counterpart: int = Field(description="Vốn đối ứng (đồng)")


@projects_router.get(
    "/support-received/{establishment_id}", response=list[SupportOut],
    summary="Hỗ trợ một cơ sở đã nhận từ các đề án đã phê duyệt (trong phạm vi người gọi)",
)  # fmt: skip
def support_received(request, establishment_id: int):
    establishment = access_establishment(request.user, establishment_id)
    return [
        SupportOut(
            project_id=row.project_id,
            code=row.project.code,
            title=row.project.title,
            year=row.project.year,
            kind=row.project.kind,
            status=row.project.status,
            content_item=row.content_item.code,
            planned_support=row.planned_support,
            counterpart=row.counterpart,
        )  # fmt: skip
        for row in selectors.support_received_by(request.user, establishment)
    ]


@projects_router.get("/{project_id}", response=ProjectDetailOut, summary="Một đề án: kinh phí, cơ sở, tiến trình")
def get_project(request, project_id: int):
    return _project_detail(request.user, project_id)


class ProjectIn(Schema):
    title: str
    kind: str = Field(description="national hoặc local")
    project_type: str = Field("thuong", description="thuong, diem hoặc nhom")
    programme_id: int
    year: int
    implementing_agency_id: int | None = Field(None, description="Đơn vị thực hiện; mặc định là cơ quan của người gọi")
    province_id: int | None = Field(None, description="Chỉ với cán bộ trung ương; cán bộ tỉnh luôn lập cho tỉnh mình")
    legacy_province_id: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    objectives: str = ""
    content_items: list[str] = Field(description="Mã nội dung hỗ trợ")
    is_priority: bool = False
    priority_reason: str = ""


@projects_router.post("", response={201: ProjectDetailOut}, summary="Lập đề án (nháp)")
def create_project(request, payload: ProjectIn):
    data = payload.model_dump(exclude={"programme_id", "implementing_agency_id", "province_id", "legacy_province_id"})
    data["programme"] = Programme.objects.filter(pk=payload.programme_id).first()
    data["implementing_agency"] = (
        Agency.objects.filter(pk=payload.implementing_agency_id).first()
        if payload.implementing_agency_id
        else request.user.agency
    )
    data["province"] = Unit.objects.filter(pk=payload.province_id).first() if payload.province_id else None
    data["legacy_province"] = (
        Unit.objects.filter(pk=payload.legacy_province_id).first() if payload.legacy_province_id else None
    )
    items = list(ContentItem.objects.filter(code__in=payload.content_items))
    if len(items) != len(set(payload.content_items)):
        raise ValidationFailed("Có mã nội dung không hợp lệ.", details={"content_items": ["Mã không hợp lệ."]})
    data["content_items"] = items
    project = services.project_create(actor=request.user, data=data)
    return Status(201, _project_detail(request.user, project.pk))


class BudgetLineIn(Schema):
    source: str = Field(description="Mã nguồn vốn")
    content_item: str = Field(description="Mã nội dung")
    amount: int = Field(description="Số tiền (đồng)")


class BudgetIn(Schema):
    version: int
    lines: list[BudgetLineIn]


def _budget_lines(lines: list[BudgetLineIn]) -> list[dict]:
    """Budget lines by code → by id, as the services take them (an unknown code becomes 0, which they refuse)."""
    sources = {s.code: s.pk for s in FundingSource.objects.all()}
    items = {i.code: i.pk for i in ContentItem.objects.all()}
    return [
        {"source": sources.get(line.source, 0), "content_item": items.get(line.content_item, 0), "amount": line.amount}
        for line in lines
    ]


@projects_router.put("/{project_id}/budget", response=ProjectDetailOut, summary="Lập dự toán theo nguồn (thay toàn bộ)")
def set_budget(request, project_id: int, payload: BudgetIn):
    lines = _budget_lines(payload.lines)
    services.project_budget_set(actor=request.user, project_id=project_id, version=payload.version, lines=lines)
    return _project_detail(request.user, project_id)


class OutputsIn(Schema):
    version: int
    outputs: dict[str, Decimal] = Field(description="Mã chỉ tiêu → giá trị kế hoạch")


@projects_router.put("/{project_id}/outputs", response=ProjectDetailOut, summary="Sản phẩm đầu ra kế hoạch")
def set_outputs(request, project_id: int, payload: OutputsIn):
    ids = dict(Indicator.objects.filter(code__in=payload.outputs).values_list("code", "pk"))
    unknown = set(payload.outputs) - set(ids)
    if unknown:
        raise ValidationFailed("Có mã chỉ tiêu không hợp lệ.", details={"outputs": sorted(unknown)})
    services.project_outputs_set(
        actor=request.user, project_id=project_id, version=payload.version,
        outputs={ids[code]: value for code, value in payload.outputs.items()},
    )  # fmt: skip
    return _project_detail(request.user, project_id)


class BeneficiaryIn(Schema):
    version: int
    establishment_id: int
    content_item: str = Field(description="Mã nội dung")
    units: int = 1
    planned_support: int = Field(description="Kinh phí nhà nước hỗ trợ (đồng)")
    counterpart: int = Field(description="Vốn đối ứng của cơ sở (đồng)")
    double_funding_note: str = Field("", description="Giải trình nếu cơ sở đã được hỗ trợ cùng nội dung")
    override_reason: str = Field("", description="Lý do cho phép vượt định mức (lãnh đạo)")


class BeneficiaryAdded(Schema):
    beneficiary: BeneficiaryOut
    double_funding: list[str] = Field(description="Mã các đề án khác hỗ trợ cùng cơ sở, cùng nội dung, cùng thời gian")


@projects_router.post("/{project_id}/beneficiaries", response={201: BeneficiaryAdded}, summary="Thêm cơ sở thụ hưởng")
def add_beneficiary(request, project_id: int, payload: BeneficiaryIn):
    item = ContentItem.objects.filter(code=payload.content_item).first()
    if item is None:
        raise ValidationFailed("Mã nội dung không hợp lệ.", details={"content_item": ["Không hợp lệ."]})
    row, conflicts = services.project_beneficiary_add(
        actor=request.user, project_id=project_id, version=payload.version, establishment_id=payload.establishment_id,
        content_item_id=item.pk, units=payload.units, planned_support=payload.planned_support,
        counterpart=payload.counterpart, double_funding_note=payload.double_funding_note,
        override_reason=payload.override_reason,
    )  # fmt: skip
    out = BeneficiaryOut(
        id=row.pk, establishment_id=row.establishment_id, establishment=row.establishment.name, content_item=item.code,
        units=row.units, planned_support=row.planned_support, counterpart=row.counterpart,
        double_funding_note=row.double_funding_note,
    )  # fmt: skip
    return Status(201, BeneficiaryAdded(beneficiary=out, double_funding=[p.code for p in conflicts]))


class DocumentOut(Schema):
    id: int
    doc_type: str
    number: str
    issued_on: dt.date | None
    title: str
    original_name: str
    size: int


@projects_router.post("/{project_id}/documents", response={201: DocumentOut}, summary="Đính kèm văn bản (multipart)")
def add_document(
    request,
    project_id: int,
    file: File[UploadedFile],
    doc_type: Form[str],
    title: Form[str],
    number: Form[str] = "",
    issued_on: Form[dt.date | None] = None,
):
    document = services.project_document_add(
        actor=request.user, project_id=project_id, doc_type=doc_type, title=title, number=number, issued_on=issued_on,
        file=file,
    )  # fmt: skip
    return Status(201, document)


class TransitionIn(Schema):
    """The inputs a step needs are listed in the project's `actions`; send only those."""

    action: str = Field(description="Tên bước, ví dụ submit, appraise, approve, return, reject, sign_contract, …")
    version: int = Field(description="Phiên bản đề án người gọi đã xem")
    note: str = ""
    override_reason: str = Field("", description="Lý do cho phép vượt định mức (lãnh đạo)")
    reason: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    checklist: list[int] = Field(default_factory=list, description="Mã các tiêu chí thẩm định đã đạt")
    council_members: str = ""
    score: Decimal | None = None
    opinion: str = ""
    contract_kind: str = Field("", description="contract hoặc assignment")
    contract_number: str = ""
    contract_date: dt.date | None = None
    contract_value: int | None = None
    started_on: dt.date | None = None
    accepted_on: dt.date | None = None
    actual_outputs: dict[str, Decimal] = Field(default_factory=dict, description="Mã chỉ tiêu → kết quả nghiệm thu")
    settled_on: dt.date | None = None
    closed_on: dt.date | None = None


@projects_router.post("/{project_id}/transitions", response=ProjectDetailOut, summary="Chuyển bước đề án")
def project_transition(request, project_id: int, payload: TransitionIn):
    data = payload.model_dump(exclude={"action", "version", "note", "override_reason"})
    codes = dict(Indicator.objects.filter(code__in=payload.actual_outputs).values_list("code", "pk"))
    data["actual_outputs"] = {codes[code]: value for code, value in payload.actual_outputs.items() if code in codes}
    services.project_transition(
        actor=request.user, project_id=project_id, action=payload.action, version=payload.version, data=data,
        override_reason=payload.override_reason, note=payload.note,
    )  # fmt: skip
    return _project_detail(request.user, project_id)


class MovementOut(Schema):
    id: int
    source: str
    kind: str = Field(description="advance (tạm ứng), payment (thanh toán), settlement (quyết toán), refund (hoàn trả)")
    amount: int
    occurred_on: dt.date
    document_number: str
    status: str = Field(description="pending, approved, rejected")
    entered_by: str
    decided_by: str | None

    @staticmethod
    def resolve_source(movement) -> str:
        return movement.source.code

    @staticmethod
    def resolve_entered_by(movement) -> str:
        return str(movement.entered_by)

    @staticmethod
    def resolve_decided_by(movement) -> str | None:
        return str(movement.decided_by) if movement.decided_by_id else None


class MovementIn(Schema):
    source: str = Field(description="KCQG hoặc KCDP")
    kind: str
    amount: int = Field(description="Số tiền (đồng)")
    occurred_on: dt.date | None = None
    document_number: str
    note: str = ""


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", description="Ý kiến; bắt buộc khi từ chối")
    override_reason: str = Field("", description="Lý do cho phép vượt mức tạm ứng (nếu có)")


def _movements(user, project_id: int):
    project = access_project(user, project_id)
    if not selectors.money_visible(user):
        return MoneyMovement.objects.none()
    return project.movements.select_related("source", "entered_by", "decided_by").order_by("occurred_on", "pk")


@projects_router.get("/{project_id}/movements", response=list[MovementOut], summary="Tạm ứng, thanh toán, quyết toán")
def list_movements(request, project_id: int):
    return list(_movements(request.user, project_id))


@projects_router.post("/{project_id}/movements", response={201: MovementOut}, summary="Nhập tạm ứng, thanh toán, …")
def enter_movement(request, project_id: int, payload: MovementIn):
    source = FundingSource.objects.filter(code=payload.source).first()
    if source is None:
        raise ValidationFailed("Mã nguồn vốn không hợp lệ.", details={"source": ["Không hợp lệ."]})
    movement = services.money_enter(
        actor=request.user, project_id=project_id, source_id=source.pk, kind=payload.kind, amount=payload.amount,
        occurred_on=payload.occurred_on or timezone.localdate(), document_number=payload.document_number,
        note=payload.note,
    )  # fmt: skip
    return Status(201, movement)


@projects_router.post(
    "/{project_id}/movements/{movement_id}/decision", response=MovementOut, summary="Duyệt hoặc từ chối một khoản"
)
def decide_movement(request, project_id: int, movement_id: int, payload: DecisionIn):
    access_project(request.user, project_id)
    if not MoneyMovement.objects.filter(pk=movement_id, project_id=project_id).exists():
        raise NotFound()
    movement = services.money_decide(
        actor=request.user, movement_id=movement_id, approve=payload.approve, note=payload.note,
        override_reason=payload.override_reason,
    )  # fmt: skip
    return movement


class AdjustmentOut(Schema):
    id: int
    status: str = Field(description="pending (chờ quyết định), approved (chấp thuận), refused (không chấp thuận)")
    decision_level: str = Field(description="Cấp quyết định: department (Sở), committee (UBND tỉnh), central (Cục)")
    reason: str
    new_end_date: dt.date | None
    budget_changes: list[dict] = Field(description="Dự toán mới (id nguồn vốn, id nội dung, số tiền đồng)")
    beneficiary_additions: list[dict]
    beneficiary_removals: list[int] = Field(description="Id các dòng cơ sở thụ hưởng rút khỏi đề án")
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_number: str
    decision_note: str

    @staticmethod
    def resolve_requested_by(adjustment) -> str:
        return str(adjustment.requested_by)

    @staticmethod
    def resolve_decided_by(adjustment) -> str | None:
        return str(adjustment.decided_by) if adjustment.decided_by_id else None


class AdjustmentBeneficiaryIn(Schema):
    establishment_id: int
    content_item: str = Field(description="Mã nội dung")
    units: int = 1
    planned_support: int = Field(description="Kinh phí nhà nước hỗ trợ (đồng)")
    counterpart: int = Field(description="Vốn đối ứng của cơ sở (đồng)")
    double_funding_note: str = ""


class AdjustmentIn(Schema):
    version: int
    reason: str = Field(description="Lý do điều chỉnh")
    new_end_date: dt.date | None = Field(None, description="Ngày kết thúc mới (gia hạn)")
    budget_lines: list[BudgetLineIn] = Field([], description="Dự toán mới, thay toàn bộ (bỏ trống: không đổi)")
    add_beneficiaries: list[AdjustmentBeneficiaryIn] = []
    remove_beneficiaries: list[int] = Field([], description="Id các dòng cơ sở thụ hưởng cần rút")


class AdjustmentDecisionIn(Schema):
    version: int
    approve: bool
    decision_number: str = Field("", description="Số văn bản quyết định; bắt buộc khi chấp thuận")
    note: str = Field("", description="Ý kiến; bắt buộc khi không chấp thuận")
    override_reason: str = Field("", description="Lý do cho phép vượt định mức (nếu có)")


@projects_router.get("/{project_id}/adjustments", response=list[AdjustmentOut], summary="Các đề nghị điều chỉnh")
def list_adjustments(request, project_id: int):
    project = access_project(request.user, project_id)
    return list(project.adjustments.select_related("requested_by", "decided_by").order_by("requested_at", "pk"))


@projects_router.post(
    "/{project_id}/adjustments", response={201: AdjustmentOut}, summary="Đề nghị điều chỉnh (thời gian, dự toán, cơ sở)"
)
def request_adjustment(request, project_id: int, payload: AdjustmentIn):
    items = {i.code: i.pk for i in ContentItem.objects.all()}
    additions = [
        {**row.dict(exclude={"establishment_id", "content_item"}), "establishment": row.establishment_id,
         "content_item": items.get(row.content_item, 0)}
        for row in payload.add_beneficiaries
    ]  # fmt: skip
    adjustment = services.adjustment_request(
        actor=request.user, project_id=project_id, version=payload.version, reason=payload.reason,
        new_end_date=payload.new_end_date, budget_lines=_budget_lines(payload.budget_lines),
        add_beneficiaries=additions, remove_beneficiaries=payload.remove_beneficiaries,
    )  # fmt: skip
    return Status(201, adjustment)


@projects_router.post(
    "/{project_id}/adjustments/{adjustment_id}/decision",
    response=AdjustmentOut,
    summary="Quyết định điều chỉnh (cấp theo nội dung điều chỉnh)",
)
def decide_adjustment(request, project_id: int, adjustment_id: int, payload: AdjustmentDecisionIn):
    access_project(request.user, project_id)
    if not Adjustment.objects.filter(pk=adjustment_id, project_id=project_id).exists():
        raise NotFound()
    adjustment = services.adjustment_decide(
        actor=request.user, adjustment_id=adjustment_id, version=payload.version, approve=payload.approve,
        decision_number=payload.decision_number, note=payload.note, override_reason=payload.override_reason,
    )  # fmt: skip
    return adjustment
