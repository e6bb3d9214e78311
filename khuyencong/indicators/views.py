"""Pages of the dashboards, the indicator catalogue, targets and provincial reports. Thin: figures come from
selectors.py (the fact table), writes from services.py; every scoped object is loaded through accounts/access.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.access import (
    PROVINCE,
    access_dashboard_province,
    access_manual_report,
    access_programme,
    user_scope,
)
from khuyencong.accounts.roles import can
from khuyencong.core.errors import DomainError, NotFound, PermissionDenied
from khuyencong.core.forms import apply_domain_error
from khuyencong.core.pagination import paginate
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.imports.workbooks import send_workbook
from khuyencong.indicators import exports, forms, selectors, services
from khuyencong.indicators.models import Indicator, IndicatorKind
from khuyencong.indicators.selectors import FactQuery, to_million
from khuyencong.programmes.selectors import may_manage_programme


def _require_view(request) -> None:
    if not can(request.user, "indicators.view"):
        raise PermissionDenied(_("Bạn không có quyền xem bảng điều khiển và chỉ tiêu."))


def _float(value) -> float | None:
    return None if value is None else float(value)


# --- Dashboards ------------------------------------------------------------------------------------------------


def _map_payload(board: selectors.Dashboard) -> dict:
    """What the map draws: one symbol per area at its centre, each metric's value, where a click leads."""
    indicators = {row.indicator.pk: row.indicator for row in board.progress}
    shown = [pk for pk in indicators if any(pk in area.indicators for area in board.areas)]
    if board.level == selectors.LEVEL_COMMUNE:
        metrics = [
            ("establishments", _("Cơ sở được hỗ trợ"), _("cơ sở")),
            ("projects", _("Đề án"), _("đề án")),
            ("support", _("KP nhà nước hỗ trợ cơ sở"), _("triệu đồng")),
        ]
    else:
        metrics = [
            ("state_planned", _("Kinh phí nhà nước dự toán"), _("triệu đồng")),
            ("disbursed", _("Đã giải ngân"), _("triệu đồng")),
            ("projects", _("Đề án đã phê duyệt"), _("đề án")),
            ("establishments", _("Cơ sở được hỗ trợ"), _("cơ sở")),
        ] + [(f"ind{pk}", _("Đạt: %(name)s") % {"name": indicators[pk].name}, indicators[pk].unit) for pk in shown]
    money = {"state_planned", "disbursed", "support"}
    areas = []
    for area in board.areas:
        if area.unit is None or area.unit.lat is None:
            continue
        values = {key: float(to_million(getattr(area, key))) if key in money else getattr(area, key, None)
                  for key, _label, _unit in metrics if not key.startswith("ind")}  # fmt: skip
        values.update({f"ind{pk}": _float(value) for pk, value in area.indicators.items()})
        areas.append(
            {"name": area.name, "code": area.unit.code, "lat": area.unit.lat, "lon": area.unit.lon, "url": area.url,
             "values": values}
        )  # fmt: skip
    return {
        "outline": static("map/vietnam-outline.geojson"),
        "level": board.level,
        "metrics": [{"key": key, "label": str(label), "unit": str(unit)} for key, label, unit in metrics],
        "areas": areas,
    }


