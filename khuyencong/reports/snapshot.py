"""The data snapshot of a report: the official header (NĐ 30/2020/NĐ-CP) and every section's figures, as plain
JSON. Excel and PDF are rendered from it, never from live queries; its SHA-256 (over a canonical encoding)
identifies exactly what was filed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone, translation

from khuyencong.accounts.models import Agency, AgencyKind
from khuyencong.reports.models import Report
from khuyencong.reports.sections import SECTION_KINDS, Area, _roman

SCHEMA = 1
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
COMMITTEE_PREFIXES = ("ủy ban nhân dân", "uỷ ban nhân dân")


def canonical(snapshot: dict) -> bytes:
    """One byte string per snapshot whatever the key order (jsonb reorders keys): UTF-8, sorted keys, no spaces."""
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(snapshot: dict) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


# --- Header ---------------------------------------------------------------------------------------------------


def date_line(place: str, day: dt.date | None, year: int) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": a zero before days under 10 and months 1 and 2 (NĐ 30/2020, Phụ lục I).
    Without a day (a draft), the blanks are left for the date of signature."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def parent_line(agency: Agency, day: dt.date) -> str:
    """The governing body above the issuing agency, in capitals ("UBND THÀNH PHỐ HÀ NỘI", "BỘ CÔNG THƯƠNG")."""
    if agency.parent_id is None:
        return ""
    name = agency.parent.name_on(day)
    if name.lower().startswith(COMMITTEE_PREFIXES):
        name = "UBND" + name[len("Ủy ban nhân dân") :]
    return name.upper()


def agency_line(agency: Agency, day: dt.date) -> str:
    """The issuing agency in capitals, without the province's name the line above already gives
    ("Sở Công Thương Hà Nội" under "UBND THÀNH PHỐ HÀ NỘI" → "SỞ CÔNG THƯƠNG")."""
    name = agency.name_on(day)
    jurisdiction = agency.jurisdiction
    if jurisdiction is not None and agency.parent_id is not None and name.endswith(" " + jurisdiction.name):
        name = name[: -len(jurisdiction.name) - 1]
    return name.upper()


def default_place(report: Report) -> str:
    """The place name of the date line: the province of a Sở; Hà Nội for the central department."""
    if report.province_id is None:
        return "Hà Nội"
    name = report.province.name
    # Unit names are stored without their type; "Hồ Chí Minh" alone would read as the person's name.
    return f"Thành phố {name}" if name == "Hồ Chí Minh" else name


def _central_department(day: dt.date) -> str:
    central = Agency.objects.filter(kind=AgencyKind.CENTRAL_DEPARTMENT).order_by("code").first()
    return central.name_on(day) if central else "Cục"


def recipients_lines(text: str, report: Report, day: dt.date) -> list[str]:
    """ "Nơi nhận" lines; `{cuc}` is the central department's name on the day, `{cap_tren}` the governing body's."""
    parent = report.agency.parent.name_on(day) if report.agency.parent_id else ""
    lines = []
    for raw in (text or "").splitlines():
        line = raw.strip().lstrip("-").strip().rstrip(";.").strip()
        if line:
            lines.append(line.replace("{cuc}", _central_department(day)).replace("{cap_tren}", parent))
    return lines


def header_for(report: Report, *, day: dt.date, signature: dict | None = None) -> dict:
    """The document's header and signature block as on `day` (names of agencies as they were that day).
    `signature` (number, date, signer title and name) is given when a leader signs; a draft has blanks."""
    definition = report.definition
    signed_on = dt.date.fromisoformat(signature["date"]) if signature else None
    names_day = signed_on or day
    period = report.period
    cut_off = period.cut_off(day)
    where = "toàn quốc" if report.province_id is None else str(report.province)
    return {
        "parent": parent_line(report.agency, names_day),
        "agency": agency_line(report.agency, names_day),
        "number": signature["number"] if signature else "",
        "symbol": definition.symbol,
        "place": report.place,
        "date": signed_on.isoformat() if signed_on else None,
        "date_line": date_line(report.place, signed_on, (signed_on or day).year),
        "motto": list(MOTTO),
        "document_type": definition.document_type.upper(),
        "subject": f"{definition.title} {period.inline}",
        "area": where[0].upper() + where[1:],
        "period_line": (
            f"Kỳ báo cáo: từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}; "
            f"số liệu chốt đến ngày {cut_off:%d/%m/%Y}"
        ),
        "recipients": recipients_lines(report.recipients, report, names_day),
        "signer_title": (signature or {}).get("signer_title") or definition.signer_title,
        "signer_name": (signature or {}).get("signer_name", ""),
        "draft": signature is None,
    }


# --- The whole snapshot ---------------------------------------------------------------------------------------


@contextmanager
def consistent_read() -> Iterator[None]:
    """On PostgreSQL, every section reads the same state of the database (one REPEATABLE READ, READ ONLY
    transaction), even while projects and money change during the seconds a national report takes. Inside an
    outer transaction (a test, a caller's atomic block) that transaction's view is used. SQLite's transactions are
    IMMEDIATE here (they would hold the write lock for the whole build), so SQLite reads section by section."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def build_snapshot(report: Report, *, today: dt.date | None = None) -> dict:
    """Compute every section of the report from the database, as of `today` (default: today)."""
    today = today or timezone.localdate()
    definition = report.definition
    period = report.period
    area = Area(
        province=report.province, period=period, cut_off=period.cut_off(today), unit_basis=report.unit_basis,
        money_unit=definition.money_unit,
    )  # fmt: skip
    context = {"narratives": report.narratives, "today": today}
    sections = []
    specs = list(definition.sections)
    with translation.override("vi"), consistent_read():
        for index, spec in enumerate(specs, start=1):
            label, builder = SECTION_KINDS[spec["kind"]]
            data = builder(area, spec, context)
            sections.append(
                {"key": spec["key"], "kind": spec["kind"], "title": spec.get("title") or label,
                 "number": _roman(index), **data}
            )  # fmt: skip
        header = header_for(report, day=today)
    return {
        "schema": SCHEMA,
        "definition": {
            "code": definition.code,
            "title": definition.title,
            "level": definition.level,
            "money_unit": definition.money_unit,
        },
        "report": {
            "id": report.pk,
            "period": period.key,
            "period_label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "province": {"key": report.province.key, "code": report.province.code, "name": report.province.name}
            if report.province_id
            else None,
            "unit_basis": report.unit_basis,
        },
        "header": header,
        "sections": sections,
        "cut_off": area.cut_off.isoformat(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def signed(snapshot: dict, report: Report, signature: dict) -> dict:
    """The same figures with the signature block filled in (number, date, signer), the header as on that day."""
    with translation.override("vi"):
        header = header_for(report, day=dt.date.fromisoformat(signature["date"]), signature=signature)
    header["period_line"] = snapshot["header"]["period_line"]  # the figures' cut-off does not move
    return {**snapshot, "header": header}
