"""generate_data: deterministic, realistic, consistent with the services' rules, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q, Sum

from khuyencong.core.taxcode import is_valid_tax_code
from khuyencong.geo.selectors import current_province_of
from khuyencong.programmes.models import (
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
)
from khuyencong.registry.models import Establishment, SizeClass, YearlyFigures
from khuyencong.synthetic.compare import generated_rows
from khuyencong.synthetic.generate import STEPS, generate, register_step
from khuyencong.synthetic.models import GeneratedDataset
from khuyencong.synthetic.scales import REFERENCE_DATE

pytestmark = pytest.mark.django_db
S = ProjectStatus
quiet = {"log": lambda text: None}


def rows_for(seed: int) -> dict:
    with transaction.atomic():
        generate("tiny", seed, **quiet)
        rows = generated_rows()
        transaction.set_rollback(True)
    return rows


def test_same_seed_same_rows_other_seed_other_rows():
    first, again, other = rows_for(3), rows_for(3), rows_for(4)
    assert first == again
    assert first["registry.establishment"] != other["registry.establishment"]


@pytest.fixture
def tiny(db):
    generate("tiny", 1, **quiet)


def test_establishments_are_realistic(tiny):
    establishments = Establishment.objects.all()
    assert establishments.count() == 240
    names = list(establishments.values_list("name", flat=True))
    assert any(name.startswith("Hợp tác xã ") for name in names)
    assert any(name.startswith("Công ty TNHH ") for name in names)
    assert any(name.startswith("Hộ kinh doanh ") for name in names)
    # Crafts follow the old provinces: cashew around ex-Bình Phước (Đồng Nai), coconut in ex-Bến Tre (Vĩnh Long).
    assert establishments.filter(province__code="75", search_folded__contains="hat dieu").count() >= 5
    assert establishments.filter(province__code="86", search_folded__contains="dua").count() >= 5
    assert establishments.filter(province__code="66", search_folded__contains="ca phe").count() >= 5
    codes = [code for code in establishments.values_list("tax_code", flat=True) if code]
    assert codes and all(is_valid_tax_code(code) for code in codes) and len(codes) == len(set(codes))
    sizes = dict(establishments.values_list("size_class").annotate(n=Count("id")))
    assert sizes[SizeClass.MICRO] > sum(n for size, n in sizes.items() if size != SizeClass.MICRO)
    assert YearlyFigures.objects.filter(year__gt=REFERENCE_DATE.year).count() == 0
    for establishment in establishments.select_related("commune")[:50]:
        assert establishment.commune.province_id == establishment.province_id


def test_projects_follow_their_years_and_units(tiny):
    projects = Project.objects.all()
    assert (
        projects.filter(year__lte=2023)
        .exclude(status__in=[S.CLOSED, S.SETTLED, S.ACCEPTED, S.REJECTED, S.STOPPED, S.RETURNED])
        .count()
        == 0
    )
    assert projects.filter(year__gte=2028).exclude(status=S.DRAFT).count() == 0
    assert projects.filter(year=2026, status__in=[S.IN_PROGRESS, S.CONTRACTED, S.IN_PLAN, S.STOPPED]).exists()
    for project in projects.filter(year__lte=2025, province__isnull=False).select_related("legacy_province"):
        assert project.legacy_province is not None and project.legacy_province.valid_to is not None
        assert current_province_of(project.legacy_province).pk == project.province_id
        assert all(unit.valid_to is not None for unit in project.communes.all())
    for project in projects.filter(year__gte=2026, province__isnull=False):
        assert project.legacy_province_id is None
        assert all(unit.valid_to is None for unit in project.communes.all())
    dates = ("rules_date", "contract_date", "started_on", "accepted_on", "settled_on", "closed_on")
    for name in dates:
        assert not projects.filter(**{f"{name}__gt": REFERENCE_DATE}).exists()
    assert not MoneyMovement.objects.filter(occurred_on__gt=REFERENCE_DATE).exists()
    for row in ProjectBeneficiary.objects.select_related("project", "establishment"):
        assert row.establishment.province_id == row.project.province_id


def test_money_respects_the_invariants(tiny):
    approved = MoneyMovement.objects.filter(status=MovementStatus.APPROVED)
    for project in Project.objects.filter(status__in=[S.CLOSED, S.SETTLED, S.ACCEPTED, S.IN_PROGRESS, S.STOPPED]):
        budget = project.budget_lines.filter(source__is_state_budget=True).aggregate(t=Sum("amount"))["t"] or 0
        sums = dict(
            approved.filter(project=project).values_list("kind").annotate(t=Sum("amount")).values_list("kind", "t")
        )
        net = sums.get(MovementKind.ADVANCE, 0) + sums.get(MovementKind.PAYMENT, 0) - sums.get(MovementKind.REFUND, 0)
        assert 0 <= net <= budget, project.code
        assert sums.get(MovementKind.SETTLEMENT, 0) <= budget
        if project.status == S.CLOSED:
            assert net == sums[MovementKind.SETTLEMENT], project.code
        assert (project.contract_value or 0) <= budget
    assert not MoneyMovement.objects.filter(
        Q(status=MovementStatus.PENDING), ~Q(project__status=S.IN_PROGRESS)
    ).exists()


def test_command_is_idempotent_and_refuses_another_dataset():
    out = io.StringIO()
    call_command("generate_data", "--scale", "tiny", "--seed", "2", stdout=out)
    assert "Đã sinh dữ liệu quy mô tiny" in out.getvalue()
    counts = (Establishment.objects.count(), Project.objects.count())
    out = io.StringIO()
    call_command("generate_data", "--scale", "tiny", "--seed", "2", stdout=out)
    assert "không sinh thêm" in out.getvalue()
    assert (Establishment.objects.count(), Project.objects.count()) == counts
    with pytest.raises(CommandError, match="đã có dữ liệu sinh khác"):
        call_command("generate_data", "--scale", "tiny", "--seed", "3", stdout=io.StringIO())
    assert GeneratedDataset.objects.get().counts["projects"] == counts[1]


def test_other_apps_register_steps():
    seen = []
    register_step("probe", lambda gen: seen.append(len(gen.establishment_ids)) or {"probe": 1}, after="establishments")
    try:
        assert [step.name for step in STEPS][:3] == ["reference", "establishments", "probe"]
        record = generate("tiny", 5, **quiet)
        assert seen == [240] and record.counts["probe"] == 1
    finally:
        STEPS[:] = [step for step in STEPS if step.name != "probe"]
