"""`audit_record_many` writes below the ORM (core/bulk_insert.py): each event must be exactly the one
`audit_record` writes — request address and user agent, JSON snapshots with dates and decimals, an object given
as an instance or as its columns — and the ids come back in entry order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from khuyencong.audit.models import AuditEvent
from khuyencong.audit.services import audit_record, audit_record_many
from khuyencong.core.request_context import RequestInfo, bind_request_info

pytestmark = pytest.mark.django_db

COLUMNS = ("actor_id", "actor_label", "action", "object_type", "object_id", "object_label", "province_id",
           "before", "after", "note", "ip", "user_agent")  # fmt: skip


def columns(event: AuditEvent) -> dict:
    event.refresh_from_db()
    return {name: getattr(event, name) for name in COLUMNS}


@pytest.mark.parametrize("ip", ["10.0.0.7", "2001:0db8:0000:0000:0000:0000:0000:0001", None])
def test_each_bulk_event_is_the_event_audit_record_writes(personas, ip):
    officer, unit = personas.province_a_officer, personas.province_a
    entries = [
        {"obj": unit, "before": {"on": dt.date(2025, 7, 1)}, "after": {"lat": Decimal("21.000001")}, "note": "n"},
        {"object_type": "registry.establishment", "object_id": 7, "object_label": "Tên " * 100, "province_id": 3},
        {"obj": personas.establishment_a, "after": {"batch": 1, "row": 7, "tax_code": None}},
    ]
    with transaction.atomic(), bind_request_info(RequestInfo(ip=ip, user_agent="Trình duyệt")):
        singles = [audit_record(actor=officer, action="test.many", **entry) for entry in entries]
        ids = audit_record_many(actor=officer, action="test.many", entries=iter(entries))
    assert ids == sorted(ids) and len(ids) == 3 and not set(ids) & {event.pk for event in singles}
    for single, pk in zip(singles, ids, strict=True):
        bulk = AuditEvent.objects.get(pk=pk)
        assert columns(bulk) == columns(single)
        assert bulk.at is not None
    assert AuditEvent.objects.get(pk=ids[1]).object_label == ("Tên " * 100)[:300]


def test_the_system_is_named_when_no_one_signed_in(personas):
    with transaction.atomic():
        (pk,) = audit_record_many(actor=None, action="test.many", entries=[{"obj": personas.province_a}])
    event = AuditEvent.objects.get(pk=pk)
    assert (event.actor_id, event.actor_label, event.ip, event.user_agent) == (None, "Hệ thống", None, "")
