"""The cell-level difference between two snapshots: what an amendment changes in the version it amends.

Tables are compared row by row on their stable keys (content item, source, project, province, movement…),
cell by cell on the column keys; narratives as whole texts. Header fields (number, date, signer) are not
figures and are not listed. Values are kept raw with their column type so every renderer formats them alike.
"""

from __future__ import annotations

from khuyencong.reports.tables import format_cell

CHANGED, ADDED, REMOVED = "changed", "added", "removed"
KIND_LABELS = {CHANGED: "Sửa", ADDED: "Thêm", REMOVED: "Bỏ"}


def _row_label(row: dict) -> str:
    cells = row.get("cells", {})
    parts = [str(cells[key]) for key in ("code", "name") if cells.get(key)]
    return " — ".join(parts) or row["key"]


def compare(before: dict, after: dict) -> list[dict]:
    """[{section, section_title, row, row_label, column, column_label, type, before, after, change}], in the
    order of the new version (removed rows after the rows of their section)."""
    changes: list[dict] = []
    old_sections = {section["key"]: section for section in before.get("sections", [])}
    new_keys = set()
    for section in after.get("sections", []):
        new_keys.add(section["key"])
        old = old_sections.get(section["key"])
        base = {"section": section["key"], "section_title": f"{section.get('number', '')}. {section['title']}"}
        if section["type"] == "text":
            if old is None or old.get("text", "") != section.get("text", ""):
                changes.append(
                    {**base, "row": "", "row_label": "Nội dung thuyết minh", "column": "text", "column_label": "",
                     "type": "text", "before": (old or {}).get("text", ""), "after": section.get("text", ""),
                     "change": CHANGED}
                )  # fmt: skip
            continue
        columns = {column["key"]: column for column in section["columns"]}
        old_rows = {row["key"]: row for row in (old or {}).get("rows", [])}
        for row in section["rows"]:
            previous = old_rows.pop(row["key"], None)
            for key, column in columns.items():
                if key == "stt":
                    continue
                new_value = row["cells"].get(key)
                old_value = previous["cells"].get(key) if previous else None
                if previous is not None and old_value == new_value:
                    continue
                if previous is None and new_value in (None, "", 0):
                    continue
                changes.append(
                    {**base, "row": row["key"], "row_label": _row_label(row), "column": key,
                     "column_label": column["label"] if not column.get("group") else f"{column['group']}: "
                     f"{column['label']}", "type": column["type"], "before": old_value, "after": new_value,
                     "change": CHANGED if previous is not None else ADDED}
                )  # fmt: skip
        for row in old_rows.values():
            changes.append(
                {**base, "row": row["key"], "row_label": _row_label(row), "column": "", "column_label": "",
                 "type": "text", "before": _row_label(row), "after": None, "change": REMOVED}
            )  # fmt: skip
    for key, section in old_sections.items():
        if key not in new_keys:
            changes.append(
                {"section": key, "section_title": section["title"], "row": "", "row_label": "", "column": "",
                 "column_label": "", "type": "text", "before": section["title"], "after": None, "change": REMOVED}
            )  # fmt: skip
    return changes


def shown(change: dict, money_unit: str) -> dict:
    """A change with its values formatted as in the tables."""
    if change["type"] == "text":
        before, after = change["before"] or "", change["after"] or ""
    else:
        before = format_cell(change["before"], change["type"], money_unit)
        after = format_cell(change["after"], change["type"], money_unit)
    return {**change, "before_text": before, "after_text": after, "change_label": KIND_LABELS[change["change"]]}
