"""The policy table's vocabulary: which personas may use a route, which must not even see it.

Each `checks_<app>.py` module in this folder declares `CHECKS` (and, if its routes need objects, a
`build(world)` function adding them to the world). `test_policy_matrix.py` requests every route as every
persona and fails on any difference, and fails when a route exists without a declared policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

PERSONAS = (
    "central_admin",
    "central_officer",
    "central_leader",
    "province_a_officer",
    "province_a_leader",
    "province_a_viewer",
    "province_b_officer",
    "establishment_user",
    "anonymous",
)
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
NATIONAL = frozenset({"central_admin", "central_officer", "central_leader"})
PROVINCE_A_STAFF = frozenset({"province_a_officer", "province_a_leader", "province_a_viewer"})
# Personas whose scope includes province A's records.
SEES_PROVINCE_A = NATIONAL | PROVINCE_A_STAFF


def no_args(world: SimpleNamespace) -> dict:
    return {}


@dataclass(frozen=True)
class Check:
    """One route, one method.

    `route` is a URL name ("core:home") for pages, or "/api/v1/…" with {params} for API operations.
    `allowed` personas must get through (status < 400, no redirect to the login page).
    `hidden` personas must get 404 (the object is outside their scope).
    Every other signed-in persona must get 403; anonymous gets the login redirect (pages) or 401 (API).
    """

    LOGIN_REDIRECT = -1

    route: str
    method: str = "GET"
    allowed: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    args: Callable[[SimpleNamespace], dict] = no_args
    data: Callable[[SimpleNamespace], dict] | None = None
    json: bool = False
    note: str = ""
    # Statuses that count as "got through" when they are not the plain < 400 (e.g. logout's redirect to
    # the login page, or ninja's root that answers 404 to everybody).
    success: frozenset = frozenset()

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/api/")

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"
