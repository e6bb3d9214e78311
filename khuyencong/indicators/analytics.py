"""The analytics fact table (`Fact`): what the dashboards read, kept equal to the records it summarises.

One function computes the rows of a set of projects (`_project_facts`) and one those of a set of reports
(`_report_facts`). The services that change what the rows summarise call `analytics_refresh_project(id)` or
`analytics_refresh_report(id)` inside their own transaction (while they hold the row lock), which deletes and
recomputes that project's or report's rows; `rebuild_analytics()` recomputes every row with the same functions,
so a rebuild gives exactly the rows the services maintained (`analytics_differences()` checks it).

What the rows say (docs/dashboards.md):

- `project`: one row per project and content item (one row with no content when it has none), any status.
- `planned`: one row per budget line of a project whose budget is approved (`workflow.APPROVED_STATES`).
- `advanced` / `paid` / `refunded` / `settled`: the approved money movements of a project, summed per source.
- `supported`: one row per beneficiary row of an approved project (amount: planned state support; commune: the
  establishment's current commune).
- `output_planned` / `output_actual`: planned outputs of approved projects; actual outputs of accepted projects
  (accepted, settled, closed), for indicators whose source is project outputs.
- `manual`: the values of approved provincial reports.

Project rows carry the project's plan year, programme, kind, status, current province and the province as it
was recorded (`legacy_province`: the pre-2025 province, else the current one).

The summary (`Summary`) adds the project-derived rows up at the grain the dashboards read (models.Summary),
with one set-based statement (`_SUMMARY_SELECT`) over the fact table: the refresh of a project recomputes the
summary cells — (programme, province, former province, year) — its old and new rows fall in, the rebuild all of
them, with the same statement, so both give the same rows (`summary_rows()`, `analytics_differences()`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum

from khuyencong.indicators.models import (
    SUMMARY_MEASURES,
    Fact,
    IndicatorSource,
    ManualValue,
    Measure,
    ReportStatus,
    Summary,
)
from khuyencong.programmes.models import (
    BudgetLine,
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Project,
    ProjectBeneficiary,
    ProjectOutput,
    ProjectStatus,
)
from khuyencong.programmes.workflow import APPROVED_STATES

S = ProjectStatus
# Projects whose outputs have been accepted: their actual outputs count as achieved.
ACHIEVED_STATES = frozenset({S.ACCEPTED, S.SETTLED, S.CLOSED})
MOVEMENT_MEASURES = {
    MovementKind.ADVANCE: Measure.ADVANCED,
    MovementKind.PAYMENT: Measure.PAID,
    MovementKind.REFUND: Measure.REFUNDED,
    MovementKind.SETTLEMENT: Measure.SETTLED,
}
MONEY_MEASURES = (Measure.PLANNED, Measure.ADVANCED, Measure.PAID, Measure.REFUNDED, Measure.SETTLED)
REBUILD_CHUNK = 2000
# Every column but the id: what two versions of the table are compared on.
FACT_COLUMNS = tuple(field.attname for field in Fact._meta.concrete_fields if not field.primary_key)
SUMMARY_COLUMNS = tuple(field.attname for field in Summary._meta.concrete_fields if not field.primary_key)
# A summary cell: what a project's rows share, so a refresh recomputes at most its old and its new cell.
CELL = ("programme_id", "province_id", "legacy_province_id", "year")
OUTPUT_MEASURES = (Measure.OUTPUT_PLANNED, Measure.OUTPUT_ACTUAL)


def _sql_list(values) -> str:
    return ", ".join(f"'{value}'" for value in values)  # measure codes: constants of this module, never input


# The summary rows of the fact rows matching {where} (a condition on the alias `f`), in SUMMARY_COLUMNS order.
# Standard SQL (SQLite ≥ 3.25 and PostgreSQL). `projects` counts a project at its first content row — the smallest
# content item of its `project` rows (a window over the project's rows, which all fall in one cell), or the row
# without one. No join and no correlated subquery: one pass and one sort, whatever the planner knows of the table.
_SUMMARY_SELECT = f"""
SELECT measure, programme_id, province_id, legacy_province_id, year,
    CASE WHEN measure IN ({_sql_list(MONEY_MEASURES)}) THEN source_id END,
    CASE WHEN measure = '{Measure.PROJECT}' THEN content_item_id END,
    CASE WHEN measure IN ({_sql_list(OUTPUT_MEASURES)}) THEN indicator_id END,
    CASE WHEN measure IN ({_sql_list((Measure.PROJECT, *OUTPUT_MEASURES))}) THEN project_kind ELSE '' END,
    CASE WHEN measure = '{Measure.PROJECT}' THEN status ELSE '' END,
    COUNT(*),
    SUM(CASE WHEN measure = '{Measure.PROJECT}' AND (content_item_id IS NULL OR content_item_id = first_item)
        THEN 1 ELSE 0 END),
    SUM(amount),
    SUM(value)
