"""Test base shared by every test: fast password hashing, immediate tasks, and the personas."""

from __future__ import annotations

import tempfile

import pytest
from django.db.backends.signals import connection_created
from django.test import Client
from django.utils import translation

from tests.personas import Personas, build_personas


def pytest_configure(config):
    from django.conf import settings

    # Argon2 is deliberately slow; tests hash many passwords. Tasks run at once, inside the test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    # Transactional tests flush the database between tests, audit trail included (see audit's flush).
    settings.AUDIT_ALLOW_FLUSH = True
    # Static files straight from the source folders (no collectstatic before tests).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="khuyencong-static-")
    connection_created.connect(refuse_non_test_database, dispatch_uid="tests.refuse_non_test_database")


def refuse_non_test_database(sender, connection, **kwargs):
    """A test must never touch a real database: only test_* databases, in-memory SQLite, or (unnamed) the
    server's maintenance database that Django uses to create and drop test databases."""
    name = str(connection.settings_dict.get("NAME") or "")
    if name in ("", "postgres") or "test" in name.rsplit("/", 1)[-1] or "mode=memory" in name:
        return
    raise RuntimeError(f"Tests tried to connect to a non-test database: {name}")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese: a request in English activates it for the thread, not only the request."""
    with translation.override("vi"):
        yield


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


@pytest.fixture
def client_for():
    """client_for(user) → a test client signed in as `user` (or anonymous for None/AnonymousUser)."""

    def make(user) -> Client:
        client = Client()
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return make
