"""Targets and provincial reports through the services: who may act, what is refused (in Vietnamese, naming the
field), what is written (audit, analytics rows, notifications) and what is not written on failure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from khuyencong.accounts.models import AgencyKind
from khuyencong.accounts.roles import Role
from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.geo.models import Unit
from khuyencong.indicators import services
from khuyencong.indicators.models import (
    Fact,
    Half,
    Indicator,
    ManualReport,
    ManualValue,
    Measure,
    PeriodKind,
    ReportStatus,
    Target,
)
from khuyencong.programmes.models import Notification, Programme
from khuyencong.programmes.services import programme_save
from tests.personas import agency, person

pytestmark = pytest.mark.django_db


def _indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.get(code="ctkcqg-2021-2025")


def _set(actor, programme, code, value, **kwargs):
    return services.target_set(
        actor=actor, programme_id=programme.pk, indicator_id=_indicator(code).pk, target_value=value, **kwargs
    )


# --- Targets -------------------------------------------------------------------------------------------------------


def test_targets_cascade_with_a_warning_not_a_block(personas, programme):
    leader = personas.central_leader
    ben_tre = Unit.objects.get(key="legacy:province:83")
    vinh_long = Unit.objects.get(key="2025:province:86")
    result = _set(leader, programme, "nhan_hieu", 300, unit_id=vinh_long.pk, citation="CV 12/CĐMST")
    assert result.warnings == []
    result = _set(leader, programme, "nhan_hieu", "60,5", unit_id=ben_tre.pk)
    assert result.target.province == vinh_long and result.target.unit == ben_tre
    assert result.target.target_value == Decimal("60.5")
    assert result.warnings == [
        "Cơ sở CNNT được hỗ trợ xây dựng, đăng ký nhãn hiệu (cả giai đoạn): tổng mục tiêu giao các tỉnh 360,5 "
        "vượt mục tiêu chung 350."
    ]
    _set(leader, programme, "nhan_hieu", 200, year=2024)
    result = _set(leader, programme, "nhan_hieu", 200, year=2025)
    yearly = (
        "Cơ sở CNNT được hỗ trợ xây dựng, đăng ký nhãn hiệu: tổng mục tiêu các năm 400 vượt mục tiêu cả giai đoạn 350."
    )
    assert yearly in result.warnings
    assert Target.objects.filter(programme=programme, indicator__code="nhan_hieu").count() == 5
    events = AuditEvent.objects.filter(action="target.set")
    assert events.count() == 4 and events.filter(province_id=vinh_long.pk).count() == 2
    # Removing: an empty value without a note.
    result = _set(leader, programme, "nhan_hieu", "", unit_id=ben_tre.pk)
    assert result.target is None and not Target.objects.filter(unit=ben_tre).exists()
    assert AuditEvent.objects.filter(action="target.remove").count() == 1


@pytest.mark.parametrize(
    ("value", "kwargs", "field", "message"),
    [
        ("-3", {}, "target_value", "Mục tiêu phải là số không âm, tối đa hai chữ số thập phân."),
        ("1,234", {}, "target_value", "Mục tiêu phải là số không âm, tối đa hai chữ số thập phân."),
        ("nhiều", {}, "target_value", "Mục tiêu phải là một số."),
        ("5", {"year": 2019}, "year", "Năm phải trong giai đoạn 2021–2025 của chương trình."),
        ("5", {"unit_id": -1}, "unit", "Tỉnh được giao không hợp lệ."),
    ],
)
def test_target_errors_name_the_field_and_write_nothing(personas, programme, value, kwargs, field, message):
    before = Target.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _set(personas.central_leader, programme, "nhan_hieu", value, **kwargs)
    assert caught.value.message == message and field in caught.value.details
    assert Target.objects.count() == before and not AuditEvent.objects.filter(action__startswith="target.").exists()


def test_who_may_set_targets(personas, programme):
    with pytest.raises(PermissionDenied):  # a province's leader does not set the national programme's targets
        _set(personas.province_a_leader, programme, "nhan_hieu", 5, unit_id=personas.province_a.pk)
    with pytest.raises(PermissionDenied):
        _set(personas.central_officer, programme, "nhan_hieu", 5)
    local = programme_save(
        actor=personas.province_a_leader,
        data={"code": "ctkc-hn-2021", "name": "Chương trình khuyến công Hà Nội 2021–2025", "level": "provincial",
              "start_year": 2021, "end_year": 2025},
    )  # fmt: skip
    result = _set(personas.province_a_leader, local, "nhan_hieu", 12, year=2022)
    assert result.target.province == personas.province_a  # a provincial programme's targets are its province's
    with pytest.raises(ValidationFailed, match="chỉ có mục tiêu chung"):
        _set(personas.province_a_leader, local, "nhan_hieu", 12, unit_id=personas.province_a.pk)
    with pytest.raises(NotFound):  # another province's programme does not exist for province B
        _set(personas.province_b_officer, local, "nhan_hieu", 1)


# --- Reports --------------------------------------------------------------------------------------------------------


@pytest.fixture
def committee_leader(personas):
    """A province_leader of the UBND tỉnh: same role as the Sở's leader, another body."""
    return person(
        "ubnd_a", "Ngô Ủy Ban", Role.PROVINCE_LEADER,
        agency_obj=agency("UBND-01", AgencyKind.PROVINCIAL_COMMITTEE, "UBND Hà Nội", personas.province_a),
    )  # fmt: skip


