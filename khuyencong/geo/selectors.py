"""Reading administrative units: resolving codes and names, rolling old units up to today's, the unit tree,
search, regions and VSIC.

Units are public reference data, so nothing here is filtered by the user's scope; every query is indexed
and bounded, and batch helpers (`roll_up_many`) exist so callers never query once per row. The rules are
documented in docs/territory.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Collate
from django.utils import timezone

from khuyencong.core.errors import NotFound
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import IndustryCode, Region, Unit, UnitAlias, UnitLevel, UnitSuccession
from khuyencong.geo.names import (
    PROVINCE_TYPES,
    accent_key,
    clean,
    has_diacritics,
    readings,
    without_apostrophes,
)

__all__ = [
    "UnitResolver",
    "browse_date",
    "current_province_of",
    "industry_codes",
    "legacy_units_behind",
    "regions_of",
    "resolve_unit",
    "resolve_unit_candidates",
    "roll_up",
    "roll_up_many",
    "search_units",
    "successions_from",
    "successions_into",
    "unit_by_key",
    "unit_tree_children",
    "units_replaced_since",
    "units_valid_on",
]

CODE_LENGTH = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
LEVEL_OF_CODE_LENGTH = {length: level for level, length in CODE_LENGTH.items()}
# Units change a few times a decade; more hops than this means a cycle in the data.
MAX_GENERATIONS = 50


def _today() -> dt.date:
    return timezone.localdate()


def _check_level(level: str | None) -> None:
    if level is not None and level not in UnitLevel.values:
        raise ValueError(f"Unknown unit level {level!r}: use one of {UnitLevel.values}")


def _valid_on(day: dt.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def units_valid_on(day: dt.date | None = None) -> QuerySet[Unit]:
    """Units that existed on `day` (default today): the current tree, or the tree as it was."""
    return Unit.objects.filter(_valid_on(day or _today()))


def unit_by_key(key: str) -> Unit:
    try:
        return Unit.objects.select_related("parent", "province").get(key=key)
    except Unit.DoesNotExist:
        raise NotFound("Không tìm thấy đơn vị hành chính.") from None


# --- Resolving a code or a name -----------------------------------------------------------------------


def _code_of(text: str, level: str | None) -> tuple[str, str] | None:
    """(code, level) when `text` is a code: 2 digits province, 3 district, 5 commune.

    With a level, a shorter number is zero-padded (Excel drops leading zeros) unless it could be a
    numbered name: names are at most two digits ("Quận 1", "Phường 12"), province codes always pad.
    """
    if not text.isdigit():
        return None
    if level is None:
        found = LEVEL_OF_CODE_LENGTH.get(len(text))
        return (text, found) if found else None
    length = CODE_LENGTH[level]
    if len(text) == length or (len(text) < length and (level == UnitLevel.PROVINCE or len(text) > 2)):
        return text.zfill(length), level
    return None


def _related_provinces(province: Unit) -> set[int]:
    """The province and every province it came from or went into, any generation (links of any kind)."""
    seen = {province.pk}
    frontier = {province.pk}
    while frontier:
        links = UnitSuccession.objects.filter(
            Q(predecessor_id__in=frontier) | Q(successor_id__in=frontier), predecessor__level=UnitLevel.PROVINCE
        ).values_list("predecessor_id", "successor_id")
        found = {pk for pair in links for pk in pair} - seen
        seen |= found
        frontier = found
    return seen


def _within(within: Unit) -> Q:
    """Units inside `within`, read across generations: a legacy province also covers today's province it
    went into, a current province the legacy provinces it was formed from, and a legacy district the
    current communes formed from its communes."""
    if within.level == UnitLevel.PROVINCE:
        return Q(province_id__in=_related_provinces(within))
    formed_from = UnitSuccession.objects.filter(predecessor__parent=within).values("successor_id")
    return Q(parent=within) | Q(pk__in=formed_from)


def _type_fits(unit: Unit, types: frozenset[str] | None, *, aliased: bool) -> bool:
    """Whether a unit fits the type word written before its name. Through an alias any province fits a
    provincial type word: "Tỉnh Thừa Thiên Huế" is today's Thành phố Huế, a province renamed and retyped."""
    if types is None or unit.unit_type in types:
        return True
    return aliased and unit.level == UnitLevel.PROVINCE and bool(types & PROVINCE_TYPES)


