"""The main path end to end, for a national and a local project, through the services."""

from __future__ import annotations

import pytest

from khuyencong.audit.models import AuditEvent
from khuyencong.programmes.models import ProjectStatus
from tests.programmes.builders import draft, walk

S = ProjectStatus


@pytest.mark.parametrize("variant", ["national", "local"])
def test_walk_to_closed(world, variant):
    project = draft(world, variant=variant)
    assert project.code.startswith("KCQG-2026-01-" if variant == "national" else "KCDP-2026-01-")
    project = walk(world, project, S.CLOSED)
    assert project.status == S.CLOSED
    actions = list(project.state_changes.values_list("action", flat=True))
    assert actions == [
        "submit", "appraise", "approve", "include_in_plan", "sign_contract", "start", "accept", "settle", "close",
    ]  # fmt: skip
    events = AuditEvent.objects.filter(object_type="programmes.project", object_id=str(project.pk))
    assert events.filter(action="project.close").exists()