def _values(**entries) -> dict:
    return {_indicator(code).pk: entry for code, entry in entries.items()}


def _draft(personas, year=2024) -> ManualReport:
    report = services.report_open(actor=personas.province_a_officer, year=year)
    return services.report_values_set(
        actor=personas.province_a_officer, report_id=report.pk, version=report.version,
        values=_values(viec_lam_moi={"value": Decimal(40), "female": Decimal(25), "note": "Điều tra của Sở"},
                       ty_le_lao_dong_nu={"value": Decimal("55.5")}),
    )  # fmt: skip


def test_a_report_from_entry_to_lock_and_unlock(personas, committee_leader):
    officer, leader, cuc = personas.province_a_officer, personas.province_a_leader, personas.central_leader
    report = _draft(personas)
    assert report.province == personas.province_a and report.status == ReportStatus.DRAFT
    assert services.report_open(actor=officer, year=2024) == report  # opening again returns the same report
    assert not Fact.objects.filter(report=report).exists()

    for who in (officer, committee_leader, cuc):
        with pytest.raises(PermissionDenied):
            services.report_transition(actor=who, report_id=report.pk, action="submit", version=report.version)
    report = services.report_transition(actor=leader, report_id=report.pk, action="submit", version=report.version)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == leader
    assert Notification.objects.filter(user=cuc, url__contains=f"/so-lieu/{report.pk}/").exists()
    with pytest.raises(Conflict):  # submitted: values are frozen until the Cục returns it
        services.report_values_set(actor=officer, report_id=report.pk, version=report.version, values={})

    for who in (leader, personas.central_officer):
        with pytest.raises(PermissionDenied):
            services.report_transition(actor=who, report_id=report.pk, action="approve", version=report.version)
    with pytest.raises(ValidationFailed, match="Cần ghi lý do"):
        services.report_transition(actor=cuc, report_id=report.pk, action="return", version=report.version)
    report = services.report_transition(actor=cuc, report_id=report.pk, action="approve", version=report.version)
    assert report.status == ReportStatus.APPROVED
    facts = Fact.objects.filter(report=report, measure=Measure.MANUAL)
    assert sorted(facts.values_list("indicator__code", "value", "value_female")) == [
        ("ty_le_lao_dong_nu", Decimal("55.5"), None), ("viec_lam_moi", Decimal(40), Decimal(25))
    ]  # fmt: skip
    assert set(facts.values_list("province_id", "legacy_province_id", "year")) == {
        (personas.province_a.pk, personas.province_a.pk, 2024)
    }
    with pytest.raises(Conflict, match="đã khóa"):
        services.report_values_set(actor=officer, report_id=report.pk, version=report.version, values={})
    with pytest.raises(PermissionDenied):  # only the Cục unlocks
        services.report_transition(actor=leader, report_id=report.pk, action="unlock", version=report.version,
                                   reason="Sai số liệu")  # fmt: skip
    report = services.report_transition(
        actor=cuc, report_id=report.pk, action="unlock", version=report.version, reason="Sở đề nghị sửa số lao động nữ"
    )
    assert report.status == ReportStatus.DRAFT and report.last_note == "Sở đề nghị sửa số lao động nữ"
    assert not Fact.objects.filter(report=report).exists()
    events = AuditEvent.objects.filter(object_type="indicators.manualreport").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == [
        "indicator_report.open", "indicator_report.values", "indicator_report.submit", "indicator_report.approve",
        "indicator_report.unlock",
    ]  # fmt: skip
    unlock = AuditEvent.objects.get(action="indicator_report.unlock")
    assert unlock.note == "Sở đề nghị sửa số lao động nữ" and unlock.province_id == personas.province_a.pk


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"viec_lam_moi": {"value": "-1"}}, "Việc làm mới tạo ra tại cơ sở được hỗ trợ phải là số không âm"),
        ({"ty_le_lao_dong_nu": {"value": Decimal(101)}},
         "Tỷ lệ lao động nữ tại cơ sở được hỗ trợ: giá trị tối đa là 100 %."),
        ({"viec_lam_moi": {"value": Decimal(10), "female": Decimal(11)}},
         "Việc làm mới tạo ra tại cơ sở được hỗ trợ: số nữ (11) lớn hơn tổng số (10)."),
        ({"san_pham_moi": {"value": Decimal(3), "female": Decimal(1)}}, "Sản phẩm mới được sản xuất không tách số nữ."),
        ({"viec_lam_moi": {"female": Decimal(1)}}, "cần ghi tổng số trước"),
        ({"may_moc_thiet_bi": {"value": Decimal(1)}}, "Chỉ tiêu không thuộc kỳ báo cáo này."),
    ],
)  # fmt: skip
def test_value_errors_name_the_indicator_and_write_nothing(personas, entries, message):
    report = services.report_open(actor=personas.province_a_officer, year=2024)
    with pytest.raises(ValidationFailed) as caught:
        services.report_values_set(
            actor=personas.province_a_officer, report_id=report.pk, version=report.version, values=_values(**entries)
        )
    assert message in caught.value.message
    assert not ManualValue.objects.exists() and ManualReport.objects.get(pk=report.pk).version == report.version


