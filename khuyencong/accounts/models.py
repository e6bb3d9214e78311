"""Agencies (with dated names), users, and personal API tokens.

What a user may do comes from its roles (`roles.py`); which rows it reaches comes from its agency's
jurisdiction or, for an establishment representative, its establishment (`access.py`).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", "Bộ"
    CENTRAL_DEPARTMENT = "central_department", "Cục (cơ quan quản lý khuyến công trung ương)"
    REGIONAL_CENTRE = "regional_centre", "Trung tâm khuyến công vùng"
    PROVINCIAL_DEPARTMENT = "provincial_department", "Sở Công Thương"
    PROVINCIAL_CENTRE = "provincial_centre", "Trung tâm Khuyến công tỉnh"
    PROVINCIAL_COMMITTEE = "provincial_committee", "Ủy ban nhân dân tỉnh"


class Agency(models.Model):
    code = models.CharField("Mã cơ quan", max_length=30, unique=True)
    kind = models.CharField("Loại cơ quan", max_length=30, choices=AgencyKind.choices)
    name = models.CharField("Tên hiện nay", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=60, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="Cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    jurisdiction = models.ForeignKey(
        "geo.Unit",
        verbose_name="Địa bàn quản lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống với cơ quan trung ương (phạm vi toàn quốc).",
    )
    is_active = models.BooleanField("Đang hoạt động", default=True)

    class Meta:
        verbose_name = "Cơ quan"
        verbose_name_plural = "Cơ quan"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def name_on(self, day: dt.date) -> str:
        """The agency's name as it was on `day` (agencies are renamed: Cục Công Thương địa phương → …)."""
        for record in self.names.all():
            if (record.valid_from is None or record.valid_from <= day) and (
                record.valid_to is None or day <= record.valid_to
            ):
                return record.name
        return self.name


class AgencyName(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("Tên", max_length=255)
    valid_from = models.DateField("Từ ngày", null=True, blank=True)
    valid_to = models.DateField("Đến ngày", null=True, blank=True)
    citation = models.CharField("Căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "Tên cơ quan theo thời kỳ"
        verbose_name_plural = "Tên cơ quan theo thời kỳ"
        ordering = ["agency", "valid_from"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField("Họ và tên", max_length=150, blank=True)
    phone = models.CharField("Điện thoại", max_length=30, blank=True)
    position = models.CharField("Chức vụ", max_length=120, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name="Cơ quan", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    establishment = models.ForeignKey(
        "registry.Establishment",
        verbose_name="Cơ sở CNNT đại diện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    deactivated_at = models.DateTimeField("Ngừng hoạt động lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Người dùng"
        verbose_name_plural = "Người dùng"
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=True) | Q(establishment__isnull=True),
                name="accounts_user_agency_or_establishment",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; the secret is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("Tên gợi nhớ", max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("Hết hạn", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Khóa API cá nhân"
        verbose_name_plural = "Khóa API cá nhân"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
