"""Routes of the import pipeline: a batch of province A uploaded and checked by province A's officer."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

from khuyencong.imports import services
from khuyencong.imports.models import SavedMapping
from tests.imports.builders import tax_code, upload_of
from tests.policy.checks_registry import PRIVATE_ROOT
from tests.policy.model import Check

IMPORTERS = frozenset(
    {"central_admin", "central_officer", "central_leader", "province_a_officer", "province_a_leader",
     "province_b_officer"}
)  # fmt: skip
IMPORTERS_A = IMPORTERS - {"province_b_officer"}


def build(world) -> None:
    settings.PRIVATE_MEDIA_ROOT = PRIVATE_ROOT
    workbook = Workbook()
    workbook.active.append(["Tên cơ sở", "Mã số thuế", "Xã/phường"])
    workbook.active.append(["Hợp tác xã Gốm Bát Tràng", tax_code(901), "Bát Tràng"])
    path = Path(tempfile.mkdtemp(prefix="khuyencong-policy-")) / "gom.xlsx"
    workbook.save(path)
    officer = world.province_a_officer
    batch = services.import_batch_create(
        actor=officer, kind="establishments", upload=upload_of(path), as_of=dt.date(2025, 8, 1)
    )
    services.import_batch_validate(actor=officer, batch_id=batch.pk)
    batch.refresh_from_db()
    world.batch_a = batch
    world.mapping_a = SavedMapping.objects.create(kind="establishments", name="Mẫu", owner=officer, mapping={})


def batch(world) -> dict:
    return {"batch_id": world.batch_a.pk}


HIDDEN = frozenset({"province_b_officer", "establishment_user"})

CHECKS = [
    Check("imports:list", allowed=IMPORTERS),
    Check("imports:upload", allowed=IMPORTERS),
    Check("imports:template", allowed=IMPORTERS, args=lambda w: {"kind": "establishments"}),
    Check(
        "imports:mapping_delete",
        method="POST",
        allowed=IMPORTERS,
        args=lambda w: {"mapping_id": w.mapping_a.pk},
        note="others get a message, not the mapping: deletion is filtered to the actor's own mappings",
    ),
    Check("imports:detail", allowed=IMPORTERS_A, hidden=HIDDEN, args=batch),
    Check("imports:configure", method="POST", allowed=IMPORTERS_A, hidden=HIDDEN, args=batch),
    Check(
        "imports:commit",
        method="POST",
        allowed=IMPORTERS_A,
        hidden=HIDDEN,
        args=batch,
        data=lambda w: {"mode": "all", "version": w.batch_a.version},
    ),
    Check("imports:undo", method="POST", allowed=IMPORTERS_A, hidden=HIDDEN, args=batch),
    Check("imports:errors", allowed=IMPORTERS_A, hidden=HIDDEN, args=batch),
]
