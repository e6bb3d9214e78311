"""Audit events: one row per state change, written by the service in the same transaction.

Rows can only be inserted. The model refuses saves of existing rows and deletes, its queryset refuses bulk
updates and deletes, and database triggers (see the migration) refuse UPDATE and DELETE from any client.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImmutableAuditError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableAuditError("Audit events cannot be updated.")

    def delete(self):
        raise ImmutableAuditError("Audit events cannot be deleted.")

    _raw_delete = delete


class AuditEvent(models.Model):
    at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("Tên người thực hiện", max_length=200, blank=True)
    action = models.CharField("Hành động", max_length=80, db_index=True)
    object_type = models.CharField("Loại đối tượng", max_length=80, blank=True)
    object_id = models.CharField("Mã đối tượng", max_length=64, blank=True)
    object_label = models.CharField("Đối tượng", max_length=300, blank=True)
    province_id = models.BigIntegerField("Tỉnh liên quan", null=True, blank=True)
    before = models.JSONField("Trước", null=True, blank=True)
    after = models.JSONField("Sau", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    ip = models.GenericIPAddressField("Địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("Trình duyệt", max_length=400, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "Sự kiện kiểm tra"
        verbose_name_plural = "Nhật ký kiểm tra"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["province_id", "at"], name="audit_province_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableAuditError("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableAuditError("Audit events cannot be deleted.")
