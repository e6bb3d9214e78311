"""The establishment search: the SQLite FTS5 index gives exactly the rows of the substring search, stays in step
with every kind of write, survives a rebuilt table, and keeps the user's scope."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.core.vietnamese import fold_vi
from khuyencong.registry import search
from khuyencong.registry.models import Establishment, LegalForm
from khuyencong.registry.naming import search_text, sort_key
from khuyencong.registry.selectors import establishments_for
from khuyencong.registry.services import establishment_update
from tests.registry.helpers import commune, make

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")

NAMES = [
    ("Hợp tác xã Cà phê Ba Vì", "Ba Vi Coffee", "0100109106"),
    ("Cơ sở Cá khô Phú Xuyên", "", "0100109106-001"),
    ("Công ty TNHH Cà Phê Đắk Lắk", 'DAKLAK COFFEE; Cà-phê "Ban Mê"', "6000123450"),
    ("Hộ kinh doanh Phở 100% bò", "pho_bo *ngon* AND (that) OR: near", ""),
    ("Làng nghề Đan lát Phú Vinh", "Mây tre đan", "0101234565"),
    ("Cơ sở Bánh đa Kế", "banh da ke\\ xu", ""),
    ("Doanh nghiệp Gốm Bát Tràng", "Bat Trang Ceramics", "0109988772"),
]
QUERIES = [
    "ca phe",
    "CÀ PHÊ",
    "phê",
    "cà",
    "ca",
    "c",
    "dak lak",
    "đắk",
    "ĐẮK LẮK coffee",
    "phe ba",
    "0100109106",
    "0100",
    "109106-001",
    "-001",
    "6000",
    "00",
    "100%",
    "%",
    "_",
    "pho_bo",
    '"ban',
    'mê"',
    '"',
    '""',
    "*ngon*",
    "*",
    "AND",
    "and (that)",
    "OR:",
    "near",
    "NEAR(",
    "^",
    "\\",
    "ke\\",
    "banh da ke",
    "tre đan",
    "gom bat trang ceramics",
    "khong co dau",
    "xa",
    "ơ",
]


def _make_all():
    ba_vi = commune("01", "Ba Vì")
    made = []
    for index, (name, other, tax) in enumerate(NAMES):
        data = {"other_names": other}
        if tax:
            data["tax_code"] = tax
        made.append(make(name, where=ba_vi, legal_form=[LegalForm.HOUSEHOLD, LegalForm.COOPERATIVE][index % 2], **data))
    return made


def _expected(query: str) -> set[int]:
    """The definition: every folded word of the query is a substring of the folded search text."""
    words = search.query_words(query)
    return {
        pk for pk, text in Establishment.objects.values_list("pk", "search_folded") if all(w in text for w in words)
    }


def _found(query: str, *, fts: bool) -> set[int]:
    return set(search.search(Establishment.objects.all(), query, fts=fts).values_list("pk", flat=True))


def test_the_substring_search_matches_its_definition():
    _make_all()
    for query in QUERIES:
        assert _found(query, fts=False) == _expected(query), query


@sqlite_only
def test_the_fts_index_gives_the_same_rows_as_the_substring_search():
    _make_all()
    assert _found("ca phe", fts=True) and _found("0100", fts=True)  # the comparisons below are not all empty
    for query in QUERIES:
        assert _found(query, fts=True) == _found(query, fts=False) == _expected(query), query


@sqlite_only
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet='acdehpbnkl0169 -%_"*()^:\\đàêĐ', max_size=14))
def test_any_typed_text_gives_the_same_rows_on_both_paths(query):
    if not Establishment.objects.filter(name__in=[name for name, _, _ in NAMES]).exists():
        _make_all()
    assert _found(query, fts=True) == _found(query, fts=False) == _expected(query), query


@sqlite_only
def test_a_word_of_three_letters_or_more_is_looked_up_in_the_index():
    sql = str(search.search(Establishment.objects.all(), "cà phê", fts=True).query)
    assert f"{search.FTS_TABLE} MATCH" in sql and "LIKE %ca%" in sql and "%phe%" not in sql
    assert search.fts_phrase('a"b AND *') == '"a""b AND *"'


def _index_rows(query: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s", [search.fts_phrase(query)]
        )
        return {row[0] for row in cursor.fetchall()}


def _bulk(name: str, province) -> Establishment:
    return Establishment(
        name=name,
        name_folded=fold_vi(name),
        search_folded=search_text(name),
        name_sort=sort_key(name),
        legal_form=LegalForm.HOUSEHOLD,
        province=province,
    )


@sqlite_only
def test_the_index_follows_inserts_bulk_inserts_updates_and_deletes(personas):
    created = make("Cơ sở Nón lá Chuông", where=personas.province_a)
    assert _index_rows("non la") == {created.pk}
    bulk = Establishment.objects.bulk_create(
        [_bulk(f"Xưởng Mộc Đồng Kỵ số {n}", personas.province_a) for n in range(3)]
    )
    assert _index_rows("moc dong ky") == {e.pk for e in bulk}
    establishment_update(
        actor=None,
        establishment_id=created.pk,
        version=created.version,
        data={"name": "Cơ sở Thêu Quất Động", "legal_form": LegalForm.HOUSEHOLD},
    )
    assert _index_rows("non la") == set() and _index_rows("theu quat") == {created.pk}
    Establishment.objects.filter(pk=bulk[0].pk).update(search_folded="doi ten bang sql")
    assert _index_rows("moc dong ky") == {bulk[1].pk, bulk[2].pk} and _index_rows("bang sql") == {bulk[0].pk}
    Establishment.objects.filter(pk__in=[bulk[1].pk, created.pk]).delete()
    assert _index_rows("moc dong ky") == {bulk[2].pk} and _index_rows("theu quat") == set()
    with connection.cursor() as cursor:  # the external-content index agrees with its table
        cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


@sqlite_only
def test_lost_triggers_are_put_back_and_the_rows_written_meanwhile_indexed(personas):
    """Django rebuilds a SQLite table to alter it, dropping its triggers; post_migrate repairs them."""
    with connection.cursor() as cursor:
        for name in search.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    unseen = make("Cơ sở Sơn mài Hạ Thái", where=personas.province_a)
    assert _index_rows("son mai") == set()
    assert search.ensure_sqlite_index(connection) is True
    assert _index_rows("son mai") == {unseen.pk}
    later = make("Cơ sở Sơn mài Tương Bình Hiệp", where=personas.province_a)
    assert _index_rows("son mai") == {unseen.pk, later.pk}
    assert search.ensure_sqlite_index(connection) is False  # nothing to repair


@sqlite_only
def test_installing_the_index_indexes_the_existing_rows(personas):
    """What migration 0006 does on a database that already holds establishments."""
    search.uninstall_sqlite_index(connection)
    existing = make("Cơ sở Lụa Vạn Phúc", where=personas.province_a)
    search.install_sqlite_index(connection)
    assert _index_rows("lua van phuc") == {existing.pk}
    assert set(establishments_for(personas.central_officer, filters={"q": "lụa vạn"}).values_list("pk", flat=True)) == {
        existing.pk
    }


def test_the_search_keeps_the_users_scope(personas, client_for):
    make("HTX Cà phê Ba Vì", where=commune("01", "Ba Vì"))
    make("Công ty Cà phê Sài Gòn", where=personas.province_b)
    list_url = reverse("registry:list")
    html = client_for(personas.province_a_officer).get(list_url, {"q": "cà phê"}).content.decode()
    assert "HTX Cà phê Ba Vì" in html and "Sài Gòn" not in html
    html = client_for(personas.province_a_officer).get(list_url, {"q": "sai gon"}).content.decode()
    assert "Sài Gòn" not in html
    html = client_for(personas.central_officer).get(list_url, {"q": "phê"}).content.decode()
    assert "HTX Cà phê Ba Vì" in html and "Công ty Cà phê Sài Gòn" in html


@sqlite_only
def test_the_list_order_index_serves_deep_pages_and_comes_back_after_a_table_rebuild(personas):
    for number in range(6):
        make(f"Cơ sở số {number}", where=personas.province_a)
    keys = establishments_for(personas.central_officer, filters={}).values_list("pk", flat=True)[3:5]
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"COVERING INDEX {search.LIST_ORDER_INDEX}" in plan and "TEMP B-TREE" not in plan
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {search.LIST_ORDER_INDEX}")
    assert search.ensure_list_order_index(connection) is True
    assert search.ensure_list_order_index(connection) is False
    names = establishments_for(personas.central_officer, filters={}).values_list("name", flat=True)
    assert [name for name in names if name.startswith("Cơ sở số")] == [f"Cơ sở số {n}" for n in range(6)]
