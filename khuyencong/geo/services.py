"""Writing reference data: applying an official change of administrative units, importing VSIC levels.

Units are never edited in place. A change file ends the old units (`valid_to` = the day before the change)
and creates a new generation of units (`valid_from` = the effective date, key `<date>:<level>:<code>`),
linked by `UnitSuccession`, so records on the old units keep their meaning and roll up to the new ones.
The file format and the rules are in docs/territory.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from khuyencong.accounts.access import user_scope
from khuyencong.accounts.roles import can
from khuyencong.audit.services import audit_record, snapshot
from khuyencong.core.errors import Conflict, PermissionDenied, ValidationFailed
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import IndustryCode, Region, Unit, UnitAlias, UnitLevel, UnitSuccession, UnitType
from khuyencong.geo.names import clean
from khuyencong.geo.selectors import CODE_LENGTH
from khuyencong.geo.tables import Table, header_key, read_table

RENAME, MERGE, SPLIT, NEW, ABOLISH = "rename", "merge", "split", "new", "abolish"
ACTION_LABELS = {
    RENAME: "Đổi tên, loại hoặc đơn vị cấp trên",
    MERGE: "Sáp nhập",
    SPLIT: "Chia tách",
    NEW: "Thành lập mới",
    ABOLISH: "Giải thể",
}
ACTION_SPELLINGS = {
    RENAME: ["rename", "doi ten", "doi loai", "dieu chinh"],
    MERGE: ["merge", "sap nhap", "hop nhat"],
    SPLIT: ["split", "tach", "chia tach", "chia"],
    NEW: ["new", "thanh lap", "thanh lap moi"],
    ABOLISH: ["abolish", "giai the"],
}
ACTIONS = {header_key(spelling): action for action, spellings in ACTION_SPELLINGS.items() for spelling in spellings}
LEVELS = {
    "province": UnitLevel.PROVINCE,
    "tinh": UnitLevel.PROVINCE,
    "cap tinh": UnitLevel.PROVINCE,
    "commune": UnitLevel.COMMUNE,
    "xa": UnitLevel.COMMUNE,
    "cap xa": UnitLevel.COMMUNE,
}
TYPES_BY_LEVEL = {
    UnitLevel.PROVINCE: {
        "tinh": UnitType.TINH,
        "thanh pho": UnitType.THANH_PHO_TW,
        "thanh pho tw": UnitType.THANH_PHO_TW,
        "thanh pho truc thuoc trung uong": UnitType.THANH_PHO_TW,
    },
    UnitLevel.COMMUNE: {"xa": UnitType.XA, "phuong": UnitType.PHUONG, "dac khu": UnitType.DAC_KHU},
}
YES = {"x", "1", "co", "yes", "true", "chinh"}
NO = {"", "0", "khong", "no", "false"}
DEFAULT_NOTES = {
    RENAME: "đổi tên",
    MERGE: "sáp nhập",
    SPLIT: "tách",
    NEW: "thành lập",
    ABOLISH: "giải thể",
}
CARRY_NOTE = "chuyển theo đơn vị cấp trên"

CHANGE_COLUMNS = {
    "action": "action",
    "hanh dong": "action",
    "thao tac": "action",
    "level": "level",
    "cap": "level",
    "old code": "old_code",
    "ma cu": "old_code",
    "new code": "new_code",
    "ma moi": "new_code",
    "new name": "new_name",
    "ten moi": "new_name",
    "new type": "new_type",
    "loai moi": "new_type",
    "parent code": "parent_code",
    "ma cap tren": "parent_code",
    "ma tinh": "parent_code",
    "primary": "primary",
    "chinh": "primary",
    "don vi ke thua chinh": "primary",
    "lat": "lat",
    "vi do": "lat",
    "lon": "lon",
    "kinh do": "lon",
    "note": "note",
    "ghi chu": "note",
}
CHANGE_REQUIRED = {"action", "level", "old_code", "new_code", "new_name"}


def _key(effective: dt.date, level: str, code: str) -> str:
    return f"{effective.isoformat()}:{level}:{code}"


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def may_manage_units(user) -> bool:
    """Whether `user` may change the national reference data (units, VSIC): the system itself (None, the
    command line) or a national-scope holder of `reference.manage`; a province's administrator may not."""
    return user is None or (can(user, "reference.manage") and user_scope(user).is_national)


def _require_manager(actor) -> None:
    if not may_manage_units(actor):
        raise PermissionDenied("Bạn không có quyền cập nhật danh mục dùng chung toàn quốc.")


# --- Parsing a change file --------------------------------------------------------------------------------


@dataclass
class ChangeRow:
    line: int
    action: str
    level: str
    old_code: str
    new_code: str
    new_name: str
    new_type: str
    parent_code: str
    primary: bool
    lat: float | None
    lon: float | None
    note: str


