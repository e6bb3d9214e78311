"""Rural industrial establishments (cơ sở CNNT): registered once, scoped by their current province."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class EstablishmentStatus(models.TextChoices):
    PENDING = "pending", "Chờ duyệt"
    ACTIVE = "active", "Đang hoạt động"
    REJECTED = "rejected", "Bị từ chối"
    MERGED = "merged", "Đã gộp vào cơ sở khác"


class Establishment(models.Model):
    name = models.CharField("Tên cơ sở", max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    tax_code = models.CharField("Mã số thuế", max_length=14, null=True, blank=True)
    province = models.ForeignKey(
        "geo.Unit",
        verbose_name="Tỉnh",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    commune = models.ForeignKey(
        "geo.Unit", verbose_name="Xã/phường", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "Trạng thái", max_length=10, choices=EstablishmentStatus.choices, default=EstablishmentStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Cơ sở CNNT"
        verbose_name_plural = "Cơ sở CNNT"
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=Q(tax_code__isnull=False), name="registry_establishment_tax_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["province", "status"], name="registry_est_province_idx")]

    def __str__(self) -> str:
        return self.name
