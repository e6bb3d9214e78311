"""Importing establishments from spreadsheets: the columns people use, unit names of any period resolved to
today's units, upsert by tax code, and the same profile rules as the forms (services.clean_profile).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from khuyencong.accounts.access import user_scope
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import IndustryCode, UnitLevel
from khuyencong.geo.selectors import UnitResolver
from khuyencong.imports.importers import Column, Importer, Row
from khuyencong.registry import services
from khuyencong.registry.models import Establishment, EstablishmentStatus
from khuyencong.registry.naming import legal_form_from_label, legal_form_from_name

FIGURE_FIELDS = (*services.FIGURE_COUNTS, *services.FIGURE_MONEY)
UNIT_FIELDS = ("province", "district", "commune")
_VSIC_CODE = re.compile(r"(?<![0-9])([0-9]{2})[0-9]{0,3}(?![0-9])")
# "Tổng cộng", "Tổng số", "Cộng:" lines at the end of a list ("Tổng công ty …" is a name, not a total).
_TOTAL_ROW = re.compile(r"^(tong cong(?! ty)|tong so)\b|^(tong|cong)\s*:?$")

COLUMNS = (
    Column(
        "name",
        "Tên cơ sở",
        (
            "Tên cơ sở CNNT",
            "Tên cơ sở sản xuất",
            "Tên doanh nghiệp",
            "Tên đơn vị",
            "Tên cơ sở/doanh nghiệp",
            "Tên HTX",
            "Tên",
        ),
        required=True,
    ),
    Column("other_names", "Tên khác", ("Tên giao dịch", "Tên viết tắt", "Tên tiếng Anh")),
    Column(
        "legal_form",
        "Loại hình",
        ("Loại hình tổ chức", "Loại hình doanh nghiệp", "Hình thức tổ chức", "Loại hình cơ sở"),
    ),
    Column("tax_code", "Mã số thuế", ("MST", "Mã số doanh nghiệp", "Mã số DN", "Mã số thuế/Mã số DN"), kind="tax_code"),
    Column(
        "business_reg_no",
        "Số đăng ký kinh doanh",
        ("Số ĐKKD", "Số GCN ĐKKD", "Giấy phép kinh doanh", "Số GPKD", "Số giấy chứng nhận đăng ký kinh doanh"),
    ),
    Column(
        "business_reg_date",
        "Ngày cấp đăng ký kinh doanh",
        ("Ngày cấp ĐKKD", "Ngày cấp", "Ngày cấp GPKD", "Ngày thành lập"),
        kind="date",
    ),
    Column("address", "Địa chỉ", ("Địa chỉ trụ sở", "Địa chỉ sản xuất", "Số nhà, đường", "Thôn/ấp", "Thôn, xóm")),
    Column(
        "commune",
        "Xã/phường",
        ("Xã", "Phường", "Xã, phường", "Xã/phường/thị trấn", "Xã, phường, thị trấn", "Phường/xã", "Xã/phường/đặc khu"),
    ),
    Column("district", "Huyện (cũ)", ("Huyện", "Quận/huyện", "Huyện/thị xã/thành phố", "Quận, huyện", "Huyện/thị xã")),
    Column("province", "Tỉnh/thành phố", ("Tỉnh", "Tỉnh/TP", "Tỉnh, thành phố", "Tỉnh/thành")),
    Column("craft_village", "Làng nghề", ("Thuộc làng nghề", "Tên làng nghề")),
    Column(
        "industries",
        "Mã ngành",
        ("Mã ngành VSIC", "Ngành nghề", "Ngành nghề kinh doanh", "Ngành kinh doanh chính", "Mã ngành kinh tế", "VSIC"),
    ),
    Column("main_products", "Sản phẩm chính", ("Sản phẩm", "Sản phẩm chủ yếu", "Mặt hàng")),
    Column(
        "representative",
        "Người đại diện",
        ("Chủ cơ sở", "Họ tên chủ cơ sở", "Người đại diện theo pháp luật", "Giám đốc", "Chủ hộ"),
    ),
    Column("representative_title", "Chức vụ", ("Chức vụ người đại diện",)),
    Column("phone", "Điện thoại", ("Số điện thoại", "SĐT", "ĐT", "Điện thoại liên hệ", "Di động"), kind="phone"),
    Column("email", "Email", ("Thư điện tử", "E-mail", "Địa chỉ email"), kind="email"),
    Column("website", "Trang web", ("Website",)),
    Column("latitude", "Vĩ độ", ("Latitude", "Lat"), kind="decimal"),
    Column("longitude", "Kinh độ", ("Longitude", "Lng", "Lon"), kind="decimal"),
    Column("year_founded", "Năm thành lập", ("Năm bắt đầu hoạt động",), kind="year"),
    Column("figures_year", "Năm số liệu", ("Số liệu năm", "Năm"), kind="year"),
    Column(
        "employees_total",
        "Tổng số lao động",
        ("Lao động", "Số lao động", "Lao động tổng số", "Tổng lao động"),
        kind="int",
    ),
    Column("employees_women", "Lao động nữ", ("Trong đó nữ", "Nữ", "Số lao động nữ"), kind="int"),
    Column(
        "employees_insured",
        "Lao động tham gia BHXH",
        ("Lao động có BHXH", "Lao động BHXH", "Tham gia BHXH", "Số lao động tham gia BHXH", "Lao động đóng BHXH"),
        kind="int",
    ),
    Column("revenue", "Doanh thu", ("Tổng doanh thu", "Doanh thu năm"), kind="money"),
    Column("capital", "Tổng nguồn vốn", ("Nguồn vốn", "Vốn", "Tổng vốn"), kind="money"),
    Column("average_income", "Thu nhập bình quân", ("Thu nhập bình quân người lao động", "Thu nhập BQ"), kind="money"),
    Column("output_value", "Giá trị sản xuất", ("Giá trị sản xuất công nghiệp", "GTSX"), kind="money"),
)


class _Known(NamedTuple):
    """What the import's checks read of an establishment already registered."""

    pk: int
    name: str
    tax_code: str | None
    province_id: int
    commune_id: int | None
    name_key: str


