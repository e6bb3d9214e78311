from django.urls import path

from khuyencong.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.establishment_list, name="list"),
    path("xuat-excel/", views.establishment_export, name="export"),
    path("xuat-excel/<uuid:job_id>/", views.export_file, name="export_file"),
    path("them/", views.establishment_create, name="create"),
    path("don-vi/xa/", views.commune_options, name="commune_options"),
    path("quy-dinh/", views.rule_list, name="rules"),
    path("quy-dinh/<slug:kind>/them/", views.rule_edit, name="rule_add"),
    path("quy-dinh/<slug:kind>/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/", views.establishment_detail, name="detail"),
    path("<int:pk>/sua/", views.establishment_edit, name="edit"),
    path("<int:pk>/duyet/", views.establishment_approve, name="approve"),
    path("<int:pk>/tu-choi/", views.establishment_reject, name="reject"),
    path("<int:pk>/gui-lai/", views.establishment_resubmit, name="resubmit"),
    path("<int:pk>/gop/", views.establishment_merge, name="merge"),
    path("<int:pk>/so-lieu/them/", views.figures_edit, name="figures_add"),
    path("<int:pk>/so-lieu/<int:year>/", views.figures_edit, name="figures_edit"),
    path("<int:pk>/so-lieu/<int:year>/xoa/", views.figures_delete, name="figures_delete"),
    path("<int:pk>/san-pham/them/", views.product_add, name="product_add"),
    path("<int:pk>/chung-nhan/them/", views.certification_add, name="certification_add"),
    path("san-pham/<int:product_id>/sua/", views.product_edit, name="product_edit"),
    path("san-pham/<int:product_id>/xoa/", views.product_delete, name="product_delete"),
    path("san-pham/<int:product_id>/anh/", views.photo_add, name="photo_add"),
    path("anh/<int:photo_id>/", views.photo, name="photo"),
    path("anh/<int:photo_id>/xoa/", views.photo_delete, name="photo_delete"),
    path("chung-nhan/<int:certification_id>/sua/", views.certification_edit, name="certification_edit"),
    path("chung-nhan/<int:certification_id>/xoa/", views.certification_delete, name="certification_delete"),
]
