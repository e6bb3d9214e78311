"""Administrative units with history: today's 34 provinces and 3,321 communes, and the units before 2025.

Units are never edited in place when the state changes them: the old row gets `valid_to`, the new row
`valid_from`, and `UnitSuccession` links them, so records kept on legacy units stay true "as they were" and
can be rolled up to today's units.
"""

from __future__ import annotations

import datetime as dt

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


SHORT_PREFIX = {UnitType.THANH_PHO_TW: "Thành phố", UnitType.THANH_PHO_THUOC_TINH: "Thành phố"}


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
            # Name resolution filters by folded name and level: without this SQLite prefers the level index.
            models.Index(fields=["name_folded", "level"], name="geo_unit_name_level_idx"),
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
        return f"{self.type_prefix} {self.name}"

    @property
    def type_prefix(self) -> str:
        """The word written before the name: "Tỉnh", "Thành phố", "Huyện", "Xã", …"""
        return SHORT_PREFIX.get(self.unit_type, self.get_unit_type_display())

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def valid_on(self, day: dt.date) -> bool:
        """True when the unit existed on `day` (legacy units have no known start: valid since always)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class UnitSuccession(models.Model):
    """One old unit → one new unit; a split old unit has several rows, a merger several predecessors."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="succession_out")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="succession_in")
    effective_date = models.DateField("Ngày hiệu lực")
    is_primary = models.BooleanField(
        "Đơn vị kế thừa chính",
        default=True,
        help_text="Khi một đơn vị cũ bị chia cho nhiều đơn vị mới, số liệu cũ được cộng dồn vào đơn vị chính.",
    )
    note = models.CharField("Ghi chú", max_length=300, blank=True)

    class Meta:
        verbose_name = "Kế thừa đơn vị hành chính"
        verbose_name_plural = "Kế thừa đơn vị hành chính"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


class UnitAlias(models.Model):
    """Spellings that folding alone does not catch: "TP HCM", "Đăk Lăk", "BR-VT", "Thừa Thiên Huế"."""

    alias = models.CharField("Tên gọi khác", max_length=120)
    alias_folded = models.CharField(max_length=120, db_index=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = "Tên gọi khác của đơn vị"
        verbose_name_plural = "Tên gọi khác của đơn vị"
        constraints = [models.UniqueConstraint(fields=["alias_folded", "unit"], name="geo_alias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit}"


class RegionScheme(models.TextChoices):
    VOTING = "voting", "Vùng bình chọn sản phẩm CNNT tiêu biểu (TT 26/2014/TT-BCT)"
    SOCIO = "socio", "Vùng kinh tế - xã hội"


class Region(models.Model):
    scheme = models.CharField("Cách chia vùng", max_length=10, choices=RegionScheme.choices)
    code = models.CharField("Mã vùng", max_length=20)
    name = models.CharField("Tên vùng", max_length=120)
    provinces = models.ManyToManyField(Unit, related_name="regions", verbose_name="Tỉnh")

    class Meta:
        verbose_name = "Vùng"
        verbose_name_plural = "Vùng"
        ordering = ["scheme", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="geo_region_unique")]

    def __str__(self) -> str:
        return self.name


class IndustryCode(models.Model):
    """Vietnam Standard Industrial Classification (VSIC 2018, QĐ 27/2018/QĐ-TTg): sections and divisions
    ship with the project; deeper levels are imported from the official list."""

    version = models.CharField("Phiên bản", max_length=10, default="2018")
    code = models.CharField("Mã ngành", max_length=5)
    level = models.PositiveSmallIntegerField("Cấp")
    name = models.CharField("Tên ngành", max_length=300)
    name_folded = models.CharField(max_length=300, db_index=True, editable=False, default="")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = "Ngành kinh tế (VSIC)"
        verbose_name_plural = "Ngành kinh tế (VSIC)"
        ordering = ["version", "level", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="geo_industry_code_unique")]
        indexes = [models.Index(fields=["version", "level", "code"], name="geo_industry_level_idx")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