def _tier(unit: Unit, as_of: dt.date) -> int:
    """Preference among matches: 0 a valid province, 1 a former province, 2 a valid district or commune,
    3 a former district or commune. A bare province name no longer in use ("Bình Phước" today) thus still
    means the province, while "Chợ Lách" today means the current commune, not the former district."""
    valid = unit.valid_on(as_of)
    if unit.level == UnitLevel.PROVINCE:
        return 0 if valid else 1
    return 2 if valid else 3


def _best(units: Iterable[Unit], as_of: dt.date) -> list[Unit]:
    """The matches of the best tier; among former units the latest generation; districts before communes."""
    unique = {unit.pk: unit for unit in units}
    if not unique:
        return []
    best = min(_tier(unit, as_of) for unit in unique.values())
    chosen = [unit for unit in unique.values() if _tier(unit, as_of) == best]
    if best in (1, 3):
        latest = max(unit.valid_to for unit in chosen)
        chosen = [unit for unit in chosen if unit.valid_to == latest]
    chosen = [unit for unit in chosen if unit.level == UnitLevel.DISTRICT] or chosen
    return sorted(chosen, key=lambda unit: (unit.province.code if unit.province_id else "", unit.code, unit.key))


def resolve_unit_candidates(
    text: str,
    *,
    level: str | None = None,
    as_of: dt.date | None = None,
    within: Unit | None = None,
) -> list[Unit]:
    """Every unit `text` may mean on `as_of` (default today), best reading and best tier only.

    One element: the unit. Several: the name is ambiguous (importers say "Tên 'X' trùng ở nhiều nơi" and
    list them). None: unknown. Units that ended before `as_of` are included when nothing valid matches;
    check `unit.valid_on(as_of)` and use `roll_up` for today's unit. Units that begin after `as_of` never
    match. `UnitResolver` gives the same answers for many names from units loaded once.
    """
    _check_level(level)
    as_of = as_of or _today()
    scope = (
        Unit.objects.select_related("parent", "province")
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=as_of))
        .order_by()
    )
    if level:
        scope = scope.filter(level=level)
    if within is not None:
        scope = scope.filter(_within(within))
    return _candidates(text, level, as_of, _QueryScope(scope))


class _QueryScope:
    """The units a name may match, asked of the database (one name at a time)."""

    def __init__(self, scope: QuerySet[Unit]):
        self.scope = scope

    def with_code(self, code: str, level: str) -> Iterable[Unit]:
        return self.scope.filter(code=code, level=level)

    def aliases(self, keys: set[str]) -> dict[int, list[tuple[str, str]]]:
        found: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for unit_id, folded, spelled in UnitAlias.objects.filter(alias_folded__in=keys).values_list(
            "unit_id", "alias_folded", "alias"
        ):
            found[unit_id].append((folded, spelled))
        return found

    def named(self, keys: set[str], unit_ids: Iterable[int]) -> Iterable[Unit]:
        return self.scope.filter(Q(name_folded__in=keys) | Q(pk__in=list(unit_ids)))

    def with_apostrophe(self) -> Iterable[Unit]:
        return self.scope.filter(name_folded__contains="'")


def _candidates(text: str, level: str | None, as_of: dt.date, scope) -> list[Unit]:
    """The resolution itself, over a scope that answers four questions (`_QueryScope`, `_PoolScope`)."""
    text = clean(text or "")
    if not text:
        return []
    code = _code_of(text, level)
    if code is not None:
        found = _best(scope.with_code(*code), as_of)
        if found:
            return found

    options = readings(text)
    keys = {key for option in options for key in option.names}
    if not keys:
        return []
    aliases = scope.aliases(keys)
    # folded key → [(unit, the spelling that matched: its name or an alias, whether through an alias)]
    matches: dict[str, list[tuple[Unit, str, bool]]] = defaultdict(list)
    for unit in scope.named(keys, aliases):
        if unit.name_folded in keys:
            matches[unit.name_folded].append((unit, unit.name, False))
        for folded, spelled in aliases.get(unit.pk, ()):
            matches[folded].append((unit, spelled, True))
    found = _first_reading(options, matches, as_of, lambda key: key)
    if found:
        return found
    # Last resort, one more query: names with an apostrophe written without it ("Cư Mgar", "Ea Hleo").
    bare: dict[str, list[tuple[Unit, str, bool]]] = defaultdict(list)
    for unit in scope.with_apostrophe():
        bare[without_apostrophes(unit.name_folded)].append((unit, unit.name, False))
    return _first_reading(options, bare, as_of, without_apostrophes)


