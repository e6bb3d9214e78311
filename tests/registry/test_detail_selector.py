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


@pytest.mark.django_db
def test_industries_are_read_once_in_the_orders_of_the_orm(personas):
    from tests.registry.helpers import division

    establishment = personas.establishment_a
    establishment.industries.set([division("31"), division("10"), division("13")])
    found = establishment_detail(personas.central_officer, establishment.pk)
    with CaptureQueriesContext(connection) as queries:
        shown = [(code.code, code.name) for code in found.industries.all()]
    assert len(queries) == 0
    assert shown == [(code.code, code.name) for code in establishment.industries.all()]
    assert [code for code, _ in shown] == ["10", "13", "31"]


@pytest.mark.django_db
def test_similar_records_are_the_scoped_same_name_rows(personas):
    from khuyencong.geo.models import Unit
    from khuyencong.registry.models import EstablishmentStatus, LegalForm
    from khuyencong.registry.selectors import _same_name, similar_in_scope
    from khuyencong.registry.services import establishment_create

    commune = Unit.objects.filter(level="commune", valid_to__isnull=True, province=personas.province_a).first()
    original = establishment_create(
        actor=None, data={"name": "Cơ sở Mây tre Phú Vinh", "legal_form": LegalForm.HOUSEHOLD, "commune": commune}
    )
    twins = [
        establishment_create(
            actor=None,
            confirm_similar=True,
            data={"name": original.name, "legal_form": original.legal_form, "commune": commune},
        )
        for _ in range(3)
    ]
    type(original).objects.filter(pk=twins[2].pk).update(status=EstablishmentStatus.MERGED)
    for user in (personas.central_officer, personas.province_a_officer, personas.establishment_user):
        expected = [row.pk for row in _same_name(user, original).only("name", "tax_code", "status")[:10]]
        found = similar_in_scope(user, original)
        assert [row.pk for row in found] == expected
        assert [(row.name, row.tax_code, row.status) for row in found] == [
            (twin.name, twin.tax_code, twin.status) for twin in twins[:2] if twin.pk in expected
        ]
    assert {row.pk for row in similar_in_scope(personas.central_officer, original)} == {twins[0].pk, twins[1].pk}
    assert similar_in_scope(personas.central_officer, twins[0])[0].pk == original.pk  # each sees the other
