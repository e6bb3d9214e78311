"""The snapshot's figures, section by section, against the small world of builders.py (known to the đồng), and
against independent database sums on the generated dataset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from khuyencong.programmes.models import BudgetLine, MoneyMovement, Project
from khuyencong.reports.models import Report
from khuyencong.reports.periods import parse_period
from khuyencong.reports.services import report_create
from khuyencong.reports.snapshot import build_snapshot, canonical, digest
from tests.reports.builders import ODD

APRIL = dt.date(2026, 4, 5)


def section(snapshot: dict, kind: str) -> dict:
    return next(item for item in snapshot["sections"] if item["kind"] == kind)


def row(table: dict, key: str) -> dict:
    return next(item for item in table["rows"] if item["key"] == key)["cells"]


@pytest.fixture
def provincial(world) -> dict:
    report = report_create(
        actor=world.province_a_officer, definition_id=world.periodic.pk, period=parse_period("2026-Q1")
    )
    return build_snapshot(report, today=APRIL)


@pytest.fixture
def national(world) -> dict:
    report = report_create(actor=world.central_officer, definition_id=world.national.pk, period=parse_period("2026-Q1"))
    return build_snapshot(report, today=APRIL)


def test_results_by_content_count_approved_projects_of_the_province(world, provincial):
    table = section(provincial, "results_by_content")
    machinery = row(table, "item:may_moc_tien_tien")
    # A1 (KCQG + counterpart) and A3 (KCĐP); A4 is only submitted, B1 is another province's.
    assert machinery["projects"] == 2
    assert machinery["beneficiaries"] == 1
    assert machinery["kind_national"] == ODD
    assert machinery["kind_local"] == ODD
    assert machinery["kind_counterpart"] == 2_000_000
    assert machinery["total"] == 2 * ODD + 2_000_000
    demo = row(table, "item:mo_hinh_trinh_dien")
    assert (demo["projects"], demo["kind_local"], demo["kind_national"]) == (1, ODD, 0)  # V1 is national-only
    group = row(table, "subtotal:nhom-3")
    assert group["projects"] == 3 and group["beneficiaries"] == 2
    total = row(table, "total")
    assert total["projects"] == 3
    assert total["total"] == 3 * ODD + 2_000_000
    assert [r["kind"] for r in table["rows"]][-1] == "total"


def test_funds_by_source_count_approved_money_up_to_the_cut_off(world, provincial):
    table = section(provincial, "funds_by_source")
    kcqg = row(table, "source:KCQG")
    assert kcqg["planned"] == ODD
    assert kcqg["advanced"] == 1_000_001  # the pending 500.000 is not counted
    assert kcqg["disbursed"] == 1_000_001
    kcdp = row(table, "source:KCDP")
    # The payment (10/05) and the settlement (20/05) fall after the quarter.
    assert (kcdp["planned"], kcdp["advanced"], kcdp["paid"], kcdp["settled"]) == (2 * ODD, 800_000, 0, 0)
    assert kcdp["rate"] == "32.4"  # 800.000 / 2.469.134
    assert row(table, "source:DOIUNG")["advanced"] is None  # not disbursed through the system
    state = row(table, "subtotal:1")
    assert state["planned"] == 3 * ODD and state["disbursed"] == 1_800_001
    total = row(table, "total")
    assert total["planned"] == 3 * ODD + 2_000_000
    assert total["disbursed"] == 1_800_001
    words = {item["label"]: item for item in table["words"]}
    assert words["Tổng kinh phí nhà nước đã giải ngân"]["words"] == (
        "Một triệu tám trăm nghìn không trăm linh một đồng"
    )
    assert table["chart"]["categories"] == ["KCQG", "KCĐP"]


def test_half_year_counts_what_happened_until_june(world):
    report = report_create(
        actor=world.province_a_officer, definition_id=world.periodic.pk, period=parse_period("2026-H1")
    )
    snapshot = build_snapshot(report, today=dt.date(2026, 7, 2))
    kcdp = row(section(snapshot, "funds_by_source"), "source:KCDP")
    figures = (kcdp["advanced"], kcdp["paid"], kcdp["settled"], kcdp["disbursed"])
    assert figures == (800_000, 400_000, 1_200_000, 1_200_000)
    assert snapshot["cut_off"] == "2026-06-30"


def test_a_period_not_over_counts_until_the_day_the_report_is_made(world):
    report = report_create(actor=world.province_a_officer, definition_id=world.periodic.pk, period=parse_period("2026"))
    snapshot = build_snapshot(report, today=dt.date(2026, 5, 15))
    assert snapshot["cut_off"] == "2026-05-15"
    kcdp = row(section(snapshot, "funds_by_source"), "source:KCDP")
    assert (kcdp["paid"], kcdp["settled"]) == (400_000, 0)


def test_project_list_groups_by_status_with_subtotals(world, provincial):
    table = section(provincial, "project_list")
    keys = [r["key"] for r in table["rows"]]
    assert "project:KCQG-B1" not in keys and "project:KCQG-V1" not in keys and "project:KCQG-A0" not in keys
    assert keys.index("group:submitted") < keys.index("project:KCQG-A4") < keys.index("subtotal:submitted")
    assert row(table, "project:KCQG-A1")["planned"] == ODD
    assert row(table, "project:KCQG-A1")["disbursed"] == 1_000_001
    assert row(table, "project:KCDP-A2")["status"] == "Đã nghiệm thu"
    assert row(table, "subtotal:in_progress")["planned"] == ODD
    assert row(table, "total")["planned"] == 5_000_000 + 3 * ODD
    assert row(table, "total")["name"] == "Tổng cộng (4 đề án)"


def test_status_summary_counts_every_status_but_drafts(world, provincial):
    table = section(provincial, "status_summary")
    assert row(table, "status:submitted")["projects"] == 1
    assert row(table, "status:in_progress")["national"] == 1
    assert row(table, "status:accepted")["local"] == 1
    assert row(table, "total")["projects"] == 4
    assert row(table, "total")["planned"] == 5_000_000 + 3 * ODD


def test_indicators_against_the_targets_of_the_national_programme(world):
    from khuyencong.indicators.models import Target

    programme, indicator = world.programme, world.models_indicator
    Target.objects.create(programme=programme, indicator=indicator, year=2026, target_value=60)  # the country's year
    Target.objects.create(programme=programme, indicator=indicator, target_value=300)  # the country, 2026–2030
    Target.objects.create(programme=programme, indicator=indicator, unit=world.province_a, province=world.province_a,
                          target_value=8)  # province A, 2026–2030  # fmt: skip
    provincial = report_create(actor=world.province_a_officer, definition_id=world.periodic.pk,
                               period=parse_period("2026-Q1"))  # fmt: skip
    table = section(build_snapshot(provincial, today=APRIL), "indicators")
    models = row(table, "indicator:mo_hinh_trinh_dien")
    assert (models["planned"], models["actual"], models["cumulative"]) == ("2", "2", "2")
    assert models["target"] == "8" and models["year_target"] is None  # the province's share; no yearly share
    assert models["percent"] == "25.0"
    assert models["unit"] == indicator.unit
    assert table["programme"]["code"] == "ctkcqg-2026-2030"
    supported = row(table, "indicator:co_so_duoc_ho_tro")
    assert supported["actual"] == "1"  # establishment A2's, of the accepted project (A1 is still in progress)
    national = report_create(actor=world.central_officer, definition_id=world.national.pk,
                             period=parse_period("2026-Q1"))  # fmt: skip
    models = row(section(build_snapshot(national, today=APRIL), "indicators"), "indicator:mo_hinh_trinh_dien")
    assert (models["year_target"], models["target"], models["percent"]) == ("60", "300", "0.7")


def test_national_report_adds_up_provinces_by_region_and_the_multi_province_projects(world, national):
    table = section(national, "provinces")
    hanoi = row(table, "province:2025:province:01")
    assert hanoi["projects"] == 3 and hanoi["projects_national"] == 1 and hanoi["projects_local"] == 2
    assert hanoi["planned_national"] == ODD and hanoi["planned_local"] == 2 * ODD
    assert hanoi["disbursed_national"] == 1_000_001 and hanoi["disbursed_local"] == 800_000
    hcm = row(table, "province:2025:province:79")
    assert hcm["planned_national"] == 7_000_000 and hcm["disbursed_national"] == 2_000_000
    multi = row(table, "province:-")
    assert multi["planned_national"] == 9_000_000 and multi["disbursed_national"] == 3_000_000
    total = row(table, "total")
    assert total["projects"] == 5
    assert total["planned_national"] == ODD + 16_000_000
    assert total["disbursed_national"] == 6_000_001
    provinces = [r for r in table["rows"] if r["key"].startswith("province:2025")]
    assert len(provinces) == 34  # every province in force, with or without projects
    region_totals = sum(r["cells"]["planned_national"] for r in table["rows"] if r["kind"] == "subtotal")
    assert region_totals + multi["planned_national"] == total["planned_national"]
    assert hanoi["report"] == "Chưa đến hạn"  # no report yet, due 15/04
    funds = section(national, "funds_by_source")
    assert row(funds, "source:KCQG")["planned"] == ODD + 16_000_000


def test_national_report_by_provinces_as_they_were(world):
    for project in (world.a0, world.a1):  # filed under Hà Nội as it was before 01/07/2025
        project.legacy_province = _legacy("01")
        project.save(update_fields=["legacy_province"])
    report = report_create(
        actor=world.central_officer, definition_id=world.national.pk, period=parse_period("2026-Q1"),
        unit_basis="as_was",
    )  # fmt: skip
    table = section(build_snapshot(report, today=APRIL), "provinces")
    legacy = next(r for r in table["rows"] if r["key"] == "province:legacy:province:01")["cells"]
    assert legacy["planned_national"] == ODD  # A1 only: A0 is of 2025
    assert legacy["name"] == "Hà Nội (nay: Hà Nội)"
    assert len([r for r in table["rows"] if r["key"].startswith("province:legacy")]) == 63
    current = row(table, "province:2025:province:01")
    assert current["planned_national"] == 0 and current["planned_local"] == 2 * ODD


def _legacy(code: str):
    from khuyencong.geo.models import Unit

    return Unit.objects.get(key=f"legacy:province:{code}")


def test_project_funds_group_by_content_and_source(world):
    report = report_create(
        actor=world.province_a_officer, definition_id=world.project_list.pk, period=parse_period("2026")
    )
    table = section(build_snapshot(report, today=APRIL), "project_funds")
    line = row(table, "line:may_moc_tien_tien:KCQG-A1")
    assert line["source_KCQG"] == ODD and line["source_DOIUNG"] == 2_000_000 and line["total"] == ODD + 2_000_000
    item = row(table, "subtotal:may_moc_tien_tien")
    assert item["source_KCDP"] == ODD and item["total"] == 2 * ODD + 2_000_000
    assert row(table, "total")["total"] == 3 * ODD + 2_000_000
    assert report.province_id == world.province_a.pk


def test_disbursement_register_lists_the_period_s_approved_movements(world):
    report = report_create(actor=world.central_officer, definition_id=world.register.pk, period=parse_period("2026-H1"))
    assert report.province_id is None
    table = section(build_snapshot(report, today=dt.date(2026, 7, 1)), "disbursements")
    movements = [r for r in table["rows"] if r["kind"] == "item"]
    assert len(movements) == 6  # the pending advance is left out
    assert row(table, "subtotal:KCQG")["advance"] == 6_000_001
    assert row(table, "subtotal:KCDP")["settlement"] == 1_200_000
    total = row(table, "total")
    assert (total["advance"], total["payment"], total["refund"]) == (6_800_001, 400_000, 0)
    assert table["words"][0]["amount"] == 7_200_001
    assert table["unit"] == "đồng"


def test_snapshot_is_plain_json_and_its_digest_ignores_key_order(world, provincial):
    import json

    text = json.dumps(provincial)  # no Decimal, date or model left
    reordered = json.loads(text, object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert canonical(reordered) == canonical(provincial)
    assert digest(reordered) == digest(provincial)
    assert provincial["header"]["parent"] == "UBND THÀNH PHỐ HÀ NỘI"
    assert provincial["header"]["agency"] == "SỞ CÔNG THƯƠNG"
    assert provincial["header"]["subject"] == "Tình hình thực hiện công tác khuyến công quý I năm 2026"


# --- Against the database, on the generated dataset ------------------------------------------------------------------


@pytest.fixture
def generated(db):
    from khuyencong.synthetic.generate import generate

    generate("tiny", 1, log=lambda text: None)


COUNTED = ("approved", "in_plan", "contracted", "in_progress", "accepted", "settled", "closed", "stopped")


@pytest.mark.parametrize("period_key", ["2025", "2026-H1"])
def test_national_figures_equal_independent_sums_over_the_generated_data(generated, personas, period_key):
    period = parse_period(period_key)
    report = report_create(actor=personas.central_officer, definition_id=_definition("bc-tong-hop-quoc-gia"),
                           period=period)  # fmt: skip
    snapshot = build_snapshot(report, today=dt.date(2026, 6, 30))
    projects = Project.objects.filter(year=period.year, status__in=COUNTED)
    assert projects.exists()
    by_province = section(snapshot, "provinces")
    assert row(by_province, "total")["projects"] == projects.count()
    state_lines = BudgetLine.objects.filter(project__in=projects, source__is_state_budget=True)
    planned = state_lines.aggregate(t=Sum("amount"))["t"]
    assert row(by_province, "total")["planned_national"] + row(by_province, "total")["planned_local"] == planned
    moves = MoneyMovement.objects.filter(project__in=projects, status="approved", occurred_on__lte=period.cut_off(
        dt.date(2026, 6, 30)))  # fmt: skip

    def moved(kind: str) -> int:
        return moves.filter(kind=kind).aggregate(t=Sum("amount"))["t"] or 0

    net = moved("advance") + moved("payment") - moved("refund")
    total = row(by_province, "total")
    assert total["disbursed_national"] + total["disbursed_local"] == net
    funds = section(snapshot, "funds_by_source")
    assert row(funds, "total")["settled"] == moved("settlement")
    assert row(funds, "subtotal:1")["planned"] == planned
    for province_row in by_province["rows"]:
        if province_row["key"].startswith("province:2025"):
            code = province_row["key"].rsplit(":", 1)[1]
            expected = projects.filter(province__code=code, province__valid_to__isnull=True).count()
            assert province_row["cells"]["projects"] == expected, code
    content = section(snapshot, "results_by_content")
    all_lines = BudgetLine.objects.filter(project__in=projects).aggregate(t=Sum("amount"))["t"]
    assert row(content, "total")["total"] == all_lines


def _definition(code: str) -> int:
    from khuyencong.reports.models import ReportDefinition

    return ReportDefinition.objects.get(code=code).pk


def test_report_model_period_round_trip(world):
    report = report_create(
        actor=world.central_officer, definition_id=world.register.pk,
        period=parse_period("2026-01-15..2026-05-31"),
    )  # fmt: skip
    stored = Report.objects.get(pk=report.pk)
    assert stored.period.key == "2026-01-15..2026-05-31"
    assert stored.period.inline == "từ ngày 15/01/2026 đến ngày 31/05/2026"


@pytest.mark.django_db(transaction=True)
def test_every_section_reads_the_same_state_of_the_database(monkeypatch):
    """On PostgreSQL a report is built in one REPEATABLE READ, READ ONLY transaction (outside any caller's), so
    money entered while a national report is being computed cannot land in one table and not in another.
    (A transactional test: earlier ones may have flushed the reference rows, so it makes the few it needs.)"""
    from django.db import connection

    from khuyencong.accounts.models import Agency, AgencyKind
    from khuyencong.reports import sections as sections_module
    from khuyencong.reports.models import ReportDefinition

    seen = []

    def spy(area, spec, context):
        isolation = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                isolation = cursor.fetchone()[0]
        seen.append((connection.in_atomic_block, isolation))
        return {"type": "text", "text": "", "hint": ""}

    monkeypatch.setitem(sections_module.SECTION_KINDS, "narrative", ("spy", spy))
    definition = ReportDefinition.objects.create(
        code="bc-nhat-quan", title="Kiểm tra đọc nhất quán", level="national", period_types=["year"],
        symbol="BC-THU", sections=[{"key": f"phan_{n}", "kind": "narrative", "title": f"Phần {n}"} for n in range(3)],
    )  # fmt: skip
    agency = Agency.objects.create(code="CUC-NHAT-QUAN", kind=AgencyKind.CENTRAL_DEPARTMENT, name="Cục thử")
    period = parse_period("2026")
    report = Report.objects.create(
        definition=definition, period_type=period.type, period_key=period.key, year=2026, period_start=period.start,
        period_end=period.end, agency=agency, place="Hà Nội",
    )  # fmt: skip
    assert not connection.in_atomic_block
    snapshot = build_snapshot(report, today=APRIL)
    assert [section["key"] for section in snapshot["sections"]] == ["phan_0", "phan_1", "phan_2"]
    if connection.vendor == "postgresql":
        assert seen == [(True, "repeatable read")] * 3
    else:
        assert seen == [(False, None)] * 3  # SQLite: no long write-locking transaction
    assert not connection.in_atomic_block
