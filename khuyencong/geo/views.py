"""Read-only pages of the administrative units: the tree (today's or as it was on a date), search, one unit
with its history, and the VSIC list. Every signed-in user may read them: they are public reference data."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.errors import DomainError, PermissionDenied, ValidationFailed
from khuyencong.core.pagination import paginate
from khuyencong.geo.forms import ALL_ERAS, ChildFilterForm, IndustryFilterForm, UnitChangeUploadForm, UnitSearchForm
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.geo.overview import era_end_dates, provinces_overview, unit_children
from khuyencong.geo.selectors import (
    browse_date,
    industry_codes,
    regions_of,
    roll_up,
    roll_up_many,
    search_units,
    successions_from,
    successions_into,
    unit_by_key,
)
from khuyencong.geo.services import may_manage_units, unit_changes_apply
from khuyencong.geo.uploads import change_file_path, store_change_file

PROVINCES_PER_PAGE = 70  # the 63 provinces before 2025 on one page


def _valid_filters(form) -> dict:
    """The fields that passed validation: a mistyped date must not throw away the search text."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _tree_url(day=None) -> str:
    url = reverse("geo:index")
    return f"{url}?{urlencode({'ngay': date_format(day, 'SHORT_DATE_FORMAT')})}" if day else url


def _era_links(selected, today) -> list[dict]:
    """Today's tree, then each earlier tree by its last day."""
    links = [{"label": _("Hiện hành"), "url": _tree_url(), "active": selected == today}]
    for day in era_end_dates():
        label = _("Đến %(day)s") % {"day": date_format(day, "SHORT_DATE_FORMAT")}
        links.append({"label": label, "url": _tree_url(day), "active": selected == day})
    return links


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    filters = _valid_filters(form)
    today = timezone.localdate()
    as_of = filters.get("ngay") or today
    context = {
        "form": form,
        "as_of": as_of,
        "today": today,
        "eras": _era_links(as_of, today),
        "may_manage": may_manage_units(request.user),
    }
    query = filters.get("q", "")
    if query:
        results = search_units(
            query,
            level=filters.get("cap") or None,
            current_only=filters.get("pham_vi") != ALL_ERAS,
            as_of=as_of,
        )
        page = paginate(request, results)
        rolled = roll_up_many(page.object_list)
        context.update(
            page=page,
            rows=[(unit, rolled[unit.pk] if rolled[unit.pk].pk != unit.pk else None) for unit in page.object_list],
            breadcrumbs=[(_("Đơn vị hành chính"), reverse("geo:index")), (_("Tìm kiếm"), None)],
        )
        return render(request, "geo/search.html", context)
    page = paginate(request, provinces_overview(as_of), per_page=PROVINCES_PER_PAGE)
    context.update(page=page, breadcrumbs=[(_("Đơn vị hành chính"), None)])
    return render(request, "geo/index.html", context)


def _breadcrumbs(unit: Unit) -> list[tuple[str, str | None]]:
    """Units page → (earlier tree) → province → district → the unit."""
    today = timezone.localdate()
    crumbs: list[tuple[str, str | None]] = [(_("Đơn vị hành chính"), reverse("geo:index"))]
    if not unit.valid_on(today):
        day = browse_date(unit)
        crumbs.append((_("Đến %(day)s") % {"day": date_format(day, "SHORT_DATE_FORMAT")}, _tree_url(day)))
    ancestors = []
    parent = unit.parent
    while parent is not None:
        ancestors.append(parent)
        parent = parent.parent if parent.parent_id else None
    crumbs += [(str(ancestor), reverse("geo:unit", args=[ancestor.key])) for ancestor in reversed(ancestors)]
    crumbs.append((str(unit), None))
    return crumbs