def _known_establishments(tables: str, where: str, params: list) -> list[_Known]:
    """Rows, not model instances (a chunk can match hundreds), of the establishments `tables` (the table,
    named as itself, possibly joined to others) and `where` select."""
    quote = connection.ops.quote_name
    meta = Establishment._meta
    fields = [meta.pk if name == "pk" else meta.get_field(name) for name in _Known._fields]
    columns = ", ".join(f"{quote(meta.db_table)}.{quote(field.column)}" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {tables} WHERE {where}", params)
        return [_Known(*row) for row in cursor.fetchall()]


def _with_tax_codes(codes: set[str]) -> list[_Known]:
    quote = connection.ops.quote_name
    table, column = quote(Establishment._meta.db_table), quote(Establishment._meta.get_field("tax_code").column)
    if connection.vendor == "postgresql":
        # One array parameter: the statement's text is the same for every chunk, so psycopg parses and the
        # server plans it once, where an IN list of 500 placeholders is a new text each time.
        return _known_establishments(table, f"{column} = ANY(%s::varchar[])", [sorted(codes)])
    return _known_establishments(table, f"{column} IN ({', '.join(['%s'] * len(codes))})", sorted(codes))


def _with_same_names(pairs: dict[int, set[str]]) -> list[_Known]:
    """Establishments (not merged or rejected) with one of the name keys in their commune, for {commune id:
    name keys}: the pairs go as two arrays (PostgreSQL) or one JSON list (SQLite) joined to the table, each
    pair one probe of the index on (commune, name key) — "commune IN (…) AND name_key IN (…)" would probe
    every commune with every name (≈ 200,000 probes a chunk)."""
    quote = connection.ops.quote_name
    meta = Establishment._meta
    table = quote(meta.db_table)
    commune, key, status = (quote(meta.get_field(name).column) for name in ("commune", "name_key", "status"))
    flat = [(commune_id, name_key) for commune_id, keys in sorted(pairs.items()) for name_key in sorted(keys)]
    if connection.vendor == "postgresql":
        pairs_table = "UNNEST(%s::bigint[], %s::varchar[]) AS pair(commune_id, name_key)"
        pair_commune, pair_key = "pair.commune_id", "pair.name_key"
        params = [[commune_id for commune_id, _ in flat], [name_key for _, name_key in flat]]
    else:
        pairs_table = "json_each(%s) AS pair"
        pair_commune, pair_key = "json_extract(pair.value, '$[0]')", "json_extract(pair.value, '$[1]')"
        params = [json.dumps(flat, ensure_ascii=False)]
    return _known_establishments(
        f"{pairs_table} JOIN {table} ON {table}.{commune} = {pair_commune} AND {table}.{key} = {pair_key}",
        f"{table}.{status} NOT IN (%s, %s)",
        [*params, EstablishmentStatus.MERGED, EstablishmentStatus.REJECTED],
    )


def _date(day) -> str:
    return day.strftime("%d/%m/%Y")


def _unit_label(unit) -> str:
    parent = f" ({unit.parent.type_prefix} {unit.parent.name})" if unit.parent_id and unit.level != "province" else ""
    return f"{unit}{parent}"


class EstablishmentImporter(Importer):
    kind = "establishments"
    label = "Cơ sở CNNT"
    columns = COLUMNS

    def mapping_problems(self, batch) -> list[str]:
        problems = super().mapping_problems(batch)
        mapped = set(batch.mapping.values())
        if batch.province_id is None and not mapped & {"province", "commune"}:
            problems.append(
                "Tệp nhiều tỉnh cần cột “Tỉnh/thành phố” hoặc “Xã/phường” (hoặc chọn một tỉnh khi tải lên)."
            )
        return problems

    def skip_reason(self, row: Row) -> str | None:
        if _TOTAL_ROW.match(fold_vi(row.values.get("name") or "")) and not row.values.get("tax_code"):
            return "Bỏ qua dòng tổng cộng."
        return None

    def prepare(self, batch, actor, carry: dict | None = None) -> dict:
        """The run's context. Reference data (the units resolved from the file's names, the VSIC divisions) is
        kept in `carry`, so the commit pass reuses what the validation pass of the same run looked up."""
        carry = carry if carry is not None else {}
        if carry.get("for") != (batch.pk, batch.as_of, batch.province_id):
            carry.clear()
            carry.update(
                {
                    "for": (batch.pk, batch.as_of, batch.province_id),
                    "resolver": UnitResolver(),
                    "units": {},
                    "industries": {
                        code.code: code
                        for code in IndustryCode.objects.filter(version="2018", level=2).select_related("parent")
                    },
                }
            )
        return {
            "batch": batch,
            "scope": user_scope(actor) if actor is not None else None,
            "resolver": carry["resolver"],
            "units": carry["units"],
            "industries": carry["industries"],
            "tax_codes": {},
            "names": {},
            "today": timezone.localdate(),  # the rules' "today", asked once per pass rather than per row
        }

    # --- checking ---------------------------------------------------------------------------------------

    def check_alone(self, row: Row, context: dict) -> None:
        """Name, legal form, industries, the profile rules and the yearly figures: everything but the units,
        which are resolved per chunk against the database (`check`)."""
        values = row.values
        name = values.get("name") or ""
        if not name and not any(message for field, message in row.errors if field == "name"):
            row.error("name", "Thiếu tên cơ sở.")
        legal_form = None
        if values.get("legal_form"):
            legal_form = legal_form_from_label(values["legal_form"])
            if legal_form is None:
                row.error(
                    "legal_form",
                    f"Loại hình “{values['legal_form']}” không rõ: dùng doanh nghiệp, hợp tác xã, "
                    "liên hiệp HTX, tổ hợp tác, hộ kinh doanh hoặc nghệ nhân/cá nhân.",
                )
        elif name:
            legal_form = legal_form_from_name(name)
            if legal_form is None:
                row.error(
                    "legal_form",
                    "Không xác định được loại hình: thêm cột “Loại hình” hoặc ghi rõ trong tên "
                    "(Công ty…, HTX…, Hộ kinh doanh…).",
                )
        industries = self._industries(row, context)
        data = {field: values.get(field) for field in services.PROFILE_FIELDS if field in values}
        # The commune is set by `check` once resolved: the rules ask only that it be a current unit, which a
        # resolved commune always is.
        data.update(legal_form=legal_form or "", commune=None, industries=industries)
        data.pop("main_industry", None)
        data["latitude"], data["longitude"] = values.get("latitude"), values.get("longitude")
        try:
            profile = services.clean_profile(data, today=context["today"])
        except ValidationFailed as error:
            reported = {field for field, _ in row.errors}
            for field, messages in error.details.items():
                if field not in reported and field not in ("legal_form", "commune"):
                    for message in messages:
                        row.error(field, message)
        else:
            names = (profile["name"], profile["other_names"], profile["tax_code"], profile["business_reg_no"])
            row.extra.update(profile=profile, names=services.name_columns(*names))
        row.extra["figures"] = self._figures(row, context["today"])
        row.extra["provided"] = {field for field, value in values.items() if value not in (None, "")}

    def check(self, rows: list[Row], context: dict) -> None:
        self._resolve_units(rows, context)
        for row in rows:
            self._check_row(row, context)
        self._check_existing([row for row in rows if not row.errors], context)

    def _check_row(self, row: Row, context: dict) -> None:
        """The row's units, then (for a good row) duplicates among the rows of the file."""
        units = self._units(row, context)
        profile = row.extra.get("profile")
        if row.errors or profile is None or not units:
            return
        profile["commune"] = units.get("commune")
        row.extra.update(
            province=units["province"],
            legacy_commune=units.get("legacy_commune"),
            written=units.get("written", ""),
        )
        self._check_duplicates_in_file(row, profile, context)

    @staticmethod
    def _unit_texts(row: Row) -> tuple[str, str, str]:
        return tuple((row.values.get(field) or "").strip() for field in UNIT_FIELDS)

    def _units(self, row: Row, context: dict) -> dict:
        result = context["units"][self._unit_texts(row)]
        for field, message in result["errors"]:
            row.error(field, message)
        return {} if result["errors"] else result

    def _resolve_units(self, rows: list[Row], context: dict) -> None:
        """Resolve the unit names of a chunk not met before: names in memory (UnitResolver), then the units
        written under a former name rolled up to today's together."""
        batch, resolver, known = context["batch"], context["resolver"], context["units"]
        picked = {}
        for row in rows:
            texts = self._unit_texts(row)
            if texts not in known and texts not in picked:
                picked[texts] = self._pick_units(*texts, batch=batch, resolver=resolver)
        chosen = {unit.pk: unit for *units, errors in picked.values() if not errors for unit in units if unit}
        resolver.roll_up_many(chosen.values())
        for texts, units in picked.items():
            known[texts] = self._resolve(*texts, units=units, batch=batch, resolver=resolver)

    def _pick(self, resolver: UnitResolver, text: str, level: str, within, as_of, field: str, errors: list):
        candidates = resolver.candidates(text, level=level, as_of=as_of, within=within)
        where = f" thuộc {within}" if within is not None else ""
        if not candidates:
            errors.append(
                (
                    field,
                    f"Không tìm thấy {self._level_name(level)} “{text}”{where} (theo địa giới ngày {_date(as_of)}).",
                )
            )
            return None
        if len(candidates) > 1:
            listed = "; ".join(_unit_label(unit) for unit in candidates[:5])
            errors.append((field, f"Tên “{text}” có ở nhiều nơi: {listed}. Ghi thêm huyện/tỉnh để phân biệt."))
            return None
        return candidates[0]

    @staticmethod
    def _level_name(level: str) -> str:
        return {"province": "tỉnh/thành phố", "district": "huyện", "commune": "xã/phường"}[level]

    def _pick_units(self, province_text: str, district_text: str, commune_text: str, *, batch, resolver) -> tuple:
        """(province, district, commune, errors): the units the names of a row mean, written as of the batch's
        date; a name is looked up inside the unit named before it."""
        as_of, errors = batch.as_of, []
        province = district = commune = None
        if province_text:
            province = self._pick(resolver, province_text, UnitLevel.PROVINCE, None, as_of, "province", errors)
        elif batch.province_id:
            province = batch.province
        if district_text and not errors:
            district = self._pick(resolver, district_text, UnitLevel.DISTRICT, province, as_of, "district", errors)
        if commune_text and not errors:
            commune = self._pick(
                resolver, commune_text, UnitLevel.COMMUNE, district or province, as_of, "commune", errors
            )
        return province, district, commune, errors

    def _resolve(
        self, province_text: str, district_text: str, commune_text: str, *, units: tuple, batch, resolver
    ) -> dict:
        """Today's province and commune for the unit names of a row (`units` from `_pick_units`)."""
        province, district, commune, errors = units
        if errors:
            return {"errors": errors}
        deepest = commune or district or province
        if deepest is None:
            return {
                "errors": [("province", "Thiếu tỉnh/thành phố: điền cột “Tỉnh/thành phố” hoặc chọn tỉnh khi tải lên.")]
            }
        result = {"errors": [], "province": resolver.current_province_of(deepest), "commune": None}
        if commune is not None:
            current = commune if commune.is_current else resolver.roll_up(commune)
            result["commune"] = current if current.level == UnitLevel.COMMUNE else None
            if not commune.is_current:
                result["legacy_commune"] = commune
        if any(unit is not None and not unit.is_current for unit in (province, district, commune)):
            result["written"] = ", ".join(text for text in (commune_text, district_text, province_text) if text)
        if batch.province_id and result["province"].pk != batch.province_id:
            field = "commune" if commune_text else "province"
            return {
                "errors": [(field, f"Địa bàn thuộc {result['province']}, ngoài tỉnh của lô nhập ({batch.province}).")]
            }
        return result

    def _industries(self, row: Row, context: dict) -> list:
        text = row.values.get("industries") or ""
        found = []
        for code in dict.fromkeys(_VSIC_CODE.findall(text)):
            industry = context["industries"].get(code)
            if industry is None:
                row.error("industries", f"Mã ngành “{code}” không có trong VSIC 2018 (ngành cấp 2).")
            else:
                found.append(industry)
        if text and not found and not any(field == "industries" for field, _ in row.errors):
            row.error("industries", f"Không đọc được mã ngành trong “{text}” (ví dụ 10, 1079, 31).")
        return found

    def _figures(self, row: Row, today: dt.date):
        values = {field: row.values.get(field) for field in FIGURE_FIELDS}
        if all(value is None for value in values.values()):
            return None
        year = row.values.get("figures_year")
        if year is None:
            if not any(field == "figures_year" for field, _ in row.errors):
                row.error("figures_year", "Có số liệu lao động/doanh thu nhưng thiếu “Năm số liệu”.")
            return None
        try:
            return services.clean_figures(values, year=year, today=today)
        except ValidationFailed as error:
            for field, messages in error.details.items():
                for message in messages:
                    row.error("figures_year" if field == "year" else field, message)
            return None

    def _check_duplicates_in_file(self, row: Row, profile: dict, context: dict) -> None:
        tax_code = profile["tax_code"]
        if tax_code:
            first = context["tax_codes"].setdefault(tax_code, row.number)
            if first != row.number:
                row.error("tax_code", f"Trùng mã số thuế {tax_code} với dòng {first}.")
            return
        key = (getattr(profile["commune"], "pk", None), row.extra["province"].pk, row.extra["names"]["name_key"])
        first = context["names"].setdefault(key, row.number)
        if first != row.number:
            row.error("name", f"Trùng với dòng {first} (cùng tên, cùng xã/phường, không có mã số thuế).")

    def _in_scope(self, establishment: _Known, context: dict) -> bool:
        batch, scope = context["batch"], context["scope"]
        if batch.province_id and establishment.province_id != batch.province_id:
            return False
        return scope is None or scope.covers_province(establishment.province_id)

    def _check_existing(self, rows: list[Row], context: dict) -> None:
        """Upsert by tax code; without one, link to the single record of the same name in the same commune."""
        codes = {row.extra["profile"]["tax_code"] for row in rows if row.extra["profile"]["tax_code"]}
        by_code = {known.tax_code: known for known in _with_tax_codes(codes)} if codes else {}
        pairs: dict[int, set[str]] = defaultdict(set)
        for row in rows:
            if row.extra["profile"]["commune"]:
                pairs[row.extra["profile"]["commune"].pk].add(row.extra["names"]["name_key"])
        by_name: dict[tuple, list[_Known]] = {}
        for known in _with_same_names(pairs) if pairs else ():
            by_name.setdefault((known.commune_id, known.name_key), []).append(known)
        for row in rows:
            profile = row.extra["profile"]
            commune_id = getattr(profile["commune"], "pk", None)
            same_name = by_name.get((commune_id, row.extra["names"]["name_key"]), []) if commune_id else []
            existing = by_code.get(profile["tax_code"]) if profile["tax_code"] else None
            if existing is not None:
                if not self._in_scope(existing, context):
                    row.error(
                        "tax_code",
                        f"Mã số thuế {profile['tax_code']} đã thuộc một cơ sở ngoài phạm vi của "
                        "lô nhập: không cập nhật được.",
                    )
                    continue
                row.action, row.target_id = "update", existing.pk
            elif profile["tax_code"]:
                row.action = "create"
                others = [e for e in same_name if e.tax_code != profile["tax_code"]]
                if others:
                    row.warn(
                        "name",
                        f"Có thể trùng với cơ sở “{others[0].name}” (mã hồ sơ {others[0].pk}) cùng tên, "
                        "cùng xã/phường: nếu là một, hãy gộp hồ sơ sau khi nhập.",
                    )
            elif len(same_name) == 1 and self._in_scope(same_name[0], context):
                row.action, row.target_id = "update", same_name[0].pk
                row.warn(
                    "name",
                    f"Khớp với cơ sở có sẵn “{same_name[0].name}” (mã hồ sơ {same_name[0].pk}, cùng "
                    "tên, cùng xã/phường): hồ sơ đó sẽ được cập nhật.",
                )
            elif len(same_name) > 1:
                row.error(
                    "name",
                    f"Có {len(same_name)} cơ sở cùng tên trong xã/phường này: cần mã số thuế để biết "
                    "cập nhật cơ sở nào.",
                )
            else:
                row.action = "create"

    # --- writing ----------------------------------------------------------------------------------------

    def write(self, rows: list[Row], context: dict, *, actor, batch) -> tuple[int, int]:
        items = [
            services.ImportItem(
                action=row.action,
                target_id=row.target_id,
                profile=row.extra["profile"],
                provided=row.extra["provided"],
                province=row.extra["province"],
                legacy_commune=row.extra.get("legacy_commune"),
                written=row.extra.get("written", ""),
                figures=row.extra.get("figures"),
                row_number=row.number,
                names=row.extra["names"],
            )
            for row in rows
        ]
        return services.establishments_import(actor=actor, batch=batch, items=items)

    def undo_blocker(self, batch) -> str | None:
        return services.import_undo_blocker(batch)

    def undo(self, batch, *, actor) -> int:
        return services.import_undo(batch, actor=actor)
