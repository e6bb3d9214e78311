from django.urls import path

from khuyencong.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("tai-len/", views.upload, name="upload"),
    path("mau/<slug:kind>/", views.template, name="template"),
    path("anh-xa/<int:mapping_id>/xoa/", views.mapping_delete, name="mapping_delete"),
    path("<int:batch_id>/", views.batch_detail, name="detail"),
    path("<int:batch_id>/cot/", views.configure, name="configure"),
    path("<int:batch_id>/nhap/", views.commit, name="commit"),
    path("<int:batch_id>/hoan-tac/", views.undo, name="undo"),
    path("<int:batch_id>/tep-loi/", views.error_workbook, name="errors"),
]
