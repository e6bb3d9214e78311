"""Load the administrative units (2025 and legacy), their successions, aliases, regions and VSIC levels 1–2
from the CSV files in khuyencong/geo/data/ (see docs/data-sources.md for where they come from)."""

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

from khuyencong.core.vietnamese import fold_vi

DATA = Path(__file__).resolve().parent.parent / "data"
REFORM_DATE = dt.date(2025, 7, 1)
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


def read(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_date(text):
    return dt.date.fromisoformat(text) if text else None


def as_float(text):
    return float(text) if text else None


def load(apps, schema_editor):
    Unit = apps.get_model("geo", "Unit")
    UnitSuccession = apps.get_model("geo", "UnitSuccession")
    UnitAlias = apps.get_model("geo", "UnitAlias")
    Region = apps.get_model("geo", "Region")
    IndustryCode = apps.get_model("geo", "IndustryCode")

    rows = sorted(read("units.csv"), key=lambda row: (LEVEL_ORDER[row["level"]], row["key"]))
    ids: dict[str, int] = {}
    province_of: dict[str, str] = {}
    for level in ("province", "district", "commune"):
        batch = []
        for row in rows:
            if row["level"] != level:
                continue
            parent_key = row["parent_key"] or None
            province_key = row["key"] if level == "province" else province_of[parent_key]
            province_of[row["key"]] = province_key
            batch.append(
                Unit(
                    key=row["key"],
                    code=row["code"],
                    name=row["name"],
                    name_folded=fold_vi(row["name"]),
                    unit_type=row["unit_type"],
                    level=level,
                    parent_id=ids[parent_key] if parent_key else None,
                    province_id=None if level == "province" else ids[province_key],
                    valid_from=as_date(row["valid_from"]),
                    valid_to=as_date(row["valid_to"]),
                    lat=as_float(row["lat"]),
                    lon=as_float(row["lon"]),
                )
            )
        Unit.objects.bulk_create(batch, batch_size=1000)
        ids.update(Unit.objects.filter(level=level).values_list("key", "id"))
    for unit in Unit.objects.filter(level="province"):
        unit.province_id = unit.id
        unit.save(update_fields=["province"])

    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(
                predecessor_id=ids[row["old_key"]],
                successor_id=ids[row["new_key"]],
                effective_date=REFORM_DATE,
                is_primary=row["note"] != "tách",
                note=row["note"],
            )
            for row in read("unit_links.csv")
        ],
        batch_size=1000,
    )
    UnitAlias.objects.bulk_create(
        [
            UnitAlias(alias=row["alias"], alias_folded=fold_vi(row["alias"]), unit_id=ids[row["key"]])
            for row in read("name_aliases.csv")
        ],
        ignore_conflicts=True,
    )
    for row in read("regions.csv"):
        region, _ = Region.objects.get_or_create(
            scheme=row["scheme"], code=row["region_code"], defaults={"name": row["region_name"]}
        )
        region.provinces.add(ids[row["province_key"]])
    codes: dict[str, int] = {}
    for row in sorted(read("vsic2018_l1_l2.csv"), key=lambda row: int(row["level"])):
        industry = IndustryCode.objects.create(
            version="2018",
            code=row["code"],
            level=int(row["level"]),
            name=row["name"],
            parent_id=codes.get(row["parent_code"]) if row["parent_code"] else None,
        )
        codes[row["code"]] = industry.id


def unload(apps, schema_editor):
    for model in ("IndustryCode", "Region", "UnitAlias", "UnitSuccession"):
        apps.get_model("geo", model).objects.all().delete()
    Unit = apps.get_model("geo", "Unit")
    Unit.objects.update(parent=None, province=None)
    Unit.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_reference_tables")]
    operations = [migrations.RunPython(load, unload)]
