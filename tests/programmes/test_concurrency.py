"""Two people acting on the same project at once: exactly one wins, the other gets a clear conflict.

The threaded test runs two real connections against the database (a row lock on PostgreSQL, the write lock
of an IMMEDIATE transaction on SQLite); the sequential one shows what the loser sees when both loaded the
same version of the page.
"""

from __future__ import annotations

import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from khuyencong.core.errors import Conflict
from khuyencong.programmes import services, workflow
from khuyencong.programmes.models import MoneyMovement, MovementStatus, Project, ProjectStateChange, ProjectStatus
from tests.programmes.builders import build_world, draft, inputs_for, walk

S = ProjectStatus


@pytest.fixture
def concurrent_database():
    """Threads need a database whose writers wait for each other. The SQLite test database is an in-memory
    shared cache, whose table locks fail at once instead of waiting (a deployed SQLite is a WAL file with
    IMMEDIATE transactions and a busy timeout, where writers queue); the threaded tests run on PostgreSQL."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and ("memory" in name or not name):
        pytest.skip("threads need PostgreSQL here; the sequential version of this test runs on both databases")


class _TodaysApps:
    """The models as the reference loaders name them: programmes 0002 names the indicator catalogue and the targets
    by the app that held them then; they live in the indicators app now."""

    MOVED = {
        ("programmes", "outputindicator"): "indicators.Indicator",
        ("programmes", "programmetarget"): "indicators.Target",
    }

    def get_model(self, app_label: str, model_name: str):
        moved = self.MOVED.get((app_label, model_name.lower()))
        return django_apps.get_model(moved) if moved else django_apps.get_model(app_label, model_name)


@pytest.fixture
def committed_world(concurrent_database, transactional_db):
    """A world committed for real, so that other connections see it. A transactional test that ran before
    may have flushed the reference rows the migrations load: put back the ones these tests need."""
    for module, function in (
        ("khuyencong.accounts.migrations.0002_role_groups", "create_groups"),
        ("khuyencong.programmes.migrations.0002_reference_data", "load"),
    ):
        getattr(import_module(module), function)(_TodaysApps(), None)
    return build_world()


def test_two_approvals_from_the_same_page_one_conflict(world):
    project = walk(world, draft(world, variant="national"), S.AWAITING_APPROVAL)
    seen = project.version
    entry = workflow.transition_for(project, "approve")
    services.project_transition(
        actor=world.central_leader,
        project_id=project.pk,
        action="approve",
        version=seen,
        data=inputs_for(entry, project),
    )
    with pytest.raises(Conflict) as caught:
        services.project_transition(
            actor=world.central_admin,
            project_id=project.pk,
            action="approve",
            version=seen,
            data=inputs_for(entry, project),
        )
    assert "vừa được người khác cập nhật" in caught.value.message
    assert ProjectStateChange.objects.filter(project=project, action="approve").count() == 1


def test_two_approvals_at_the_same_instant(committed_world):
    world = committed_world
    project = walk(world, draft(world, variant="national"), S.AWAITING_APPROVAL)
    entry = workflow.transition_for(project, "approve")
    data = inputs_for(entry, project)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def approve(name: str, actor) -> None:
        try:
            barrier.wait(timeout=10)
            services.project_transition(
                actor=actor, project_id=project.pk, action="approve", version=project.version, data=data
            )
            results[name] = "ok"
        except Conflict as exc:
            results[name] = f"conflict: {exc.message}"
        except Exception as exc:
            results[name] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=("leader", world.central_leader)),
        threading.Thread(target=approve, args=("admin", world.central_admin)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcomes = sorted(results.values())
    assert outcomes[0].startswith("conflict: ") and outcomes[1] == "ok", results
    assert Project.objects.get(pk=project.pk).status == S.APPROVED
    assert ProjectStateChange.objects.filter(project=project, action="approve").count() == 1


def test_two_leaders_approve_the_same_advance_at_once(committed_world):
    world = committed_world
    project = walk(world, draft(world, variant="local"), S.IN_PROGRESS)
    movement = services.money_enter(
        actor=world.province_a_officer, project_id=project.pk, source_id=world.KCDP.pk, kind="advance",
        amount=50_000_000, occurred_on=project.start_date, document_number="TU-01",
    )  # fmt: skip
    barrier = threading.Barrier(2)
    results = []

    def decide() -> None:
        try:
            barrier.wait(timeout=10)
            services.money_decide(actor=world.province_a_leader, movement_id=movement.pk, approve=True)
            results.append("ok")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["conflict", "ok"]
    assert MoneyMovement.objects.get(pk=movement.pk).status == MovementStatus.APPROVED
