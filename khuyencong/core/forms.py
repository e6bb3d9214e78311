"""Showing service errors on the form that caused them."""

from __future__ import annotations

from django import forms

from khuyencong.core.errors import DomainError


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Attach `error.details` ({field: [messages]}) to the form's fields, the message to the form itself."""
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for field, field_messages in details.items():
        if field in form.fields:
            for message in field_messages if isinstance(field_messages, list) else [field_messages]:
                form.add_error(field, message)
            placed = True
    if not placed or not details:
        form.add_error(None, error.message)
