"""Each establishment's page lists the support it received from approved projects (registry extension point),
and the API gives the same within the caller's scope."""

from __future__ import annotations

from django.urls import reverse

from khuyencong.programmes.models import ProjectStatus
from khuyencong.programmes.selectors import support_received_by
from khuyencong.registry.selectors import establishments_for
from tests.programmes.builders import M, draft, walk

S = ProjectStatus


def test_support_received_tab_and_filter(world, client_for):
    approved = walk(world, draft(world, variant="national"), S.APPROVED)
    draft(world, variant="local")  # a mere draft is not support received
    rows = list(support_received_by(world.province_a_officer, world.establishment_a))
    assert [row.project for row in rows] == [approved]
    assert list(support_received_by(world.province_b_officer, world.establishment_a)) == []

    page = client_for(world.province_a_viewer).get(
        reverse("registry:detail", args=[world.establishment_a.pk]) + "?tab=ho-tro"
    )
    text = page.content.decode()
    assert approved.code in text and "150.000.000" in text
    supported = establishments_for(world.province_a_officer, filters={"supported": "yes"})
    assert set(supported) == {world.establishment_a, world.establishment_a2}


def test_support_received_over_the_api(world, client_for):
    approved = walk(world, draft(world, variant="local", support=120 * M), S.APPROVED)
    body = (
        client_for(world.establishment_user).get(f"/api/v1/projects/support-received/{world.establishment_a.pk}").json()
    )
    assert [(row["code"], row["planned_support"]) for row in body] == [(approved.code, 120 * M)]
    response = client_for(world.province_b_officer).get(f"/api/v1/projects/support-received/{world.establishment_a.pk}")
    assert response.status_code == 404