@login_required
def unit_detail(request: HttpRequest, key: str) -> HttpResponse:
    unit = unit_by_key(key)
    today = timezone.localdate()
    child_form = ChildFilterForm(request.GET or None)
    child_query = _valid_filters(child_form).get("q", "")
    has_children = unit.level != UnitLevel.COMMUNE
    rolled = roll_up(unit)
    context = {
        "unit": unit,
        "today": today,
        "rolled_up": rolled if rolled.pk != unit.pk else None,
        "regions": regions_of(unit),
        "predecessors": successions_into(unit),
        "successors": successions_from(unit),
        "child_form": child_form,
        "children_date": browse_date(unit),
        "page": paginate(request, unit_children(unit, query=child_query)) if has_children else None,
        "breadcrumbs": _breadcrumbs(unit),
    }
    # Districts are listed with their commune counts, communes with where they came from or went.
    context["districts"] = has_children and any(child.level == UnitLevel.DISTRICT for child in context["page"])
    return render(request, "geo/unit_detail.html", context)


@login_required
def industry_list(request: HttpRequest) -> HttpResponse:
    form = IndustryFilterForm(request.GET or None)
    filters = _valid_filters(form)
    codes = industry_codes(level=filters.get("cap"), parent=filters.get("cha") or None, query=filters.get("q"))
    context = {
        "form": form,
        "page": paginate(request, codes, per_page=50),
        "breadcrumbs": [(_("Đơn vị hành chính"), reverse("geo:index")), (_("Ngành kinh tế (VSIC 2018)"), None)],
    }
    return render(request, "geo/industry_list.html", context)


# --- Applying an official change file (reference managers) --------------------------------------------------

CHANGE_TOKEN_SALT = "khuyencong.geo.unit-changes"
CHANGE_TOKEN_MAX_AGE = 24 * 3600  # a checked file must be applied the same day, or checked again


def _change_breadcrumbs() -> list[tuple[str, str | None]]:
    return [(_("Đơn vị hành chính"), reverse("geo:index")), (_("Cập nhật theo văn bản mới"), None)]


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """Upload a change file and see what it would do (a dry run); nothing is written here."""
    if not may_manage_units(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống cấp trung ương được cập nhật danh mục đơn vị hành chính."))
    form = UnitChangeUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "breadcrumbs": _change_breadcrumbs()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stored = store_change_file(data["file"])
        try:
            result = unit_changes_apply(
                actor=request.user,
                path=change_file_path(stored),
                effective=data["effective"],
                source_name=data["file"].name,
                citation=data["citation"],
                dry_run=True,
            )
        except ValidationFailed as error:
            context["error"] = error
        else:
            context["plan"] = result.plan
            context["token"] = signing.dumps(
                {
                    "file": stored,
                    "name": data["file"].name,
                    "effective": data["effective"].isoformat(),
                    "citation": data["citation"],
                },
                salt=CHANGE_TOKEN_SALT,
            )
    return render(request, "geo/changes.html", context)


@login_required
@require_POST
def changes_apply(request: HttpRequest) -> HttpResponse:
    """Apply the file checked on the previous page, exactly as it was checked (signed token)."""
    if not may_manage_units(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống cấp trung ương được cập nhật danh mục đơn vị hành chính."))
    try:
        checked = signing.loads(request.POST.get("token", ""), salt=CHANGE_TOKEN_SALT, max_age=CHANGE_TOKEN_MAX_AGE)
        effective = dt.date.fromisoformat(checked["effective"])
        result = unit_changes_apply(
            actor=request.user,
            path=change_file_path(checked["file"]),
            effective=effective,
            source_name=checked["name"],
            citation=checked["citation"],
        )
    except (signing.BadSignature, KeyError, ValueError):
        messages.error(request, _("Phiên kiểm tra tệp đã hết hạn hoặc không hợp lệ. Hãy tải tệp lên và kiểm tra lại."))
        return redirect("geo:changes")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("geo:changes")
    day = date_format(effective, "SHORT_DATE_FORMAT")
    if result.already_applied:
        messages.info(request, _("Tệp %(name)s đã được áp dụng trước đây: không có gì thay đổi.") % checked)
    else:
        messages.success(
            request,
            _(
                "Đã áp dụng %(changes)s thay đổi có hiệu lực từ %(day)s: tạo %(created)s đơn vị, "
                "kết thúc %(ended)s đơn vị, %(links)s liên kết kế thừa."
            )
            % {
                "changes": len(result.plan.changes),
                "day": day,
                "created": result.created,
                "ended": result.ended,
                "links": result.links,
            },
        )
    return redirect(_tree_url())
