"""Request-wide middleware: the Content-Security-Policy header and the request context used by audit."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from khuyencong.core.request_context import RequestInfo, bind_request_info, client_ip


class ContentSecurityPolicyMiddleware:
    """Send the policy from settings.CONTENT_SECURITY_POLICY on every response.

    Pages carry no inline scripts or styles, so the policy needs no 'unsafe-inline' and no nonces.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = "; ".join(
            f"{directive} {' '.join(sources)}" for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestContextMiddleware:
    """Make the client address and user agent available to services without passing the request down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:400])
        with bind_request_info(info):
            return self.get_response(request)
