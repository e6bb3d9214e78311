"""Rural industrial establishments (cơ sở CNNT): registered once, scoped by their current province.

An establishment keeps its *current* province and commune (for scope and reports) and, when it was imported
from a list written with pre-2025 unit names, the unit as written (`commune_as_written`, `legacy_commune`).
Its yearly figures give the size class (NĐ 80/2021, thresholds in `SizeThreshold`) and the outcome
indicators of later features. Products and certifications (OCOP, CNNT tiêu biểu, standards, trademarks)
hang off it. Legal numbers — size thresholds, eligibility rules, certificate validity — are dated rows with
their citation, editable by administrators.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from khuyencong.imports.storage import private_storage


class EstablishmentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    ACTIVE = "active", _("Đang hoạt động")
    REJECTED = "rejected", _("Bị từ chối")
    MERGED = "merged", _("Đã gộp vào cơ sở khác")


class LegalForm(models.TextChoices):
    ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
    COOPERATIVE = "hop_tac_xa", _("Hợp tác xã")
    COOPERATIVE_UNION = "lien_hiep_htx", _("Liên hiệp hợp tác xã")
    COOPERATIVE_GROUP = "to_hop_tac", _("Tổ hợp tác")
    HOUSEHOLD = "ho_kinh_doanh", _("Hộ kinh doanh")
    ARTISAN = "nghe_nhan", _("Nghệ nhân / cá nhân")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Siêu nhỏ")
    SMALL = "small", _("Nhỏ")
    MEDIUM = "medium", _("Vừa")
    LARGE = "large", _("Lớn")


class Source(models.TextChoices):
    MANUAL = "manual", _("Nhập trên giao diện")
    IMPORT = "import", _("Nhập từ tệp")
    SELF_REGISTRATION = "self_registration", _("Cơ sở tự đăng ký")
    API = "api", _("Qua API")


class Establishment(models.Model):
    name = models.CharField(_("Tên cơ sở"), max_length=255)
    # Read only by `contains` (the project's establishment picker), which no b-tree serves: not indexed (its two
    # PostgreSQL indexes, plain and LIKE, cost ≈ 1 s of server time per 50,000 imported rows).
    name_folded = models.CharField(max_length=255, editable=False)
    # The folded name without legal-form words ("htx", "cong ty tnhh", "co so"…): same key in the same
    # commune means "probably the same establishment" (duplicate warning).
    name_key = models.CharField(max_length=255, editable=False, default="")
    other_names = models.TextField(
        _("Tên khác"), blank=True, help_text=_("Tên giao dịch, tên viết tắt; mỗi tên một dòng.")
    )
    # Folded name, other names, tax code and registration number: what the list's search box looks in.
    search_folded = models.TextField(editable=False, default="")
    # The name's Vietnamese sort key as plain text (naming.sort_key): the list's ORDER BY on SQLite.
    # No index of its own: on SQLite the list-order index (name_sort, id, status) of migration 0007
    # starts with it; PostgreSQL sorts by its ICU-collated name index (migration 0009_drop_unused_indexes
    # dropped the one Django gave it).
    name_sort = models.CharField(max_length=1600, editable=False, default="")
    legal_form = models.CharField(_("Loại hình"), max_length=20, choices=LegalForm.choices)
    tax_code = models.CharField(_("Mã số thuế"), max_length=14, null=True, blank=True)
    business_reg_no = models.CharField(_("Số đăng ký kinh doanh"), max_length=40, blank=True)
    business_reg_date = models.DateField(_("Ngày cấp đăng ký kinh doanh"), null=True, blank=True)
    address = models.CharField(_("Địa chỉ (số nhà, đường, thôn/ấp)"), max_length=255, blank=True)
    # The foreign keys below carry no index of their own: a composite index of Meta.indexes starts with each.
    province = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
        db_index=False,
    )
    commune = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    commune_as_written = models.CharField(
        _("Địa bàn theo tên cũ"), max_length=300, blank=True, help_text=_("Xã, huyện, tỉnh như ghi trong tệp nhập.")
    )
    legacy_commune = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Đơn vị hành chính cũ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    craft_village = models.CharField(_("Làng nghề"), max_length=255, blank=True)
    main_industry = models.ForeignKey(
        "geo.IndustryCode",
        verbose_name=_("Ngành chính (VSIC cấp 2)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        db_index=False,
    )
    industries = models.ManyToManyField(
        "geo.IndustryCode", verbose_name=_("Ngành nghề (VSIC cấp 2)"), related_name="+", blank=True
    )
    main_products = models.TextField(_("Sản phẩm chính"), blank=True)
    representative = models.CharField(_("Người đại diện"), max_length=150, blank=True)
    representative_title = models.CharField(_("Chức vụ người đại diện"), max_length=120, blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=60, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    website = models.URLField(_("Trang web"), blank=True)
    latitude = models.DecimalField(_("Vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("Kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    year_founded = models.PositiveSmallIntegerField(_("Năm thành lập"), null=True, blank=True)
    size_class = models.CharField(_("Quy mô"), max_length=10, choices=SizeClass.choices, blank=True)
    size_year = models.PositiveSmallIntegerField(_("Năm số liệu xác định quy mô"), null=True, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=EstablishmentStatus.choices, default=EstablishmentStatus.ACTIVE
    )
    status_reason = models.TextField(_("Lý do"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("Gộp vào cơ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    source = models.CharField(_("Nguồn"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Cơ sở CNNT")
        verbose_name_plural = _("Cơ sở CNNT")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"], condition=Q(tax_code__isnull=False), name="registry_establishment_tax_code_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status"], name="registry_est_province_idx"),
            models.Index(fields=["commune", "status"], name="registry_est_commune_idx"),
            models.Index(fields=["legal_form", "province"], name="registry_est_form_idx"),
            models.Index(fields=["size_class", "province"], name="registry_est_size_idx"),
            models.Index(fields=["main_industry", "province"], name="registry_est_industry_idx"),
            models.Index(fields=["commune", "name_key"], name="registry_est_namekey_idx"),
            models.Index(fields=["import_batch"], name="registry_est_batch_idx"),
            models.Index(fields=["status", "created_at"], name="registry_est_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.status == EstablishmentStatus.MERGED


class YearlyFigures(models.Model):
    """One year of an establishment's figures: the basis of its size class and of outcome indicators."""

    # No index of its own: the unique constraint (establishment, year) starts with it (migration 0009).
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="figures", db_index=False)
    year = models.PositiveSmallIntegerField(_("Năm"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    employees_total = models.PositiveIntegerField(_("Tổng số lao động"), null=True, blank=True)
    employees_women = models.PositiveIntegerField(_("Lao động nữ"), null=True, blank=True)
    employees_insured = models.PositiveIntegerField(_("Lao động tham gia BHXH"), null=True, blank=True)
    revenue = models.BigIntegerField(_("Doanh thu (đồng)"), null=True, blank=True)
    capital = models.BigIntegerField(_("Tổng nguồn vốn (đồng)"), null=True, blank=True)
    average_income = models.BigIntegerField(_("Thu nhập bình quân (đồng/người/tháng)"), null=True, blank=True)
    output_value = models.BigIntegerField(_("Giá trị sản xuất (đồng)"), null=True, blank=True)
    size_class = models.CharField(_("Quy mô"), max_length=10, choices=SizeClass.choices, blank=True)
    note = models.CharField(_("Ghi chú"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Số liệu năm")
        verbose_name_plural = _("Số liệu năm")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "year"], name="registry_figures_one_per_year"),
            models.CheckConstraint(
                condition=Q(employees_women__isnull=True)
                | Q(employees_total__isnull=True)
                | Q(employees_women__lte=F("employees_total")),
                name="registry_figures_women_le_total",
            ),
            models.CheckConstraint(
                condition=Q(employees_insured__isnull=True)
                | Q(employees_total__isnull=True)
                | Q(employees_insured__lte=F("employees_total")),
                name="registry_figures_insured_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} – {self.year}"


class ProductGroup(models.TextChoices):
    """The product groups of CNNT product voting (TT 26/2014/TT-BCT, Điều 4)."""

    HANDICRAFT = "thu_cong_my_nghe", _("Thủ công mỹ nghệ")
    FOOD = "che_bien_nong_lam_thuy_san", _("Chế biến nông, lâm, thủy sản và thực phẩm")
    MACHINERY = "co_khi", _("Máy móc, thiết bị, dụng cụ, phụ tùng cơ khí")
    OTHER = "khac", _("Sản phẩm khác")


class Product(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("Tên sản phẩm"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, default="")
    group = models.CharField(_("Nhóm sản phẩm"), max_length=40, choices=ProductGroup.choices)
    description = models.TextField(_("Mô tả"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Sản phẩm")
        verbose_name_plural = _("Sản phẩm")
        indexes = [models.Index(fields=["establishment", "name_folded"], name="registry_product_est_idx")]

    def __str__(self) -> str:
        return self.name


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("Ảnh"), storage=private_storage, upload_to="registry/products/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("Chú thích"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ảnh sản phẩm")
        verbose_name_plural = _("Ảnh sản phẩm")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class CertificationKind(models.TextChoices):
    OCOP = "ocop", _("OCOP (Mỗi xã một sản phẩm)")
    CNNT = "cnnt", _("Sản phẩm CNNT tiêu biểu")
    QUALITY = "quality", _("Tiêu chuẩn chất lượng")
    TRADEMARK = "trademark", _("Nhãn hiệu")


class CertificationLevel(models.TextChoices):
    DISTRICT = "huyen", _("Cấp huyện (trước 01/07/2025)")
    PROVINCE = "tinh", _("Cấp tỉnh")
    REGION = "khu_vuc", _("Cấp khu vực")
    NATIONAL = "quoc_gia", _("Cấp quốc gia")


class Certification(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="certifications")
    product = models.ForeignKey(
        Product,
        verbose_name=_("Sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certifications",
    )
    kind = models.CharField(_("Loại chứng nhận"), max_length=12, choices=CertificationKind.choices)
    level = models.CharField(_("Cấp"), max_length=10, choices=CertificationLevel.choices, blank=True)
    stars = models.PositiveSmallIntegerField(
        _("Số sao OCOP"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(
        _("Tên chứng nhận"), max_length=255, blank=True, help_text=_("Ví dụ: ISO 9001:2015, VietGAP, tên nhãn hiệu.")
    )
    issuer = models.CharField(_("Cơ quan cấp"), max_length=255)
    decision_number = models.CharField(_("Số quyết định / số văn bằng"), max_length=80)
    decision_date = models.DateField(_("Ngày quyết định"))
    valid_until = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    note = models.CharField(_("Ghi chú"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Chứng nhận")
        verbose_name_plural = _("Chứng nhận")
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["establishment", "valid_until"], name="registry_cert_est_idx"),
            models.Index(fields=["kind", "valid_until"], name="registry_cert_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5), name="registry_cert_stars_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision_number}"


# --- Legal rules as dated data --------------------------------------------------------------------------


class SectorGroup(models.TextChoices):
    INDUSTRY = "industry", _("Nông, lâm, thủy sản; công nghiệp và xây dựng")
    TRADE = "trade", _("Thương mại và dịch vụ")


class DatedRule(models.Model):
    valid_from = models.DateField(_("Hiệu lực từ"))
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    citation = models.CharField(_("Căn cứ pháp lý"), max_length=300)
    note = models.TextField(_("Ghi chú"), blank=True)

    class Meta:
        abstract = True


class SizeThreshold(DatedRule):
    """One size class's ceiling in one sector group: a firm is in the smallest class whose worker ceiling it
    meets together with the revenue ceiling or the capital ceiling (NĐ 80/2021/NĐ-CP, Điều 5)."""

    sector_group = models.CharField(_("Lĩnh vực"), max_length=10, choices=SectorGroup.choices)
    vsic_sections = models.CharField(
        _("Các ngành cấp 1 (VSIC) thuộc lĩnh vực"),
        max_length=80,
        help_text=_("Mã ngành cấp 1 cách nhau bởi dấu cách, ví dụ: A B C D E F."),
    )
    size_class = models.CharField(_("Quy mô"), max_length=10, choices=SizeClass.choices)
    max_insured_workers = models.PositiveIntegerField(_("Số lao động tham gia BHXH tối đa"))
    max_revenue = models.BigIntegerField(_("Doanh thu tối đa (đồng)"))
    max_capital = models.BigIntegerField(_("Tổng nguồn vốn tối đa (đồng)"))

    class Meta:
        verbose_name = _("Ngưỡng quy mô doanh nghiệp")
        verbose_name_plural = _("Ngưỡng quy mô doanh nghiệp")
        ordering = ["-valid_from", "sector_group", "max_insured_workers"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector_group", "size_class", "valid_from"], name="registry_size_threshold_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_size_class_display()} – {self.get_sector_group_display()} ({self.citation})"


class EligibilityRule(DatedRule):
    """Who may receive khuyến công support: legal forms, kinds of commune, and (for enterprises) sizes."""

    eligible_forms = models.JSONField(_("Loại hình được hỗ trợ"), default=list)
    eligible_unit_types = models.JSONField(_("Loại đơn vị hành chính cấp xã được hỗ trợ"), default=list)
    verify_unit_types = models.JSONField(
        _("Loại đơn vị cần xác minh thêm"),
        default=list,
        help_text=_("Ví dụ phường: chỉ được hỗ trợ khi đáp ứng điều kiện riêng của văn bản."),
    )
    eligible_enterprise_sizes = models.JSONField(_("Quy mô doanh nghiệp được hỗ trợ"), default=list)

    class Meta:
        verbose_name = _("Điều kiện thụ hưởng khuyến công")
        verbose_name_plural = _("Điều kiện thụ hưởng khuyến công")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.citation


class CertificationValidityRule(DatedRule):
    """How long a certificate is valid when its decision states no end date."""

    kind = models.CharField(_("Loại chứng nhận"), max_length=12, choices=CertificationKind.choices)
    years = models.PositiveSmallIntegerField(_("Số năm hiệu lực"))
    until_year_end = models.BooleanField(
        _("Tính đến 31/12 của năm cuối"),
        default=False,
        help_text=_("Năm cấp tính là năm thứ nhất; hiệu lực đến hết ngày 31/12 của năm cuối."),
    )

    class Meta:
        verbose_name = _("Thời hạn hiệu lực chứng nhận")
        verbose_name_plural = _("Thời hạn hiệu lực chứng nhận")
        ordering = ["kind", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.years} năm ({self.citation})"