def _code(text: str, level: str, label: str, errors: list[str]) -> str:
    if not text:
        return ""
    if not text.isdigit() or len(text) > CODE_LENGTH[level]:
        errors.append(f"{label} “{text}” không hợp lệ: mã cấp {_level_name(level)} gồm {CODE_LENGTH[level]} chữ số.")
        return ""
    return text.zfill(CODE_LENGTH[level])


def _level_name(level: str) -> str:
    return "tỉnh" if level == UnitLevel.PROVINCE else "xã"


def _coordinate(text: str, label: str, low: float, high: float, errors: list[str]) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors.append(f"{label} “{text}” không hợp lệ (số thập phân từ {low:g} đến {high:g}).")
        return None
    return value


def parse_change_rows(table: Table) -> list[ChangeRow]:
    """Check each row on its own (values and required cells per action); every problem is reported."""
    rows: list[ChangeRow] = []
    problems: dict[str, list[str]] = {}
    for line, cells in table.rows:
        errors: list[str] = []
        action = ACTIONS.get(header_key(cells["action"]))
        if action is None:
            errors.append(
                f"Thao tác “{cells['action']}” không hợp lệ: dùng rename, merge, split, new hoặc abolish "
                "(đổi tên, sáp nhập, tách, thành lập, giải thể)."
            )
        level_text = header_key(cells["level"])
        level = LEVELS.get(level_text)
        if level is None:
            if level_text in {"district", "huyen", "cap huyen"}:
                errors.append("Cấp huyện không còn từ 01/07/2025: chỉ thay đổi cấp tỉnh hoặc cấp xã.")
            else:
                errors.append(f"Cấp “{cells['level']}” không hợp lệ: dùng province (tỉnh) hoặc commune (xã).")
        if action is None or level is None:
            problems[f"Dòng {line}"] = errors
            continue
        old_code = _code(cells["old_code"], level, "Mã cũ", errors)
        new_code = _code(cells["new_code"], level, "Mã mới", errors)
        parent_code = _code(cells.get("parent_code", ""), UnitLevel.PROVINCE, "Mã tỉnh (cấp trên)", errors)
        new_type = ""
        if cells.get("new_type"):
            new_type = TYPES_BY_LEVEL[level].get(header_key(cells["new_type"]), "")
            if not new_type:
                allowed = ", ".join(label for label in ("Tỉnh", "Thành phố", "Xã", "Phường", "Đặc khu"))
                errors.append(f"Loại “{cells['new_type']}” không hợp lệ ở cấp {_level_name(level)} ({allowed}).")
        primary_text = header_key(cells.get("primary", ""))
        if primary_text not in YES | NO:
            errors.append(f"Cột primary “{cells['primary']}” không hợp lệ: để trống hoặc ghi x.")
        name = clean(cells["new_name"])
        if action in (RENAME, MERGE, SPLIT, ABOLISH) and not cells["old_code"]:
            errors.append(f"{ACTION_LABELS[action]} cần mã cũ (old_code).")
        if action in (MERGE, SPLIT, NEW) and not cells["new_code"]:
            errors.append(f"{ACTION_LABELS[action]} cần mã mới (new_code).")
        if action in (SPLIT, NEW) and not name:
            errors.append(f"{ACTION_LABELS[action]} cần tên mới (new_name).")
        if action == NEW and cells["old_code"]:
            errors.append("Thành lập mới không có mã cũ: đơn vị hình thành từ đơn vị cũ là sáp nhập hoặc tách.")
        if action == NEW and not new_type:
            errors.append("Thành lập mới cần loại đơn vị (new_type).")
        if action == NEW and level == UnitLevel.COMMUNE and not parent_code:
            errors.append("Xã thành lập mới cần mã tỉnh (parent_code).")
        if action == ABOLISH and (cells["new_code"] or name):
            errors.append("Giải thể không có đơn vị mới: để trống new_code và new_name.")
        if level == UnitLevel.PROVINCE and parent_code:
            errors.append("Cấp tỉnh không có đơn vị cấp trên: để trống parent_code.")
        if any(
            (line, column) in table.numeric and 0 < len(cells[column]) < CODE_LENGTH[level]
            for column in ("old_code", "new_code")
        ):
            errors.append("Mã đang ở dạng số và đã mất số 0 ở đầu: định dạng cột mã là văn bản (Text).")
        lat = _coordinate(cells.get("lat", ""), "Vĩ độ", 8.0, 24.0, errors)
        lon = _coordinate(cells.get("lon", ""), "Kinh độ", 102.0, 118.0, errors)
        if errors:
            problems[f"Dòng {line}"] = errors
            continue
        rows.append(
            ChangeRow(
                line=line,
                action=action,
                level=level,
                old_code=old_code,
                new_code=new_code,
                new_name=name,
                new_type=new_type,
                parent_code=parent_code,
                primary=primary_text in YES,
                lat=lat,
                lon=lon,
                note=clean(cells.get("note", ""))[:200],
            )
        )
    if not rows and not problems:
        raise ValidationFailed("Tệp không có dòng thay đổi nào.", details={"tep": ["Không có dòng dữ liệu."]})
    if problems:
        raise ValidationFailed(_count_message(problems), details=problems)
    return rows


