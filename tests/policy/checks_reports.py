"""Routes of the periodic reports: pages, downloads and the API.

The world holds, in province A, a provincial report of a two-section definition (quick to render) in draft with
one draft version whose files are stored, and a job of province A's officer. Rows are created directly (the
services are exercised in tests/reports); what matters here is who reaches each route, and that province B's
officer gets 404 for province A's report and files, by URL and through the API.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from khuyencong.accounts.models import Agency
from khuyencong.jobs.models import Job
from khuyencong.reports.models import Report, ReportDefinition, ReportPeriodRule, ReportVersion
from khuyencong.reports.storage import store
from tests.policy.checks_registry import PRIVATE_ROOT
from tests.policy.model import SEES_PROVINCE_A, SIGNED_IN, Check

VIEWERS = SIGNED_IN - {"establishment_user"}
CREATORS = frozenset({"central_admin", "central_officer", "province_a_officer", "province_b_officer"})
PREPARER_A = frozenset({"province_a_officer"})
SIGNER_A = frozenset({"province_a_leader"})
ADMIN = frozenset({"central_admin"})
HIDDEN_A = frozenset({"province_b_officer"})


def build(world) -> None:
    settings.PRIVATE_MEDIA_ROOT = PRIVATE_ROOT  # report files go to the matrix's temporary private folder
    world.periodic_rule = ReportPeriodRule.objects.filter(definition__code="bc-dinh-ky-tinh").first()
    world.rep_definition = ReportDefinition.objects.create(
        code="bc-kiem-tra-phan-quyen", title="Báo cáo kiểm tra phân quyền", level="provincial",
        period_types=["quarter"], symbol="BC-SCT", signer_title="GIÁM ĐỐC",
        sections=[{"key": "kinh_phi", "kind": "funds_by_source", "title": "Kinh phí", "options": {}}],
    )  # fmt: skip
    world.rep_report = Report.objects.create(
        definition=world.rep_definition, period_type="quarter", period_key="2026-Q1", year=2026,
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31), province=world.province_a,
        agency=Agency.objects.get(code="SCT-01"), place="Hà Nội", created_by=world.province_a_officer,
    )  # fmt: skip
    xlsx, pdf = store(b"PK policy workbook", "xlsx"), store(b"%PDF-1.4 policy", "pdf")
    world.rep_version = ReportVersion.objects.create(
        report=world.rep_report, number=1, kind="draft", revision=1, snapshot={"sections": []},
        snapshot_sha256="0" * 64, xlsx_name=xlsx.name, xlsx_sha256=xlsx.sha256, pdf_name=pdf.name,
        pdf_sha256=pdf.sha256, cut_off=dt.date(2026, 3, 31), created_by=world.province_a_officer,
    )  # fmt: skip
    world.rep_job = Job.objects.create(kind="reports.generate", label="Bản nháp", owner=world.province_a_officer)


def report(w) -> dict:
    return {"report_id": w.rep_report.pk}


def version(w) -> dict:
    return {"report_id": w.rep_report.pk, "version_id": w.rep_version.pk}


def signature(w) -> dict:
    return {
        "action": "submit", "revision": w.rep_report.revision, "version_id": w.rep_version.pk,
        "signature": {"number": "15", "date": "2026-04-08", "signer_title": "GIÁM ĐỐC", "signer_name": "Phạm Thị Bình"},
    }  # fmt: skip


def new_report(w) -> dict:
    return {"definition": str(ReportDefinition.objects.get(code="so-giai-ngan").pk), "period_type": "year",
            "year": "2026", "unit_basis": "current"}  # fmt: skip


CHECKS = [
    Check("reports:list", allowed=VIEWERS),
    Check("reports:new", allowed=CREATORS, note="leaders sign, they do not prepare"),
    Check(
        "reports:new",
        method="POST",
        allowed=CREATORS,
        data=new_report,
        note="a province's officer makes its province's register, the Cục the national one",
    ),  # fmt: skip
    Check("reports:filing_status", allowed=VIEWERS, note="a province sees its own row"),
    Check("reports:definitions", allowed=VIEWERS),
    Check(
        "reports:definition_edit",
        allowed=ADMIN,
        args=lambda w: {"definition_id": w.rep_definition.pk},
        note="national reference data: reference.manage at national scope",
    ),  # fmt: skip
    Check("reports:rule_new", allowed=ADMIN, args=lambda w: {"definition_id": w.rep_definition.pk}),
    Check(
        "reports:rule_edit",
        allowed=ADMIN,
        args=lambda w: {"definition_id": w.periodic_rule.definition_id, "rule_id": w.periodic_rule.pk},
    ),  # fmt: skip
    Check("reports:detail", allowed=SEES_PROVINCE_A, hidden=HIDDEN_A, args=report),
    Check(
        "reports:edit",
        allowed=PREPARER_A,
        hidden=HIDDEN_A,
        args=report,
        note="a province's report is written by its own officers",
    ),  # fmt: skip
    Check("reports:generate", method="POST", allowed=PREPARER_A, hidden=HIDDEN_A, args=report),
    Check(
        "reports:transition",
        allowed=SIGNER_A,
        hidden=HIDDEN_A,
        args=lambda w: {"report_id": w.rep_report.pk, "action": "submit"},
        note="only the Sở's leader signs (not the UBND's, not the Cục)",
    ),  # fmt: skip
    Check("reports:version", allowed=SEES_PROVINCE_A, hidden=HIDDEN_A, args=version),
    Check(
        "reports:download", allowed=SEES_PROVINCE_A, hidden=HIDDEN_A, args=lambda w: {**version(w), "fmt": "pdf"}
    ),  # fmt: skip
    # API
    Check("/api/v1/reports", allowed=VIEWERS),
    Check(
        "/api/v1/reports",
        method="POST",
        allowed=CREATORS,
        json=True,
        data=lambda w: {"definition": "so-giai-ngan", "period": "2026"},
    ),  # fmt: skip
    Check("/api/v1/reports/definitions", allowed=VIEWERS),
    Check("/api/v1/reports/filings", allowed=VIEWERS),
    Check(
        "/api/v1/reports/jobs/{job_id}",
        allowed=PREPARER_A,
        hidden=SIGNED_IN - PREPARER_A,
        args=lambda w: {"job_id": w.rep_job.pk},
        note="a job is its owner's",
    ),  # fmt: skip
    Check("/api/v1/reports/{report_id}", allowed=SEES_PROVINCE_A, hidden=HIDDEN_A, args=report),
    Check(
        "/api/v1/reports/{report_id}",
        method="PUT",
        allowed=PREPARER_A,
        hidden=HIDDEN_A,
        args=report,
        json=True,
        data=lambda w: {"revision": w.rep_report.revision, "narratives": {}},
    ),  # fmt: skip
    Check("/api/v1/reports/{report_id}/drafts", method="POST", allowed=PREPARER_A, hidden=HIDDEN_A, args=report),
    Check(
        "/api/v1/reports/{report_id}/transitions",
        method="POST",
        allowed=SIGNER_A,
        hidden=HIDDEN_A,
        args=report,
        json=True,
        data=signature,
    ),  # fmt: skip
    Check(
        "/api/v1/reports/{report_id}/versions/{version_id}", allowed=SEES_PROVINCE_A, hidden=HIDDEN_A, args=version
    ),  # fmt: skip
    Check(
        "/api/v1/reports/{report_id}/versions/{version_id}/snapshot",
        allowed=SEES_PROVINCE_A,
        hidden=HIDDEN_A,
        args=version,
    ),  # fmt: skip
    Check(
        "/api/v1/reports/{report_id}/versions/{version_id}/files/{fmt}",
        allowed=SEES_PROVINCE_A,
        hidden=HIDDEN_A,
        args=lambda w: {**version(w), "fmt": "xlsx"},
    ),  # fmt: skip
]
