"""Authentication backend: Django's password check, with the signed-in user loaded once per request together
with what every page reads from it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

User = get_user_model()


class UserWithAgencyBackend(ModelBackend):
    """Every page shows the user's agency and derives the scope from the agency's jurisdiction: loading both
    with the user makes one statement of three (the session's user, its agency, the jurisdiction's province)."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("agency__jurisdiction").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# The dotted path a session records for a password sign-in (`login(..., backend=...)`, as several are set).
PASSWORD_BACKEND = f"{UserWithAgencyBackend.__module__}.{UserWithAgencyBackend.__qualname__}"
