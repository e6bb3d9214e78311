"""A clock set to a past working day, for replaying generated history through the services.

The services read "today" from `django.utils.timezone.now()` (deadlines passed, dates not in the future,
timestamps). Replaying a 2014 project's steps on the day each was taken — not today — is what makes the
services flag the same late dossiers the bulk writer flags. Only the generator uses this (one thread, inside a
management command or a test); it restores the real clock on exit, also on errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


@contextmanager
def moment(when: dt.datetime) -> Iterator[None]:
    real_now = timezone.now
    fixed = when.astimezone(dt.UTC)
    timezone.now = lambda: fixed
    try:
        yield
    finally:
        timezone.now = real_now
