"""The stored money of each project: budget lines and approved movements added up per source (ProjectMoney)
and for the whole project (the money columns of Project, state budget only).

Lists and their totals read these columns instead of summing 300,000 movements for every page. The services
call `refresh_project_money` inside the transaction that writes a budget line or approves a movement (with the
project's row locked), so the stored figures never disagree with the rows; `rebuild_project_money` recomputes
every project with the same arithmetic after a bulk load, and `project_money_differences` checks them.
"""

from __future__ import annotations

from django.db import connection

from khuyencong.programmes.models import (
    LEDGER_FIELDS,
    MONEY_COLUMNS,
    BudgetLine,
    FundingSource,
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Project,
    ProjectMoney,
)

KIND_COLUMN = {
    MovementKind.ADVANCE: "advanced",
    MovementKind.PAYMENT: "paid",
    MovementKind.REFUND: "refunded",
    MovementKind.SETTLEMENT: "settled",
}
SOURCE_COLUMNS = ("planned", *MONEY_COLUMNS)


def _sources_of(project_ids) -> dict[tuple[int, int], dict[str, int]]:
    """{(project id, source id): {column: amount}} from the raw rows of these projects."""
    rows: dict[tuple[int, int], dict[str, int]] = {}

    def row(key):
        return rows.setdefault(key, dict.fromkeys(SOURCE_COLUMNS, 0))

    for project_id, source_id, amount in BudgetLine.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "source_id", "amount"
    ):
        row((project_id, source_id))["planned"] += amount
    for project_id, source_id, kind, amount in MoneyMovement.objects.filter(
        project_id__in=project_ids, status=MovementStatus.APPROVED
    ).values_list("project_id", "source_id", "kind", "amount"):
        row((project_id, source_id))[KIND_COLUMN[kind]] += amount
    return rows


def _project_columns(sources: dict[int, dict[str, int]], state_sources: set[int]) -> dict[str, int]:
    """The project's own columns from its rows per source: the state budget, and every movement kind."""
    columns = {"state_budget": sum(row["planned"] for source, row in sources.items() if source in state_sources)}
    for name in MONEY_COLUMNS:
        columns[name] = sum(row[name] for row in sources.values())
    return columns


def _state_sources() -> set[int]:
    return set(FundingSource.objects.filter(is_state_budget=True).values_list("pk", flat=True))


def _by_project(rows: dict[tuple[int, int], dict[str, int]]) -> dict[int, dict[int, dict[str, int]]]:
    grouped: dict[int, dict[int, dict[str, int]]] = {}
    for (project_id, source_id), row in rows.items():
        grouped.setdefault(project_id, {})[source_id] = row
    return grouped


def refresh_project_money(*projects: Project) -> None:
    """Recompute these projects' stored money from their rows (and set it on the instances). Call inside the
    transaction that changed the rows, with the projects' rows locked; the bulk generator calls it per batch."""
    ids = [project.pk for project in projects]
    rows = _sources_of(ids)
    ProjectMoney.objects.filter(project_id__in=ids).delete()
    ProjectMoney.objects.bulk_create(
        (ProjectMoney(project_id=key[0], source_id=key[1], **row) for key, row in sorted(rows.items())),
        batch_size=2000,
    )
    grouped, state_sources = _by_project(rows), _state_sources()
    for project in projects:
        for name, value in _project_columns(grouped.get(project.pk, {}), state_sources).items():
            setattr(project, name, value)
    Project.objects.bulk_update(projects, sorted(LEDGER_FIELDS), batch_size=1000)


# One statement per table, the same on SQLite and PostgreSQL. The migration that created the columns holds a
# frozen copy (a migration must not change when this module does).
REBUILD_SOURCES = """
INSERT INTO programmes_projectmoney (project_id, source_id, planned, advanced, paid, refunded, settled)
SELECT project_id, source_id, SUM(planned), SUM(advanced), SUM(paid), SUM(refunded), SUM(settled) FROM (
    SELECT project_id, source_id, amount AS planned, 0 AS advanced, 0 AS paid, 0 AS refunded, 0 AS settled
    FROM programmes_budgetline
    UNION ALL
    SELECT project_id, source_id, 0,
        CASE WHEN kind = 'advance' THEN amount ELSE 0 END,
        CASE WHEN kind = 'payment' THEN amount ELSE 0 END,
        CASE WHEN kind = 'refund' THEN amount ELSE 0 END,
        CASE WHEN kind = 'settlement' THEN amount ELSE 0 END
    FROM programmes_moneymovement WHERE status = 'approved'
) AS money
GROUP BY project_id, source_id
"""
REBUILD_PROJECTS = """
UPDATE programmes_project SET
    state_budget = COALESCE((SELECT SUM(m.planned) FROM programmes_projectmoney m
        JOIN programmes_fundingsource s ON s.id = m.source_id
        WHERE m.project_id = programmes_project.id AND s.is_state_budget), 0),
    advanced = COALESCE((SELECT SUM(advanced) FROM programmes_projectmoney m WHERE m.project_id = programmes_project.id), 0),
    paid = COALESCE((SELECT SUM(paid) FROM programmes_projectmoney m WHERE m.project_id = programmes_project.id), 0),
    refunded = COALESCE((SELECT SUM(refunded) FROM programmes_projectmoney m WHERE m.project_id = programmes_project.id), 0),
    settled = COALESCE((SELECT SUM(settled) FROM programmes_projectmoney m WHERE m.project_id = programmes_project.id), 0)
"""  # noqa: E501


def rebuild_project_money() -> int:
    """Recompute every project's stored money (after a bulk load or a repair). Returns the rows per source."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM programmes_projectmoney")
        cursor.execute(REBUILD_SOURCES)
        cursor.execute(REBUILD_PROJECTS)
    return ProjectMoney.objects.count()


def project_money_differences(*, limit: int = 10) -> list[str]:
    """Where the stored money differs from what the rows give now (empty: it is exact)."""
    expected = _sources_of(Project.objects.values("pk"))
    expected_sources = {key: tuple(row[name] for name in SOURCE_COLUMNS) for key, row in expected.items()}
    stored_sources = {
        (project, source): tuple(values)
        for project, source, *values in ProjectMoney.objects.values_list("project_id", "source_id", *SOURCE_COLUMNS)
    }
    found = [
        f"Kinh phí đề án #{project} nguồn #{source}: lưu {stored_sources.get((project, source))}, "
        f"tính lại {expected_sources.get((project, source))}"
        for project, source in sorted(set(expected_sources) | set(stored_sources))
        if expected_sources.get((project, source)) != stored_sources.get((project, source))
    ]
    grouped, state_sources = _by_project(expected), _state_sources()
    names = ("state_budget", *MONEY_COLUMNS)
    for project_id, *stored in Project.objects.values_list("pk", *names).order_by("pk"):
        columns = _project_columns(grouped.get(project_id, {}), state_sources)
        if tuple(stored) != tuple(columns[name] for name in names):
            found.append(f"Đề án #{project_id}: lưu {tuple(stored)}, tính lại {tuple(columns[n] for n in names)}")
    return found[:limit]
