"""Planning establishments: what each generated cơ sở CNNT is, as the data a person would type in the form.

Nothing here writes: `plan_establishments` yields `EstablishmentPlan`s, which the bulk writer and the services
writer both turn into rows. Every province draws from its own random stream (seed + province code), so the
plan of one province does not depend on how many rows another one got.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from khuyencong.core.taxcode import tax_code_check_digit
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit
from khuyencong.registry.models import CertificationKind, CertificationLevel, LegalForm, Source
from khuyencong.synthetic import vocab
from khuyencong.synthetic.scales import REFERENCE_DATE, Scale
from khuyencong.synthetic.world import World

MILLION = 1_000_000
FIGURES_LAST_YEAR = 2025
LEGAL_FORMS = (
    (LegalForm.HOUSEHOLD, 60),
    (LegalForm.ENTERPRISE, 19),
    (LegalForm.COOPERATIVE, 10),
    (LegalForm.COOPERATIVE_GROUP, 6),
    (LegalForm.ARTISAN, 4),
    (LegalForm.COOPERATIVE_UNION, 1),
)
FORM_WORDS = {
    LegalForm.COOPERATIVE: "Hợp tác xã",
    LegalForm.COOPERATIVE_UNION: "Liên hiệp hợp tác xã",
    LegalForm.COOPERATIVE_GROUP: "Tổ hợp tác",
}
ENTERPRISE_WORDS = (
    ("Công ty TNHH", 55),
    ("Công ty Cổ phần", 20),
    ("Doanh nghiệp tư nhân", 10),
    ("Công ty TNHH MTV", 15),
)
HOUSEHOLD_WORDS = (("Hộ kinh doanh", 70), ("Cơ sở", 20), ("Cơ sở sản xuất", 10))


@dataclass
class EstablishmentPlan:
    """One establishment: `data` is what clean_profile() takes; the rest are its parts."""

    position: int  # order of creation, the key beneficiaries refer to
    province: Unit
    origin_id: int  # the pre-2025 province its commune came from
    craft: str
    data: dict
    source: str
    figures: list[tuple[int, dict]] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    certifications: list[dict] = field(default_factory=list)  # "product": index into products, or None


@dataclass(frozen=True)
class EstablishmentRef:
    """What project planning needs to know of an establishment (kept for all 300,000)."""

    position: int
    province_id: int
    origin_id: int
    year_founded: int


def pick(rng: random.Random, weighted) -> object:
    items = weighted.items() if isinstance(weighted, dict) else weighted
    values, weights = zip(*items, strict=True)
    return rng.choices(values, weights=weights)[0]


def person_name(rng: random.Random) -> str:
    family = pick(rng, vocab.FAMILY_NAMES)
    if rng.random() < 0.55:
        return f"{family} {rng.choice(vocab.MIDDLE_MALE)} {rng.choice(vocab.GIVEN_MALE)}"
    return f"{family} {rng.choice(vocab.MIDDLE_FEMALE)} {rng.choice(vocab.GIVEN_FEMALE)}"


def allocate(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainders first (sums exactly to total)."""
    whole = sum(weights) or 1
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    for index in sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))[: total - sum(counts)]:
        counts[index] += 1
    return counts


class TaxCodes:
    """Unique valid 10-digit tax codes: a 2-digit prefix (the old province's code), then a permuted sequence."""

    def __init__(self, taken: set[str]):
        self.taken = taken
        self.next: dict[str, int] = {}

    def issue(self, prefix: str) -> str:
        number = self.next.get(prefix, 0)
        while True:
            number += 1
            first9 = f"{prefix}{(number * 3_987_743 + 1_234_567) % 10_000_000:07d}"
            digit = tax_code_check_digit(first9)
            if digit is not None and f"{first9}{digit}" not in self.taken:
                self.next[prefix] = number
                code = f"{first9}{digit}"
                self.taken.add(code)
                return code


def _crafts_for(origin: Unit) -> dict[str, int]:
    weights = dict(vocab.COMMON)
    for code, weight in vocab.REGIONAL.get(fold_vi(origin.name), {}).items():
        weights[code] = weights.get(code, 0) + weight
    return weights


