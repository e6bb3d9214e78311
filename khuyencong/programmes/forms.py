"""Forms of the programme pages. They only parse and label input; every rule is in services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import NameChoiceField
from khuyencong.core.money import parse_vnd
from khuyencong.indicators.models import Indicator, IndicatorSource
from khuyencong.programmes import workflow
from khuyencong.programmes.models import (
    AppraisalCriterion,
    ContentGroup,
    ContentItem,
    ContractKind,
    Deadline,
    DocumentType,
    FundingSource,
    InspectionConclusion,
    MovementKind,
    Programme,
    ProgrammeLevel,
    ProjectKind,
    ProjectStatus,
    ProjectType,
    RuleSet,
    SupportRule,
)
from khuyencong.programmes.rules import number_text

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}, format="%d/%m/%Y")


class MoneyField(forms.CharField):
    """An amount in đồng typed in any Vietnamese style ("1,5 tỷ", "250 triệu", "1.234.567")."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        kwargs.setdefault("help_text", _("Ví dụ: 250 triệu, 1,5 tỷ hoặc 1.234.567"))
        super().__init__(**kwargs)
        self.allow_zero = allow_zero
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            amount = parse_vnd(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if amount == 0 and not self.allow_zero:
            raise forms.ValidationError(_("Số tiền phải lớn hơn 0."))
        return amount


def _date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


# --- Projects -------------------------------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Mã hoặc tên đề án"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    programme = NameChoiceField(label=_("Chương trình"), queryset=Programme.objects.none(), required=False)
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    content_item = NameChoiceField(label=_("Nội dung"), queryset=ContentItem.objects.all(), required=False)
    source = NameChoiceField(label=_("Nguồn vốn"), queryset=FundingSource.objects.all(), required=False)
    project_type = forms.ChoiceField(label=_("Hình thức"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    late = forms.BooleanField(label=_("Chỉ đề án quá hạn"), required=False)

    def __init__(self, *args, programmes, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].queryset = provinces
        for name in ("programme", "province", "content_item", "source"):
            if name in self.fields:
                self.fields[name].empty_label = _("Tất cả")
        self.fields["status"].choices = [("", _("Tất cả")), *ProjectStatus.choices]
        self.fields["project_type"].choices = [("", _("Tất cả")), *ProjectType.choices]
        self.fields["kind"].choices = [("", _("Tất cả")), *ProjectKind.choices]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Tên đề án"), max_length=500)
    kind = forms.ChoiceField(label=_("Loại đề án"), choices=ProjectKind.choices)
    project_type = forms.ChoiceField(label=_("Hình thức"), choices=ProjectType.choices)
    programme = forms.ModelChoiceField(label=_("Thuộc chương trình"), queryset=Programme.objects.none())
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)
    implementing_agency = forms.ModelChoiceField(label=_("Đơn vị thực hiện"), queryset=None)
    province = forms.ModelChoiceField(
        label=_("Tỉnh thực hiện"),
        queryset=None,
        required=False,
        help_text=_("Để trống với đề án quốc gia do Trung tâm vùng thực hiện ở nhiều tỉnh."),
    )
    legacy_province = forms.ModelChoiceField(
        label=_("Tỉnh tại thời điểm thực hiện (đề án trước 01/07/2025)"), queryset=None, required=False
    )
    communes = forms.ModelMultipleChoiceField(label=_("Địa bàn (xã/phường)"), queryset=None, required=False)
    start_date = _date_field(_("Ngày bắt đầu"), required=False)
    end_date = _date_field(_("Ngày kết thúc"), required=False)
    content_items = forms.ModelMultipleChoiceField(
        label=_("Nội dung hỗ trợ"), queryset=ContentItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    objectives = forms.CharField(label=_("Mục tiêu"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    partners = forms.CharField(
        label=_("Đơn vị phối hợp"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Mỗi đơn vị một dòng, dạng: Tên đơn vị | vai trò."),
    )
    is_priority = forms.BooleanField(label=_("Thuộc địa bàn, ngành nghề ưu tiên"), required=False)
    priority_reason = forms.CharField(label=_("Căn cứ ưu tiên"), required=False, max_length=300)

    def __init__(self, *args, programmes, agencies, provinces, legacy_provinces, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["implementing_agency"].queryset = agencies
        self.fields["content_items"].queryset = ContentItem.objects.select_related("group")
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].queryset = provinces
        self.fields["legacy_province"].queryset = legacy_provinces
        if communes is None:
            del self.fields["communes"]
        else:
            self.fields["communes"].queryset = communes

    def clean_partners(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["partners"].splitlines():
            if line.strip():
                name, _sep, role = line.partition("|")
                rows.append((name.strip(), role.strip()))
        return rows


def partners_text(project) -> str:
    return "\n".join(f"{p.name} | {p.role}" if p.role else p.name for p in project.partners.all())


class BudgetLineForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Nguồn vốn"), queryset=FundingSource.objects.all())
    content_item = forms.ModelChoiceField(label=_("Nội dung"), queryset=ContentItem.objects.none())
    amount = MoneyField(label=_("Kinh phí"), help_text="")

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_item"].queryset = items if items is not None else ContentItem.objects.all()


class BaseBudgetFormSet(forms.BaseFormSet):
    def __init__(self, *args, items=None, **kwargs):
        self.items = items
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "items": self.items}

    def lines(self) -> list[dict]:
        return [
            {
                "source": f.cleaned_data["source"].pk,
                "content_item": f.cleaned_data["content_item"].pk,
                "amount": f.cleaned_data["amount"],
            }
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


BudgetFormSet = forms.formset_factory(BudgetLineForm, formset=BaseBudgetFormSet, extra=3, can_delete=True)


class OutputsForm(forms.Form):
    """One planned value per indicator; an empty field means the project has no output of that kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in Indicator.objects.filter(is_active=True, source=IndicatorSource.OUTPUTS):
            self.fields[f"ind_{indicator.pk}"] = forms.DecimalField(
                localize=True,
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                min_value=0,
                decimal_places=2,
            )

    def outputs(self) -> dict[int, object]:
        return {
            int(name.removeprefix("ind_")): value
            for name, value in self.cleaned_data.items()
            if value is not None and value != 0
        }


class BeneficiaryForm(forms.Form):
    establishment = forms.ModelChoiceField(
        label=_("Cơ sở thụ hưởng"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    content_item = forms.ModelChoiceField(label=_("Nội dung hỗ trợ"), queryset=ContentItem.objects.none())
    units = forms.IntegerField(label=_("Số mô hình/nhãn hiệu/đơn vị"), min_value=1, initial=1)
    planned_support = MoneyField(label=_("Kinh phí nhà nước hỗ trợ"), allow_zero=True)
    counterpart = MoneyField(label=_("Vốn đối ứng của cơ sở"), allow_zero=True)
    double_funding_note = forms.CharField(
        label=_("Giải trình nếu cơ sở đã được hỗ trợ cùng nội dung"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Lý do cho phép vượt định mức (lãnh đạo)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, establishments, candidates, items, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments
        self.fields["establishment"].widget.choices = [
            (e.pk, f"{e.name} — {e.tax_code or ''}".strip(" —")) for e in candidates
        ]
        self.fields["content_item"].queryset = items
        if not may_override:
            del self.fields["override_reason"]


class BeneficiaryEditForm(forms.Form):
    units = forms.IntegerField(label=_("Số mô hình/nhãn hiệu/đơn vị"), min_value=1)
    planned_support = MoneyField(label=_("Kinh phí nhà nước hỗ trợ"), allow_zero=True)
    counterpart = MoneyField(label=_("Vốn đối ứng của cơ sở"), allow_zero=True)
    double_funding_note = forms.CharField(
        label=_("Giải trình hỗ trợ trùng lặp"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentType.choices)
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    number = forms.CharField(label=_("Số hiệu"), max_length=60, required=False)
    issued_on = _date_field(_("Ngày ban hành"), required=False)
    file = forms.FileField(label=_("Tệp"))


def transition_form_class(entry: workflow.Transition, *, project=None, may_override: bool = False):
    """A form for one step of the lifecycle, built from the inputs the transition table declares."""
    fields: dict[str, forms.Field] = {"version": forms.IntegerField(widget=forms.HiddenInput)}
    for spec in entry.fields:
        if spec.kind == "text":
            fields[spec.name] = forms.CharField(label=spec.label, required=spec.required, max_length=60)
        elif spec.kind == "textarea":
            fields[spec.name] = forms.CharField(
                label=spec.label, required=spec.required, widget=forms.Textarea(attrs={"rows": 3})
            )
        elif spec.kind == "date":
            fields[spec.name] = _date_field(spec.label, required=spec.required)
        elif spec.kind == "money":
            fields[spec.name] = MoneyField(label=spec.label, required=spec.required)
        elif spec.kind == "decimal":
            fields[spec.name] = forms.DecimalField(
                localize=True, label=spec.label, required=spec.required, min_value=0, max_value=100, decimal_places=2
            )
        elif spec.kind == "contract_kind":
            fields[spec.name] = forms.ChoiceField(label=spec.label, choices=ContractKind.choices)
        elif spec.kind == "criteria":
            fields[spec.name] = forms.ModelMultipleChoiceField(
                label=spec.label,
                queryset=AppraisalCriterion.objects.filter(AppraisalCriterion.valid_on_q(timezone.localdate())),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        elif spec.kind == "outputs" and project is not None:
            for output in project.outputs.select_related("indicator"):
                fields[f"output_{output.indicator_id}"] = forms.DecimalField(
                    localize=True,
                    label=_("Thực hiện: %(name)s (kế hoạch %(plan)s %(unit)s)")
                    % {
                        "name": output.indicator.name,
                        "plan": number_text(output.planned_value),
                        "unit": output.indicator.unit,
                    },
                    min_value=0,
                    decimal_places=2,
                )
    fields["note"] = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    if may_override and entry.rule_stage:
        fields["override_reason"] = forms.CharField(
            label=_("Lý do cho phép vượt định mức (nếu có)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    return type("TransitionForm", (forms.Form,), fields)


def transition_data(form: forms.Form) -> dict:
    """The form's values in the shape `services.project_transition` takes."""
    data = dict(form.cleaned_data)
    outputs = {int(k.removeprefix("output_")): v for k, v in data.items() if k.startswith("output_")}
    if outputs:
        data["actual_outputs"] = outputs
    if "checklist" in data:
        data["checklist"] = [criterion.pk for criterion in data["checklist"]]
    return data


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do cho phép vượt định mức"), widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    period_end = _date_field(_("Tính đến ngày"))
    percent_complete = forms.DecimalField(
        localize=True, label=_("Khối lượng hoàn thành (%)"), min_value=0, max_value=100, decimal_places=2
    )
    summary = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    issues = forms.CharField(label=_("Khó khăn, kiến nghị"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InspectionForm(forms.Form):
    visited_on = _date_field(_("Ngày kiểm tra"))
    inspectors = forms.CharField(label=_("Thành phần đoàn kiểm tra"), widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("Kết quả kiểm tra"), widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label=_("Kết luận"), choices=InspectionConclusion.choices)
    recommendations = forms.CharField(label=_("Kiến nghị"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MoneyForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Nguồn vốn"), queryset=FundingSource.objects.none())
    kind = forms.ChoiceField(label=_("Loại"), choices=MovementKind.choices)
    amount = MoneyField(label=_("Số tiền"))
    occurred_on = _date_field(_("Ngày chứng từ"))
    document_number = forms.CharField(label=_("Số chứng từ"), max_length=60)
    note = forms.CharField(label=_("Diễn giải"), max_length=300, required=False)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class MoneyDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"), choices=[("approve", _("Duyệt")), ("reject", _("Từ chối"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        label=_("Lý do cho phép vượt mức tạm ứng (nếu có)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdjustmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 3}))
    new_end_date = _date_field(_("Gia hạn: ngày kết thúc mới"), required=False)
    change_budget = forms.BooleanField(label=_("Điều chỉnh dự toán (theo bảng dưới)"), required=False)
    remove_beneficiaries = forms.ModelMultipleChoiceField(
        label=_("Rút cơ sở khỏi đề án"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, beneficiaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_beneficiaries"].queryset = beneficiaries
        self.fields["remove_beneficiaries"].label_from_instance = lambda row: (
            f"{row.establishment.name} — {row.content_item.name}"
        )


class AdjustmentDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Chấp thuận")), ("refuse", _("Không chấp thuận"))],
        widget=forms.RadioSelect,
    )
    decision_number = forms.CharField(label=_("Số văn bản quyết định"), max_length=60, required=False)
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        label=_("Lý do cho phép vượt định mức (nếu có)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Plans and programmes -------------------------------------------------------------------------------------


class PlanFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả")), *ProjectKind.choices])


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Năm kế hoạch"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    programme = forms.ModelChoiceField(label=_("Thuộc chương trình"), queryset=Programme.objects.none(), required=False)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class AllocationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        for source in sources:
            self.fields[f"source_{source.pk}"] = MoneyField(
                label=_("Kinh phí được giao — %(s)s") % {"s": source.name}, required=False, allow_zero=True
            )

    def amounts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("source_")): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("source_")
        }


class PlanProjectForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Đề án đã phê duyệt"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = candidates
        self.fields["project"].label_from_instance = lambda project: f"{project.code} — {project.title}"


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "code", "name", "level", "province", "start_year", "end_year", "decision_number", "decision_date",
            "issuer", "citation", "description",
        ]  # fmt: skip
        widgets = {"decision_date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, provinces, national_scope: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        if not national_scope:
            self.fields["level"].choices = [(ProgrammeLevel.PROVINCIAL, ProgrammeLevel.PROVINCIAL.label)]
            del self.fields["province"]


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Indicator.objects.all())
    target_value = forms.DecimalField(localize=True, label=_("Mục tiêu (để trống để bỏ)"), required=False, min_value=0)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


# --- Reference data: one ModelForm per kind, listed in REFERENCE_KINDS ---------------------------------------


def _model_form(model_class, field_names, widgets=None):
    meta = type("Meta", (), {"model": model_class, "fields": field_names, "widgets": widgets or {}})
    return type(f"{model_class.__name__}Form", (forms.ModelForm,), {"Meta": meta})


class SupportRuleForm(forms.ModelForm):
    max_per_beneficiary = MoneyField(label=_("Tối đa mỗi cơ sở"), required=False)
    max_per_model = MoneyField(label=_("Tối đa mỗi mô hình/nhãn hiệu/cụm"), required=False)
    max_per_project = MoneyField(label=_("Tối đa mỗi đề án"), required=False)

    class Meta:
        model = SupportRule
        fields = [
            "rule_set", "content_item", "max_share_percent", "max_per_beneficiary", "max_per_model", "max_per_project",
            "priority_applies", "advance_percent", "advance_after_progress_percent", "note",
        ]  # fmt: skip


_DATED = ["valid_from", "valid_to", "citation"]
_DATED_WIDGETS = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}
REFERENCE_KINDS = {
    # slug: (model, list title, form, columns shown in the list)
    "nhom-noi-dung": (
        ContentGroup, _("Nhóm nội dung khuyến công"),
        _model_form(ContentGroup, ["code", "number", "name", *_DATED], _DATED_WIDGETS), ["number", "name", "citation"],
    ),
    "noi-dung": (
        ContentItem, _("Nội dung khuyến công"),
        _model_form(ContentItem, ["code", "group", "name", "indicator", "sort_order", *_DATED], _DATED_WIDGETS),
        ["group", "name", "indicator"],
    ),
    "nguon-von": (
        FundingSource, _("Nguồn vốn"),
        _model_form(FundingSource, ["code", "name", "short_name", "kind", "is_state_budget", "citation", "sort_order"]),
        ["short_name", "name", "kind", "is_state_budget"],
    ),
    "dinh-muc": (
        RuleSet, _("Bộ định mức hỗ trợ"),
        _model_form(
            RuleSet,
            ["code", "name", "issuer", "scope", "province", "priority_multiplier", "superseded_by", "is_sample", "note",
             *_DATED],
            _DATED_WIDGETS,
        ),
        ["name", "scope", "province", "valid_from", "valid_to"],
    ),
    "muc-ho-tro": (
        SupportRule, _("Định mức theo nội dung"), SupportRuleForm,
        ["rule_set", "content_item", "max_share_percent", "max_per_beneficiary", "max_per_model", "max_per_project"],
    ),
    "han-nop": (
        Deadline, _("Hạn nộp"),
        _model_form(Deadline, ["kind", "day", "month", "year_offset", *_DATED], _DATED_WIDGETS),
        ["kind", "day", "month", "year_offset", "valid_from", "valid_to"],
    ),
    "tieu-chi-tham-dinh": (
        AppraisalCriterion, _("Tiêu chí thẩm định"),
        _model_form(AppraisalCriterion, ["text", "sort_order", *_DATED], _DATED_WIDGETS),
        ["text", "valid_from", "valid_to"],
    ),
    "chi-tieu": (
        Indicator, _("Chỉ tiêu (đầu ra, kết quả)"),
        _model_form(Indicator, [
            "code", "name", "name_en", "unit", "kind", "source", "aggregation", "period_kind", "by_sex",
            "by_ethnic_minority", "max_value", "description", "citation", "sort_order", "is_active",
        ]),
        ["name", "unit", "kind", "source", "is_active"],
    ),
}  # fmt: skip