def _count_message(problems: dict[str, list[str]]) -> str:
    return f"Tệp có lỗi ở {len(problems)} dòng; không có thay đổi nào được ghi."


# --- Planning: the rows checked against the stored units -------------------------------------------------


@dataclass
class NewUnit:
    level: str
    code: str
    name: str
    unit_type: str
    parent_code: str  # province code after the change ("" for provinces)
    lat: float | None
    lon: float | None
    lines: list[int]


@dataclass
class Change:
    action: str
    olds: list[Unit]
    news: list[NewUnit]
    primary_code: str  # code of the primary new unit ("" when abolished)
    lines: list[int]
    note: str
    carried: list[Unit] = field(default_factory=list)  # children moved to the new province unchanged


@dataclass
class ChangePlan:
    effective: dt.date
    changes: list[Change]
    already_applied: bool = False
    warnings: list[str] = field(default_factory=list)  # allowed, but worth a second look

    def describe(self) -> list[str]:
        lines = []
        for change in self.changes:
            olds = ", ".join(f"{unit} ({unit.code})" for unit in change.olds)
            news = ", ".join(
                f"{_type_label(new)} {new.name} ({new.code})"
                + (" — chính" if new.code == change.primary_code and len(change.news) > 1 else "")
                for new in change.news
            )
            where = f"dòng {', '.join(map(str, change.lines))}"
            arrow = f"{olds} → {news}" if olds and news else (olds or news)
            lines.append(f"{ACTION_LABELS[change.action]} ({where}): {arrow}")
            if change.carried:
                lines.append(f"  kèm {len(change.carried)} đơn vị cấp xã chuyển sang tỉnh mới, giữ mã và tên")
        return lines


def _type_label(new: NewUnit) -> str:
    return Unit(unit_type=new.unit_type).type_prefix


def _agree(values: list[tuple[int, str]], label: str, problems: dict[str, list[str]]) -> str:
    """The one value a group of merge rows gives for a field (blank cells ignored)."""
    given = {value for _, value in values if value}
    if len(given) > 1:
        lines = ", ".join(str(line) for line, value in values if value)
        problems.setdefault(f"Dòng {values[0][0]}", []).append(
            f"Các dòng {lines} sáp nhập vào cùng một đơn vị nhưng ghi {label} khác nhau."
        )
    return next(iter(given), "")


