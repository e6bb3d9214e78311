"""The report as a PDF (WeasyPrint), laid out as an administrative document under NĐ 30/2020/NĐ-CP: A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm (landscape table pages: the binding edge at the top), Times-metric
serif (Liberation Serif from Debian's fonts-liberation2) at 13 pt, page numbers centred at the top from the
second page, charts as SVG. Rendered from the snapshot only.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from khuyencong.core.money import format_vnd_with_unit
from khuyencong.reports.charts import bar_chart_svg
from khuyencong.reports.diff import shown
from khuyencong.reports.excel import table_sheet_names
from khuyencong.reports.tables import NUMERIC, column_numbers, format_cell, header_rows

STYLESHEET = "reports/pdf.css"
# A PDF page holds about 25 table rows and WeasyPrint keeps the whole layout in memory (a 1,100-page register
# took 3 GB): above this many detail rows a table is printed with its group, subtotal and total rows only, and
# the full listing is in the workbook (which has every row whatever the size).
MAX_PDF_DETAIL_ROWS = 1500
# WeasyPrint logs every layout step at INFO: a national report would fill the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass
class RenderedPdf:
    content: bytes
    pages: int


def _table_context(section: dict, money_unit: str, sheet: str) -> dict:
    columns = section["columns"]
    rows = []
    details = sum(1 for row in section["rows"] if row["kind"] == "item")
    summarised = details > MAX_PDF_DETAIL_ROWS and any(row["kind"] == "subtotal" for row in section["rows"])
    for row in section["rows"]:
        if summarised and row["kind"] == "item":
            continue
        cells = []
        for column in columns:
            value = row["cells"].get(column["key"])
            text = "" if row["kind"] == "group" and value is None else format_cell(value, column["type"], money_unit)
            cells.append({"text": text, "numeric": column["type"] in NUMERIC, "key": column["key"]})
        rows.append({"kind": row["kind"], "cells": cells})
    total = sum(column["width"] for column in columns) or 1
    return {
        "widths": [max(1, min(60, round(100 * column["width"] / total))) for column in columns],
        "header": header_rows(columns),
        "numbers": column_numbers(columns),
        "rows": rows,
        "has_money": any(column["type"] == "money" for column in columns),
        "summarised": {"details": details, "sheet": sheet} if summarised else None,
        "words": [
            {**words, "amount_text": format_vnd_with_unit(int(words["amount"]), money_unit, 2)}
            for words in section.get("words", [])
        ],
    }


def _chart(section: dict, money_unit: str) -> str | None:
    chart = section.get("chart")
    if not chart:
        return None
    svg = bar_chart_svg(chart, money_unit)
    if not svg:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(snapshot: dict, *, fingerprint: str = "") -> str:
    money_unit = snapshot["definition"]["money_unit"]
    sheets = table_sheet_names(snapshot)
    sections = []
    for section in snapshot["sections"]:
        item = {**section}
        if section["type"] == "table":
            item["table"] = _table_context(section, money_unit, sheets[section["key"]].replace("Biểu", "Biểu số"))
            item["chart_src"] = _chart(section, money_unit)
        sections.append(item)
    amendment = snapshot.get("amendment")
    if amendment:
        amendment = {**amendment, "changes": [shown(change, money_unit) for change in amendment["changes"]]}
    with translation.override("vi"):
        return render_to_string(
            "reports/pdf/document.html",
            {
                "snapshot": snapshot,
                "header": snapshot["header"],
                "sections": sections,
                "amendment": amendment,
                "fingerprint": fingerprint,
                "all_wide": all(item["type"] == "table" and item.get("orientation") == "landscape" for item in sections)
                and not amendment,
            },
        )


def render_pdf(snapshot: dict, *, fingerprint: str = "") -> RenderedPdf:
    """`fingerprint`: the snapshot's SHA-256, printed small at the foot of every page."""
    from weasyprint import CSS, HTML

    html = render_html(snapshot, fingerprint=fingerprint)
    stylesheet = finders.find(STYLESHEET)
    document = HTML(string=html, base_url=".").render(stylesheets=[CSS(filename=stylesheet)])
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))
