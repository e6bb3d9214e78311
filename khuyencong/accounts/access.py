"""The only door to scoped objects.

Every list selector filters with `scope_queryset`, every view or API endpoint that loads one object calls an
`access_<thing>(user, id, *, write=False)` function below. Objects outside the user's scope raise
`NotFound` exactly like objects that do not exist, so a guessed id reveals nothing.

Scope follows from where the user sits: an agency without jurisdiction (the ministry, the central
department, the regional centres) reaches the whole country; an agency with a province as jurisdiction
reaches that province; an establishment representative reaches its own establishment; anyone else nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections
from django.db.models import Model, QuerySet

from khuyencong.accounts.roles import can, user_roles
from khuyencong.core.compiled import CompiledQuery
from khuyencong.core.errors import NotFound, PermissionDenied

NATIONAL = "national"
PROVINCE = "province"
ESTABLISHMENT = "establishment"
NOTHING = "nothing"


@dataclass(frozen=True)
class Scope:
    kind: str
    province_id: int | None = None
    establishment_id: int | None = None

    @property
    def is_national(self) -> bool:
        return self.kind == NATIONAL

    def covers_province(self, province_id: int | None) -> bool:
        return self.kind == NATIONAL or (self.kind == PROVINCE and province_id == self.province_id)

    def covers_scope(self, other: Scope) -> bool:
        """True when everything `other` reaches is reached by this scope (for delegating rights)."""
        if self.kind == NATIONAL:
            return True
        if self.kind == PROVINCE:
            return other.kind == PROVINCE and other.province_id == self.province_id
        if self.kind == ESTABLISHMENT:
            return other.kind == ESTABLISHMENT and other.establishment_id == self.establishment_id
        return other.kind == NOTHING


_SCOPE_CACHE_ATTR = "_khuyencong_scope"


def scope_of(*, agency=None, establishment_id: int | None = None) -> Scope:
    if establishment_id is not None:
        return Scope(ESTABLISHMENT, establishment_id=establishment_id)
    if agency is None or not agency.is_active:
        return Scope(NOTHING)
    if agency.jurisdiction_id is None:
        return Scope(NATIONAL)
    return Scope(PROVINCE, province_id=_province_of_jurisdiction(agency))


@lru_cache(maxsize=4)
def _province_sql(vendor: str) -> str:
    from khuyencong.geo.models import Unit

    quote = connections[Unit.objects.db].ops.quote_name
    pk, province = quote(Unit._meta.pk.column), quote(Unit._meta.get_field("province").column)
    return f"SELECT COALESCE({province}, {pk}) FROM {quote(Unit._meta.db_table)} WHERE {pk} = %s"


def _province_of_jurisdiction(agency) -> int | None:
    """The province of the agency's jurisdiction (itself when it is a province). Asked on every request of a
    provincial user: one short statement written once, not a whole unit built by the ORM, unless the
    jurisdiction is already loaded."""
    field = agency._meta.get_field("jurisdiction")
    if field.is_cached(agency):
        return agency.jurisdiction.province_id or agency.jurisdiction_id
    connection = connections[field.related_model.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(_province_sql(connection.vendor), [agency.jurisdiction_id])
        row = cursor.fetchone()
    return row[0] if row else None


def user_scope(user) -> Scope:
    """The rows a user reaches; nothing at all for anonymous, inactive or role-less users."""
    if user is None or not user.is_authenticated or not user.is_active or not user_roles(user):
        return Scope(NOTHING)
    cached = getattr(user, _SCOPE_CACHE_ATTR, None)
    if cached is None:
        cached = scope_of(agency=user.agency, establishment_id=user.establishment_id)
        setattr(user, _SCOPE_CACHE_ATTR, cached)
    return cached


def forget_cached_scope(user) -> None:
    if hasattr(user, _SCOPE_CACHE_ATTR):
        delattr(user, _SCOPE_CACHE_ATTR)


def scope_queryset(user, queryset: QuerySet, *, province: str | None, establishment: str | None) -> QuerySet:
    """Filter `queryset` in the database to the user's scope.

    `province` is the lookup path to the record's current province id (e.g. "province_id" or
    "project__province_id"); `establishment` the path to the establishment id it belongs to, or None when
    establishment representatives must never see this kind of record.
    """
    scope = user_scope(user)
    if scope.kind == NATIONAL:
        return queryset
    if scope.kind == PROVINCE and province is not None:
        return queryset.filter(**{province: scope.province_id})
    if scope.kind == ESTABLISHMENT and establishment is not None:
        return queryset.filter(**{establishment: scope.establishment_id}).distinct()
    return queryset.none()


def load_scoped(
    user,
    queryset: QuerySet,
    pk,
    *,
    province: str | None,
    establishment: str | None,
    write: bool,
    capability: str | None,
) -> Model:
    """Load one object through the scope filter; `write` additionally requires `capability`."""
    if not user_roles(user):
        raise NotFound()
    try:
        obj = scope_queryset(user, queryset, province=province, establishment=establishment).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    _check_write(user, write, capability)
    return obj


def _check_write(user, write: bool, capability: str | None) -> None:
    if write and (capability is None or not can(user, capability)):
        raise PermissionDenied("Bạn không có quyền thay đổi đối tượng này.")


class ScopedLoader:
    """`load_scoped` for the pages opened most: the same statement, compiled once per connection
    (`core.compiled`) for national and provincial users, whose scope filter is an equality on the row's
    province. An establishment representative's filter joins and needs DISTINCT: it takes `load_scoped`."""

    def __init__(self, queryset: Callable[[], QuerySet], *, province: str, establishment: str | None):
        self._queryset, self._province, self._establishment = queryset, province, establishment
        self._national = CompiledQuery(lambda pk: queryset().filter(pk=pk), int)
        self._provincial = CompiledQuery(
            lambda pk, province_id: queryset().filter(**{"pk": pk, province: province_id}), int, int
        )

    def load(self, user, pk, *, write: bool, capability: str | None) -> Model:
        if not user_roles(user):
            raise NotFound()
        scope = user_scope(user)
        if scope.kind == NATIONAL:
            query, values = self._national, (pk,)
        elif scope.kind == PROVINCE and scope.province_id is not None:
            query, values = self._provincial, (pk, scope.province_id)
        else:
            return load_scoped(
                user, self._queryset(), pk, province=self._province, establishment=self._establishment,
                write=write, capability=capability,
            )  # fmt: skip
        try:
            found = query(*values)
        except (ValueError, TypeError):
            raise NotFound() from None
        if not found:
            raise NotFound()
        _check_write(user, write, capability)
        return found[0]


