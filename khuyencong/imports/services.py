"""Writes of the import pipeline: upload a file, confirm its columns, validate, commit, undo; saved mappings.

Only holders of `import.run` act, on batches of their scope. Validation and commit run as background jobs
(started after the transaction that moved the batch to its busy state has committed). `actor=None` is the
system (the management command run by an administrator on the server).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.access import PROVINCE, access_import_batch, user_scope
from khuyencong.accounts.roles import can
from khuyencong.audit.services import audit_record
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.imports import pipeline
from khuyencong.imports.importers import importer_for
from khuyencong.imports.models import ImportBatch, ImportMode, ImportStatus, SavedMapping
from khuyencong.imports.readers import detect_csv_encoding, detect_format

CONFIGURABLE = {ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.REJECTED, ImportStatus.FAILED}
COMMITTABLE = {ImportStatus.VALIDATED, ImportStatus.REJECTED}


def _require(actor) -> None:
    if actor is not None and not can(actor, "import.run"):
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.")


def _load(actor, batch_id) -> ImportBatch:
    if actor is not None:
        access_import_batch(actor, batch_id)
    try:
        return ImportBatch.objects.select_for_update().get(pk=batch_id)
    except (ImportBatch.DoesNotExist, ValueError):
        raise NotFound("Không tìm thấy lô nhập.") from None


def _batch_province(actor, province) -> Unit | None:
    """A provincial user imports into its province; a national user (or the system) into the chosen
    province, or into several provinces named in the file (None)."""
    scope = user_scope(actor) if actor is not None else None
    if scope is not None and scope.kind == PROVINCE:
        return Unit.objects.get(pk=scope.province_id)
    if province in (None, ""):
        return None
    unit = province if isinstance(province, Unit) else Unit.objects.filter(pk=province).first()
    if unit is None or unit.level != UnitLevel.PROVINCE or not unit.is_current:
        raise ValidationFailed("Tỉnh không hợp lệ.", details={"province": ["Chọn một tỉnh hiện nay."]})
    return unit


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_batch_create(
    *, actor, kind: str, upload, province=None, as_of: dt.date | None = None, saved_mapping_id=None
) -> ImportBatch:
    """Store the uploaded file privately, check its content, find its header and propose a mapping."""
    _require(actor)
    importer = importer_for(kind)
    name = Path(getattr(upload, "name", "") or "tep").name
    size = getattr(upload, "size", None)
    if size is None or size <= 0:
        raise ValidationFailed("Tệp rỗng.", details={"file": ["Tệp rỗng."]})
    if size > settings.UPLOAD_MAX_BYTES:
        message = (
            f"Tệp quá lớn ({size / 1048576:.1f} MB): tối đa {settings.UPLOAD_MAX_BYTES // 1048576} MB. "
            "Hãy chia tệp hoặc lưu dạng .csv."
        )
        raise ValidationFailed(message, details={"file": [message]})
    batch_province = _batch_province(actor, province)
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValidationFailed("Ngày địa giới không được sau hôm nay.", details={"as_of": ["Không được sau hôm nay."]})
    extension = Path(name).suffix.lower()
    batch = ImportBatch(
        kind=kind,
        original_name=name[:255],
        file_size=size,
        province=batch_province,
        as_of=as_of,
        created_by=actor if actor is not None else None,
        file_format=extension.lstrip(".")[:5],
    )
    batch.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    path = Path(batch.file.path)
    try:
        batch.file_format = detect_format(path, name)
        if batch.file_format == "csv":
            batch.text_encoding = detect_csv_encoding(path)
        batch.file_hash = _sha256(path)
        if saved_mapping_id:
            saved = SavedMapping.objects.filter(pk=saved_mapping_id, owner=actor, kind=kind).first()
            if saved is None:
                raise ValidationFailed("Không tìm thấy mẫu ánh xạ.", details={"saved_mapping": ["Không tồn tại."]})
        pipeline.sniff(batch, importer)
        if saved_mapping_id:
            pipeline.apply_saved_mapping(batch, saved.mapping, importer)
        earlier = (
            ImportBatch.objects.filter(file_hash=batch.file_hash, kind=kind, status=ImportStatus.COMMITTED)
            .order_by("-committed_at")
            .first()
        )
        if earlier is not None:
            batch.message = (
                f"Lưu ý: tệp giống hệt tệp đã nhập lúc {timezone.localtime(earlier.committed_at):%H:%M %d/%m/%Y}. "
                "Nhập lại sẽ cập nhật các cơ sở theo mã số thuế."
            )
        with transaction.atomic():
            batch.save()
            audit_record(
                actor=actor,
                action="import.upload",
                obj=batch,
                province_id=batch.province_id,
                after={
                    "file": name,
                    "sha256": batch.file_hash,
                    "bytes": size,
                    "format": batch.file_format,
                    "as_of": as_of,
                    "header_row": batch.header_row,
                },
            )
    except Exception:
        batch.file.storage.delete(batch.file.name)
        raise
    return batch


def mapping_problems(batch: ImportBatch) -> list[str]:
    importer = importer_for(batch.kind)
    problems = []
    seen: dict[str, int] = {}
    for index, name in sorted(batch.mapping.items(), key=lambda item: int(item[0])):
        try:
            column = importer.column(name)
        except StopIteration:
            problems.append(f"Trường “{name}” không có trong dữ liệu cơ sở.")
            continue
        if name in seen:
            problems.append(
                f"Hai cột “{batch.headers[seen[name]]}” và “{batch.headers[int(index)]}” cùng gán cho “{column.label}”."
            )
        seen[name] = int(index)
    problems += importer.mapping_problems(batch)
    return problems


def import_batch_configure(
    *,
    actor,
    batch_id,
    version,
    mapping: dict[str, str],
    as_of: dt.date,
    mode: str,
    sheet_name: str = "",
    header_row: int | None = None,
    save_as: str = "",
    reread: bool = False,
) -> ImportBatch:
    """Set the sheet, header row, column mapping, date of the unit names and mode; optionally keep the mapping
    under a name. `reread` finds the header again (after choosing another sheet or header row)."""
    _require(actor)
    with transaction.atomic():
        batch = _load(actor, batch_id)
        if batch.version != int(version or 0):
            raise Conflict("Lô nhập vừa được thay đổi ở nơi khác: hãy tải lại trang.")
        if batch.status not in CONFIGURABLE:
            raise Conflict(f"Lô nhập đang ở trạng thái “{batch.get_status_display()}”, không sửa cột được nữa.")
        if mode not in ImportMode.values:
            raise ValidationFailed("Chế độ nhập không hợp lệ.", details={"mode": ["Chọn chế độ nhập."]})
        if as_of > timezone.localdate():
            raise ValidationFailed(
                "Ngày địa giới không được sau hôm nay.", details={"as_of": ["Không được sau hôm nay."]}
            )
        batch.as_of, batch.mode = as_of, mode
        importer = importer_for(batch.kind)
        if reread:
            batch.sheet_name = sheet_name or batch.sheet_name
            pipeline.sniff(batch, importer, header_row=header_row)
        else:
            known = {column.name for column in importer.columns}
            batch.mapping = {
                str(index): name
                for index, name in mapping.items()
                if name in known and str(index).isdigit() and int(index) < len(batch.headers)
            }
            problems = mapping_problems(batch)
            if problems:
                raise ValidationFailed(" ".join(problems), details={"mapping": problems})
        if save_as.strip():
            SavedMapping.objects.update_or_create(
                owner=actor,
                kind=batch.kind,
                name=save_as.strip()[:120],
                defaults={"mapping": pipeline.mapping_by_header(batch)},
            )
        batch.status = ImportStatus.UPLOADED
        batch.version += 1
        batch.save()
    return batch


def _start(actor, batch: ImportBatch, *, kind: str, label: str, task_obj):
    from khuyencong.jobs.services import job_start

    job = job_start(
        actor=actor, kind=kind, label=label, task_obj=task_obj, batch_id=batch.pk, actor_id=getattr(actor, "pk", None)
    )
    ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    return job


def import_batch_validate(*, actor, batch_id):
    """Check every row in the background; the batch page shows the progress, then the preview."""
    from khuyencong.imports.tasks import validate_task

    _require(actor)
    with transaction.atomic():
        batch = _load(actor, batch_id)
        if batch.status not in CONFIGURABLE:
            raise Conflict(f"Lô nhập đang ở trạng thái “{batch.get_status_display()}”.")
        problems = mapping_problems(batch)
        if problems:
            raise ValidationFailed(" ".join(problems), details={"mapping": problems})
        batch.status = ImportStatus.VALIDATING
        batch.version += 1
        batch.save(update_fields=["status", "version"])
    return _start(
        actor, batch, kind="imports.validate", label=f"Kiểm tra tệp {batch.original_name}", task_obj=validate_task
    )


def import_batch_commit(*, actor, batch_id, version, mode: str | None = None):
    """Write the rows in the background: all-or-nothing (default) or the valid rows only."""
    from khuyencong.imports.tasks import commit_task

    _require(actor)
    with transaction.atomic():
        batch = _load(actor, batch_id)
        if batch.version != int(version or 0):
            raise Conflict("Lô nhập vừa được thay đổi ở nơi khác: hãy tải lại trang trước khi nhập.")
        if batch.status not in COMMITTABLE:
            raise Conflict(f"Lô nhập đang ở trạng thái “{batch.get_status_display()}”, không nhập được.")
        if mode:
            if mode not in ImportMode.values:
                raise ValidationFailed("Chế độ nhập không hợp lệ.", details={"mode": ["Chọn chế độ nhập."]})
            batch.mode = mode
        batch.status = ImportStatus.COMMITTING
        batch.version += 1
        batch.save(update_fields=["status", "mode", "version"])
    return _start(actor, batch, kind="imports.commit", label=f"Nhập tệp {batch.original_name}", task_obj=commit_task)


def import_batch_run_now(*, actor, batch: ImportBatch, mode: str) -> ImportBatch:
    """Validate and commit at once, without a job (the management command)."""
    _require(actor)
    problems = mapping_problems(batch)
    if problems:
        raise ValidationFailed(" ".join(problems), details={"mapping": problems})
    batch.mode = mode
    batch.save(update_fields=["mode"])
    pipeline.commit_batch(batch, importer_for(batch.kind), actor=actor)
    batch.refresh_from_db()
    return batch


def import_batch_undo(*, actor, batch_id, version) -> ImportBatch:
    """Remove what a batch created, when it only created records and none was changed since."""
    _require(actor)
    with transaction.atomic():
        batch = _load(actor, batch_id)
        if batch.version != int(version or 0):
            raise Conflict("Lô nhập vừa được thay đổi ở nơi khác: hãy tải lại trang.")
        if batch.status != ImportStatus.COMMITTED:
            raise Conflict("Chỉ hoàn tác được lô đã nhập.")
        importer = importer_for(batch.kind)
        blocker = importer.undo_blocker(batch)
        if blocker:
            raise Conflict(blocker)
        removed = importer.undo(batch, actor=actor)
        batch.status = ImportStatus.UNDONE
        batch.undone_by = actor
        batch.undone_at = timezone.now()
        batch.message = f"Đã hoàn tác: xóa {removed} bản ghi do lô này tạo."
        batch.version += 1
        batch.save()
        audit_record(
            actor=actor,
            action="import.undo",
            obj=batch,
            province_id=batch.province_id,
            after={"removed": removed, "file": batch.original_name, "sha256": batch.file_hash},
        )
    return batch


def saved_mapping_delete(*, actor, mapping_id) -> None:
    _require(actor)
    deleted, _ = SavedMapping.objects.filter(pk=mapping_id, owner=actor).delete()
    if not deleted:
        raise NotFound("Không tìm thấy mẫu ánh xạ.")
