"""The import's create path writes below the ORM (core/bulk_insert.py): the rows it writes — establishments,
yearly figures, industry links, audit events — must be exactly those the ORM path (`_apply` on instances,
`bulk_create`, `audit_record`) writes, on SQLite and on PostgreSQL; the search index must find them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from khuyencong.audit.models import AuditEvent
from khuyencong.audit.services import audit_record
from khuyencong.core import bulk_insert
from khuyencong.geo.models import Unit
from khuyencong.imports.models import ImportBatch
from khuyencong.registry import rules
from khuyencong.registry.models import Establishment, LegalForm, Source, YearlyFigures
from khuyencong.registry.search import search
from khuyencong.registry.services import (
    ImportItem,
    _apply,
    clean_figures,
    clean_profile,
    establishments_import,
    name_columns,
)
from tests.imports.builders import tax_code
from tests.registry.helpers import commune, division

pytestmark = pytest.mark.django_db

THROUGH = Establishment.industries.through
TIMESTAMPS = {"id", "created_at", "updated_at"}


def orm_create(*, actor, batch, items: list[ImportItem]) -> None:
    """The create path as it was written on the ORM before the bulk rewrite: the reference."""
    sizes = rules.SizeRules()
    new = []
    for item in items:
        establishment = Establishment(
            province=item.province,
            source=Source.IMPORT,
            import_batch=batch,
            legacy_commune=item.legacy_commune,
            commune_as_written=item.written[:300],
            created_by=actor,
        )
        _apply(establishment, item.profile)
        new.append(establishment)
    new_figures = []
    for establishment, item in zip(new, items, strict=True):
        if item.figures is not None:
            year, values = item.figures
            figures = YearlyFigures(year=year, **{key: value for key, value in values.items() if value is not None})
            figures.size_class = sizes.size(establishment, figures)
            if figures.size_class:
                establishment.size_class, establishment.size_year = figures.size_class, year
            new_figures.append((establishment, figures))
    Establishment.objects.bulk_create(new, batch_size=500)
    for establishment, figures in new_figures:
        figures.establishment = establishment
    YearlyFigures.objects.bulk_create([figures for _, figures in new_figures], batch_size=500)
    THROUGH.objects.bulk_create(
        [THROUGH(establishment_id=e.pk, industrycode_id=industry.pk) for e in new for industry in e._pending_industries]
    )
    for establishment, item in zip(new, items, strict=True):
        audit_record(
            actor=actor,
            action="establishment.import_create",
            obj=establishment,
            after={"batch": batch.pk, "row": item.row_number, "tax_code": establishment.tax_code},
        )


def items_for_test() -> list[ImportItem]:
    """Rows as the importer hands them over: every kind of column (dates, decimals, FKs, empty values),
    figures deciding a size class, figures that cannot, no figures; a legacy commune as written."""
    bat_trang, ba_vi = commune("01", "Bát Tràng"), commune("01", "Ba Vì")
    hanoi = bat_trang.province
    legacy = Unit.objects.filter(level="commune", valid_to__isnull=False).order_by("pk").first()
    pottery, crafts, trade = division("23"), division("32"), division("47")
    rows = [
        (
            {"name": "HTX Gốm  Bát Tràng", "legal_form": LegalForm.COOPERATIVE, "tax_code": tax_code(1),
             "commune": bat_trang, "main_industry": pottery, "industries": [crafts], "other_names": "Gốm BT\nGốm BT",
             "business_reg_no": "0107 001", "business_reg_date": dt.date(2015, 3, 12), "address": "Xóm 3",
             "phone": "0912 345 678", "email": "Gom@Example.vn", "website": "gom.example.vn",
             "latitude": "21.0", "longitude": Decimal("105.9123456"), "year_founded": 1998,
             "main_products": "Bát\n\nĐĩa", "representative": "Lê Thị Gốm", "representative_title": "Giám đốc",
             "craft_village": "Làng gốm Bát Tràng"},
            (2024, {"employees_total": 40, "employees_insured": 12, "revenue": 5 * 10**9, "note": "ước"}),
        ),
        (
            {"name": "Cơ sở mây tre Phú Cường", "legal_form": LegalForm.HOUSEHOLD, "commune": ba_vi},
            None,
        ),
        (
            {"name": "Cửa hàng Đồ gỗ", "legal_form": LegalForm.ENTERPRISE, "tax_code": tax_code(2),
             "main_industry": trade, "industries": [trade, crafts]},
            (2023, {"employees_total": 8}),  # nothing decides a size: "" and no size year
        ),
        (
            {"name": "Tổ hợp tác Dệt Phong Vân", "legal_form": LegalForm.COOPERATIVE_GROUP, "commune": ba_vi,
             "industries": [crafts]},
            (2024, {"employees_insured": 250, "capital": 10**12}),
        ),
    ]  # fmt: skip
    items = []
    for number, (data, figures) in enumerate(rows * 3):
        data = {**data, "name": f"{data['name']} {number}"}
        if data.get("tax_code"):
            data["tax_code"] = tax_code(100 + number)
        profile = clean_profile(data)
        items.append(
            ImportItem(
                action="create",
                target_id=None,
                profile=profile,
                provided=set(data),
                province=profile["commune"].province if profile["commune"] else hanoi,
                legacy_commune=legacy if number % 2 else None,
                written="Xã Cũ, Huyện Cũ, Hà Tây" if number % 2 else "",
                figures=clean_figures(figures[1], year=figures[0]) if figures else None,
                row_number=7 + number,
                names=name_columns(
                    profile["name"], profile["other_names"], profile["tax_code"], profile["business_reg_no"]
                ),
            )
        )
    return items


def written_rows(batch) -> dict:
    """Everything the import wrote, ids replaced by the establishment's position and timestamps left out."""
    establishments = list(Establishment.objects.filter(import_batch=batch).order_by("pk").values())
    position = {row["id"]: index for index, row in enumerate(establishments)}
    for row in establishments:
        assert row["created_at"] is not None and row["updated_at"] is not None
    figures = YearlyFigures.objects.filter(establishment__import_batch=batch).order_by("establishment_id", "year")
    links = THROUGH.objects.filter(establishment__import_batch=batch).order_by("pk")
    events = AuditEvent.objects.filter(action="establishment.import_create", object_id__in=map(str, position))
    events = list(events.order_by("pk").values())
    assert all(event["at"] is not None for event in events)
    return {
        "establishments": [{k: v for k, v in row.items() if k not in TIMESTAMPS} for row in establishments],
        "figures": [
            {
                **{k: v for k, v in row.items() if k not in TIMESTAMPS},
                "establishment_id": position[row["establishment_id"]],
            }
            for row in figures.values()
        ],
        "links": [(position[e], industry) for e, industry in links.values_list("establishment_id", "industrycode_id")],
        "events": [
            {
                **{k: v for k, v in event.items() if k not in {"id", "at"}},
                "object_id": position[int(event["object_id"])],
            }
            for event in events
        ],
    }