class _Planner:
    """Turns checked rows into changes, reading the stored units once per level."""

    def __init__(self, rows: list[ChangeRow], effective: dt.date):
        self.rows = rows
        self.effective = effective
        self.day_before = effective - dt.timedelta(days=1)
        self.problems: dict[str, list[str]] = {}
        # Units in force on the day before the change, by (level, code); a unit already ended on that day
        # by this very change is kept too, so that a second run can recognise its own work.
        units = Unit.objects.filter(level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE]).filter(
            valid_to__isnull=True
        ) | Unit.objects.filter(valid_to=self.day_before)
        self.before: dict[tuple[str, str], Unit] = {}
        for unit in units.filter(level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE]).select_related("province"):
            if unit.valid_from is None or unit.valid_from < effective:
                self.before.setdefault((unit.level, unit.code), unit)
                if unit.valid_to is None:
                    self.before[(unit.level, unit.code)] = unit

    def fail(self, line: int, message: str) -> None:
        self.problems.setdefault(f"Dòng {line}", []).append(message)

    def old_unit(self, row: ChangeRow) -> Unit | None:
        unit = self.before.get((row.level, row.old_code))
        if unit is None:
            self.fail(
                row.line,
                f"Không có đơn vị cấp {_level_name(row.level)} mã {row.old_code} còn hiệu lực ngày "
                f"{_date(self.day_before)}.",
            )
        return unit

    def plan(self) -> ChangePlan:
        changes = self.group()
        applied = [change for change in changes if self.is_applied(change)]
        if applied and len(applied) == len(changes) and not self.problems:
            return ChangePlan(self.effective, changes, already_applied=True)
        if applied:
            for change in applied:
                self.fail(change.lines[0], "Thay đổi này đã được áp dụng trước đó (tệp bị áp dụng một phần?).")
            raise ValidationFailed(_count_message(self.problems), details=self.problems)
        for change in changes:
            for unit in change.olds:
                if unit.valid_to is not None:
                    self.fail(change.lines[0], f"{unit} ({unit.code}) đã hết hiệu lực từ {_date(unit.valid_to)}.")
        self.check_codes(changes)
        self.resolve_parents(changes)
        self.carry_children(changes)
        if self.problems:
            raise ValidationFailed(_count_message(self.problems), details=self.problems)
        return ChangePlan(self.effective, changes, warnings=self.warnings(changes))

    def warnings(self, changes: list[Change]) -> list[str]:
        notes = []
        for change in changes:
            for new in change.news:
                prefix = _type_label(new)
                if fold_vi(new.name).startswith(fold_vi(prefix) + " "):
                    notes.append(
                        f"Dòng {new.lines[0]}: tên mới “{new.name}” bắt đầu bằng “{prefix}”; tên ghi không kèm "
                        "loại đơn vị (trừ khi chữ đó thuộc tên thật)."
                    )
                if new.level == UnitLevel.PROVINCE and not change.olds:
                    notes.append(
                        f"Dòng {new.lines[0]}: tỉnh mới {new.name} chưa thuộc vùng nào; bổ sung vào vùng bình chọn "
                        "và vùng kinh tế - xã hội."
                    )
        return notes

    def group(self) -> list[Change]:
        changes: list[Change] = []
        merges: dict[tuple[str, str], list[ChangeRow]] = defaultdict(list)
        splits: dict[tuple[str, str], list[ChangeRow]] = defaultdict(list)
        for row in self.rows:
            if row.action == MERGE:
                merges[(row.level, row.new_code)].append(row)
            elif row.action == SPLIT:
                splits[(row.level, row.old_code)].append(row)
            else:
                changes.append(self.single(row))
        changes += [self.merge(rows) for rows in merges.values()]
        changes += [self.split(rows) for rows in splits.values()]
        changes = [change for change in changes if change is not None]
        self.check_overlaps(changes)
        return sorted(changes, key=lambda change: change.lines[0])

    def new_unit(self, row: ChangeRow, old: Unit | None) -> NewUnit:
        return NewUnit(
            level=row.level,
            code=row.new_code or (old.code if old else ""),
            name=row.new_name or (old.name if old else ""),
            unit_type=row.new_type or (old.unit_type if old else ""),
            parent_code=row.parent_code,
            lat=row.lat if row.lat is not None else (old.lat if old else None),
            lon=row.lon if row.lon is not None else (old.lon if old else None),
            lines=[row.line],
        )

    def single(self, row: ChangeRow) -> Change | None:
        old = self.old_unit(row) if row.action != NEW else None
        if row.action != NEW and old is None:
            return None
        olds = [old] if old else []
        news = [] if row.action == ABOLISH else [self.new_unit(row, old)]
        if row.action == RENAME and old is not None:
            new = news[0]
            if (new.code, new.name, new.unit_type) == (old.code, old.name, old.unit_type) and not row.parent_code:
                self.fail(row.line, "Dòng đổi tên không thay đổi gì (mã, tên, loại và cấp trên như cũ).")
        return Change(
            action=row.action,
            olds=olds,
            news=news,
            primary_code=news[0].code if news else "",
            lines=[row.line],
            note=row.note or DEFAULT_NOTES[row.action],
        )

    def merge(self, rows: list[ChangeRow]) -> Change | None:
        olds = [self.old_unit(row) for row in rows]
        if len(rows) < 2:
            self.fail(rows[0].line, "Sáp nhập cần ít nhất hai đơn vị cũ cùng mã mới; một đơn vị thì dùng rename.")
        if any(old is None for old in olds) or len(rows) < 2:
            return None
        new = NewUnit(
            level=rows[0].level,
            code=rows[0].new_code,
            name=_agree([(row.line, row.new_name) for row in rows], "tên mới", self.problems),
            unit_type=_agree([(row.line, row.new_type) for row in rows], "loại", self.problems),
            parent_code=_agree([(row.line, row.parent_code) for row in rows], "mã tỉnh", self.problems),
            lat=next((row.lat for row in rows if row.lat is not None), olds[0].lat),
            lon=next((row.lon for row in rows if row.lon is not None), olds[0].lon),
            lines=[row.line for row in rows],
        )
        if not new.name:
            self.fail(rows[0].line, f"Sáp nhập vào mã {new.code} cần tên mới (new_name) ở ít nhất một dòng.")
        if not new.unit_type:
            types = {old.unit_type for old in olds}
            if len(types) > 1:
                self.fail(rows[0].line, "Các đơn vị cũ khác loại: ghi loại của đơn vị mới (new_type).")
            new.unit_type = types.pop()
        return Change(
            action=MERGE,
            olds=olds,
            news=[new],
            primary_code=new.code,
            lines=new.lines,
            note=next((row.note for row in rows if row.note), DEFAULT_NOTES[MERGE]),
        )

    def split(self, rows: list[ChangeRow]) -> Change | None:
        old = self.old_unit(rows[0])
        if len(rows) < 2:
            self.fail(rows[0].line, "Chia tách cần ít nhất hai đơn vị mới cùng mã cũ; một đơn vị thì dùng rename.")
        primaries = [row for row in rows if row.primary]
        if len(primaries) != 1:
            self.fail(
                rows[0].line,
                f"Chia tách đơn vị mã {rows[0].old_code} cần đúng một đơn vị kế thừa chính (cột primary = x), "
                f"tệp ghi {len(primaries)}.",
            )
        codes = [row.new_code for row in rows]
        if len(set(codes)) != len(codes):
            self.fail(rows[0].line, f"Chia tách đơn vị mã {rows[0].old_code} ghi trùng mã mới.")
        if old is None or len(rows) < 2 or len(primaries) != 1:
            return None
        return Change(
            action=SPLIT,
            olds=[old],
            news=[self.new_unit(row, old if row.primary else None) for row in rows],
            primary_code=primaries[0].new_code,
            lines=[row.line for row in rows],
            note=next((row.note for row in rows if row.note), DEFAULT_NOTES[SPLIT]),
        )

    def check_overlaps(self, changes: list[Change]) -> None:
        used: dict[int, int] = {}
        made: dict[tuple[str, str], int] = {}
        for change in changes:
            for old in change.olds:
                if old.pk in used:
                    self.fail(change.lines[0], f"{old} ({old.code}) đã có trong dòng {used[old.pk]}.")
                used.setdefault(old.pk, change.lines[0])
            for new in change.news:
                if (new.level, new.code) in made:
                    self.fail(
                        change.lines[0],
                        f"Mã mới {new.code} đã được dùng cho một đơn vị khác ở dòng {made[(new.level, new.code)]}.",
                    )
                made.setdefault((new.level, new.code), change.lines[0])
        self.ended = {old.pk for change in changes for old in change.olds}

    def is_applied(self, change: Change) -> bool:
        if change.news:
            keys = [_key(self.effective, new.level, new.code) for new in change.news]
            return Unit.objects.filter(key__in=keys).count() == len(keys)
        return all(old.valid_to == self.day_before for old in change.olds)

    def check_codes(self, changes: list[Change]) -> None:
        """A new code must not be held by a unit that stays in force."""
        for change in changes:
            for new in change.news:
                holder = self.before.get((new.level, new.code))
                if holder is not None and holder.pk not in self.ended and holder.valid_to is None:
                    self.fail(change.lines[0], f"Mã mới {new.code} đang là mã của {holder}, đơn vị vẫn còn hiệu lực.")

    def province_after(self, code: str) -> tuple[str, str] | None:
        """("new", code) for a province made by this file, ("kept", code) for one that stays, else None."""
        if any(new.level == UnitLevel.PROVINCE and new.code == code for change in self.changes for new in change.news):
            return ("new", code)
        unit = self.before.get((UnitLevel.PROVINCE, code))
        if unit is not None and unit.pk not in self.ended and unit.valid_to is None:
            return ("kept", code)
        return None

    def successor_province_code(self, province: Unit) -> str | None:
        """The code of the province `province` is in after this file (itself, or its primary successor)."""
        if province.pk not in self.ended:
            return province.code
        for change in self.changes:
            if any(old.pk == province.pk for old in change.olds):
                return change.primary_code or None
        return None

    def resolve_parents(self, changes: list[Change]) -> None:
        self.changes = changes
        for change in changes:
            for new in change.news:
                if new.level != UnitLevel.COMMUNE:
                    continue
                if new.parent_code:
                    if self.province_after(new.parent_code) is None:
                        self.fail(
                            new.lines[0],
                            f"Không có tỉnh mã {new.parent_code} sau ngày {_date(self.effective)} "
                            "(ghi mã tỉnh mới nếu tỉnh cũng thay đổi trong tệp).",
                        )
                    continue
                parents = {self.successor_province_code(old.province) for old in change.olds}
                if len(parents) == 1 and None not in parents:
                    new.parent_code = parents.pop()
                else:
                    self.fail(new.lines[0], "Không suy ra được tỉnh của đơn vị mới: ghi mã tỉnh (parent_code).")

    def carry_children(self, changes: list[Change]) -> None:
        """Communes of a replaced province that the file does not mention move to its primary successor."""
        replaced = {old.pk: change for change in changes for old in change.olds if old.level == UnitLevel.PROVINCE}
        if not replaced:
            return
        children = Unit.objects.filter(parent_id__in=replaced, valid_to__isnull=True).exclude(pk__in=self.ended)
        for child in children.select_related("parent").order_by("code"):
            change = replaced[child.parent_id]
            if change.action == ABOLISH:
                self.fail(
                    change.lines[0],
                    f"Không thể giải thể {child.parent} khi còn {child} ({child.code}): ghi thay đổi của các xã "
                    "trong cùng tệp.",
                )
                continue
            change.carried.append(child)


