"""The capped paginator: counts no further than it must, keeps "next" while rows remain, and reads pages by key."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from khuyencong.core.pagination import CappedPaginator, paginate
from khuyencong.geo.models import Unit


def page_of(rows, number, *, cap, per_page=10):
    return CappedPaginator(rows, per_page, cap=cap).get_page(number)


@pytest.mark.parametrize(
    ("total", "number", "count", "capped", "pages", "shown"),
    [
        (0, 1, 0, False, 1, []),
        (7, 1, 7, False, 1, list(range(7))),
        (30, 1, 30, False, 3, list(range(10))),  # exactly the cap: counted exactly
        (31, 1, 30, True, 4, list(range(10))),  # one more than the cap: "more than 30"
        (31, 4, 31, False, 4, [30]),  # the last page counts up to itself: exact again
        (95, 3, 30, True, 4, list(range(20, 30))),  # last counted page still has "next"
        (95, 4, 40, True, 5, list(range(30, 40))),  # a page past the cap counts up to itself, plus one
        (95, 10, 95, False, 10, list(range(90, 95))),
        (95, 11, 95, False, 10, list(range(90, 95))),  # past the end: the last page, as Django's get_page
        (95, "x", 30, True, 4, list(range(10))),  # not a number: the first page
        (95, 10**40, 95, False, 10, list(range(90, 95))),  # absurd numbers do not overflow anything
    ],
)
def test_counts_stop_at_the_cap_or_the_page(total, number, count, capped, pages, shown):
    page = page_of(list(range(total)), number, cap=30)
    assert (page.paginator.count, page.paginator.capped, page.paginator.num_pages) == (count, capped, pages)
    assert list(page) == shown
    assert page.has_next() == (shown[-1] < total - 1 if shown else False)


@pytest.mark.django_db
def test_a_queryset_is_counted_with_a_limit_and_read_by_keys_in_order():
    communes = Unit.objects.filter(level="commune").select_related("province").order_by("name", "pk")
    assert communes.count() > 200
    request = RequestFactory().get("/", {"page": "3", "q": "x"})
    with CaptureQueriesContext(connection) as queries:
        page = paginate(request, communes, per_page=20, count_cap=100, ids_first=True)
        rows = list(page)
        assert [row.province.name for row in rows]  # joined in the same query
    assert page.paginator.capped and page.paginator.count == 100 and page.number == 3
    assert [row.pk for row in rows] == list(communes.values_list("pk", flat=True)[40:60])
    assert page.querystring == "q=x"
    count_sql = queries.captured_queries[0]["sql"]
    assert "ORDER BY" not in count_sql and "LIMIT 101" in count_sql  # counted by fetching at most 101 keys
    assert len(queries.captured_queries) == 3  # capped count, the page's keys, the page's rows


@pytest.mark.django_db
def test_a_short_list_is_sorted_from_its_keys_and_an_empty_one_costs_one_query():
    """Under the cap every matching key is known from the count: the page is sorted from those keys, which
    spares the database a walk through an index in list order to find a few rare rows."""
    communes = Unit.objects.filter(level="commune", name__startswith="Ph").order_by("-name", "pk")
    total = communes.count()
    assert 25 < total < 1000
    with CaptureQueriesContext(connection) as queries:
        page = paginate(RequestFactory().get("/", {"page": "2"}), communes, per_page=10, count_cap=1000, ids_first=True)
        rows = list(page)
    assert [row.pk for row in rows] == list(communes.values_list("pk", flat=True)[10:20])
    assert page.paginator.count == total and not page.paginator.capped and len(page.paginator.all_keys) == total
    keys_sql = queries.captured_queries[1]["sql"]
    assert " IN (" in keys_sql and "ORDER BY" in keys_sql and "LIMIT 10 OFFSET 10" in keys_sql
    with CaptureQueriesContext(connection) as queries:
        empty = paginate(RequestFactory().get("/"), communes.filter(name="?"), count_cap=1000, ids_first=True)
        assert list(empty) == [] and empty.paginator.count == 0
    assert len(queries.captured_queries) == 1


@pytest.mark.django_db
def test_without_options_paginate_counts_exactly_as_before():
    communes = Unit.objects.filter(level="commune").order_by("pk")
    page = paginate(RequestFactory().get("/", {"page": "2"}), communes, per_page=20)
    assert page.paginator.count == communes.count() and not getattr(page.paginator, "capped", False)
    assert [row.pk for row in page] == list(communes.values_list("pk", flat=True)[20:40])


@pytest.mark.django_db
def test_a_list_can_read_its_rows_by_key_with_its_own_function():
    communes = Unit.objects.filter(level="commune", name__startswith="T").order_by("-name", "pk")
    asked = []

    def rows_for(ids):
        asked.append(list(ids))
        return Unit.objects.filter(pk__in=ids)  # unordered on purpose: the page keeps the keys' order

    page = paginate(RequestFactory().get("/", {"page": "2"}), communes, per_page=7, ids_first=rows_for)
    expected = list(communes.values_list("pk", flat=True)[7:14])
    assert asked == [expected] and [row.pk for row in page] == expected
    assert page.paginator.count == communes.count() and not page.paginator.capped  # no cap asked: exact count
