#!/usr/bin/env python3
"""Generate the administrative-unit and classification data files in khuyencong/geo/data/.

Development-time tool. It reads the datasets shipped inside the MIT-licensed PyPI package
``vietnamadminunits`` and cross-checks them against ``vietnam-provinces``; neither package is a
dependency of the project at run time. Run it with a throwaway virtualenv outside the repository:

    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install -r tools/geo/requirements.txt
    /tmp/geo-venv/bin/python tools/geo/build_units.py            # regenerate khuyencong/geo/data/
    /tmp/geo-venv/bin/python tools/geo/build_units.py --check    # verify the committed files only

Output is deterministic: sorted rows, NFC text, UTF-8 without BOM, LF line endings, fixed float
formatting. Every check listed in docs/data-sources.md runs before anything is written; a failed
check aborts with exit status 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference  # sibling module, importable once the folder is on sys.path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "khuyencong" / "geo" / "data"

ERA_NEW, ERA_OLD = "2025", "legacy"
NEW_FROM, OLD_TO = "2025-07-01", "2025-06-30"
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}
ERA_RANK = {ERA_NEW: 0, ERA_OLD: 1}

EXPECTED_NEW_PROVINCES = 34
EXPECTED_NEW_COMMUNES = 3321  # QĐ 19/2025/QĐ-TTg: 2,621 xã + 687 phường + 13 đặc khu
EXPECTED_OLD_PROVINCES = 63
# Not hard requirements (the GSO list before 1 July 2025); a difference is reported, not fatal.
EXPECTED_OLD_DISTRICTS = 696
EXPECTED_OLD_COMMUNES = 10035

KNOWN_SUCCESSORS = {  # legacy province name -> 2025 province name (domain brief §2)
    "Bình Phước": "Đồng Nai",
    "Bến Tre": "Vĩnh Long",
    "Bắc Kạn": "Thái Nguyên",
    "Kiên Giang": "An Giang",
    "Thái Bình": "Hưng Yên",
    "Bắc Giang": "Bắc Ninh",
    "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng",
}

# Full-name prefixes in the package data -> unit_type, per level and era. Longest prefix first.
PREFIXES = {
    ("province", ERA_NEW): [("Thành phố ", "thanh_pho_tw"), ("Tỉnh ", "tinh")],
    ("province", ERA_OLD): [("Thành phố ", "thanh_pho_tw"), ("Tỉnh ", "tinh")],
    ("district", ERA_OLD): [
        ("Thành phố ", "thanh_pho_thuoc_tinh"),
        ("Thị xã ", "thi_xa"),
        ("Huyện ", "huyen"),
        ("Quận ", "quan"),
    ],
    ("commune", ERA_OLD): [("Thị trấn ", "thi_tran"), ("Phường ", "phuong"), ("Xã ", "xa")],
    ("commune", ERA_NEW): [("Đặc khu ", "dac_khu"), ("Phường ", "phuong"), ("Xã ", "xa")],
}
TYPE_WORD = {  # the package's own type column, for a consistency check
    "phuong": "Phường",
    "xa": "Xã",
    "thi_tran": "Thị trấn",
    "dac_khu": "Đặc khu",
    "quan": "Quận",
    "huyen": "Huyện",
    "thi_xa": "Thị xã",
    "thanh_pho_thuoc_tinh": "Thành phố",
}
BBOX_MIN_INSIDE = 0.8  # a legacy province/district bbox must contain 80 % of its communes' centres


class BuildError(Exception):
    pass


def fail(msg: str) -> None:
    raise BuildError(msg)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def fold(text: str) -> str:
    """Same key as khuyencong.core.vietnamese.fold_vi (kept local: this tool must not import Django)."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def fmt_float(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


BBox = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat


def parse_bounds(text: str | None) -> BBox | None:
    """Package bounds look like 'lat1,lon1 – lat2,lon2' (corners of a geocoder viewport)."""
    if not text:
        return None
    corners = [part.strip() for part in text.split("–")]
    if len(corners) != 2:
        fail(f"unexpected bounds format: {text!r}")
    (lat1, lon1), (lat2, lon2) = (tuple(float(v) for v in c.split(",")) for c in corners)
    return (min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))


def envelope(boxes: list[BBox], points: list[tuple[float, float]]) -> BBox:
    """Smallest bbox holding all ``boxes`` and all (lat, lon) ``points``."""
    lons = [b[0] for b in boxes] + [b[2] for b in boxes] + [p[1] for p in points]
    lats = [b[1] for b in boxes] + [b[3] for b in boxes] + [p[0] for p in points]
    return (min(lons), min(lats), max(lons), max(lats))


def inside(box: BBox, lat: float, lon: float) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def fmt_bbox(box: BBox | None) -> str:
    return "" if box is None else " ".join(fmt_float(v) for v in box)


