"""The commit's single pass: rows checked, recorded and written once; one audit event per establishment
created (bulk-inserted, each as audit_record writes one); and the issues a valid-only commit records."""

from __future__ import annotations

import pytest
from django.db import transaction

from khuyencong.audit.models import AuditEvent
from khuyencong.audit.services import audit_record, audit_record_many
from khuyencong.imports.models import ImportMode, ImportStatus
from khuyencong.registry.models import Establishment
from tests.imports.builders import write_messy_workbook
from tests.imports.test_establishment_import import EXPECTED_ERRORS, T1, T3, commit, errors_of, messy_rows, upload

pytestmark = pytest.mark.django_db

EVENT_FIELDS = ("actor_id", "actor_label", "action", "object_type", "object_id", "object_label", "province_id")


def test_one_audit_event_per_created_establishment_naming_its_row(personas, tmp_path):
    officer = personas.province_a_officer
    batch = commit(officer, upload(officer, write_messy_workbook(tmp_path / "f.xlsx", messy_rows())), "valid-only")
    assert batch.status == ImportStatus.COMMITTED and batch.created_count == 3
    created = {e.pk: e for e in Establishment.objects.filter(import_batch=batch)}
    events = AuditEvent.objects.filter(action="establishment.import_create", object_id__in=map(str, created))
    assert events.count() == 3
    rows = {}
    for event in events:
        establishment = created[int(event.object_id)]
        assert event.object_type == "registry.establishment" and event.object_label == establishment.name
        assert event.province_id == establishment.province_id == personas.province_a.pk
        assert event.actor_id == officer.pk and event.actor_label == officer.get_full_name()
        assert event.after == {"batch": batch.pk, "row": event.after["row"], "tax_code": establishment.tax_code}
        rows[event.after["row"]] = establishment.tax_code
    assert rows == {7: T1, 8: None, 12: T3}
    # The pass also recorded what the validation records: the errors of the rows not written, the counts.
    assert errors_of(batch) == EXPECTED_ERRORS
    assert (batch.total_rows, batch.error_rows, batch.rejected_count) == (7, 4, 4)
    assert batch.validated_at is not None and len(batch.preview_rows) == 7


def test_all_or_nothing_rejection_still_lists_every_error(personas, tmp_path):
    officer = personas.province_a_officer
    batch = commit(officer, upload(officer, write_messy_workbook(tmp_path / "f.xlsx", messy_rows())), ImportMode.ALL)
    assert batch.status == ImportStatus.REJECTED and errors_of(batch) == EXPECTED_ERRORS
    assert not Establishment.objects.filter(import_batch=batch).exists()


def test_bulk_audit_events_are_written_as_single_ones(personas):
    officer = personas.province_a_officer
    unit = personas.province_a
    after = {"batch": 1, "row": 7, "tax_code": "0100109106"}
    with transaction.atomic():
        single = audit_record(actor=officer, action="test.bulk", obj=unit, after=after, note="n")
        (bulk,) = audit_record_many(
            actor=officer, action="test.bulk", entries=[{"obj": unit, "after": after, "note": "n"}]
        )
    single.refresh_from_db()
    bulk = AuditEvent.objects.filter(action="test.bulk").exclude(pk=single.pk).get()
    for field in (*EVENT_FIELDS, "after", "before", "note", "ip", "user_agent"):
        assert getattr(bulk, field) == getattr(single, field), field
    assert bulk.at is not None and bulk.province_id == unit.province_id
