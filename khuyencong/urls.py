from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.i18n import set_language

from khuyencong.api.urls import api
from khuyencong.indicators import urls as indicator_urls
from khuyencong.programmes import urls as programme_urls

urlpatterns = [
    path("", include("khuyencong.core.urls")),
    path("tai-khoan/", include("khuyencong.accounts.urls")),
    path("nhat-ky/", include("khuyencong.audit.urls")),
    path("quan-tri/", include("khuyencong.accounts.admin_urls")),
    path("tac-vu/", include("khuyencong.jobs.urls")),
    path("co-so/", include("khuyencong.registry.urls")),
    path("dang-ky-co-so/", include("khuyencong.registry.urls_public")),
    path("nhap-du-lieu/", include("khuyencong.imports.urls")),
    path("don-vi-hanh-chinh/", include("khuyencong.geo.urls")),
    path("de-an/", include(programme_urls.project_patterns)),
    path("ke-hoach/", include(programme_urls.plan_patterns)),
    path("chuong-trinh/", include(programme_urls.programme_patterns)),
    path("viec-cua-toi/", include(programme_urls.inbox_patterns)),
    path("bao-cao/", include("khuyencong.reports.urls")),
    path("bang-dieu-khien/", include(indicator_urls.dashboard_patterns)),
    path("chi-tieu/", include(indicator_urls.indicator_patterns)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "khuyencong.core.views.error_403"
handler404 = "khuyencong.core.views.error_404"
handler500 = "khuyencong.core.views.error_500"