def _first_reading(options, matches, as_of: dt.date, key_of) -> list[Unit]:
    """The best units of the first reading that matches anything."""
    for option in options:
        found = [
            (unit, spelling)
            for key in option.names
            for unit, spelling, aliased in matches.get(key_of(key), ())
            if _type_fits(unit, option.types, aliased=aliased)
        ]
        if found:
            # Written with diacritics, a unit spelled exactly so beats one equal only once folded
            # ("Phường Đúc" is not "Phượng Dực"); text without diacritics says nothing either way.
            exact = []
            if has_diacritics(option.text):
                written = accent_key(option.text)
                exact = [unit for unit, spelling in found if accent_key(spelling) == written]
            return _best(exact or [unit for unit, _ in found], as_of)
    return []


def resolve_unit(
    text: str,
    *,
    level: str | None = None,
    as_of: dt.date | None = None,
    within: Unit | None = None,
) -> Unit | None:
    """The unit an official code or a free-text name means on `as_of` (default today), or None when it is
    unknown or ambiguous (then `resolve_unit_candidates` lists the choices).

    When no unit valid on `as_of` matches but a former one does ("Bình Phước" after 01/07/2025), the
    former unit is returned: `unit.valid_on(as_of)` is False and `roll_up(unit)` gives today's unit.
    """
    candidates = resolve_unit_candidates(text, level=level, as_of=as_of, within=within)
    return candidates[0] if len(candidates) == 1 else None


# --- Rolling former units up to today's -----------------------------------------------------------------


def roll_up_many(units: Iterable[Unit], *, as_of: dt.date | None = None) -> dict[int, Unit]:
    """{unit id: the unit valid on `as_of` (default today) that it became}, one query per generation.

    Follows primary successor links effective on or before `as_of` through any number of generations. A
    unit that ended without a link (a legacy district: they have none; an abolished commune) rolls up
    through its province. A unit valid on `as_of`, or not yet begun, maps to itself; an abolished province
    with no successor also maps to itself (check `valid_on`).
    """
    as_of = as_of or _today()
    position: dict[int, Unit] = {unit.pk: unit for unit in units}
    stuck: set[int] = set()
    for _ in range(MAX_GENERATIONS):
        moving = {
            pk: unit
            for pk, unit in position.items()
            if unit.valid_to is not None and unit.valid_to < as_of and unit.pk not in stuck
        }
        if not moving:
            return position
        links = (
            UnitSuccession.objects.filter(
                predecessor_id__in={unit.pk for unit in moving.values()}, is_primary=True, effective_date__lte=as_of
            )
            .select_related("successor__province", "successor__parent")
            .order_by("effective_date", "pk")
        )
        successor_of = {link.predecessor_id: link.successor for link in links}  # the latest link wins
        orphans = {unit.province_id for unit in moving.values() if unit.pk not in successor_of}
        provinces = Unit.objects.select_related("province", "parent").in_bulk(orphans - {None})
        for pk, unit in moving.items():
            if unit.pk in successor_of:
                position[pk] = successor_of[unit.pk]
            elif unit.level != UnitLevel.PROVINCE and unit.province_id in provinces:
                position[pk] = provinces[unit.province_id]
            else:
                stuck.add(unit.pk)
    raise RuntimeError("Chuỗi kế thừa đơn vị hành chính quá dài hoặc bị vòng lặp.")


def roll_up(unit: Unit, *, as_of: dt.date | None = None) -> Unit:
    """Today's (or `as_of`'s) unit for `unit`: Bình Phước → Đồng Nai, a 2020 commune → its 2025 commune."""
    return roll_up_many([unit], as_of=as_of)[unit.pk]