def chart_payload(board: selectors.Dashboard) -> dict:
    """The charts' data for static/indicators/dashboard.js (a JSON data island: no inline script)."""
    # Against the targets when the page has some; otherwise (a province without its own targets) against what
    # the approved projects planned.
    basis = "target" if any(row.target for row in board.progress) else "planned"
    compared = [row for row in board.progress if (row.target if basis == "target" else row.planned)]
    years = sorted({row.year for row in board.funds})
    series = {
        "state": (_("Dự toán KP nhà nước"), lambda r: r.planned if r.source.is_state_budget else 0),
        "other": (_("Dự toán vốn đối ứng, nguồn khác"), lambda r: 0 if r.source.is_state_budget else r.planned),
        "disbursed": (_("Đã giải ngân"), lambda r: r.disbursed),
        "settled": (_("Quyết toán"), lambda r: r.settled),
    }
    funds = []
    for label, pick in series.values():
        data = [float(to_million(sum(pick(r) for r in board.funds if r.year == year))) for year in years]
        if any(data):
            funds.append({"name": str(label), "data": data})
    return {
        "progress": {
            "basis": basis,
            "labels": [row.indicator.name for row in compared],
            "units": [row.indicator.unit for row in compared],
            "percent": [_float(row.percent if basis == "target" else row.planned_percent) or 0.0 for row in compared],
            "actual": [_float(row.actual or Decimal(0)) for row in compared],
            "reference": [_float(row.target if basis == "target" else row.planned) for row in compared],
        },
        "funds": {"years": [str(year) for year in years], "series": funds},
        "statuses": [{"name": row["label"], "value": row["count"]} for row in board.statuses],
        "contents": [{"name": row["label"], "value": row["count"]} for row in board.contents],
        "map": _map_payload(board),
    }


def _scope_label(province: Unit | None) -> str:
    return str(province) if province else _("toàn quốc")


def _dashboard_crumbs(user, province: Unit | None, *extra) -> list:
    """National users go back up to the country; a province's staff start at their province."""
    crumbs = []
    if province is None or user_scope(user).is_national:
        crumbs.append((_("Bảng điều khiển"), reverse("dashboards:national") if province else None))
    if province is not None:
        url = reverse("dashboards:province", kwargs={"province_id": province.pk})
        crumbs.append((_("Bảng điều khiển %(p)s") % {"p": province} if not crumbs else str(province),
                       url if extra else None))  # fmt: skip
    return crumbs + list(extra)


def _query_with(request: HttpRequest, filters: selectors.Filters, **changes) -> str:
    """The page's query string with some parameters changed (a bare page's default programme made explicit)."""
    query = request.GET.copy()
    query.pop("page", None)
    if "programme" not in query:
        query["programme"] = filters.programme.pk if filters.programme else ""
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


def _render_dashboard(request: HttpRequest, province: Unit | None) -> HttpResponse:
    form = forms.DashboardFilterForm(request.GET, user=request.user)
    filters = form.filters()
    board = selectors.dashboard(request.user, province=province, filters=filters)
    query = _query_with(request, filters)
    if province is None:
        export_base = reverse("dashboards:export", kwargs={"chart": "CHART"})
    else:
        export_base = reverse("dashboards:province_export", kwargs={"province_id": province.pk, "chart": "CHART"})
    exports_links = {key.replace("-", "_"): f"{export_base.replace('CHART', key)}?{query}" for key in exports.CHARTS}
    return render(
        request,
        "indicators/dashboard.html",
        {
            "form": form,
            "board": board,
            "outputs": [row for row in board.progress if row.indicator.kind == IndicatorKind.OUTPUT],
            "outcomes": [row for row in board.progress if row.indicator.kind == IndicatorKind.OUTCOME],
            "chart_data": chart_payload(board),
            "exports": exports_links,
            "scope_label": _scope_label(province),
            "query": query,
            "units_now_query": _query_with(request, filters, units=selectors.UNITS_NOW),
            "units_then_query": _query_with(request, filters, units=selectors.UNITS_THEN),
            "breadcrumbs": _dashboard_crumbs(request.user, province),
        },
    )


@login_required
def national_dashboard(request: HttpRequest) -> HttpResponse:
    """The country's dashboard; a province's staff are taken to their province's (the only one they see)."""
    _require_view(request)
    scope = user_scope(request.user)
    if scope.kind == PROVINCE:
        url = reverse("dashboards:province", kwargs={"province_id": scope.province_id})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    if not scope.is_national:
        raise PermissionDenied(_("Bảng điều khiển dành cho cơ quan quản lý."))
    return _render_dashboard(request, None)


@login_required
def province_dashboard(request: HttpRequest, province_id: int) -> HttpResponse:
    return _render_dashboard(request, access_dashboard_province(request.user, province_id))


