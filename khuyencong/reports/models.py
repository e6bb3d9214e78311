"""Periodic reports: their definitions and deadlines (data, dated and cited), each report of one period and
one province (or the whole country), and its versions.

A version is a data snapshot (plain JSON computed from the selectors) with the Excel and PDF files rendered
from it, each with its SHA-256. Versions are written once and never changed or deleted: the model, its
queryset and database triggers refuse it (like the audit trail). A draft version is a preview; a frozen
version is what a leader signed and sent (or issued); every later frozen version is an amendment carrying its
cell-level difference from the previous one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from khuyencong.reports.periods import Period, PeriodType, make_period, parse_period


class DefinitionLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Sở Công Thương lập, ký gửi Cục; Cục chấp nhận hoặc trả lại")
    NATIONAL = "national", _("Cục lập và ban hành (toàn quốc)")
    ANY = "any", _("Một tỉnh hoặc toàn quốc, không qua ký gửi")


class MoneyUnit(models.TextChoices):
    MILLION = "trieu", _("triệu đồng")
    DONG = "dong", _("đồng")


class ReportDefinition(models.Model):
    """What a report contains and how it is filed. `sections` lists the section kinds of `sections.py` in
    order: [{"key": "...", "kind": "...", "title": "...", "options": {...}}]."""

    code = models.SlugField(_("Mã báo cáo"), max_length=40, unique=True)
    document_type = models.CharField(_("Loại văn bản"), max_length=60, default="BÁO CÁO")
    title = models.CharField(
        _("Trích yếu"), max_length=300, help_text=_("Nội dung báo cáo; kỳ báo cáo được ghi tiếp theo.")
    )
    level = models.CharField(_("Cấp lập và quy trình"), max_length=12, choices=DefinitionLevel.choices)
    period_types = models.JSONField(_("Các loại kỳ báo cáo"), default=list)
    symbol = models.CharField(
        _("Ký hiệu văn bản"),
        max_length=40,
        blank=True,
        help_text=_("Phần sau số văn bản, ví dụ BC-SCT (Số: 15/BC-SCT); để trống với biểu, sổ không đánh số."),
    )
    sections = models.JSONField(_("Các phần của báo cáo"), default=list)
    recipients = models.TextField(_("Nơi nhận (mặc định)"), blank=True)
    signer_title = models.CharField(_("Chức danh người ký (mặc định)"), max_length=120, blank=True)
    money_unit = models.CharField(
        _("Đơn vị tiền trong bảng"), max_length=6, choices=MoneyUnit.choices, default=MoneyUnit.MILLION
    )
    citation = models.CharField(_("Căn cứ"), max_length=300, blank=True)
    description = models.TextField(_("Mô tả"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Thứ tự"), default=0)
    is_active = models.BooleanField(_("Đang dùng"), default=True)

    class Meta:
        verbose_name = _("Mẫu báo cáo")
        verbose_name_plural = _("Mẫu báo cáo")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_workflow(self) -> bool:
        return self.level in (DefinitionLevel.PROVINCIAL, DefinitionLevel.NATIONAL)


class ReportPeriodRule(models.Model):
    """A filing deadline: reports of `definition` for periods of `period_type` ending between `valid_from` and
    `valid_to` are due `due_days` days after the period ends. Legal numbers: dated, cited, edited by
    administrators (reference.manage), never constants in code."""

    definition = models.ForeignKey(
        ReportDefinition, verbose_name=_("Mẫu báo cáo"), on_delete=models.CASCADE, related_name="rules"
    )
    period_type = models.CharField(_("Loại kỳ"), max_length=8, choices=PeriodType.choices)
    due_days = models.PositiveSmallIntegerField(_("Hạn gửi (số ngày sau khi hết kỳ)"))
    valid_from = models.DateField(_("Áp dụng cho kỳ kết thúc từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("Áp dụng cho kỳ kết thúc đến ngày"), null=True, blank=True)
    citation = models.CharField(_("Căn cứ pháp lý"), max_length=300)
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Hạn gửi báo cáo")
        verbose_name_plural = _("Hạn gửi báo cáo")
        ordering = ["definition", "period_type", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="reports_rule_valid_range",
            ),
            models.CheckConstraint(condition=Q(due_days__lte=366), name="reports_rule_due_days"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.code} {self.get_period_type_display()}: {self.due_days} ngày"

    def applies_to(self, period: Period) -> bool:
        return (
            self.period_type == period.type
            and (self.valid_from is None or self.valid_from <= period.end)
            and (self.valid_to is None or period.end <= self.valid_to)
        )

    def due_date(self, period: Period) -> dt.date:
        return period.end + dt.timedelta(days=self.due_days)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã gửi Cục, chờ xem xét")
    RETURNED = "returned", _("Cục trả lại để sửa")
    ACCEPTED = "accepted", _("Cục đã chấp nhận")
    ISSUED = "issued", _("Đã ban hành")


class UnitBasis(models.TextChoices):
    CURRENT = "current", _("Theo tỉnh hiện nay (34 tỉnh, thành phố)")
    AS_WAS = "as_was", _("Theo tỉnh tại thời điểm thực hiện")


class Report(models.Model):
    """One report of one definition for one period and one province (`province` empty: the whole country)."""

    definition = models.ForeignKey(
        ReportDefinition, verbose_name=_("Mẫu báo cáo"), on_delete=models.PROTECT, related_name="reports"
    )
    period_type = models.CharField(_("Loại kỳ"), max_length=8, choices=PeriodType.choices)
    period_key = models.CharField(_("Kỳ báo cáo"), max_length=30)
    year = models.PositiveSmallIntegerField(_("Năm"))
    period_start = models.DateField(_("Từ ngày"))
    period_end = models.DateField(_("Đến ngày"))
    province = models.ForeignKey(
        "geo.Unit", verbose_name=_("Tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("Cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    unit_basis = models.CharField(_("Địa bàn"), max_length=8, choices=UnitBasis.choices, default=UnitBasis.CURRENT)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(
        _("Lần sửa"), default=1, help_text=_("Tăng mỗi lần sửa nội dung hoặc chuyển bước (kiểm tra xung đột).")
    )
    place = models.CharField(_("Địa danh"), max_length=80)
    recipients = models.TextField(_("Nơi nhận"), blank=True)
    narratives = models.JSONField(_("Nội dung thuyết minh"), default=dict, blank=True)
    last_note = models.TextField(_("Ý kiến gần nhất của Cục"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Báo cáo")
        verbose_name_plural = _("Báo cáo")
        ordering = ["-period_end", "definition__sort_order", "province__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "period_key", "province", "unit_basis"],
                condition=Q(province__isnull=False),
                name="reports_report_unique_province",
            ),
            models.UniqueConstraint(
                fields=["definition", "period_key", "unit_basis"],
                condition=Q(province__isnull=True),
                name="reports_report_unique_national",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="reports_report_dates"),
        ]
        indexes = [
            models.Index(fields=["province", "year"], name="reports_report_prov_year_idx"),
            models.Index(fields=["definition", "year", "period_type"], name="reports_report_def_year_idx"),
            models.Index(fields=["status", "definition"], name="reports_report_status_idx"),
        ]

    def __str__(self) -> str:
        where = self.province.name if self.province_id else "toàn quốc"
        return f"{self.definition.title} — {self.period.inline} — {where}"

    @property
    def period(self) -> Period:
        if self.period_type == PeriodType.ADHOC:
            return make_period(PeriodType.ADHOC, None, start=self.period_start, end=self.period_end)
        return parse_period(self.period_key)

    @property
    def is_national(self) -> bool:
        return self.province_id is None


class VersionKind(models.TextChoices):
    DRAFT = "draft", _("Bản nháp (xem trước)")
    SUBMITTED = "submitted", _("Bản đã ký gửi / ban hành")
    AMENDMENT = "amendment", _("Bản sửa đổi, bổ sung")


class ImmutableVersionError(RuntimeError):
    pass


class ReportVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableVersionError("Report versions cannot be changed.")

    def delete(self):
        raise ImmutableVersionError("Report versions cannot be deleted.")

    _raw_delete = delete


class ReportVersion(models.Model):
    """A snapshot and its two files; written once (see the module docstring)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("Số thứ tự phiên bản"))
    kind = models.CharField(_("Loại"), max_length=10, choices=VersionKind.choices)
    revision = models.PositiveIntegerField(_("Lần sửa của báo cáo khi lập"))
    snapshot = models.JSONField(_("Số liệu"))
    snapshot_sha256 = models.CharField(_("SHA-256 của số liệu"), max_length=64)
    xlsx_name = models.CharField(max_length=120)
    xlsx_sha256 = models.CharField(_("SHA-256 tệp Excel"), max_length=64)
    xlsx_size = models.PositiveBigIntegerField(default=0)
    pdf_name = models.CharField(max_length=120)
    pdf_sha256 = models.CharField(_("SHA-256 tệp PDF"), max_length=64)
    pdf_size = models.PositiveBigIntegerField(default=0)
    pdf_pages = models.PositiveIntegerField(_("Số trang PDF"), default=0)
    based_on = models.ForeignKey(
        "self", verbose_name=_("Lập từ bản nháp"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amends = models.ForeignKey(
        "self", verbose_name=_("Sửa đổi bản"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(_("Khác biệt so với bản đã gửi trước"), default=list, blank=True)
    cut_off = models.DateField(_("Số liệu chốt đến ngày"))
    note = models.TextField(_("Ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Phiên bản báo cáo")
        verbose_name_plural = _("Phiên bản báo cáo")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="reports_version_unique_number")]
        indexes = [models.Index(fields=["report", "kind", "number"], name="reports_version_kind_idx")]

    def __str__(self) -> str:
        return f"{self.report} — {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableVersionError("Report versions cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError("Report versions cannot be deleted.")

    @property
    def frozen(self) -> bool:
        return self.kind != VersionKind.DRAFT

    @property
    def label(self) -> str:
        if self.kind == VersionKind.DRAFT:
            return str(_("Bản nháp số %(n)s") % {"n": self.number})
        if self.kind == VersionKind.AMENDMENT:
            return str(_("Bản sửa đổi, bổ sung (phiên bản %(n)s)") % {"n": self.number})
        return str(_("Bản chính thức (phiên bản %(n)s)") % {"n": self.number})


class ReportStep(models.Model):
    """The report's timeline: one row per step (created, draft made, submitted, reviewed, accepted, returned,
    amendment opened, issued), with the comment."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("Thao tác"), max_length=20)
    from_status = models.CharField(_("Từ trạng thái"), max_length=10, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("Sang trạng thái"), max_length=10, choices=ReportStatus.choices)
    version = models.ForeignKey(ReportVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("Ý kiến, lý do"), blank=True)

    class Meta:
        verbose_name = _("Bước xử lý báo cáo")
        verbose_name_plural = _("Bước xử lý báo cáo")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"], name="reports_step_report_at_idx")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"
