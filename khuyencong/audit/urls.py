from django.urls import path

from khuyencong.audit import views

app_name = "audit"

urlpatterns = [path("", views.event_list, name="list")]
