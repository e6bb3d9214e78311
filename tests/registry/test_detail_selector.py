"""The establishment page loads its record once, with the related objects it shows, through the scope filter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.core.errors import NotFound
from khuyencong.registry.selectors import establishment_detail


@pytest.mark.django_db
def test_one_query_for_the_record_and_its_related_objects(personas):
    from khuyencong.accounts.access import user_scope
    from khuyencong.accounts.roles import user_roles

    officer = personas.province_a_officer
    user_roles(officer), user_scope(officer)  # the request's floor, read before the page
    with CaptureQueriesContext(connection) as queries:
        found = establishment_detail(officer, personas.establishment_a.pk)
        assert found.province.name and list(found.industries.all()) is not None
    establishment_queries = [q for q in queries.captured_queries if '"registry_establishment"' in q["sql"]]
    assert len(establishment_queries) == 1, [q["sql"] for q in establishment_queries]


@pytest.mark.django_db
def test_out_of_scope_is_not_found(personas):
    with pytest.raises(NotFound):
        establishment_detail(personas.province_b_officer, personas.establishment_a.pk)
    assert establishment_detail(personas.central_officer, personas.establishment_a.pk) == personas.establishment_a
