"""Querysets compiled once per connection (core/compiled.py): the same statement and the same objects as the
ORM's, related rows included, for any values; and a clear refusal for a queryset it cannot run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.accounts.sessions import SessionStore
from khuyencong.core.compiled import CompiledQuery
from khuyencong.programmes.models import Notification
from khuyencong.programmes.selectors import unread_count


def _users(pk):
    return User.objects.select_related("agency__jurisdiction").filter(pk=pk)


def test_the_same_statement_and_objects_as_the_orm_for_each_value(personas):
    compiled = CompiledQuery(_users, int)
    for user in (personas.province_a_officer, personas.central_officer, personas.province_b_officer):
        with CaptureQueriesContext(connection) as orm:
            expected = list(_users(user.pk))
        with CaptureQueriesContext(connection) as ours:
            found = compiled(user.pk)
        assert [q["sql"] for q in ours] == [q["sql"] for q in orm]
        assert len(found) == 1 and found[0].pk == user.pk
        assert {f.attname: getattr(found[0], f.attname) for f in User._meta.concrete_fields} == {
            f.attname: getattr(expected[0], f.attname) for f in User._meta.concrete_fields
        }
        with CaptureQueriesContext(connection) as related:
            agency, jurisdiction = found[0].agency, found[0].agency.jurisdiction
        assert len(related) == 0  # loaded in the same statement
        assert (agency.name, jurisdiction) == (expected[0].agency.name, expected[0].agency.jurisdiction)


def test_a_missing_row_a_null_relation_and_a_text_id(personas):
    compiled = CompiledQuery(_users, int)
    assert compiled(10**9) == []
    assert compiled(str(personas.central_admin.pk))[0].username == personas.central_admin.username
    with pytest.raises(ValueError):
        compiled("1 OR 1=1")
    no_agency = User.objects.create_user(username="khong.co.quan", password=None)
    loaded = compiled(no_agency.pk)[0]
    assert loaded.agency is None


def test_one_flat_column_and_an_aggregate(personas):
    """The menu's unread count is a compiled `values_list(flat=True)` of a grouped count."""
    officer = personas.province_a_officer
    assert unread_count(officer) == 0
    Notification.objects.bulk_create(Notification(user=officer, message=f"Tin {n}") for n in range(3))
    Notification.objects.create(user=officer, message="Đã đọc", read_at=timezone.now())
    assert unread_count(officer) == 3
    assert unread_count(personas.province_b_officer) == 0


def test_strings_reach_the_statement_unchanged(personas):
    by_name = CompiledQuery(lambda name: User.objects.filter(username=name), str)
    assert [u.pk for u in by_name(personas.central_leader.username)] == [personas.central_leader.pk]
    assert by_name("' OR ''='") == []


@pytest.mark.parametrize(
    ("build", "kinds"),
    [
        (lambda pk: User.objects.filter(pk=pk).prefetch_related("groups"), (int,)),
        (lambda pk: User.objects.filter(pk=pk).values("username"), (int,)),
        (lambda name: User.objects.filter(username__contains=name), (str,)),  # sent as %name%: not the value
        (lambda pk: User.objects.filter(pk__gt=0), (int,)),  # the value is not used at all
        (lambda day: User.objects.filter(date_joined__date=day), (dt.date,)),
    ],
)
def test_a_queryset_it_cannot_run_again_is_refused(db, build, kinds):
    with pytest.raises(ImproperlyConfigured, match="CompiledQuery"):
        CompiledQuery(build, *kinds)(*[kind(2024, 1, 1) if kind is dt.date else kind(1) for kind in kinds])


def test_the_session_store_reads_a_live_session_and_drops_an_expired_one(personas):
    live = DjangoSessionStore()
    live["x"] = "một"
    live.create()
    assert SessionStore(live.session_key).load() == {"x": "một"}
    Session.objects.filter(session_key=live.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(live.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert SessionStore("khong-co-phien-nay-1234").load() == {}
