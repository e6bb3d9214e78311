"""The report's life through the services: drafts, signature and freezing, review, return, resubmission as an
amendment with its difference, acceptance; who may take each step; stale and invalid input changing nothing;
a frozen version that never changes, whatever happens to the data afterwards or whoever tries."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess

import pytest
from django.db import DatabaseError, connection, transaction

from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.jobs.models import JobStatus
from khuyencong.programmes.models import MoneyMovement, Notification
from khuyencong.reports.models import (
    ImmutableVersionError,
    Report,
    ReportDefinition,
    ReportStatus,
    ReportVersion,
    VersionKind,
)
from khuyencong.reports.periods import parse_period
from khuyencong.reports.services import report_create, report_generate, report_transition, report_update
from khuyencong.reports.snapshot import digest
from khuyencong.reports.storage import read

SIGNATURE = {"number": "15", "date": dt.date(2026, 4, 8), "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
             "signer_name": "Phạm Thị Bình"}  # fmt: skip


def funds(snapshot: dict, key: str) -> dict:
    table = next(section for section in snapshot["sections"] if section["kind"] == "funds_by_source")
    return next(row for row in table["rows"] if row["key"] == key)["cells"]


def sign(world, report, draft, **overrides):
    return report_transition(
        actor=world.province_a_leader, report_id=report.pk, action="submit", revision=report.revision,
        version_id=draft.pk, signature={**SIGNATURE, **overrides},
    )  # fmt: skip


def fresh(report) -> Report:
    return Report.objects.get(pk=report.pk)


def test_a_report_from_draft_to_acceptance_with_a_frozen_version_and_an_amendment(world, small):
    officer = world.province_a_officer
    report = report_create(actor=officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    texts = {"place": "Hà Nội", "narratives": {"tinh_hinh": "Quý I triển khai 3 đề án."}}
    report = report_update(actor=officer, report_id=report.pk, revision=report.revision, data=texts)
    job = report_generate(actor=officer, report_id=report.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.percent == 100, job.message
    assert "Bản nháp số 1" in job.result["message"] or "bản nháp số 1" in job.result["message"]
    draft = ReportVersion.objects.get(report=report, kind=VersionKind.DRAFT)
    assert draft.snapshot["header"]["draft"] is True and draft.snapshot["header"]["number"] == ""

    job = sign(world, fresh(report), draft)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and not job.result.get("failed"), job.result
    report = fresh(report)
    assert report.status == ReportStatus.SUBMITTED
    frozen = ReportVersion.objects.get(report=report, kind=VersionKind.SUBMITTED)
    assert frozen.based_on_id == draft.pk and frozen.amends_id is None
    header = frozen.snapshot["header"]
    assert (header["number"], header["date"], header["draft"]) == ("15", "2026-04-08", False)
    assert header["date_line"] == "Hà Nội, ngày 08 tháng 4 năm 2026"
    assert header["signer_title"] == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert frozen.snapshot["sections"] == draft.snapshot["sections"]  # what the leader read is what is filed
    assert digest(frozen.snapshot) == frozen.snapshot_sha256
    pdf_before, xlsx_before = read(frozen.pdf_name), read(frozen.xlsx_name)
    assert hashlib.sha256(pdf_before).hexdigest() == frozen.pdf_sha256
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf_before, capture_output=True, check=True).stdout
        text = " ".join(text.decode().split())
        assert "Số: 15/BC-SCT" in text and "Hà Nội, ngày 08 tháng 4 năm 2026" in text
        assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Phạm Thị Bình" in text and "DỰ THẢO" not in text
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert {"central_officer", "central_leader"} <= notified

    # The data change after the signature: the frozen version does not.
    MoneyMovement.objects.create(
        project=world.a1, source=world.KCQG, kind="advance", amount=234_566, occurred_on=dt.date(2026, 3, 30),
        document_number="TU-BS", status="approved", entered_by=world.central_officer,
    )  # fmt: skip
    world.a1.budget_lines.filter(source=world.KCQG).update(amount=2_000_000)
    stored = ReportVersion.objects.get(pk=frozen.pk)
    assert stored.snapshot == frozen.snapshot and digest(stored.snapshot) == frozen.snapshot_sha256
    assert funds(stored.snapshot, "source:KCQG")["advanced"] == 1_000_001
    assert read(stored.pdf_name) == pdf_before and read(stored.xlsx_name) == xlsx_before
    with pytest.raises(Conflict):  # no new draft while the Cục has it
        report_generate(actor=officer, report_id=report.pk)

    report = report_transition(actor=world.central_officer, report_id=report.pk, action="review",
                               revision=report.revision, note="Số giải ngân KCQG chưa khớp sổ kế toán.")  # fmt: skip
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        report_transition(actor=world.central_officer, report_id=report.pk, action="accept", revision=report.revision)
    report = report_transition(actor=world.central_leader, report_id=report.pk, action="return",
                               revision=report.revision, note="Đề nghị bổ sung khoản tạm ứng ngày 30/03.")  # fmt: skip
    assert report.status == ReportStatus.RETURNED and report.last_note.startswith("Đề nghị bổ sung")
    assert Notification.objects.filter(user=officer, message__contains="trả lại").exists()

    report_generate(actor=officer, report_id=report.pk)
    draft2 = ReportVersion.objects.filter(report=report, kind=VersionKind.DRAFT).latest("number")
    assert draft2.amends_id == frozen.pk
    changed = {(c["row"], c["column"]): c for c in draft2.changes}
    assert changed[("source:KCQG", "advanced")]["before"] == 1_000_001
    assert changed[("source:KCQG", "advanced")]["after"] == 1_234_567
    assert changed[("source:KCQG", "planned")]["after"] == 2_000_000
    assert draft2.snapshot["amendment"]["amends_sha256"] == frozen.snapshot_sha256

    job = sign(world, fresh(report), draft2, number="21", date=dt.date(2026, 4, 12))
    job.refresh_from_db()
    assert not job.result.get("failed"), job.result
    amendment = ReportVersion.objects.get(report=report, kind=VersionKind.AMENDMENT)
    assert amendment.amends_id == frozen.pk and amendment.based_on_id == draft2.pk
    assert amendment.changes == draft2.changes
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=read(amendment.pdf_name), capture_output=True,
                              check=True).stdout.decode()  # fmt: skip
        assert "Phụ lục: Các thay đổi so với bản chính thức (phiên bản 2)" in " ".join(text.split())
        annex = text[text.index("Phụ lục: Các thay đổi") :]
        assert "Tạm ứng" in " ".join(annex.split())
        assert any(line.split()[-3:] == ["1,00", "1,23", "Sửa"] for line in annex.splitlines())
    report = report_transition(actor=world.central_leader, report_id=report.pk, action="accept",
                               revision=fresh(report).revision, note="Đạt yêu cầu.")  # fmt: skip
    assert report.status == ReportStatus.ACCEPTED
    report = report_transition(actor=officer, report_id=report.pk, action="amend", revision=report.revision,
                               note="Bổ sung quyết toán đề án KCDP-A2.")  # fmt: skip
    assert report.status == ReportStatus.DRAFT

    actions = list(AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk))
                   .order_by("at", "id").values_list("action", flat=True))  # fmt: skip
    assert actions == [
        "report.create", "report.update", "report.draft", "report.submit", "report.review", "report.return",
        "report.draft", "report.submit", "report.accept", "report.amend",
    ]  # fmt: skip
    steps = list(report.steps.values_list("action", flat=True))
    assert steps == ["create", "draft", "submit", "review", "return", "draft", "submit", "accept", "amend"]


def _fake_draft(report: Report, *, revision: int | None = None) -> ReportVersion:
    """A draft row without rendering, for the checks that refuse before any file is made."""
    return ReportVersion.objects.create(
        report=report, number=report.versions.count() + 1, kind=VersionKind.DRAFT,
        revision=report.revision if revision is None else revision, snapshot={"sections": []}, snapshot_sha256="0" * 64,
        xlsx_name="x", xlsx_sha256="0" * 64, pdf_name="p", pdf_sha256="0" * 64, cut_off=dt.date(2026, 3, 31),
    )  # fmt: skip


def test_only_the_department_s_leader_signs_the_province_s_report(world, small):
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    draft = _fake_draft(report)
    for actor, error in (
        (world.province_a_officer, PermissionDenied),  # no report.submit
        (world.province_a_committee, PermissionDenied),  # a leader, but of the UBND, not of the Sở
        (world.central_leader, PermissionDenied),  # the Cục does not sign a province's report
        (world.province_b_officer, NotFound),  # another province: not even there
        (world.establishment_user, PermissionDenied),
    ):
        with pytest.raises(error):
            report_transition(actor=actor, report_id=report.pk, action="submit", revision=report.revision,
                              version_id=draft.pk, signature=SIGNATURE)  # fmt: skip
    assert fresh(report).status == ReportStatus.DRAFT
    with pytest.raises(PermissionDenied) as raised:
        report_transition(actor=world.province_a_committee, report_id=report.pk, action="submit",
                          revision=report.revision, version_id=draft.pk, signature=SIGNATURE)  # fmt: skip
    assert "lãnh đạo Sở Công Thương" in raised.value.message


def test_signing_needs_a_current_draft_and_a_complete_signature(world, small):
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    with pytest.raises(ValidationFailed) as raised:
        sign(world, report, ReportVersion(pk=999_999))
    assert "version_id" in raised.value.details
    draft = _fake_draft(report)
    for overrides, field in (
        ({"number": " "}, "number"),
        ({"date": dt.date(2099, 1, 1)}, "date"),
        ({"date": dt.date(2025, 12, 31)}, "date"),
        ({"signer_name": ""}, "signer_name"),
        ({"signer_title": ""}, "signer_title"),
    ):
        with pytest.raises(ValidationFailed) as raised:
            sign(world, report, draft, **overrides)
        assert field in raised.value.details, overrides
    report = report_update(actor=world.province_a_officer, report_id=report.pk, revision=report.revision,
                           data={"narratives": {"tinh_hinh": "Sửa sau bản nháp."}})  # fmt: skip
    with pytest.raises(Conflict) as raised:  # the draft predates the edit: sign a new one
        sign(world, report, draft)
    assert "bản nháp mới" in raised.value.message
    assert not ReportVersion.objects.filter(report=report).exclude(kind=VersionKind.DRAFT).exists()
    assert not AuditEvent.objects.filter(action="report.submit").exists()


def test_stale_or_refused_steps_write_nothing(world, small):
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        report_update(actor=world.province_a_officer, report_id=report.pk, revision=report.revision + 1,
                      data={"place": "Hà Đông"})  # fmt: skip
    with pytest.raises(ValidationFailed) as raised:
        report_update(actor=world.province_a_officer, report_id=report.pk, revision=report.revision,
                      data={"place": "  ", "narratives": {"khong_co": "x"}})  # fmt: skip
    assert set(raised.value.details) == {"place", "narrative_khong_co"}
    with pytest.raises(Conflict):  # nothing to accept: the report is still being prepared
        report_transition(actor=world.central_leader, report_id=report.pk, action="accept", revision=report.revision)
    with pytest.raises(PermissionDenied):
        report_update(actor=world.province_a_leader, report_id=report.pk, revision=report.revision,
                      data={"place": "Hà Đông"})  # fmt: skip
    stored = fresh(report)
    assert (stored.place, stored.revision, stored.status) == ("Hà Nội", report.revision, ReportStatus.DRAFT)
    assert AuditEvent.objects.count() == before


def test_returning_needs_a_reason(world, small):
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    with pytest.raises(ValidationFailed) as raised:
        report_transition(actor=world.central_leader, report_id=report.pk, action="return", revision=report.revision)
    assert "note" in raised.value.details
    assert fresh(report).status == ReportStatus.SUBMITTED


def test_who_creates_which_report(world, small):
    period = parse_period("2026-Q1")
    with pytest.raises(PermissionDenied):  # the Cục does not prepare a province's periodic report
        report_create(actor=world.central_officer, definition_id=world.periodic.pk, period=period)
    with pytest.raises(PermissionDenied):  # a province does not prepare the national report
        report_create(actor=world.province_a_officer, definition_id=world.national.pk, period=period)
    with pytest.raises(PermissionDenied):  # leaders sign, officers prepare
        report_create(actor=world.province_a_leader, definition_id=world.periodic.pk, period=period)
    with pytest.raises(PermissionDenied):
        report_create(actor=world.establishment_user, definition_id=world.periodic.pk, period=period)
    with pytest.raises(NotFound):  # a province's officer cannot make a list for another province
        report_create(actor=world.province_a_officer, definition_id=world.register.pk, period=period,
                      province_id=world.province_b.pk)  # fmt: skip
    with pytest.raises(ValidationFailed) as raised:  # the periodic report has no ad hoc periods
        report_create(actor=world.province_a_officer, definition_id=world.periodic.pk,
                      period=parse_period("2026-01-01..2026-02-15"))  # fmt: skip
    assert "period_type" in raised.value.details
    first = report_create(actor=world.province_a_officer, definition_id=world.periodic.pk, period=period)
    assert first.province_id == world.province_a.pk and first.agency.code == "SCT-01"
    with pytest.raises(Conflict) as raised:
        report_create(actor=world.province_a_officer, definition_id=world.periodic.pk, period=period)
    assert raised.value.details["existing"] == [str(first.pk)]
    listed = report_create(actor=world.central_officer, definition_id=world.register.pk, period=period,
                           province_id=world.province_b.pk)  # fmt: skip
    assert listed.province_id == world.province_b.pk and listed.agency.code == "SCT-79"
    national = report_create(actor=world.central_officer, definition_id=world.national.pk, period=period)
    assert national.province_id is None and national.agency.code == "CUC" and national.place == "Hà Nội"


def test_the_national_report_is_issued_by_a_central_leader(world):
    definition = ReportDefinition.objects.create(
        code="bc-thu-quoc-gia", title="Tổng hợp giải ngân", level="national", period_types=["quarter"],
        symbol="BC-ĐMST", signer_title="CỤC TRƯỞNG",
        sections=[{"key": "kinh_phi", "kind": "funds_by_source", "title": "Kinh phí", "options": {}}],
    )  # fmt: skip
    report = report_create(actor=world.central_officer, definition_id=definition.pk, period=parse_period("2026-Q1"))
    report_generate(actor=world.central_officer, report_id=report.pk)
    draft = ReportVersion.objects.get(report=report)
    signature = {**SIGNATURE, "signer_title": "CỤC TRƯỞNG", "signer_name": "Trần Thị Lãnh Đạo"}
    with pytest.raises(NotFound):  # a national report is not even visible to a province
        report_transition(actor=world.province_a_leader, report_id=report.pk, action="issue",
                          revision=report.revision, version_id=draft.pk, signature=signature)  # fmt: skip
    job = report_transition(actor=world.central_leader, report_id=report.pk, action="issue",
                            revision=report.revision, version_id=draft.pk, signature=signature)  # fmt: skip
    job.refresh_from_db()
    assert not job.result.get("failed"), job.result
    report = fresh(report)
    assert report.status == ReportStatus.ISSUED
    issued = ReportVersion.objects.get(report=report, kind=VersionKind.SUBMITTED)
    assert issued.snapshot["header"]["parent"] == "BỘ CÔNG THƯƠNG"
    assert issued.snapshot["header"]["agency"] == "CỤC ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI XANH VÀ KHUYẾN CÔNG"


def test_the_agency_s_name_is_the_one_it_had_on_the_day(world):
    from khuyencong.reports.snapshot import header_for

    report = report_create(actor=world.central_officer, definition_id=world.national.pk,
                           period=parse_period("2024-Q4"))  # fmt: skip
    old = header_for(report, day=dt.date(2025, 1, 10))
    assert old["agency"] == "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"
    assert header_for(report, day=dt.date(2025, 3, 1))["agency"].startswith("CỤC ĐỔI MỚI SÁNG TẠO")


def test_versions_are_written_once(world, small):
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    version = _fake_draft(report)
    version.note = "sửa"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()
    with pytest.raises(ImmutableVersionError):
        ReportVersion.objects.filter(pk=version.pk).update(note="sửa")
    with pytest.raises(ImmutableVersionError):
        ReportVersion.objects.filter(pk=version.pk).delete()
    table = ReportVersion._meta.db_table
    for statement in (f"UPDATE {table} SET note = 'sửa' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [version.pk])
    assert ReportVersion.objects.get(pk=version.pk).note == ""


def test_a_report_reached_from_another_province_is_not_found(world, small):
    from khuyencong.accounts.access import access_report, access_report_version

    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    version = _fake_draft(report)
    assert access_report(world.province_a_viewer, report.pk) == report
    assert access_report_version(world.central_leader, report.pk, version.pk) == version
    with pytest.raises(NotFound):
        access_report(world.province_b_officer, report.pk)
    with pytest.raises(NotFound):
        access_report_version(world.province_b_officer, report.pk, version.pk)
    other = report_create(actor=world.central_officer, definition_id=world.register.pk,
                          period=parse_period("2026-Q1"), province_id=world.province_b.pk)  # fmt: skip
    with pytest.raises(NotFound):  # a version id of A's report under B's report id
        access_report_version(world.central_officer, other.pk, version.pk)
    with pytest.raises(PermissionDenied):
        access_report(world.establishment_user, report.pk)