def split_name(full: str, level: str, era: str) -> tuple[str, str]:
    full = nfc(full)
    for prefix, unit_type in PREFIXES[(level, era)]:
        # case-insensitive: the package has a few "Thị Trấn …"
        if full[: len(prefix)].casefold() == prefix.casefold() and len(full) > len(prefix):
            return full[len(prefix) :].strip(), unit_type
    fail(f"{era} {level} name without a known type prefix: {full!r}")
    raise AssertionError  # unreachable


def key(era: str, level: str, code: str) -> str:
    return f"{era}:{level}:{code}"


@dataclass
class Unit:
    key: str
    code: str
    name: str
    unit_type: str
    level: str
    parent_key: str
    era: str
    lat: float | None = None
    lon: float | None = None
    bbox: BBox | None = None

    def row(self) -> list[str]:
        return [
            self.key,
            self.code,
            self.name,
            self.unit_type,
            self.level,
            self.parent_key,
            NEW_FROM if self.era == ERA_NEW else "",
            OLD_TO if self.era == ERA_OLD else "",
            fmt_float(self.lat),
            fmt_float(self.lon),
            fmt_bbox(self.bbox),
        ]


# ---------------------------------------------------------------------------------------------
# Loading the package data
# ---------------------------------------------------------------------------------------------


def package_data_dir() -> Path:
    try:
        import vietnamadminunits  # imported here so --help works without the package
    except ImportError:
        fail("vietnamadminunits is not installed: run this script with the throwaway venv (see the module docstring)")

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def load_rows(db: Path, table: str) -> list[dict]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM [{table}]")]


def one_value(values: dict, what: str):
    """All rows describing the same unit must agree; return the single value."""
    if len(values) != 1:
        fail(f"inconsistent {what}: {sorted(map(str, values))[:5]}")
    return next(iter(values))


