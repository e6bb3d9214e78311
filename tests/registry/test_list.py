"""The establishment list at national scale: a capped count with its message and links, the page read by keys."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from khuyencong.geo.models import Unit, UnitType
from khuyencong.registry import views
from khuyencong.registry.forms import UNIT_PREFIXES, UnitChoiceField
from khuyencong.registry.selectors import establishment_rows
from tests.registry.helpers import commune, make, with_figures

pytestmark = pytest.mark.django_db
LIST = reverse("registry:list")


def names_on(html: str) -> list[str]:
    return re.findall(r'<a href="/co-so/\d+/">([^<]+)</a>', html)


@pytest.fixture
def twelve(personas):
    """Twelve establishments in Ba Vì (plus the personas' own one in Hà Nội): 13 for the province officer."""
    ba_vi = commune("01", "Ba Vì")
    return [make(f"Cơ sở Cà phê số {number:02d}", where=ba_vi) for number in range(12)]


def test_a_long_list_says_more_than_the_cap_and_keeps_the_next_link(
    personas, client_for, twelve, settings, monkeypatch
):
    settings.PAGE_SIZE = 3
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 5)
    client = client_for(personas.province_a_officer)
    html = client.get(LIST, {"q": "ca phe"}).content.decode()
    assert names_on(html) == ["Cơ sở Cà phê số 00", "Cơ sở Cà phê số 01", "Cơ sở Cà phê số 02"]
    assert "Hơn 5 bản ghi" in html and "Trang 1</span>" in html and "Trang 1 /" not in html
    assert 'href="?q=ca+phe&amp;page=2" rel="next"' in html and "Cuối" not in html
    # a page past the cap counts up to itself: page 4 of 3 rows each is exact (12 rows), with its last link
    html = client.get(LIST, {"q": "ca phe", "page": 4}).content.decode()
    assert names_on(html) == ["Cơ sở Cà phê số 09", "Cơ sở Cà phê số 10", "Cơ sở Cà phê số 11"]
    assert "12 bản ghi" in html and "Hơn" not in html and "Trang 4 / 4" in html and 'rel="next"' not in html
    # page 3 of a capped count still has "next"
    html = client.get(LIST, {"q": "ca phe", "page": 3}).content.decode()
    assert "Hơn 9 bản ghi" in html and 'page=4" rel="next"' in html and names_on(html)[0] == "Cơ sở Cà phê số 06"


def test_a_short_list_keeps_its_exact_count_and_last_link(personas, client_for, twelve, settings):
    settings.PAGE_SIZE = 5
    html = client_for(personas.province_a_officer).get(LIST).content.decode()
    assert "13 bản ghi" in html and "Trang 1 / 3" in html and "Cuối" in html and "Hơn" not in html


def test_the_capped_count_in_english(personas, client_for, twelve, settings, monkeypatch):
    settings.PAGE_SIZE = 3
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 1000)
    client = client_for(personas.province_a_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(LIST, {"page": 2}).content.decode()
    assert "Page 2 of 5" in html and "13 records" in html
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 4)
    html = client.get(LIST, {"page": 2}).content.decode()
    assert "More than 6 records" in html and "Page 2</span>" in html


def test_the_page_is_read_in_three_queries_of_the_list(personas, client_for, twelve, django_assert_max_num_queries):
    """The list's own SQL: capped count, the page's keys, the page's rows (with their units, in one query)."""
    client = client_for(personas.central_officer)
    client.get(LIST)
    with django_assert_max_num_queries(18):
        html = client.get(LIST, {"q": "cà phê số"}).content.decode()
    assert len(names_on(html)) == 12 and "Ba Vì" in html and "Hà Nội" in html


def test_the_rows_read_by_key_stay_in_the_users_scope(personas):
    own = make("HTX Cà phê Ba Vì", where=commune("01", "Ba Vì"))
    other = make("Công ty Cà phê Sài Gòn", where=personas.province_b)
    rows = establishment_rows(personas.province_a_officer, [own.pk, other.pk])
    assert [row.pk for row in rows] == [own.pk]
    both = establishment_rows(personas.central_officer, [own.pk, other.pk])
    assert {row.pk for row in both} == {own.pk, other.pk} and all(row.is_certified is False for row in both)


def _cells(html: str, name: str) -> list[str]:
    """The cells of the row whose first cell links to `name`, tags removed."""
    row = re.search(rf"<tr>\s*<td><a href=\"/co-so/\d+/\">{name}</a>.*?</tr>", html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_each_row_shows_its_labels_in_the_users_language(personas, client_for):
    coffee = make("HTX Cà phê Ba Vì", where=commune("01", "Ba Vì"), legal_form="hop_tac_xa", tax_code="0100109106")
    with_figures(coffee, 2024, employees_insured=8, revenue=2 * 10**9)
    make("Hộ Bánh Chờ", where=commune("01", "Ba Vì"))
    client = client_for(personas.central_officer)
    html = client.get(LIST).content.decode()
    assert _cells(html, "HTX Cà phê Ba Vì")[1:] == [
        "Hợp tác xã", "0100109106", "Ba Vì", "Hà Nội", "", "Siêu nhỏ", "Đang hoạt động"
    ]  # fmt: skip
    assert _cells(html, "Hộ Bánh Chờ")[1:] == ["Hộ kinh doanh", "", "Ba Vì", "Hà Nội", "", "—", "Đang hoạt động"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(LIST).content.decode()
    assert _cells(html, "Hộ Bánh Chờ")[1] == "Household business" and _cells(html, "Hộ Bánh Chờ")[-1] == "Active"
    assert _cells(html, "HTX Cà phê Ba Vì")[-2] == "Micro"


def test_unit_labels_match_the_units_own_prefix():
    field = UnitChoiceField(queryset=Unit.objects.none())
    for unit_type in UnitType:
        unit = Unit(unit_type=unit_type.value, name="Ba Vì")
        assert field.label_from_instance(unit) == f"{unit.type_prefix} Ba Vì"
    assert UNIT_PREFIXES["thanh_pho_tw"] == "Thành phố" and UNIT_PREFIXES["xa"] == "Xã"
