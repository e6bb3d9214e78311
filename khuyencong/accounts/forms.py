from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
