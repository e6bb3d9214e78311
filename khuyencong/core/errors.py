"""Domain errors raised by services and selectors, shown to people in Vietnamese.

Views turn them into form errors or messages; the API turns them into `{"code", "message", "details"}`
with the HTTP status below.
"""

from __future__ import annotations

from typing import Any

from django.core import exceptions as django_exceptions
from django.http import Http404


class DomainError(Exception):
    code = "loi_nghiep_vu"
    status = 400

    def __init__(self, message: str, *, details: Any = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Input was wrong; `details` maps field names (or row numbers) to lists of messages."""

    code = "du_lieu_khong_hop_le"
    status = 400


class PermissionDenied(DomainError, django_exceptions.PermissionDenied):
    """Also a Django PermissionDenied, so a view that lets it escape answers 403."""

    code = "khong_co_quyen"
    status = 403


class NotFound(DomainError, Http404):
    """Also raised for objects outside the actor's scope, so their existence is never revealed.

    It is an Http404 too: a view that lets it escape answers with the 404 page.
    """

    code = "khong_tim_thay"
    status = 404

    def __init__(self, message: str = "Không tìm thấy đối tượng.", **kwargs: Any):
        super().__init__(message, **kwargs)


class Conflict(DomainError):
    """The stored state changed since the actor loaded it (version check) or the action no longer applies."""

    code = "xung_dot"
    status = 409
