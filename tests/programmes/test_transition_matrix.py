"""Every transition of the table × every role: allowed exactly for the body the law names, refused for
everyone else, and a refused attempt changes nothing at all.

The expectations below are written out by hand from the legal procedure (docs/projects.md), not derived from
the table, so a wrong table entry fails here.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import transaction

from khuyencong.audit.models import AuditEvent
from khuyencong.audit.services import snapshot
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied
from khuyencong.programmes import services, workflow
from khuyencong.programmes.models import (
    Appraisal,
    MoneyMovement,
    Notification,
    Project,
    ProjectKind,
    ProjectStateChange,
    ProjectStatus,
    RuleOverride,
)
from tests.programmes.builders import build_world, draft, inputs_for, record_settlement, walk

pytestmark = pytest.mark.django_db
S = ProjectStatus
ACTORS = (
    "central_admin", "central_officer", "central_leader", "regional_officer", "province_a_officer",
    "province_a_centre", "province_a_leader", "province_a_committee", "province_a_viewer", "province_b_officer",
    "establishment_user",
)  # fmt: skip
# The system administrator holds every capability by design (accounts/roles.py) and sits in the Cục.
CUC_LEADER = {"central_leader", "central_admin"}
CUC_OFFICER = {"central_officer", "central_admin"}
IMPLEMENTER = {"province_a_officer", "province_a_centre"}
SO_LEADER = {"province_a_leader"}
UBND = {"province_a_committee"}

# (action, source state, variant) → who may take it. Variants: a national project in province A, a local
# project in province A, a national project run by a regional centre with no province.
EXPECTED: dict[tuple[str, str, str], set[str]] = {
    ("submit", S.DRAFT, "national"): IMPLEMENTER,
    ("submit", S.DRAFT, "local"): IMPLEMENTER,
    ("submit", S.DRAFT, "regional"): {"regional_officer", "central_officer", "central_admin"},
    ("resubmit", S.RETURNED, "national"): IMPLEMENTER,
    ("resubmit", S.RETURNED, "local"): IMPLEMENTER,
    ("appraise", S.SUBMITTED, "national"): SO_LEADER,
    ("appraise", S.SUBMITTED, "local"): SO_LEADER,
    ("return", S.SUBMITTED, "national"): SO_LEADER,
    ("return", S.SUBMITTED, "local"): SO_LEADER,
    ("reject", S.SUBMITTED, "national"): SO_LEADER,
    ("reject", S.SUBMITTED, "local"): SO_LEADER,
    ("approve", S.AWAITING_APPROVAL, "national"): CUC_LEADER,
    ("approve", S.AWAITING_APPROVAL, "regional"): CUC_LEADER,
    ("approve", S.AWAITING_APPROVAL, "local"): UBND,
    ("return", S.AWAITING_APPROVAL, "national"): CUC_LEADER,
    ("return", S.AWAITING_APPROVAL, "regional"): CUC_LEADER,
    ("return", S.AWAITING_APPROVAL, "local"): UBND,
    ("reject", S.AWAITING_APPROVAL, "national"): CUC_LEADER,
    ("reject", S.AWAITING_APPROVAL, "regional"): CUC_LEADER,
    ("reject", S.AWAITING_APPROVAL, "local"): UBND,
    ("include_in_plan", S.APPROVED, "national"): CUC_LEADER,
    ("include_in_plan", S.APPROVED, "local"): UBND,
    ("sign_contract", S.IN_PLAN, "national"): CUC_OFFICER,
    ("sign_contract", S.IN_PLAN, "local"): {"province_a_officer"},
    ("start", S.CONTRACTED, "national"): IMPLEMENTER,
    ("start", S.CONTRACTED, "local"): IMPLEMENTER,
    ("accept", S.IN_PROGRESS, "national"): CUC_LEADER,
    ("accept", S.IN_PROGRESS, "local"): SO_LEADER,
    ("settle", S.ACCEPTED, "national"): CUC_LEADER,
    ("settle", S.ACCEPTED, "local"): SO_LEADER,
    ("close", S.SETTLED, "national"): CUC_LEADER,
    ("close", S.SETTLED, "local"): SO_LEADER,
    **{("stop", state, "national"): CUC_LEADER for state in (S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS)},
    **{("stop", state, "local"): UBND for state in (S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS)},
}
VARIANTS = ("national", "local", "regional")


def _variant_applies(entry: workflow.Transition, variant: str) -> bool:
    kind = ProjectKind.LOCAL if variant == "local" else ProjectKind.NATIONAL
    probe = Project(kind=kind, province_id=None if variant == "regional" else 1)
    return entry.applies_to(probe)


CASES = sorted(
    {
        (entry.action, entry.source, variant)
        for entry in workflow.TRANSITIONS
        for variant in VARIANTS
        if _variant_applies(entry, variant) and (entry.action, entry.source, variant) in EXPECTED
    }
)


def test_every_table_entry_has_an_expectation():
    """A transition added to the table without a decision on who may take it fails here."""
    missing = []
    for entry in workflow.TRANSITIONS:
        for variant in VARIANTS:
            key = (entry.action, entry.source, variant)
            # The regional variant is exercised on its own path (submit, Cục decisions); later steps are the
            # same entries as the national variant.
            if _variant_applies(entry, variant) and key not in EXPECTED and variant != "regional":
                missing.append(key)
    assert not missing
    assert all(action in workflow.ACTIONS for action, _s, _v in EXPECTED)


def fingerprint(project_id: int) -> tuple:
    project = Project.objects.get(pk=project_id)
    return (
        tuple(sorted(snapshot(project).items())),
        ProjectStateChange.objects.filter(project_id=project_id).count(),
        Appraisal.objects.filter(project_id=project_id).count(),
        RuleOverride.objects.filter(project_id=project_id).count(),
        MoneyMovement.objects.filter(project_id=project_id).count(),
        tuple(project.outputs.values_list("actual_value", flat=True)),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


class Rollback(Exception):
    pass


def attempt(world: SimpleNamespace, project: Project, action: str, persona: str) -> tuple[str, tuple | None]:
    """Try the step as `persona` inside a savepoint that is always rolled back; returns (outcome, state after)."""
    before = fingerprint(project.pk)
    result: dict = {}
    try:
        with transaction.atomic():
            entry = workflow.transition_for(project, action)
            try:
                services.project_transition(
                    actor=getattr(world, persona),
                    project_id=project.pk,
                    action=action,
                    version=project.version,
                    data=inputs_for(entry, project),
                )
                result["outcome"] = "allowed"
            except (PermissionDenied, NotFound) as exc:
                result["outcome"] = f"refused:{type(exc).__name__}"
                result["after"] = fingerprint(project.pk)
            raise Rollback
    except Rollback:
        pass
    assert fingerprint(project.pk) == before
    return result["outcome"], result.get("after")


@pytest.fixture(scope="module")
def built_projects(django_db_setup, django_db_blocker):
    """One project per (state, variant), built once for the module and kept for its tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        projects = {}
        for _action, state, variant in CASES:
            if (state, variant) not in projects:
                projects[(state, variant)] = walk(world, draft(world, variant=variant), state)
                if state == S.ACCEPTED:
                    record_settlement(world, projects[(state, variant)])
        yield world, projects
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", CASES, ids=[f"{a}-{s}-{v}" for a, s, v in CASES])
def test_transition_by_every_role(built_projects, case, django_db_blocker):
    world, projects = built_projects
    action, state, variant = case
    project = Project.objects.get(pk=projects[(state, variant)].pk)
    assert project.status == state
    wrong = []
    with django_db_blocker.unblock():
        for persona in ACTORS:
            outcome, after = attempt(world, project, action, persona)
            expected_allowed = persona in EXPECTED[case]
            if expected_allowed != (outcome == "allowed"):
                wrong.append(f"{persona}: {outcome}, expected {'allowed' if expected_allowed else 'refused'}")
            if outcome != "allowed":
                assert after == fingerprint(project.pk), f"{persona}: a refused {action} changed something"
    assert not wrong, "\n".join(wrong)


def test_actions_that_do_not_apply_to_the_stored_state_conflict(built_projects, django_db_blocker):
    """Whatever the client believes, the stored state decides: inapplicable actions change nothing."""
    world, projects = built_projects
    checked = 0
    with django_db_blocker.unblock():
        for built in projects.values():
            project = Project.objects.get(pk=built.pk)
            applicable = {entry.action for entry in workflow.entries_from(project)}
            for action in sorted(workflow.ACTIONS - applicable):
                before = fingerprint(project.pk)
                with pytest.raises(Conflict):
                    services.project_transition(
                        actor=world.central_admin, project_id=project.pk, action=action, version=project.version
                    )
                assert fingerprint(project.pk) == before
                checked += 1
    assert checked > 50
