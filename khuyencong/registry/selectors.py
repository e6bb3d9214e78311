"""Every read of the registry, always given the user and filtered to the user's scope in the database.

The list is built for national scale (300,000 establishments): every filter is on an indexed column or an
EXISTS over an indexed table, search looks in one folded column through a trigram index (GIN on PostgreSQL,
FTS5 on SQLite: search.py), and the Vietnamese sort order comes from the database collation "vi" (indexed on
PostgreSQL; SQLite sorts by the stored key name_sort).
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Collate
from django.utils import timezone

from khuyencong.accounts.access import (
    NATIONAL,
    PROVINCE,
    ScopedLoader,
    access_establishment,
    scope_queryset,
    user_scope,
)
from khuyencong.accounts.roles import can
from khuyencong.audit.models import AuditEvent
from khuyencong.core.compiled import CompiledQuery
from khuyencong.geo.models import IndustryCode, Unit, UnitLevel
from khuyencong.registry.models import (
    Certification,
    Establishment,
    EstablishmentStatus,
    Product,
    ProductPhoto,
    SizeClass,
)
from khuyencong.registry.search import search
from khuyencong.registry.support import supported_condition

FILTERS = (
    "q",
    "province",
    "commune",
    "legal_form",
    "size_class",
    "sector",
    "certified",
    "supported",
    "status",
    "batch",
)
UNKNOWN_SIZE = "unknown"


def valid_certifications(on=None) -> QuerySet[Certification]:
    day = on or timezone.localdate()
    return Certification.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def _certified() -> Exists:
    return Exists(valid_certifications().filter(establishment=OuterRef("pk")))


def _in_sector(industry: IndustryCode) -> Exists:
    through = Establishment.industries.through.objects.filter(establishment=OuterRef("pk"))
    if industry.level == 1:
        return Exists(through.filter(industrycode__parent=industry))
    return Exists(through.filter(industrycode=industry))


def establishments_for(user, *, filters: dict | None = None) -> QuerySet[Establishment]:
    """The establishments the user may see, filtered, in Vietnamese order of name.

    `filters` (all optional): q (search ignoring case and diacritics in names, other names, tax code and
    registration number), province, commune (Unit or id), legal_form, size_class ("unknown" for none yet),
    sector (IndustryCode of level 1 or 2), certified / supported ("yes"/"no"), status (default: every status
    except merged; "all" for every one), batch (ImportBatch id).
    """
    filters = filters or {}
    establishments = _listed(user)
    status = filters.get("status") or ""
    if status == "all":
        pass
    elif status in EstablishmentStatus.values:
        establishments = establishments.filter(status=status)
    else:
        establishments = establishments.exclude(status=EstablishmentStatus.MERGED)
    establishments = search(establishments, filters.get("q") or "")
    if filters.get("province"):
        establishments = establishments.filter(province=filters["province"])
    if filters.get("commune"):
        establishments = establishments.filter(commune=filters["commune"])
    if filters.get("legal_form"):
        establishments = establishments.filter(legal_form=filters["legal_form"])
    size = filters.get("size_class")
    if size == UNKNOWN_SIZE:
        establishments = establishments.filter(size_class="")
    elif size in SizeClass.values:
        establishments = establishments.filter(size_class=size)
    if filters.get("sector"):
        establishments = establishments.filter(_in_sector(filters["sector"]))
    if filters.get("certified") in ("yes", "no"):
        condition = _certified()
        establishments = establishments.filter(condition if filters["certified"] == "yes" else ~condition)
    if filters.get("supported") in ("yes", "no"):
        condition = supported_condition()
        establishments = establishments.filter(condition if filters["supported"] == "yes" else ~condition)
    if filters.get("batch"):
        establishments = establishments.filter(import_batch_id=filters["batch"])
    return establishments.annotate(is_certified=_certified()).order_by(*_vietnamese_order())


def establishment_rows(user, ids, *, certified: bool = True) -> QuerySet[Establishment]:
    """The list's rows for `ids` (one page's keys from `establishments_for`), with what the list and the API
    show, in scope; `certified`: whether each has a valid certificate (the list's badge; the API has none).

    The list reads a page in two steps (core.pagination, ids_first): the keys through every filter, then these
    rows by key alone, so that the database looks up 25 rows instead of re-running the search to find them.
    """
    rows = _listed(user).filter(pk__in=ids).defer(*_unread_columns(legacy_commune=False))
    return rows.annotate(is_certified=_certified()) if certified else rows


def _listed(user) -> QuerySet[Establishment]:
    return scope_queryset(
        user,
        Establishment.objects.select_related("province", "commune", "main_industry"),
        province="province_id",
        establishment="pk",
    )


def _vietnamese_order() -> tuple:
    """PostgreSQL: the ICU collation "vi", served by an index. SQLite: its "vi" collation is a Python function
    (300,000 calls per sort), so the list sorts by the stored sort key `name_sort` (same order; every writer
    sets it, migration 0005 filled the older rows) then id, the order of the index of migration 0007. The key
    ends with the cleaned name itself, so equal keys are equal names and the id alone breaks their ties."""
    if connection.vendor == "postgresql":
        return (Collate("name", "vi"), "pk")
    return ("name_sort", "pk")


# What pages and the API show of a related unit: its name, code and kind (which writes "Xã …" and decides
# eligibility). A unit row has 13 columns.
UNIT_SHOWN = ("code", "name", "unit_type")


def _columns_except(relation: str, model, shown: tuple[str, ...]) -> list[str]:
    """`relation`'s columns that are not shown, to defer."""
    return [
        f"{relation}__{field.name}"
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in shown
    ]


@lru_cache(maxsize=2)
def _unread_columns(*, legacy_commune: bool) -> tuple[str, ...]:
    """What the list rows, the establishment page and the API leave unread: the derived search and sort columns
    and the columns of related rows that are not shown. Built once: the models do not change while a process
    runs. `legacy_commune`: the page's old commune and its district, as written before the 2025 reform."""
    legacy = (
        (*_columns_except("legacy_commune", Unit, (*UNIT_SHOWN, "parent")),
         *_columns_except("legacy_commune__parent", Unit, UNIT_SHOWN))
        if legacy_commune
        else ()
    )  # fmt: skip
    return (
        "name_folded",
        "search_folded",
        "name_sort",
        *_columns_except("province", Unit, UNIT_SHOWN),
        *_columns_except("commune", Unit, UNIT_SHOWN),
        *_columns_except("main_industry", IndustryCode, ("code", "name")),
        *legacy,
    )


def _page_rows() -> QuerySet[Establishment]:
    return Establishment.objects.select_related("province", "commune", "legacy_commune__parent", "main_industry").defer(
        *_unread_columns(legacy_commune=True)
    )


_PAGE = ScopedLoader(_page_rows, province="province_id", establishment="pk")


def _industries_of(pk: int) -> QuerySet[IndustryCode]:
    chosen = Establishment.industries.through.objects.filter(establishment_id=pk).values("industrycode_id")
    return IndustryCode.objects.filter(pk__in=chosen).only("code", "name")


_INDUSTRIES = CompiledQuery(_industries_of, int)


def establishment_detail(user, establishment_id) -> Establishment:
    """One establishment with what its page and the API show, loaded through the scope filter in one query
    (plus one for its industries, kept where a prefetch keeps them). `merged_into` is read only for a merged
    record, which names its survivor."""
    establishment = access_establishment(user, establishment_id, loader=_PAGE)
    industries = establishment.industries.all()
    industries._result_cache, industries._prefetch_done = _INDUSTRIES(establishment.pk), True
    establishment.__dict__.setdefault("_prefetched_objects_cache", {})["industries"] = industries
    return establishment


def figures_of(establishment: Establishment):
    return establishment.figures.order_by("-year")


def products_of(establishment: Establishment):
    return establishment.products.order_by(Collate("name", "vi"), "pk").prefetch_related(
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("uploaded_at", "pk"))
    )


