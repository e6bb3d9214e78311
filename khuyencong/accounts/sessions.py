"""Sessions in the database, as Django keeps them, with the lookup every request makes compiled once per
connection (`core.compiled`): Django builds the same `SELECT … WHERE session_key = %s AND expire_date > %s`
through the ORM on each request."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from khuyencong.core.compiled import CompiledQuery

_BY_KEY = CompiledQuery(lambda key: Session.objects.filter(session_key=key), str)


class SessionStore(db.SessionStore):
    """Expiry is compared in Python on the one row read by its key: the same answer as Django's filter."""

    def _get_session_from_db(self):
        found = _BY_KEY(self.session_key) if self.session_key else []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
