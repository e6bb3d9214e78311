"""Programmes, annual plans and projects (đề án), their budgets and money, and the legal reference data.

Legal numbers (support caps, advance shares, deadlines, appraisal criteria, programme targets) are dated
rows with a citation, never constants: administrators keep them current. Money is integer đồng and every
movement is a row, so a total is always a sum. Writes go through `services.py`; the lifecycle is the
transition table in `workflow.py`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Dated(models.Model):
    """A legal fact valid between two dates (both inclusive), with the text it comes from."""

    valid_from = models.DateField(_("Hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    citation = models.CharField(_("Căn cứ pháp lý"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @classmethod
    def valid_on_q(cls, day: dt.date) -> Q:
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _valid_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
        name=name,
    )


# --- Reference data ------------------------------------------------------------------------------------


class ContentGroup(Dated):
    """A group of khuyến công activities (NĐ 45/2012 Art. 4, with the NĐ 235/2025 additions)."""

    code = models.SlugField(_("Mã nhóm"), max_length=20, unique=True)
    number = models.PositiveSmallIntegerField(_("Số thứ tự"))
    name = models.CharField(_("Tên nhóm nội dung"), max_length=300)

    class Meta:
        verbose_name = _("Nhóm nội dung khuyến công")
        verbose_name_plural = _("Nhóm nội dung khuyến công")
        ordering = ["number"]
        constraints = [_valid_range("programmes_contentgroup_valid_range")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ContentItem(Dated):
    code = models.SlugField(_("Mã nội dung"), max_length=40, unique=True)
    group = models.ForeignKey(ContentGroup, verbose_name=_("Nhóm"), on_delete=models.PROTECT, related_name="items")
    name = models.CharField(_("Tên nội dung"), max_length=300)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("Chỉ tiêu đầu ra chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField(_("Thứ tự"), default=0)

    class Meta:
        verbose_name = _("Nội dung khuyến công")
        verbose_name_plural = _("Nội dung khuyến công")
        ordering = ["group__number", "sort_order", "code"]
        constraints = [_valid_range("programmes_contentitem_valid_range")]

    def __str__(self) -> str:
        return self.name


class FundingKind(models.TextChoices):
    NATIONAL = "national", _("Kinh phí khuyến công quốc gia")
    LOCAL = "local", _("Kinh phí khuyến công địa phương")
    COUNTERPART = "counterpart", _("Vốn đối ứng của đơn vị thụ hưởng")
    OTHER = "other", _("Nguồn khác")


class FundingSource(models.Model):
    code = models.SlugField(_("Mã nguồn"), max_length=20, unique=True)
    name = models.CharField(_("Tên nguồn vốn"), max_length=200)
    short_name = models.CharField(_("Tên viết tắt"), max_length=20)
    kind = models.CharField(_("Loại nguồn"), max_length=12, choices=FundingKind.choices)
    is_state_budget = models.BooleanField(
        _("Là kinh phí nhà nước hỗ trợ"),
        default=False,
        help_text=_(
            "Kinh phí nhà nước chịu định mức hỗ trợ, kiểm tra hỗ trợ trùng lặp và được giải ngân qua hệ thống."
        ),
    )
    citation = models.CharField(_("Căn cứ pháp lý"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Thứ tự"), default=0)

    class Meta:
        verbose_name = _("Nguồn vốn")
        verbose_name_plural = _("Nguồn vốn")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class RuleScope(models.TextChoices):
    NATIONAL = "national", _("Kinh phí khuyến công quốc gia")
    LOCAL = "local", _("Kinh phí khuyến công địa phương của một tỉnh")


class RuleSet(Dated):
    """A set of support norms (định mức hỗ trợ) issued by one authority, valid between two dates."""

    code = models.SlugField(_("Mã bộ định mức"), max_length=40, unique=True)
    name = models.CharField(_("Tên"), max_length=300)
    issuer = models.CharField(_("Cơ quan ban hành"), max_length=200)
    scope = models.CharField(_("Phạm vi áp dụng"), max_length=10, choices=RuleScope.choices)
    province = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Tỉnh (với kinh phí địa phương)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority_multiplier = models.DecimalField(
        _("Hệ số ưu tiên tối đa"),
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text=_("Địa bàn, ngành nghề ưu tiên được hưởng mức hỗ trợ tối đa bằng hệ số này nhân mức trần."),
    )
    superseded_by = models.CharField(_("Được thay thế bởi"), max_length=300, blank=True)
    is_sample = models.BooleanField(
        _("Dữ liệu mẫu"), default=False, help_text=_("Bộ định mức đưa vào làm mẫu, không phải văn bản đang áp dụng.")
    )
    note = models.TextField(_("Ghi chú"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bộ định mức hỗ trợ")
        verbose_name_plural = _("Bộ định mức hỗ trợ")
        ordering = ["scope", "province", "-valid_from"]
        constraints = [
            _valid_range("programmes_ruleset_valid_range"),
            models.CheckConstraint(
                condition=(Q(scope="national") & Q(province__isnull=True))
                | (Q(scope="local") & Q(province__isnull=False)),
                name="programmes_ruleset_scope_province",
            ),
            models.CheckConstraint(
                condition=Q(priority_multiplier__gte=1) & Q(priority_multiplier__lte=2),
                name="programmes_ruleset_multiplier_range",
            ),
        ]
        indexes = [models.Index(fields=["scope", "province", "valid_from"], name="prog_ruleset_lookup_idx")]

    def __str__(self) -> str:
        return self.name


class SupportRule(models.Model):
    """The caps of one content item in one rule set; empty fields mean "no cap of this kind"."""

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("Bộ định mức"), on_delete=models.CASCADE, related_name="rules")
    content_item = models.ForeignKey(
        ContentItem, verbose_name=_("Nội dung"), on_delete=models.PROTECT, related_name="rules"
    )
    max_share_percent = models.DecimalField(
        _("Tỷ lệ hỗ trợ tối đa (% chi phí)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_per_beneficiary = models.BigIntegerField(_("Tối đa mỗi cơ sở (đồng)"), null=True, blank=True)
    max_per_model = models.BigIntegerField(_("Tối đa mỗi mô hình/nhãn hiệu/cụm (đồng)"), null=True, blank=True)
    max_per_project = models.BigIntegerField(_("Tối đa mỗi đề án (đồng)"), null=True, blank=True)
    priority_applies = models.BooleanField(_("Áp dụng hệ số ưu tiên"), default=True)
    advance_percent = models.DecimalField(
        _("Tỷ lệ tạm ứng tối đa (% kinh phí)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    advance_after_progress_percent = models.DecimalField(
        _("Chỉ tạm ứng khi khối lượng hoàn thành đạt (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Định mức hỗ trợ")
        verbose_name_plural = _("Định mức hỗ trợ")
        ordering = ["rule_set", "content_item__group__number", "content_item__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "content_item"], name="programmes_rule_unique_item"),
            models.CheckConstraint(
                condition=Q(max_share_percent__isnull=True)
                | (Q(max_share_percent__gt=0) & Q(max_share_percent__lte=100)),
                name="programmes_rule_share_range",
            ),
            models.CheckConstraint(
                condition=Q(advance_percent__isnull=True) | (Q(advance_percent__gte=0) & Q(advance_percent__lte=100)),
                name="programmes_rule_advance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} — {self.content_item}"


class DeadlineKind(models.TextChoices):
    REGISTRATION = "registration", _("Đăng ký đề án với Sở Công Thương")
    NATIONAL_PROPOSAL = "national_proposal", _("Sở gửi đề án khuyến công quốc gia về Cục")


class Deadline(Dated):
    """A yearly deadline for the plan year: day/month of (plan year + year_offset)."""

    kind = models.CharField(_("Loại hạn"), max_length=20, choices=DeadlineKind.choices)
    day = models.PositiveSmallIntegerField(_("Ngày"))
    month = models.PositiveSmallIntegerField(_("Tháng"))
    year_offset = models.SmallIntegerField(
        _("Năm so với năm kế hoạch"), default=-1, help_text=_("-1: năm trước năm kế hoạch.")
    )

    class Meta:
        verbose_name = _("Hạn nộp")
        verbose_name_plural = _("Hạn nộp")
        ordering = ["kind", "-valid_from"]
        constraints = [
            _valid_range("programmes_deadline_valid_range"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12) & Q(day__gte=1) & Q(day__lte=31),
                name="programmes_deadline_day_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.day:02d}/{self.month:02d}"

    def date_for(self, plan_year: int) -> dt.date:
        return dt.date(plan_year + self.year_offset, self.month, self.day)


class AppraisalCriterion(Dated):
    """One line of the appraisal checklist; every active line must be met to pass an appraisal."""

    text = models.CharField(_("Tiêu chí"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(_("Thứ tự"), default=0)

    class Meta:
        verbose_name = _("Tiêu chí thẩm định")
        verbose_name_plural = _("Tiêu chí thẩm định")
        ordering = ["sort_order", "id"]
        constraints = [_valid_range("programmes_criterion_valid_range")]

    def __str__(self) -> str:
        return self.text


# --- Programmes and plans ------------------------------------------------------------------------------


class ProgrammeLevel(models.TextChoices):
    NATIONAL = "national", _("Chương trình khuyến công quốc gia")
    PROVINCIAL = "provincial", _("Chương trình khuyến công địa phương")


class Programme(models.Model):
    code = models.SlugField(_("Mã chương trình"), max_length=40, unique=True)
    name = models.CharField(_("Tên chương trình"), max_length=300)
    level = models.CharField(_("Cấp"), max_length=12, choices=ProgrammeLevel.choices)
    province = models.ForeignKey(
        "geo.Unit", verbose_name=_("Tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField(_("Từ năm"))
    end_year = models.PositiveSmallIntegerField(_("Đến năm"))
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    issuer = models.CharField(_("Cấp phê duyệt"), max_length=200, blank=True)
    citation = models.CharField(_("Căn cứ pháp lý"), max_length=300, blank=True)
    description = models.TextField(_("Mục tiêu, nội dung chính"), blank=True)

    class Meta:
        verbose_name = _("Chương trình khuyến công")
        verbose_name_plural = _("Chương trình khuyến công")
        ordering = ["level", "province", "-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="programmes_programme_years"),
            models.CheckConstraint(
                condition=(Q(level="national") & Q(province__isnull=True))
                | (Q(level="provincial") & Q(province__isnull=False)),
                name="programmes_programme_level_province",
            ),
        ]
        indexes = [models.Index(fields=["province", "start_year"], name="prog_programme_prov_idx")]

    def __str__(self) -> str:
        return self.name


class ProjectKind(models.TextChoices):
    NATIONAL = "national", _("Khuyến công quốc gia")
    LOCAL = "local", _("Khuyến công địa phương")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")


class AnnualPlan(models.Model):
    """The yearly plan of one managing agency: the national plan, or one province's local plan."""

    kind = models.CharField(_("Loại kế hoạch"), max_length=10, choices=ProjectKind.choices)
    province = models.ForeignKey(
        "geo.Unit", verbose_name=_("Tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Năm kế hoạch"))
    programme = models.ForeignKey(
        Programme, verbose_name=_("Chương trình"), null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    managing_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("Cơ quan quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("Tên kế hoạch"), max_length=300)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    decision_number = models.CharField(_("Số quyết định phê duyệt"), max_length=60, blank=True)
    decision_date = models.DateField(_("Ngày phê duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("Ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kế hoạch khuyến công năm")
        verbose_name_plural = _("Kế hoạch khuyến công năm")
        ordering = ["-year", "kind", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(kind="national"), name="programmes_plan_one_national_per_year"
            ),
            models.UniqueConstraint(
                fields=["province", "year"], condition=Q(kind="local"), name="programmes_plan_one_local_per_year"
            ),
            models.CheckConstraint(
                condition=(Q(kind="national") & Q(province__isnull=True))
                | (Q(kind="local") & Q(province__isnull=False)),
                name="programmes_plan_kind_province",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "kind"], name="prog_plan_year_kind_idx"),
            models.Index(fields=["province", "year"], name="prog_plan_prov_year_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanAllocation(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="allocations")
    source = models.ForeignKey(FundingSource, verbose_name=_("Nguồn vốn"), on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("Kinh phí được giao (đồng)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kinh phí được giao theo nguồn")
        verbose_name_plural = _("Kinh phí được giao theo nguồn")
        constraints = [
            models.UniqueConstraint(fields=["plan", "source"], name="programmes_allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="programmes_allocation_nonnegative"),
        ]

    # --- Projects ------------------------------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.plan} — {self.source}: {self.amount}"


class ProjectType(models.TextChoices):
    ORDINARY = "thuong", _("Đề án thông thường")
    KEY = "diem", _("Đề án điểm")
    GROUP = "nhom", _("Đề án nhóm")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Chờ Sở thẩm định")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ thẩm định cấp Bộ / UBND tỉnh phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt, chờ vào kế hoạch")
    IN_PLAN = "in_plan", _("Trong kế hoạch đã duyệt")
    CONTRACTED = "contracted", _("Đã ký hợp đồng / giao nhiệm vụ")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    SETTLED = "settled", _("Đã quyết toán")
    CLOSED = "closed", _("Đã kết thúc")
    RETURNED = "returned", _("Trả lại để bổ sung")
    REJECTED = "rejected", _("Không được chấp thuận")
    STOPPED = "stopped", _("Đã ngừng thực hiện")


def state_label(state: str, kind: str) -> str:
    """The state's name, naming who is awaited where that depends on the kind of project."""
    if state == ProjectStatus.AWAITING_APPROVAL:
        return str(_("Chờ Cục thẩm định") if kind == ProjectKind.NATIONAL else _("Chờ UBND tỉnh phê duyệt"))
    return str(ProjectStatus(state).label)


class ContractKind(models.TextChoices):
    CONTRACT = "contract", _("Hợp đồng")
    ASSIGNMENT = "assignment", _("Quyết định giao nhiệm vụ")


# The approved movements added up by kind, kept on each project and per source on ProjectMoney (programmes.ledger).
MONEY_COLUMNS = ("advanced", "paid", "refunded", "settled")
LEDGER_FIELDS = frozenset({"state_budget", *MONEY_COLUMNS})


class Project(models.Model):
    code = models.CharField(_("Mã đề án"), max_length=30, unique=True)
    title = models.CharField(_("Tên đề án"), max_length=500)
    title_folded = models.CharField(max_length=500, editable=False, db_index=True)
    kind = models.CharField(_("Loại đề án"), max_length=10, choices=ProjectKind.choices)
    project_type = models.CharField(
        _("Hình thức"), max_length=6, choices=ProjectType.choices, default=ProjectType.ORDINARY
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("Chương trình"), on_delete=models.PROTECT, related_name="projects"
    )
    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("Kế hoạch"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("Năm kế hoạch"))
    content_items = models.ManyToManyField(ContentItem, verbose_name=_("Nội dung hỗ trợ"), related_name="projects")
    implementing_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("Đơn vị thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Tỉnh (hiện nay)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống với đề án quốc gia do Trung tâm vùng thực hiện ở nhiều tỉnh."),
    )
    legacy_province = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("Tỉnh (tại thời điểm thực hiện)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    communes = models.ManyToManyField("geo.Unit", verbose_name=_("Địa bàn (xã/phường)"), blank=True, related_name="+")
    start_date = models.DateField(_("Ngày bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("Ngày kết thúc"), null=True, blank=True)
    objectives = models.TextField(_("Mục tiêu"), blank=True)
    is_priority = models.BooleanField(_("Thuộc địa bàn/ngành nghề ưu tiên"), default=False)
    priority_reason = models.CharField(_("Căn cứ ưu tiên"), max_length=300, blank=True)

    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    returned_from = models.CharField(_("Trả lại từ bước"), max_length=20, choices=ProjectStatus.choices, blank=True)
    version = models.PositiveIntegerField(_("Phiên bản"), default=1)
    late_registration = models.BooleanField(_("Đăng ký quá hạn"), default=False)
    late_proposal = models.BooleanField(_("Gửi Cục quá hạn"), default=False)
    rules_date = models.DateField(
        _("Ngày áp dụng định mức"),
        null=True,
        blank=True,
        help_text=_("Ngày phê duyệt: định mức có hiệu lực ngày này áp dụng cho việc giải ngân."),
    )

    contract_kind = models.CharField(_("Hình thức giao"), max_length=12, choices=ContractKind.choices, blank=True)
    contract_number = models.CharField(_("Số hợp đồng/quyết định"), max_length=60, blank=True)
    contract_date = models.DateField(_("Ngày ký"), null=True, blank=True)
    contract_value = models.BigIntegerField(_("Giá trị (đồng)"), null=True, blank=True)
    started_on = models.DateField(_("Ngày triển khai"), null=True, blank=True)
    accepted_on = models.DateField(_("Ngày nghiệm thu"), null=True, blank=True)
    settled_on = models.DateField(_("Ngày quyết toán"), null=True, blank=True)
    closed_on = models.DateField(_("Ngày kết thúc"), null=True, blank=True)

    # The project's money, kept by programmes.ledger in the transaction that changes a budget line or approves
    # a movement, so that lists and their totals read columns instead of summing the movements row by row.
    state_budget = models.BigIntegerField(_("Kinh phí nhà nước (đồng)"), default=0, editable=False)
    advanced = models.BigIntegerField(_("Đã tạm ứng (đồng)"), default=0, editable=False)
    paid = models.BigIntegerField(_("Đã thanh toán (đồng)"), default=0, editable=False)
    refunded = models.BigIntegerField(_("Đã hoàn trả (đồng)"), default=0, editable=False)
    settled = models.BigIntegerField(_("Đã quyết toán (đồng)"), default=0, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["title_folded", *sorted(LEDGER_FIELDS)])

    class Meta:
        verbose_name = _("Đề án khuyến công")
        verbose_name_plural = _("Đề án khuyến công")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programmes_project_dates",
            ),
            models.CheckConstraint(
                condition=Q(contract_value__isnull=True) | Q(contract_value__gte=0),
                name="programmes_project_contract_value",
            ),
            models.CheckConstraint(
                condition=Q(kind="national") | Q(province__isnull=False), name="programmes_local_has_province"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "year", "status"], name="prog_project_prov_year_idx"),
            models.Index(fields=["year", "status"], name="prog_project_year_status_idx"),
            models.Index(fields=["status", "kind"], name="prog_project_status_kind_idx"),
            models.Index(fields=["programme", "year"], name="prog_project_programme_idx"),
            models.Index(fields=["project_type", "year"], name="prog_project_type_idx"),
            models.Index(fields=["legacy_province", "year"], name="prog_project_legacy_idx"),
            models.Index(fields=["-year", "code"], name="prog_project_list_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def save(self, *args, **kwargs):
        """Only programmes.ledger writes the money columns (by a queryset update): a full save of an instance
        loaded before a movement was approved must not put the old figures back."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in LEDGER_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def disbursed(self) -> int:
        """Net disbursed state money: advances + payments − refunds (approved movements)."""
        return self.advanced + self.paid - self.refunded

    @property
    def is_editable(self) -> bool:
        return self.status in (ProjectStatus.DRAFT, ProjectStatus.RETURNED)

    @property
    def years(self) -> tuple[int, int]:
        """Calendar years the project covers (its plan year when dates are missing)."""
        start = self.start_date.year if self.start_date else self.year
        end = self.end_date.year if self.end_date else start
        return start, end

    def status_label(self) -> str:
        return state_label(self.status, self.kind)


class ProjectPartner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("Đơn vị phối hợp"), max_length=300)
    role = models.CharField(_("Vai trò"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Đơn vị phối hợp")
        verbose_name_plural = _("Đơn vị phối hợp")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ProjectBeneficiary(models.Model):
    """One establishment supported for one content item: planned state support and its counterpart funds."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="beneficiaries")
    establishment = models.ForeignKey(
        "registry.Establishment", verbose_name=_("Cơ sở thụ hưởng"), on_delete=models.PROTECT, related_name="+"
    )
    content_item = models.ForeignKey(
        ContentItem, verbose_name=_("Nội dung"), on_delete=models.PROTECT, related_name="+"
    )
    units = models.PositiveSmallIntegerField(
        _("Số mô hình/nhãn hiệu/thiết bị"), default=1, help_text=_("Số đơn vị tính mức trần mỗi mô hình.")
    )
    planned_support = models.BigIntegerField(_("Kinh phí nhà nước hỗ trợ (đồng)"))
    counterpart = models.BigIntegerField(_("Vốn đối ứng của cơ sở (đồng)"))
    double_funding_note = models.TextField(_("Giải trình hỗ trợ trùng lặp"), blank=True)
    added_after_approval = models.BooleanField(_("Bổ sung sau phê duyệt"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Cơ sở thụ hưởng")
        verbose_name_plural = _("Cơ sở thụ hưởng")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "establishment", "content_item"], name="programmes_beneficiary_unique"
            ),
            models.CheckConstraint(
                condition=Q(planned_support__gte=0) & Q(counterpart__gte=0), name="programmes_beneficiary_amounts"
            ),
            models.CheckConstraint(condition=Q(units__gte=1), name="programmes_beneficiary_units"),
        ]
        indexes = [models.Index(fields=["establishment", "content_item"], name="prog_benef_est_item_idx")]

    def __str__(self) -> str:
        return f"{self.establishment} — {self.content_item}"

    @property
    def total_cost(self) -> int:
        return self.planned_support + self.counterpart


class ProjectOutput(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("Chỉ tiêu"), on_delete=models.PROTECT, related_name="+"
    )
    planned_value = models.DecimalField(_("Kế hoạch"), max_digits=14, decimal_places=2)
    actual_value = models.DecimalField(
        _("Thực hiện (nghiệm thu)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Sản phẩm đầu ra")
        verbose_name_plural = _("Sản phẩm đầu ra")
        ordering = ["indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="programmes_output_unique"),
            models.CheckConstraint(condition=Q(planned_value__gt=0), name="programmes_output_planned_positive"),
            models.CheckConstraint(
                condition=Q(actual_value__isnull=True) | Q(actual_value__gte=0), name="programmes_output_actual"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.planned_value}"


class BudgetLine(models.Model):
    """Planned (and, once approved, approved) funds of a project for one content item from one source."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.ForeignKey(FundingSource, verbose_name=_("Nguồn vốn"), on_delete=models.PROTECT, related_name="+")
    content_item = models.ForeignKey(
        ContentItem, verbose_name=_("Nội dung"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("Kinh phí (đồng)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Dự toán theo nguồn")
        verbose_name_plural = _("Dự toán theo nguồn")
        ordering = ["source__sort_order", "content_item__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source", "content_item"], name="programmes_budget_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="programmes_budget_positive"),
        ]
        indexes = [models.Index(fields=["source", "project"], name="prog_budget_source_idx")]

    def __str__(self) -> str:
        return f"{self.source} — {self.content_item}: {self.amount}"


class DocumentType(models.TextChoices):
    PROPOSAL = "proposal", _("Thuyết minh, hồ sơ đăng ký đề án")
    APPRAISAL = "appraisal", _("Biên bản, thông báo thẩm định")
    DECISION = "decision", _("Quyết định phê duyệt")
    CONTRACT = "contract", _("Hợp đồng / quyết định giao nhiệm vụ")
    PROGRESS = "progress", _("Báo cáo tiến độ")
    INSPECTION = "inspection", _("Biên bản kiểm tra, giám sát")
    ACCEPTANCE = "acceptance", _("Biên bản nghiệm thu")
    SETTLEMENT = "settlement", _("Quyết định phê duyệt quyết toán")
    LIQUIDATION = "liquidation", _("Biên bản thanh lý hợp đồng")
    PAYMENT = "payment", _("Chứng từ tạm ứng, thanh toán")
    ADJUSTMENT = "adjustment", _("Văn bản điều chỉnh")
    OTHER = "other", _("Khác")


def document_path(instance: ProjectDocument, filename: str) -> str:
    return f"de-an/{instance.project_id}/{dt.date.today():%Y%m}/{filename}"


class ProjectDocument(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("Loại văn bản"), max_length=12, choices=DocumentType.choices)
    number = models.CharField(_("Số hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("Trích yếu"), max_length=300)
    file = models.FileField(_("Tệp"), upload_to=document_path, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Văn bản của đề án")
        verbose_name_plural = _("Văn bản của đề án")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["project", "doc_type"], name="prog_doc_project_type_idx")]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}".strip()


class AppraisalLevel(models.TextChoices):
    BASE = "base", _("Thẩm định cấp cơ sở (Sở Công Thương)")
    NATIONAL = "national", _("Thẩm định cấp Bộ (Cục)")
    COMMITTEE = "committee", _("Phê duyệt của UBND tỉnh")


class Appraisal(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="appraisals")
    level = models.CharField(_("Cấp"), max_length=10, choices=AppraisalLevel.choices)
    checklist = models.JSONField(_("Tiêu chí đã đạt"), default=list, blank=True)
    council_members = models.TextField(_("Thành viên hội đồng"), blank=True)
    score = models.DecimalField(_("Điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    opinion = models.TextField(_("Ý kiến"), blank=True)
    decision_number = models.CharField(_("Số văn bản/quyết định"), max_length=60)
    decision_date = models.DateField(_("Ngày"))
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kết quả thẩm định/phê duyệt")
        verbose_name_plural = _("Kết quả thẩm định/phê duyệt")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="programmes_appraisal_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.decision_number}"


class ProjectStateChange(models.Model):
    """The project's timeline: one row per transition, never changed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="state_changes")
    action = models.CharField(_("Thao tác"), max_length=30)
    from_state = models.CharField(_("Từ trạng thái"), max_length=20, choices=ProjectStatus.choices)
    to_state = models.CharField(_("Sang trạng thái"), max_length=20, choices=ProjectStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("Ghi chú/lý do"), blank=True)
    findings = models.JSONField(_("Kết quả kiểm tra định mức"), default=list, blank=True)
    version = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("Chuyển trạng thái đề án")
        verbose_name_plural = _("Chuyển trạng thái đề án")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at"], name="prog_state_project_at_idx")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"

    @property
    def to_label(self) -> str:
        return state_label(self.to_state, self.project.kind)


class RuleOverride(models.Model):
    """A leader's written permission to exceed one specific rule finding (its key includes the amounts)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rule_overrides")
    finding_key = models.CharField(max_length=200)
    message = models.TextField(_("Nội dung vượt định mức"))
    reason = models.TextField(_("Lý do cho phép"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Cho phép vượt định mức")
        verbose_name_plural = _("Cho phép vượt định mức")
        ordering = ["granted_at"]
        constraints = [models.UniqueConstraint(fields=["project", "finding_key"], name="programmes_override_unique")]

    def __str__(self) -> str:
        return self.message


class ProgressReport(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports")
    period_end = models.DateField(_("Tính đến ngày"))
    percent_complete = models.DecimalField(_("Khối lượng hoàn thành (%)"), max_digits=5, decimal_places=2)
    summary = models.TextField(_("Kết quả thực hiện"))
    issues = models.TextField(_("Khó khăn, kiến nghị"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Báo cáo tiến độ")
        verbose_name_plural = _("Báo cáo tiến độ")
        ordering = ["period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100), name="programmes_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_end:%d/%m/%Y}: {self.percent_complete}%"


class InspectionConclusion(models.TextChoices):
    SATISFACTORY = "ok", _("Đạt yêu cầu")
    ISSUES = "issues", _("Có tồn tại cần khắc phục")


class Inspection(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inspections")
    visited_on = models.DateField(_("Ngày kiểm tra"))
    inspectors = models.TextField(_("Thành phần đoàn kiểm tra"))
    findings = models.TextField(_("Kết quả kiểm tra"))
    conclusion = models.CharField(_("Kết luận"), max_length=8, choices=InspectionConclusion.choices)
    recommendations = models.TextField(_("Kiến nghị"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kiểm tra, giám sát")
        verbose_name_plural = _("Kiểm tra, giám sát")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%d/%m/%Y}: {self.get_conclusion_display()}"


class MovementKind(models.TextChoices):
    ADVANCE = "advance", _("Tạm ứng")
    PAYMENT = "payment", _("Thanh toán")
    SETTLEMENT = "settlement", _("Quyết toán")
    REFUND = "refund", _("Hoàn trả")


class MovementStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Từ chối")


class MoneyMovement(models.Model):
    """One advance, payment, settlement or refund of one source: entered by an officer, approved by a leader."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="movements")
    source = models.ForeignKey(FundingSource, verbose_name=_("Nguồn vốn"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("Loại"), max_length=10, choices=MovementKind.choices)
    amount = models.BigIntegerField(_("Số tiền (đồng)"))
    occurred_on = models.DateField(_("Ngày chứng từ"))
    document_number = models.CharField(_("Số chứng từ"), max_length=60)
    note = models.CharField(_("Diễn giải"), max_length=300, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=MovementStatus.choices, default=MovementStatus.PENDING
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("Ý kiến duyệt"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Giải ngân, quyết toán")
        verbose_name_plural = _("Giải ngân, quyết toán")
        ordering = ["occurred_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="programmes_movement_positive")]
        indexes = [
            models.Index(fields=["project", "source", "status"], name="prog_move_project_idx"),
            models.Index(fields=["status", "source"], name="prog_move_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} — {self.project.code}"


class ProjectMoney(models.Model):
    """One project's money from one source: its budget lines and approved movements added up, kept by
    programmes.ledger in the same transaction as they change (the list totals add these rows up)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="money")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="+")
    planned = models.BigIntegerField(default=0)
    advanced = models.BigIntegerField(default=0)
    paid = models.BigIntegerField(default=0)
    refunded = models.BigIntegerField(default=0)
    settled = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Kinh phí đề án theo nguồn")
        verbose_name_plural = _("Kinh phí đề án theo nguồn")
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="programmes_project_money_unique")]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.source_id}"


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã chấp thuận")
    REFUSED = "refused", _("Không chấp thuận")


class DecisionLevel(models.TextChoices):
    CENTRAL = "central", _("Cục")
    DEPARTMENT = "department", _("Sở Công Thương")
    COMMITTEE = "committee", _("UBND tỉnh")


class Adjustment(models.Model):
    """A request to change an approved project's budget, beneficiaries or timeline, decided by the level the
    change requires (computed when the request is made)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="adjustments")
    reason = models.TextField(_("Lý do điều chỉnh"))
    new_end_date = models.DateField(_("Ngày kết thúc mới"), null=True, blank=True)
    budget_changes = models.JSONField(_("Dự toán mới"), default=list, blank=True)
    beneficiary_additions = models.JSONField(_("Cơ sở bổ sung"), default=list, blank=True)
    beneficiary_removals = models.JSONField(_("Cơ sở rút khỏi đề án"), default=list, blank=True)
    decision_level = models.CharField(_("Cấp quyết định"), max_length=12, choices=DecisionLevel.choices)
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_number = models.CharField(_("Số văn bản quyết định"), max_length=60, blank=True)
    decision_note = models.TextField(_("Ý kiến"), blank=True)

    class Meta:
        verbose_name = _("Điều chỉnh đề án")
        verbose_name_plural = _("Điều chỉnh đề án")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "decision_level"], name="prog_adjust_status_idx")]

    def __str__(self) -> str:
        return f"{self.project} — {self.get_status_display()}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("Nội dung"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Thông báo")
        verbose_name_plural = _("Thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"], name="prog_notif_user_idx")]

    def __str__(self) -> str:
        return self.message
