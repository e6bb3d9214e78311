"""One error shape for every API failure: {"code", "message", "details"}, messages in Vietnamese."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from khuyencong.core.errors import DomainError


def error_body(code: str, message: str, details=None) -> dict:
    return {"code": code, "message": message, "details": details}


def _field_path(loc) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, error_body(exc.code, exc.message, exc.details), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        details: dict[str, list[str]] = {}
        for error in exc.errors:
            details.setdefault(_field_path(error.get("loc", ())), []).append(error.get("msg", "Không hợp lệ"))
        body = error_body("du_lieu_khong_hop_le", "Dữ liệu gửi lên không hợp lệ.", details)
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        body = error_body("chua_xac_thuc", "Cần đăng nhập hoặc khóa API hợp lệ.")
        return api.create_response(request, body, status=401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("khong_tim_thay", "Không tìm thấy đối tượng."), status=404)

    @api.exception_handler(DjangoPermissionDenied)
    def forbidden(request, exc):
        body = error_body("khong_co_quyen", "Bạn không có quyền thực hiện thao tác này.")
        return api.create_response(request, body, status=403)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, error_body("loi_http", str(exc)), status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        import logging

        logging.getLogger("khuyencong.api").exception("Unhandled API error")
        body = error_body("loi_he_thong", "Lỗi hệ thống. Vui lòng thử lại hoặc liên hệ quản trị.")
        return api.create_response(request, body, status=500)
