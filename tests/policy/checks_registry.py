"""Routes of the registry: establishments, their parts, approval, merge, rules, self-registration, API."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from khuyencong.imports.storage import private_storage
from khuyencong.jobs.models import Job, JobStatus
from khuyencong.registry import services
from khuyencong.registry.models import CertificationKind, Establishment, LegalForm, ProductGroup, SizeThreshold
from khuyencong.registry.tasks import export_file_name
from tests.policy.model import EVERYONE, SEES_PROVINCE_A, SIGNED_IN, Check

# Photos and exports are private files: during the policy run they live in a directory of their own.
PRIVATE_ROOT = tempfile.mkdtemp(prefix="khuyencong-policy-")


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#b4232a").save(buffer, format="PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


def build(world) -> None:
    settings.PRIVATE_MEDIA_ROOT = PRIVATE_ROOT
    a = world.establishment_a
    world.figures_a = services.figures_save(
        actor=None, establishment_id=a.pk, year=2024, data={"employees_total": 12, "employees_insured": 5}
    )
    world.product_a = services.product_create(
        actor=None, establishment_id=a.pk, data={"name": "Giỏ mây", "group": ProductGroup.HANDICRAFT}
    )
    world.photo_a = services.product_photo_add(actor=None, product_id=world.product_a.pk, upload=png())
    world.certification_a = services.certification_create(
        actor=None,
        establishment_id=a.pk,
        data={"kind": CertificationKind.CNNT, "level": "tinh", "issuer": "UBND Thành phố Hà Nội",
              "decision_number": "123/QĐ-UBND", "decision_date": dt.date(2024, 5, 6), "product": world.product_a},
    )  # fmt: skip
    world.pending_a = services.establishment_create(
        actor=None, data={"name": "Hộ kinh doanh Bánh tráng Chờ Duyệt", "legal_form": LegalForm.HOUSEHOLD},
        province=world.province_a,
    )  # fmt: skip
    world.pending_a.status = "pending"
    world.pending_a.save(update_fields=["status"])
    world.rejected_a = services.establishment_create(
        actor=None, data={"name": "Hộ kinh doanh Bị Từ Chối", "legal_form": LegalForm.HOUSEHOLD},
        province=world.province_a,
    )  # fmt: skip
    world.rejected_a.status = "rejected"
    world.rejected_a.save(update_fields=["status"])
    world.threshold = SizeThreshold.objects.first()
    world.export_job = Job.objects.create(
        kind="registry.export", label="Xuất", owner=world.province_a_officer, status=JobStatus.SUCCEEDED
    )
    path = Path(private_storage().path(export_file_name(world.export_job.pk)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")


EDITORS = frozenset({"central_admin", "central_officer", "central_leader", "province_a_officer", "province_a_leader"})
# Who may change establishment A: its province's and the national editors, and its own representative.
WRITERS_A = EDITORS | {"establishment_user"}
HIDDEN_FROM_B = frozenset({"province_b_officer"})
CREATORS = EDITORS | {"province_b_officer"}
APPROVERS_A = frozenset({"central_admin", "central_leader", "province_a_leader"})
ADMIN = frozenset({"central_admin"})


def est(world) -> dict:
    return {"pk": world.establishment_a.pk}


CHECKS = [
    Check("registry:list", allowed=SIGNED_IN),
    Check("registry:export", allowed=SIGNED_IN),
    Check(
        "registry:export_file",
        allowed=frozenset({"province_a_officer"}),
        hidden=SIGNED_IN - {"province_a_officer"},
        args=lambda w: {"job_id": w.export_job.pk},
        note="an export belongs to the user who asked for it",
    ),
    Check("registry:create", allowed=CREATORS),
    Check("registry:commune_options", allowed=EVERYONE, note="today's communes are public reference data"),
    Check("registry:rules", allowed=SIGNED_IN - {"establishment_user"}),
    Check("registry:rule_add", allowed=ADMIN, args=lambda w: {"kind": "quy-mo"}),
    Check("registry:rule_edit", allowed=ADMIN, args=lambda w: {"kind": "quy-mo", "rule_id": w.threshold.pk}),
    Check("registry:detail", allowed=SEES_PROVINCE_A | {"establishment_user"}, hidden=HIDDEN_FROM_B, args=est),
    Check("registry:edit", allowed=WRITERS_A, hidden=HIDDEN_FROM_B, args=est),
    Check(
        "registry:approve",
        method="POST",
        allowed=APPROVERS_A,
        hidden=HIDDEN_FROM_B | {"establishment_user"},
        args=lambda w: {"pk": w.pending_a.pk},
    ),
    Check(
        "registry:reject",
        method="POST",
        allowed=APPROVERS_A,
        hidden=HIDDEN_FROM_B | {"establishment_user"},
        args=lambda w: {"pk": w.pending_a.pk},
        data=lambda w: {"reason": "Thiếu giấy đăng ký kinh doanh"},
    ),
    Check(
        "registry:resubmit",
        method="POST",
        allowed=EDITORS,
        hidden=HIDDEN_FROM_B | {"establishment_user"},
        args=lambda w: {"pk": w.rejected_a.pk},
    ),
    Check("registry:merge", allowed=APPROVERS_A, hidden=HIDDEN_FROM_B, args=est),
    Check("registry:figures_add", allowed=WRITERS_A, hidden=HIDDEN_FROM_B, args=est),
    Check("registry:figures_edit", allowed=WRITERS_A, hidden=HIDDEN_FROM_B, args=lambda w: {**est(w), "year": 2024}),
    Check(
        "registry:figures_delete",
        method="POST",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        args=lambda w: {**est(w), "year": 2024},
    ),
    Check("registry:product_add", allowed=WRITERS_A, hidden=HIDDEN_FROM_B, args=est),
    Check("registry:certification_add", allowed=WRITERS_A, hidden=HIDDEN_FROM_B, args=est),
    Check(
        "registry:product_edit",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"product_id": w.product_a.pk},
    ),
    Check(
        "registry:product_delete",
        method="POST",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"product_id": w.product_a.pk},
    ),
    Check("registry:photo_add", allowed=WRITERS_A, hidden=HIDDEN_FROM_B, args=lambda w: {"product_id": w.product_a.pk}),
    Check(
        "registry:photo",
        allowed=SEES_PROVINCE_A | {"establishment_user"},
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"photo_id": w.photo_a.pk},
    ),
    Check(
        "registry:photo_delete",
        method="POST",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"photo_id": w.photo_a.pk},
    ),
    Check(
        "registry:certification_edit",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"certification_id": w.certification_a.pk},
    ),
    Check(
        "registry:certification_delete",
        method="POST",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"certification_id": w.certification_a.pk},
    ),
    Check("/api/v1/establishments", allowed=SIGNED_IN),
    Check(
        "/api/v1/establishments/{establishment_id}",
        allowed=SEES_PROVINCE_A | {"establishment_user"},
        hidden=HIDDEN_FROM_B,
        args=lambda w: {"establishment_id": w.establishment_a.pk},
    ),
    Check(
        "/api/v1/establishments",
        method="POST",
        allowed=EDITORS,
        json=True,
        data=lambda w: {
            "name": "Hộ kinh doanh Nón lá API",
            "legal_form": "ho_kinh_doanh",
            "province_id": w.province_a.pk,
        },
        note="province B's officer may not create in province A (403)",
    ),
    Check(
        "/api/v1/establishments/{establishment_id}",
        method="PATCH",
        allowed=WRITERS_A,
        hidden=HIDDEN_FROM_B,
        json=True,
        args=lambda w: {"establishment_id": w.establishment_a.pk},
        data=lambda w: {"version": Establishment.objects.get(pk=w.establishment_a.pk).version, "phone": "0912345678"},
    ),
    Check("self_registration:form", allowed=EVERYONE, note="signed-in users are sent to the home page"),
    Check("self_registration:done", allowed=EVERYONE),
]
