"""Forms of the dashboards, targets and provincial reports. They type and label the input; the rules live in
services.py, which checks them again against the stored rows."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import NameChoiceField
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.indicators.models import Half, Indicator, ManualReport, ReportStatus
from khuyencong.indicators.selectors import LAST_LEGACY_YEAR, UNITS_NOW, UNITS_THEN, Filters, default_programme
from khuyencong.programmes.models import FundingSource
from khuyencong.programmes.selectors import programmes_visible_to

YEAR_MIN, YEAR_MAX = 2000, 2100
GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


class NumberField(forms.DecimalField):
    """A non-negative figure with at most two decimals, typed the Vietnamese way: "1.600" is one thousand six
    hundred, "1.230,5" and "55,5" have a decimal comma; a lone point ("55.5") is read as a decimal point."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Phải là một số, ví dụ 1.600 hoặc 55,5."),
                "min_value": _("Không được âm."),
                "max_decimal_places": _("Tối đa hai chữ số thập phân."),
                "max_digits": _("Số quá lớn."),
                "max_whole_digits": _("Số quá lớn."),
            },
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif GROUPED.match(text):
                text = text.replace(".", "")
            value = text
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            from khuyencong.indicators.selectors import number_text

            return number_text(value)
        return value


def _year_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": _("Năm phải là một số, ví dụ 2024."),
            "min_value": _("Năm không được trước %(limit_value)s."),
            "max_value": _("Năm không được sau %(limit_value)s."),
        },
    )


class DashboardFilterForm(forms.Form):
    """The query string of a dashboard. Without any parameter the page opens on the latest national programme
    with targets; "Tất cả chương trình" is an explicit empty choice."""

    programme = NameChoiceField(
        label=_("Chương trình"), queryset=None, required=False, empty_label=_("Tất cả chương trình")
    )
    year_from = _year_field(_("Từ năm"))
    year_to = _year_field(_("Đến năm"))
    source = NameChoiceField(
        label=_("Nguồn vốn"), queryset=FundingSource.objects.all(), required=False, empty_label=_("Tất cả nguồn")
    )
    units = forms.ChoiceField(
        label=_("Đơn vị hành chính"),
        choices=[(UNITS_NOW, _("Hiện nay (34 tỉnh)")), (UNITS_THEN, _("Khi thực hiện (63 tỉnh cũ, đến 2025)"))],
        required=False,
    )

    def __init__(self, data, *, user):
        self.default_programme = default_programme(user)
        bare = not any(key in data for key in self.base_fields)
        super().__init__(None if bare else data, initial={"programme": self.default_programme})
        self.fields["programme"].queryset = programmes_visible_to(user).order_by("level", "-start_year")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and first > last:
            self.add_error("year_to", _("“Đến năm” phải từ “Từ năm” trở đi."))
        if cleaned.get("units") == UNITS_THEN and first and first > LAST_LEGACY_YEAR:
            self.add_error(
                "year_from",
                _("Đơn vị “khi thực hiện” là 63 tỉnh cũ, chỉ có số liệu đến năm %(y)s.") % {"y": LAST_LEGACY_YEAR},
            )
        return cleaned

    def filters(self) -> Filters:
        """The filters to apply: the defaults on a bare page, or when the input is wrong (its errors are shown)."""
        if not self.is_bound or not self.is_valid():
            return Filters(programme=self.default_programme)
        data = self.cleaned_data
        return Filters(
            programme=data["programme"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            source=data["source"],
            units=data["units"] or UNITS_NOW,
        )


def province_choices(*, legacy: bool = True):
    provinces = Unit.objects.filter(level=UnitLevel.PROVINCE)
    if not legacy:
        provinces = provinces.filter(valid_to__isnull=True)
    return provinces.order_by("valid_to", "code")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit} (trước 01/07/2025)" if unit.valid_to else str(unit)


class TargetFilterForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Chương trình"), queryset=None, empty_label=None)
    indicator = forms.ModelChoiceField(
        label=_("Chỉ tiêu"), queryset=Indicator.objects.all(), required=False, empty_label=_("Tất cả chỉ tiêu")
    )
    year = forms.CharField(label=_("Năm"), required=False, widget=forms.Select)
    province = forms.ModelChoiceField(
        label=_("Tỉnh (hiện nay)"), queryset=None, required=False, empty_label=_("Mọi tỉnh")
    )

    def __init__(self, data, *, user, national: bool):
        programmes = programmes_visible_to(user).order_by("level", "-start_year")
        chosen = data.get("programme")
        found = programmes.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None
        self.programme = found or default_programme(user) or programmes.first()
        data = data.copy()
        if self.programme is not None:
            data["programme"] = str(self.programme.pk)
        super().__init__(data)
        self.fields["programme"].queryset = programmes
        years = range(self.programme.start_year, self.programme.end_year + 1) if self.programme else []
        self.fields["year"].widget.choices = [("", _("Mọi năm")), ("period", _("Cả giai đoạn"))] + [
            (str(year), str(year)) for year in years
        ]
        if national:
            self.fields["province"].queryset = province_choices(legacy=False)
        else:
            del self.fields["province"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year in ("", "period"):
            return year
        programme = self.programme
        if not year.isdigit() or not (programme and programme.start_year <= int(year) <= programme.end_year):
            raise forms.ValidationError(_("Năm phải trong giai đoạn của chương trình."))
        return int(year)


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Indicator.objects.filter(is_active=True))
    unit = UnitChoiceField(
        label=_("Tỉnh được giao"),
        queryset=None,
        required=False,
        empty_label=_("— Mục tiêu chung của chương trình —"),
        help_text=_("Có thể chọn tỉnh cũ (trước 01/07/2025): mục tiêu được cộng vào tỉnh hiện nay."),
    )
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False, empty_value=None)
    target_value = NumberField(label=_("Mục tiêu (để trống để bỏ)"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
    citation = forms.CharField(label=_("Căn cứ (văn bản giao)"), max_length=300, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = province_choices()
        self.fields["year"].choices = [("", _("Cả giai đoạn"))] + [
            (year, str(year)) for year in range(programme.start_year, programme.end_year + 1)
        ]
        if programme.level == "provincial":
            del self.fields["unit"]


class ReportFilterForm(forms.Form):
    year = _year_field(_("Năm"))
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Mọi trạng thái")), *ReportStatus.choices],
                               required=False)  # fmt: skip
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=None, required=False, empty_label=_("Mọi tỉnh"))

    def __init__(self, data, *, national: bool):
        super().__init__(data)
        if national:
            self.fields["province"].queryset = province_choices(legacy=False)
        else:
            del self.fields["province"]


class ReportOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    half = forms.TypedChoiceField(label=_("Kỳ"), choices=Half.choices, coerce=int, initial=Half.YEAR)
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=None, required=False)

    def __init__(self, *args, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if national:
            self.fields["province"].queryset = province_choices(legacy=False)
            self.fields["province"].required = True
        else:
            del self.fields["province"]


class ReportValuesForm(forms.Form):
    """One row per indicator of the report's period: value, its parts (women, ethnic minorities) when the
    indicator is disaggregated, and where the figure comes from."""

    def __init__(self, *args, report: ManualReport, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {value.indicator_id: value for value in report.values.all()}
        self.rows = []
        for indicator in indicators:
            value = stored.get(indicator.pk)
            names = {"value": f"v{indicator.pk}", "note": f"n{indicator.pk}"}
            self.fields[names["value"]] = self._number(
                f"{indicator.name} ({indicator.unit})", value.value if value else None
            )
            if indicator.by_sex:
                names["female"] = f"f{indicator.pk}"
                self.fields[names["female"]] = self._number(_("Trong đó nữ"), value.value_female if value else None)
            if indicator.by_ethnic_minority:
                names["ethnic_minority"] = f"e{indicator.pk}"
                self.fields[names["ethnic_minority"]] = self._number(
                    _("Trong đó dân tộc thiểu số"), value.value_ethnic_minority if value else None
                )
            self.fields[names["note"]] = forms.CharField(
                label=_("Nguồn số liệu, ghi chú"), max_length=300, required=False, initial=value.note if value else ""
            )
            self.rows.append((indicator, {key: self[name] for key, name in names.items()}))
        self.names = {indicator.pk: {key: bound.name for key, bound in row.items()} for indicator, row in self.rows}

    @staticmethod
    def _number(label, initial) -> NumberField:
        return NumberField(label=label, required=False, initial=initial)

    def values(self) -> dict[int, dict]:
        return {
            pk: {key: self.cleaned_data.get(name) for key, name in names.items()} for pk, names in self.names.items()
        }
