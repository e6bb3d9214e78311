"""The pages over HTTP: forms in Vietnamese styles (dd/mm/yyyy, "250 triệu"), field errors, the transition
forms built from the table, lists filtered and totalled in a bounded number of queries, "my work", reference
data edited by administrators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from khuyencong.audit.models import AuditEvent
from khuyencong.programmes.models import BudgetLine, Deadline, Project, ProjectStatus, RuleSet
from tests.programmes.builders import M, draft, walk

S = ProjectStatus
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "programmes"


def test_templates_carry_no_inline_script_style_or_handlers():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert " style=" not in text and "<style" not in text, template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
        assert "javascript:" not in text, template.name


def test_draft_a_project_through_the_forms(world, client_for):
    client = client_for(world.province_a_officer)
    response = client.post(
        reverse("projects:new"),
        {
            "title": "Hỗ trợ ứng dụng máy sấy nông sản", "kind": "local", "project_type": "thuong",
            "programme": world.local_programme.pk, "year": "2026",
            "implementing_agency": world.province_a_centre.agency.pk, "start_date": "01/03/2026",
            "end_date": "30/11/2026", "content_items": [world.machinery.pk],
            "objectives": "Giảm tổn thất sau thu hoạch",
            "partners": "Viện Cơ điện nông nghiệp | chuyển giao công nghệ",
        },
    )  # fmt: skip
    project = Project.objects.get(title="Hỗ trợ ứng dụng máy sấy nông sản")
    assert response.status_code == 302 and response.url == reverse("projects:detail", args=[project.pk])
    assert project.start_date.month == 3 and project.start_date.day == 1  # dd/mm/yyyy, not mm/dd
    assert list(project.partners.values_list("name", "role")) == [("Viện Cơ điện nông nghiệp", "chuyển giao công nghệ")]

    response = client.post(
        reverse("projects:budget", args=[project.pk]),
        {
            "version": project.version, "budget-TOTAL_FORMS": "3", "budget-INITIAL_FORMS": "0",
            "budget-0-source": world.KCDP.pk, "budget-0-content_item": world.machinery.pk,
            "budget-0-amount": "250 triệu",
            "budget-1-source": world.DOIUNG.pk, "budget-1-content_item": world.machinery.pk,
            "budget-1-amount": "0,4 tỷ",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert sorted(BudgetLine.objects.filter(project=project).values_list("amount", flat=True)) == [250 * M, 400 * M]

    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert project.code in page and "250.000.000" in page and "Sửa thông tin" in page


def test_form_errors_name_the_field(world, client_for):
    client = client_for(world.province_a_officer)
    response = client.post(
        reverse("projects:new"),
        {"title": "", "kind": "local", "project_type": "thuong", "programme": world.national_programme.pk,
         "year": "2026", "implementing_agency": world.province_a_centre.agency.pk,
         "content_items": [world.machinery.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    response = client.post(
        reverse("projects:new"),
        {"title": "Đề án", "kind": "local", "project_type": "thuong", "programme": world.national_programme.pk,
         "year": "2026", "implementing_agency": world.province_a_centre.agency.pk,
         "content_items": [world.machinery.pk]},
    )  # fmt: skip
    assert response.context["form"].errors["programme"] == [
        "Đề án khuyến công địa phương phải thuộc chương trình khuyến công của tỉnh."
    ]


def test_transition_form_comes_from_the_table(world, client_for):
    project = walk(world, draft(world, variant="national"), S.SUBMITTED)
    client = client_for(world.province_a_leader)
    url = reverse("projects:transition", args=[project.pk, "appraise"])
    page = client.get(url).content.decode()
    for label in ("Tiêu chí thẩm định đã đạt", "Thành viên hội đồng", "Số văn bản thẩm định", "Ngày thẩm định"):
        assert label in page
    response = client.post(url, {"version": project.version, "council_members": "", "opinion": "Đạt"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"council_members", "decision_number", "decision_date"} <= set(errors)
    response = client.post(
        url,
        {"version": project.version, "checklist": [c.pk for c in response.context["form"].fields["checklist"].queryset],
         "council_members": "Nguyễn Văn A\nTrần Thị B", "score": "82,5", "opinion": "Đạt yêu cầu",
         "decision_number": "15/TB-SCT", "decision_date": "02/06/2026"},
    )  # fmt: skip
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == S.AWAITING_APPROVAL
    appraisal = project.appraisals.get()
    assert str(appraisal.score) == "82.50" and appraisal.decision_date.month == 6
    # The officer who drafted it sees no appraisal button and cannot open the form.
    assert (
        client_for(world.province_a_officer)
        .get(reverse("projects:transition", args=[project.pk, "approve"]))
        .status_code
        == 403
    )


def test_stale_form_gets_a_conflict_message(world, client_for):
    project = walk(world, draft(world, variant="national"), S.SUBMITTED)
    client = client_for(world.province_a_leader)
    url = reverse("projects:transition", args=[project.pk, "return"])
    client.post(url, {"version": project.version, "reason": "Thiếu hồ sơ"})
    response = client.post(url, {"version": project.version, "reason": "Thiếu hồ sơ lần hai"}, follow=True)
    text = response.content.decode()
    assert "không còn áp dụng" in text or "vừa được người khác cập nhật" in text
    assert Project.objects.get(pk=project.pk).state_changes.filter(action="return").count() == 1


def test_project_list_filters_totals_and_bounded_queries(world, client_for, django_assert_max_num_queries):
    for _ in range(3):
        draft(world, variant="national")
    walk(world, draft(world, variant="local"), S.SUBMITTED)
    client = client_for(world.central_leader)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("projects:list"))
    assert response.context["page"].paginator.count == 4
    for _ in range(8):
        draft(world, variant="national")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("projects:list"))
    assert response.context["page"].paginator.count == 12
    response = client.get(reverse("projects:list"), {"status": "submitted"})
    assert [p.kind for p in response.context["page"]] == ["local"]
    response = client.get(reverse("projects:list"), {"source": world.KCDP.pk, "content_item": world.machinery.pk})
    assert response.context["page"].paginator.count == 1
    totals = {row["source"].code: row["planned"] for row in response.context["totals"]}
    assert totals == {"KCDP": 300 * M, "DOIUNG": 450 * M}
    response = client.get(reverse("projects:list"), {"q": "may moc", "year": 2026})
    assert response.context["page"].paginator.count == 12
    assert client_for(world.province_b_officer).get(reverse("projects:list")).context["page"].paginator.count == 0


def test_detail_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    with django_assert_max_num_queries(60):
        response = client_for(world.central_leader).get(reverse("projects:detail", args=[project.pk]))
    page = response.content.decode()
    for text in ("Quá trình xử lý", "Thẩm định cấp cơ sở", "Kinh phí theo nguồn", "Nghiệm thu"):
        assert text in page


def test_my_work_lists_what_awaits_me_with_deadlines(world, client_for):
    project = walk(world, draft(world, variant="national"), S.SUBMITTED)
    response = client_for(world.province_a_leader).get(reverse("inbox:home"))
    listed = list(response.context["page"])
    assert [p.pk for p in listed] == [project.pk]
    assert listed[0].overdue and [e.action for e in listed[0].next_actions] == ["appraise"]
    assert "quá hạn" in response.content.decode()
    assert list(client_for(world.province_a_officer).get(reverse("inbox:home")).context["page"]) == []
    assert list(client_for(world.central_leader).get(reverse("inbox:home")).context["page"]) == []


def test_documents_download_for_administrations_only(world, client_for):
    project = draft(world, variant="national")
    document = project.documents.first()
    response = client_for(world.province_a_viewer).get(reverse("projects:document", args=[project.pk, document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert (
        client_for(world.establishment_user)
        .get(reverse("projects:document", args=[project.pk, document.pk]))
        .status_code
        == 403
    )


def test_administrator_edits_dated_reference_data(world, client_for):
    client = client_for(world.central_admin)
    deadline = Deadline.objects.get(kind="registration")
    response = client.post(
        reverse("programmes:reference_edit", args=["han-nop", deadline.pk]),
        {"kind": "registration", "day": "25", "month": "5", "year_offset": "-1", "valid_from": "",
         "valid_to": "", "citation": "Thông tư mới (thử)"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Deadline.objects.get(pk=deadline.pk).day == 25
    assert AuditEvent.objects.filter(action="reference.deadline.update").exists()
    response = client.post(
        reverse("programmes:reference_new", args=["dinh-muc"]),
        {"code": "trung", "name": "Bộ trùng thời gian", "issuer": "Bộ Tài chính", "scope": "national",
         "priority_multiplier": "1", "valid_from": "01/01/2015", "valid_to": "31/12/2016", "citation": "Thử"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Trùng thời gian hiệu lực." in response.context["form"].errors["valid_from"]
    assert not RuleSet.objects.filter(code="trung").exists()
    assert (
        client_for(world.central_leader).get(reverse("programmes:reference_new", args=["dinh-muc"])).status_code == 403
    )


@pytest.mark.parametrize("name", ["plans:list", "programmes:list", "programmes:reference", "inbox:notifications"])
def test_list_pages_render(world, client_for, name):
    assert client_for(world.province_a_officer).get(reverse(name)).status_code == 200
