"""Importing establishments from the files provinces really send: every count and every message checked,
nothing written in all-or-nothing mode when a row fails, upsert by tax code, undo, the error workbook."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import openpyxl
import pytest

from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, ValidationFailed
from khuyencong.imports import services
from khuyencong.imports.models import ImportBatch, ImportMode, ImportStatus, IssueSeverity
from khuyencong.imports.workbooks import write_error_workbook
from khuyencong.registry.models import Establishment, LegalForm, SizeClass, YearlyFigures
from khuyencong.registry.services import establishment_update
from tests.imports.builders import nfd, tax_code, tcvn3, upload_of, write_messy_workbook, write_simple_workbook

pytestmark = pytest.mark.django_db

AS_OF_2024 = dt.date(2024, 1, 1)
T1, T2, T3 = tax_code(1), tax_code(2), tax_code(3)


def messy_rows() -> list[list]:
    """Rows 7–14 of the messy workbook: three good rows, four bad ones and a total row."""
    return [
        [1, nfd("Hợp tác xã Cà phê Ba Vì"), "HTX", T1, "Cổ Đô", "Ba Vì", "Hà Nội", "12/03/2015", "0912 345 678",
         2023, 25, 12, 8, "1.250,5", nfd("Cà phê bột, cà phê hạt rang")],
        [2, tcvn3("Cơ sở mây tre đan Phú Cường"), None, None, tcvn3("Phú Cường"), tcvn3("Ba Vì"), tcvn3("Hà Nội"),
         None, None, None, None, None, None, None, tcvn3("Mây tre đan")],
        [3, "Công ty TNHH Gốm Cổ Đô", "Doanh nghiệp", "0100109107", "Cổ Đô", "Ba Vì", "Hà Nội", None, None,
         None, None, None, None, None, "Gốm"],
        [4, "HTX Nông sản Vạn Thắng", "HTX", T1, "Vạn Thắng", "Ba Vì", "Hà Nội", None, None,
         None, None, None, None, None, "Nông sản"],
        [5, "Hộ kinh doanh Nguyễn Văn Lâm", "Hộ kinh doanh", T2, "Phong Vân", "Ba Vì", "Hà Nội", "31/02/2020", None,
         None, None, None, None, None, "Bánh"],
        [6, "Tổ hợp tác Mộc Tây Đằng", "Tổ hợp tác", int(T3), "Tây Đằng", "Ba Vì", "Hà Nội", 44197, 912345679,
         2023, 10, 4, 0, 800, "Đồ gỗ"],
        [7, "Cơ sở dệt Phong Vân", "Hộ kinh doanh", None, "Xã Không Có", "Ba Vì", "Hà Nội", None, None,
         None, None, None, None, None, "Vải"],
        [None, "Tổng cộng", None, None, None, None, None, None, None, None, 35, 16, 8, 2050.5, None],
    ]  # fmt: skip


EXPECTED_ERRORS = [
    (9, "Mã số thuế", "Mã số thuế không hợp lệ: '0100109107' (sai chữ số kiểm tra, chữ số thứ 10 phải là 6)"),
    (10, "Mã số thuế", f"Trùng mã số thuế {T1} với dòng 7."),
    (11, "Ngày cấp ĐKKD", "Ngày không hợp lệ: “31/02/2020” (cần dạng dd/mm/yyyy)"),
    (13, "Xã", "Không tìm thấy xã/phường “Xã Không Có” thuộc Huyện Ba Vì (theo địa giới ngày 01/01/2024)."),
]


def upload(actor, path, *, as_of=AS_OF_2024, province=None):
    return services.import_batch_create(
        actor=actor, kind="establishments", upload=upload_of(path), as_of=as_of, province=province
    )


def commit(actor, batch, mode):
    services.import_batch_validate(actor=actor, batch_id=batch.pk)
    batch.refresh_from_db()
    services.import_batch_commit(actor=actor, batch_id=batch.pk, version=batch.version, mode=mode)
    batch.refresh_from_db()
    return batch


def errors_of(batch):
    return list(batch.issues.filter(severity=IssueSeverity.ERROR).values_list("row", "column", "message"))


@pytest.fixture(params=["one process", "second process"])
def processes(request, settings, monkeypatch):
    """Run a test as a small file is imported (one process) and as a large one is (read and checked row by row
    in a second process): the counts, messages and records must be the same."""
    from khuyencong.imports import second_process

    passes = SimpleNamespace(second=request.param == "second process", started=0)
    if not passes.second:
        settings.IMPORT_SECOND_PROCESS_ROWS = None
        return passes
    if not second_process.available():
        pytest.skip("the second process is forked")
    settings.IMPORT_SECOND_PROCESS_ROWS = 1
    run = second_process.items_from_second_process

    def counted(produce, **kwargs):
        passes.started += 1
        return run(produce, **kwargs)

    monkeypatch.setattr(second_process, "items_from_second_process", counted)
    return passes


@pytest.fixture
def messy(tmp_path):
    return write_messy_workbook(tmp_path / "co-so-ba-vi-2023.xlsx", messy_rows())


def test_header_found_below_titles_with_merged_two_level_header(personas, messy):
    batch = upload(personas.province_a_officer, messy)
    assert (batch.sheet_name, batch.header_row, batch.header_depth) == ("DS co so", 5, 2)
    mapped = {batch.headers[int(index)]: field for index, field in batch.mapping.items()}
    assert mapped == {
        "Tên cơ sở": "name",
        "Loại hình": "legal_form",
        "Mã số thuế": "tax_code",
        "Xã": "commune",
        "Huyện": "district",
        "Tỉnh": "province",
        "Ngày cấp ĐKKD": "business_reg_date",
        "Điện thoại": "phone",
        "Năm số liệu": "figures_year",
        "Lao động Tổng số": "employees_total",
        "Lao động Nữ": "employees_women",
        "Lao động BHXH": "employees_insured",
        "Doanh thu (triệu đồng)": "revenue",
        "Sản phẩm chính": "main_products",
    }
    assert "STT" in batch.headers and "0" not in batch.mapping  # the STT column is left out
    assert batch.province == personas.province_a  # a provincial officer imports into its own province
    assert len(batch.file_hash) == 64 and batch.file_format == "xlsx"


def test_validation_counts_every_error_and_the_preview(personas, messy, processes):
    batch = upload(personas.province_a_officer, messy)
    services.import_batch_validate(actor=personas.province_a_officer, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.VALIDATED
    assert (batch.total_rows, batch.error_rows, batch.valid_rows, batch.warning_rows) == (7, 4, 3, 0)
    assert errors_of(batch) == EXPECTED_ERRORS
    warnings = list(batch.issues.filter(severity=IssueSeverity.WARNING).values_list("row", "message"))
    assert warnings == [(14, "Bỏ qua dòng tổng cộng.")]
    assert batch.message == "7 dòng dữ liệu: 3 hợp lệ, 4 có lỗi, 0 có cảnh báo."
    first, second = batch.preview_rows[:2]
    headers = [stat["header"] for stat in batch.column_stats]
    assert first["number"] == 7 and second["number"] == 8
    assert first["cells"][headers.index("Tên cơ sở")] == "Hợp tác xã Cà phê Ba Vì"  # NFD became NFC
    assert second["cells"][headers.index("Tên cơ sở")] == "Cơ sở mây tre đan Phú Cường"  # TCVN3 became Unicode
    assert first["cells"][headers.index("Doanh thu (triệu đồng)")] == "1.250.500.000"  # 1.250,5 triệu
    assert first["cells"][headers.index("Điện thoại")] == "0912345678"
    row_12 = next(row for row in batch.preview_rows if row["number"] == 12)
    assert row_12["cells"][headers.index("Ngày cấp ĐKKD")] == "01/01/2021"  # Excel serial 44197
    assert row_12["cells"][headers.index("Điện thoại")] == "0912345679"  # the lost leading zero
    assert row_12["cells"][headers.index("Mã số thuế")] == T3
    row_11 = next(row for row in batch.preview_rows if row["number"] == 11)
    assert row_11["error_cells"] == [headers.index("Ngày cấp ĐKKD")]
    stats = {stat["header"]: stat for stat in batch.column_stats}
    assert (stats["Mã số thuế"]["filled"], stats["Mã số thuế"]["errors"]) == (5, 2)
    # Samples: the first three distinct values shown, typed and cleaned; a column with fewer shows what it has.
    assert stats["Mã số thuế"]["samples"] == [T1, T2, T3]
    assert stats["Tên cơ sở"]["samples"] == [
        "Hợp tác xã Cà phê Ba Vì",
        "Cơ sở mây tre đan Phú Cường",
        "Công ty TNHH Gốm Cổ Đô",
    ]
    assert stats["Điện thoại"]["samples"] == ["0912345678", "0912345679"]
    assert (stats["Điện thoại"]["filled"], stats["Điện thoại"]["errors"]) == (2, 0)
    assert processes.started == (1 if processes.second else 0)


def test_all_or_nothing_writes_nothing_when_a_row_fails(personas, messy, processes):
    before = (Establishment.objects.count(), YearlyFigures.objects.count())
    audit_before = AuditEvent.objects.filter(action__startswith="establishment.").count()
    batch = commit(personas.province_a_officer, upload(personas.province_a_officer, messy), ImportMode.ALL)
    assert batch.status == ImportStatus.REJECTED
    assert (batch.created_count, batch.updated_count, batch.rejected_count) == (0, 0, 4)
    assert batch.message.startswith("Không nhập dòng nào: 4 dòng có lỗi (chế độ tất cả hoặc không).")
    assert (Establishment.objects.count(), YearlyFigures.objects.count()) == before
    assert AuditEvent.objects.filter(action__startswith="establishment.").count() == audit_before
    assert AuditEvent.objects.filter(action="import.reject", object_id=str(batch.pk)).exists()
    assert errors_of(batch) == EXPECTED_ERRORS
    assert processes.started == (3 if processes.second else 0)  # validation, the pass stopped, validation


def test_valid_only_writes_the_good_rows_with_units_rolled_up(personas, messy, processes):
    batch = commit(personas.province_a_officer, upload(personas.province_a_officer, messy), ImportMode.VALID_ONLY)
    assert batch.status == ImportStatus.COMMITTED
    assert (batch.created_count, batch.updated_count, batch.rejected_count) == (3, 0, 4)
    created = Establishment.objects.filter(import_batch=batch)
    assert sorted(created.values_list("name", flat=True)) == [
        "Cơ sở mây tre đan Phú Cường",
        "Hợp tác xã Cà phê Ba Vì",
        "Tổ hợp tác Mộc Tây Đằng",
    ]
    coffee = created.get(tax_code=T1)
    assert coffee.legal_form == LegalForm.COOPERATIVE
    assert coffee.province == personas.province_a
    assert coffee.commune.is_current and coffee.commune.province_id == personas.province_a.pk
    assert coffee.legacy_commune.name == "Cổ Đô" and coffee.legacy_commune.parent.name == "Ba Vì"
    assert coffee.commune_as_written == "Cổ Đô, Ba Vì, Hà Nội"
    assert coffee.business_reg_date == dt.date(2015, 3, 12) and coffee.phone == "0912345678"
    assert coffee.main_products == "Cà phê bột, cà phê hạt rang"
    assert coffee.name_folded == "hop tac xa ca phe ba vi"
    figures = coffee.figures.get()
    assert (figures.year, figures.employees_total, figures.employees_women, figures.employees_insured) == (
        2023,
        25,
        12,
        8,
    )
    assert figures.revenue == 1_250_500_000
    assert coffee.size_class == SizeClass.MICRO and coffee.size_year == 2023
    rattan = created.get(name="Cơ sở mây tre đan Phú Cường")
    assert rattan.legal_form == LegalForm.HOUSEHOLD and rattan.tax_code is None
    assert rattan.main_products == "Mây tre đan"
    assert created.get(tax_code=T3).business_reg_date == dt.date(2021, 1, 1)
    events = AuditEvent.objects.filter(action="establishment.import_create", object_id=str(coffee.pk))
    assert events.get().after["row"] == 7
    commit_event = AuditEvent.objects.get(action="import.commit", object_id=str(batch.pk))
    assert commit_event.after["created"] == 3 and commit_event.after["sha256"] == batch.file_hash
    assert processes.started == (2 if processes.second else 0)  # validation, then the pass that wrote


def test_legacy_province_rolls_up_for_a_national_file_and_is_refused_outside_the_batch_province(personas, tmp_path):
    header = ["Tên cơ sở", "Mã số thuế", "Tỉnh", "Huyện", "Xã"]
    rows = [["Công ty TNHH Chế biến điều Đồng Phú", tax_code(11), "Tỉnh Bình Phước", "Huyện Đồng Phú",
             "Thị trấn Tân Phú"]]  # fmt: skip
    path = write_simple_workbook(tmp_path / "dieu.xlsx", header, rows)
    national = commit(personas.central_officer, upload(personas.central_officer, path), ImportMode.ALL)
    assert national.province is None and national.created_count == 1
    cashew = Establishment.objects.get(tax_code=tax_code(11))
    assert cashew.province.name == "Đồng Nai" and cashew.commune.name == "Đồng Phú"
    assert cashew.commune_as_written == "Thị trấn Tân Phú, Huyện Đồng Phú, Tỉnh Bình Phước"
    assert cashew.legacy_commune.name == "Tân Phú"

    rows[0][1] = tax_code(12)
    path = write_simple_workbook(tmp_path / "dieu-2.xlsx", header, rows)
    scoped = commit(personas.province_a_officer, upload(personas.province_a_officer, path), ImportMode.ALL)
    assert scoped.status == ImportStatus.REJECTED
    assert errors_of(scoped) == [(2, "Xã", "Địa bàn thuộc Tỉnh Đồng Nai, ngoài tỉnh của lô nhập (Thành phố Hà Nội).")]


def test_upsert_by_tax_code_updates_only_given_fields_and_bumps_the_version(personas, messy, tmp_path):
    first = commit(personas.province_a_officer, upload(personas.province_a_officer, messy), ImportMode.VALID_ONLY)
    coffee = Establishment.objects.get(tax_code=T1)
    header = ["Mã số thuế", "Tên cơ sở", "Điện thoại", "Năm số liệu", "Doanh thu", "Lao động có BHXH"]
    path = write_simple_workbook(
        tmp_path / "cap-nhat.xlsx", header, [[T1, "HTX Cà phê Ba Vì", "024 3825 1234", 2024, "3 tỷ 500 triệu", 12]]
    )
    second = commit(personas.province_a_officer, upload(personas.province_a_officer, path), ImportMode.ALL)
    assert (second.created_count, second.updated_count, second.rejected_count) == (0, 1, 0)
    coffee.refresh_from_db()
    assert coffee.name == "HTX Cà phê Ba Vì" and coffee.phone == "02438251234"
    assert coffee.main_products == "Cà phê bột, cà phê hạt rang"  # not in the file: kept
    assert coffee.commune_as_written == "Cổ Đô, Ba Vì, Hà Nội"  # no unit columns: kept
    assert coffee.version == 2
    assert coffee.figures.get(year=2024).revenue == 3_500_000_000
    assert coffee.size_class == SizeClass.SMALL and coffee.size_year == 2024  # 12 insured workers
    assert first.pk != second.pk and Establishment.objects.filter(tax_code=T1).count() == 1
    with pytest.raises(Conflict):  # an edit started before the import must not overwrite it
        establishment_update(
            actor=personas.province_a_officer, establishment_id=coffee.pk, version=1, data={"phone": "0900000000"}
        )


def test_row_without_tax_code_links_to_the_same_name_in_the_same_commune(personas, messy, tmp_path):
    commit(personas.province_a_officer, upload(personas.province_a_officer, messy), ImportMode.VALID_ONLY)
    rattan = Establishment.objects.get(name="Cơ sở mây tre đan Phú Cường")
    header = ["Tên cơ sở", "Xã", "Huyện", "Tỉnh", "Làng nghề"]
    path = write_simple_workbook(
        tmp_path / "lang-nghe.xlsx",
        header,
        [["Cơ sở Mây tre đan Phú Cường", "Phú Cường", "Ba Vì", "Hà Nội", "Phú Vinh"]],
    )
    batch = commit(personas.province_a_officer, upload(personas.province_a_officer, path), ImportMode.ALL)
    assert (batch.created_count, batch.updated_count) == (0, 1)
    rattan.refresh_from_db()
    assert rattan.craft_village == "Phú Vinh"
    warning = batch.issues.get(severity=IssueSeverity.WARNING)
    assert warning.message == (
        f"Khớp với cơ sở có sẵn “Cơ sở mây tre đan Phú Cường” (mã hồ sơ {rattan.pk}, cùng tên, cùng xã/phường): "
        "hồ sơ đó sẽ được cập nhật."
    )


def test_undo_removes_a_batch_that_only_created_and_refuses_otherwise(personas, messy, tmp_path):
    officer = personas.province_a_officer
    batch = commit(officer, upload(officer, messy), ImportMode.VALID_ONLY)
    services.import_batch_undo(actor=officer, batch_id=batch.pk, version=batch.version)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and batch.undone_by == officer
    assert not Establishment.objects.filter(tax_code__in=[T1, T3]).exists()
    assert AuditEvent.objects.filter(action="establishment.import_undo").count() == 3
    assert AuditEvent.objects.filter(action="import.undo", object_id=str(batch.pk)).exists()

    again = commit(officer, upload(officer, messy), ImportMode.VALID_ONLY)
    coffee = Establishment.objects.get(tax_code=T1)
    establishment_update(actor=officer, establishment_id=coffee.pk, version=1, data={"craft_village": "Cổ Đô"})
    with pytest.raises(Conflict, match="đã được sửa sau khi nhập"):
        services.import_batch_undo(actor=officer, batch_id=again.pk, version=again.version)
    assert Establishment.objects.filter(import_batch=again).count() == 3

    path = write_simple_workbook(
        tmp_path / "u.xlsx", ["Mã số thuế", "Tên cơ sở"], [[T3, "Tổ hợp tác Mộc Tây Đằng mới"]]
    )
    update_batch = commit(officer, upload(officer, path), ImportMode.ALL)
    with pytest.raises(Conflict, match="chỉ hoàn tác được lô chỉ tạo mới"):
        services.import_batch_undo(actor=officer, batch_id=update_batch.pk, version=update_batch.version)


def test_error_workbook_holds_the_original_rows_and_an_error_column(personas, messy, tmp_path):
    batch = commit(personas.province_a_officer, upload(personas.province_a_officer, messy), ImportMode.ALL)
    destination = tmp_path / "loi.xlsx"
    assert write_error_workbook(batch, destination) == 4
    sheet = openpyxl.load_workbook(destination).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN NĂM 2023"
    assert rows[3][3] == "Mã số thuế" and rows[4][-1] == "Lỗi"  # the two header rows, "Lỗi" on the last
    data = rows[5:]
    assert [row[0] for row in data] == [3, 4, 5, 7]  # STT of the failing rows, as written
    assert data[0][3] == "0100109107" and data[0][-1] == EXPECTED_ERRORS[0][2]
    assert data[2][7] == "31/02/2020" and data[2][-1] == EXPECTED_ERRORS[2][2]
    bad_cell = sheet.cell(row=6, column=4)
    assert bad_cell.fill.fgColor.rgb.endswith("F8D7DA") and "sai chữ số kiểm tra" in bad_cell.comment.text
    destination_all = tmp_path / "tat-ca.xlsx"
    # every row under the header as in the file: the "(1) (2) …" row, 7 data rows and the total row
    assert write_error_workbook(batch, destination_all, all_rows=True) == 9


def test_files_are_checked_before_anything_is_read(personas, tmp_path, settings):
    officer = personas.province_a_officer
    fake = tmp_path / "danh-sach.xlsx"
    fake.write_bytes(b"this is not a workbook")
    with pytest.raises(ValidationFailed, match="không phải bảng tính xlsx hợp lệ"):
        upload(officer, fake)
    html = tmp_path / "xuat-tu-web.xls"
    html.write_bytes(b"<html><table><tr><td>Ten</td></tr></table></html>")
    with pytest.raises(ValidationFailed, match="thực chất là trang HTML"):
        upload(officer, html)
    with pytest.raises(ValidationFailed, match="Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"):
        upload(officer, tmp_path.joinpath("a.pdf").write_bytes(b"%PDF") and tmp_path / "a.pdf")
    no_header = write_simple_workbook(tmp_path / "khong-tieu-de.xlsx", ["a", "b"], [[1, 2]])
    with pytest.raises(ValidationFailed, match="Không tìm thấy dòng tiêu đề"):
        upload(officer, no_header)
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationFailed, match="Tệp quá lớn"):
        upload(officer, write_simple_workbook(tmp_path / "lon.xlsx", ["Tên cơ sở", "Mã số thuế"], [["A", T1]]))
    assert not ImportBatch.objects.exists()
    assert not list((tmp_path / "private").rglob("*.xlsx"))  # refused files are not kept


def test_only_import_runners_in_scope_reach_a_batch(personas, messy):
    from khuyencong.core.errors import NotFound, PermissionDenied

    batch = upload(personas.province_a_officer, messy)
    with pytest.raises(NotFound):
        services.import_batch_validate(actor=personas.province_b_officer, batch_id=batch.pk)
    with pytest.raises(PermissionDenied):
        services.import_batch_validate(actor=personas.province_a_viewer, batch_id=batch.pk)
    with pytest.raises(PermissionDenied):
        upload(personas.establishment_user, messy)


def test_mapping_is_adjusted_saved_and_reused(personas, messy, tmp_path):
    from khuyencong.imports.models import SavedMapping

    officer = personas.province_a_officer
    batch = upload(officer, messy)
    mapping = dict(batch.mapping)
    product_index = next(index for index, field in mapping.items() if field == "main_products")
    mapping[product_index] = "other_names"
    services.import_batch_configure(actor=officer, batch_id=batch.pk, version=batch.version, mapping=mapping,
                                    as_of=AS_OF_2024, mode=ImportMode.ALL, save_as="Mẫu Ba Vì")  # fmt: skip
    saved = SavedMapping.objects.get(owner=officer, name="Mẫu Ba Vì")
    assert saved.mapping["san pham chinh"] == "other_names" and saved.mapping["lao dong tong so"] == "employees_total"
    again = services.import_batch_create(actor=officer, kind="establishments", upload=upload_of(messy),
                                         as_of=AS_OF_2024, saved_mapping_id=saved.pk)  # fmt: skip
    assert again.mapping[product_index] == "other_names"
    duplicate = {**mapping, "1": "name", "3": "name"}
    with pytest.raises(ValidationFailed, match="cùng gán cho “Tên cơ sở”"):
        services.import_batch_configure(actor=officer, batch_id=again.pk, version=again.version, mapping=duplicate,
                                        as_of=AS_OF_2024, mode=ImportMode.ALL)  # fmt: skip
    without_name = {index: field for index, field in mapping.items() if field != "name"}
    with pytest.raises(ValidationFailed, match="Chưa có cột nào gán cho trường bắt buộc “Tên cơ sở”"):
        services.import_batch_configure(actor=officer, batch_id=again.pk, version=again.version, mapping=without_name,
                                        as_of=AS_OF_2024, mode=ImportMode.ALL)  # fmt: skip


def test_registered_records_decide_between_update_warning_and_error(personas, messy, tmp_path):
    """What is registered already: a new tax code beside a record of the same name in the commune is created
    with a warning, a name two records share is an error without a tax code, and a tax code registered in
    another province is refused to an officer who does not cover it."""
    officer = personas.province_a_officer
    commit(officer, upload(officer, messy), ImportMode.VALID_ONLY)
    rattan = Establishment.objects.get(name="Cơ sở mây tre đan Phú Cường")
    header = ["Mã số thuế", "Tên cơ sở", "Xã", "Huyện", "Tỉnh"]
    same_name = ["Cơ sở mây tre đan Phú Cường", "Phú Cường", "Ba Vì", "Hà Nội"]
    path = write_simple_workbook(tmp_path / "moi.xlsx", header, [[T2, *same_name]])
    created = commit(officer, upload(officer, path), ImportMode.ALL)
    assert (created.status, created.created_count, created.updated_count) == (ImportStatus.COMMITTED, 1, 0)
    assert list(created.issues.values_list("severity", "message")) == [
        (
            IssueSeverity.WARNING,
            f"Có thể trùng với cơ sở “Cơ sở mây tre đan Phú Cường” (mã hồ sơ {rattan.pk}) cùng tên, cùng xã/phường: "
            "nếu là một, hãy gộp hồ sơ sau khi nhập.",
        )
    ]

    path = write_simple_workbook(tmp_path / "khong-mst.xlsx", header, [[None, *same_name]])
    ambiguous = commit(officer, upload(officer, path), ImportMode.ALL)
    assert ambiguous.status == ImportStatus.REJECTED
    assert errors_of(ambiguous) == [
        (2, "Tên cơ sở", "Có 2 cơ sở cùng tên trong xã/phường này: cần mã số thuế để biết cập nhật cơ sở nào.")
    ]

    other = personas.province_b_officer
    path = write_simple_workbook(tmp_path / "tinh-khac.xlsx", header, [[T1, "HTX Cà phê", None, None, "Hồ Chí Minh"]])
    refused = commit(other, upload(other, path), ImportMode.ALL)
    assert refused.status == ImportStatus.REJECTED
    assert errors_of(refused) == [
        (2, "Mã số thuế", f"Mã số thuế {T1} đã thuộc một cơ sở ngoài phạm vi của lô nhập: không cập nhật được.")
    ]
    assert Establishment.objects.filter(name="Cơ sở mây tre đan Phú Cường").count() == 2
    assert Establishment.objects.get(tax_code=T1).name == "Hợp tác xã Cà phê Ba Vì"
