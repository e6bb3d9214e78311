from django import forms
from django.contrib.auth.forms import AuthenticationForm

from khuyencong.accounts.models import Agency
from khuyencong.accounts.roles import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường.",
        "inactive": "Tài khoản này đã ngừng hoạt động.",
    }


class TokenForm(forms.Form):
    name = forms.CharField(label="Tên gợi nhớ", max_length=100)
    days_valid = forms.TypedChoiceField(
        label="Thời hạn",
        choices=[(30, "30 ngày"), (90, "90 ngày"), (365, "1 năm")],
        coerce=int,
        initial=365,
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False)
    role = forms.ChoiceField(label="Vai trò", required=False)
    active = forms.ChoiceField(
        label="Trạng thái", required=False, choices=[("", "Tất cả"), ("1", "Đang hoạt động"), ("0", "Ngừng hoạt động")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Tất cả"), *Role.choices]


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(label="Vai trò", choices=Role.choices, **kwargs)


class UserCreateForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    position = forms.CharField(label="Chức vụ", max_length=120, required=False)
    agency = forms.ModelChoiceField(label="Cơ quan", queryset=Agency.objects.none(), required=False)
    establishment_id = forms.IntegerField(
        label="Mã cơ sở CNNT (với tài khoản đại diện cơ sở)", required=False, min_value=1
    )
    roles = RolesField()

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies


class UserRolesForm(forms.Form):
    roles = RolesField()


class DeactivateForm(forms.Form):
    reason = forms.CharField(label="Lý do ngừng hoạt động", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
