"""Periodic reports through the API. Thin: the same selectors, services and access functions as the pages,
hence the same scope (another province's report, version or file answers 404), the same workflow table, the
same revision check and the same audit. Drafts and signatures are background jobs: the answer is 202 with the
job, whose progress is polled at /reports/jobs/{job_id}."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from khuyencong.accounts.access import access_report, access_report_version
from khuyencong.accounts.roles import can
from khuyencong.core.errors import NotFound, PermissionDenied, ValidationFailed
from khuyencong.jobs.selectors import job_for
from khuyencong.reports import selectors, services, workflow
from khuyencong.reports.models import ReportDefinition
from khuyencong.reports.periods import parse_period
from khuyencong.reports.storage import open_file

router = Router(tags=["Báo cáo định kỳ"])
MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Trang (từ 1)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Số dòng mỗi trang (tối đa 200)")


class ReportFilters(PageQuery):
    definition: str | None = Field(None, description="Mã mẫu báo cáo, ví dụ bc-dinh-ky-tinh")
    year: int | None = Field(None, description="Năm của kỳ báo cáo")
    period_type: str | None = Field(None, description="quarter, half, year hoặc adhoc")
    status: str | None = Field(None, description="draft, submitted, returned, accepted, issued")
    province: str | None = Field(None, description="Mã tỉnh hiện nay (2 chữ số); chỉ phạm vi toàn quốc")


class DefinitionOut(Schema):
    id: int
    code: str
    title: str = Field(description="Trích yếu")
    document_type: str
    level: str = Field(description="provincial (Sở lập, ký gửi Cục), national (Cục ban hành), any (biểu, sổ)")
    period_types: list[str]
    symbol: str = Field(description="Ký hiệu văn bản (Số: …/ký hiệu)")
    money_unit: str = Field(description="trieu (triệu đồng) hoặc dong")
    sections: list[dict] = Field(description="Các phần theo thứ tự: key, kind, title, options")
    citation: str
    is_active: bool


class ReportOut(Schema):
    id: int
    definition: str = Field(description="Mã mẫu báo cáo")
    title: str
    period: str = Field(description="Kỳ: 2026-Q1, 2026-H1, 2026 hoặc 2026-01-15..2026-05-31")
    period_label: str
    period_start: dt.date
    period_end: dt.date
    province: str | None = Field(description="Mã tỉnh; trống: toàn quốc")
    unit_basis: str = Field(description="current (tỉnh hiện nay) hoặc as_was (tỉnh tại thời điểm thực hiện)")
    status: str
    status_label: str
    revision: int = Field(description="Lần sửa; gửi kèm khi sửa hoặc chuyển bước")

    @staticmethod
    def of(report) -> ReportOut:
        return ReportOut(
            id=report.pk, definition=report.definition.code, title=report.definition.title,
            period=report.period_key, period_label=report.period.label, period_start=report.period_start,
            period_end=report.period_end, province=report.province.code if report.province_id else None,
            unit_basis=report.unit_basis, status=report.status, status_label=report.get_status_display(),
            revision=report.revision,
        )  # fmt: skip


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ReportOut]


class VersionOut(Schema):
    id: int
    number: int
    kind: str = Field(description="draft (bản nháp), submitted (bản đã ký gửi/ban hành), amendment (bản sửa đổi)")
    frozen: bool
    created_at: dt.datetime
    cut_off: dt.date = Field(description="Số liệu chốt đến ngày")
    snapshot_sha256: str
    xlsx_sha256: str
    pdf_sha256: str
    pdf_pages: int
    xlsx_url: str
    pdf_url: str
    amends: int | None = Field(description="Số phiên bản được sửa đổi (bản đã ký trước đó)")


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    note: str


class ChangeOut(Schema):
    section: str
    section_title: str
    row: str
    row_label: str
    column: str
    column_label: str
    type: str
    before: object | None = Field(description="Giá trị cũ (tiền: đồng)")
    after: object | None = Field(description="Giá trị mới (tiền: đồng)")
    change: str = Field(description="changed, added, removed")


class ReportDetailOut(ReportOut):
    place: str
    recipients: str
    narratives: dict[str, str]
    last_note: str = Field(description="Ý kiến gần nhất của Cục")
    actions: list[str] = Field(description="Các bước người gọi thực hiện được bây giờ")
    may_prepare: bool = Field(description="Người gọi sửa nội dung và tạo bản nháp được")
    versions: list[VersionOut]
    steps: list[StepOut]


def _version_out(report, version) -> VersionOut:
    def url(fmt: str) -> str:
        return reverse("reports:download", kwargs={"report_id": report.pk, "version_id": version.pk, "fmt": fmt})

    return VersionOut(
        id=version.pk, number=version.number, kind=version.kind, frozen=version.frozen, created_at=version.created_at,
        cut_off=version.cut_off, snapshot_sha256=version.snapshot_sha256, xlsx_sha256=version.xlsx_sha256,
        pdf_sha256=version.pdf_sha256, pdf_pages=version.pdf_pages, xlsx_url=url("xlsx"), pdf_url=url("pdf"),
        amends=version.amends.number if version.amends_id else None,
    )  # fmt: skip


def _detail(user, report) -> ReportDetailOut:
    page = selectors.report_page(user, report)
    return ReportDetailOut(
        **ReportOut.of(report).model_dump(), place=report.place, recipients=report.recipients,
        narratives=report.narratives or {}, last_note=report.last_note,
        actions=[step.action for step in page.actions], may_prepare=page.may_prepare,
        versions=[_version_out(report, version) for version in page.versions],
        steps=[
            StepOut(action=step.action, from_status=step.from_status, to_status=step.to_status,
                    actor=step.actor.get_full_name() if step.actor else "Hệ thống", at=step.at, note=step.note)
            for step in page.steps
        ],
    )  # fmt: skip


class JobOut(Schema):
    id: str
    status: str = Field(description="queued, running, succeeded, failed")
    percent: int
    done: int
    total: int
    message: str
    result: dict = Field(description="Khi xong: message, url (trang báo cáo), failed (true nếu không lưu được)")
    status_url: str


def _job_out(job) -> JobOut:
    return JobOut(
        id=str(job.pk), status=job.status, percent=job.percent, done=job.done, total=job.total, message=job.message,
        result=job.result or {}, status_url=f"/api/v1/reports/jobs/{job.pk}",
    )  # fmt: skip


def _require_view(user) -> None:
    if not can(user, "report.view"):
        raise PermissionDenied("Bạn không có quyền xem báo cáo.")


# --- Definitions and filings --------------------------------------------------------------------------------------


@router.get("/definitions", response=list[DefinitionOut], summary="Các mẫu báo cáo")
def list_definitions(request):
    _require_view(request.user)
    return list(ReportDefinition.objects.order_by("sort_order", "code"))


class FilingOut(Schema):
    province: str = Field(description="Mã tỉnh")
    province_name: str
    period: str
    due: dt.date | None = Field(description="Hạn gửi; trống: kỳ không bắt buộc")
    sent: dt.date | None = Field(description="Ngày lãnh đạo Sở ký gửi lần đầu")
    state: str = Field(description="not_due, missing, draft, returned, submitted, accepted")
    overdue: bool = Field(description="Chưa gửi và đã quá hạn")
    days_late: int
    label: str
    report_id: int | None


class FilingQuery(Schema):
    definition: str = Field("bc-dinh-ky-tinh", description="Mã mẫu báo cáo có hạn gửi")
    year: int = Field(None, description="Năm (mặc định năm nay)")
    only_overdue: bool = Field(False, description="Chỉ các kỳ quá hạn chưa gửi")


@router.get("/filings", response=list[FilingOut], summary="Tình hình gửi báo cáo theo tỉnh và kỳ (quá hạn)")
def list_filings(request, query: Query[FilingQuery]):
    _require_view(request.user)
    definition = selectors.periodic_definitions().filter(code=query.definition).first()
    if definition is None:
        raise NotFound("Không tìm thấy mẫu báo cáo có hạn gửi.")
    matrix = selectors.filing_matrix(request.user, definition, query.year or timezone.localdate().year)
    rows = [filing for _province, row in matrix.rows for filing in row]
    if query.only_overdue:
        rows = [filing for filing in rows if filing.overdue]
    return [
        FilingOut(
            province=filing.province.code,
            province_name=filing.province.name,
            period=filing.period.key,
            due=filing.due,
            sent=filing.sent,
            state=filing.state,
            overdue=filing.overdue,
            days_late=filing.days_late,
            label=filing.label,
            report_id=filing.report.pk if filing.report else None,
        )  # fmt: skip
        for filing in rows
    ]


# --- Reports --------------------------------------------------------------------------------------------------------


@router.get("", response=ReportPage, summary="Danh sách báo cáo trong phạm vi người gọi")
def list_reports(request, query: Query[ReportFilters]):
    _require_view(request.user)
    filters = query.model_dump(exclude={"page", "page_size"})
    if filters.get("definition"):
        definition = ReportDefinition.objects.filter(code=filters["definition"]).first()
        filters["definition"] = definition.pk if definition else -1
    if filters.get("province"):
        from khuyencong.geo.models import Unit, UnitLevel

        province = Unit.objects.filter(
            level=UnitLevel.PROVINCE, valid_to__isnull=True, code=filters["province"]
        ).first()
        filters["province"] = province.pk if province else -1
    reports = selectors.report_list(request.user, filters=filters)
    start = (query.page - 1) * query.page_size
    rows = list(reports[start : start + query.page_size])
    return ReportPage(
        count=reports.count(), page=query.page, page_size=query.page_size, results=[ReportOut.of(r) for r in rows]
    )


class ReportIn(Schema):
    definition: str = Field(description="Mã mẫu báo cáo")
    period: str = Field(description="2026-Q1, 2026-H1, 2026 hoặc 2026-01-15..2026-05-31")
    province: str | None = Field(None, description="Mã tỉnh (người gọi cấp trung ương); cấp tỉnh: tỉnh của mình")
    unit_basis: str = Field("current", description="current hoặc as_was (chỉ báo cáo toàn quốc)")


@router.post("", response={201: ReportDetailOut}, summary="Lập báo cáo (trạng thái đang lập)")
def create_report(request, payload: ReportIn):
    definition = ReportDefinition.objects.filter(code=payload.definition).first()
    if definition is None:
        raise ValidationFailed("Mẫu báo cáo không hợp lệ.", details={"definition": ["Không có mẫu này."]})
    province_id = None
    if payload.province:
        from khuyencong.geo.models import Unit, UnitLevel

        province = Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True, code=payload.province).first()
        if province is None:
            raise ValidationFailed("Tỉnh, thành phố không hợp lệ.", details={"province": ["Không có mã tỉnh này."]})
        province_id = province.pk
    report = services.report_create(
        actor=request.user, definition_id=definition.pk, period=parse_period(payload.period),
        province_id=province_id, unit_basis=payload.unit_basis,
    )  # fmt: skip
    return Status(201, _detail(request.user, access_report(request.user, report.pk)))


@router.get("/jobs/{job_id}", response=JobOut, summary="Tiến độ một tác vụ nền (bản nháp, ký)")
def get_job(request, job_id: str):
    from django.core.exceptions import ValidationError

    try:
        job = job_for(request.user, job_id)
    except ValidationError:
        raise NotFound("Không tìm thấy tác vụ.") from None
    if not job.kind.startswith("reports."):
        raise NotFound("Không tìm thấy tác vụ.")
    return _job_out(job)


@router.get("/{report_id}", response=ReportDetailOut, summary="Một báo cáo: phiên bản, tệp, quá trình xử lý")
def get_report(request, report_id: int):
    return _detail(request.user, access_report(request.user, report_id))


class ReportUpdateIn(Schema):
    revision: int = Field(description="Lần sửa người gọi đã xem")
    place: str | None = Field(None, description="Địa danh ở dòng ngày tháng")
    recipients: str | None = Field(None, description="Nơi nhận, mỗi dòng một nơi")
    narratives: dict[str, str] = Field(default_factory=dict, description="Nội dung thuyết minh theo mã phần")


@router.put("/{report_id}", response=ReportDetailOut, summary="Sửa địa danh, nơi nhận, thuyết minh")
def update_report(request, report_id: int, payload: ReportUpdateIn):
    report = access_report(request.user, report_id)
    data = {"narratives": payload.narratives, "place": payload.place if payload.place is not None else report.place}
    if payload.recipients is not None:
        data["recipients"] = payload.recipients
    services.report_update(actor=request.user, report_id=report.pk, revision=payload.revision, data=data)
    return _detail(request.user, access_report(request.user, report_id))


@router.post("/{report_id}/drafts", response={202: JobOut}, summary="Tạo bản nháp Excel và PDF (tác vụ nền)")
def create_draft(request, report_id: int):
    job = services.report_generate(actor=request.user, report_id=report_id)
    job.refresh_from_db()
    return Status(202, _job_out(job))


class SignatureIn(Schema):
    number: str = Field(description="Số văn bản")
    date: dt.date = Field(description="Ngày ký")
    signer_title: str = Field(description="Chức danh người ký (nhiều dòng cách bằng xuống dòng)")
    signer_name: str = Field(description="Họ và tên người ký")


class TransitionIn(Schema):
    action: str = Field(description="submit, issue, review, accept, return hoặc amend")
    revision: int = Field(description="Lần sửa người gọi đã xem")
    note: str = Field("", description="Ý kiến, lý do (bắt buộc khi trả lại, thẩm tra, lập bản sửa đổi)")
    version_id: int | None = Field(None, description="Bản nháp được ký (submit, issue)")
    signature: SignatureIn | None = Field(None, description="Thông tin ký (submit, issue)")


@router.post(
    "/{report_id}/transitions",
    response={200: ReportDetailOut, 202: JobOut},
    summary="Chuyển bước: ký gửi/ban hành (202, tác vụ nền), thẩm tra, chấp nhận, trả lại, lập bản sửa đổi",
)
def transition(request, report_id: int, payload: TransitionIn):
    signature = None
    if payload.signature is not None:
        signature = {**payload.signature.model_dump(), "date": payload.signature.date}
    result = services.report_transition(
        actor=request.user, report_id=report_id, action=payload.action, revision=payload.revision,
        note=payload.note, version_id=payload.version_id, signature=signature,
    )  # fmt: skip
    if workflow.BY_ACTION[payload.action].signs:
        result.refresh_from_db()
        return Status(202, _job_out(result))
    return Status(200, _detail(request.user, access_report(request.user, report_id)))


class VersionDetailOut(VersionOut):
    changes: list[ChangeOut] = Field(description="Khác biệt theo ô so với bản đã ký trước (bản sửa đổi, bản nháp)")


@router.get("/{report_id}/versions/{version_id}", response=VersionDetailOut, summary="Một phiên bản và khác biệt")
def get_version(request, report_id: int, version_id: int):
    version = access_report_version(request.user, report_id, version_id)
    return VersionDetailOut(**_version_out(version.report, version).model_dump(), changes=version.changes)


@router.get("/{report_id}/versions/{version_id}/snapshot", response=dict, summary="Số liệu của phiên bản (JSON)")
def get_snapshot(request, report_id: int, version_id: int):
    """Exactly the data the files were rendered from; its SHA-256 over the canonical encoding (UTF-8, sorted keys,
    no spaces) is `snapshot_sha256`."""
    version = access_report_version(request.user, report_id, version_id)
    return selectors.version_snapshot(version)


@router.get("/{report_id}/versions/{version_id}/files/{fmt}", summary="Tải tệp xlsx hoặc pdf của phiên bản")
def download(request, report_id: int, version_id: int, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise NotFound("Không có định dạng này (xlsx hoặc pdf).")
    version = access_report_version(request.user, report_id, version_id)
    name = version.xlsx_name if fmt == "xlsx" else version.pdf_name
    response = FileResponse(
        open_file(name), as_attachment=True, filename=f"bao-cao-{report_id}-v{version.number}.{fmt}"
    )
    response["X-Content-SHA256"] = version.xlsx_sha256 if fmt == "xlsx" else version.pdf_sha256
    return response
