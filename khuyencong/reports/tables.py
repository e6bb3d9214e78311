"""The plain shape of a report table inside a snapshot, and the Vietnamese formatting of its cells.

A table section is a dict: columns (key, label, type, optional group label for a two-row merged header),
rows (key, kind, cells by column key). Cells hold raw values only: money as integer đồng, counts as int,
decimals and percentages as text ("12.5"), text as text, None for "not applicable". The Excel and PDF
renderers and the difference listing read the same shape.

Rounding rule: amounts are exact integer đồng in the snapshot; every figure, totals included, is rounded
only when shown (half-up, to 2 decimals of a million đồng). A total is the rounded exact sum, so it may
differ by a few hundredths from the sum of the rounded figures above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from khuyencong.core.money import format_vnd

TEXT, INT, MONEY, DECIMAL, PERCENT = "text", "int", "money", "decimal", "percent"
NUMERIC = {INT, MONEY, DECIMAL, PERCENT}
ROW_KINDS = ("group", "item", "subtotal", "total")


@dataclass
class Column:
    key: str
    label: str
    type: str = TEXT
    group: str | None = None
    width: int = 12

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "type": self.type, "group": self.group, "width": self.width}


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def add(self, key: str, kind: str, **cells) -> dict:
        known = {column.key for column in self.columns}
        unknown = set(cells) - known
        if unknown:
            raise KeyError(f"cells for unknown columns: {sorted(unknown)}")
        row = {"key": key, "kind": kind, "cells": dict(cells)}
        self.rows.append(row)
        return row

    def as_dict(self) -> dict:
        return {"columns": [column.as_dict() for column in self.columns], "rows": self.rows}


def percent(part: int | None, whole: int | None) -> str | None:
    """part / whole in %, one decimal, half-up, as text; None when there is no whole."""
    if part is None or not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(value)


def header_rows(columns: list[dict]) -> list[list[dict]]:
    """Two header rows: a grouped column's group label spans its neighbours of the same group; an ungrouped
    column spans both rows. Returns [[{label, colspan, rowspan, index}], [...]] (index = first column)."""
    top: list[dict] = []
    bottom: list[dict] = []
    grouped = any(column.get("group") for column in columns)
    index = 0
    while index < len(columns):
        column = columns[index]
        group = column.get("group")
        if not group:
            top.append({"label": column["label"], "colspan": 1, "rowspan": 2 if grouped else 1, "index": index})
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].get("group") == group:
            span += 1
        top.append({"label": group, "colspan": span, "rowspan": 1, "index": index})
        for offset in range(span):
            bottom.append({"label": columns[index + offset]["label"], "colspan": 1, "rowspan": 1,
                           "index": index + offset})  # fmt: skip
        index += span
    return [top, bottom] if grouped else [top]


def column_numbers(columns: list[dict]) -> list[str]:
    """The numbering row of official tables: letters for text columns (A, B, …), numbers for figures (1, 2, …)."""
    letters, numbers, result = 0, 0, []
    for column in columns:
        if column["type"] in NUMERIC:
            numbers += 1
            result.append(f"({numbers})")
        else:
            result.append(chr(ord("A") + letters))
            letters += 1
    return result


def _group_digits(text: str) -> str:
    head = len(text) % 3 or 3
    return ".".join([text[:head]] + [text[i : i + 3] for i in range(head, len(text), 3)])


def format_number(value: Decimal | int, decimals: int = 0) -> str:
    """1234567 → 1.234.567; Decimal('12.5') with 1 decimal → 12,5 (Vietnamese separators)."""
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if quantized < 0 else ""
    integer, _, fraction = f"{abs(quantized):f}".partition(".")
    text = sign + _group_digits(integer)
    return f"{text},{fraction}" if fraction else text


def plain_decimal(value: str) -> str:
    """A decimal as people write it: trailing zeros dropped, Vietnamese separators (1.600; 55,5)."""
    number = Decimal(value)
    normalized = number.normalize() if number == number.to_integral() else number
    text = f"{normalized:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    integer, _, fraction = text.lstrip("-").partition(".")
    result = ("-" if text.startswith("-") else "") + _group_digits(integer)
    return f"{result},{fraction}" if fraction else result


def format_cell(value, column_type: str, money_unit: str = "trieu") -> str:
    """A cell as shown in the PDF and the difference listing."""
    if value is None:
        return "-" if column_type in NUMERIC else ""
    if column_type == MONEY:
        return format_vnd(int(value), money_unit)
    if column_type == INT:
        return format_number(int(value))
    if column_type == DECIMAL:
        return plain_decimal(str(value))
    if column_type == PERCENT:
        return format_number(Decimal(str(value)), 1)
    return str(value)


def money_value(amount: int, money_unit: str) -> Decimal | int:
    """The exact value written in an Excel cell: triệu đồng with up to six decimals (shown with two), or đồng."""
    if money_unit == "dong":
        return int(amount)
    return Decimal(int(amount)) / Decimal(1_000_000)
