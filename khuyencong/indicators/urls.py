"""Two url groups, included under bang-dieu-khien/ and chi-tieu/ (khuyencong/urls.py)."""

from django.urls import path

from khuyencong.indicators import views

PROVINCE = "tinh/<int:province_id>/"

dashboard_patterns = (
    [
        path("", views.national_dashboard, name="national"),
        path("xuat/<slug:chart>/", views.national_export, name="export"),
        path(PROVINCE, views.province_dashboard, name="province"),
        path(PROVINCE + "xuat/<slug:chart>/", views.province_export, name="province_export"),
        path(PROVINCE + "xa/<int:commune_id>/", views.commune_support, name="commune"),
    ],
    "dashboards",
)

indicator_patterns = (
    [
        path("", views.catalogue, name="catalogue"),
        path("muc-tieu/", views.targets, name="targets"),
        path("so-lieu/", views.reports, name="reports"),
        path("so-lieu/<int:report_id>/", views.report_detail, name="report"),
        path("so-lieu/<int:report_id>/<slug:action>/", views.report_transition, name="report_transition"),
    ],
    "indicators",
)