FROM (
    SELECT f.*, MIN(f.content_item_id) OVER (PARTITION BY f.project_id, f.measure) AS first_item
    FROM indicators_fact f
    WHERE f.measure IN ({_sql_list(SUMMARY_MEASURES)}) AND ({{where}})
) facts
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
"""


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("Analytics rows must be refreshed inside the transaction of the change they follow.")


def _project_facts(project_ids: Iterable[int]) -> list[Fact]:
    """The fact rows of these projects, from their current records (about six queries whatever their number)."""
    ids = list(project_ids)
    projects = {
        row[0]: row
        for row in Project.objects.filter(pk__in=ids).values_list(
            "pk", "programme_id", "province_id", "legacy_province_id", "year", "status", "kind"
        )
    }
    facts: list[Fact] = []

    def add(project_id: int, measure: str, **values) -> None:
        _, programme, province, legacy, year, status, kind = projects[project_id]
        facts.append(
            Fact(
                measure=measure, programme_id=programme, project_id=project_id, province_id=province,
                legacy_province_id=legacy or province, year=year, project_kind=kind, status=status, **values,
            )
        )  # fmt: skip

    items: dict[int, list[int]] = defaultdict(list)
    for project_id, item_id in Project.content_items.through.objects.filter(project_id__in=ids).values_list(
        "project_id", "contentitem_id"
    ):
        items[project_id].append(item_id)
    for project_id in projects:
        for item_id in sorted(items[project_id]) or [None]:
            add(project_id, Measure.PROJECT, content_item_id=item_id)

    approved = [pk for pk, row in projects.items() if row[5] in APPROVED_STATES]
    for project_id, source_id, item_id, amount in BudgetLine.objects.filter(project_id__in=approved).values_list(
        "project_id", "source_id", "content_item_id", "amount"
    ):
        add(project_id, Measure.PLANNED, source_id=source_id, content_item_id=item_id, amount=amount)
    for row in (
        MoneyMovement.objects.filter(project_id__in=ids, status=MovementStatus.APPROVED)
        .values("project_id", "source_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        add(row["project_id"], MOVEMENT_MEASURES[row["kind"]], source_id=row["source_id"], amount=int(row["total"]))
    for project_id, establishment_id, commune_id, item_id, support in ProjectBeneficiary.objects.filter(
        project_id__in=approved
    ).values_list("project_id", "establishment_id", "establishment__commune_id", "content_item_id", "planned_support"):
        add(
            project_id, Measure.SUPPORTED, establishment_id=establishment_id, commune_id=commune_id,
            content_item_id=item_id, amount=support,
        )  # fmt: skip
    for project_id, indicator_id, planned, actual in ProjectOutput.objects.filter(
        project_id__in=approved, indicator__source=IndicatorSource.OUTPUTS
    ).values_list("project_id", "indicator_id", "planned_value", "actual_value"):
        add(project_id, Measure.OUTPUT_PLANNED, indicator_id=indicator_id, value=planned)
        if actual is not None and projects[project_id][5] in ACHIEVED_STATES:
            add(project_id, Measure.OUTPUT_ACTUAL, indicator_id=indicator_id, value=actual)
    return facts


def _report_facts(report_ids: Iterable[int]) -> list[Fact]:
    """The fact rows of these reports: their values once the report is approved, none before."""
    return [
        Fact(
            measure=Measure.MANUAL,
            report_id=report_id,
            indicator_id=indicator_id,
            province_id=province_id,
            legacy_province_id=province_id,
            year=year,
            half=half,
            value=value,
            value_female=female,
            value_ethnic_minority=ethnic,
        )  # fmt: skip
        for report_id, province_id, year, half, indicator_id, value, female, ethnic in ManualValue.objects.filter(
            report_id__in=list(report_ids), report__status=ReportStatus.APPROVED
        ).values_list(
            "report_id",
            "report__province_id",
            "report__year",
            "report__half",
            "indicator_id",
            "value",
            "value_female",
            "value_ethnic_minority",
        )  # fmt: skip
    ]


def _cells_condition(cells: Iterable[tuple]) -> tuple[str, list]:
    """SQL matching the fact rows (`f`) of these cells (an empty province or programme matches IS NULL)."""
    alternatives, params = [], []
    for cell in cells:
        parts = []
        for column, value in zip(CELL, cell, strict=True):
            if value is None:
                parts.append(f"f.{column} IS NULL")
            else:
                parts.append(f"f.{column} = %s")
                params.append(value)
        alternatives.append("(" + " AND ".join(parts) + ")")
    return " OR ".join(alternatives) or "1 = 0", params


def _summary_select(cells: Iterable[tuple] | None) -> tuple[str, list]:
    """The summary statement for these cells (None: every cell) and its parameters."""
    if cells is None:
        return _SUMMARY_SELECT.format(where="1 = 1"), []
    where, params = _cells_condition(cells)
    return _SUMMARY_SELECT.format(where=where), params


def _summary_insert(cells: Iterable[tuple] | None) -> None:
    columns = ", ".join(Summary._meta.get_field(name).column for name in SUMMARY_COLUMNS)
    select, params = _summary_select(cells)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO indicators_summary ({columns}) " + select, params)


def _lock_cells(cells: set[tuple]) -> None:
    """Serialise the refreshes of the same cells until the transaction ends (PostgreSQL; SQLite has one writer).

    Without it two projects of one cell refreshed at once would each delete the cell's rows and insert their own
    recomputation, leaving both. Cells are locked in a fixed order, so two refreshes cannot deadlock on them.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted({_cell_key(cell) for cell in cells}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _cell_key(cell: tuple) -> int:
    """A stable signed 64-bit number for a cell (PostgreSQL advisory lock keys are bigint)."""
    return int.from_bytes(hashlib.blake2b(repr(cell).encode(), digest_size=8).digest(), "big", signed=True)


def _refresh_summary_cells(cells: set[tuple]) -> None:
    """Recompute the summary rows of these cells from the fact rows (inside the caller's transaction)."""
    if not cells:
        return
    _lock_cells(cells)
    condition = Q(pk__in=[])
    for cell in cells:
        condition |= Q(**dict(zip(CELL, cell, strict=True)))
    Summary.objects.filter(condition).delete()
    _summary_insert(cells)


def analytics_refresh_project(project_id: int) -> None:
    """Recompute one project's rows and the summary cells they fall in. Called by the programmes services that
    change a project, its budget, beneficiaries, outputs or approved money, inside their transaction (the
    project row is locked there)."""
    _require_transaction()
    old = Fact.objects.filter(project_id=project_id, measure__in=SUMMARY_MEASURES)
    cells = set(old.values_list(*CELL).distinct().order_by())
    Fact.objects.filter(project_id=project_id).delete()
    facts = _project_facts([project_id])
    Fact.objects.bulk_create(facts)
    cells |= {tuple(getattr(fact, name) for name in CELL) for fact in facts if fact.measure in SUMMARY_MEASURES}
    _refresh_summary_cells(cells)


def rebuild_summary() -> int:
    """Recompute the whole summary from the fact table (one statement); returns its number of rows."""
    with transaction.atomic():
        Summary.objects.all().delete()
        _summary_insert(None)
        return Summary.objects.count()


def analytics_refresh_report(report_id: int) -> None:
    """Recompute one provincial report's rows (called by the report services inside their transaction)."""
    _require_transaction()
    Fact.objects.filter(report_id=report_id).delete()
    Fact.objects.bulk_create(_report_facts([report_id]))


def _all_facts(log: Callable[[str], None] | None = None) -> Iterable[list[Fact]]:
    """Every row, project by project in chunks, then every report's."""
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(project_ids), REBUILD_CHUNK):
        yield _project_facts(project_ids[start : start + REBUILD_CHUNK])
        if log:
            log(f"  đề án: {min(start + REBUILD_CHUNK, len(project_ids))}/{len(project_ids)}")
    from khuyencong.indicators.models import ManualReport

    yield _report_facts(ManualReport.objects.filter(status=ReportStatus.APPROVED).values_list("pk", flat=True))


