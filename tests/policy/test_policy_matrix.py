"""Every route × every persona, against the declared policy; and no route without a declared policy."""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.policy
from khuyencong.api.urls import api
from tests.personas import build_personas
from tests.policy.model import PERSONAS, Check

CHECK_MODULES = [
    importlib.import_module(f"tests.policy.{info.name}")
    for info in pkgutil.iter_modules(tests.policy.__path__)
    if info.name.startswith("checks_")
]
CHECKS: list[Check] = [check for module in CHECK_MODULES for check in module.CHECKS]
LOGIN_PATH = "/tai-khoan/dang-nhap/"
NINJA_EXTRA_ROUTES = {"openapi.json", "docs", ""}


def page_route_names(patterns=None, namespace: str | None = None) -> set[str]:
    """Names of every page URL pattern (the API is enumerated from its OpenAPI document)."""
    names: set[str] = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            if inner == "api":
                continue
            names |= page_route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name: name it so it can be in the policy"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    }
    return operations | {("GET", f"/api/v1/{extra}") for extra in NINJA_EXTRA_ROUTES if extra}


def test_every_route_has_a_declared_policy():
    declared_pages = {check.route for check in CHECKS if not check.is_api}
    declared_api = {(check.method, check.route) for check in CHECKS if check.is_api}
    missing_pages = page_route_names() - declared_pages
    missing_api = api_operations() - declared_api
    assert not missing_pages, f"pages without a policy in tests/policy/checks_*.py: {sorted(missing_pages)}"
    assert not missing_api, f"API operations without a policy in tests/policy/checks_*.py: {sorted(missing_api)}"
    stale = (declared_pages - page_route_names() - {"api:api-root"}) | (declared_api - api_operations())
    assert not stale, f"policies for routes that no longer exist: {sorted(stale, key=str)}"


def test_policy_entries_are_consistent():
    for check in CHECKS:
        overlap = check.allowed & check.hidden
        assert not overlap, f"{check.id}: personas both allowed and hidden: {overlap}"
        assert check.allowed | check.hidden <= set(PERSONAS), check.id


def build_world() -> SimpleNamespace:
    personas = build_personas()
    world = SimpleNamespace(**vars(personas))
    for module in CHECK_MODULES:
        if hasattr(module, "build"):
            module.build(world)
    return world


def url_of(check: Check, world: SimpleNamespace) -> str:
    args = check.args(world)
    if check.is_api:
        return re.sub(r"\{(\w+)\}", lambda match: str(args[match.group(1)]), check.route)
    return reverse(check.route, kwargs=args)


def request(check: Check, world: SimpleNamespace, persona: str):
    user = getattr(world, persona)
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    url = url_of(check, world)
    data = check.data(world) if check.data else None
    kwargs = {"content_type": "application/json"} if check.json else {}
    return getattr(client, check.method.lower())(url, data or ({} if check.method != "GET" else None), **kwargs)


class RolledBack(Exception):
    pass


def outcome(check: Check, world: SimpleNamespace, persona: str) -> int:
    """The status the persona gets, with whatever the request wrote rolled back afterwards."""
    result = {}
    try:
        with transaction.atomic():
            response = request(check, world, persona)
            result["status"] = response.status_code
            result["location"] = response.headers.get("Location", "")
            raise RolledBack
    except RolledBack:
        pass
    if result["status"] in (301, 302) and result["location"].startswith(LOGIN_PATH):
        return Check.LOGIN_REDIRECT
    return result["status"]


def expected_denial(check: Check, persona: str) -> set[int]:
    if persona in check.hidden:
        return {404}
    if persona == "anonymous":
        return {401} if check.is_api else {Check.LOGIN_REDIRECT}
    return {403}


@pytest.mark.django_db
@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_route_policy(check: Check):
    world = build_world()
    failures = []
    for persona in PERSONAS:
        status = outcome(check, world, persona)
        if persona in check.allowed:
            ok = status in check.success or (status != Check.LOGIN_REDIRECT and status < 400)
            expectation = "access"
        else:
            ok = status in expected_denial(check, persona)
            expectation = f"status {sorted(expected_denial(check, persona))}"
        if not ok:
            got = "login redirect" if status == Check.LOGIN_REDIRECT else status
            failures.append(f"{persona}: got {got}, expected {expectation}")
    assert not failures, f"{check.id}:\n  " + "\n  ".join(failures)
