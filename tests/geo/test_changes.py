"""apply_unit_changes: later official changes applied with history, all or nothing, audited, idempotent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from khuyencong.accounts.roles import Role, can
from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, PermissionDenied, ValidationFailed
from khuyencong.geo.models import Unit, UnitAlias, UnitSuccession
from khuyencong.geo.selectors import (
    current_province_of,
    regions_of,
    resolve_unit,
    roll_up,
    units_replaced_since,
)
from khuyencong.geo.services import may_manage_units, plan_unit_changes, unit_changes_apply, unit_changes_commit
from tests.personas import person

pytestmark = pytest.mark.django_db
EFFECTIVE = dt.date(2026, 4, 30)
AFTER = dt.date(2026, 5, 1)
BEFORE = dt.date(2025, 8, 1)
HEADER = "action,level,old_code,new_code,new_name,new_type,parent_code,primary,note"

# Rename, merge (two into one) and split (one into two) of communes of Vĩnh Long (86).
COMMUNE_CHANGES = [
    "rename,commune,28870,,Chợ Lách Tây,,,,",
    "merge,commune,28789,28789,Bến Tre,phường,,,",
    "merge,commune,28756,28789,,,,,",
    "split,commune,28777,33001,An Hội Bắc,,,x,",
    "split,commune,28777,33002,An Hội Nam,xã,86,,tách theo NQ",
]


def write(tmp_path: Path, rows: list[str], name: str = "thay-doi.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        UnitSuccession.objects.count(),
        AuditEvent.objects.count(),
        Unit.objects.filter(valid_to__isnull=False).count(),
    )


def key(text: str) -> Unit:
    return Unit.objects.get(key=text)


def test_rename_merge_split_keep_history_and_roll_up_through_two_generations(tmp_path):
    path = write(tmp_path, COMMUNE_CHANGES)
    result = unit_changes_apply(actor=None, path=path, effective=EFFECTIVE, citation="NQ 1/2026/NQ-UBTVQH15")
    assert (result.created, result.ended, result.links, result.already_applied) == (4, 4, 5, False)

    renamed = key("2026-04-30:commune:28870")
    assert (renamed.name, renamed.name_folded, renamed.unit_type) == ("Chợ Lách Tây", "cho lach tay", "xa")
    assert (renamed.valid_from, renamed.valid_to, renamed.parent.key, renamed.province.key) == (
        EFFECTIVE,
        None,
        "2025:province:86",
        "2025:province:86",
    )
    for old in ("28870", "28789", "28756", "28777"):
        assert key(f"2025:commune:{old}").valid_to == dt.date(2026, 4, 29)
    merged = key("2026-04-30:commune:28789")
    assert set(merged.succession_in.values_list("predecessor__key", "is_primary")) == {
        ("2025:commune:28789", True),
        ("2025:commune:28756", True),
    }
    split_links = dict(key("2025:commune:28777").succession_out.values_list("successor__key", "is_primary"))
    assert split_links == {"2026-04-30:commune:33001": True, "2026-04-30:commune:33002": False}
    north = key("2026-04-30:commune:33001")
    assert north.unit_type == "phuong" and north.lat == key("2025:commune:28777").lat
    link = UnitSuccession.objects.get(successor=renamed)
    assert (link.effective_date, link.note) == (EFFECTIVE, "đổi tên; NQ 1/2026/NQ-UBTVQH15")

    # A 2020 commune rolls up through the 2025 reform and the 2026 change.
    legacy = key("legacy:commune:28870")
    assert roll_up(legacy, as_of=AFTER) == renamed
    assert roll_up(legacy, as_of=BEFORE) == key("2025:commune:28870")
    assert roll_up(legacy, as_of=dt.date(2020, 1, 1)) == legacy
    from_phu_khuong = UnitSuccession.objects.filter(successor__key="2025:commune:28756", is_primary=True).first()
    assert roll_up(from_phu_khuong.predecessor, as_of=AFTER) == merged
    assert current_province_of(legacy, as_of=AFTER).key == "2025:province:86"

    # Names resolve by date; the old name still leads to the new unit.
    assert resolve_unit("Chợ Lách Tây", level="commune", as_of=AFTER) == renamed
    old_name = resolve_unit("Chợ Lách", level="commune", as_of=AFTER)
    assert old_name.key == "2025:commune:28870" and roll_up(old_name, as_of=AFTER) == renamed
    assert resolve_unit("Chợ Lách", level="commune", as_of=BEFORE).key == "2025:commune:28870"

    mapping = units_replaced_since(EFFECTIVE, as_of=AFTER)
    assert mapping == {
        key("2025:commune:28870").pk: renamed.pk,
        key("2025:commune:28789").pk: merged.pk,
        key("2025:commune:28756").pk: merged.pk,
        key("2025:commune:28777").pk: north.pk,
    }

    events = AuditEvent.objects.filter(action__startswith="geo_unit.").order_by("id")
    assert [event.action for event in events] == ["geo_unit.rename", "geo_unit.merge", "geo_unit.split"]
    assert all(event.actor is None and event.actor_label == "Hệ thống" for event in events)
    assert "Tệp thay-doi.csv" in events[0].note and "hiệu lực 30/04/2026" in events[0].note
    assert events[1].before["units"][1]["code"] == "28756"


def test_running_the_same_file_twice_changes_nothing(tmp_path):
    path = write(tmp_path, COMMUNE_CHANGES)
    unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    after_first = counts()
    again = unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    assert again.already_applied and (again.created, again.ended, again.links) == (0, 0, 0)
    assert counts() == after_first
    out = call_command_output("apply_unit_changes", str(path), "--effective", "2026-04-30")
    assert "đã được áp dụng" in out and "không có thay đổi nào" in out
    assert counts() == after_first


def test_dry_run_writes_nothing_and_says_what_would_change(tmp_path):
    path = write(tmp_path, COMMUNE_CHANGES)
    before = counts()
    result = unit_changes_apply(actor=None, path=path, effective=EFFECTIVE, dry_run=True)
    assert counts() == before and result.dry_run
    lines = result.plan.describe()
    assert lines[0] == "Đổi tên, loại hoặc đơn vị cấp trên (dòng 2): Xã Chợ Lách (28870) → Xã Chợ Lách Tây (28870)"
    assert any(line.startswith("Chia tách (dòng 5, 6)") and "— chính" in line for line in lines)
    out = call_command_output("apply_unit_changes", str(path), "--effective", "30/04/2026", "--dry-run")
    assert "Chạy thử, không ghi gì" in out and "Sáp nhập (dòng 3, 4)" in out
    assert counts() == before


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_province_merger_carries_its_communes_aliases_and_regions(tmp_path):
    path = write(
        tmp_path,
        [
            "merge,province,79,79,Hồ Chí Minh,thành phố,,,",
            "merge,province,80,79,,,,,",
            "rename,commune,26824,,Thủ Đức Mới,,,,",
        ],
    )
    old_hcm, old_tay_ninh = key("2025:province:79"), key("2025:province:80")
    communes = Unit.objects.filter(parent__in=[old_hcm, old_tay_ninh], valid_to__isnull=True).count()
    moved = Unit.objects.filter(parent=old_tay_ninh).order_by("code").first()
    from_2020 = UnitSuccession.objects.filter(successor=moved, is_primary=True).first().predecessor
    result = unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    assert result.created == 1 + communes and result.ended == 2 + communes
    new_hcm = key("2026-04-30:province:79")
    assert new_hcm.province_id == new_hcm.pk and new_hcm.unit_type == "thanh_pho_tw"
    assert Unit.objects.filter(parent=new_hcm, valid_from=EFFECTIVE).count() == communes
    assert not Unit.objects.filter(parent__in=[old_hcm, old_tay_ninh], valid_to__isnull=True).exists()
    thu_duc = key("2026-04-30:commune:26824")
    assert (thu_duc.name, thu_duc.parent) == ("Thủ Đức Mới", new_hcm)
    carried = key(f"2026-04-30:commune:{moved.code}")
    assert (carried.name, carried.unit_type, carried.province) == (moved.name, moved.unit_type, new_hcm)
    assert UnitSuccession.objects.get(successor=carried).note == "chuyển theo đơn vị cấp trên"
    # Three generations: legacy Long An → 2025 Tây Ninh → 2026 Hồ Chí Minh, and a 2020 commune with it.
    assert roll_up(key("legacy:province:80"), as_of=AFTER) == new_hcm
    assert roll_up(from_2020, as_of=AFTER) == carried
    assert current_province_of(from_2020, as_of=AFTER) == new_hcm
    assert [region.code for region in regions_of(new_hcm)] == [r.code for r in regions_of(old_hcm)]
    assert UnitAlias.objects.filter(unit=new_hcm, alias="TP HCM").exists()
    assert resolve_unit("TP HCM", as_of=AFTER) == new_hcm
    assert resolve_unit("Tây Ninh", level="province", as_of=AFTER).key == "2025:province:80"
    assert AuditEvent.objects.filter(action="geo_unit.carry_over").count() == communes - 1


def test_a_malformed_file_is_refused_row_by_row_and_nothing_is_written(tmp_path):
    path = write(
        tmp_path,
        [
            "đổi tên,xã,28870,,Tên Mới,,,,",  # fine (Vietnamese action and level)
            "gộp,commune,28789,28789,X,,,,",
            "rename,district,832,,Y,,,,",
            "split,commune,12a,33001,Z,,,,",
            "new,commune,,33003,Xã Mới,,,,",
            "rename,commune,28870,,Tên,làng,,maybe,",
            "rename,province,86,,Vĩnh Long,,86,,",
        ],
    )
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    error = caught.value
    assert error.message == "Tệp có lỗi ở 6 dòng; không có thay đổi nào được ghi."
    assert "Dòng 2" not in error.details
    assert "Thao tác “gộp” không hợp lệ" in error.details["Dòng 3"][0]
    assert error.details["Dòng 4"] == ["Cấp huyện không còn từ 01/07/2025: chỉ thay đổi cấp tỉnh hoặc cấp xã."]
    assert "Mã cũ “12a” không hợp lệ" in error.details["Dòng 5"][0]
    assert error.details["Dòng 6"] == [
        "Thành lập mới cần loại đơn vị (new_type).",
        "Xã thành lập mới cần mã tỉnh (parent_code).",
    ]
    assert len(error.details["Dòng 7"]) == 2  # unknown type, bad primary
    assert error.details["Dòng 8"] == ["Cấp tỉnh không có đơn vị cấp trên: để trống parent_code."]
    assert counts() == before


def test_rows_that_contradict_the_stored_units_are_refused(tmp_path):
    path = write(
        tmp_path,
        [
            "rename,commune,99999,,Không Có,,,,",
            "split,commune,28777,33001,A,,,,",
            "split,commune,28777,33002,B,,,,",
            "merge,commune,28789,28789,Bến Tre,,,,",
            "rename,commune,28870,28756,Chợ Lách,,,,",
            "abolish,province,86,,,,,,",
            "rename,commune,28840,,Tân Phú,,,,",
        ],
    )
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    details = caught.value.details
    assert details["Dòng 2"] == ["Không có đơn vị cấp xã mã 99999 còn hiệu lực ngày 29/04/2026."]
    assert "cần đúng một đơn vị kế thừa chính" in details["Dòng 3"][0]
    assert "Sáp nhập cần ít nhất hai đơn vị cũ" in details["Dòng 5"][0]
    assert "Mã mới 28756 đang là mã của Phường Phú Khương" in details["Dòng 6"][0]
    assert "Không thể giải thể Tỉnh Vĩnh Long khi còn" in details["Dòng 7"][0]
    assert details["Dòng 8"] == [
        "Dòng đổi tên không thay đổi gì (mã, tên, loại và cấp trên như cũ).",
        "Không suy ra được tỉnh của đơn vị mới: ghi mã tỉnh (parent_code).",  # its province is abolished
    ]
    assert counts() == before
    with pytest.raises(CommandError) as command_error:
        call_command("apply_unit_changes", str(path), "--effective", "2026-04-30")
    assert "Dòng 2: Không có đơn vị cấp xã mã 99999" in str(command_error.value)
    assert counts() == before


def test_changes_apply_in_date_order_and_chain_further_generations(tmp_path):
    unit_changes_apply(actor=None, path=write(tmp_path, COMMUNE_CHANGES), effective=EFFECTIVE)
    # A file dated before the one applied refers to units that no longer exist on its eve: refused.
    earlier = write(tmp_path, ["rename,commune,28870,,Chợ Lách Đông,,,,"], name="truoc.csv")
    with pytest.raises(ValidationFailed) as caught:
        unit_changes_apply(actor=None, path=earlier, effective=dt.date(2026, 1, 1))
    assert caught.value.details == {"Dòng 2": ["Không có đơn vị cấp xã mã 28870 còn hiệu lực ngày 31/12/2025."]}
    # A later one changes the 2026 unit again: a third generation after the legacy one.
    later = write(tmp_path, ["rename,commune,28870,,Chợ Lách Đông,,,,"], name="sau.csv")
    unit_changes_apply(actor=None, path=later, effective=dt.date(2026, 6, 1))
    third = key("2026-06-01:commune:28870")
    assert key("2026-04-30:commune:28870").valid_to == dt.date(2026, 5, 31)
    legacy = key("legacy:commune:28870")
    assert roll_up(legacy, as_of=dt.date(2026, 6, 1)) == third
    assert roll_up(legacy, as_of=dt.date(2026, 5, 31)) == key("2026-04-30:commune:28870")
    assert units_replaced_since(EFFECTIVE, as_of=dt.date(2026, 7, 1))[key("2025:commune:28870").pk] == third.pk


def test_a_plan_made_stale_by_another_operator_is_refused_not_written_over(tmp_path):
    path = write(tmp_path, COMMUNE_CHANGES)
    stale = plan_unit_changes(path, effective=EFFECTIVE)  # operator 1 checked the file …
    unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)  # … operator 2 applied it meanwhile
    before = counts()
    with pytest.raises(Conflict, match="vừa được thay đổi bởi một thao tác khác"):
        unit_changes_commit(actor=None, plan=stale, source_name="thay-doi.csv")
    assert counts() == before
    assert UnitSuccession.objects.filter(successor__key="2026-04-30:commune:28870").count() == 1


def test_a_new_province_and_a_name_with_its_type_word_are_flagged(tmp_path):
    path = write(tmp_path, ["new,province,,99,Tỉnh Thử,tỉnh,,,", "new,commune,,33010,Tân Lập,xã,99,,"])
    result = unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    assert result.plan.warnings == [
        "Dòng 2: tên mới “Tỉnh Thử” bắt đầu bằng “Tỉnh”; tên ghi không kèm loại đơn vị (trừ khi chữ đó thuộc tên "
        "thật).",
        "Dòng 2: tỉnh mới Tỉnh Thử chưa thuộc vùng nào; bổ sung vào vùng bình chọn và vùng kinh tế - xã hội.",
    ]
    commune = key("2026-04-30:commune:33010")
    assert (commune.parent.key, commune.province.key, commune.succession_in.exists()) == (
        "2026-04-30:province:99",
        "2026-04-30:province:99",
        False,
    )
    assert AuditEvent.objects.filter(action="geo_unit.new").count() == 2


def test_abolishing_a_commune_rolls_its_records_up_to_the_province(tmp_path):
    unit_changes_apply(actor=None, path=write(tmp_path, ["abolish,commune,28840,,,,,,"]), effective=EFFECTIVE)
    gone = key("2025:commune:28840")
    assert gone.valid_to == dt.date(2026, 4, 29) and not gone.succession_out.exists()
    assert roll_up(gone, as_of=AFTER) == key("2025:province:86")
    assert AuditEvent.objects.get(action="geo_unit.abolish").object_id == str(gone.pk)


def test_only_national_reference_managers_may_apply(tmp_path, personas):
    path = write(tmp_path, COMMUNE_CHANGES)
    province_admin = person(
        "province_a_admin", "Quản trị Sở", Role.SYSTEM_ADMIN, agency_obj=personas.province_a_officer.agency
    )
    assert can(province_admin, "reference.manage") and not may_manage_units(province_admin)
    assert may_manage_units(None) and may_manage_units(personas.central_admin)
    before = counts()
    for actor in (personas.province_a_officer, province_admin, personas.central_officer):
        with pytest.raises(PermissionDenied):
            unit_changes_apply(actor=actor, path=path, effective=EFFECTIVE)
    assert counts() == before
    unit_changes_apply(actor=personas.central_admin, path=path, effective=EFFECTIVE)
    event = AuditEvent.objects.filter(action="geo_unit.rename").get()
    assert event.actor == personas.central_admin


def test_a_spreadsheet_change_file_and_lost_leading_zeros(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Hành động", "Cấp", "Mã cũ", "Mã mới", "Tên mới", "Ghi chú"])
    sheet.append(["đổi tên", "xã", "28870", "", "Chợ Lách Tây", ""])
    sheet.append(["đổi tên", "xã", 4, "", "Phúc Xá Mới", ""])  # 00004 typed as a number
    path = tmp_path / "thay-doi.xlsx"
    workbook.save(path)
    with pytest.raises(ValidationFailed) as caught:
        unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    assert caught.value.details == {
        "Dòng 3": ["Mã đang ở dạng số và đã mất số 0 ở đầu: định dạng cột mã là văn bản (Text)."]
    }
    sheet.delete_rows(3)
    workbook.save(path)
    unit_changes_apply(actor=None, path=path, effective=EFFECTIVE)
    assert key("2026-04-30:commune:28870").name == "Chợ Lách Tây"


def test_header_and_encoding_problems(tmp_path):
    missing = write(tmp_path, ["rename,commune,28870,,A"], header="action,level,old_code,new_name,mystery")
    with pytest.raises(ValidationFailed) as caught:
        unit_changes_apply(actor=None, path=missing, effective=EFFECTIVE)
    assert caught.value.details == {"Dòng 1": ["Cột “mystery” không được hỗ trợ.", "Thiếu cột: new_code."]}
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\nrename,commune,28870,,Cà Mau,,,,\n").encode("latin-1"))  # an old Excel CSV
    with pytest.raises(ValidationFailed, match="UTF-8"):
        unit_changes_apply(actor=None, path=latin, effective=EFFECTIVE)
    utf16 = tmp_path / "unicode.txt"
    utf16.write_bytes((HEADER + "\nrename,commune,28870,,Chợ Lách Tây,,,,\n").replace(",", "\t").encode("utf-16"))
    assert unit_changes_apply(actor=None, path=utf16, effective=EFFECTIVE, dry_run=True).plan.changes
    empty = write(tmp_path, [], name="empty.csv")
    with pytest.raises(ValidationFailed, match="không có dòng thay đổi"):
        unit_changes_apply(actor=None, path=empty, effective=EFFECTIVE)