def _export(request: HttpRequest, province: Unit | None, chart: str) -> HttpResponse:
    if chart not in exports.CHARTS:
        raise Http404
    form = forms.DashboardFilterForm(request.GET, user=request.user)
    query = FactQuery(user=request.user, province=province, filters=form.filters())
    name = f"{chart}-{province.code if province else 'toan-quoc'}.xlsx"
    return send_workbook(lambda path: exports.write_chart(query, chart, path, scope_label=_scope_label(province)), name)


@login_required
def national_export(request: HttpRequest, chart: str) -> HttpResponse:
    _require_view(request)
    scope = user_scope(request.user)
    if scope.kind == PROVINCE:
        url = reverse("dashboards:province_export", kwargs={"province_id": scope.province_id, "chart": chart})
        return redirect(f"{url}?{request.GET.urlencode()}")
    if not scope.is_national:
        raise PermissionDenied(_("Bảng điều khiển dành cho cơ quan quản lý."))
    return _export(request, None, chart)


@login_required
def province_export(request: HttpRequest, province_id: int, chart: str) -> HttpResponse:
    return _export(request, access_dashboard_province(request.user, province_id), chart)


@login_required
def commune_support(request: HttpRequest, province_id: int, commune_id: int) -> HttpResponse:
    """The drill-down below a province: who in this commune was supported, by which project."""
    province = access_dashboard_province(request.user, province_id)
    commune = Unit.objects.filter(pk=commune_id, province=province, level=UnitLevel.COMMUNE).first()
    if commune is None:
        raise NotFound(_("Không tìm thấy xã/phường trong tỉnh này."))
    form = forms.DashboardFilterForm(request.GET, user=request.user)
    rows = selectors.commune_support(request.user, province=province, commune=commune, filters=form.filters())
    query = request.GET.urlencode()
    province_url = reverse("dashboards:province", kwargs={"province_id": province.pk})
    return render(
        request,
        "indicators/commune_support.html",
        {
            "province": province,
            "commune": commune,
            "page": paginate(request, rows),
            "filters_text": form.filters().describe(),
            "back": f"{province_url}?{query}" if query else province_url,
            "breadcrumbs": _dashboard_crumbs(request.user, province, (str(commune), None)),
        },
    )


# --- Catalogue and targets ----------------------------------------------------------------------------------------


