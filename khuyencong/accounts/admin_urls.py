from django.urls import path

from khuyencong.accounts import admin_views

app_name = "quantri"

urlpatterns = [
    path("nguoi-dung/", admin_views.user_list, name="users"),
    path("nguoi-dung/them/", admin_views.user_new, name="user_new"),
    path("nguoi-dung/<int:user_id>/", admin_views.user_detail, name="user"),
    path("nguoi-dung/<int:user_id>/ngung/", admin_views.user_deactivate, name="user_deactivate"),
    path("nguoi-dung/<int:user_id>/kich-hoat/", admin_views.user_reactivate, name="user_reactivate"),
    path("nguoi-dung/<int:user_id>/mat-khau/", admin_views.user_password, name="user_password"),
    path("co-quan/", admin_views.agency_list, name="agencies"),
    path("co-quan/<int:agency_id>/", admin_views.agency_detail, name="agency"),
]
