"""The API at /api/v1/: one NinjaAPI, one thin router per app."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from khuyencong.api.auth import API_AUTH
from khuyencong.api.errors import install_error_handlers

api = NinjaAPI(
    title="Khuyến công số API",
    version="1",
    description=(
        "API của hệ thống Khuyến công số. Xác thực bằng phiên đăng nhập (kèm CSRF) hoặc khóa API cá nhân "
        "gửi trong tiêu đề `Authorization: Bearer <khóa>`. Lỗi luôn có dạng "
        '`{"code": ..., "message": ..., "details": ...}`.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
    # No validator badge: it would be fetched from validator.swagger.io.
    docs=Swagger(settings={"persistAuthorization": False, "validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)


def _add_routers() -> None:
    from khuyencong.api import accounts

    api.add_router("/me", accounts.router)

    from khuyencong.api import geo

    api.add_router("/geo", geo.router)

    from khuyencong.api import registry

    api.add_router("/establishments", registry.router)

    from khuyencong.api import programmes

    api.add_router("/programmes", programmes.programmes_router)
    api.add_router("/plans", programmes.plans_router)
    api.add_router("/projects", programmes.projects_router)

    from khuyencong.api import reports

    api.add_router("/reports", reports.router)

    from khuyencong.api import indicators

    api.add_router("/indicators", indicators.indicators_router)
    api.add_router("/dashboard", indicators.dashboard_router)


_add_routers()
