"""Template filters for Vietnamese numbers and money, loaded as builtins in every template.

`{{ n|so }}` → 1.234.567 (or 1.234,5 with `|so:1`), `{{ amount|vnd }}` → 1.234.567,
`{{ amount|vnd:"trieu" }}` → 1.234,57, `{{ amount|bang_chu }}` → "Một triệu … đồng".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from khuyencong.core.money import format_vnd
from khuyencong.core.numwords import amount_in_words

register = template.Library()


@register.filter
def so(value, decimals=None):
    """Group thousands in the active language's style whatever USE_THOUSAND_SEPARATOR says."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return number_format(number, decimal_pos=None if decimals is None else int(decimals), force_grouping=True)


@register.filter
def vnd(value, unit="dong"):
    if value is None or value == "":
        return ""
    return format_vnd(int(value), unit)


@register.filter
def bang_chu(value):
    if value is None or value == "":
        return ""
    return amount_in_words(int(value))
