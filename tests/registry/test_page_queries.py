"""The establishment page reads each kind of related row in a fixed number of statements: a record with many
products, photos, certificates, yearly figures, support records, industries and look-alikes costs as many
queries as one with a single row of each, on every tab. Also: the API's list reads a page by key, whatever its
size, and still counts every match."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.geo.models import Unit
from khuyencong.programmes.models import ProjectStatus
from khuyencong.registry import services
from khuyencong.registry.models import CertificationKind, Establishment, LegalForm, ProductGroup
from tests.programmes.builders import build_world, draft, walk
from tests.registry.helpers import commune, division, image_upload, make, with_figures

pytestmark = pytest.mark.django_db
TABS = ("", "san-pham", "so-lieu", "ho-tro", "lich-su")


def _add_rows(world, establishment, n: int, first: int) -> None:
    """`n` more of every kind of related row, numbered from `first`."""
    for i in range(first, first + n):
        product = services.product_create(actor=None, establishment_id=establishment.pk,
                                          data={"name": f"Giỏ mây {i}", "group": ProductGroup.HANDICRAFT})  # fmt: skip
        services.product_photo_add(actor=None, product_id=product.pk, upload=image_upload(f"anh-{i}.jpg"))
        services.certification_create(
            actor=None, establishment_id=establishment.pk,
            data={"kind": CertificationKind.OCOP, "stars": 4, "level": "tinh", "issuer": "UBND Thành phố Hà Nội",
                  "decision_number": f"{i}/QĐ-UBND", "decision_date": dt.date(2024, 3, 1), "product": product},
        )  # fmt: skip
        with_figures(establishment, 2010 + i, employees_total=10 + i, employees_insured=5, revenue=10**9)
        walk(world, draft(world, variant="local", title=f"Hỗ trợ máy móc {i}"), ProjectStatus.APPROVED)
        _look_alike(establishment.name, establishment.commune)


def _look_alike(name: str, where):
    """Another record of the same name in the same commune (confirmed as a different establishment)."""
    return services.establishment_create(actor=None, data={"name": name, "legal_form": LegalForm.COOPERATIVE,
                                                           "commune": where}, confirm_similar=True)  # fmt: skip


def _statements(client, url: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries], response.content.decode()


def _queries(client, url: str) -> tuple[int, str]:
    statements, body = _statements(client, url)
    return len(statements), body


def test_queries_do_not_grow_with_related_rows(client_for):
    world = build_world()
    establishment = world.establishment_a
    services.establishment_update(
        actor=None, establishment_id=establishment.pk, version=establishment.version,
        data={"commune": commune("01", "Bát Tràng"), "industries": [division("13"), division("16"), division("32")],
              "main_industry": division("16")},
    )  # fmt: skip
    establishment.refresh_from_db()
    url = reverse("registry:detail", args=[establishment.pk])
    for user in (world.province_a_officer, world.central_officer):
        client = client_for(user)
        _add_rows(world, establishment, 1, first=0)
        few = {tab: _queries(client, f"{url}?tab={tab}")[0] for tab in TABS}
        _add_rows(world, establishment, 4, first=1 if user == world.province_a_officer else 5)
        many = {tab: _queries(client, f"{url}?tab={tab}") for tab in TABS}
        assert {tab: count for tab, (count, _) in many.items()} == few, user
    pages = {tab: body for tab, (_, body) in many.items()}
    # Everything is still shown, in full.
    assert all(f"Giỏ mây {i}" in pages["san-pham"] and f"{i}/QĐ-UBND" in pages["san-pham"] for i in range(9))
    assert all(f">{2010 + i}<" in pages["so-lieu"] for i in range(9))
    assert all(f"Hỗ trợ máy móc {i}" in pages["ho-tro"] for i in range(9))
    look_alikes = set(re.findall(r'href="/co-so/(\d+)/">Hợp tác xã Mây tre đan Phú Vinh</a>', pages[""]))
    same = Establishment.objects.filter(commune=establishment.commune_id, name_key=establishment.name_key)
    assert look_alikes == {str(pk) for pk in same.exclude(pk=establishment.pk).order_by("name_sort", "pk")
                           .values_list("pk", flat=True)[:10]}  # fmt: skip
    assert all(code in pages[""] for code in ("13 – ", "16 – ", "32 – ")) and "ngành chính" in pages[""]


def test_a_merged_record_names_its_survivor(personas, client_for):
    survivor = make("Cơ sở Gốm Bát Tràng", where=commune("01", "Bát Tràng"))
    duplicate = _look_alike("Cơ sở Gốm Bát Tràng", commune("01", "Bát Tràng"))
    services.establishment_merge(actor=personas.province_a_leader, survivor_id=survivor.pk,
                                 duplicate_id=duplicate.pk, reason="Trùng hồ sơ")  # fmt: skip
    body = client_for(personas.province_a_officer).get(reverse("registry:detail", args=[duplicate.pk])).content.decode()
    assert "Hồ sơ này đã được gộp vào" in body and f'href="/co-so/{survivor.pk}/">Cơ sở Gốm Bát Tràng</a>' in body


def test_the_api_list_reads_a_page_by_key_and_counts_every_match(personas, client_for):
    where = commune("01", "Bát Tràng")
    for i in range(7):
        make(f"Cơ sở Gốm số {i}", where=where, industries=[division("23")], main_industry=division("23"))
    client = client_for(personas.province_a_officer)
    counts = []
    for size in (2, 7):
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/establishments", {"q": "gom", "page_size": size}).json()
        counts.append(len(captured.captured_queries))
        assert body["count"] == 7 and len(body["results"]) == size
    assert counts[0] == counts[1]
    second = client.get("/api/v1/establishments", {"q": "gom", "page_size": 3, "page": 2}).json()
    assert [row["name"] for row in second["results"]] == [f"Cơ sở Gốm số {i}" for i in (3, 4, 5)]
    assert second["results"][0]["industries"] == ["23"] and second["results"][0]["legal_form_label"] == "Hộ kinh doanh"
    beyond = client.get("/api/v1/establishments", {"q": "gom", "page_size": 3, "page": 9}).json()
    assert beyond["count"] == 7 and beyond["results"] == []
    assert client_for(personas.province_b_officer).get("/api/v1/establishments", {"q": "gom"}).json()["count"] == 0


def _unit_queries(client, url: str) -> tuple[list[str], str]:
    statements, body = _statements(client, url)
    return [sql for sql in statements if 'FROM "geo_unit"' in sql], body


def _options(body: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_list_filter_reads_each_unit_select_once(personas, client_for):
    """The province and commune options come from one statement each, however often the select is walked
    (Django walks it twice: once for its required attribute), and a provincial user's province is read once."""
    where = commune("01", "Bát Tràng")
    officer = client_for(personas.province_a_officer)
    queries, body = _unit_queries(officer, reverse("registry:list"))
    assert len(queries) == 2, queries  # the user's province, its communes
    assert _options(body, "province") == [(str(personas.province_a.pk), f"Thành phố {personas.province_a.name}")]
    assert re.search(rf'<option value="{personas.province_a.pk}"[^>]*selected', body)
    communes = _options(body, "commune")
    assert communes[0] == ("", "Tất cả") and (str(where.pk), "Xã Bát Tràng") in communes
    assert len(communes) - 1 == Unit.objects.filter(level="commune", valid_to__isnull=True,
                                                    province=personas.province_a).count() > 100  # fmt: skip

    central = client_for(personas.central_officer)
    queries, body = _unit_queries(central, reverse("registry:list"))
    assert len(queries) == 1, queries  # the provinces; no commune before a province is chosen
    provinces = _options(body, "province")
    assert provinces[0] == ("", "Tất cả") and len(provinces) - 1 == Unit.objects.filter(
        level="province", valid_to__isnull=True).count() == 34  # fmt: skip
    assert (str(personas.province_b.pk), f"Thành phố {personas.province_b.name}") in provinces
    queries, body = _unit_queries(central, reverse("registry:list") + f"?province={personas.province_a.pk}")
    assert len(queries) == 3, queries  # provinces, communes, and the chosen province cleaned into an instance
    assert dict(_options(body, "commune"))[str(where.pk)] == "Xã Bát Tràng"