def build_units(data_dir: Path, log: list[str]):
    db = data_dir / "dataset.db"
    new_rows = load_rows(db, "admin_units")
    old_rows = load_rows(db, "admin_units_legacy")
    units: dict[str, Unit] = {}

    def add(unit: Unit) -> None:
        if unit.key in units:
            fail(f"duplicate key {unit.key}")
        units[unit.key] = unit

    # --- 2025 provinces and communes ---------------------------------------------------------
    new_prov: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    new_prov_by_pkey: dict[str, str] = {}
    new_ward_by_pkey: dict[tuple[str, str], str] = {}
    for r in new_rows:
        pc = r["provinceCode"]
        for field in ("province", "provinceLat", "provinceLon", "provinceKey"):
            new_prov[pc][field].add(r[field])
        name, unit_type = split_name(r["ward"], "commune", ERA_NEW)
        if TYPE_WORD[unit_type] != r["wardType"]:  # the name is right in every case seen (checked upstream)
            log.append(
                f"  package type column disagrees with the name of 2025:{r['wardCode']} {r['ward']!r}: "
                f"{r['wardType']!r}; the name prefix is used"
            )
        if len(r["wardCode"]) != 5 or not r["wardCode"].isdigit():
            fail(f"bad 2025 commune code {r['wardCode']!r}")
        add(
            Unit(
                key(ERA_NEW, "commune", r["wardCode"]),
                r["wardCode"],
                name,
                unit_type,
                "commune",
                key(ERA_NEW, "province", pc),
                ERA_NEW,
                r["wardLat"],
                r["wardLon"],
            )
        )
        new_ward_by_pkey[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
    for pc, f in new_prov.items():
        if len(pc) != 2 or not pc.isdigit():
            fail(f"bad 2025 province code {pc!r}")
        name, unit_type = split_name(one_value(f["province"], f"name of 2025 province {pc}"), "province", ERA_NEW)
        add(
            Unit(
                key(ERA_NEW, "province", pc),
                pc,
                name,
                unit_type,
                "province",
                "",
                ERA_NEW,
                one_value(f["provinceLat"], f"lat of 2025 province {pc}"),
                one_value(f["provinceLon"], f"lon of 2025 province {pc}"),
            )
        )
        new_prov_by_pkey[one_value(f["provinceKey"], f"key of 2025 province {pc}")] = pc

    # --- legacy provinces, districts, communes -----------------------------------------------
    old_prov: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    old_dist: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    old_prov_by_pkey: dict[str, str] = {}
    old_by_composite: dict[str, str] = {}  # converter key "<prov>_<dist>_<ward>" -> unit key
    commune_points: dict[str, list[tuple[float, float]]] = defaultdict(list)  # district/province key -> centres
    for r in old_rows:
        pc, dc = r["provinceCode"], r["districtCode"]
        for field in ("province", "provinceLat", "provinceLon", "provinceBounds", "provinceKey"):
            old_prov[pc][field].add(r[field])
        for field in ("district", "districtType", "districtLat", "districtLon", "districtBounds", "provinceCode"):
            old_dist[dc][field].add(r[field])
        composite = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"] is None:  # island districts with no commune level (Bạch Long Vĩ, Cồn Cỏ, …)
            old_by_composite[composite] = key(ERA_OLD, "district", dc)
            continue
        name, unit_type = split_name(r["ward"], "commune", ERA_OLD)
        if TYPE_WORD[unit_type] != r["wardType"]:
            log.append(
                f"  package type column disagrees with the name of legacy:{r['wardCode']} {r['ward']!r}: "
                f"{r['wardType']!r}; the name prefix is used"
            )
        if len(r["wardCode"]) != 5 or not r["wardCode"].isdigit():
            fail(f"bad legacy commune code {r['wardCode']!r}")
        ukey = key(ERA_OLD, "commune", r["wardCode"])
        add(
            Unit(
                ukey,
                r["wardCode"],
                name,
                unit_type,
                "commune",
                key(ERA_OLD, "district", dc),
                ERA_OLD,
                r["wardLat"],
                r["wardLon"],
                parse_bounds(r["wardBounds"]),
            )
        )
        old_by_composite[composite] = ukey
        if r["wardLat"] is not None:
            commune_points[key(ERA_OLD, "district", dc)].append((r["wardLat"], r["wardLon"]))
            commune_points[key(ERA_OLD, "province", pc)].append((r["wardLat"], r["wardLon"]))

    widened: list[str] = []

    def checked_bbox(ukey: str, raw: BBox | None) -> BBox | None:
        pts = commune_points.get(ukey, [])
        if raw is None or not pts:
            return raw
        share = sum(inside(raw, lat, lon) for lat, lon in pts) / len(pts)
        if share >= BBOX_MIN_INSIDE:
            return raw
        widened.append(f"{ukey} ({share:.0%} of commune centres inside the package bbox)")
        return envelope([raw], pts)

    for dc, f in old_dist.items():
        if len(dc) != 3 or not dc.isdigit():
            fail(f"bad legacy district code {dc!r}")
        name, unit_type = split_name(one_value(f["district"], f"name of legacy district {dc}"), "district", ERA_OLD)
        if TYPE_WORD[unit_type] != one_value(f["districtType"], f"type of district {dc}"):
            fail(f"legacy district {dc}: type mismatch")
        dkey = key(ERA_OLD, "district", dc)
        raw = parse_bounds(one_value(f["districtBounds"], f"bounds of district {dc}"))
        add(
            Unit(
                dkey,
                dc,
                name,
                unit_type,
                "district",
                key(ERA_OLD, "province", one_value(f["provinceCode"], f"province of district {dc}")),
                ERA_OLD,
                one_value(f["districtLat"], f"lat of district {dc}"),
                one_value(f["districtLon"], f"lon of district {dc}"),
                checked_bbox(dkey, raw),
            )
        )
    for pc, f in old_prov.items():
        if len(pc) != 2 or not pc.isdigit():
            fail(f"bad legacy province code {pc!r}")
        name, unit_type = split_name(one_value(f["province"], f"name of legacy province {pc}"), "province", ERA_OLD)
        pkey = key(ERA_OLD, "province", pc)
        raw = parse_bounds(one_value(f["provinceBounds"], f"bounds of legacy province {pc}"))
        add(
            Unit(
                pkey,
                pc,
                name,
                unit_type,
                "province",
                "",
                ERA_OLD,
                one_value(f["provinceLat"], f"lat of legacy province {pc}"),
                one_value(f["provinceLon"], f"lon of legacy province {pc}"),
                checked_bbox(pkey, raw),
            )
        )
        old_prov_by_pkey[one_value(f["provinceKey"], f"key of legacy province {pc}")] = pc

    log.append(f"legacy bboxes widened to their communes' centres: {len(widened)}")
    log.extend(f"  {w}" for w in sorted(widened))
    lookups = {
        "new_prov_by_pkey": new_prov_by_pkey,
        "new_ward_by_pkey": new_ward_by_pkey,
        "old_prov_by_pkey": old_prov_by_pkey,
        "old_by_composite": old_by_composite,
        "widened": widened,
    }
    return units, lookups


# ---------------------------------------------------------------------------------------------
# Links old -> new
# ---------------------------------------------------------------------------------------------


def build_links(data_dir: Path, units: dict[str, Unit], lk: dict) -> tuple[list[tuple[str, str, str]], dict]:
    conv = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    links: list[tuple[str, str, str]] = []

    # provinces
    successor: dict[str, str] = {}  # legacy province key -> 2025 province key
    members: dict[str, list[str]] = defaultdict(list)
    for new_pkey, old_pkeys in conv["DICT_PROVINCE"].items():
        if new_pkey not in lk["new_prov_by_pkey"]:
            fail(f"converter names an unknown 2025 province {new_pkey!r}")
        nk = key(ERA_NEW, "province", lk["new_prov_by_pkey"][new_pkey])
        for old_pkey in old_pkeys:
            if old_pkey not in lk["old_prov_by_pkey"]:
                fail(f"converter names an unknown legacy province {old_pkey!r}")
            ok = key(ERA_OLD, "province", lk["old_prov_by_pkey"][old_pkey])
            if ok in successor:
                fail(f"legacy province {ok} has two successors: {successor[ok]} and {nk}")
            successor[ok] = nk
            members[nk].append(ok)
    for ok, nk in sorted(successor.items()):
        only_one = len(members[nk]) == 1 and units[ok].name == units[nk].name
        links.append((ok, nk, "giữ nguyên" if only_one else "sáp nhập"))

    # communes (and the five island districts that had no commune level)
    def new_commune_key(new_pkey: str, new_wkey: str) -> str:
        code = lk["new_ward_by_pkey"].get((new_pkey, new_wkey))
        if code is None:
            fail(f"converter names an unknown 2025 commune {new_pkey}/{new_wkey}")
        return key(ERA_NEW, "commune", code)

    def old_unit_key(composite: str) -> str:
        ukey = lk["old_by_composite"].get(composite)
        if ukey is None:
            fail(f"converter names an unknown legacy unit {composite!r}")
        return ukey

    whole: dict[str, str] = {}  # old key -> new key (old unit went whole into one new commune)
    parts: dict[str, list[tuple[str, bool]]] = {}  # old key -> [(new key, is default)]
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, composites in wards.items():
            nk = new_commune_key(new_pkey, new_wkey)
            for composite in composites:
                ok = old_unit_key(composite)
                if ok in whole and whole[ok] != nk:
                    fail(f"{ok} mapped whole to two communes")
                whole[ok] = nk
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for composite, targets in olds.items():
            ok = old_unit_key(composite)
            if ok in whole:
                fail(f"{ok} is both whole and divided")
            lst = [(new_commune_key(new_pkey, t["newWardKey"]), bool(t["isDefaultNewWard"])) for t in targets]
            if len({n for n, _ in lst}) != len(lst) or len(lst) < 2:
                fail(f"divided {ok} has duplicate or fewer than two targets: {lst}")
            if sum(d for _, d in lst) != 1:
                fail(f"divided {ok} must have exactly one default successor: {lst}")
            parts[ok] = lst

    sources: dict[str, set[str]] = defaultdict(set)  # new commune -> old units feeding it
    for ok, nk in whole.items():
        sources[nk].add(ok)
    for ok, lst in parts.items():
        for nk, _ in lst:
            sources[nk].add(ok)

    for ok, nk in whole.items():
        old, new = units[ok], units[nk]
        if new.unit_type == "dac_khu" and old.level == "district":
            note = "chuyển thành đặc khu"
        elif len(sources[nk]) > 1:
            note = "sáp nhập"
        else:  # one old unit became exactly one new unit
            changes = []
            if fold(old.name) != fold(new.name):  # spelling-only changes (KRong -> Krong) are not renames
                changes.append("đổi tên")
            if old.unit_type != new.unit_type:
                changes.append("đổi loại")
            note = ", ".join(changes) or "giữ nguyên"
        links.append((ok, nk, note))
    for ok, lst in parts.items():
        for nk, is_default in lst:
            links.append((ok, nk, "tách (mặc định)" if is_default else "tách"))

    # 2025 provinces: the package gives no bbox; a 2025 province is exactly the union of its legacy
    # provinces, so take the envelope of their (checked) bboxes and of its own communes' centres.
    for nk, olds in members.items():
        boxes = [units[o].bbox for o in olds if units[o].bbox is not None]
        pts = [(u.lat, u.lon) for u in units.values() if u.parent_key == nk and u.lat is not None]
        units[nk].bbox = envelope(boxes, pts)

    links.sort()
    info = {"successor": successor, "members": members, "whole": whole, "parts": parts, "sources": sources}
    return links, info


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def validate(units: dict[str, Unit], links, info, log: list[str]) -> list[str]:
    """Hard checks raise BuildError; soft findings are returned as warnings."""
    warnings: list[str] = []
    by = Counter((u.era, u.level) for u in units.values())
    types = Counter((u.era, u.level, u.unit_type) for u in units.values())

    if by[(ERA_NEW, "province")] != EXPECTED_NEW_PROVINCES:
        fail(f"expected {EXPECTED_NEW_PROVINCES} current provinces, found {by[(ERA_NEW, 'province')]}")
    if by[(ERA_OLD, "province")] != EXPECTED_OLD_PROVINCES:
        fail(f"expected {EXPECTED_OLD_PROVINCES} legacy provinces, found {by[(ERA_OLD, 'province')]}")
    if by[(ERA_NEW, "district")]:
        fail("the 2025 era has no district level")
    if types[(ERA_NEW, "province", "tinh")] != 28 or types[(ERA_NEW, "province", "thanh_pho_tw")] != 6:
        fail("expected 28 tỉnh + 6 thành phố in 2025")
    if by[(ERA_NEW, "commune")] != EXPECTED_NEW_COMMUNES:
        warnings.append(
            f"COMMUNE COUNT: the package has {by[(ERA_NEW, 'commune')]} current communes, "
            f"QĐ 19/2025/QĐ-TTg lists {EXPECTED_NEW_COMMUNES}; emitted what the package has, investigate"
        )
    if by[(ERA_OLD, "district")] != EXPECTED_OLD_DISTRICTS:
        warnings.append(f"legacy districts: {by[(ERA_OLD, 'district')]} (GSO list had {EXPECTED_OLD_DISTRICTS})")
    if by[(ERA_OLD, "commune")] != EXPECTED_OLD_COMMUNES:
        warnings.append(f"legacy communes: {by[(ERA_OLD, 'commune')]} (GSO list had {EXPECTED_OLD_COMMUNES})")

    for u in units.values():
        if u.key != key(u.era, u.level, u.code):
            fail(f"key {u.key} does not match era/level/code")
        expected_parent_level = {
            (ERA_NEW, "province"): None,
            (ERA_NEW, "commune"): "province",
            (ERA_OLD, "province"): None,
            (ERA_OLD, "district"): "province",
            (ERA_OLD, "commune"): "district",
        }[(u.era, u.level)]
        if expected_parent_level is None:
            if u.parent_key:
                fail(f"{u.key} is a province with a parent")
            continue
        parent = units.get(u.parent_key)
        if parent is None:
            fail(f"{u.key}: parent {u.parent_key} does not exist")
        if parent.era != u.era or parent.level != expected_parent_level:
            fail(f"{u.key}: parent {u.parent_key} is of the wrong era or level")
        if not u.name or u.name != nfc(u.name):
            fail(f"{u.key}: empty or non-NFC name {u.name!r}")

    # every legacy province has exactly one successor, and the known ones hold
    successor = info["successor"]
    for u in units.values():
        if u.era == ERA_OLD and u.level == "province" and u.key not in successor:
            fail(f"legacy province {u.key} ({u.name}) has no successor")
    if len(set(successor.values())) != EXPECTED_NEW_PROVINCES:
        fail("some 2025 province has no predecessor")
    old_by_name = {u.name: u.key for u in units.values() if u.era == ERA_OLD and u.level == "province"}
    for old_name, new_name in KNOWN_SUCCESSORS.items():
        got = units[successor[old_by_name[old_name]]].name
        if got != new_name:
            fail(f"known mapping broken: {old_name} -> {got}, expected {new_name}")

    # commune links: coverage and consistency with the province successors
    linked_old = {o for o, _, _ in links if o.startswith((f"{ERA_OLD}:commune:", f"{ERA_OLD}:district:"))}
    for u in units.values():
        if u.era == ERA_OLD and u.level == "commune" and u.key not in linked_old:
            fail(f"legacy commune {u.key} has no successor")
    linked_new = {n for o, n, _ in links if n.startswith(f"{ERA_NEW}:commune:")}
    for u in units.values():
        if u.era == ERA_NEW and u.level == "commune" and u.key not in linked_new:
            fail(f"2025 commune {u.key} ({u.name}) has no predecessor")

    def legacy_province_of(ukey: str) -> str:
        u = units[ukey]
        while u.level != "province":
            u = units[u.parent_key]
        return u.key

    for o, n, _ in links:
        if o not in units or n not in units:
            fail(f"link to an unknown unit: {o} -> {n}")
        if units[o].era != ERA_OLD or units[n].era != ERA_NEW:
            fail(f"link must go legacy -> 2025: {o} -> {n}")
        if units[o].level == "province":
            continue
        if successor[legacy_province_of(o)] != units[n].parent_key:
            fail(f"{o} links to {n}, outside the successor of its province")
    if len(links) != len({(o, n) for o, n, _ in links}):
        fail("duplicate link rows")

    notes = Counter(note for _, _, note in links)
    log.append("link notes: " + ", ".join(f"{k}={v}" for k, v in sorted(notes.items())))
    log.append(f"legacy communes split across several 2025 communes: {len(info['parts'])}")
    return warnings


def cross_check(units: dict[str, Unit], log: list[str]) -> None:
    """Compare the 2025 provinces and communes with vietnam-provinces; print differences only."""
    try:
        import vietnam_provinces as vp
        from vietnam_provinces import Province, Ward
    except ImportError:
        log.append("cross-check SKIPPED: vietnam-provinces is not installed")
        return
    vp_version = metadata.version("vietnam-provinces")
    log.append(f"cross-check against vietnam-provinces {vp_version} (data {getattr(vp, '__data_version__', '?')})")
    type_map = {
        "tỉnh": "tinh",
        "thành phố trung ương": "thanh_pho_tw",
        "xã": "xa",
        "phường": "phuong",
        "đặc khu": "dac_khu",
    }

    def strip(name: str) -> str:
        for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    diffs: list[str] = []
    theirs_p = {f"{int(p.code):02d}": p for p in Province.iter_all()}
    ours_p = {u.code: u for u in units.values() if u.era == ERA_NEW and u.level == "province"}
    for code in sorted(set(theirs_p) | set(ours_p)):
        a, b = ours_p.get(code), theirs_p.get(code)
        if a is None or b is None:
            diffs.append(f"province {code}: only in {'vietnam-provinces' if a is None else 'vietnamadminunits'}")
            continue
        if a.name != strip(nfc(b.name)) or a.unit_type != type_map[b.division_type.value]:
            diffs.append(f"province {code}: {a.name}/{a.unit_type} vs {b.name}/{b.division_type.value}")

    def tidy(name: str) -> str:  # their names: stray/double spaces, typographic apostrophes
        return " ".join(strip(" ".join(nfc(name).split())).replace("\u2019", "'").split())

    def marks(name: str) -> str:
        """Name with tone-mark placement normalised away (hoà ~ hòa, thuỷ ~ thủy) but letters kept."""
        return fold(name) + "|" + "".join(sorted(unicodedata.normalize("NFD", name.casefold())))

    theirs_w = {f"{int(w.code):05d}": w for w in Ward.iter_all()}
    ours_w = {u.code: u for u in units.values() if u.era == ERA_NEW and u.level == "commune"}
    kinds: Counter = Counter()
    only_ours = sorted(set(ours_w) - set(theirs_w))
    only_theirs = sorted(set(theirs_w) - set(ours_w))

    # the same commune under two different codes: pair by province and folded name
    def ident(province: str, name: str) -> tuple[str, str]:
        return province, fold(name)

    theirs_by_ident = {ident(f"{int(theirs_w[c].province_code):02d}", tidy(theirs_w[c].name)): c for c in only_theirs}
    recoded = []
    for c in only_ours:
        other = theirs_by_ident.pop(ident(ours_w[c].parent_key[-2:], ours_w[c].name), None)
        if other is not None:
            recoded.append(f"{ours_w[c].name} ({ours_w[c].parent_key[-2:]}): ours {c}, theirs {other}")
    kinds["same commune, different code"] = len(recoded)
    unpaired = len(only_ours) - len(recoded)
    if unpaired or theirs_by_ident:
        kinds["code on one side only, unpaired"] = unpaired + len(theirs_by_ident)
    for code in sorted(set(theirs_w) & set(ours_w)):
        a, b = ours_w[code], theirs_w[code]
        theirs_name = tidy(b.name)
        if a.name != theirs_name:
            if fold(a.name) != fold(theirs_name):
                kinds["different name (code points at another commune)"] += 1
                diffs.append(f"commune {code}: name {a.name!r} vs {theirs_name!r}")
            elif a.name.casefold() != theirs_name.casefold() and marks(a.name) == marks(theirs_name):
                kinds["tone-mark placement only (hòa/hoà)"] += 1
            else:
                kinds["letter case or apostrophe only"] += 1
        elif nfc(strip(b.name)) != theirs_name:
            kinds["spacing/apostrophe noise in theirs"] += 1
        if a.unit_type != type_map[b.division_type.value]:
            kinds["different type"] += 1
            diffs.append(f"commune {code}: type {a.unit_type} vs {b.division_type.value}")
        if a.parent_key != key(ERA_NEW, "province", f"{int(b.province_code):02d}"):
            kinds["different province"] += 1
            diffs.append(f"commune {code}: province {a.parent_key} vs {int(b.province_code):02d}")
    log.append(
        f"cross-check: {len(ours_p)} vs {len(theirs_p)} provinces, {len(ours_w)} vs {len(theirs_w)} communes; "
        + "; ".join(f"{k}: {v}" for k, v in sorted(kinds.items()))
    )
    log.extend(f"  DIFF {d}" for d in diffs)
    log.extend(f"  RECODED {r}" for r in recoded)


# ---------------------------------------------------------------------------------------------
# Reference tables: regions, VSIC, aliases
# ---------------------------------------------------------------------------------------------


def build_regions(units: dict[str, Unit], info: dict, log: list[str]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    old_provs = {u.code for u in units.values() if u.era == ERA_OLD and u.level == "province"}
    new_provs = {u.code for u in units.values() if u.era == ERA_NEW and u.level == "province"}

    def capital_region(new_code: str, legacy_membership: dict[str, str]) -> str:
        # QĐ 19/2025 gives each merged province the code of the old province that hosts its capital;
        # check that this old province really is one of its predecessors.
        nk = key(ERA_NEW, "province", new_code)
        host = key(ERA_OLD, "province", new_code)
        if host not in info["members"][nk]:
            fail(f"2025 province {new_code}: no predecessor with the same code, cannot apply the capital rule")
        return legacy_membership[new_code]

    def check_partition(scheme: str, membership: dict[str, str], expected: set[str], era: str) -> None:
        if set(membership) != expected:
            missing, extra = sorted(expected - set(membership)), sorted(set(membership) - expected)
            fail(f"{scheme}/{era}: provinces missing {missing}, unknown {extra}")

    # socio-economic: typed for both eras
    socio_old: dict[str, str] = {}
    socio_new: dict[str, str] = {}
    for code, (name, olds_text, news_text) in reference.SOCIO_REGIONS.items():
        olds, news = olds_text.split(), news_text.split()
        for c in olds:
            if c in socio_old:
                fail(f"socio: legacy province {c} in two regions")
            socio_old[c] = code
        for c in news:
            if c in socio_new:
                fail(f"socio: 2025 province {c} in two regions")
            socio_new[c] = code
        rows += [("socio", code, name, key(ERA_OLD, "province", c)) for c in olds]
        rows += [("socio", code, name, key(ERA_NEW, "province", c)) for c in news]
    check_partition("socio", socio_old, old_provs, ERA_OLD)
    check_partition("socio", socio_new, new_provs, ERA_NEW)
    for c in sorted(new_provs):
        by_capital = capital_region(c, socio_old)
        preds = {socio_old[units[p].code] for p in info["members"][key(ERA_NEW, "province", c)]}
        if by_capital != socio_new[c] or len(preds) > 1:
            log.append(
                f"socio 2025:{c} {units[key(ERA_NEW, 'province', c)].name}: chosen {socio_new[c]}, "
                f"capital rule {by_capital}, predecessors in {sorted(preds)}"
            )

    # voting: typed for the legacy provinces, derived for 2025 by the capital rule
    vote_old: dict[str, str] = {}
    names = {}
    for code, (name, olds_text) in reference.VOTING_REGIONS.items():
        olds = olds_text.split()
        names[code] = name
        for c in olds:
            if c in vote_old:
                fail(f"voting: legacy province {c} in two regions")
            vote_old[c] = code
        rows += [("voting", code, name, key(ERA_OLD, "province", c)) for c in olds]
    check_partition("voting", vote_old, old_provs, ERA_OLD)
    for c in sorted(new_provs):
        region = capital_region(c, vote_old)
        preds = {vote_old[units[p].code] for p in info["members"][key(ERA_NEW, "province", c)]}
        if len(preds) > 1:
            log.append(
                f"voting 2025:{c} {units[key(ERA_NEW, 'province', c)].name}: predecessors in {sorted(preds)}, "
                f"capital rule -> {region}"
            )
        rows.append(("voting", region, names[region], key(ERA_NEW, "province", c)))

    rows.sort()
    per = Counter((s, p.split(":")[0]) for s, _, _, p in rows)
    for scheme in ("socio", "voting"):
        if per[(scheme, ERA_NEW)] != len(new_provs) or per[(scheme, ERA_OLD)] != len(old_provs):
            fail(f"{scheme}: each province must appear exactly once per era")
    return rows


def build_vsic() -> list[tuple[str, str, str, str]]:
    sections = reference.VSIC_SECTIONS
    divisions = reference.VSIC_DIVISIONS
    if len(sections) != 21 or [c for c, _ in sections] != [chr(ord("A") + i) for i in range(21)]:
        fail("VSIC: need exactly the 21 sections A–U")
    if len(divisions) != 88 or len({c for c, _ in divisions}) != 88:
        fail(f"VSIC: need exactly 88 distinct divisions, have {len(divisions)}")
    rows = [(c, "1", nfc(n), "") for c, n in sections]
    for code, name in divisions:
        if len(code) != 2 or not code.isdigit():
            fail(f"VSIC: bad division code {code!r}")
        parents = [s for s, (lo, hi) in reference.VSIC_SECTION_RANGES.items() if lo <= int(code) <= hi]
        if len(parents) != 1:
            fail(f"VSIC: division {code} falls in {parents}")
        rows.append((code, "2", nfc(name), parents[0]))
    for s, (lo, hi) in reference.VSIC_SECTION_RANGES.items():
        if not any(lo <= int(c) <= hi for c, _ in divisions):
            fail(f"VSIC: section {s} has no division")
    for _, _, name, _ in rows:
        if not name or "  " in name or name != name.strip():
            fail(f"VSIC: badly spaced name {name!r}")
    return sorted(rows, key=lambda r: (r[1], r[0]))


def build_aliases(units: dict[str, Unit]) -> list[tuple[str, str]]:
    rows: set[tuple[str, str]] = set()
    for alias, targets in reference.ALIASES:
        alias = nfc(alias)
        for era, code in targets:
            k = key(era, "province", code)
            if k not in units:
                fail(f"alias {alias!r} points at unknown {k}")
            if fold(alias) == fold(units[k].name):
                fail(f"alias {alias!r} folds to the name of {k} itself: remove it")
            rows.add((alias, k))
    # an alias must never also be the folded name of a *different* province
    by_fold: dict[str, set[str]] = defaultdict(set)
    for u in units.values():
        if u.level == "province":
            by_fold[fold(u.name)].add(u.key)
    for alias, k in rows:
        clash = {o for o in by_fold.get(fold(alias), set()) if o.split(":")[2] != k.split(":")[2]}
        if clash:
            fail(f"alias {alias!r} -> {k} collides with the name of {sorted(clash)}")
    return sorted(rows, key=lambda r: (fold(r[0]), r[0], r[1]))


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def to_csv(header: list[str], rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([nfc(str(v)) if isinstance(v, str) else v for v in row])
    return buf.getvalue().encode("utf-8")


def unit_sort_key(u: Unit):
    return (ERA_RANK[u.era], LEVEL_RANK[u.level], u.code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="regenerate in memory and compare; write nothing")
    args = parser.parse_args(argv)

    log: list[str] = []
    try:
        data_dir = package_data_dir()
        log.append(f"source: vietnamadminunits {metadata.version('vietnamadminunits')} ({data_dir})")
        units, lookups = build_units(data_dir, log)
        links, info = build_links(data_dir, units, lookups)
        warnings = validate(units, links, info, log)
        cross_check(units, log)
        regions = build_regions(units, info, log)
        vsic = build_vsic()
        aliases = build_aliases(units)
    except BuildError as exc:
        print("\n".join(log), file=sys.stderr)
        print(f"BUILD FAILED: {exc}", file=sys.stderr)
        return 1

    ordered = sorted(units.values(), key=unit_sort_key)
    files = {
        "units.csv": to_csv(
            ["key", "code", "name", "unit_type", "level", "parent_key", "valid_from", "valid_to", "lat", "lon", "bbox"],
            (u.row() for u in ordered),
        ),
        "unit_links.csv": to_csv(["old_key", "new_key", "note"], links),
        "regions.csv": to_csv(["scheme", "region_code", "region_name", "province_key"], regions),
        "vsic2018_l1_l2.csv": to_csv(["code", "level", "name", "parent_code"], vsic),
        "name_aliases.csv": to_csv(["alias", "key"], aliases),
    }

    counts = Counter((u.era, u.level) for u in ordered)
    types = Counter((u.era, u.level, u.unit_type) for u in ordered)
    log.append("units: " + ", ".join(f"{e}/{lv}={n}" for (e, lv), n in sorted(counts.items())))
    log.append("unit types: " + ", ".join(f"{e}/{lv}/{t}={n}" for (e, lv, t), n in sorted(types.items())))
    with_coords = Counter((u.era, u.level) for u in ordered if u.lat is not None)
    with_bbox = Counter((u.era, u.level) for u in ordered if u.bbox is not None)
    log.append("with lat/lon: " + ", ".join(f"{e}/{lv}={n}" for (e, lv), n in sorted(with_coords.items())))
    log.append("with bbox: " + ", ".join(f"{e}/{lv}={n}" for (e, lv), n in sorted(with_bbox.items())))
    log.append(f"links: {len(links)}, regions rows: {len(regions)}, vsic rows: {len(vsic)}, aliases: {len(aliases)}")

    stale = []
    for name, content in files.items():
        target = args.out / name
        if args.check:
            if not target.exists() or target.read_bytes() != content:
                stale.append(name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        log.append(f"{'checked' if args.check else 'wrote'} {target} ({len(content):,} bytes)")
    print("\n".join(log))
    for w in warnings:
        print(f"WARNING: {w}", file=sys.stderr)
    if stale:
        print(f"STALE (differs from a fresh build): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 2 if any(w.startswith("COMMUNE COUNT") for w in warnings) else 0


if __name__ == "__main__":
    sys.exit(main())