def plan_unit_changes(path: str | Path, *, effective: dt.date) -> ChangePlan:
    """Read and check a change file against the stored units; writes nothing."""
    table = read_table(path, columns=CHANGE_COLUMNS, required=CHANGE_REQUIRED)
    return _Planner(parse_change_rows(table), effective).plan()


# --- Applying ---------------------------------------------------------------------------------------------


@dataclass
class ChangeResult:
    plan: ChangePlan
    created: int = 0
    ended: int = 0
    links: int = 0
    dry_run: bool = False

    @property
    def already_applied(self) -> bool:
        return self.plan.already_applied


def unit_changes_apply(
    *,
    actor,
    path: str | Path,
    effective: dt.date,
    source_name: str = "",
    citation: str = "",
    dry_run: bool = False,
) -> ChangeResult:
    """Apply an official change file effective on `effective`, all or nothing, one audit event per change.

    Running the same file again changes nothing (`already_applied`); `dry_run` only plans.
    """
    _require_manager(actor)
    plan = plan_unit_changes(path, effective=effective)
    if dry_run or plan.already_applied:
        return ChangeResult(plan=plan, dry_run=dry_run)
    return unit_changes_commit(actor=actor, plan=plan, source_name=source_name or Path(path).name, citation=citation)


def unit_changes_commit(*, actor, plan: ChangePlan, source_name: str, citation: str = "") -> ChangeResult:
    """Write a plan made by `plan_unit_changes`, all or nothing.

    A plan is a snapshot: the units it ends are locked and checked again, so when someone else changed
    them since (two operators applying overlapping files), this refuses instead of writing over them.
    """
    _require_manager(actor)
    result = ChangeResult(plan=plan)
    with transaction.atomic():
        ids = [old.pk for change in plan.changes for old in [*change.olds, *change.carried]]
        fresh = Unit.objects.select_for_update().in_bulk(ids)
        if any(unit.valid_to is not None for unit in fresh.values()) or len(fresh) != len(set(ids)):
            raise Conflict(
                "Danh mục đơn vị vừa được thay đổi bởi một thao tác khác; hãy kiểm tra và áp dụng lại tệp.",
                details={"tep": ["Đơn vị trong tệp đã thay đổi sau khi tệp được kiểm tra."]},
            )
        note = _audit_note(source_name, plan.effective, citation)
        _Writer(plan, result, actor=actor, note=note, citation=citation).run()
    return result


