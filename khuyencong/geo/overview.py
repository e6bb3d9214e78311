"""Reads behind the administrative-unit pages and API lists: the province overview with its counts, the
dates earlier trees ended, and filtered child lists. Built on `selectors`; public reference data, so no
scope filter, but every list is one bounded query (counts as subqueries, links prefetched).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Collate

from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Region, Unit, UnitLevel, UnitSuccession
from khuyencong.geo.names import clean
from khuyencong.geo.selectors import browse_date, unit_tree_children, units_valid_on


def _count_below(level: str, as_of: dt.date, link: str) -> Subquery:
    """COUNT of units of `level` below the outer unit (through `link`: "province" or "parent") on `as_of`."""
    counted = (
        units_valid_on(as_of)
        .filter(level=level, **{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_links(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Prefetch where each unit came from and went to (two queries for the whole page)."""
    return units.prefetch_related(
        Prefetch(
            "succession_in",
            queryset=UnitSuccession.objects.select_related("predecessor").order_by(Collate("predecessor__name", "vi")),
        ),
        Prefetch(
            "succession_out",
            queryset=UnitSuccession.objects.select_related("successor").order_by("-is_primary", "successor__code"),
        ),
    )


def provinces_overview(as_of: dt.date) -> QuerySet[Unit]:
    """The provinces that existed on `as_of`, in Vietnamese order, with how many districts and communes
    they had that day and the provinces they came from or went into."""
    provinces = (
        units_valid_on(as_of)
        .filter(level=UnitLevel.PROVINCE)
        .annotate(
            district_count=_count_below(UnitLevel.DISTRICT, as_of, "province"),
            commune_count=_count_below(UnitLevel.COMMUNE, as_of, "province"),
        )
        .order_by(Collate("name", "vi"), "code")
    )
    return _with_links(provinces)


def era_end_dates() -> list[dt.date]:
    """The last days of earlier trees (30/06/2025 for the 63 provinces, then one per later change file),
    newest first: the pages offer each as a way to browse the units "as they were"."""
    ended = Unit.objects.filter(valid_to__isnull=False).order_by("-valid_to").values_list("valid_to", flat=True)
    return list(ended.distinct())


def unit_children(unit: Unit, *, query: str = "") -> QuerySet[Unit]:
    """The children of `unit` on its browse date, optionally narrowed by a name fragment (diacritics and
    case ignored) or a code prefix, with their own child counts and links."""
    as_of = browse_date(unit)
    children = unit_tree_children(unit, as_of=as_of).annotate(
        child_count=_count_below(UnitLevel.COMMUNE, as_of, "parent")
    )
    text = clean(query)
    if text:
        children = children.filter(Q(name_folded__contains=fold_vi(text)) | Q(code__startswith=text))
    return _with_links(children)


def units_list(
    *, level: str | None = None, parent: Unit | None = None, as_of: dt.date | None = None, current_only: bool = True
) -> QuerySet[Unit]:
    """Units by level and parent for the API: those that existed on `as_of` (default today), or every
    generation with `current_only=False`; ordered by level and code."""
    units = units_valid_on(as_of) if current_only else Unit.objects.all()
    if level:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent=parent)
    level_rank = Case(
        *[When(level=value, then=Value(rank)) for rank, value in enumerate(UnitLevel.values)],
        output_field=IntegerField(),
    )
    return units.select_related("parent", "province").order_by(level_rank, "code", "key")


def regions_list(*, scheme: str | None = None, as_of: dt.date | None = None) -> QuerySet[Region]:
    """The regions (of one scheme or both) with their provinces that existed on `as_of` (default today)
    prefetched in code order: two queries."""
    provinces = units_valid_on(as_of).filter(level=UnitLevel.PROVINCE).order_by("code")
    regions = Region.objects.prefetch_related(Prefetch("provinces", queryset=provinces)).order_by("scheme", "code")
    return regions.filter(scheme=scheme) if scheme else regions