def current_province_of(unit: Unit, *, as_of: dt.date | None = None) -> Unit:
    """The province to scope a record by: the province of the unit's roll-up."""
    rolled = roll_up(unit, as_of=as_of)
    return rolled if rolled.level == UnitLevel.PROVINCE else rolled.province


# --- Resolving many names at once -----------------------------------------------------------------------


class _Pool:
    """The units of one area (every unit of a level, or the units inside one unit), indexed in memory."""

    def __init__(self, units: list[Unit]):
        self.by_code: dict[str, list[Unit]] = defaultdict(list)
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        self.by_pk: dict[int, Unit] = {}
        self.apostrophe: list[Unit] = []
        for unit in units:
            self.by_pk[unit.pk] = unit
            self.by_code[unit.code].append(unit)
            self.by_name[unit.name_folded].append(unit)
            if "'" in unit.name_folded:
                self.apostrophe.append(unit)


class _PoolScope:
    """`_QueryScope`'s four questions answered from a pool: the same units, no query."""

    def __init__(self, pool: _Pool, level: str | None, as_of: dt.date, aliases: dict[str, list[tuple[int, str]]]):
        self.pool, self.level, self.as_of, self.alias_table = pool, level, as_of, aliases

    def _fits(self, unit: Unit) -> bool:
        return (self.level is None or unit.level == self.level) and (
            unit.valid_from is None or unit.valid_from <= self.as_of
        )

    def with_code(self, code: str, level: str) -> list[Unit]:
        return [unit for unit in self.pool.by_code.get(code, ()) if unit.level == level and self._fits(unit)]

    def aliases(self, keys: set[str]) -> dict[int, list[tuple[str, str]]]:
        found: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for key in keys:
            for unit_id, spelled in self.alias_table.get(key, ()):
                found[unit_id].append((key, spelled))
        return found

    def named(self, keys: set[str], unit_ids: Iterable[int]) -> list[Unit]:
        units = {unit.pk: unit for key in keys for unit in self.pool.by_name.get(key, ())}
        for pk in unit_ids:
            if pk in self.pool.by_pk:
                units[pk] = self.pool.by_pk[pk]
        return [unit for unit in units.values() if self._fits(unit)]

    def with_apostrophe(self) -> list[Unit]:
        return [unit for unit in self.pool.apostrophe if self._fits(unit)]


