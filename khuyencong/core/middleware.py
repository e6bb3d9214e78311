"""Request-wide middleware: the Content-Security-Policy header, the interface language, and the request context
used by audit."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher (the language cookie).

    The browser's Accept-Language is not followed: many officials' computers run an English browser, and the
    system is Vietnamese first.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):  # an unknown cookie value: stay Vietnamese
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Content-Language only: the page no longer varies with Accept-Language (the parent would say it does),
        and the project has no language prefixes in its URLs to redirect."""
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RequestContextMiddleware:
    """Make the client address and user agent available to services without passing the request down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:400])
        with bind_request_info(info):
            return self.get_response(request)
