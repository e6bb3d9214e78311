"""The public self-registration of establishments (no sign-in)."""

from django.urls import path

from khuyencong.registry import views

app_name = "self_registration"

urlpatterns = [
    path("", views.self_register, name="form"),
    path("da-gui/", views.self_register_done, name="done"),
]
