"""Authentication backend: Django's password check, with the signed-in user loaded once per request together
with what every page reads from it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from khuyencong.core.compiled import CompiledQuery

User = get_user_model()

# Asked on every request: compiled once per connection (`core.compiled`).
_USER_WITH_AGENCY = CompiledQuery(
    lambda pk: User._default_manager.select_related("agency__jurisdiction").filter(pk=pk), int
)


class UserWithAgencyBackend(ModelBackend):
    """Every page shows the user's agency and derives the scope from the agency's jurisdiction: loading both
    with the user makes one statement of three (the session's user, its agency, the jurisdiction's province)."""

    def get_user(self, user_id):
        try:
            found = _USER_WITH_AGENCY(user_id)
        except (TypeError, ValueError):  # a session that does not hold a user id
            return None
        return found[0] if found and self.user_can_authenticate(found[0]) else None


# The dotted path a session records for a password sign-in (`login(..., backend=...)`, as several are set).
PASSWORD_BACKEND = f"{UserWithAgencyBackend.__module__}.{UserWithAgencyBackend.__qualname__}"
