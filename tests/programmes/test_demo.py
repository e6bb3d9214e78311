"""The demo data: realistic projects in six provinces and several states, through the services, twice."""

from __future__ import annotations

from khuyencong.programmes.demo import PROJECTS, load_programmes_demo
from khuyencong.programmes.models import AnnualPlan, Project, ProjectStatus

S = ProjectStatus


def test_demo_is_created_through_the_services_and_is_idempotent(db):
    assert load_programmes_demo() == len(PROJECTS)
    states = dict(Project.objects.values_list("title", "status"))
    assert {demo.title: demo.target for demo in PROJECTS} == states
    cashew = Project.objects.get(title__contains="hạt điều")
    assert (cashew.legacy_province.name, cashew.province.name) == ("Bình Phước", "Đồng Nai")
    assert cashew.code.startswith("KCQG-2023-75-") and not cashew.late_registration
    rice = Project.objects.get(title__contains="tách màu")
    assert rice.beneficiaries.filter(added_after_approval=True).count() == 2
    assert AnnualPlan.objects.filter(kind="local", province=rice.province, status="approved").exists()
    counts = (Project.objects.count(), AnnualPlan.objects.count(), cashew.state_changes.count())
    assert load_programmes_demo() == len(PROJECTS)
    assert (Project.objects.count(), AnnualPlan.objects.count(), cashew.state_changes.count()) == counts