class UnitResolver:
    """`resolve_unit_candidates` and `roll_up` for many names (an import file): the same answers, with the
    units of each area read once and every name resolved in memory.

    An area is what a name is looked up in: every province, or the units of one level inside one unit (the
    communes of a province and of the provinces it came from, the communes of a former district). Each is
    loaded on its first use with one query; aliases are read once. Answers are kept per (text, level, date,
    area), roll-ups per unit. Meant for one run: units changed meanwhile are not seen.
    """

    def __init__(self):
        self._units: dict[int, Unit] = {}
        self._pools: dict[tuple[int | None, str | None], _Pool] = {}
        self._aliases: dict[str, list[tuple[int, str]]] | None = None
        self._answers: dict[tuple, list[Unit]] = {}
        self._rolled: dict[tuple[int, dt.date], Unit] = {}

    def candidates(
        self,
        text: str,
        *,
        level: str | None = None,
        as_of: dt.date | None = None,
        within: Unit | None = None,
    ) -> list[Unit]:
        """What `resolve_unit_candidates` answers for the same arguments (a new list each time)."""
        _check_level(level)
        as_of = as_of or _today()
        key = (text, level, as_of, within.pk if within is not None else None)
        if key not in self._answers:
            if self._aliases is None:
                self._aliases = defaultdict(list)
                for unit_id, folded, spelled in UnitAlias.objects.values_list("unit_id", "alias_folded", "alias"):
                    self._aliases[folded].append((unit_id, spelled))
            scope = _PoolScope(self._pool(within, level), level, as_of, self._aliases)
            self._answers[key] = _candidates(text, level, as_of, scope)
        return list(self._answers[key])

    def _pool(self, within: Unit | None, level: str | None) -> _Pool:
        key = (within.pk if within is not None else None, level)
        if key not in self._pools:
            units = Unit.objects.order_by()
            if level:
                units = units.filter(level=level)
            if within is not None:
                units = units.filter(_within(within))
            self._pools[key] = _Pool(self._register(list(units)))
        return self._pools[key]

    def _register(self, units: list[Unit]) -> list[Unit]:
        """Keep one object per unit and give each its parent and province objects (as select_related would),
        reading the missing ones in one query per generation."""
        units = [self._units.setdefault(unit.pk, unit) for unit in units]
        pending = units
        while pending:
            missing = {pk for unit in pending for pk in (unit.parent_id, unit.province_id) if pk is not None}
            missing -= self._units.keys()
            loaded = list(Unit.objects.filter(pk__in=missing).order_by()) if missing else []
            for unit in loaded:
                self._units[unit.pk] = unit
            for unit in pending:
                if unit.parent_id is not None and "parent" not in unit._state.fields_cache:
                    unit.parent = self._units[unit.parent_id]
                if unit.province_id is not None and "province" not in unit._state.fields_cache:
                    unit.province = self._units[unit.province_id]
            pending = loaded
        return units

    def roll_up_many(self, units: Iterable[Unit], *, as_of: dt.date | None = None) -> dict[int, Unit]:
        """`roll_up_many`, remembering each unit's answer: only units not asked before are looked up."""
        as_of = as_of or _today()
        units = list(units)
        todo = {unit.pk: unit for unit in units if (unit.pk, as_of) not in self._rolled}
        if todo:
            for pk, rolled in roll_up_many(todo.values(), as_of=as_of).items():
                self._rolled[(pk, as_of)] = rolled
        return {unit.pk: self._rolled[(unit.pk, as_of)] for unit in units}

    def roll_up(self, unit: Unit, *, as_of: dt.date | None = None) -> Unit:
        return self.roll_up_many([unit], as_of=as_of)[unit.pk]

    def current_province_of(self, unit: Unit, *, as_of: dt.date | None = None) -> Unit:
        rolled = self.roll_up(unit, as_of=as_of)
        return rolled if rolled.level == UnitLevel.PROVINCE else rolled.province


