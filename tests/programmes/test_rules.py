"""Support norms as dated data: the same project against the 2014 sample and against a later rule set; local
norms for local funds; the priority uplift; a leader's written override, which covers exactly what it says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import PermissionDenied, ValidationFailed
from khuyencong.programmes import services
from khuyencong.programmes.models import Project, ProjectStatus, RuleOverride, RuleSet, SupportRule
from khuyencong.programmes.rules import evaluate_support, rule_set_for
from tests.programmes.builders import draft, inputs_for, step

S = ProjectStatus
M = 1_000_000


def later_rule_set(world, **caps) -> RuleSet:
    """A national rule set from 2026 on (invented figures for the test, not a legal text)."""
    rule_set = RuleSet.objects.create(
        code="thu-nghiem-quoc-gia-2026", name="Định mức thử nghiệm 2026", issuer="Bộ Tài chính", scope="national",
        valid_from=dt.date(2026, 1, 1), citation="Văn bản thử nghiệm", priority_multiplier=Decimal("1.5"),
    )  # fmt: skip
    SupportRule.objects.create(
        rule_set=rule_set, content_item=world.machinery,
        **{"max_share_percent": 50, "max_per_beneficiary": 300 * M, "advance_percent": 70, **caps},
    )  # fmt: skip
    return rule_set


def test_the_same_project_against_the_2014_sample_and_a_later_rule_set(world):
    """250 million for one establishment's machinery: above the 2014 cap of 200 million per establishment,
    within a later cap of 300 million; and in 2019 no rule set is in force at all (TT 28/2018 not entered)."""
    project = draft(world, variant="national", support=250 * M)
    in_2015 = evaluate_support(project, dt.date(2015, 6, 1))
    assert in_2015.rule_set.code == "ttlt-26-2014"
    messages = [problem.message for problem in in_2015.problems]
    assert len(messages) == 2  # both beneficiaries get 250 million
    assert all("vượt mức tối đa 200.000.000 đồng mỗi cơ sở" in m and "TTLT 26/2014" in m for m in messages)

    later_rule_set(world)
    in_2026 = evaluate_support(project, dt.date(2026, 6, 1))
    assert in_2026.rule_set.code == "thu-nghiem-quoc-gia-2026"
    assert in_2026.problems == []

    in_2019 = evaluate_support(project, dt.date(2019, 6, 1))
    assert in_2019.rule_set is None and in_2019.problems == []
    assert "Chưa có bộ định mức hỗ trợ hiệu lực ngày 01/06/2019" in in_2019.notes[0]


def test_share_of_cost_model_cap_and_priority_uplift(world):
    project = draft(world, variant="national", support=250 * M)
    row = project.beneficiaries.first()
    row.counterpart = 100 * M  # state pays 250 of 350: 71%, above the 50% share
    row.save()
    problems = evaluate_support(project, dt.date(2015, 6, 1)).problems
    assert any("71,4% chi phí, vượt mức tối đa 50%" in p.message for p in problems)
    # A priority area raises the amount caps (not the share) by the rule set's multiplier: 200 × 1.5 = 300.
    Project.objects.filter(pk=project.pk).update(is_priority=True, priority_reason="Xã đặc biệt khó khăn")
    project.refresh_from_db()
    problems = evaluate_support(project, dt.date(2015, 6, 1)).problems
    assert not any("mỗi cơ sở" in p.message for p in problems)
    assert any("50%" in p.message for p in problems)


def test_local_funds_use_the_province_norms_and_fall_back_to_national(world):
    project = draft(world, variant="local", support=250 * M)
    chosen, notes = rule_set_for(project, dt.date(2015, 6, 1))
    assert chosen.code == "ttlt-26-2014" and "chưa có định mức kinh phí khuyến công địa phương" in notes[0]
    local = RuleSet.objects.create(
        code="ha-noi-2015", name="Quy chế kinh phí khuyến công Hà Nội", issuer="UBND thành phố Hà Nội", scope="local",
        province=world.province_a, valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2015, 12, 31), citation="QĐ thử",
    )  # fmt: skip
    SupportRule.objects.create(rule_set=local, content_item=world.machinery, max_per_beneficiary=100 * M)
    evaluation = evaluate_support(project, dt.date(2015, 6, 1))
    assert evaluation.rule_set == local
    assert all("100.000.000 đồng" in p.message for p in evaluation.problems)
    # The national project next door is not governed by Hà Nội's norms.
    assert rule_set_for(draft(world, variant="national"), dt.date(2015, 6, 1))[0].code == "ttlt-26-2014"


def test_a_violation_blocks_submission_until_a_leader_overrides_it_in_writing(world):
    later_rule_set(world, max_per_beneficiary=100 * M)
    project = draft(world, variant="national", support=150 * M)
    with pytest.raises(ValidationFailed) as caught:
        step(world, project, "submit", world.province_a_officer)
    assert "Vượt định mức hỗ trợ" in caught.value.message
    assert "lãnh đạo cho phép" in caught.value.details["override_reason"][-1]
    assert Project.objects.get(pk=project.pk).status == S.DRAFT

    with pytest.raises(PermissionDenied):  # officers cannot allow it themselves
        services.rule_override_grant(
            actor=world.province_a_officer, project_id=project.pk, version=project.version, reason="Cần thiết"
        )
    with pytest.raises(PermissionDenied):  # another province's leader even less
        services.rule_override_grant(
            actor=world.central_officer, project_id=project.pk, version=project.version, reason="Cần thiết"
        )
    granted = services.rule_override_grant(
        actor=world.province_a_leader, project_id=project.pk, version=project.version,
        reason="Thiết bị đặc thù, giá thị trường cao hơn định mức; Sở chịu trách nhiệm.",
    )  # fmt: skip
    assert len(granted) == 2
    assert AuditEvent.objects.filter(action="project.rule_override", object_id=str(project.pk)).exists()
    project = step(world, project, "submit", world.province_a_officer)
    assert project.status == S.SUBMITTED

    # The override covers those amounts only: raising them needs a new written permission.
    project = step(world, project, "return", world.province_a_leader)
    row = project.beneficiaries.first()
    services.project_beneficiary_update(
        actor=world.province_a_officer, project_id=project.pk, version=project.version, beneficiary_id=row.pk,
        planned_support=160 * M, counterpart=240 * M, units=1, double_funding_note=row.double_funding_note,
    )  # fmt: skip
    with pytest.raises(ValidationFailed):
        step(world, project, "resubmit", world.province_a_officer)


def test_a_leader_overrides_at_appraisal_with_a_reason(world):
    project = draft(world, variant="national", support=150 * M)
    project = step(world, project, "submit", world.province_a_officer)
    later_rule_set(world, max_per_beneficiary=100 * M)  # the norms changed while the dossier waited
    with pytest.raises(ValidationFailed):
        step(world, project, "appraise", world.province_a_leader)
    entry = services.workflow.transition_for(project, "appraise")
    project = services.project_transition(
        actor=world.province_a_leader, project_id=project.pk, action="appraise", version=project.version,
        data=inputs_for(entry, project), override_reason="Đề án điểm của tỉnh, UBND đã chấp thuận chủ trương.",
    )  # fmt: skip
    assert project.status == S.AWAITING_APPROVAL
    assert RuleOverride.objects.filter(project=project, granted_by=world.province_a_leader).count() == 2
    change = project.state_changes.get(action="appraise")
    assert any("vượt mức tối đa" in finding["message"] for finding in change.findings)
