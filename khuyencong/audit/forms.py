from django import forms


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Người thực hiện", required=False)
    action = forms.CharField(label="Hành động", required=False)
    object_type = forms.CharField(label="Loại đối tượng", required=False)
    object_id = forms.CharField(label="Mã đối tượng", required=False)
    date_from = forms.DateField(label="Từ ngày", required=False)
    date_to = forms.DateField(label="Đến ngày", required=False)
