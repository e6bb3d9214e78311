"""Audit events are written inside the service transaction and can never be changed or removed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from khuyencong.audit.models import AuditEvent, ImmutableAuditError
from khuyencong.audit.services import audit_record
from khuyencong.core.request_context import RequestInfo, bind_request_info

pytestmark = pytest.mark.django_db


def make_event(personas) -> AuditEvent:
    with transaction.atomic(), bind_request_info(RequestInfo(ip="10.0.0.7", user_agent="pytest")):
        return audit_record(
            actor=personas.province_a_officer,
            action="establishment.update",
            obj=personas.establishment_a,
            before={"name": "cũ"},
            after={"name": "mới"},
        )


def test_event_records_actor_object_scope_and_request(personas):
    event = make_event(personas)
    assert event.actor == personas.province_a_officer
    assert event.actor_label == "Lê Văn An"
    assert event.object_type == "registry.establishment"
    assert event.object_id == str(personas.establishment_a.pk)
    assert event.province_id == personas.province_a.pk
    assert (event.ip, event.user_agent) == ("10.0.0.7", "pytest")
    assert event.before == {"name": "cũ"} and event.after == {"name": "mới"}


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record(actor=None, action="system.test")
    assert not AuditEvent.objects.exists()


def test_model_refuses_update_and_delete(personas):
    event = make_event(personas)
    event.note = "sửa lén"
    with pytest.raises(ImmutableAuditError):
        event.save()
    with pytest.raises(ImmutableAuditError):
        event.delete()
    with pytest.raises(ImmutableAuditError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ImmutableAuditError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET note = 'x'", "DELETE FROM audit_auditevent"])
def test_database_refuses_raw_update_and_delete(personas, statement):
    event = make_event(personas)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    event.refresh_from_db()
    assert event.note == ""


def test_audit_page_is_for_auditors_and_administrators(personas, client_for):
    make_event(personas)
    url = reverse("audit:list")
    assert client_for(personas.province_a_officer).get(url).status_code == 403
    assert client_for(personas.anonymous).get(url).status_code == 302
    body = client_for(personas.central_admin).get(url).content.decode()
    assert "establishment.update" in body and "Hợp tác xã Mây tre đan Phú Vinh" in body


def test_provincial_auditor_sees_only_its_province(personas, client_for):
    make_event(personas)
    with transaction.atomic():
        audit_record(actor=personas.province_b_officer, action="other.province", province_id=personas.province_b.pk)
    body = client_for(personas.province_a_viewer).get(reverse("audit:list")).content.decode()
    assert "establishment.update" in body
    assert "other.province" not in body


def test_audit_filters(personas, client_for):
    make_event(personas)
    client = client_for(personas.central_admin)
    assert "establishment.update" in client.get(reverse("audit:list"), {"action": "establishment"}).content.decode()
    assert "establishment.update" not in client.get(reverse("audit:list"), {"action": "project"}).content.decode()
    response = client.get(reverse("audit:list"), {"date_from": "31/12/2099"})
    assert "establishment.update" not in response.content.decode()


def test_flush_is_refused_outside_the_test_suite(settings):
    from django.core.management import CommandError, call_command

    settings.AUDIT_ALLOW_FLUSH = False
    with pytest.raises(CommandError, match="nhật ký kiểm tra"):
        call_command("flush", interactive=False)
