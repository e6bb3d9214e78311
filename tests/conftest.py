"""Test base shared by every test: fast password hashing, immediate tasks, and the personas."""

from __future__ import annotations

import tempfile

import pytest
from django.test import Client

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
    # Static files straight from the source folders (no collectstatic before tests).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="khuyencong-static-")


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
