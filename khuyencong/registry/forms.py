"""Forms of the registry pages: they parse what people type (dates dd/mm/yyyy, amounts "1,5 tỷ"); the rules
are checked by the services, whose errors are put back on the fields (core.forms.apply_domain_error)."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import RowsChoiceField
from khuyencong.core.money import format_vnd, parse_vnd
from khuyencong.geo.models import Unit, UnitType
from khuyencong.registry.models import (
    CertificationKind,
    CertificationLevel,
    CertificationValidityRule,
    EligibilityRule,
    EstablishmentStatus,
    LegalForm,
    ProductGroup,
    SizeClass,
    SizeThreshold,
)
from khuyencong.registry.selectors import (
    UNKNOWN_SIZE,
    current_communes,
    current_provinces,
    vsic_divisions,
    vsic_sectors,
)

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"})
YES_NO = [("", _("Tất cả")), ("yes", _("Có")), ("no", _("Không"))]


class MoneyField(forms.CharField):
    """An amount in whole đồng typed in any common way: "1.234.567", "1,5 tỷ", "250 triệu"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Đơn vị đồng; có thể gõ “1,5 tỷ”, “250 triệu”."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_vnd(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_vnd(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


# Unit.type_prefix for each unit type, worked out once: the property rebuilds the type's choices on each call, and
# a province's communes are ~100 options of the filter form.
UNIT_PREFIXES = {unit_type.value: Unit(unit_type=unit_type.value).type_prefix for unit_type in UnitType}


class UnitChoiceField(RowsChoiceField):
    """A unit select labelled "Xã Tân Lập"."""

    option_columns = ("name", "unit_type")

    def option_label(self, name, unit_type) -> str:
        return f"{UNIT_PREFIXES.get(unit_type) or Unit(unit_type=unit_type).type_prefix} {name}"


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, industry):
        return f"{industry.code} – {industry.name}"


class IndustryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, industry):
        return f"{industry.code} – {industry.name}"


def _province_widget_attrs() -> dict:
    """The province select reloads the commune options (htmx) when it changes."""
    return {
        "hx-get": reverse_lazy("registry:commune_options"),
        "hx-target": "#id_commune",
        "hx-trigger": "change",
        "data-commune-source": "true",
    }


class ProvinceCommuneMixin:
    """A province select (fixed to the user's province for provincial users) and its communes."""

    def setup_units(self, user, province_id=None):
        provinces = current_provinces(user)
        self.fields["province"].queryset = provinces
        self.fields["province"].widget.attrs.update(_province_widget_attrs())
        if province_id is None:
            province_id = self.data.get(self.add_prefix("province")) or self.initial.get("province")
        options = self.fields["province"].option_rows()
        if len(options) == 1:
            only = options[0][0]
            self.fields["province"].initial = only
            self.fields["province"].empty_label = None
            province_id = only
        province_id = getattr(province_id, "pk", province_id)
        self.fields["commune"].queryset = current_communes(province_id if str(province_id or "").isdigit() else None)


