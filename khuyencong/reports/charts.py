"""Charts of the PDF, drawn with matplotlib (Agg, no display) as SVG with Vietnamese labels in Liberation Sans.

Text stays text in the SVG (svg.fonttype = none), so the PDF keeps it selectable and searchable; WeasyPrint
draws it with the same Debian font. Values come from the snapshot (đồng) and are shown in the table's unit.
"""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from khuyencong.reports.tables import format_number

FONT = ["Liberation Sans", "DejaVu Sans"]
COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7f6000"]
_LOCK = threading.Lock()  # matplotlib's rcParams are global
VIETNAMESE = (0x1EA1, 0x01B0, 0x1EC7)  # ạ ư ệ
_fonts_checked = False


def _covers_vietnamese(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(code in charmap for code in VIETNAMESE)


def _prefer_vietnamese_fonts() -> None:
    """Debian may carry two Liberation generations under one family name (fonts-liberation 1.x without the
    Vietnamese letters, fonts-liberation2 with them); matplotlib would measure text with the first one found.
    Keep only the files that have the Vietnamese letters when a family has any."""
    global _fonts_checked
    if _fonts_checked:
        return
    from matplotlib import font_manager

    manager = font_manager.fontManager
    covering = {}
    for entry in manager.ttflist:
        if entry.name.startswith("Liberation"):
            covering.setdefault(entry.name, []).append((entry, _covers_vietnamese(entry.fname)))
    drop = {
        id(entry)
        for entries in covering.values()
        if any(ok for _entry, ok in entries)
        for entry, ok in entries
        if not ok
    }
    if drop:
        manager.ttflist = [entry for entry in manager.ttflist if id(entry) not in drop]
        manager._findfont_cached.cache_clear()
    _fonts_checked = True


def _scaled(value: int, money_unit: str) -> float:
    return float(Decimal(value) / Decimal(1_000_000)) if money_unit == "trieu" else float(value)


def _axis_text(value: float, _position=None) -> str:
    return format_number(Decimal(str(round(value, 2))), 0 if abs(value) >= 100 else 1)


def bar_chart_svg(chart: dict, money_unit: str) -> str:
    """Grouped bars (vertical "bars" or horizontal "barh"), one group per category, one bar per series."""
    categories = chart["categories"]
    series = chart["series"]
    if not categories or not series:
        return ""
    horizontal = chart.get("kind") == "barh"
    with _LOCK:
        _prefer_vietnamese_fonts()
    with _LOCK, matplotlib.rc_context(
        {"font.family": "sans-serif", "font.sans-serif": FONT, "font.size": 9, "svg.fonttype": "none",
         "svg.hashsalt": "khuyencong", "axes.spines.top": False, "axes.spines.right": False}
    ):  # fmt: skip
        height = max(2.6, 0.45 * len(categories) + 1.2) if horizontal else 3.0
        figure = Figure(figsize=(7.2, height), dpi=100)
        axes = figure.add_subplot()
        count = len(series)
        width = 0.8 / count
        positions = range(len(categories))
        for index, serie in enumerate(series):
            values = [_scaled(value, money_unit) for value in serie["values"]]
            offsets = [position - 0.4 + width * (index + 0.5) for position in positions]
            if horizontal:
                axes.barh(offsets, values, height=width, label=serie["name"], color=COLOURS[index % len(COLOURS)])
            else:
                axes.bar(offsets, values, width=width, label=serie["name"], color=COLOURS[index % len(COLOURS)])
        if horizontal:
            axes.set_yticks(list(positions), categories)
            axes.invert_yaxis()
            axes.xaxis.set_major_formatter(FuncFormatter(_axis_text))
            axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        else:
            axes.set_xticks(list(positions), categories)
            axes.yaxis.set_major_formatter(FuncFormatter(_axis_text))
            axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.set_title(chart.get("title", ""), fontsize=10)
        axes.legend(frameon=False, fontsize=8, loc="best")
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