def legacy_units_behind(unit: Unit) -> QuerySet[Unit]:
    """Every earlier unit, any generation, that rolled into `unit`.

    For a commune: its primary predecessors, their predecessors, and so on. For a province: the provinces
    it was formed from and every district and commune that lay in them.
    """
    found: set[int] = set()
    frontier = {unit.pk}
    while frontier:
        earlier = set(
            UnitSuccession.objects.filter(successor_id__in=frontier, is_primary=True).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = earlier - found - {unit.pk}
        found |= frontier
    condition = Q(pk__in=found)
    if unit.level == UnitLevel.PROVINCE:
        condition |= Q(province_id__in=found)
    return Unit.objects.filter(condition).exclude(pk=unit.pk).select_related("parent", "province")


def units_replaced_since(since: dt.date, *, as_of: dt.date | None = None) -> dict[int, int]:
    """{old unit id: id of the unit valid on `as_of` (default today) it became} for every unit replaced
    by a change effective on or after `since`.

    Features that store a current province or commune (e.g. registry.Establishment) call this after a
    change file took effect and re-point their rows. Abolished units (no successor) are left out: they
    need a decision, not a mapping.
    """
    replaced = Unit.objects.filter(
        pk__in=UnitSuccession.objects.filter(effective_date__gte=since, is_primary=True).values("predecessor_id")
    )
    mapping = roll_up_many(replaced, as_of=as_of)
    return {old: new.pk for old, new in mapping.items() if new.pk != old}


def successions_into(unit: Unit) -> QuerySet[UnitSuccession]:
    """Links from the units `unit` was formed from (its predecessors), with dates and notes."""
    return (
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor__province", "predecessor__parent")
        .order_by("-effective_date", Collate("predecessor__name", "vi"), "predecessor__code")
    )


def successions_from(unit: Unit) -> QuerySet[UnitSuccession]:
    """Links to the units `unit` went into (its successors); the primary one first."""
    return (
        UnitSuccession.objects.filter(predecessor=unit)
        .select_related("successor__province", "successor__parent")
        .order_by("-effective_date", "-is_primary", Collate("successor__name", "vi"), "successor__code")
    )


# --- Browsing and searching ---------------------------------------------------------------------------


def browse_date(unit: Unit | None) -> dt.date:
    """The date a unit's children are shown for: today, or the last day a former unit existed."""
    today = _today()
    if unit is None or unit.valid_on(today):
        return today
    if unit.valid_to is not None and unit.valid_to < today:
        return unit.valid_to
    return unit.valid_from


def unit_tree_children(unit: Unit | None, *, as_of: dt.date | None = None) -> QuerySet[Unit]:
    """The provinces (unit None) or the children of `unit` that existed on `as_of`, in Vietnamese order.

    `as_of` defaults to today, or for a unit that no longer exists to its last day, so a legacy province
    lists its districts and a legacy district its communes.
    """
    as_of = as_of or browse_date(unit)
    units = units_valid_on(as_of).select_related("province")
    units = units.filter(level=UnitLevel.PROVINCE) if unit is None else units.filter(parent=unit)
    return units.order_by(Collate("name", "vi"), "code")


def search_units(
    query: str,
    *,
    level: str | None = None,
    current_only: bool = True,
    as_of: dt.date | None = None,
) -> QuerySet[Unit]:
    """Units whose name (or alias) contains the query, ignoring case, diacritics and type words, or whose
    code is the query; exact names first, then names starting with it, then by level and Vietnamese order.

    `current_only` keeps units valid on `as_of` (default today). Ready to paginate.
    """
    _check_level(level)
    text = clean(query or "")
    if not text:
        return Unit.objects.none()
    condition = Q()
    exact: set[str] = set()
    prefix_keys: set[str] = set()
    for option in readings(text):
        for key in option.names:
            aliased = UnitAlias.objects.filter(alias_folded__contains=key).values("unit_id")
            term = Q(name_folded__contains=key) | Q(pk__in=aliased)
            condition |= term if option.types is None else term & Q(unit_type__in=option.types)
            if not option.loose:
                exact.add(key)
                prefix_keys.add(key)
    if text.isdigit():
        condition |= Q(code=text)
    units = Unit.objects.filter(condition).select_related("parent", "province")
    if level:
        units = units.filter(level=level)
    if current_only:
        units = units.filter(_valid_on(as_of or _today()))
    rank = Case(
        When(Q(name_folded__in=exact) | Q(code=text), then=Value(0)),
        *[When(name_folded__startswith=key, then=Value(1)) for key in sorted(prefix_keys)],
        default=Value(2),
        output_field=IntegerField(),
    )
    level_rank = Case(
        *[When(level=value, then=Value(index)) for index, value in enumerate(CODE_LENGTH)],
        output_field=IntegerField(),
    )
    return units.annotate(match_rank=rank, level_rank=level_rank).order_by(
        "match_rank", "level_rank", Collate("name", "vi"), "-valid_from", "key"
    )


# --- Regions and VSIC -----------------------------------------------------------------------------------


def regions_of(unit: Unit, scheme: str | None = None) -> QuerySet[Region]:
    """The regions the unit's province belongs to (one per scheme), optionally of one scheme only."""
    province_id = unit.pk if unit.level == UnitLevel.PROVINCE else unit.province_id
    regions = Region.objects.filter(provinces__pk=province_id)
    if scheme:
        regions = regions.filter(scheme=scheme)
    return regions.order_by("scheme", "code")


def industry_codes(
    *,
    level: int | None = None,
    parent: str | None = None,
    query: str | None = None,
    version: str = "2018",
) -> QuerySet[IndustryCode]:
    """VSIC codes, filtered by level, parent code and a code or name fragment (diacritics ignored)."""
    codes = IndustryCode.objects.filter(version=version).select_related("parent")
    if level:
        codes = codes.filter(level=level)
    if parent:
        codes = codes.filter(parent__code=parent)
    text = clean(query or "")
    if text:
        codes = codes.filter(Q(code__startswith=text.upper()) | Q(name_folded__contains=fold_vi(text)))
    return codes.order_by("level", "code")