def written_by(write, batch) -> dict:
    """The rows `write()` leaves, then undone (a savepoint), so both paths can write the same tax codes."""
    with transaction.atomic():
        write()
        rows = written_rows(batch)
        transaction.set_rollback(True)
    return rows


@pytest.mark.parametrize("limit", [None, 100], ids=["backend-limit", "100-parameters"])
def test_bulk_create_path_writes_exactly_the_rows_of_the_orm_path(personas, monkeypatch, limit):
    if limit is not None:  # many small statements: ids must still follow the rows
        monkeypatch.setattr(bulk_insert, "max_params", lambda connection: limit)
    officer = personas.province_a_officer
    batch = ImportBatch.objects.create(
        kind="establishments", file="imports/x.xlsx", original_name="x.xlsx", file_format="xlsx", file_size=1,
        file_hash="0" * 64, as_of=dt.date(2025, 7, 1), created_by=officer,
    )  # fmt: skip
    items = items_for_test()

    expected = written_by(lambda: orm_create(actor=officer, batch=batch, items=items), batch)
    actual = written_by(lambda: establishments_import(actor=officer, batch=batch, items=items), batch)

    assert len(expected["establishments"]) == len(items) == 12
    assert len(expected["figures"]) == 9 and len(expected["links"]) == 15 and len(expected["events"]) == 12
    assert {row["size_class"] for row in expected["establishments"]} == {"small", "large", ""}  # sizes decided
    for part in ("establishments", "figures", "links", "events"):
        assert actual[part] == expected[part], part


def test_imported_rows_are_found_by_the_search_box(personas):
    batch = ImportBatch.objects.create(
        kind="establishments", file="imports/x.xlsx", original_name="x.xlsx", file_format="xlsx", file_size=1,
        file_hash="0" * 64, as_of=dt.date(2025, 7, 1),
    )  # fmt: skip
    items = items_for_test()
    with transaction.atomic():
        assert establishments_import(actor=None, batch=batch, items=items) == (12, 0)
    found = search(Establishment.objects.filter(import_batch=batch), "gom bat trang")
    assert sorted(found.values_list("name", flat=True)) == [
        "HTX Gốm Bát Tràng 0",
        "HTX Gốm Bát Tràng 4",
        "HTX Gốm Bát Tràng 8",
    ]
    assert search(Establishment.objects.filter(import_batch=batch), tax_code(102)).get().name == "Cửa hàng Đồ gỗ 2"
    event = AuditEvent.objects.get(action="establishment.import_create", object_label="Cửa hàng Đồ gỗ 2")
    assert event.actor_id is None and event.actor_label == "Hệ thống" and event.after["tax_code"] == tax_code(102)


def test_statements_use_the_backends_real_parameter_limit():
    limit = bulk_insert.max_params(connection)
    if connection.vendor == "sqlite":
        assert limit >= 999  # SQLite ≥ 3.32 allows 32,766; Django assumes 999
    else:
        assert limit == bulk_insert.POSTGRESQL_MAX_PARAMS


def test_a_field_with_a_callable_default_must_be_given_per_row():
    # ImportBatch.headers defaults to list(): one list shared by every row would be wrong.
    with pytest.raises(ValueError, match="headers"):
        bulk_insert.insert_rows(ImportBatch, ["kind"], [("establishments",)])
