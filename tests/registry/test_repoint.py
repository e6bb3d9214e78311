"""After an administrative change, establishments move to today's units and keep the old one as written."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, PermissionDenied
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit, UnitSuccession
from khuyencong.registry import services
from tests.registry.helpers import commune, make

pytestmark = pytest.mark.django_db
CHANGE = dt.date(2026, 4, 30)


def merge_commune(old: Unit, new_name: str) -> Unit:
    """A change file's effect: `old` ends the day before CHANGE and goes into a new commune."""
    new = Unit.objects.create(
        key="test:commune:99001", code="99001", name=new_name, name_folded=fold_vi(new_name), unit_type="xa",
        level="commune", parent=old.parent, province=old.province, valid_from=CHANGE,
    )  # fmt: skip
    Unit.objects.filter(pk=old.pk).update(valid_to=CHANGE - dt.timedelta(days=1))
    UnitSuccession.objects.create(predecessor=old, successor=new, effective_date=CHANGE, is_primary=True)
    return new


def test_establishments_follow_a_commune_merger(personas):
    bat_trang = commune("01", "Bát Tràng")
    pottery = make("HTX Gốm Bát Tràng", where=bat_trang)
    elsewhere = make("Cơ sở khác", where=commune("01", "Gia Lâm"))
    new = merge_commune(bat_trang, "Gốm Sứ")
    with pytest.raises(PermissionDenied):
        services.establishments_repoint_units(actor=personas.province_a_officer, since=CHANGE)
    out = StringIO()
    call_command("repoint_establishments", "--since", "2026-04-30", stdout=out)
    assert out.getvalue().strip() == "Đã chuyển 1 cơ sở sang đơn vị hành chính hiện nay."
    pottery.refresh_from_db()
    assert pottery.commune == new and pottery.province == personas.province_a and pottery.version == 2
    assert pottery.legacy_commune == bat_trang and pottery.commune_as_written == "Xã Bát Tràng, Thành phố Hà Nội"
    elsewhere.refresh_from_db()
    assert elsewhere.version == 1
    event = AuditEvent.objects.get(action="establishment.repoint_units")
    assert event.before == {"province": personas.province_a.pk, "commune": bat_trang.pk}
    assert event.after["commune"] == new.pk and "30/04/2026" in event.note
    with pytest.raises(Conflict):  # an edit opened before the move does not overwrite it
        services.establishment_update(actor=personas.province_a_officer, establishment_id=pottery.pk, version=1,
                                      data={"commune": bat_trang})  # fmt: skip
    assert services.establishments_repoint_units(actor=personas.central_admin, since=CHANGE) == 0