def _name(rng: random.Random, form: str, craft: vocab.Craft, place: str) -> tuple[str, str]:
    """(name, representative)."""
    person = person_name(rng)
    if form == LegalForm.ENTERPRISE:
        words = pick(rng, ENTERPRISE_WORDS)
        tail = rng.choice(vocab.BRANDS) if rng.random() < 0.6 else place
        return f"{words} {craft.label} {tail}", person
    if form in FORM_WORDS:
        return f"{FORM_WORDS[form]} {craft.label} {place}", person
    if form == LegalForm.ARTISAN:
        return f"Nghệ nhân {person}", person
    return f"{pick(rng, HOUSEHOLD_WORDS)} {craft.short} {person}", person


def _workers(rng: random.Random, form: str) -> tuple[int, int]:
    """(total workers, insured workers): mostly micro, a long tail of larger firms."""
    if form in (LegalForm.HOUSEHOLD, LegalForm.ARTISAN):
        return rng.randint(1, 9), 0
    if form == LegalForm.COOPERATIVE_GROUP:
        return rng.randint(5, 30), rng.randint(0, 3)
    if form in (LegalForm.COOPERATIVE, LegalForm.COOPERATIVE_UNION):
        total = rng.randint(8, 80)
        return total, rng.randint(0, min(total, 20))
    roll = rng.random()
    total = rng.randint(3, 12) if roll < 0.62 else rng.randint(12, 90) if roll < 0.93 else rng.randint(90, 260)
    return total, max(0, total - rng.randint(0, max(1, total // 4)))


def _figures(rng: random.Random, form: str, founded: int, years: int) -> list[tuple[int, dict]]:
    total, insured = _workers(rng, form)
    first = max(founded, FIGURES_LAST_YEAR - 9)
    span = list(range(first, FIGURES_LAST_YEAR + 1))[-years:]
    per_worker = rng.randint(80, 450) * MILLION  # revenue per worker per year
    result = []
    for year in span:
        growth = 1 + 0.05 * (year - span[0]) + rng.uniform(-0.03, 0.03)
        workers = max(1, round(total * growth))
        insured_now = min(workers, round(insured * growth))
        revenue = round(workers * per_worker * growth / MILLION) * MILLION
        result.append(
            (
                year,
                {
                    "employees_total": workers,
                    "employees_women": rng.randint(0, workers),
                    "employees_insured": insured_now,
                    "revenue": revenue,
                    "capital": round(revenue * rng.uniform(0.3, 1.2) / MILLION) * MILLION,
                    "average_income": rng.randint(45, 140) * 100_000,
                    "output_value": round(revenue * rng.uniform(0.8, 1.1) / MILLION) * MILLION,
                    "note": "",
                },
            )
        )
    return result


def _certifications(rng: random.Random, province: Unit, craft: vocab.Craft, products: list[dict]) -> list[dict]:
    roll = rng.random()
    if roll > 0.09 or not products:
        return []
    committee = f"UBND {'thành phố' if province.unit_type == 'thanh_pho_tw' else 'tỉnh'} {province.name}"
    day = dt.date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
    number = f"{rng.randint(100, 4999)}/QĐ-UBND"
    if roll < 0.045:
        stars = rng.choice((3, 3, 4, 4, 5))
        return [{"kind": CertificationKind.OCOP, "level": CertificationLevel.PROVINCE, "stars": stars, "title": "",
                 "issuer": committee, "decision_number": number, "decision_date": day, "product": 0,
                 "note": ""}]  # fmt: skip
    if roll < 0.07:
        level = CertificationLevel.PROVINCE if rng.random() < 0.8 else CertificationLevel.REGION
        issuer = committee if level == CertificationLevel.PROVINCE else "Bộ Công Thương"
        if level != CertificationLevel.PROVINCE:
            number = f"{rng.randint(100, 3999)}/QĐ-BCT"
        return [{"kind": CertificationKind.CNNT, "level": level, "stars": None, "title": "", "issuer": issuer,
                 "decision_number": number,
                 "decision_date": day, "product": 0, "note": ""}]  # fmt: skip
    if roll < 0.08:
        return [{"kind": CertificationKind.TRADEMARK, "level": "", "stars": None,
                 "title": f"Nhãn hiệu tập thể {craft.short} {province.name}", "issuer": "Cục Sở hữu trí tuệ",
                 "decision_number": f"4-0{rng.randint(100000, 999999)}-000", "decision_date": day, "product": None,
                 "note": ""}]  # fmt: skip
    return [{"kind": CertificationKind.QUALITY, "level": "", "stars": None,
             "title": rng.choice(("ISO 9001:2015", "ISO 22000:2018", "HACCP", "VietGAP")),
             "issuer": "Trung tâm Chứng nhận Phù hợp QUACERT",
             "decision_number": f"HT {rng.randint(1000, 9999)}.{day:%y}",
             "decision_date": day, "product": 0, "note": ""}]  # fmt: skip


def plan_establishments(world: World, scale: Scale, seed: int) -> Iterator[EstablishmentPlan]:
    """Every establishment of the scale, province by province (by code), in creation order."""
    counts = allocate(scale.establishments, [len(world.communes.get(p.pk, [])) + 20 for p in world.provinces])
    units = {u.pk: u for olds in world.legacy_provinces.values() for u in olds}
    tax_codes = TaxCodes(world.taken_tax_codes)
    position = 0
    for province, count in zip(world.provinces, counts, strict=True):
        rng = random.Random(f"{seed}:establishments:{province.code}")
        communes = world.communes.get(province.pk, [])
        if not communes:
            continue
        for _ in range(count):
            commune = rng.choice(communes)
            origin = units.get(world.origin.get(commune.pk), province)
            craft = vocab.CRAFTS[pick(rng, _crafts_for(origin))]
            form = pick(rng, LEGAL_FORMS)
            place = commune.name
            name, representative = _name(rng, form, craft, place)
            founded = min(REFERENCE_DATE.year - 1, 1975 + int(rng.betavariate(4, 1.6) * 50))
            has_tax_code = form != LegalForm.ARTISAN and (form != LegalForm.HOUSEHOLD or rng.random() < 0.35)
            tax_code = tax_codes.issue(origin.code) if has_tax_code else ""
            registered = (
                dt.date(max(founded, 1995), rng.randint(1, 12), rng.randint(1, 28))
                if form not in (LegalForm.ARTISAN, LegalForm.COOPERATIVE_GROUP)
                else None
            )
            village = f"Làng nghề {craft.village} {commune.name}" if craft.village and rng.random() < 0.25 else ""
            industry = world.industries.get(craft.vsic)
            latitude = longitude = None
            if commune.lat is not None and commune.lon is not None:
                latitude = Decimal(str(round(commune.lat + rng.uniform(-0.02, 0.02), 6)))
                longitude = Decimal(str(round(commune.lon + rng.uniform(-0.02, 0.02), 6)))
            product_names = rng.sample(craft.products, k=min(len(craft.products), rng.choice((1, 1, 2, 2, 3))))
            data = {
                "name": name,
                "other_names": "",
                "legal_form": form,
                "tax_code": tax_code,
                "business_reg_no": (tax_code or f"{origin.code}{rng.randint(10_000, 99_999)}A") if registered else "",
                "business_reg_date": registered,
                "address": f"{rng.choice(vocab.STREET_WORDS)} {rng.randint(1, 15)}",
                "commune": commune,
                "craft_village": village,
                "main_industry": industry,
                "industries": [industry] if industry else [],
                "main_products": "\n".join(product_names),
                "representative": representative,
                "representative_title": rng.choice(vocab.TITLES),
                "phone": f"0{rng.choice((9, 8, 3, 7))}{rng.randint(10_000_000, 99_999_999)}",
                "email": "",
                "website": "",
                "latitude": latitude,
                "longitude": longitude,
                "year_founded": founded,
            }
            years = max(1, min(10, round(rng.gauss(scale.figures_years, 1.2))))
            products = [{"name": product, "group": craft.group, "description": ""} for product in product_names]
            plan = EstablishmentPlan(
                position=position,
                province=province,
                origin_id=origin.pk,
                craft=craft.code,
                data=data,
                source=Source.IMPORT if rng.random() < 0.7 else Source.MANUAL,
                figures=_figures(rng, form, founded, years) if rng.random() < 0.92 else [],
                products=products,
            )
            plan.certifications = _certifications(rng, province, craft, products)
            position += 1
            yield plan


def ref_of(plan: EstablishmentPlan) -> EstablishmentRef:
    return EstablishmentRef(plan.position, plan.province.pk, plan.origin_id, plan.data["year_founded"])