def certifications_of(establishment: Establishment):
    return establishment.certifications.select_related("product").order_by("-decision_date", "-pk")


def product_choices(establishment: Establishment) -> QuerySet[Product]:
    return establishment.products.order_by(Collate("name", "vi"), "pk")


def history_of(establishment: Establishment) -> QuerySet[AuditEvent]:
    """The audit events of the establishment and its parts (figures, products, certificates)."""
    return AuditEvent.objects.filter(object_type="registry.establishment", object_id=str(establishment.pk)).order_by(
        "-at", "-id"
    )


def _same_name_rows(commune_id: int, name_key: str, pk: int) -> QuerySet[Establishment]:
    """Other unmerged records with this name key in this commune, in list order (served by the index on commune
    and name key); not yet scoped."""
    return (
        Establishment.objects.exclude(status=EstablishmentStatus.MERGED)
        .filter(commune_id=commune_id, name_key=name_key)
        .exclude(pk=pk)
        .order_by(*_vietnamese_order())
    )


def _same_name(user, establishment: Establishment) -> QuerySet[Establishment]:
    """Other unmerged records with the same name (legal-form words aside) in the same commune, within scope."""
    if establishment.commune_id is None:
        return Establishment.objects.none()
    rows = _same_name_rows(establishment.commune_id, establishment.name_key, establishment.pk)
    return scope_queryset(user, rows, province="province_id", establishment="pk")


