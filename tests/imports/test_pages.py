"""The import pages through HTTP: upload, columns, preview with errors, commit, results, error workbook, undo."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from khuyencong.imports.models import ImportBatch, ImportStatus, SavedMapping
from khuyencong.registry.models import Establishment
from tests.imports.builders import write_messy_workbook
from tests.imports.test_establishment_import import messy_rows

pytestmark = pytest.mark.django_db


def mapping_post(page: str) -> dict:
    """The mapping form as the browser would submit it (selected options and hidden/text values)."""
    data = {}
    for name, body in re.findall(r'<select name="(col_\d+|sheet_name)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    for name in ("header_row", "as_of", "version"):
        data[name] = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
    data["mode"] = "valid-only"
    return data


def test_an_officer_imports_a_file_through_the_pages(personas, client_for, tmp_path):
    client = client_for(personas.province_a_officer)
    path = write_messy_workbook(tmp_path / "Danh sách Ba Vì.xlsx", messy_rows())
    upload_page = client.get(reverse("imports:upload")).content.decode()
    assert "Nhiều tỉnh" not in upload_page  # a provincial officer imports into its own province only
    with open(path, "rb") as handle:
        response = client.post(
            reverse("imports:upload"), {"kind": "establishments", "file": handle, "as_of": "01/01/2024"}
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Bước 2: xác nhận các cột" in page and "Lao động Tổng số" in page and "Hợp tác xã Cà phê Ba Vì" in page
    data = mapping_post(page)
    assert data["sheet_name"] == "DS co so" and data["header_row"] == "5" and data["as_of"] == "01/01/2024"
    response = client.post(reverse("imports:configure", args=[batch.pk]), {**data, "save_as": "Mẫu huyện"})
    assert response.status_code == 302
    preview = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'data-count="total">7<' in preview and 'data-count="errors">4<' in preview
    assert 'data-count="valid">3<' in preview
    assert "Trùng mã số thuế" in preview and "Ngày không hợp lệ: “31/02/2020”" in preview
    assert 'class="cell-error"' in preview and "Cơ sở mây tre đan Phú Cường" in preview
    assert SavedMapping.objects.filter(owner=personas.province_a_officer, name="Mẫu huyện").exists()

    batch.refresh_from_db()
    errors = client.get(reverse("imports:errors", args=[batch.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content)))
    assert [row[-1] for row in workbook.active.iter_rows(min_row=6, values_only=True)][0].startswith("Mã số thuế")

    response = client.post(reverse("imports:commit", args=[batch.pk]), {"mode": "valid-only", "version": batch.version})
    assert response.status_code == 302
    result = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert (
        'data-count="created">3<' in result and "Đã nhập: 3 cơ sở tạo mới, 0 cập nhật, 4 dòng lỗi không nhập." in result
    )
    listed = client.get(reverse("registry:list"), {"batch": batch.pk, "status": "all"}).content.decode()
    assert "Hợp tác xã Cà phê Ba Vì" in listed and "Phú Vinh" not in listed

    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    client.post(reverse("imports:undo", args=[batch.pk]), {"version": batch.version})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and not Establishment.objects.filter(import_batch=batch).exists()


def test_a_second_commit_of_the_same_batch_is_refused(personas, client_for, tmp_path):
    client = client_for(personas.province_a_officer)
    path = write_messy_workbook(tmp_path / "ba-vi.xlsx", messy_rows())
    with open(path, "rb") as handle:
        client.post(reverse("imports:upload"), {"kind": "establishments", "file": handle, "as_of": "01/01/2024"})
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:configure", args=[batch.pk]), mapping_post(client.get(
        reverse("imports:detail", args=[batch.pk])).content.decode()))  # fmt: skip
    batch.refresh_from_db()
    stale_version = batch.version
    client.post(reverse("imports:commit", args=[batch.pk]), {"mode": "valid-only", "version": stale_version})
    again = client.post(reverse("imports:commit", args=[batch.pk]), {"mode": "valid-only", "version": stale_version},
                        follow=True)  # fmt: skip
    assert "Lô nhập vừa được thay đổi ở nơi khác" in again.content.decode()
    assert Establishment.objects.filter(import_batch=batch).count() == 3


def test_the_template_lists_every_column(personas, client_for):
    response = client_for(personas.province_a_officer).get(reverse("imports:template", args=["establishments"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = next(workbook["Mẫu nhập"].iter_rows(values_only=True))
    assert header[:4] == ("Tên cơ sở", "Tên khác", "Loại hình", "Mã số thuế")
    guide = list(workbook["Hướng dẫn"].iter_rows(values_only=True))
    assert guide[1][:2] == ("Tên cơ sở", "Có")
