"""What every page costs before its own work (session, user, roles, agency, notifications), and that the
navigation cached per capability set still follows each user's stored roles from one request to the next."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.accounts import services
from khuyencong.accounts.roles import Role
from khuyencong.programmes.models import Notification

PROFILE = "accounts:profile"


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a client may do one-off work (language, CSRF cookie)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _nav_labels(client) -> str:
    response = client.get(reverse(PROFILE))
    return " ".join(str(item) for item in response.context["nav_items"])


def test_a_page_costs_the_same_queries_however_many_roles_and_notifications(personas, client_for):
    """Session, user, roles, agency (+ its province for a provincial user) and the unread count: one query each,
    whatever the data behind them."""
    officer = personas.province_a_officer
    client = client_for(officer)
    before = _queries(client, reverse(PROFILE))
    officer.groups.add(Group.objects.get(name=Role.AUDITOR))
    Notification.objects.bulk_create(Notification(user=officer, message=f"Thông báo {n}") for n in range(30))
    assert _queries(client, reverse(PROFILE)) == before
    assert before <= 8  # the profile page itself reads the user's tokens and its agency's jurisdiction


def test_the_users_agency_and_its_province_come_with_the_user(personas, client_for):
    """The scope and the header need the agency and its jurisdiction: read in the user's own statement."""
    with CaptureQueriesContext(connection) as captured:
        response = client_for(personas.province_a_officer).get(reverse("core:home"))
    assert response.status_code == 200
    assert f"({personas.province_a})" in response.text
    separate = [q["sql"] for q in captured if re.search(r'FROM "(accounts_agency|geo_unit)"', q["sql"])]
    assert separate == []


def test_a_user_moved_to_another_agency_has_its_scope_on_the_next_request(personas, client_for):
    """The user and its agency are read on every request, not kept with the session."""
    officer = personas.province_a_officer
    client = client_for(officer)
    assert f"({personas.province_a})" in client.get(reverse("core:home")).text
    type(officer).objects.filter(pk=officer.pk).update(agency=personas.province_b_officer.agency)
    assert f"({personas.province_b})" in client.get(reverse("core:home")).text


def test_roles_are_read_in_one_query_for_a_national_user(personas, client_for):
    with CaptureQueriesContext(connection) as captured:
        client_for(personas.central_officer).get(reverse("core:home"))
    role_queries = [q["sql"] for q in captured if "auth_group" in q["sql"]]
    assert len(role_queries) == 1


def test_a_removed_role_changes_menu_and_rights_on_the_next_request(personas, client_for):
    """The menu is cached per capability set in the process; the roles behind it are read on every request."""
    target = personas.province_a_leader
    client = client_for(target)
    assert "Người dùng" not in _nav_labels(client)
    assert "Kế hoạch" in _nav_labels(client)

    services.user_set_roles(actor=personas.central_admin, user_id=target.pk, roles={Role.AUDITOR})
    labels = _nav_labels(client)
    assert "Nhật ký kiểm tra" in labels and "Kế hoạch" in labels
    assert client.get(reverse("projects:new")).status_code in (403, 404)

    target.groups.clear()  # even without the service (e.g. an administrator's shell)
    labels = _nav_labels(client)
    assert "Nhật ký kiểm tra" not in labels and "Việc của tôi" not in labels
    assert client.get(reverse("registry:list")).status_code in (403, 404)


def test_users_with_different_roles_see_their_own_menus_in_the_same_process(personas, client_for):
    admin_labels = _nav_labels(client_for(personas.central_admin))
    officer_labels = _nav_labels(client_for(personas.central_officer))
    assert "Người dùng" in admin_labels and "Người dùng" not in officer_labels
    assert "Người dùng" in _nav_labels(client_for(personas.central_admin))


def test_a_deactivated_user_is_signed_out_on_the_next_request(personas, client_for):
    target = personas.province_a_officer
    client = client_for(target)
    assert client.get(reverse("core:home")).status_code == 200
    services.user_set_active(actor=personas.central_admin, user_id=target.pk, active=False, reason="Nghỉ hưu")
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_deactivated_agency_reaches_nothing_on_the_next_request(personas, client_for):
    target = personas.province_a_officer
    client = client_for(target)
    assert client.get(reverse("registry:detail", args=[personas.establishment_a.pk])).status_code == 200
    target.agency.is_active = False
    target.agency.save(update_fields=["is_active"])
    assert client.get(reverse("registry:detail", args=[personas.establishment_a.pk])).status_code == 404


def test_the_menu_follows_the_language(personas, client_for):
    client = client_for(personas.central_officer)
    vietnamese = _nav_labels(client)
    client.cookies["django_language"] = "en"
    english = _nav_labels(client)
    assert "Cơ sở CNNT" in vietnamese and "Cơ sở CNNT" not in english
