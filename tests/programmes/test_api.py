"""The API: a project drafted, completed and taken through its first steps over HTTP with the same checks as
the pages; errors in the common {"code", "message", "details"} shape; lists scoped and filtered."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.accounts.tokens import api_token_create
from khuyencong.programmes.models import Project, ProjectStatus
from tests.programmes.builders import M, draft, today, walk

S = ProjectStatus


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_draft_complete_and_submit_over_the_api(world, client):
    officer = bearer(world.province_a_officer)
    response = client.post(
        "/api/v1/projects",
        {
            "title": "Hỗ trợ máy phân loại gạo qua API", "kind": "local", "programme_id": world.local_programme.pk,
            "year": 2026, "start_date": "2026-03-01", "end_date": "2026-10-31", "objectives": "Nâng chất lượng gạo",
            "content_items": ["may_moc_tien_tien"],
        },
        content_type="application/json", **officer,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    project_id, version = body["id"], body["version"]
    assert body["code"] == "KCDP-2026-01-001" and body["status"] == "draft"

    def put(path, payload):
        return client.put(f"/api/v1/projects/{project_id}/{path}", payload, content_type="application/json", **officer)

    response = put("budget", {"version": version, "lines": [
        {"source": "KCDP", "content_item": "may_moc_tien_tien", "amount": 200 * M},
        {"source": "DOIUNG", "content_item": "may_moc_tien_tien", "amount": 300 * M},
    ]})  # fmt: skip
    assert response.status_code == 200, response.content
    version = response.json()["version"]
    response = put("outputs", {"version": version, "outputs": {"may_moc_thiet_bi": "1"}})
    version = response.json()["version"]

    # A stale version is refused with the conflict shape, and changes nothing.
    response = put("outputs", {"version": version - 1, "outputs": {"may_moc_thiet_bi": "5"}})
    assert response.status_code == 409 and response.json()["code"] == "xung_dot"

    # Submitting without the dossier: refused, naming what is missing.
    response = client.post(
        f"/api/v1/projects/{project_id}/transitions", {"action": "submit", "version": version},
        content_type="application/json", **officer,
    )  # fmt: skip
    assert response.status_code == 400
    assert "Thuyết minh, hồ sơ đăng ký đề án" in response.json()["details"]["documents"][0]
    response = client.post(
        f"/api/v1/projects/{project_id}/documents",
        {"doc_type": "proposal", "title": "Thuyết minh đề án", "number": "12/TTr",
         "file": SimpleUploadedFile("thuyet-minh.pdf", b"%PDF-1.4 x")},
        **officer,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    response = client.post(
        f"/api/v1/projects/{project_id}/transitions", {"action": "submit", "version": version},
        content_type="application/json", **officer,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert Project.objects.get(pk=project_id).state_changes.get().actor == world.province_a_officer

    # The next body sees what it may do, with the inputs each step needs.
    leader = client.get(f"/api/v1/projects/{project_id}", **bearer(world.province_a_leader)).json()
    actions = {a["action"]: a for a in leader["actions"]}
    assert set(actions) == {"appraise", "return", "reject"}
    assert "council_members" in actions["appraise"]["inputs"]


def test_transitions_are_refused_over_the_api_like_on_the_pages(world, client):
    project = walk(world, draft(world, variant="national"), S.SUBMITTED)
    payload = {
        "action": "appraise", "version": project.version, "checklist": [], "council_members": "A", "opinion": "Đạt",
        "decision_number": "1/TĐ", "decision_date": str(today()),
    }  # fmt: skip
    response = client.post(
        f"/api/v1/projects/{project.pk}/transitions", payload, content_type="application/json",
        **bearer(world.province_a_officer),
    )  # fmt: skip
    assert response.status_code == 403 and response.json()["code"] == "khong_co_quyen"
    response = client.post(
        f"/api/v1/projects/{project.pk}/transitions", payload, content_type="application/json",
        **bearer(world.province_b_officer),
    )  # fmt: skip
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/projects/{project.pk}/transitions", payload, content_type="application/json",
        **bearer(world.province_a_leader),
    )  # fmt: skip
    assert response.status_code == 400 and "Chưa đạt tiêu chí" in response.json()["details"]["checklist"][0]
    response = client.post(
        f"/api/v1/projects/{project.pk}/transitions", {**payload, "action": "fly"}, content_type="application/json",
        **bearer(world.province_a_leader),
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["details"] == {"action": ["Không hợp lệ."]}
    assert Project.objects.get(pk=project.pk).status == S.SUBMITTED


def test_money_over_the_api(world, client):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    response = client.post(
        f"/api/v1/projects/{project.pk}/movements",
        {"source": "KCQG", "kind": "advance", "amount": 120 * M, "document_number": "TU-01",
         "occurred_on": "2026-06-01"},
        content_type="application/json", **bearer(world.central_officer),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    movement = response.json()
    response = client.post(
        f"/api/v1/projects/{project.pk}/movements/{movement['id']}/decision", {"approve": True},
        content_type="application/json", **bearer(world.central_leader),
    )  # fmt: skip
    assert response.json()["status"] == "approved"
    detail = client.get(f"/api/v1/projects/{project.pk}", **bearer(world.central_leader)).json()
    assert detail["budget"][0]["advanced"] == 120 * M and detail["disbursed"] == 120 * M
    assert client.get(f"/api/v1/projects/{project.pk}/movements", **bearer(world.establishment_user)).json() == []


def test_project_list_is_scoped_filtered_and_totalled(world, client):
    national = walk(world, draft(world, variant="national"), S.APPROVED)
    draft(world, variant="local")
    headers = bearer(world.central_officer)
    body = client.get("/api/v1/projects?kind=national", **headers).json()
    assert [row["code"] for row in body["results"]] == [national.code]
    assert body["totals"] == [
        {"source": "KCQG", "planned": 300 * M, "advanced": 0, "paid": 0, "refunded": 0, "settled": 0},
        {"source": "DOIUNG", "planned": 450 * M, "advanced": 0, "paid": 0, "refunded": 0, "settled": 0},
    ]
    assert client.get("/api/v1/projects", **bearer(world.province_b_officer)).json()["count"] == 0
    response = client.get("/api/v1/projects?source=XYZ", **headers)
    assert response.status_code == 400 and "source" in response.json()["details"]
    plans = client.get("/api/v1/plans", **headers).json()
    assert plans["results"][0]["kind"] == "national"
    plan = client.get(f"/api/v1/plans/{plans['results'][0]['id']}", **headers).json()
    assert plan["allocations"][0]["awaiting"] == 300 * M


def test_programme_targets_over_the_api(world, client):
    body = client.get("/api/v1/programmes", **bearer(world.establishment_user)).json()
    codes = {row["code"] for row in body["results"]}
    assert {"ctkcqg-2021-2025", "ctkcqg-2026-2030"} <= codes and "ctkc-ha-noi-2026-2030" not in codes
    programme = next(row for row in body["results"] if row["code"] == "ctkcqg-2021-2025")
    detail = client.get(f"/api/v1/programmes/{programme['id']}", **bearer(world.central_leader)).json()
    targets = {row["indicator"]: row["target"] for row in detail["targets"]}
    assert targets["mo_hinh_trinh_dien"] == "340.00" and targets["dao_tao_nghe"] == "10000.00"
    assert dt.date.fromisoformat(detail["decision_date"]) == dt.date(2020, 11, 20)


def test_adjustments_over_the_api(world, client):
    """Requested by the implementer, decided by the level the change requires, scoped like the project."""
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    url = f"/api/v1/projects/{project.pk}/adjustments"
    extension = {"version": project.version, "reason": "Thiết bị về chậm", "new_end_date": "2026-12-31"}
    response = client.post(url, extension, content_type="application/json", **bearer(world.province_a_officer))
    assert response.status_code == 201, response.content
    adjustment = response.json()
    assert adjustment["status"] == "pending" and adjustment["decision_level"] == "central"

    again = client.post(url, extension, content_type="application/json", **bearer(world.province_a_officer))
    assert again.status_code == 409 and "chờ quyết định" in again.json()["message"]
    assert client.get(url, **bearer(world.province_b_officer)).status_code == 404

    decision = f"{url}/{adjustment['id']}/decision"
    project.refresh_from_db()
    missing = client.post(
        decision, {"version": project.version, "approve": True}, content_type="application/json",
        **bearer(world.central_leader),
    )  # fmt: skip
    assert missing.status_code == 400 and "decision_number" in missing.json()["details"]
    response = client.post(
        decision, {"version": project.version, "approve": True, "decision_number": "15/QĐ-CĐMST"},
        content_type="application/json", **bearer(world.central_leader),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["decided_by"]
    project.refresh_from_db()
    assert project.end_date == dt.date(2026, 12, 31)
    listed = client.get(url, **bearer(world.establishment_user))
    assert [row["status"] for row in listed.json()] == ["approved"]