def _audit_note(source_name: str, effective: dt.date, citation: str) -> str:
    parts = [f"Tệp {source_name}", f"hiệu lực {_date(effective)}"]
    if citation:
        parts.append(f"căn cứ {citation}")
    return "; ".join(parts)


class _Writer:
    def __init__(self, plan: ChangePlan, result: ChangeResult, *, actor, note: str, citation: str):
        self.plan = plan
        self.result = result
        self.actor = actor
        self.note = note
        self.citation = citation
        self.effective = plan.effective
        self.day_before = plan.effective - dt.timedelta(days=1)
        self.provinces: dict[str, Unit] = {}

    def run(self) -> None:
        # Provinces first, so that new communes can point at new provinces.
        ordered = sorted(
            self.plan.changes, key=lambda change: not change.news or change.news[0].level != UnitLevel.PROVINCE
        )
        for change in ordered:
            before = [snapshot(old) for old in change.olds]
            news = [self.create(new, change) for new in change.news]
            primary = next((unit for unit in news if unit.code == change.primary_code), None)
            for old in change.olds:
                self.end(old)
                for unit in news:
                    is_primary = unit is primary or change.action == MERGE
                    note = f"{change.note} (mặc định)" if change.action == SPLIT and is_primary else change.note
                    self.link(old, unit, note, primary=is_primary)
            audit_record(
                actor=self.actor,
                action=f"geo_unit.{change.action}",
                obj=primary or change.olds[0],
                before={"units": before},
                after={"units": [snapshot(unit) for unit in news], "ended": [old.key for old in change.olds]},
                note=self.note,
            )
        for change in ordered:
            for child in change.carried:
                self.carry(child, change)

    def province(self, code: str) -> Unit:
        if code not in self.provinces:
            self.provinces[code] = Unit.objects.filter(
                level=UnitLevel.PROVINCE, code=code, valid_from__lte=self.effective, valid_to__isnull=True
            ).get()
        return self.provinces[code]

    def create(self, new: NewUnit, change: Change) -> Unit:
        parent = self.province(new.parent_code) if new.level == UnitLevel.COMMUNE else None
        unit = Unit.objects.create(
            key=_key(self.effective, new.level, new.code),
            code=new.code,
            name=new.name,
            name_folded=fold_vi(new.name),
            unit_type=new.unit_type,
            level=new.level,
            parent=parent,
            province=parent,
            valid_from=self.effective,
            lat=new.lat,
            lon=new.lon,
        )
        if new.level == UnitLevel.PROVINCE:
            Unit.objects.filter(pk=unit.pk).update(province=unit)
            unit.province = unit
            self.provinces[unit.code] = unit
            self.inherit_regions(unit, change.olds)
        self.copy_aliases(unit, change.olds)
        self.result.created += 1
        return unit

    def end(self, unit: Unit) -> None:
        Unit.objects.filter(pk=unit.pk).update(valid_to=self.day_before)
        unit.valid_to = self.day_before
        self.result.ended += 1

    def link(self, old: Unit, new: Unit, note: str, *, primary: bool) -> None:
        if self.citation:
            note = f"{note}; {self.citation}"
        UnitSuccession.objects.create(
            predecessor=old, successor=new, effective_date=self.effective, is_primary=primary, note=note[:300]
        )
        self.result.links += 1

    def carry(self, child: Unit, change: Change) -> None:
        """A commune that only changes province: same code, name and type, under the new province."""
        before = snapshot(child)
        parent = self.province(change.primary_code)
        unit = Unit.objects.create(
            key=_key(self.effective, child.level, child.code),
            code=child.code,
            name=child.name,
            name_folded=child.name_folded,
            unit_type=child.unit_type,
            level=child.level,
            parent=parent,
            province=parent,
            valid_from=self.effective,
            lat=child.lat,
            lon=child.lon,
        )
        self.result.created += 1
        self.copy_aliases(unit, [child])
        self.end(child)
        self.link(child, unit, CARRY_NOTE, primary=True)
        audit_record(
            actor=self.actor,
            action="geo_unit.carry_over",
            obj=unit,
            before={"units": [before]},
            after={"units": [snapshot(unit)], "ended": [child.key]},
            note=self.note,
        )

    def inherit_regions(self, province: Unit, olds: list[Unit]) -> None:
        """A new province takes, per scheme, the region of the first old province listed for it."""
        for scheme in Region.objects.values_list("scheme", flat=True).distinct():
            for old in olds:
                region = Region.objects.filter(scheme=scheme, provinces=old).first()
                if region is not None:
                    region.provinces.add(province)
                    break

    def copy_aliases(self, unit: Unit, olds: list[Unit]) -> None:
        """Spellings of an old unit carry over when the new one keeps its name ("TP HCM")."""
        same_name = [old.pk for old in olds if old.name_folded == unit.name_folded]
        aliases = UnitAlias.objects.filter(unit_id__in=same_name)
        UnitAlias.objects.bulk_create(
            [UnitAlias(alias=alias.alias, alias_folded=alias.alias_folded, unit=unit) for alias in aliases],
            ignore_conflicts=True,
        )