def _indicator_crumbs(*extra):
    return [(_("Chỉ tiêu"), reverse("indicators:catalogue")), *extra]


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    indicators = list(Indicator.objects.all())
    return render(
        request,
        "indicators/catalogue.html",
        {
            "groups": [
                (_("Chỉ tiêu đầu ra"), [i for i in indicators if i.kind == IndicatorKind.OUTPUT]),
                (_("Chỉ tiêu kết quả, tác động"), [i for i in indicators if i.kind == IndicatorKind.OUTCOME]),
            ],
            "may_edit": can(request.user, "reference.manage"),
            "breadcrumbs": [(_("Chỉ tiêu"), None)],
        },
    )


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Targets of one programme: the programme-wide target against the sum of the provinces' (with a warning
    when they add up to more), the list of targets, and the form to set one for those who manage it."""
    _require_view(request)
    scope = user_scope(request.user)
    national = scope.is_national
    source = request.POST if request.method == "POST" else request.GET
    filter_form = forms.TargetFilterForm(source, user=request.user, national=national)
    programme = filter_form.programme
    if programme is None:
        raise NotFound(_("Chưa có chương trình nào."))
    manage = can(request.user, "programme.manage") and may_manage_programme(request.user, programme)
    form = forms.TargetForm(request.POST if request.method == "POST" else None, programme=programme)
    if request.method == "POST":
        access_programme(request.user, programme.pk, write=True)
        if not manage:
            raise PermissionDenied(_("Bạn không có quyền giao mục tiêu của chương trình này."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.target_set(
                    actor=request.user, programme_id=programme.pk, indicator_id=data["indicator"].pk,
                    target_value=data["target_value"], unit_id=data["unit"].pk if data.get("unit") else None,
                    year=data["year"], note=data["note"], citation=data["citation"],
                )  # fmt: skip
            except DomainError as exc:
                apply_domain_error(form, exc)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã lưu mục tiêu.") if result.target else _("Đã bỏ mục tiêu."))
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect(f"{reverse('indicators:targets')}?{urlencode({'programme': programme.pk})}")
        else:
            messages.error(request, _("Mục tiêu chưa hợp lệ: xem các ô được đánh dấu."))
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    year = filters.get("year") or None
    summary_year = year if isinstance(year, int) else None
    rows = selectors.target_list(
        request.user, programme=programme, indicator=filters.get("indicator"), year=year,
        province=filters.get("province"),
    )  # fmt: skip
    return render(
        request,
        "indicators/targets.html",
        {
            "filter_form": filter_form,
            "programme": programme,
            "summary": selectors.target_summary(request.user, programme, year=summary_year),
            "summary_year": summary_year,
            "warnings": selectors.target_warnings(
                programme, province=None if national else Unit.objects.get(pk=scope.province_id)
            ),
            "page": paginate(request, rows),
            "form": form if manage else None,
            "breadcrumbs": _indicator_crumbs((_("Mục tiêu"), None)),
        },
    )


# --- Provincial reports ----------------------------------------------------------------------------------------


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    national = user_scope(request.user).is_national
    may_open = can(request.user, "indicators.enter")
    open_form = forms.ReportOpenForm(request.POST or None, national=national) if may_open else None
    if request.method == "POST":
        if open_form is None:
            raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu."))
        if open_form.is_valid():
            data = open_form.cleaned_data
            try:
                report = services.report_open(
                    actor=request.user, year=data["year"], half=data["half"],
                    province_id=data["province"].pk if data.get("province") else None,
                )  # fmt: skip
            except DomainError as exc:
                apply_domain_error(open_form, exc)
                messages.error(request, exc.message)
            else:
                return redirect("indicators:report", report_id=report.pk)
    filter_form = forms.ReportFilterForm(request.GET or None, national=national)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    return render(
        request,
        "indicators/report_list.html",
        {
            "filter_form": filter_form,
            "open_form": open_form,
            "page": paginate(request, selectors.report_list(request.user, filters=filters)),
            "awaiting": selectors.awaiting_reports(request.user)[:20],
            "breadcrumbs": _indicator_crumbs((_("Số liệu tỉnh báo cáo"), None)),
        },
    )


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_manual_report(request.user, report_id)
    indicators = list(selectors.report_indicators(report))
    editable = (
        report.is_editable
        and can(request.user, "indicators.enter")
        and user_scope(request.user).covers_province(report.province_id)
    )
    form = forms.ReportValuesForm(
        request.POST if request.method == "POST" else None, report=report, indicators=indicators
    )
    if request.method == "POST":
        if not editable:
            access_manual_report(request.user, report_id, write=True)
            raise PermissionDenied(_("Báo cáo này không sửa được (đã gửi hoặc đã khóa)."))
        if form.is_valid():
            try:
                services.report_values_set(
                    actor=request.user, report_id=report.pk, version=request.POST.get("version"), values=form.values()
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã lưu số liệu."))
                return redirect("indicators:report", report_id=report.pk)
        else:
            messages.error(request, _("Số liệu chưa hợp lệ: xem các ô được đánh dấu."))
    return render(
        request,
        "indicators/report_detail.html",
        {
            "report": report,
            "form": form,
            "editable": editable,
            "values": list(report.values.select_related("indicator")),
            "actions": services.report_actions(request.user, report),
            "breadcrumbs": _indicator_crumbs(
                (_("Số liệu tỉnh báo cáo"), reverse("indicators:reports")), (str(report), None)
            ),
        },
    )


@login_required
@require_POST
def report_transition(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = access_manual_report(request.user, report_id)
    if action not in {step.action for step in services.REPORT_STEPS}:
        raise Http404
    try:
        services.report_transition(
            actor=request.user, report_id=report.pk, action=action, version=request.POST.get("version"),
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cập nhật báo cáo."))
    return redirect("indicators:report", report_id=report.pk)
