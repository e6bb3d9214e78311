"""The establishment page's "support received" tab, fed from projects (registry/support.py extension point)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.programmes import selectors, workflow
from khuyencong.programmes.models import ProjectBeneficiary, ProjectStatus
from khuyencong.registry.support import SupportRecord


class ProjectSupport:
    label = _("Đề án khuyến công")

    def supported_ids(self):
        """Establishments with state support in an approved (or later, or stopped) project."""
        return ProjectBeneficiary.objects.filter(
            planned_support__gt=0, project__status__in=(*workflow.APPROVED_STATES, ProjectStatus.STOPPED)
        ).values("establishment_id")

    def records_for(self, establishment) -> list[SupportRecord]:
        # The registry page loaded the establishment through access_establishment: its history is shown whole.
        return [
            SupportRecord(
                year=row.project.year,
                title=f"{row.project.code} — {row.project.title}",
                kind=row.content_item.name,
                source=row.project.get_kind_display(),
                amount=row.planned_support,
                url=reverse("projects:detail", kwargs={"project_id": row.project_id}),
            )
            for row in selectors.support_received_by(None, establishment)
        ]
