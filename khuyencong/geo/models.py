"""Administrative units with history: today's 34 provinces and 3,321 communes, and the units before 2025.

Units are never edited in place when the state changes them: the old row gets `valid_to`, the new row
`valid_from`, and `UnitSuccession` links them, so records kept on legacy units stay true "as they were" and
can be rolled up to today's units.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện (trước 01/07/2025)"
    COMMUNE = "commune", "Cấp xã"


class UnitType(models.TextChoices):
    TINH = "tinh", "Tỉnh"
    THANH_PHO_TW = "thanh_pho_tw", "Thành phố trực thuộc Trung ương"
    QUAN = "quan", "Quận"
    HUYEN = "huyen", "Huyện"
    THI_XA = "thi_xa", "Thị xã"
    THANH_PHO_THUOC_TINH = "thanh_pho_thuoc_tinh", "Thành phố thuộc tỉnh"
    PHUONG = "phuong", "Phường"
    XA = "xa", "Xã"
    THI_TRAN = "thi_tran", "Thị trấn"
    DAC_KHU = "dac_khu", "Đặc khu"


class Unit(models.Model):
    key = models.CharField("Khóa", max_length=40, unique=True, help_text="Ví dụ 2025:province:01, legacy:district:001")
    code = models.CharField("Mã", max_length=5, db_index=True)
    name = models.CharField("Tên", max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    unit_type = models.CharField("Loại đơn vị", max_length=24, choices=UnitType.choices)
    level = models.CharField("Cấp", max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="Đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self",
        verbose_name="Tỉnh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tỉnh chứa đơn vị (chính nó nếu là tỉnh), để lọc nhanh theo phạm vi.",
    )
    valid_from = models.DateField("Hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    successors = models.ManyToManyField(
        "self", through="UnitSuccession", symmetrical=False, related_name="predecessors", blank=True
    )

    class Meta:
        verbose_name = "Đơn vị hành chính"
        verbose_name_plural = "Đơn vị hành chính"
        ordering = ["level", "code"]
        indexes = [
            models.Index(fields=["level", "valid_to"], name="geo_unit_level_valid_idx"),
            models.Index(fields=["parent", "valid_to"], name="geo_unit_parent_valid_idx"),
            models.Index(fields=["province", "level"], name="geo_unit_province_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_unit_type_display()} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class UnitSuccession(models.Model):
    """One old unit → one new unit; a split old unit has several rows, a merger several predecessors."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="succession_out")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="succession_in")
    effective_date = models.DateField("Ngày hiệu lực")
    note = models.CharField("Ghi chú", max_length=300, blank=True)

    class Meta:
        verbose_name = "Kế thừa đơn vị hành chính"
        verbose_name_plural = "Kế thừa đơn vị hành chính"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"
