from django.urls import path

from khuyencong.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("lap-moi/", views.report_new, name="new"),
    path("tinh-hinh-gui/", views.filing_status, name="filing_status"),
    path("mau/", views.definition_list, name="definitions"),
    path("mau/<int:definition_id>/", views.definition_edit, name="definition_edit"),
    path("mau/<int:definition_id>/han-gui/moi/", views.rule_edit, name="rule_new"),
    path("mau/<int:definition_id>/han-gui/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/sua/", views.report_edit, name="edit"),
    path("<int:report_id>/lap-ban-nhap/", views.report_generate, name="generate"),
    path("<int:report_id>/thao-tac/<slug:action>/", views.report_transition, name="transition"),
    path("<int:report_id>/phien-ban/<int:version_id>/", views.version_detail, name="version"),
    path("<int:report_id>/phien-ban/<int:version_id>/tai/<slug:fmt>/", views.version_download, name="download"),
]
