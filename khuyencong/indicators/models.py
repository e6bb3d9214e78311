"""The indicator catalogue, targets, the values provinces report, and the analytics fact table.

One catalogue for outputs and outcomes (`Indicator`, taken over from programmes.OutputIndicator, same codes and
ids). An indicator says where its actual values come from (`source`): the accepted outputs of projects, the
establishments supported by accepted projects, or values a province reports per period (`ManualReport`,
draft → submitted → approved, an approved period being locked). Actuals are never typed twice: a value that a
project records is never entered again by hand.

Targets (`Target`, taken over from programmes.ProgrammeTarget) are dated by programme and year and cascade
from the country to provinces; a target set on a pre-2025 province rolls up to today's province.

`Fact` is derived data: rows recomputed from projects, money and approved reports inside the services that
change them (`analytics.py`) and rebuilt identically by `manage.py rebuild_analytics`. Dashboards read only it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Đầu ra")
    OUTCOME = "outcome", _("Kết quả, tác động")


class IndicatorSource(models.TextChoices):
    OUTPUTS = "outputs", _("Sản phẩm đầu ra của đề án đã nghiệm thu")
    BENEFICIARIES = "beneficiaries", _("Cơ sở thụ hưởng của đề án đã nghiệm thu")
    MANUAL = "manual", _("Số liệu tỉnh báo cáo theo kỳ")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn")
    DISTINCT_ESTABLISHMENTS = "distinct_establishments", _("Số cơ sở khác nhau")
    AVERAGE = "average", _("Bình quân các kỳ báo cáo")
    LATEST = "latest", _("Giá trị kỳ gần nhất")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Năm")
    HALF = "half", _("6 tháng")


class Indicator(models.Model):
    code = models.SlugField(_("Mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(_("Tên chỉ tiêu"), max_length=255)
    name_en = models.CharField(_("Tên tiếng Anh"), max_length=255, blank=True)
    unit = models.CharField(_("Đơn vị tính"), max_length=40)
    description = models.TextField(_("Mô tả"), blank=True)
    kind = models.CharField(
        _("Loại chỉ tiêu"), max_length=8, choices=IndicatorKind.choices, default=IndicatorKind.OUTPUT
    )
    source = models.CharField(
        _("Nguồn số liệu thực hiện"), max_length=14, choices=IndicatorSource.choices, default=IndicatorSource.OUTPUTS
    )
    aggregation = models.CharField(
        _("Cách tổng hợp"), max_length=24, choices=Aggregation.choices, default=Aggregation.SUM
    )
    period_kind = models.CharField(
        _("Kỳ báo cáo"),
        max_length=4,
        choices=PeriodKind.choices,
        default=PeriodKind.YEAR,
        help_text=_("Với chỉ tiêu do tỉnh báo cáo: báo cáo theo năm hoặc theo 6 tháng."),
    )
    by_sex = models.BooleanField(_("Tách theo giới (nữ)"), default=False)
    by_ethnic_minority = models.BooleanField(_("Tách theo dân tộc thiểu số"), default=False)
    max_value = models.DecimalField(
        _("Giá trị tối đa hợp lệ"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Ví dụ 100 với chỉ tiêu tính bằng %; để trống nếu không giới hạn."),
    )
    citation = models.CharField(_("Căn cứ"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Thứ tự"), default=0)
    is_active = models.BooleanField(_("Đang dùng"), default=True)

    class Meta:
        verbose_name = _("Chỉ tiêu")
        verbose_name_plural = _("Chỉ tiêu")
        ordering = ["sort_order", "code"]
        constraints = [
            # Each source aggregates one way that makes sense for it (a project output is a count to add up, a
            # beneficiary is counted once however many projects supported it).
            models.CheckConstraint(
                condition=Q(source="outputs", aggregation="sum")
                | Q(source="beneficiaries", aggregation="distinct_establishments")
                | Q(source="manual", aggregation__in=["sum", "average", "latest"]),
                name="indicators_indicator_source_aggregation",
                violation_error_message=_(
                    "Cách tổng hợp không hợp với nguồn số liệu: sản phẩm đầu ra của đề án thì cộng dồn; cơ sở thụ "
                    "hưởng thì đếm số cơ sở khác nhau; số liệu tỉnh báo cáo thì cộng dồn, bình quân hoặc lấy kỳ gần "
                    "nhất."
                ),
            ),
            models.CheckConstraint(
                condition=Q(by_sex=False, by_ethnic_minority=False) | Q(source="manual", aggregation="sum"),
                name="indicators_indicator_disaggregation",
                violation_error_message=_(
                    "Chỉ tách theo giới, dân tộc với chỉ tiêu do tỉnh báo cáo và tổng hợp bằng cách cộng dồn."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def is_manual(self) -> bool:
        return self.source == IndicatorSource.MANUAL


class Target(models.Model):
    """The target of one indicator in one programme, for the programme's whole period (`year` empty) or one year,
    for the whole programme area (`unit` empty: the country, or the province of a provincial programme) or one
    province of a national programme. `unit` is the province the target was given to (a pre-2025 province for
    targets set before the 2025 reform); `province` is today's province it rolls up to (for scope and sums)."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("Chương trình"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("Chỉ tiêu"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Tỉnh được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: mục tiêu chung của chương trình."),
    )
    province = models.ForeignKey(
        "geo.Unit", verbose_name=_("Tỉnh (hiện nay)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("Năm"), null=True, blank=True, help_text=_("Để trống: mục tiêu cả giai đoạn.")
    )
    target_value = models.DecimalField(_("Mục tiêu"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    citation = models.CharField(_("Căn cứ (văn bản giao mục tiêu)"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Mục tiêu")
        verbose_name_plural = _("Mục tiêu")
        ordering = ["programme", "indicator__sort_order", "year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator"],
                condition=Q(unit__isnull=True, year__isnull=True),
                name="indicators_target_programme_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "indicator", "year"],
                condition=Q(unit__isnull=True, year__isnull=False),
                name="indicators_target_year_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "indicator", "unit"],
                condition=Q(unit__isnull=False, year__isnull=True),
                name="indicators_target_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "indicator", "unit", "year"],
                condition=Q(unit__isnull=False, year__isnull=False),
                name="indicators_target_unit_year_unique",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0), name="indicators_target_nonnegative"
            ),
        ]
        indexes = [models.Index(fields=["province", "programme"], name="ind_target_province_idx")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target_value}"


class Half(models.IntegerChoices):
    YEAR = 0, _("Cả năm")
    FIRST = 1, _("6 tháng đầu năm")
    SECOND = 2, _("6 tháng cuối năm")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi Cục, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt, khóa kỳ")


class ManualReport(models.Model):
    """The values one province reports for one period (a year, or a half-year for half-yearly indicators).

    A province officer enters them, the Sở's leader submits them to the Cục, a Cục leader approves (the period
    is then locked and the values count in the dashboards) or returns them; only a Cục leader unlocks an approved
    period, with a reason."""

    province = models.ForeignKey("geo.Unit", verbose_name=_("Tỉnh"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("Năm"))
    half = models.PositiveSmallIntegerField(_("Kỳ"), choices=Half.choices, default=Half.YEAR)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1)
    last_note = models.TextField(_("Lý do trả lại / mở khóa gần nhất"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Báo cáo số liệu chỉ tiêu")
        verbose_name_plural = _("Báo cáo số liệu chỉ tiêu")
        ordering = ["-year", "-half", "province__code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "half"], name="indicators_report_unique_period"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="indicators_report_year"),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="ind_report_status_idx"),
            models.Index(fields=["year", "half"], name="ind_report_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.province} — {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.half == Half.YEAR:
            return str(_("Năm %(year)s") % {"year": self.year})
        return f"{Half(self.half).label} {self.year}"

    @property
    def period_kind(self) -> str:
        return PeriodKind.YEAR if self.half == Half.YEAR else PeriodKind.HALF

    @property
    def is_editable(self) -> bool:
        return self.status == ReportStatus.DRAFT


class ManualValue(models.Model):
    report = models.ForeignKey(ManualReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, verbose_name=_("Chỉ tiêu"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("Giá trị"), max_digits=16, decimal_places=2)
    value_female = models.DecimalField(_("Trong đó nữ"), max_digits=16, decimal_places=2, null=True, blank=True)
    value_ethnic_minority = models.DecimalField(
        _("Trong đó người dân tộc thiểu số"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("Nguồn số liệu, ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Số liệu chỉ tiêu")
        verbose_name_plural = _("Số liệu chỉ tiêu")
        ordering = ["indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicators_value_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicators_value_nonnegative"),
            models.CheckConstraint(
                condition=Q(value_female__isnull=True) | Q(value_female__gte=0, value_female__lte=models.F("value")),
                name="indicators_value_female_part",
            ),
            models.CheckConstraint(
                condition=Q(value_ethnic_minority__isnull=True)
                | Q(value_ethnic_minority__gte=0, value_ethnic_minority__lte=models.F("value")),
                name="indicators_value_ethnic_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Measure(models.TextChoices):
    PROJECT = "project", _("Đề án")
    PLANNED = "planned", _("Dự toán")
    ADVANCED = "advanced", _("Tạm ứng")
    PAID = "paid", _("Thanh toán")
    REFUNDED = "refunded", _("Hoàn trả")
    SETTLED = "settled", _("Quyết toán")
    SUPPORTED = "supported", _("Cơ sở thụ hưởng")
    OUTPUT_PLANNED = "output_planned", _("Sản phẩm đầu ra theo kế hoạch")
    OUTPUT_ACTUAL = "output_actual", _("Sản phẩm đầu ra đã nghiệm thu")
    MANUAL = "manual", _("Số liệu tỉnh báo cáo đã duyệt")


class Fact(models.Model):
    """One denormalised analytics row. Never written except by `analytics.py`.

    Project-derived rows (all measures but `manual`): `project` set; `year` is the project's plan year,
    `province` its current province (empty for a national project in several provinces), `legacy_province` the
    province as recorded then (the pre-2025 province, else the current one), `project_kind` and `status` copied
    from the project. `amount` holds đồng (money measures; planned support for `supported`), `value` indicator
    values (outputs, manual values). `manual` rows come from approved reports (`report` set).
    """

    measure = models.CharField(max_length=16, choices=Measure.choices)
    programme = models.ForeignKey(
        "programmes.Programme", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    project = models.ForeignKey("programmes.Project", null=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ManualReport, null=True, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    province = models.ForeignKey("geo.Unit", null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    legacy_province = models.ForeignKey(
        "geo.Unit", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    commune = models.ForeignKey("geo.Unit", null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(default=0)
    source = models.ForeignKey(
        "programmes.FundingSource", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    content_item = models.ForeignKey(
        "programmes.ContentItem", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    establishment = models.ForeignKey(
        "registry.Establishment", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    project_kind = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, blank=True)
    amount = models.BigIntegerField(default=0)
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    value_female = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    value_ethnic_minority = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("Dòng số liệu phân tích")
        verbose_name_plural = _("Bảng số liệu phân tích")
        indexes = [
            models.Index(fields=["measure", "year"], name="ind_fact_measure_year_idx"),
            models.Index(fields=["province", "measure", "year"], name="ind_fact_province_idx"),
            models.Index(fields=["legacy_province", "measure", "year"], name="ind_fact_legacy_idx"),
            models.Index(fields=["programme", "measure", "year"], name="ind_fact_programme_idx"),
            models.Index(fields=["measure", "indicator", "year"], name="ind_fact_indicator_idx"),
            models.Index(fields=["province", "commune", "measure"], name="ind_fact_commune_idx"),
            # Covers the counts of distinct establishments supported (the one figure the summary cannot add
            # up): read from the index alone, in establishment order within a programme.
            models.Index(
                fields=[
                    "measure",
                    "programme",
                    "establishment",
                    "status",
                    "province",
                    "legacy_province",
                    "year",
                    "project_kind",
                    "amount",
                ],
                name="ind_fact_supported_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year} {self.amount or self.value}"


# Measures the summary holds: every project-derived one but `supported` (whose distinct establishments do not
# add up across groups) — and not `manual` (a few thousand rows, aggregated per indicator in Python).
SUMMARY_MEASURES = (
    Measure.PROJECT, Measure.PLANNED, Measure.ADVANCED, Measure.PAID, Measure.REFUNDED, Measure.SETTLED,
    Measure.OUTPUT_PLANNED, Measure.OUTPUT_ACTUAL,
)  # fmt: skip


class Summary(models.Model):
    """The fact rows added up at the grain the dashboards read. Never written except by `analytics.py`, from
    the fact table, in the same transaction (the cells a refreshed project touches are recomputed) and by
    `rebuild_analytics` (all of it, with the same SQL).

    Grain, per measure (the other key columns empty): `project` — programme, current and former province,
    year, project kind, status, content item; money (`planned` … `settled`) — programme, provinces, year,
    source; outputs — programme, provinces, year, project kind, indicator. `row_count` is the number of fact rows
    (for `project`: projects with that content item); `projects`, for `project` only, the projects whose first
    content row this is, so that adding it up over any filter counts each project once.
    """

    measure = models.CharField(max_length=16, choices=Measure.choices)
    programme = models.ForeignKey(
        "programmes.Programme", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    province = models.ForeignKey("geo.Unit", null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    legacy_province = models.ForeignKey(
        "geo.Unit", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    source = models.ForeignKey(
        "programmes.FundingSource", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    content_item = models.ForeignKey(
        "programmes.ContentItem", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    indicator = models.ForeignKey(Indicator, null=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    project_kind = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    projects = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("Dòng số liệu phân tích tổng hợp")
        verbose_name_plural = _("Bảng số liệu phân tích tổng hợp")
        indexes = [
            models.Index(fields=["programme", "measure", "year"], name="ind_summary_programme_idx"),
            models.Index(fields=["measure", "year"], name="ind_summary_measure_year_idx"),
            models.Index(fields=["province", "measure", "year"], name="ind_summary_province_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year} {self.amount or self.value or self.row_count}"
