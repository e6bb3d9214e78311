"""Writing audit events. Only services call this, inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.forms.models import model_to_dict

from khuyencong.audit.models import AuditEvent
from khuyencong.core.bulk_insert import insert_rows
from khuyencong.core.request_context import current_request_info

_JSON_PLAIN = frozenset({str, int, float, bool})


def to_json(value: Any) -> Any:
    """Make snapshots JSON-safe: dates as ISO text, decimals as text, files as their names."""
    if value is None or type(value) in _JSON_PLAIN:  # most values: an import's events hold 150,000 of them
        return value
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item) for item in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The object's concrete field values, for the before/after columns of an audit event."""
    data = model_to_dict(obj, fields=fields)
    for field in obj._meta.concrete_fields:
        if (fields is None or field.name in fields) and field.name not in data:
            data[field.name] = getattr(obj, field.attname)
    return to_json(data)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    province_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one audit event; must run inside the caller's atomic block so it commits with the change."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.atomic() block")
    subject = _subject(
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        province_id=province_id,
        before=before,
        after=after,
        note=note,
    )
    columns = dict(zip(SUBJECT_FIELDS, subject, strict=True))
    event = AuditEvent(**_shared(_Actor(actor), current_request_info(), action), **columns)
    event.save(force_insert=True)
    return event


def audit_record_many(*, actor, action: str, entries: Iterable[dict]) -> list[int]:
    """Write one audit event per entry (an import's chunk), each exactly as `audit_record` would write it;
    returns the new events' ids in entry order. An entry holds `audit_record`'s per-object arguments (obj or
    object_type/object_id/object_label/province_id, before, after, note): giving the object's columns instead
    of `obj` lets a bulk writer that has no model instances (registry imports) record its rows.

    Must run inside the caller's atomic block. Events are insert-only, which a multi-row insert respects; they
    go below the ORM (core/bulk_insert.py) because an import writes one per row."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_many must be called inside the service's transaction.atomic() block")
    shared = _shared(_Actor(actor), current_request_info(), action)
    rows = [_subject(**entry) for entry in entries]
    return insert_rows(AuditEvent, SUBJECT_FIELDS, rows, constants=shared, returning=True)


class _Actor:
    """Who an event names: the signed-in user, or "Hệ thống" (label read once for many events)."""

    def __init__(self, actor):
        self.authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        self.user = actor if self.authenticated else None
        self.label = (actor.get_full_name() if self.authenticated else "Hệ thống")[:200]


def _shared(who: _Actor, info, action: str) -> dict:
    """The columns every event of one service call has in common: who, what action, from where."""
    return {
        "actor": who.user,
        "actor_label": who.label,
        "action": action,
        "ip": info.ip,
        "user_agent": info.user_agent,
    }


# The per-object columns of an event, in the order `_subject` gives them.
SUBJECT_FIELDS = ("object_type", "object_id", "object_label", "province_id", "before", "after", "note")


def _subject(
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    province_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> tuple:
    """What one event is about and what changed, as SUBJECT_FIELDS values (one place for single and bulk)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_label = object_label or str(obj)[:300]
        if province_id is None:
            province_id = getattr(obj, "province_id", None)
    return (
        object_type,
        str(object_id),
        object_label[:300],
        province_id,
        to_json(before) if before is not None else None,
        to_json(after) if after is not None else None,
        note,
    )