# --- VSIC ----------------------------------------------------------------------------------------------

VSIC_COLUMNS = {
    "code": "code",
    "ma": "code",
    "ma nganh": "code",
    "name": "name",
    "ten": "name",
    "ten nganh": "name",
    **{f"cap {level}": f"level{level}" for level in range(1, 6)},
    **{f"level {level}": f"level{level}" for level in range(1, 6)},
    **{f"level{level}": f"level{level}" for level in range(1, 6)},
}
VSIC_EXPECTED = {1: 21, 2: 88, 3: 242, 4: 486, 5: 734}


@dataclass
class VsicResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def warnings(self) -> list[str]:
        return [
            f"Cấp {level}: có {self.counts.get(level, 0)} mã, danh mục VSIC 2018 có {expected}."
            for level, expected in VSIC_EXPECTED.items()
            if self.counts.get(level, 0) != expected
        ]


def _vsic_level(code: str) -> int | None:
    if len(code) == 1 and "A" <= code <= "U":
        return 1
    if code.isdigit() and 2 <= len(code) <= 5:
        return len(code)
    return None


def _vsic_rows(table: Table) -> tuple[dict[str, tuple[int, int, str]], dict[str, list[str]]]:
    """{code: (line, level, name)} from either layout: code,name or Cấp 1…Cấp 5 + name."""
    layered = [column for column in table.columns if column.startswith("level")]
    rows: dict[str, tuple[int, int, str]] = {}
    problems: dict[str, list[str]] = {}
    for line, cells in table.rows:
        errors = []
        name = clean(cells.get("name", ""))
        if layered:
            given = [(int(column[-1]), cells[column]) for column in layered if cells[column]]
            if len(given) != 1:
                errors.append("Mỗi dòng ghi mã ở đúng một cột Cấp 1…Cấp 5.")
                code, level = "", None
            else:
                level, code = given[0]
                code = code.upper() if level == 1 else code.zfill(level)
                if _vsic_level(code) != level:
                    errors.append(f"Mã “{given[0][1]}” không hợp lệ ở cấp {level}.")
        else:
            code = cells.get("code", "").upper().replace(".", "")
            level = _vsic_level(code)
            if (line, "code") in table.numeric and code.isdigit():
                errors.append("Mã đang ở dạng số (có thể đã mất số 0 ở đầu): định dạng cột mã là văn bản (Text).")
            elif level is None:
                errors.append(f"Mã “{cells.get('code', '')}” không hợp lệ (một chữ cái A–U hoặc 2–5 chữ số).")
        if not name:
            errors.append("Thiếu tên ngành.")
        if not errors and code in rows:
            errors.append(f"Mã {code} đã có ở dòng {rows[code][0]}.")
        if errors:
            problems[f"Dòng {line}"] = errors
        else:
            rows[code] = (line, level, name)
    return rows, problems


