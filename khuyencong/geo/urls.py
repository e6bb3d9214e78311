from django.urls import path

from khuyencong.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.index, name="index"),
    path("nganh-kinh-te/", views.industry_list, name="industries"),
    path("cap-nhat/", views.changes, name="changes"),
    path("cap-nhat/ap-dung/", views.changes_apply, name="changes_apply"),
    # Units are addressed by their stable key ("2025:province:01"), not the database id.
    path("<str:key>/", views.unit_detail, name="unit"),
]