# --- One function per kind of scoped object ---------------------------------------------------------


def _establishments() -> QuerySet:
    from khuyencong.registry.models import Establishment

    return Establishment.objects.select_related("province", "commune")


_ESTABLISHMENT = ScopedLoader(_establishments, province="province_id", establishment="pk")


def access_establishment(user, establishment_id, *, write: bool = False, loader: ScopedLoader | None = None):
    """`loader`: a `ScopedLoader` of establishments with the related objects a page needs (one query instead of
    several); the scope filter applies all the same."""
    own = user_scope(user).kind == ESTABLISHMENT
    return (loader or _ESTABLISHMENT).load(
        user, establishment_id, write=write, capability="establishment.edit_own" if own else "establishment.edit"
    )


def access_user(user, user_id):
    """Users are reached by administrators only, within their scope (see selectors.users_visible_to)."""
    from khuyencong.accounts.selectors import users_visible_to

    found = users_visible_to(user).filter(pk=user_id).first() if str(user_id).isdigit() else None
    if found is None:
        raise NotFound("Không tìm thấy người dùng.")
    return found


def access_agency(user, agency_id):
    from khuyencong.accounts.selectors import agencies_visible_to

    found = agencies_visible_to(user).filter(pk=agency_id).first() if str(agency_id).isdigit() else None
    if found is None:
        raise NotFound("Không tìm thấy cơ quan.")
    return found


# --- Programmes, plans and projects (khuyencong/programmes) ----------------------------------------------


def _projects() -> QuerySet:
    from khuyencong.programmes.models import Project

    return Project.objects.select_related(
        "programme", "plan", "implementing_agency", "province", "legacy_province", "created_by"
    )


_PROJECT = ScopedLoader(_projects, province="province_id", establishment="beneficiaries__establishment_id")


def access_project(user, project_id, *, write: bool = False):
    """A project with no province (a national project run by a regional centre in several provinces) is
    reached by national scope only; an establishment representative reaches the projects supporting it."""
    return _PROJECT.load(user, project_id, write=write, capability="project.draft")


def _visible_one(user, visible, pk, *, write: bool, capability: str, what: str):
    found = visible.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(f"Không tìm thấy {what}.")
    if write and not can(user, capability):
        raise PermissionDenied("Bạn không có quyền thay đổi đối tượng này.")
    return found


