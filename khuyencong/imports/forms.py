"""Forms of the import pages: the upload, and the column mapping with the batch's options."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.imports.importers import importer_choices
from khuyencong.imports.models import ImportMode

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"})
AS_OF_HELP = _(
    "Ngày của địa giới hành chính mà tệp dùng: tệp lập trước 01/07/2025 ghi tỉnh, huyện, xã cũ, hãy chọn ngày lập "
    "tệp để hệ thống đổi sang đơn vị hiện nay."
)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"))
    file = forms.FileField(
        label=_("Tệp dữ liệu"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
        help_text=_("Excel (.xlsx, .xls), OpenDocument (.ods) hoặc CSV; có thể có dòng tiêu đề và ô gộp ở đầu."),
    )
    province = forms.ModelChoiceField(
        label=_("Nhập vào tỉnh"), queryset=None, required=False, empty_label=_("Nhiều tỉnh (theo cột Tỉnh trong tệp)")
    )
    as_of = forms.DateField(label=_("Địa giới hành chính tại ngày"), widget=DATE_WIDGET, help_text=AS_OF_HELP)
    saved_mapping = forms.ChoiceField(label=_("Dùng mẫu ánh xạ cột đã lưu"), required=False)

    def __init__(self, *args, provinces=None, mappings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = importer_choices()
        self.fields["as_of"].initial = timezone.localdate()
        self.fields["province"].queryset = provinces
        if provinces is not None and provinces.count() == 1:
            self.fields["province"].empty_label = None
        self.fields["saved_mapping"].choices = [("", _("(Tự nhận diện theo tiêu đề)"))] + [
            (str(mapping.pk), mapping.name) for mapping in mappings
        ]


class MappingForm(forms.Form):
    """One select per column of the file, plus the batch's options."""

    sheet_name = forms.ChoiceField(label=_("Trang tính"))
    header_row = forms.IntegerField(label=_("Dòng tiêu đề"), min_value=1)
    as_of = forms.DateField(label=_("Địa giới hành chính tại ngày"), widget=DATE_WIDGET, help_text=AS_OF_HELP)
    mode = forms.ChoiceField(label=_("Chế độ nhập"), choices=ImportMode.choices, widget=forms.RadioSelect)
    save_as = forms.CharField(
        label=_("Lưu ánh xạ này với tên"),
        required=False,
        max_length=120,
        help_text=_("Để lần sau dùng lại cho tệp cùng mẫu."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, batch, importer, sheets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet_name"].choices = [(name, name) for name in sheets]
        choices = [("", _("— bỏ qua —"))] + [(column.name, column.label) for column in importer.columns]
        self.column_fields = []
        for index, header in enumerate(batch.headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("(cột %(n)s không tiêu đề)") % {"n": index + 1}, choices=choices, required=False
            )
            self.column_fields.append((index, name))

    def mapping(self) -> dict[str, str]:
        return {
            str(index): self.cleaned_data[name] for index, name in self.column_fields if self.cleaned_data.get(name)
        }


class CommitForm(forms.Form):
    mode = forms.ChoiceField(label=_("Chế độ nhập"), choices=ImportMode.choices, widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)
