"""Database pagination for every list page.

`paginate` counts every matching row, as Django's paginator does. A list whose COUNT(*) is costly (a search
over 300,000 establishments that no index narrows enough) can opt in to a capped count with
`paginate(…, count_cap=1000)`: the database counts at most `count_cap` rows past the start, or as many as the
requested page needs plus one, and the page says "Hơn 1.000 bản ghi" instead of the exact figure; the next
page link stays as long as there are more rows, the last-page link disappears while the total is unknown.

`ids_first=True` reads a page in two steps: the primary keys of the page's rows (the ORDER BY … LIMIT/OFFSET
over the narrow key columns only), then those rows with their joins and annotations. A database sorts or
skips thousands of rows to find one page; this way it does not carry every row's joined columns and
annotations along. The second step re-applies the list's filters; a selector can pass instead a function
`ids → queryset` (`ids_first=rows_for`) that reads the rows by key alone (in the user's scope), when
re-running the filters would make the database look for the 25 rows the slow way. The capped count fetches
the keys themselves (at most cap + 1 of them); when no more than `cap` match, the page is sorted from those
keys, not found by walking an index in list order past every row that does not match.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

DEFAULT_COUNT_CAP = 1000
# Pages further than this are not counted towards (a typed ?page=10**30 must not overflow the SQL LIMIT).
MAX_PAGE_NUMBER = 10**6
# Up to this many rows the capped count fetches the keys instead of COUNT(*) (same scan, ≤ 40 KB of integers).
KEYS_INSTEAD_OF_COUNT = 5001


class CappedPaginator(Paginator):
    """A paginator that stops counting past `cap` rows (or past the requested page, if that is further).

    `count` is the exact number of rows when `capped` is False; otherwise at least `count` + 1 rows match
    and `num_pages` includes one page beyond the rows counted, so the last counted page has a "next" link.
    """

    def __init__(self, object_list, per_page, *, cap: int | None = DEFAULT_COUNT_CAP,
                 ids_first: bool | Callable[[list], QuerySet] = False, **kwargs):  # fmt: skip
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.ids_first = ids_first
        self.wanted_number = 1
        self.all_keys: list | None = None  # every matching key, when the count found no more than `cap`

    def get_page(self, number):
        """Like Paginator.get_page: an invalid number gives the first page, one past the end the last page."""
        try:
            self.wanted_number = min(max(1, int(number)), MAX_PAGE_NUMBER)
        except (TypeError, ValueError):
            self.wanted_number = 1
        return super().get_page(number)

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        rows = self.object_list
        if self.cap is None:
            return (rows.count() if isinstance(rows, QuerySet) else len(rows)), False
        limit = max(self.cap, self.wanted_number * self.per_page) + 1
        if not isinstance(rows, QuerySet):
            found = len(rows[:limit])
        elif limit <= KEYS_INSTEAD_OF_COUNT:
            # The same scan as COUNT(*) over a LIMIT, but it keeps the keys: a short list is then read by key
            keys = list(rows.order_by().values_list("pk", flat=True)[:limit])
            found = len(keys)
            if found <= self.cap:
                self.all_keys = keys
        else:
            found = rows.order_by().values("pk")[:limit].count()
        if found >= limit:
            return limit - 1, True
        return found, False

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        """True when more rows match than were counted."""
        return self._counted[1]

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return math.ceil(self.count / self.per_page) + 1
        return super().num_pages

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.ids_first or not isinstance(self.object_list, QuerySet):
            return self._get_page(self.object_list[bottom:top], number, self)
        if not self.capped and bottom >= self.count:
            return self._get_page([], number, self)  # an empty list: no query
        ordered = self.object_list
        if self.all_keys is not None:
            # A few matches: sort them by key rather than let the database walk an index in list order
            # looking for them (a rare word without an index, e.g. two letters on SQLite: 0.7 s -> ~0.1 s).
            ordered = ordered.filter(pk__in=self.all_keys)
        ids = list(ordered.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self._rows_by_key(ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    def _rows_by_key(self, ids: list) -> QuerySet:
        if callable(self.ids_first):
            return self.ids_first(ids)
        return self.object_list.order_by().filter(pk__in=ids)


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    per_page: int | None = None,
    count_cap: int | None = None,
    ids_first: bool | Callable[[list], QuerySet] = False,
) -> Page:
    """The requested page (?page=N, clamped to the valid range) with LIMIT/OFFSET done by the database.

    `count_cap`: count at most that many rows (see CappedPaginator). `ids_first`: read the page's keys first.
    """
    per_page = per_page or settings.PAGE_SIZE
    if count_cap is None and not ids_first:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CappedPaginator(queryset, per_page, cap=count_cap, ids_first=ids_first)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    return page


__all__ = ["CappedPaginator", "EmptyPage", "PageNotAnInteger", "paginate"]
