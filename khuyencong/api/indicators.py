"""Indicators, targets, provincial reports and the dashboard aggregates through the API. Thin: the same
selectors and services as the pages, hence the same scope, the same checks and the same audit. Indicators,
programmes, sources and provinces are named by their codes, as in the rest of the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from khuyencong.accounts.access import PROVINCE, access_dashboard_province, access_manual_report, user_scope
from khuyencong.accounts.roles import can
from khuyencong.core.errors import PermissionDenied, ValidationFailed
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.indicators import selectors, services
from khuyencong.indicators.models import Half, Indicator, ManualReport, ReportStatus
from khuyencong.indicators.selectors import UNITS_NOW, UNITS_THEN, FactQuery, Filters
from khuyencong.programmes.models import FundingSource
from khuyencong.programmes.selectors import programmes_visible_to

indicators_router = Router(tags=["Chỉ tiêu, mục tiêu, số liệu tỉnh báo cáo"])
dashboard_router = Router(tags=["Bảng điều khiển"])
MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Trang (từ 1)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Số dòng mỗi trang (tối đa 200)")


def _page(queryset, query: PageQuery) -> tuple[int, list]:
    start = (query.page - 1) * query.page_size
    return queryset.count(), list(queryset[start : start + query.page_size])


def _bad(field: str, message: str):
    raise ValidationFailed(message, details={field: [message]})


def _indicator(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is None:
        _bad("indicator", f"Không có chỉ tiêu mã “{code}”.")
    return found


def _programme(user, code: str):
    found = programmes_visible_to(user).filter(code=code).first()
    if found is None:
        _bad("programme", f"Không có chương trình mã “{code}” trong phạm vi của bạn.")
    return found


def _current_province(code: str) -> Unit:
    found = Unit.objects.filter(code=code, level=UnitLevel.PROVINCE, valid_to__isnull=True).first()
    if found is None:
        _bad("province", f"Không có tỉnh hiện nay mã “{code}”.")
    return found


# --- Catalogue -------------------------------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str = Field(description="Đơn vị tính")
    kind: str = Field(description="output (đầu ra) hoặc outcome (kết quả, tác động)")
    source: str = Field(
        description="outputs (sản phẩm đầu ra đề án), beneficiaries (cơ sở thụ hưởng), manual (tỉnh báo cáo)"
    )
    aggregation: str = Field(description="sum, distinct_establishments, average hoặc latest")
    period_kind: str = Field(description="Kỳ báo cáo của chỉ tiêu tỉnh báo cáo: year hoặc half")
    by_sex: bool = Field(description="Tách số nữ")
    by_ethnic_minority: bool = Field(description="Tách số người dân tộc thiểu số")
    max_value: Decimal | None
    citation: str
    is_active: bool


@indicators_router.get("", response=list[IndicatorOut], summary="Danh mục chỉ tiêu (đầu ra và kết quả)")
def list_indicators(request):
    return list(Indicator.objects.all())


# --- Targets ---------------------------------------------------------------------------------------------------


class TargetFilters(PageQuery):
    programme: str = Field(description="Mã chương trình, ví dụ ctkcqg-2021-2025")
    indicator: str | None = Field(None, description="Mã chỉ tiêu")
    year: str | None = Field(None, description="Năm, hoặc “period” cho mục tiêu cả giai đoạn")
    province: str | None = Field(None, description="Mã tỉnh hiện nay (gồm cả mục tiêu giao tỉnh cũ đã hợp nhất)")


class TargetOut(Schema):
    programme: str
    indicator: str
    unit_key: str | None = Field(description="Tỉnh được giao (khóa đơn vị, ví dụ legacy:province:83); trống: chung")
    province: str | None = Field(description="Mã tỉnh hiện nay mà mục tiêu được cộng vào")
    year: int | None = Field(description="Năm; trống: cả giai đoạn")
    target_value: Decimal | None = Field(description="Mục tiêu (trống: định tính)")
    note: str
    citation: str

    @staticmethod
    def of(target) -> TargetOut:
        return TargetOut(
            programme=target.programme.code, indicator=target.indicator.code,
            unit_key=target.unit.key if target.unit else None,
            province=target.province.code if target.province else None, year=target.year,
            target_value=target.target_value, note=target.note, citation=target.citation,
        )  # fmt: skip


class TargetPage(Schema):
    count: int
    page: int
    page_size: int
    warnings: list[str] = Field(description="Tổng mục tiêu các tỉnh (hoặc các năm) vượt mục tiêu chung")
    results: list[TargetOut]


@indicators_router.get("/targets", response=TargetPage, summary="Mục tiêu của một chương trình, có cảnh báo")
def list_targets(request, filters: Query[TargetFilters]):
    programme = _programme(request.user, filters.programme)
    year = filters.year
    if year not in (None, "", "period") and not str(year).isdigit():
        _bad("year", "Năm phải là một số hoặc “period”.")
    rows = selectors.target_list(
        request.user, programme=programme,
        indicator=_indicator(filters.indicator) if filters.indicator else None,
        year=int(year) if year and year.isdigit() else year,
        province=_current_province(filters.province) if filters.province else None,
    )  # fmt: skip
    scope = user_scope(request.user)
    province = Unit.objects.get(pk=scope.province_id) if scope.kind == PROVINCE else None
    count, page = _page(rows, filters)
    return TargetPage(
        count=count, page=filters.page, page_size=filters.page_size,
        warnings=selectors.target_warnings(programme, province=province), results=[TargetOut.of(t) for t in page],
    )  # fmt: skip


class TargetIn(Schema):
    programme: str = Field(description="Mã chương trình")
    indicator: str = Field(description="Mã chỉ tiêu")
    unit_key: str | None = Field(None, description="Tỉnh được giao: khóa đơn vị (2025:province:86, legacy:province:83)")
    year: int | None = Field(None, description="Năm; trống: cả giai đoạn")
    target_value: Decimal | None = Field(None, description="Mục tiêu; trống (và không ghi chú): bỏ mục tiêu")
    note: str = ""
    citation: str = Field("", description="Văn bản giao mục tiêu")


class TargetResultOut(Schema):
    target: TargetOut | None
    warnings: list[str]


@indicators_router.put("/targets", response=TargetResultOut, summary="Giao, sửa hoặc bỏ một mục tiêu")
def set_target(request, payload: TargetIn):
    unit_id = None
    if payload.unit_key:
        unit = Unit.objects.filter(key=payload.unit_key, level=UnitLevel.PROVINCE).first()
        if unit is None:
            _bad("unit_key", f"Không có tỉnh với khóa “{payload.unit_key}”.")
        unit_id = unit.pk
    result = services.target_set(
        actor=request.user, programme_id=_programme(request.user, payload.programme).pk,
        indicator_id=_indicator(payload.indicator).pk, target_value=payload.target_value, unit_id=unit_id,
        year=payload.year, note=payload.note, citation=payload.citation,
    )  # fmt: skip
    return TargetResultOut(target=TargetOut.of(result.target) if result.target else None, warnings=result.warnings)


# --- Dashboard filters and indicator values ------------------------------------------------------------------------


class DashboardQuery(Schema):
    programme: str | None = Field(
        None, description="Mã chương trình; bỏ trống tham số: chương trình quốc gia gần nhất có mục tiêu; rỗng: tất cả"
    )
    year_from: int | None = Field(None, ge=2000, le=2100, description="Từ năm kế hoạch")
    year_to: int | None = Field(None, ge=2000, le=2100, description="Đến năm kế hoạch")
    source: str | None = Field(None, description="Mã nguồn vốn (KCQG, KCDP, DOIUNG, KHAC)")
    units: str = Field(UNITS_NOW, description="now: đơn vị hiện nay; then: tỉnh khi thực hiện (63 tỉnh cũ, đến 2025)")
    province: str | None = Field(None, description="Mã tỉnh hiện nay; người dùng cấp tỉnh: mặc định tỉnh của mình")


def _dashboard_scope(request, query: DashboardQuery) -> tuple[Unit | None, Filters]:
    user = request.user
    scope = user_scope(user)
    if not can(user, "indicators.view") or not (scope.is_national or scope.kind == PROVINCE):
        raise PermissionDenied("Bạn không có quyền xem bảng điều khiển và chỉ tiêu.")
    if query.units not in (UNITS_NOW, UNITS_THEN):
        _bad("units", "Đơn vị phải là “now” (hiện nay) hoặc “then” (khi thực hiện).")
    if query.year_from and query.year_to and query.year_from > query.year_to:
        _bad("year_to", "“Đến năm” phải từ “Từ năm” trở đi.")
    if query.units == UNITS_THEN and query.year_from and query.year_from > selectors.LAST_LEGACY_YEAR:
        _bad("year_from", "Đơn vị “khi thực hiện” là 63 tỉnh cũ, chỉ có số liệu đến năm 2025.")
    if query.programme is None:
        programme = selectors.default_programme(user)
    else:
        programme = _programme(user, query.programme) if query.programme else None
    source = None
    if query.source:
        source = FundingSource.objects.filter(code=query.source).first()
        if source is None:
            _bad("source", f"Không có nguồn vốn mã “{query.source}”.")
    if query.province:
        province = access_dashboard_province(user, _current_province(query.province).pk)
    elif scope.kind == PROVINCE:
        province = access_dashboard_province(user, scope.province_id)
    else:
        province = None
    filters = Filters(
        programme=programme, year_from=query.year_from, year_to=query.year_to, source=source, units=query.units
    )
    return province, filters


class ValuesQuery(DashboardQuery):
    by: str = Field("", description="Nhóm theo: “” (không), year, area hoặc year,area")


class ValueOut(Schema):
    indicator: str
    year: int | None = Field(description="Năm kế hoạch (khi nhóm theo năm)")
    area: str | None = Field(description="Mã địa bàn (tỉnh, tỉnh cũ hoặc xã, khi nhóm theo địa bàn)")
    planned: Decimal | None = Field(description="Kế hoạch: sản phẩm đầu ra của các đề án đã phê duyệt")
    actual: Decimal | None = Field(description="Thực hiện: theo nguồn và cách tổng hợp của chỉ tiêu")
    female: Decimal | None
    ethnic_minority: Decimal | None


@indicators_router.get("/values", response=list[ValueOut], summary="Giá trị thực hiện của các chỉ tiêu")
def indicator_values(request, query: Query[ValuesQuery]):
    province, filters = _dashboard_scope(request, query)
    parts = [part for part in query.by.split(",") if part]
    if any(part not in ("year", "area") for part in parts):
        _bad("by", "Chỉ nhóm theo year, area hoặc cả hai.")
    area_key = {
        selectors.LEVEL_PROVINCE: "province_id", selectors.LEVEL_LEGACY: "legacy_province_id",
        selectors.LEVEL_COMMUNE: "commune_id",
    }[selectors.area_level(province, filters)]  # fmt: skip
    by = tuple("year" if part == "year" else area_key for part in parts)
    indicators = list(Indicator.objects.filter(is_active=True))
    found = selectors.actuals(FactQuery(user=request.user, province=province, filters=filters), indicators, by=by)
    codes = {indicator.pk: indicator.code for indicator in indicators}
    units = Unit.objects.in_bulk({key[by.index(area_key) + 1] for key in found if area_key in by} - {None})
    rows = []
    for key, value in sorted(found.items(), key=lambda item: tuple(str(part) for part in item[0])):
        named = dict(zip(by, key[1:], strict=True))
        area = units.get(named.get(area_key)) if area_key in named else None
        rows.append(
            ValueOut(
                indicator=codes[key[0]], year=named.get("year"), area=area.code if area else None,
                planned=value.planned, actual=value.actual, female=value.female,
                ethnic_minority=value.ethnic_minority,
            )
        )  # fmt: skip
    return rows


# --- Provincial reports ---------------------------------------------------------------------------------------------


class ReportFilters(PageQuery):
    year: int | None = None
    status: str | None = Field(None, description="draft, submitted hoặc approved")
    province: str | None = Field(None, description="Mã tỉnh hiện nay")


class ReportOut(Schema):
    id: int
    province: str = Field(description="Mã tỉnh")
    province_name: str
    year: int
    half: int = Field(description="0: cả năm, 1: 6 tháng đầu năm, 2: 6 tháng cuối năm")
    status: str = Field(description="draft (đang nhập), submitted (đã gửi Cục), approved (đã duyệt, khóa kỳ)")
    version: int = Field(description="Phiên bản; gửi kèm khi sửa hoặc chuyển bước")
    last_note: str = Field(description="Lý do trả lại / mở khóa gần nhất")
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None

    @staticmethod
    def of(report: ManualReport) -> dict:
        return {
            "id": report.pk, "province": report.province.code, "province_name": report.province.name,
            "year": report.year, "half": report.half, "status": report.status, "version": report.version,
            "last_note": report.last_note, "submitted_at": report.submitted_at, "approved_at": report.approved_at,
        }  # fmt: skip


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ReportOut]


class ValueIn(Schema):
    value: Decimal | None = Field(None, description="Giá trị; trống: không báo cáo chỉ tiêu này")
    female: Decimal | None = Field(None, description="Trong đó nữ (chỉ tiêu tách theo giới)")
    ethnic_minority: Decimal | None = Field(None, description="Trong đó dân tộc thiểu số")
    note: str = Field("", description="Nguồn số liệu, ghi chú")


class ReportValueOut(ValueIn):
    indicator: str


class ReportDetailOut(ReportOut):
    values: list[ReportValueOut]
    indicators: list[str] = Field(description="Các chỉ tiêu của kỳ báo cáo này")
    actions: list[str] = Field(description="Các bước người gọi có thể thực hiện bây giờ")


def _report_detail(user, report: ManualReport) -> ReportDetailOut:
    values = [
        ReportValueOut(
            indicator=value.indicator.code,
            value=value.value,
            female=value.value_female,
            ethnic_minority=value.value_ethnic_minority,
            note=value.note,
        )  # fmt: skip
        for value in report.values.select_related("indicator")
    ]
    return ReportDetailOut(
        **ReportOut.of(report), values=values,
        indicators=[indicator.code for indicator in selectors.report_indicators(report)],
        actions=[step.action for step in services.report_actions(user, report)],
    )  # fmt: skip


@indicators_router.get("/reports", response=ReportPage, summary="Báo cáo số liệu chỉ tiêu của các tỉnh")
def list_reports(request, filters: Query[ReportFilters]):
    if filters.status and filters.status not in ReportStatus.values:
        _bad("status", "Trạng thái phải là draft, submitted hoặc approved.")
    data = {"year": filters.year, "status": filters.status}
    if filters.province:
        data["province"] = _current_province(filters.province)
    count, rows = _page(selectors.report_list(request.user, filters=data), filters)
    return ReportPage(
        count=count, page=filters.page, page_size=filters.page_size, results=[ReportOut.of(r) for r in rows]
    )


class ReportOpenIn(Schema):
    year: int
    half: int = Field(Half.YEAR, description="0: cả năm, 1: 6 tháng đầu năm, 2: 6 tháng cuối năm")
    province: str | None = Field(None, description="Mã tỉnh (chỉ người dùng toàn quốc phải ghi)")


@indicators_router.post("/reports", response=ReportDetailOut, summary="Mở (hoặc lấy) báo cáo của một kỳ")
def open_report(request, payload: ReportOpenIn):
    province_id = _current_province(payload.province).pk if payload.province else None
    report = services.report_open(actor=request.user, year=payload.year, half=payload.half, province_id=province_id)
    return _report_detail(request.user, access_manual_report(request.user, report.pk))


@indicators_router.get("/reports/{report_id}", response=ReportDetailOut, summary="Một báo cáo và số liệu")
def get_report(request, report_id: int):
    return _report_detail(request.user, access_manual_report(request.user, report_id))


class ReportValuesIn(Schema):
    version: int = Field(description="Phiên bản báo cáo người gọi đã xem")
    values: dict[str, ValueIn] = Field(description="Theo mã chỉ tiêu; chỉ tiêu không gửi là không báo cáo")


@indicators_router.put("/reports/{report_id}/values", response=ReportDetailOut, summary="Ghi số liệu của báo cáo")
def set_report_values(request, report_id: int, payload: ReportValuesIn):
    ids = dict(Indicator.objects.filter(code__in=payload.values).values_list("code", "pk"))
    unknown = sorted(set(payload.values) - set(ids))
    if unknown:
        raise ValidationFailed("Có mã chỉ tiêu không hợp lệ.", details={"values": unknown})
    report = services.report_values_set(
        actor=request.user, report_id=report_id, version=payload.version,
        values={ids[code]: value.model_dump() for code, value in payload.values.items()},
    )  # fmt: skip
    return _report_detail(request.user, access_manual_report(request.user, report.pk))


class ReportTransitionIn(Schema):
    action: str = Field(description="submit (Sở gửi Cục), approve (Cục duyệt, khóa kỳ), return, unlock")
    version: int
    reason: str = Field("", description="Lý do (bắt buộc khi trả lại, mở khóa)")


@indicators_router.post("/reports/{report_id}/transitions", response=ReportDetailOut, summary="Chuyển bước báo cáo")
def report_transition(request, report_id: int, payload: ReportTransitionIn):
    report = services.report_transition(
        actor=request.user, report_id=report_id, action=payload.action, version=payload.version,
        reason=payload.reason,
    )  # fmt: skip
    return _report_detail(request.user, access_manual_report(request.user, report.pk))


# --- Dashboard -----------------------------------------------------------------------------------------------------


class KpisOut(Schema):
    projects: int = Field(description="Số đề án đã lập")
    approved_projects: int = Field(description="Số đề án đã phê duyệt")
    state_planned: int = Field(description="Kinh phí nhà nước dự toán của đề án đã duyệt (đồng)")
    disbursed: int = Field(description="Đã giải ngân: tạm ứng + thanh toán − hoàn trả (đồng)")
    settled: int = Field(description="Đã quyết toán (đồng)")
    establishments: int = Field(description="Số cơ sở được hỗ trợ (đề án đã duyệt)")


class ProgressOut(Schema):
    indicator: str
    name: str
    unit: str
    target: Decimal | None
    planned: Decimal | None
    actual: Decimal | None
    percent: Decimal | None = Field(description="Tỷ lệ đạt so với mục tiêu (%)")
    female: Decimal | None
    ethnic_minority: Decimal | None


class FundsOut(Schema):
    year: int = Field(description="Năm kế hoạch")
    source: str
    planned: int
    advanced: int
    paid: int
    refunded: int
    disbursed: int
    settled: int


class CountOut(Schema):
    key: str | None
    label: str
    count: int


class AreaOut(Schema):
    code: str | None = Field(description="Mã địa bàn; trống: đề án nhiều tỉnh")
    key: str | None = Field(description="Khóa đơn vị hành chính")
    name: str
    projects: int
    state_planned: int
    disbursed: int
    settled: int
    establishments: int
    support: int = Field(description="KP nhà nước hỗ trợ cơ sở theo kế hoạch (đồng)")
    indicators: dict[str, Decimal] = Field(description="Kết quả thực hiện theo mã chỉ tiêu")


class DashboardOut(Schema):
    scope: str = Field(description="Mã tỉnh, hoặc “toan-quoc”")
    filters: str = Field(description="Bộ lọc đã áp dụng, bằng lời")
    level: str = Field(description="province, legacy (tỉnh khi thực hiện) hoặc commune")
    kpis: KpisOut
    progress: list[ProgressOut]
    funds: list[FundsOut]
    statuses: list[CountOut]
    contents: list[CountOut]
    areas: list[AreaOut]
    warnings: list[str]


@dashboard_router.get("", response=DashboardOut, summary="Số liệu của bảng điều khiển (toàn quốc hoặc một tỉnh)")
def get_dashboard(request, query: Query[DashboardQuery]):
    province, filters = _dashboard_scope(request, query)
    board = selectors.dashboard(request.user, province=province, filters=filters)
    codes = {row.indicator.pk: row.indicator.code for row in board.progress}
    return DashboardOut(
        scope=province.code if province else "toan-quoc",
        filters=filters.describe(),
        level=board.level,
        kpis=KpisOut(**vars(board.kpis)),
        progress=[
            ProgressOut(
                indicator=row.indicator.code,
                name=row.indicator.name,
                unit=row.indicator.unit,
                target=row.target,
                planned=row.planned,
                actual=row.actual,
                percent=row.percent,
                female=row.female,
                ethnic_minority=row.ethnic_minority,
            )  # fmt: skip
            for row in board.progress
        ],
        funds=[
            FundsOut(
                year=row.year,
                source=row.source.code,
                planned=row.planned,
                advanced=row.advanced,
                paid=row.paid,
                refunded=row.refunded,
                disbursed=row.disbursed,
                settled=row.settled,
            )  # fmt: skip
            for row in board.funds
        ],
        statuses=[CountOut(key=row["status"], label=row["label"], count=row["count"]) for row in board.statuses],
        contents=[
            CountOut(key=row["item"].code if row["item"] else None, label=row["label"], count=row["count"])
            for row in board.contents
        ],
        areas=[
            AreaOut(
                code=area.unit.code if area.unit else None,
                key=area.unit.key if area.unit else None,
                name=area.name,
                projects=area.projects,
                state_planned=area.state_planned,
                disbursed=area.disbursed,
                settled=area.settled,
                establishments=area.establishments,
                support=area.support,
                indicators={codes[pk]: value for pk, value in area.indicators.items()},
            )  # fmt: skip
            for area in board.areas
        ],
        warnings=board.warnings,
    )
