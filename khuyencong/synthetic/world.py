"""The reference data the generator builds on, read once and in a fixed order (units by code, items by code),
so that a seed always picks the same units, items and agencies whatever the database's row ids are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from khuyencong.accounts.models import Agency
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import IndustryCode, Unit, UnitLevel, UnitSuccession
from khuyencong.geo.selectors import roll_up_many
from khuyencong.indicators.models import Indicator
from khuyencong.programmes.models import ContentItem, FundingSource, RuleSet, SupportRule
from khuyencong.registry.models import Establishment
from khuyencong.synthetic.scales import REFERENCE_DATE, Scale


@dataclass
class World:
    provinces: list[Unit]  # today's provinces in the scale, by code
    communes: dict[int, list[Unit]]  # current province id → its current communes, by code
    legacy_provinces: dict[int, list[Unit]]  # current province id → the pre-2025 provinces it was formed from
    legacy_communes: dict[int, list[Unit]]  # legacy province id → its communes, by code
    origin: dict[int, int]  # current commune id → the legacy province most of it came from
    industries: dict[str, IndustryCode]  # VSIC level-2 code → code row
    items: dict[str, ContentItem]
    indicators: dict[str, Indicator]
    sources: dict[str, FundingSource]
    agencies: dict[str, Agency]
    advance_rules: dict[int, tuple]  # content item id → (advance %, after progress %) of the 2014 sample norms
    advance_window: tuple | None  # (valid_from, valid_to) of those norms
    taken_tax_codes: set[str] = field(default_factory=set)


def load_world(scale: Scale) -> World:
    provinces = list(
        Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).select_related("province").order_by("code")
    )
    if scale.provinces:
        provinces = [p for p in provinces if p.code in scale.provinces]
    province_ids = {p.pk for p in provinces}
    communes: dict[int, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(
        level=UnitLevel.COMMUNE, valid_to__isnull=True, province_id__in=province_ids
    ).order_by("code"):
        communes[unit.province_id].append(unit)

    old_provinces = list(
        Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=False)
        .select_related("province")
        .order_by("code")
    )
    rolled = roll_up_many(old_provinces, as_of=REFERENCE_DATE)
    legacy_provinces: dict[int, list[Unit]] = defaultdict(list)
    for old in old_provinces:
        current = rolled[old.pk]
        if current.pk in province_ids and current.valid_to is None:
            legacy_provinces[current.pk].append(old)
    legacy_ids = {old.pk for olds in legacy_provinces.values() for old in olds}
    legacy_communes: dict[int, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(
        level=UnitLevel.COMMUNE, valid_to__isnull=False, province_id__in=legacy_ids
    ).order_by("code"):
        legacy_communes[unit.province_id].append(unit)

    origin: dict[int, int] = {}
    links = (
        UnitSuccession.objects.filter(
            successor__level=UnitLevel.COMMUNE,
            successor__valid_to__isnull=True,
            successor__province_id__in=province_ids,
            predecessor__level=UnitLevel.COMMUNE,
        )
        .order_by("successor_id", "predecessor__code")
        .values_list("successor_id", "predecessor__province_id")
    )
    for successor_id, old_province_id in links:
        origin.setdefault(successor_id, old_province_id)
    for province in provinces:  # a commune without a recorded predecessor: its province's first old province
        fallback = legacy_provinces[province.pk][0].pk if legacy_provinces[province.pk] else province.pk
        for commune in communes[province.pk]:
            origin.setdefault(commune.pk, fallback)

    advance_rules: dict[int, tuple] = {}
    window = None
    sample = RuleSet.objects.filter(code="ttlt-26-2014").first()
    if sample is not None:
        window = (sample.valid_from, sample.valid_to)
        for rule in SupportRule.objects.filter(rule_set=sample):
            advance_rules[rule.content_item_id] = (rule.advance_percent, rule.advance_after_progress_percent)

    return World(
        provinces=provinces,
        communes=dict(communes),
        legacy_provinces=dict(legacy_provinces),
        legacy_communes=dict(legacy_communes),
        origin=origin,
        industries={i.code: i for i in IndustryCode.objects.filter(version="2018", level=2).select_related("parent")},
        items={i.code: i for i in ContentItem.objects.select_related("indicator")},
        indicators={i.code: i for i in Indicator.objects.all()},
        sources={s.code: s for s in FundingSource.objects.all()},
        agencies={a.code: a for a in Agency.objects.select_related("jurisdiction")},
        advance_rules=advance_rules,
        advance_window=window,
        taken_tax_codes=set(Establishment.objects.exclude(tax_code=None).values_list("tax_code", flat=True)),
    )


def folded_name(unit: Unit) -> str:
    return fold_vi(unit.name)
