"""The change-file page: a national administrator uploads an official change list, previews it (nothing
written), then applies exactly what was checked; everyone else is refused."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.accounts.models import Agency
from khuyencong.accounts.roles import Role
from khuyencong.audit.models import AuditEvent
from khuyencong.geo.models import Unit, UnitSuccession
from khuyencong.geo.views import CHANGE_TOKEN_SALT
from tests.personas import person

pytestmark = pytest.mark.django_db

PAGE = reverse("geo:changes")
APPLY = reverse("geo:changes_apply")
CHANGES = (
    "action,level,old_code,new_code,new_name,new_type,parent_code,primary,note\n"
    "rename,commune,28870,,Chợ Lách Tây,,,,\n"
    "merge,commune,28789,28789,Bến Tre,phường,,,\n"
    "merge,commune,28756,28789,,,,,\n"
)
CITATION = "Nghị quyết 1234/NQ-UBTVQH15 ngày 16/04/2026"


@pytest.fixture(autouse=True)
def change_files(settings, tmp_path):
    settings.GEO_CHANGE_FILES_DIR = tmp_path / "thay-doi"
    return settings.GEO_CHANGE_FILES_DIR


def upload(client, text: str = CHANGES, *, name: str = "nq-1234.csv", effective: str = "30/04/2026"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(PAGE, {"file": file, "effective": effective, "citation": CITATION})


def state() -> tuple[int, int, int]:
    return Unit.objects.count(), UnitSuccession.objects.count(), AuditEvent.objects.count()


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_preview_writes_nothing_then_apply_writes_what_was_checked(personas, client_for, change_files):
    admin = client_for(personas.central_admin)
    before = state()
    html = upload(admin).content.decode()
    assert "Xem trước: 2 thay đổi có hiệu lực từ 30/04/2026" in html
    assert "Chợ Lách Tây" in html and "Sáp nhập" in html
    assert state() == before
    assert [path.name for path in change_files.glob("*/*")] == ["nq-1234.csv"]  # kept as the archive

    response = admin.post(APPLY, {"token": token_of(html)}, follow=True)
    page = response.content.decode()
    assert "Đã áp dụng 2 thay đổi có hiệu lực từ 30/04/2026: tạo 2 đơn vị, kết thúc 3 đơn vị" in page
    assert Unit.objects.get(key="2026-04-30:commune:28870").name == "Chợ Lách Tây"
    assert Unit.objects.get(key="2025:commune:28756").valid_to.isoformat() == "2026-04-29"
    events = AuditEvent.objects.filter(action__startswith="geo_unit.")
    assert events.count() == 2
    assert all(event.actor == personas.central_admin and "nq-1234.csv" in event.note for event in events)
    assert all(CITATION in event.note for event in events)

    again = admin.post(APPLY, {"token": token_of(html)}, follow=True).content.decode()
    assert "đã được áp dụng trước đây: không có gì thay đổi" in again
    assert AuditEvent.objects.filter(action__startswith="geo_unit.").count() == 2


def test_a_malformed_file_shows_row_numbered_messages_and_offers_nothing_to_apply(personas, client_for):
    admin = client_for(personas.central_admin)
    before = state()
    unknown_action = upload(admin, CHANGES + "fly,commune,28777,,X,,,,\n").content.decode()
    assert "Tệp chưa được áp dụng" in unknown_action
    assert re.search(r"<strong>Dòng 5:</strong> Thao tác “fly” không hợp lệ", unknown_action)
    unknown_code = upload(admin, CHANGES + "rename,commune,99999,,Không Có,,,,\n").content.decode()
    assert re.search(r"<strong>Dòng 5:</strong>[^<]*99999", unknown_code)
    for html in (unknown_action, unknown_code):
        assert 'name="token"' not in html
    assert state() == before


def test_the_form_refuses_other_files_and_missing_fields(personas, client_for):
    admin = client_for(personas.central_admin)
    html = upload(admin, name="nq.pdf").content.decode()
    assert "Chỉ nhận tệp CSV hoặc bảng tính" in html
    missing = admin.post(PAGE, {"effective": "31/02/2026"}).content.decode()
    assert "Nhập một ngày hợp lệ." in missing and missing.count("Trường này là bắt buộc.") == 2


def test_a_forged_or_altered_token_is_refused(personas, client_for):
    admin = client_for(personas.central_admin)
    token = token_of(upload(admin).content.decode())
    checked = signing.loads(token, salt=CHANGE_TOKEN_SALT)
    before = state()
    forged = signing.dumps({**checked, "file": "../../etc/passwd"}, salt="another-salt")
    for value in ("gia-mao", forged, token[:-2] + "xx"):
        page = admin.post(APPLY, {"token": value}, follow=True).content.decode()
        assert "Phiên kiểm tra tệp đã hết hạn hoặc không hợp lệ" in page
    outside = signing.dumps({**checked, "file": "../ngoai/tep.csv"}, salt=CHANGE_TOKEN_SALT)
    page = admin.post(APPLY, {"token": outside}, follow=True).content.decode()
    assert "Không tìm thấy tệp thay đổi đã tải lên." in page
    assert state() == before


def test_only_a_national_administrator_may_use_the_page(personas, client_for):
    department_a = Agency.objects.get(code="SCT-01")
    provincial_admin = person("admin_a", "Quản trị Hà Nội", Role.SYSTEM_ADMIN, agency_obj=department_a)
    token = token_of(upload(client_for(personas.central_admin)).content.decode())
    before = state()
    for user in (provincial_admin, personas.central_officer, personas.province_a_leader):
        client = client_for(user)
        assert client.get(PAGE).status_code == 403
        assert upload(client).status_code == 403
        assert client.post(APPLY, {"token": token}).status_code == 403
    assert state() == before
    index = client_for(provincial_admin).get(reverse("geo:index")).content.decode()
    assert PAGE not in index
    assert PAGE in client_for(personas.central_admin).get(reverse("geo:index")).content.decode()
