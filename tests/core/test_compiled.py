"""Querysets compiled once per connection (core/compiled.py): the same statement and the same objects as the
ORM's, related rows included, for any values; and a clear refusal for a queryset it cannot run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.accounts.sessions import SessionStore
from khuyencong.core.compiled import CompiledQuery
from khuyencong.programmes.models import Notification, RuleScope, RuleSet
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
        (lambda day: User.objects.filter(date_joined__gte=day), (dt.date,)),  # sent as a datetime
        (lambda moment: User.objects.filter(date_joined__gte=moment), (dt.datetime,)),  # no datetime kind
        (lambda ids: User.objects.filter(pk__in=ids), ([str],)),  # collections of ids only
        (lambda pk: User.objects.filter(pk=pk)[: 1 if pk < 30_000 else 2], (int,)),  # the value shapes the statement
        (lambda pk: User.objects.filter(pk=pk) | User.objects.filter(pk=29_000), (int,)),  # a constant like a value
    ],
)
def test_a_queryset_it_cannot_run_again_is_refused(db, build, kinds):
    values = {dt.date: dt.date(2024, 1, 1), dt.datetime: dt.datetime(2024, 1, 1, 8, 0), int: 1}
    with pytest.raises(ImproperlyConfigured, match="CompiledQuery"):
        CompiledQuery(build, *kinds)(*[values.get(kind, [1]) for kind in kinds])


def _in_force(day, scope):
    return RuleSet.objects.filter(RuleSet.valid_on_q(day), scope=scope).order_by("-valid_from")


@pytest.mark.django_db
def test_dates_reach_the_statement_as_the_backend_adapts_them():
    """A day filters as in the ORM (a string on SQLite, a date on PostgreSQL), before, inside and after a
    period, and on the period's own first and last days."""
    RuleSet.objects.all().delete()
    old = RuleSet.objects.create(code="CU", name="Cũ", scope=RuleScope.NATIONAL, valid_from=dt.date(2012, 1, 1),
                                 valid_to=dt.date(2018, 6, 30))  # fmt: skip
    new = RuleSet.objects.create(code="MOI", name="Mới", scope=RuleScope.NATIONAL, valid_from=dt.date(2018, 7, 1))
    compiled = CompiledQuery(_in_force, dt.date, str)
    days = [dt.date(2011, 12, 31), dt.date(2012, 1, 1), dt.date(2018, 6, 30), dt.date(2018, 7, 1), dt.date(2026, 12, 6)]
    for day in days:
        with CaptureQueriesContext(connection) as orm:
            expected = list(_in_force(day, RuleScope.NATIONAL))
        with CaptureQueriesContext(connection) as ours:
            found = compiled(day, RuleScope.NATIONAL)
        assert [q["sql"] for q in ours] == [q["sql"] for q in orm]
        assert [r.pk for r in found] == [r.pk for r in expected]
    assert [[r.pk for r in compiled(day, RuleScope.NATIONAL)] for day in days] == [[], [old.pk], [old.pk], [new.pk],
                                                                                     [new.pk]]  # fmt: skip
    with pytest.raises(TypeError):
        compiled(dt.datetime(2020, 1, 1, 8, 0), RuleScope.NATIONAL)


def _others(ids, agency_ids, excluded):
    return User.objects.filter(pk__in=ids, agency_id__in=agency_ids).exclude(pk=excluded).order_by("pk")


def test_collections_of_ids_compiled_per_size(personas, django_assert_num_queries):
    people = [personas.central_admin, personas.central_officer, personas.province_a_officer,
              personas.province_a_leader, personas.province_b_officer]  # fmt: skip
    agencies = sorted({user.agency_id for user in people})
    compiled = CompiledQuery(_others, [int], [int], int)
    cases = [
        ([p.pk for p in people], agencies, people[0].pk),
        ([p.pk for p in people[:2]] * 3, agencies[:1], 0),  # duplicates are dropped, as in Django
        ([people[2].pk, people[4].pk], agencies, people[4].pk),
        ({people[3].pk}, (agencies[-1],), 0),
    ]
    answers = []
    for ids, agency_ids, excluded in cases:
        with CaptureQueriesContext(connection) as orm:
            expected = [user.pk for user in _others(ids, agency_ids, excluded)]
        with CaptureQueriesContext(connection) as ours:
            found = [user.pk for user in compiled(ids, agency_ids, excluded)]
        assert found == expected
        assert [q["sql"] for q in ours] == [q["sql"] for q in orm]
        answers.append(found)
    assert all(answers[:3])  # the cases find people (not only empty answers)
    # An empty collection runs through the ORM (Django answers without a query).
    with django_assert_num_queries(0):
        assert compiled([], agencies, 0) == []
    # Beyond MAX_SIZES sizes per connection, the ORM as usual: same answer.
    compiled.MAX_SIZES = len(compiled._compiled[connections["default"]])
    assert [u.pk for u in compiled([p.pk for p in people[:3]], agencies, 0)] == [
        u.pk for u in _others([p.pk for p in people[:3]], agencies, 0)
    ]
    assert len(compiled._compiled[connections["default"]]) == compiled.MAX_SIZES


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
