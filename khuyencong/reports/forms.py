"""Forms of the report pages. They only parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.reports.models import ReportDefinition, ReportStatus, UnitBasis
from khuyencong.reports.periods import PeriodType, make_period
from khuyencong.reports.sections import SECTION_KINDS

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}, format="%d/%m/%Y")
NUMBER_CHOICES = [
    ("", _("— quý / 6 tháng —")),
    ("1", _("Quý I / 6 tháng đầu năm")),
    ("2", _("Quý II / 6 tháng cuối năm")),
    ("3", _("Quý III")),
    ("4", _("Quý IV")),
]


def _provinces():
    return Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).order_by("code")


def _years():
    this = timezone.localdate().year
    return [(year, str(year)) for year in range(this + 1, 2011, -1)]


class ReportCreateForm(forms.Form):
    definition = forms.ModelChoiceField(label=_("Mẫu báo cáo"), queryset=ReportDefinition.objects.none())
    period_type = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodType.choices)
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False, empty_value=None)
    number = forms.TypedChoiceField(
        label=_("Quý / 6 tháng"), choices=NUMBER_CHOICES, coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(label=_("Từ ngày (kỳ tùy chọn)"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("Đến ngày (kỳ tùy chọn)"), required=False, widget=DATE_WIDGET)
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=Unit.objects.none(), required=False,
        empty_label=_("— toàn quốc —"),
        help_text=_("Để trống với báo cáo toàn quốc; báo cáo của tỉnh do Sở Công Thương của tỉnh lập."),
    )  # fmt: skip
    unit_basis = forms.ChoiceField(
        label=_("Địa bàn trong bảng tổng hợp theo tỉnh"), choices=UnitBasis.choices, initial=UnitBasis.CURRENT
    )

    def __init__(self, *args, definitions, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].queryset = definitions
        self.fields["year"].choices = _years()
        self.fields["year"].initial = timezone.localdate().year
        if national:
            self.fields["province"].queryset = _provinces()
        else:
            del self.fields["province"]
            del self.fields["unit_basis"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        from khuyencong.core.errors import ValidationFailed

        try:
            data["period"] = make_period(
                data["period_type"], data.get("year"), data.get("number"), data.get("start"), data.get("end")
            )
        except ValidationFailed as error:
            fields = [field for field in (error.details or {}) if field in self.fields]
            for field in fields:
                self.add_error(field, error.message)
            if not fields:
                self.add_error(None, error.message)
        return data


class ReportFilterForm(forms.Form):
    definition = forms.ModelChoiceField(
        label=_("Mẫu báo cáo"), queryset=ReportDefinition.objects.all(), required=False, empty_label=_("Tất cả")
    )
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False, empty_value=None)
    period_type = forms.ChoiceField(label=_("Loại kỳ"), choices=[("", _("Tất cả")), *PeriodType.choices],
                                    required=False)  # fmt: skip
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *ReportStatus.choices],
                               required=False)  # fmt: skip
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=Unit.objects.none(), required=False, empty_label=_("Tất cả")
    )

    def __init__(self, *args, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tất cả")), *_years()]
        if national:
            self.fields["province"].queryset = _provinces()
        else:
            del self.fields["province"]

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class ReportEditForm(forms.Form):
    place = forms.CharField(label=_("Địa danh (dòng ngày tháng)"), max_length=80)
    recipients = forms.CharField(
        label=_("Nơi nhận"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nơi nhận; {cuc} là tên Cục, {cap_tren} là tên cơ quan cấp trên vào ngày ký."),
    )  # fmt: skip

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrative_keys = []
        for spec in report.definition.sections:
            if spec["kind"] != "narrative":
                continue
            name = f"narrative_{spec['key']}"
            self.narrative_keys.append((name, spec["key"]))
            self.fields[name] = forms.CharField(
                label=spec.get("title") or spec["key"], required=False, max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 6}), help_text=spec.get("options", {}).get("hint", ""),
                initial=(report.narratives or {}).get(spec["key"], ""),
            )  # fmt: skip

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "place": data["place"],
            "recipients": data["recipients"],
            "narratives": {key: data.get(name, "") for name, key in self.narrative_keys},
        }


class SignForm(forms.Form):
    version_id = forms.TypedChoiceField(label=_("Bản nháp được ký"), coerce=int)
    number = forms.CharField(label=_("Số văn bản"), max_length=20, help_text=_("Số do văn thư cấp, ví dụ 15."))
    date = forms.DateField(label=_("Ngày ký"), widget=DATE_WIDGET)
    signer_title = forms.CharField(
        label=_("Chức danh người ký"), max_length=120, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một dòng chức danh, ví dụ “KT. GIÁM ĐỐC” rồi “PHÓ GIÁM ĐỐC”."),
    )  # fmt: skip
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=120)
    note = forms.CharField(
        label=_("Ghi chú (không bắt buộc)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version_id"].choices = [
            (draft.pk, f"{draft.label} — {timezone.localtime(draft.created_at):%H:%M %d/%m/%Y}") for draft in drafts
        ]
        self.fields["date"].initial = dt.date.today()

    def signature(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("number", "date", "signer_title", "signer_name")}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến, lý do"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        self.fields["note"].error_messages["required"] = _("Ghi rõ ý kiến, lý do.")


class FilingFilterForm(forms.Form):
    definition = forms.ModelChoiceField(label=_("Báo cáo"), queryset=ReportDefinition.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int)
    only_overdue = forms.BooleanField(label=_("Chỉ tỉnh có kỳ quá hạn"), required=False)

    def __init__(self, *args, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].queryset = definitions
        self.fields["year"].choices = _years()
        self.fields["year"].initial = timezone.localdate().year


class DefinitionForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    document_type = forms.CharField(label=_("Loại văn bản"), max_length=60)
    symbol = forms.CharField(label=_("Ký hiệu văn bản"), max_length=40, required=False)
    period_types = forms.MultipleChoiceField(
        label=_("Các loại kỳ báo cáo"), choices=PeriodType.choices, widget=forms.CheckboxSelectMultiple
    )
    signer_title = forms.CharField(label=_("Chức danh người ký (mặc định)"), max_length=120, required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận (mặc định)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    sections = forms.CharField(
        label=_("Các phần của báo cáo"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Mỗi dòng một phần, theo thứ tự: mã | loại | tiêu đề. Loại: ")
        + ", ".join(SECTION_KINDS),
    )  # fmt: skip
    citation = forms.CharField(label=_("Căn cứ"), max_length=300, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("Đang dùng"), required=False)


def sections_text(sections: list[dict]) -> str:
    return "\n".join(f"{spec['key']} | {spec['kind']} | {spec.get('title', '')}" for spec in sections)


class RuleForm(forms.Form):
    period_type = forms.ChoiceField(label=_("Loại kỳ"), choices=[c for c in PeriodType.choices if c[0] != "adhoc"])
    due_days = forms.IntegerField(label=_("Hạn gửi: số ngày sau khi hết kỳ"), min_value=0, max_value=366)
    valid_from = forms.DateField(label=_("Áp dụng cho kỳ kết thúc từ ngày"), required=False, widget=DATE_WIDGET)
    valid_to = forms.DateField(label=_("Áp dụng cho kỳ kết thúc đến ngày"), required=False, widget=DATE_WIDGET)
    citation = forms.CharField(label=_("Căn cứ pháp lý"), max_length=300)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