def test_stale_versions_scope_and_periods(personas):
    report = _draft(personas)
    with pytest.raises(Conflict, match="phiên bản"):
        services.report_values_set(actor=personas.province_a_officer, report_id=report.pk, version=1, values={})
    with pytest.raises(NotFound):  # another province's report does not exist for province B
        services.report_values_set(
            actor=personas.province_b_officer, report_id=report.pk, version=report.version, values={}
        )
    with pytest.raises(PermissionDenied):
        services.report_open(actor=personas.province_a_leader, year=2024)
    with pytest.raises(ValidationFailed) as caught:
        services.report_open(actor=personas.province_a_officer, year=2099)
    assert caught.value.details == {"year": ["Chưa thể báo cáo số liệu của năm chưa đến."]}
    with pytest.raises(ValidationFailed) as caught:  # the administrator (national) names the province
        services.report_open(actor=personas.central_admin, year=2024)
    assert "province" in caught.value.details
    empty = services.report_open(actor=personas.province_a_officer, year=2023)
    with pytest.raises(ValidationFailed, match="chưa có số liệu"):
        services.report_transition(
            actor=personas.province_a_leader, report_id=empty.pk, action="submit", version=empty.version
        )


def test_half_year_indicators_have_their_own_reports(personas):
    half = Indicator.objects.create(
        code="co_so_moi_6_thang", name="Cơ sở mới thành lập", unit="cơ sở", kind="outcome", source="manual",
        period_kind=PeriodKind.HALF,
    )  # fmt: skip
    yearly = services.report_open(actor=personas.province_a_officer, year=2024)
    first = services.report_open(actor=personas.province_a_officer, year=2024, half=Half.FIRST)
    assert first != yearly and first.period_label == "6 tháng đầu năm 2024"
    first = services.report_values_set(
        actor=personas.province_a_officer, report_id=first.pk, version=first.version,
        values={half.pk: {"value": Decimal(7)}},
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match="không thuộc kỳ"):
        services.report_values_set(
            actor=personas.province_a_officer, report_id=yearly.pk, version=yearly.version,
            values={half.pk: {"value": Decimal(7)}},
        )  # fmt: skip
