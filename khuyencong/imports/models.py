"""Import batches: one uploaded file, its column mapping, its row issues, and what its commit wrote.

A batch is scoped like the records it writes: `province` is the province it imports into (None: a national
user's file spanning provinces, visible to national users only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.imports.storage import private_storage


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Chờ xác nhận cột")
    VALIDATING = "validating", _("Đang kiểm tra")
    VALIDATED = "validated", _("Đã kiểm tra, chờ nhập")
    COMMITTING = "committing", _("Đang nhập")
    COMMITTED = "committed", _("Đã nhập")
    REJECTED = "rejected", _("Không nhập (có dòng lỗi)")
    FAILED = "failed", _("Lỗi hệ thống")
    UNDONE = "undone", _("Đã hoàn tác")


class ImportMode(models.TextChoices):
    ALL = "all", _("Tất cả hoặc không (mặc định): có dòng lỗi thì không nhập gì")
    VALID_ONLY = "valid-only", _("Chỉ nhập các dòng hợp lệ, bỏ qua dòng lỗi")


class ImportBatch(models.Model):
    kind = models.CharField(_("Loại dữ liệu"), max_length=40)
    status = models.CharField(
        _("Trạng thái"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    mode = models.CharField(_("Chế độ nhập"), max_length=12, choices=ImportMode.choices, default=ImportMode.ALL)
    file = models.FileField(storage=private_storage, upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("Tên tệp"), max_length=255)
    file_format = models.CharField(_("Định dạng"), max_length=5)
    file_size = models.PositiveBigIntegerField(_("Dung lượng (byte)"))
    file_hash = models.CharField(_("Mã băm SHA-256"), max_length=64, db_index=True)
    text_encoding = models.CharField(max_length=20, blank=True, help_text="CSV only: the encoding detected.")
    sheet_name = models.CharField(_("Trang tính"), max_length=120, blank=True)
    header_row = models.PositiveIntegerField(_("Dòng tiêu đề"), default=1)
    header_depth = models.PositiveSmallIntegerField(default=1, help_text="2 when a merged header row sits above.")
    headers = models.JSONField(default=list, help_text="Header text of each column, merged headers joined.")
    mapping = models.JSONField(default=dict, help_text="{column index: field name}")
    legacy_columns = models.JSONField(default=dict, help_text="{column index: 'tcvn3'|'vni'} detected encodings")
    as_of = models.DateField(_("Địa giới hành chính tại ngày"))
    province = models.ForeignKey(
        "geo.Unit", verbose_name=_("Tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("Số dòng dữ liệu"), default=0)
    error_rows = models.PositiveIntegerField(_("Số dòng lỗi"), default=0)
    warning_rows = models.PositiveIntegerField(_("Số dòng cảnh báo"), default=0)
    created_count = models.PositiveIntegerField(_("Tạo mới"), default=0)
    updated_count = models.PositiveIntegerField(_("Cập nhật"), default=0)
    rejected_count = models.PositiveIntegerField(_("Không nhập"), default=0)
    column_stats = models.JSONField(default=list)
    preview_rows = models.JSONField(default=list)
    message = models.CharField(_("Thông báo"), max_length=500, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("Lô nhập dữ liệu")
        verbose_name_plural = _("Lô nhập dữ liệu")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["province", "created_at"], name="imports_batch_province_idx"),
            models.Index(fields=["created_by", "created_at"], name="imports_batch_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%d/%m/%Y %H:%M})" if self.created_at else self.original_name

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows

    @property
    def is_busy(self) -> bool:
        return self.status in {ImportStatus.VALIDATING, ImportStatus.COMMITTING}


class IssueSeverity(models.TextChoices):
    ERROR = "error", _("Lỗi")
    WARNING = "warning", _("Cảnh báo")


class ImportIssue(models.Model):
    """A problem with one row (or, row 0, with the file): every error of a row is kept, not only the first."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("Dòng"))
    column = models.CharField(_("Cột"), max_length=255, blank=True)
    field = models.CharField(max_length=60, blank=True)
    severity = models.CharField(_("Mức độ"), max_length=8, choices=IssueSeverity.choices, default=IssueSeverity.ERROR)
    message = models.CharField(_("Nội dung"), max_length=500)

    class Meta:
        verbose_name = _("Lỗi dòng nhập")
        verbose_name_plural = _("Lỗi dòng nhập")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["batch", "severity", "row"], name="imports_issue_batch_idx")]

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}"


class SavedMapping(models.Model):
    """A column mapping kept by a user for files of the same layout: {folded header: field name}."""

    kind = models.CharField(max_length=40)
    name = models.CharField(_("Tên mẫu ánh xạ"), max_length=120)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Mẫu ánh xạ cột")
        verbose_name_plural = _("Mẫu ánh xạ cột")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "kind", "name"], name="imports_mapping_unique")]

    def __str__(self) -> str:
        return self.name
