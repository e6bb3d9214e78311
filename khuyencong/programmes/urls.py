"""Four url groups, included under de-an/, ke-hoach/, chuong-trinh/ and viec-cua-toi/ (khuyencong/urls.py)."""

from django.urls import path

from khuyencong.programmes import views

P = "<int:project_id>/"

project_patterns = (
    [
        path("", views.project_list, name="list"),
        path("moi/", views.project_new, name="new"),
        path(P, views.project_detail, name="detail"),
        path(P + "sua/", views.project_edit, name="edit"),
        path(P + "du-toan/", views.project_budget, name="budget"),
        path(P + "san-pham/", views.project_outputs, name="outputs"),
        path(P + "co-so/them/", views.beneficiary_add, name="beneficiary_add"),
        path(P + "co-so/<int:beneficiary_id>/", views.beneficiary_edit, name="beneficiary_edit"),
        path(P + "co-so/<int:beneficiary_id>/bo/", views.beneficiary_remove, name="beneficiary_remove"),
        path(P + "van-ban/", views.document_add, name="document_add"),
        path(P + "van-ban/<int:document_id>/", views.document_download, name="document"),
        path(P + "van-ban/<int:document_id>/rut/", views.document_remove, name="document_remove"),
        path(P + "buoc/<slug:action>/", views.project_transition, name="transition"),
        path(P + "vuot-dinh-muc/", views.rule_override, name="override"),
        path(P + "tien-do/", views.progress_add, name="progress"),
        path(P + "kiem-tra/", views.inspection_add, name="inspection"),
        path(P + "giai-ngan/", views.money_add, name="money"),
        path(P + "giai-ngan/<int:movement_id>/", views.money_decide, name="money_decide"),
        path(P + "dieu-chinh/", views.adjustment_add, name="adjustment"),
        path(P + "dieu-chinh/<int:adjustment_id>/", views.adjustment_decide, name="adjustment_decide"),
    ],
    "projects",
)

plan_patterns = (
    [
        path("", views.plan_list, name="list"),
        path("moi/", views.plan_new, name="new"),
        path("<int:plan_id>/", views.plan_detail, name="detail"),
        path("<int:plan_id>/kinh-phi/", views.plan_allocations, name="allocations"),
        path("<int:plan_id>/de-an/", views.plan_add_project, name="add_project"),
        path("<int:plan_id>/de-an/<int:project_id>/bo/", views.plan_remove_project, name="remove_project"),
        path("<int:plan_id>/buoc/<slug:action>/", views.plan_transition, name="transition"),
    ],
    "plans",
)

programme_patterns = (
    [
        path("", views.programme_list, name="list"),
        path("moi/", views.programme_new, name="new"),
        path("<int:programme_id>/", views.programme_detail, name="detail"),
        path("<int:programme_id>/sua/", views.programme_edit, name="edit"),
        path("<int:programme_id>/muc-tieu/", views.programme_target, name="target"),
        path("danh-muc/", views.reference_index, name="reference"),
        path("danh-muc/<slug:kind>/", views.reference_list, name="reference_list"),
        path("danh-muc/<slug:kind>/moi/", views.reference_edit, name="reference_new"),
        path("danh-muc/<slug:kind>/<int:pk>/", views.reference_edit, name="reference_edit"),
        path("dinh-muc/<int:rule_set_id>/", views.rule_set_detail, name="rule_set"),
    ],
    "programmes",
)

inbox_patterns = (
    [
        path("", views.inbox, name="home"),
        path("thong-bao/", views.notification_list, name="notifications"),
        path("thong-bao/da-doc/", views.notification_read, name="notifications_read"),
    ],
    "inbox",
)