def _vsic_parent_code(code: str, level: int, sections: dict[str, str]) -> str | None:
    if level == 1:
        return None
    if level == 2:
        return sections.get(code)
    return code[: level - 1]


def industry_codes_import(
    *, actor, path: str | Path, source_name: str = "", version: str = "2018", dry_run: bool = False
) -> VsicResult:
    """Import VSIC codes (typically levels 3–5) from the official list; all or nothing, audited.

    Level and parent come from the code's shape (3 digits → level 3 under its first 2, …). Existing codes
    keep their row; a different name is updated and audited. Running the same file again changes nothing.
    """
    _require_manager(actor)
    source_name = source_name or Path(path).name
    table = read_table(path, columns=VSIC_COLUMNS, required=set())
    has_codes = "code" in table.columns or any(column.startswith("level") for column in table.columns)
    if "name" not in table.columns or not has_codes:
        raise ValidationFailed(
            "Tệp VSIC cần cột mã (code) và tên (name), hoặc các cột Cấp 1…Cấp 5 và tên ngành.",
            details={"Dòng 1": ["Thiếu cột mã hoặc tên ngành."]},
        )
    rows, problems = _vsic_rows(table)
    existing = {industry.code: industry for industry in IndustryCode.objects.filter(version=version)}
    sections = {
        industry.code: industry.parent.code
        for industry in IndustryCode.objects.filter(version=version, level=2).select_related("parent")
    }
    for code, (line, level, _name) in sorted(rows.items(), key=lambda item: item[1][1]):
        if level == 2 and code not in sections:
            problems.setdefault(f"Dòng {line}", []).append(
                f"Ngành cấp 2 mã {code} không có trong danh mục VSIC {version} (cấp 1–2 có sẵn)."
            )
        parent = _vsic_parent_code(code, level, sections)
        if level >= 3 and parent not in existing and parent not in rows:
            problems.setdefault(f"Dòng {line}", []).append(f"Không có ngành cấp {level - 1} mã {parent} (mã cha).")
    if problems:
        raise ValidationFailed(_count_message(problems), details=problems)

    result = VsicResult(dry_run=dry_run)
    created, renamed = [], []
    for code, (_line, level, name) in sorted(rows.items(), key=lambda item: (item[1][1], item[0])):
        industry = existing.get(code)
        if industry is None:
            created.append((code, level, name))
        elif fold_vi(industry.name) != fold_vi(name):
            renamed.append((industry, name))
        else:
            result.unchanged += 1
    result.created, result.renamed = len(created), len(renamed)
    if not dry_run and (created or renamed):
        with transaction.atomic():
            ids = {industry.code: industry.pk for industry in existing.values()}
            for code, level, name in created:
                parent_code = _vsic_parent_code(code, level, sections)
                industry = IndustryCode.objects.create(
                    version=version,
                    code=code,
                    level=level,
                    name=name,
                    name_folded=fold_vi(name),
                    parent_id=ids.get(parent_code) if parent_code else None,
                )
                ids[code] = industry.pk
            for industry, name in renamed:
                before = snapshot(industry, ["name"])
                IndustryCode.objects.filter(pk=industry.pk).update(name=name, name_folded=fold_vi(name))
                industry.name = name
                audit_record(
                    actor=actor,
                    action="industry_code.rename",
                    obj=industry,
                    before=before,
                    after={"name": name},
                    note=f"Tệp {source_name}",
                )
            audit_record(
                actor=actor,
                action="industry_code.import",
                object_type="geo.industrycode",
                object_label=f"VSIC {version}",
                after={"created": [code for code, _, _ in created], "renamed": [i.code for i, _ in renamed]},
                note=f"Tệp {source_name}; thêm {len(created)} mã, sửa tên {len(renamed)} mã",
            )
    counts = defaultdict(int)
    for level in IndustryCode.objects.filter(version=version).values_list("level", flat=True):
        counts[level] += 1
    if dry_run:
        for _code, level, _name in created:
            counts[level] += 1
    result.counts = dict(counts)
    return result