def access_plan(user, plan_id, *, write: bool = False):
    """Provincial staff read the national plan too (it is published); its projects stay scoped."""
    from khuyencong.programmes.selectors import plans_visible_to

    return _visible_one(user, plans_visible_to(user), plan_id, write=write, capability="plan.manage", what="kế hoạch")


def access_programme(user, programme_id, *, write: bool = False):
    """National programmes are public to every signed-in role; a provincial one to its province."""
    from khuyencong.programmes.selectors import programmes_visible_to

    return _visible_one(
        user, programmes_visible_to(user), programme_id, write=write, capability="programme.manage",
        what="chương trình",
    )  # fmt: skip


def _establishment_edit_capability(user) -> str:
    return "establishment.edit_own" if user_scope(user).kind == ESTABLISHMENT else "establishment.edit"


def _access_establishment_part(user, queryset: QuerySet, pk, *, path: str, write: bool):
    """Parts of an establishment (products, photos, certificates) are reached through its scope."""
    return load_scoped(
        user,
        queryset,
        pk,
        province=f"{path}province_id",
        establishment=f"{path}id",
        write=write,
        capability=_establishment_edit_capability(user),
    )


def access_product(user, product_id, *, write: bool = False):
    from khuyencong.registry.models import Product

    queryset = Product.objects.select_related("establishment")
    return _access_establishment_part(user, queryset, product_id, path="establishment__", write=write)


def access_product_photo(user, photo_id, *, write: bool = False):
    from khuyencong.registry.models import ProductPhoto

    queryset = ProductPhoto.objects.select_related("product__establishment")
    return _access_establishment_part(user, queryset, photo_id, path="product__establishment__", write=write)


def access_certification(user, certification_id, *, write: bool = False):
    from khuyencong.registry.models import Certification

    queryset = Certification.objects.select_related("establishment", "product")
    return _access_establishment_part(user, queryset, certification_id, path="establishment__", write=write)


def access_import_batch(user, batch_id):
    """Import batches: staff holding `import.run` (to read as to act), within the batch's province (national
    files: national users only); establishment representatives never."""
    from khuyencong.imports.models import ImportBatch

    batch = load_scoped(
        user,
        ImportBatch.objects.select_related("province", "created_by", "job"),
        batch_id,
        province="province_id",
        establishment=None,
        write=False,
        capability=None,
    )
    if not can(user, "import.run"):
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.")
    return batch


# --- Indicators and dashboards (khuyencong/indicators) ---------------------------------------------------------


def access_manual_report(user, report_id, *, write: bool = False):
    """A province's indicator report: its province's staff and national scope; never establishments."""
    from khuyencong.indicators.models import ManualReport

    return load_scoped(
        user,
        ManualReport.objects.select_related("province", "created_by", "submitted_by", "approved_by"),
        report_id,
        province="province_id",
        establishment=None,
        write=write,
        capability="indicators.enter",
    )


def access_dashboard_province(user, province_id):
    """Today's province whose dashboard the user opens: national scope any, a province's staff their own only."""
    from khuyencong.geo.models import Unit, UnitLevel

    if not can(user, "indicators.view"):
        raise PermissionDenied("Bạn không có quyền xem bảng điều khiển.")
    found = (
        Unit.objects.filter(pk=province_id, level=UnitLevel.PROVINCE, valid_to__isnull=True).first()
        if str(province_id).isdigit()
        else None
    )
    if found is None or not user_scope(user).covers_province(found.pk):
        raise NotFound("Không tìm thấy tỉnh.")
    return found


# --- Periodic reports (khuyencong/reports) ---------------------------------------------------------------------


def access_report(user, report_id, *, write: bool = False):
    """A report: its province's staff holding report.view, or national scope; a national report (no province)
    national scope only; never establishments."""
    from khuyencong.reports.models import Report

    if not can(user, "report.view"):
        raise PermissionDenied("Bạn không có quyền xem báo cáo.")
    return load_scoped(
        user,
        Report.objects.select_related("definition", "province", "agency__parent", "agency__jurisdiction", "created_by"),
        report_id,
        province="province_id",
        establishment=None,
        write=write,
        capability="report.prepare",
    )


def access_report_version(user, report_id, version_id):
    """One version of a report (its files included), reached through the report's scope: another province's
    version answers 404 exactly like a missing one."""
    from khuyencong.reports.models import ReportVersion

    report = access_report(user, report_id)
    version = (
        ReportVersion.objects.defer("snapshot").filter(pk=version_id, report=report).first()
        if str(version_id).isdigit()
        else None
    )
    if version is None:
        raise NotFound("Không tìm thấy phiên bản báo cáo.")
    version.report = report
    return version
