"""Provincial reports and targets for tests, made through the services by the generated staff accounts
(khuyencong.synthetic.staff: sinh.<code>.cv officer, sinh.<code>.ld Sở leader, sinh.cuc.ld Cục leader)."""

from __future__ import annotations

from decimal import Decimal

from khuyencong.accounts.models import User
from khuyencong.geo.models import Unit
from khuyencong.indicators import services
from khuyencong.indicators.models import Half, Indicator
from khuyencong.programmes.models import Programme

# province code → {year: {indicator code: value or (value, female, ethnic minority)}}. The generated dataset has
# every province's yearly reports for 2016–2025 (khuyencong.synthetic.indicator_values); these are for 2026.
REPORTS = {
    "01": {
        2026: {"viec_lam_moi": ("120", "70", "5"), "doanh_thu_tang_them": "3500.5", "thu_nhap_binh_quan": "7.2",
               "ty_le_lao_dong_nu": "58", "ccn_co_xlnt": "4"},
    },
    "75": {
        2026: {"viec_lam_moi": ("60", "20", "12"), "san_pham_moi": "14", "ty_le_lao_dong_nu": "41.5",
               "ccn_co_xlnt": "3", "giam_o_nhiem": "12.25", "thu_nhap_binh_quan": "7.9"},
    },
}  # fmt: skip
SUBMITTED_ONLY = {"66": {2026: {"viec_lam_moi": ("500", "100", "50")}}}  # not approved: must not count


def staff(username: str) -> User:
    return User.objects.get(username=username)


def _report(code: str, year: int, values: dict, *, approve: bool, half: int = Half.YEAR):
    province = Unit.objects.get(key=f"2025:province:{code}")
    officer, leader, cuc = staff(f"sinh.{code}.cv"), staff(f"sinh.{code}.ld"), staff("sinh.cuc.ld")
    report = services.report_open(actor=officer, year=year, half=half)
    assert report.province == province
    entries = {}
    for indicator_code, value in values.items():
        value, female, ethnic = value if isinstance(value, tuple) else (value, None, None)
        entries[Indicator.objects.get(code=indicator_code).pk] = {
            "value": Decimal(value), "female": female and Decimal(female),
            "ethnic_minority": ethnic and Decimal(ethnic), "note": "Báo cáo năm của Sở",
        }  # fmt: skip
    report = services.report_values_set(actor=officer, report_id=report.pk, version=report.version, values=entries)
    report = services.report_transition(actor=leader, report_id=report.pk, action="submit", version=report.version)
    if approve:
        report = services.report_transition(actor=cuc, report_id=report.pk, action="approve", version=report.version)
    return report


def add_manual_reports(provinces: set[str] | None = None) -> None:
    """The reports of REPORTS (approved) and SUBMITTED_ONLY (left waiting), for these province codes (all)."""
    for table, approve in ((REPORTS, True), (SUBMITTED_ONLY, False)):
        for code, years in table.items():
            if provinces is None or code in provinces:
                for year, values in years.items():
                    _report(code, year, values, approve=approve)


# (indicator, unit key or None for the programme-wide target, year or None for the period, value)
TARGETS = [
    ("may_moc_thiet_bi", "2025:province:01", None, 40),
    ("may_moc_thiet_bi", "2025:province:75", None, 25),
    ("may_moc_thiet_bi", "legacy:province:70", None, 15),  # Bình Phước, now Đồng Nai
    ("may_moc_thiet_bi", None, 2024, 300),
    ("may_moc_thiet_bi", None, 2025, 320),
    ("may_moc_thiet_bi", "2025:province:01", 2024, 9),
    ("may_moc_thiet_bi", "legacy:province:70", 2024, 4),
    ("dao_tao_nghe", "legacy:province:83", None, 400),  # Bến Tre, now Vĩnh Long
    ("viec_lam_moi", None, None, 5000),
    ("viec_lam_moi", "2025:province:01", None, 800),
]


def add_targets() -> None:
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    cuc = staff("sinh.cuc.ld")
    for code, key, year, value in TARGETS:
        unit = Unit.objects.get(key=key) if key else None
        services.target_set(
            actor=cuc, programme_id=programme.pk, indicator_id=Indicator.objects.get(code=code).pk,
            target_value=value, unit_id=unit.pk if unit else None, year=year, citation="Văn bản giao thử",
        )  # fmt: skip
