"""The bulk writer cannot drift from the services: the same plan written both ways gives the same rows,
column by column (ids and timestamps aside), in every generated table."""

from __future__ import annotations

import pytest
from django.db import transaction

from khuyencong.programmes.models import Appraisal, Project, ProjectDocument, ProjectStateChange, ProjectStatus
from khuyencong.synthetic.compare import differences, generated_rows
from khuyencong.synthetic.generate import generate
from khuyencong.synthetic.scales import Scale

pytestmark = pytest.mark.django_db
# Small, but every path of a project's life appears: returned, rejected, stopped, closed, in progress,
# drafts, regional projects, legacy units, money with advances, refunds and pending approvals.
COMPARE = Scale("compare", 150, 40, 110, 90, 2.0, provinces=("01", "75", "86"))


def rows_of(mode: str) -> tuple[dict, dict]:
    with transaction.atomic():
        generate(COMPARE, 7, mode=mode, log=lambda text: None)
        rows = generated_rows()
        trail = {
            "statuses": sorted(Project.objects.values_list("status", flat=True)),
            "state_changes": ProjectStateChange.objects.count(),
            "appraisals": Appraisal.objects.count(),
            "documents": ProjectDocument.objects.count(),
        }
        transaction.set_rollback(True)
    return rows, trail


def test_bulk_writes_exactly_the_rows_the_services_write():
    by_services, trail = rows_of("services")
    by_bulk, bulk_trail = rows_of("bulk")
    assert differences(by_services, by_bulk) == []
    assert by_services == by_bulk
    # The comparison is not vacuous: the services really walked projects through their lives…
    statuses = set(trail["statuses"])
    assert {ProjectStatus.CLOSED, ProjectStatus.DRAFT, ProjectStatus.IN_PROGRESS} <= statuses
    assert trail["state_changes"] > len(trail["statuses"]) and trail["documents"] > 0 and trail["appraisals"] > 0
    for label in ("registry.establishment", "registry.yearlyfigures", "programmes.projectbeneficiary",
                  "programmes.moneymovement", "programmes.budgetline", "programmes.annualplan"):  # fmt: skip
        assert by_bulk[label], label
    # …and the bulk writer leaves the trail out, as documented.
    assert bulk_trail["state_changes"] == bulk_trail["documents"] == bulk_trail["appraisals"] == 0
