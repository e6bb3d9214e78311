"""Deadlines as dated rules and the overdue list: who sent which period, on time or late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from khuyencong.core.errors import PermissionDenied, ValidationFailed
from khuyencong.reports.deadlines import ACCEPTED, MISSING, NOT_DUE, SUBMITTED, filing_status, rule_for
from khuyencong.reports.models import Report, ReportPeriodRule, ReportStatus, ReportVersion
from khuyencong.reports.periods import parse_period
from khuyencong.reports.selectors import filing_matrix
from khuyencong.reports.services import report_create, rule_save
from khuyencong.synthetic.clock import moment


def _frozen(report: Report, day: dt.date) -> ReportVersion:
    """A signed version as if made on `day` (rows only: the freezing itself is tested in test_workflow)."""
    with moment(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))):
        return ReportVersion.objects.create(
            report=report, number=report.versions.count() + 1, kind="submitted", revision=report.revision,
            snapshot={}, snapshot_sha256="0" * 64, xlsx_name="x", xlsx_sha256="0" * 64, pdf_name="p",
            pdf_sha256="0" * 64, cut_off=report.period_end,
        )  # fmt: skip


def test_the_rule_in_force_for_the_period_gives_the_deadline(world):
    periodic = world.periodic
    rule = rule_for(periodic, parse_period("2026-Q1"))
    assert rule.due_days == 15 and rule.due_date(parse_period("2026-Q1")) == dt.date(2026, 4, 15)
    assert "cần xác nhận" in rule.note.lower()
    ReportPeriodRule.objects.filter(definition=periodic, period_type="quarter").update(valid_to=dt.date(2025, 12, 31))
    ReportPeriodRule.objects.create(definition=periodic, period_type="quarter", due_days=20,
                                    valid_from=dt.date(2026, 1, 1), citation="Văn bản giả định 2026")  # fmt: skip
    assert rule_for(periodic, parse_period("2026-Q1")).due_days == 20
    assert rule_for(periodic, parse_period("2025-Q4")).due_days == 15
    assert rule_for(periodic, parse_period("2026-01-01..2026-02-01")) is None  # ad hoc: never required


def test_filing_states_for_each_province(world):
    periodic, period = world.periodic, parse_period("2026-Q1")
    on_time = report_create(actor=world.province_a_officer, definition_id=periodic.pk, period=period)
    _frozen(on_time, dt.date(2026, 4, 10))
    Report.objects.filter(pk=on_time.pk).update(status=ReportStatus.ACCEPTED)
    late = report_create(actor=world.province_b_officer, definition_id=periodic.pk, period=period)
    _frozen(late, dt.date(2026, 4, 20))
    Report.objects.filter(pk=late.pk).update(status=ReportStatus.SUBMITTED)
    rows = {row.province.code: row for row in filing_status(periodic.code, period, today=dt.date(2026, 4, 25))}
    assert len(rows) == 34
    assert (rows["01"].state, rows["01"].days_late, rows["01"].label) == (ACCEPTED, 0, "Cục đã chấp nhận")
    assert rows["79"].state == SUBMITTED and rows["79"].days_late == 5 and not rows["79"].overdue
    assert rows["79"].label == "Đã gửi, chờ Cục xem xét; gửi chậm 5 ngày"
    assert rows["66"].state == MISSING and rows["66"].overdue and rows["66"].label == "Quá hạn 10 ngày"
    early = {row.province.code: row for row in filing_status(periodic.code, period, today=dt.date(2026, 4, 12))}
    assert early["66"].state == NOT_DUE and not early["66"].overdue


def test_the_matrix_shows_a_province_its_own_row_only(world):
    matrix = filing_matrix(world.central_officer, world.periodic, 2026, today=dt.date(2026, 8, 1))
    assert len(matrix.rows) == 34
    assert [p.key for p in matrix.periods] == ["2026-Q1", "2026-Q2", "2026-H1", "2026-Q3", "2026-Q4", "2026-H2", "2026"]
    assert len(matrix.overdue) == 34 * 3  # Q1, Q2 and H1 are past their deadlines, nothing sent
    own = filing_matrix(world.province_b_officer, world.periodic, 2026, today=dt.date(2026, 8, 1))
    assert [province.code for province, _row in own.rows] == ["79"]
    assert filing_matrix(world.establishment_user, world.periodic, 2026).rows == []
    overdue_only = filing_matrix(world.central_officer, world.periodic, 2026, today=dt.date(2026, 4, 1),
                                 only_overdue=True)  # fmt: skip
    assert overdue_only.rows == []


def test_deadlines_are_edited_by_national_administrators_only(world):
    data = {"period_type": "year", "due_days": 31, "valid_from": dt.date(2027, 1, 1), "valid_to": None,
            "citation": "Thông tư giả định số 01/2027/TT-BCT", "note": ""}  # fmt: skip
    with pytest.raises(PermissionDenied):
        rule_save(actor=world.central_leader, definition_id=world.periodic.pk, data=data)
    with pytest.raises(ValidationFailed) as raised:  # overlaps the 2014 yearly rule, which has no end
        rule_save(actor=world.central_admin, definition_id=world.periodic.pk, data=data)
    assert "valid_from" in raised.value.details
    ReportPeriodRule.objects.filter(definition=world.periodic, period_type="year").update(
        valid_to=dt.date(2026, 12, 31)
    )
    rule = rule_save(actor=world.central_admin, definition_id=world.periodic.pk, data=data)
    assert rule_for(world.periodic, parse_period("2027")).pk == rule.pk
    with pytest.raises(ValidationFailed) as raised:
        rule_save(actor=world.central_admin, definition_id=world.periodic.pk, data={**data, "citation": ""})
    assert "citation" in raised.value.details
