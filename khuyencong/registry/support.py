"""Extension point: the support an establishment received, filled by later features (projects, trainings…).

The registry does not know about projects. A feature that supports establishments registers a source in its
AppConfig.ready():

    from khuyencong.registry.support import SupportRecord, register_support_source

    class ProjectSupport:
        label = "Đề án khuyến công"
        def supported_ids(self):            # a queryset of establishment ids, evaluated by the database
            return Beneficiary.objects.filter(project__status="accepted").values("establishment_id")
        def records_for(self, establishment) -> list[SupportRecord]:
            ...

    register_support_source(ProjectSupport())

Until a source is registered, the "Hỗ trợ đã nhận" tab is empty and the "đã được hỗ trợ" filter finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q


@dataclass(frozen=True)
class SupportRecord:
    year: int | None
    title: str
    kind: str
    source: str
    amount: int | None = None  # đồng
    url: str | None = None


class SupportSource(Protocol):
    label: str

    def supported_ids(self): ...

    def records_for(self, establishment) -> list[SupportRecord]: ...


_SOURCES: list[SupportSource] = []


def register_support_source(source: SupportSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def support_received(establishment) -> list[SupportRecord]:
    """Every support record of every registered source, newest first (empty until a source exists)."""
    records = [record for source in _SOURCES for record in source.records_for(establishment)]
    return sorted(records, key=lambda record: (record.year or 0, record.title), reverse=True)


def supported_condition() -> Q:
    """A filter for establishments that received support from any registered source."""
    condition = Q(pk__in=[])
    for source in _SOURCES:
        condition |= Q(pk__in=source.supported_ids())
    return condition