SIMILAR_SHOWN = 10
_SIMILAR_FIELDS = ("name", "tax_code", "status")

# The establishment page asks this for every record (compiled: see core/compiled.py).
_SIMILAR = CompiledQuery(
    lambda commune_id, name_key, pk: _same_name_rows(commune_id, name_key, pk).only(*_SIMILAR_FIELDS)[:SIMILAR_SHOWN],
    int, str, int,
)  # fmt: skip
_SIMILAR_IN_PROVINCE = CompiledQuery(
    lambda commune_id, name_key, pk, province: _same_name_rows(commune_id, name_key, pk)
    .filter(province_id=province)
    .only(*_SIMILAR_FIELDS)[:SIMILAR_SHOWN],
    int, str, int, int,
)  # fmt: skip


def similar_in_scope(user, establishment: Establishment) -> list[Establishment]:
    """The possible duplicates the establishment page lists (the first SIMILAR_SHOWN, in list order): their
    name, tax code and status only; the same rows as `_same_name` within the user's scope."""
    if establishment.commune_id is None:
        return []
    scope = user_scope(user)
    values = (establishment.commune_id, establishment.name_key, establishment.pk)
    if scope.kind == NATIONAL:
        return _SIMILAR(*values)
    if scope.kind == PROVINCE and scope.province_id is not None:
        return _SIMILAR_IN_PROVINCE(*values, scope.province_id)
    return list(_same_name(user, establishment).only(*_SIMILAR_FIELDS)[:SIMILAR_SHOWN])


def merge_candidates(user, establishment: Establishment, query: str = "") -> QuerySet[Establishment]:
    """Records the user could merge into `establishment`: its similar ones, or a search in its province."""
    if query:
        return establishments_for(user, filters={"q": query, "province": establishment.province_id}).exclude(
            pk=establishment.pk
        )[:20]
    return _same_name(user, establishment).select_related("commune")[:20]


def pending_count(user) -> int:
    if not can(user, "establishment.approve"):
        return 0
    return scope_queryset(
        user,
        Establishment.objects.filter(status=EstablishmentStatus.PENDING),
        province="province_id",
        establishment=None,
    ).count()


# --- Units for forms --------------------------------------------------------------------------------------


def current_provinces(user=None) -> QuerySet[Unit]:
    """Today's provinces; only the user's own for a provincial user."""
    provinces = Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
    scope = user_scope(user) if user is not None else None
    if scope is not None and scope.kind == "province":
        provinces = provinces.filter(pk=scope.province_id)
    return provinces.order_by(Collate("name", "vi"))


def current_communes(province_id) -> QuerySet[Unit]:
    if not province_id:
        return Unit.objects.none()
    return Unit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True, province_id=province_id).order_by(
        Collate("name", "vi")
    )


def vsic_divisions() -> QuerySet[IndustryCode]:
    return IndustryCode.objects.filter(version="2018", level=2).select_related("parent").order_by("code")


def vsic_sectors() -> QuerySet[IndustryCode]:
    return IndustryCode.objects.filter(version="2018", level__in=[1, 2]).order_by("code", "level")