def rebuild_analytics(*, log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Empty the fact table and recompute every row in one transaction (readers see the old rows until it
    commits). Returns the number of rows per measure."""
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        Fact.objects.all().delete()
        for chunk in _all_facts(log):
            Fact.objects.bulk_create(chunk, batch_size=5000)
            for fact in chunk:
                counts[fact.measure] += 1
        summary = rebuild_summary()
        if log:
            log(f"  bảng tổng hợp: {summary} dòng")
    return dict(sorted(counts.items()))


def _row(fact: Fact) -> tuple:
    return tuple(_normal(getattr(fact, name)) for name in FACT_COLUMNS)


def _normal(value):
    """Decimals compare by value (2 and 2.00 are the same figure whichever database returned them)."""
    return value.normalize() if hasattr(value, "normalize") else value


def fact_rows() -> list[tuple]:
    """The stored rows, without ids, sorted: two tables are equal when these lists are."""
    return sorted((tuple(_normal(value) for value in row) for row in Fact.objects.values_list(*FACT_COLUMNS)), key=repr)


def summary_rows() -> list[tuple]:
    """The stored summary rows, without ids, sorted."""
    return sorted(
        (tuple(_normal(value) for value in row) for row in Summary.objects.values_list(*SUMMARY_COLUMNS)), key=repr
    )


def _summary_expected() -> list[tuple]:
    """The summary rows the stored fact rows give (the statement of the refresh, without writing)."""
    decimals = SUMMARY_COLUMNS.index("value")
    with connection.cursor() as cursor:
        cursor.execute(_summary_select(None)[0])
        rows = cursor.fetchall()
    field = Summary._meta.get_field("value")
    result = []
    for row in rows:
        row = list(row)
        if row[decimals] is not None:  # as the column stores it: two decimals
            row[decimals] = field.to_python(round(Decimal(str(row[decimals])), field.decimal_places))
        row[SUMMARY_COLUMNS.index("amount")] = int(row[SUMMARY_COLUMNS.index("amount")])
        result.append(tuple(_normal(value) for value in row))
    return sorted(result, key=repr)


def _differences(label: str, columns: tuple, expected: list, stored: list, limit: int) -> list[str]:
    if expected == stored:
        return []
    missing = set(expected) - set(stored)
    extra = set(stored) - set(expected)
    found = [f"{label} — số dòng: lưu {len(stored)}, đúng ra {len(expected)}."]
    found += [f"Thiếu: {dict(zip(columns, row, strict=True))}" for row in sorted(missing, key=repr)[:limit]]
    found += [f"Thừa: {dict(zip(columns, row, strict=True))}" for row in sorted(extra, key=repr)[:limit]]
    return found


def analytics_differences(*, limit: int = 10) -> list[str]:
    """How the stored rows differ from the rows the records give now, and the stored summary from the sums of
    the fact rows (empty: both tables are exact)."""
    expected = sorted((_row(fact) for chunk in _all_facts() for fact in chunk), key=repr)
    found = _differences("Bảng số liệu", FACT_COLUMNS, expected, fact_rows(), limit)
    return found + _differences("Bảng tổng hợp", SUMMARY_COLUMNS, _summary_expected(), summary_rows(), limit)
