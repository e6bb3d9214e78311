"""The project page: a fixed number of queries however many rows its lists hold, no query for an empty list,
and the same information as before (the budget panel of an establishment still counts the money)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.programmes import services
from khuyencong.programmes.models import MovementKind, ProjectPartner, ProjectStatus
from tests.programmes.builders import M, draft, settle_money, today, upload, walk

S = ProjectStatus


def _page(client, project):
    url = reverse("projects:detail", args=[project.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def test_the_page_costs_the_same_queries_whatever_its_lists_hold(world, client_for):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    client = client_for(world.central_leader)

    def add_rows(n: int) -> None:
        settle_money(world, project, kind=MovementKind.ADVANCE, amount=(n + 1) * M)
        services.project_document_add(
            actor=world.province_a_officer, project_id=project.pk, doc_type="other", title=f"Văn bản bổ sung {n}",
            file=upload(), number=f"0{n}",
        )  # fmt: skip
        services.progress_report_add(
            actor=world.province_a_officer, project_id=project.pk, period_end=today(), percent_complete=10 * n,
            summary=f"Tiến độ đợt {n}",
        )  # fmt: skip

    add_rows(0)
    _, before = _page(client, project)
    for n in (1, 2, 3):
        add_rows(n)
    response, after = _page(client, project)
    assert after == before
    page = response.content.decode()
    assert "Văn bản bổ sung 3" in page and "Tiến độ đợt 3" in page


def test_an_empty_list_costs_no_query_and_a_filled_one_shows(world, client_for):
    project = draft(world, variant="national")
    client = client_for(world.province_a_officer)
    _, without_partners = _page(client, project)
    ProjectPartner.objects.create(project=project, name="Viện Cơ điện nông nghiệp", role="chuyển giao công nghệ")
    response, with_partners = _page(client, project)
    assert with_partners == without_partners + 1
    assert "Viện Cơ điện nông nghiệp (chuyển giao công nghệ)" in response.content.decode()


def test_an_establishment_sees_the_money_panel_but_not_the_ledger(world, client_for):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    settle_money(world, project, kind=MovementKind.ADVANCE, amount=30 * M)
    officer, _ = _page(client_for(world.central_leader), project)
    own, _ = _page(client_for(world.establishment_user), project)
    assert own.context["movements"] == [] and own.context["documents"] == []
    assert len(officer.context["movements"]) == 1
    disbursed = [(row.source.code, row.disbursed) for row in officer.context["budget"].rows]
    assert [(row.source.code, row.disbursed) for row in own.context["budget"].rows] == disbursed
    assert ("KCQG", 30 * M) in disbursed
