"""Rows of the generated tables in a form that two databases (or two runs) can compare: every column except
ids and timestamps, foreign keys replaced by what identifies the row across runs (a project's code, a user's
name, an establishment's place in creation order)."""

from __future__ import annotations

from django.db import models

from khuyencong.accounts.models import User
from khuyencong.programmes.models import (
    AnnualPlan,
    BudgetLine,
    MoneyMovement,
    PlanAllocation,
    Programme,
    Project,
    ProjectBeneficiary,
    ProjectMoney,
    ProjectOutput,
    ProjectPartner,
)
from khuyencong.registry.models import Certification, Establishment, Product, YearlyFigures

TIMESTAMPS = {"created_at", "updated_at", "entered_at", "started_at"}
COMPARED = [
    Establishment,
    Establishment.industries.through,
    YearlyFigures,
    Product,
    Certification,
    Programme,
    AnnualPlan,
    PlanAllocation,
    Project,
    Project.content_items.through,
    Project.communes.through,
    ProjectPartner,
    BudgetLine,
    ProjectOutput,
    ProjectBeneficiary,
    MoneyMovement,
    ProjectMoney,
]


def _positions(model) -> dict[int, int]:
    return {pk: n for n, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True))}


def _keys() -> dict[type, dict[int, object]]:
    """Per model, id → the key that names the same row in another run."""
    return {
        Establishment: _positions(Establishment),
        Product: _positions(Product),
        User: dict(User.objects.values_list("pk", "username")),
        Programme: dict(Programme.objects.values_list("pk", "code")),
        Project: dict(Project.objects.values_list("pk", "code")),
        AnnualPlan: {
            pk: (kind, year, province)
            for pk, kind, year, province in AnnualPlan.objects.values_list("pk", "kind", "year", "province_id")
        },
    }


def generated_rows(*, exclude: dict[str, set[str]] | None = None) -> dict[str, list[tuple]]:
    """{table label: sorted rows}; `exclude` names more columns to leave out per table label."""
    keys = _keys()
    result = {}
    for model in COMPARED:
        label = model._meta.label_lower
        skipped = TIMESTAMPS | (exclude or {}).get(label, set())
        fields = [field for field in model._meta.concrete_fields if not field.primary_key and field.name not in skipped]
        rows = []
        for values in model.objects.values_list(*[field.attname for field in fields]):
            row = []
            for field, value in zip(fields, values, strict=True):
                if isinstance(field, models.ForeignKey) and value is not None and field.related_model in keys:
                    value = keys[field.related_model].get(value, ("missing", value))
                row.append((field.name, value))
            rows.append(tuple(row))
        result[label] = sorted(rows, key=repr)
    return result


def differences(left: dict[str, list[tuple]], right: dict[str, list[tuple]], *, limit: int = 5) -> list[str]:
    """Human-readable differences, field by field, of the first rows that differ in each table."""
    found = []
    for label in left:
        a, b = left[label], right.get(label, [])
        if len(a) != len(b):
            found.append(f"{label}: {len(a)} rows vs {len(b)}")
        shown = 0
        for row_a, row_b in zip(a, b, strict=False):
            if row_a != row_b and shown < limit:
                diff = [f"{name}: {x!r} ≠ {y!r}" for (name, x), (_n, y) in zip(row_a, row_b, strict=False) if x != y]
                found.append(f"{label}: " + "; ".join(diff))
                shown += 1
    return found