class EstablishmentForm(ProvinceCommuneMixin, forms.Form):
    name = forms.CharField(label=_("Tên cơ sở"), max_length=255)
    other_names = forms.CharField(
        label=_("Tên khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tên giao dịch, tên viết tắt; mỗi tên một dòng."),
    )
    legal_form = forms.ChoiceField(label=_("Loại hình"), choices=[("", "—")] + LegalForm.choices)
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        required=False,
        max_length=20,
        help_text=_("10 chữ số, hoặc 10 chữ số-3 chữ số chi nhánh."),
    )
    business_reg_no = forms.CharField(label=_("Số đăng ký kinh doanh"), required=False, max_length=40)
    business_reg_date = forms.DateField(label=_("Ngày cấp đăng ký kinh doanh"), required=False, widget=DATE_WIDGET)
    province = UnitChoiceField(label=_("Tỉnh/thành phố"), queryset=current_provinces())
    commune = UnitChoiceField(label=_("Xã/phường/đặc khu"), queryset=current_communes(None), required=False)
    address = forms.CharField(label=_("Địa chỉ (số nhà, đường, thôn/ấp)"), required=False, max_length=255)
    craft_village = forms.CharField(label=_("Làng nghề"), required=False, max_length=255)
    main_industry = IndustryChoiceField(
        label=_("Ngành chính (VSIC 2018 cấp 2)"), queryset=vsic_divisions(), required=False, empty_label="—"
    )
    industries = IndustryMultipleChoiceField(
        label=_("Ngành nghề khác"),
        queryset=vsic_divisions(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Giữ phím Ctrl (hoặc ⌘) để chọn nhiều ngành."),
    )
    main_products = forms.CharField(label=_("Sản phẩm chính"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    representative = forms.CharField(label=_("Người đại diện"), required=False, max_length=150)
    representative_title = forms.CharField(label=_("Chức vụ"), required=False, max_length=120)
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=60)
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254)
    website = forms.CharField(label=_("Trang web"), required=False, max_length=200)
    latitude = forms.CharField(label=_("Vĩ độ"), required=False, max_length=20, help_text=_("Ví dụ 21,0285"))
    longitude = forms.CharField(label=_("Kinh độ"), required=False, max_length=20, help_text=_("Ví dụ 105,8542"))
    year_founded = forms.IntegerField(label=_("Năm thành lập"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_similar = forms.BooleanField(label=_("Tôi đã kiểm tra: đây là cơ sở khác, vẫn tạo mới"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_units(user)

    @staticmethod
    def initial_from(establishment) -> dict:
        data = {
            field: getattr(establishment, field)
            for field in (
                "name",
                "other_names",
                "legal_form",
                "tax_code",
                "business_reg_no",
                "business_reg_date",
                "address",
                "craft_village",
                "main_products",
                "representative",
                "representative_title",
                "phone",
                "email",
                "website",
                "year_founded",
                "version",
            )
        }
        data["province"] = establishment.province_id
        data["commune"] = establishment.commune_id
        data["main_industry"] = establishment.main_industry_id
        data["industries"] = [i.pk for i in establishment.industries.all() if i.pk != establishment.main_industry_id]
        for field in ("latitude", "longitude"):
            value = getattr(establishment, field)
            data[field] = str(value).replace(".", ",") if value is not None else ""
        return data

    def profile_data(self) -> dict:
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("province", "version", "confirm_similar")
        }
        data["industries"] = list(self.cleaned_data.get("industries") or [])
        return data


class EstablishmentFilterForm(ProvinceCommuneMixin, forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Tên, tên khác, mã số thuế; không cần gõ dấu."),
    )
    province = UnitChoiceField(
        label=_("Tỉnh/thành phố"), queryset=current_provinces(), required=False, empty_label=_("Tất cả")
    )
    commune = UnitChoiceField(
        label=_("Xã/phường"), queryset=current_communes(None), required=False, empty_label=_("Tất cả")
    )
    legal_form = forms.ChoiceField(
        label=_("Loại hình"), choices=[("", _("Tất cả"))] + LegalForm.choices, required=False
    )
    size_class = forms.ChoiceField(
        label=_("Quy mô"),
        required=False,
        choices=[("", _("Tất cả"))] + SizeClass.choices + [(UNKNOWN_SIZE, _("Chưa xác định"))],
    )
    sector = forms.ChoiceField(label=_("Ngành (VSIC)"), required=False)
    certified = forms.ChoiceField(label=_("Có chứng nhận còn hiệu lực"), choices=YES_NO, required=False)
    supported = forms.ChoiceField(label=_("Đã được hỗ trợ"), choices=YES_NO, required=False)
    batch = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả (trừ đã gộp)"))] + EstablishmentStatus.choices + [("all", _("Tất cả"))],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_units(user)
        # The ~110 sectors as plain tuples (no model instances); the chosen one is loaded by filters().
        grouped = defaultdict(list)
        sections = []
        for pk, code, name, level, parent_id in vsic_sectors().values_list("pk", "code", "name", "level", "parent_id"):
            if level == 1:
                sections.append((pk, code, name))
            else:
                grouped[parent_id].append((pk, code, name))
        choices = [("", _("Tất cả"))]
        for pk, code, name in sections:
            choices.append((str(pk), f"{code} – {name}"))
            choices += [(str(d_pk), f"\u00a0\u00a0{d_code} – {d_name}") for d_pk, d_code, d_name in grouped[pk]]
        self.fields["sector"].choices = choices

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        sector = data.get("sector") or ""
        data["sector"] = vsic_sectors().filter(pk=int(sector)).first() if sector.isdigit() else None
        return data


class FiguresForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1990)
    employees_total = forms.IntegerField(label=_("Tổng số lao động"), min_value=0, required=False)
    employees_women = forms.IntegerField(label=_("Lao động nữ"), min_value=0, required=False)
    employees_insured = forms.IntegerField(
        label=_("Lao động tham gia BHXH (bình quân năm)"), min_value=0, required=False
    )
    revenue = MoneyField(label=_("Tổng doanh thu (đồng)"))
    capital = MoneyField(label=_("Tổng nguồn vốn (đồng)"))
    average_income = MoneyField(label=_("Thu nhập bình quân (đồng/người/tháng)"))
    output_value = MoneyField(label=_("Giá trị sản xuất (đồng)"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Tên sản phẩm"), max_length=255)
    group = forms.ChoiceField(label=_("Nhóm sản phẩm"), choices=[("", "—")] + ProductGroup.choices)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh sản phẩm"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG hoặc WebP, tối đa 5 MB."),
    )
    caption = forms.CharField(label=_("Chú thích"), required=False, max_length=255)


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại chứng nhận"), choices=[("", "—")] + CertificationKind.choices)
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=None, required=False, empty_label=_("(cả cơ sở)"))
    level = forms.ChoiceField(label=_("Cấp"), choices=[("", "—")] + CertificationLevel.choices, required=False)
    stars = forms.TypedChoiceField(
        label=_("Số sao OCOP"),
        choices=[("", "—")] + [(n, f"{n} ★") for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    title = forms.CharField(label=_("Tên tiêu chuẩn / nhãn hiệu"), required=False, max_length=255)
    issuer = forms.CharField(label=_("Cơ quan cấp"), max_length=255)
    decision_number = forms.CharField(label=_("Số quyết định / số văn bằng"), max_length=80)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Hiệu lực đến"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Bỏ trống để tính theo quy định (ví dụ CNNT tiêu biểu: đến 31/12 năm thứ ba)."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10)


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(label=_("Mã hồ sơ trùng sẽ gộp vào hồ sơ này"), min_value=1)
    reason = forms.CharField(label=_("Lý do gộp"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SelfRegistrationForm(ProvinceCommuneMixin, forms.Form):
    """The public registration: the account of the person registering and the establishment's basics."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Chữ không dấu, số, dấu chấm, gạch dưới; ít nhất 4 ký tự."),
    )
    full_name = forms.CharField(label=_("Họ và tên người đăng ký"), max_length=150)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30)
    password1 = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput, help_text=_("Ít nhất 10 ký tự."))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput)
    name = forms.CharField(label=_("Tên cơ sở"), max_length=255)
    legal_form = forms.ChoiceField(label=_("Loại hình"), choices=[("", "—")] + LegalForm.choices)
    tax_code = forms.CharField(label=_("Mã số thuế"), required=False, max_length=20)
    business_reg_no = forms.CharField(label=_("Số đăng ký kinh doanh"), required=False, max_length=40)
    province = UnitChoiceField(label=_("Tỉnh/thành phố"), queryset=current_provinces())
    commune = UnitChoiceField(label=_("Xã/phường/đặc khu"), queryset=current_communes(None))
    address = forms.CharField(label=_("Địa chỉ (số nhà, đường, thôn/ấp)"), max_length=255)
    main_industry = IndustryChoiceField(
        label=_("Ngành chính (VSIC 2018)"), queryset=vsic_divisions(), required=False, empty_label="—"
    )
    main_products = forms.CharField(label=_("Sản phẩm chính"), widget=forms.Textarea(attrs={"rows": 2}))
    representative_title = forms.CharField(label=_("Chức vụ của người đăng ký"), required=False, max_length=120)
    year_founded = forms.IntegerField(label=_("Năm thành lập"), required=False)
    # Left empty by people, filled by form-spamming robots (the field is hidden by CSS).
    homepage = forms.CharField(
        label=_("Không điền ô này"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    agree = forms.BooleanField(label=_("Tôi cam đoan thông tin khai báo là đúng sự thật"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_units(None)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        return data

    def account(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "password": data["password1"],
        }

    def profile_data(self) -> dict:
        data = self.cleaned_data
        fields = (
            "name",
            "legal_form",
            "tax_code",
            "business_reg_no",
            "commune",
            "address",
            "main_industry",
            "main_products",
            "representative_title",
            "year_founded",
        )
        return {
            **{field: data.get(field) for field in fields},
            "representative": data["full_name"],
            "phone": data["phone"],
            "email": data["email"],
        }


# --- Dated legal rules -------------------------------------------------------------------------------------


class SizeThresholdForm(forms.ModelForm):
    max_revenue = MoneyField(label=_("Doanh thu tối đa (đồng)"), required=True)
    max_capital = MoneyField(label=_("Tổng nguồn vốn tối đa (đồng)"), required=True)

    class Meta:
        model = SizeThreshold
        fields = [
            "sector_group",
            "vsic_sections",
            "size_class",
            "max_insured_workers",
            "max_revenue",
            "max_capital",
            "valid_from",
            "valid_to",
            "citation",
            "note",
        ]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}


class EligibilityRuleForm(forms.ModelForm):
    eligible_forms = forms.MultipleChoiceField(
        label=_("Loại hình được hỗ trợ"), choices=LegalForm.choices, widget=forms.CheckboxSelectMultiple
    )
    eligible_unit_types = forms.MultipleChoiceField(
        label=_("Địa bàn được hỗ trợ"), choices=UnitType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    verify_unit_types = forms.MultipleChoiceField(
        label=_("Địa bàn cần xác minh"), choices=UnitType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    eligible_enterprise_sizes = forms.MultipleChoiceField(
        label=_("Quy mô doanh nghiệp được hỗ trợ"),
        choices=SizeClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = EligibilityRule
        fields = [
            "eligible_forms",
            "eligible_unit_types",
            "verify_unit_types",
            "eligible_enterprise_sizes",
            "valid_from",
            "valid_to",
            "citation",
            "note",
        ]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}


class ValidityRuleForm(forms.ModelForm):
    class Meta:
        model = CertificationValidityRule
        fields = ["kind", "years", "until_year_end", "valid_from", "valid_to", "citation", "note"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}


RULE_FORMS = {"quy-mo": SizeThresholdForm, "doi-tuong": EligibilityRuleForm, "hieu-luc": ValidityRuleForm}
