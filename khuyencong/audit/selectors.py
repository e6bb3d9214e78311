"""Reading the audit trail: administrators and auditors, each within its own scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from khuyencong.accounts.access import PROVINCE, user_scope
from khuyencong.accounts.roles import can
from khuyencong.audit.models import AuditEvent


def audit_events_for(user, *, filters: dict) -> QuerySet[AuditEvent]:
    if not can(user, "audit.view"):
        return AuditEvent.objects.none()
    scope = user_scope(user)
    events = AuditEvent.objects.select_related("actor")
    if scope.kind == PROVINCE:
        # A provincial administrator sees what happened to its province's records and what its own
        # agency's people did.
        events = events.filter(Q(province_id=scope.province_id) | Q(actor__agency__jurisdiction_id=scope.province_id))
    elif not scope.is_national:
        return AuditEvent.objects.none()
    if filters.get("actor"):
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("date_from"):
        events = events.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        events = events.filter(at__date__lte=filters["date_to"])
    return events
