"""Filter forms of the administrative-unit pages (read-only: GET forms only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from khuyencong.geo.models import UnitLevel

ALL_ERAS = "tat_ca"
CURRENT_ONLY = "hien_hanh"


class UnitSearchForm(forms.Form):
    """Search across the whole country; the date picks which tree the province list shows."""

    q = forms.CharField(
        label=_("Tìm đơn vị"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("Tên hoặc mã, vd. dak lak, H. Chợ Lách, 79")}),
    )
    cap = forms.ChoiceField(label=_("Cấp"), required=False, choices=[("", _("Mọi cấp")), *UnitLevel.choices])
    pham_vi = forms.ChoiceField(
        label=_("Phạm vi tìm"),
        required=False,
        choices=[(CURRENT_ONLY, _("Đơn vị đang có hiệu lực")), (ALL_ERAS, _("Cả đơn vị trước đây"))],
    )
    ngay = forms.DateField(
        label=_("Xem theo ngày"),
        required=False,
        widget=forms.DateInput(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "title": _("Để trống là hôm nay")}
        ),
    )


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("Lọc theo tên hoặc mã"), required=False, max_length=120)


class IndustryFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm ngành"), required=False, max_length=120)
    cap = forms.TypedChoiceField(
        label=_("Cấp"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Mọi cấp")), *[(level, format_lazy(_("Cấp {}"), level)) for level in range(1, 6)]],
    )
    cha = forms.CharField(label=_("Thuộc mã"), required=False, max_length=5)


CHANGE_FILE_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods")


class UnitChangeUploadForm(forms.Form):
    """An official change list to check, then apply (reference managers only)."""

    file = forms.FileField(
        label=_("Tệp thay đổi"),
        help_text=_("CSV (UTF-8) hoặc Excel (.xlsx), các cột theo mẫu bên dưới."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(CHANGE_FILE_SUFFIXES)}),
    )
    effective = forms.DateField(
        label=_("Ngày có hiệu lực"),
        help_text=_("dd/mm/yyyy: ngày các đơn vị mới bắt đầu tồn tại."),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    citation = forms.CharField(
        label=_("Căn cứ"),
        max_length=300,
        help_text=_("Số, ngày của văn bản quyết định, ví dụ “Nghị quyết 1234/NQ-UBTVQH15 ngày 16/04/2026”."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(CHANGE_FILE_SUFFIXES):
            raise forms.ValidationError(_("Chỉ nhận tệp CSV hoặc bảng tính (.xlsx, .xls, .ods)."))
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload
