"""Planning programmes' projects (đề án) from 2012 to 2030, with their whole life up to REFERENCE_DATE.

A `ProjectPlan` is the dossier (title, units, content items, budget, outputs, beneficiaries) plus the dated
steps the project went through: submission, appraisals, approval, the annual plan, contract, start,
advances, acceptance, payments, settlement, closing — or a return, a rejection, a stop. Steps dated after
REFERENCE_DATE did not happen yet, so the status always agrees with the year: old projects are closed or
settled, this year's are in progress, next years' are drafts or waiting for appraisal.

Projects of 2012–2025 name the province and communes as they were (`legacy_province`, legacy communes);
from 2026 today's units. Money respects the invariants the services enforce: advances only up to the advance
cap of the norms in force at approval, net disbursed never above the approved state budget, one settlement,
net equal to the settlement before closing. Beneficiaries never get the same content item twice in
overlapping years, so no dossier needs a double-funding justification.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from khuyencong.geo.models import Unit
from khuyencong.programmes.models import ContractKind, MovementKind, ProjectKind, ProjectStatus, ProjectType
from khuyencong.synthetic import vocab
from khuyencong.synthetic.establishments import EstablishmentRef, allocate, pick
from khuyencong.synthetic.scales import FIRST_YEAR, LAST_LEGACY_YEAR, LAST_YEAR, REFERENCE_DATE, Scale
from khuyencong.synthetic.world import World

S = ProjectStatus
MILLION = 1_000_000
PRIMARY_ITEMS = {
    "may_moc_tien_tien": 30, "mo_hinh_trinh_dien": 12, "nhan_rong_mo_hinh": 5, "day_chuyen_cong_nghe": 8,
    "xlon_co_so": 4, "nhan_hieu": 8, "danh_gia_sxsh": 4, "thi_diem_sxsh": 2, "dao_tao_nghe": 15,
    "cum_lien_ket": 2, "quy_hoach_ccn": 3, "xlon_ccn": 2,
}  # fmt: skip
SECONDARY_ITEMS = {
    "tu_van": 4, "hoi_cho_trien_lam": 3, "binh_chon_san_pham": 2, "truyen_thong": 2, "nang_luc_quan_ly": 2,
}  # fmt: skip
REGIONAL_PRIMARY = {"dao_tao_nghe": 3, "cum_lien_ket": 1}
REGIONAL_SECONDARY = {"hoi_cho_trien_lam": 3, "binh_chon_san_pham": 2, "truyen_thong": 2, "nang_luc_khuyen_cong": 1}
# Share cap (%) of the state funds in an item's cost, for items without beneficiaries (the 2014 norms).
ITEM_SHARE = {"xlon_ccn": 30, "cum_lien_ket": 50, "quy_hoach_ccn": 50, "hoi_cho_trien_lam": 80}
# Outcomes besides the main path, by plan year: (returned, rejected by the Sở, rejected by the approver, stopped).
LEGACY_REGISTRATION = dt.date(2025, 6, 30)


@dataclass
class Beneficiary:
    establishment: int  # EstablishmentRef.position
    item: str
    units: int
    support: int
    counterpart: int


@dataclass
class Movement:
    kind: str
    amount: int
    on: dt.date
    decided_on: dt.date | None  # None: still waiting for a leader's approval
    number: str


@dataclass
class ProjectPlan:
    key: str  # stable name of the project in the plan ("2016-75-012")
    kind: str
    project_type: str
    year: int
    province: Unit | None
    legacy_province: Unit | None
    communes: list[Unit]
    agency_code: str  # implementing agency
    programme_code: str
    title: str
    objectives: str
    start_date: dt.date
    end_date: dt.date
    is_priority: bool
    priority_reason: str
    partners: list[tuple[str, str]]
    items: list[str]
    budget: list[tuple[str, str, int]]  # (source code, item code, amount)
    outputs: dict[str, Decimal]  # indicator code → planned
    actual_outputs: dict[str, Decimal]
    beneficiaries: list[Beneficiary]
    # Steps: (action, date) in order, only those on or before REFERENCE_DATE. Actions are the transition
    # table's plus "plan" (added to its annual plan); "plan" and "include_in_plan" come from the plan.
    steps: list[tuple[str, dt.date]] = field(default_factory=list)
    created_on: dt.date = REFERENCE_DATE
    contract: dict = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)
    status: str = S.DRAFT

    @property
    def state_source(self) -> str:
        return "KCQG" if self.kind == ProjectKind.NATIONAL else "KCDP"

    @property
    def state_budget(self) -> int:
        return sum(amount for source, _item, amount in self.budget if source == self.state_source)

    @property
    def plan_key(self) -> tuple:
        return (self.kind, self.year, self.province.code if self.kind == ProjectKind.LOCAL else "")

    def date_of(self, action: str) -> dt.date | None:
        return next((day for name, day in self.steps if name == action), None)


@dataclass
class PlanPlan:
    """An annual plan that got approved before REFERENCE_DATE (only those hold projects)."""

    kind: str
    year: int
    province: Unit | None
    created_on: dt.date
    approved_on: dt.date
    projects: list[ProjectPlan] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.kind, self.year, self.province.code if self.province else "")

    @property
    def title(self) -> str:
        if self.kind == ProjectKind.NATIONAL:
            return f"Kế hoạch khuyến công quốc gia năm {self.year}"
        return f"Kế hoạch khuyến công địa phương năm {self.year} – {self.province}"

    def allocation(self) -> int:
        total = sum(project.state_budget for project in self.projects)
        return -(-int(total * 1.08) // (100 * MILLION)) * 100 * MILLION


def programme_code(kind: str, year: int, province: Unit | None) -> str:
    """The programme a project of `year` runs under (see programmes.py for their definitions)."""
    if kind == ProjectKind.NATIONAL:
        return "sinh-ctkcqg-2012-2020" if year <= 2020 else "ctkcqg-2021-2025" if year <= 2025 else "ctkcqg-2026-2030"
    start = 2012 if year <= 2015 else 2016 if year <= 2020 else 2021 if year <= 2025 else 2026
    return f"sinh-ctkc-{province.code}-{start}-{start + 4 if start > 2012 else 2015}"


def _day(rng: random.Random, year: int, months: tuple[int, int]) -> dt.date:
    return dt.date(year, rng.randint(*months), rng.randint(1, 28))


def _after(rng: random.Random, day: dt.date, low: int, high: int) -> dt.date:
    return day + dt.timedelta(days=rng.randint(low, high))


def _year_weights() -> dict[int, float]:
    return {year: (1.0 if year <= 2026 else 0.6) for year in range(FIRST_YEAR, LAST_YEAR + 1)}


def _round_million(amount: float) -> int:
    return max(MILLION, int(round(amount / MILLION)) * MILLION)


class Planner:
    """Plans projects year by year; remembers who got which support when, to avoid double funding."""

    def __init__(self, world: World, scale: Scale, seed: int, establishments: list[EstablishmentRef]):
        self.world, self.scale, self.seed = world, scale, seed
        self.by_province: dict[int, list[EstablishmentRef]] = defaultdict(list)
        self.by_origin: dict[int, list[EstablishmentRef]] = defaultdict(list)
        for ref in establishments:
            self.by_province[ref.province_id].append(ref)
            self.by_origin[ref.origin_id].append(ref)
        self.supported: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
        weights = _year_weights()
        per_year = allocate(scale.projects, list(weights.values()))
        self.per_year = dict(zip(weights, per_year, strict=True))
        with_items = sum(w for code, w in PRIMARY_ITEMS.items() if vocab.ITEM_PLANS[code][1]) / sum(
            PRIMARY_ITEMS.values()
        )
        # Mean beneficiaries of a project with beneficiary items, so that the total meets the scale.
        self.beneficiary_mean = 0.79 * scale.beneficiaries / max(1, scale.projects * with_items)
        self.movement_mean = scale.disbursements / max(1, scale.projects)

    # --- One year ---------------------------------------------------------------------------------

    def plan_year(self, year: int) -> tuple[list[ProjectPlan], list[PlanPlan]]:
        world = self.world
        total = self.per_year[year]
        regional = max(round(total * 0.03), 1 if year in (2016, 2026) else 0)
        provinces = [p for p in world.provinces if self.by_province.get(p.pk)]
        counts = allocate(total - regional, [len(self.by_province[p.pk]) for p in provinces])
        projects: list[ProjectPlan] = []
        rng = random.Random(f"{self.seed}:projects:{year}:TW")
        for number in range(regional):
            projects.append(self._project(rng, year, None, f"{year}-TW-{number:03d}"))
        for province, count in zip(provinces, counts, strict=True):
            rng = random.Random(f"{self.seed}:projects:{year}:{province.code}")
            for number in range(count):
                projects.append(self._project(rng, year, province, f"{year}-{province.code}-{number:03d}"))
        plans = self._plans(year, projects)
        for project in projects:
            self._finish(project, plans)
        return projects, [plan for plan in plans.values() if plan.projects]

    def _plans(self, year: int, projects: list[ProjectPlan]) -> dict[tuple, PlanPlan]:
        plans: dict[tuple, PlanPlan] = {}
        keys = sorted({p.plan_key for p in projects})
        for key in keys:
            kind, _year, code = key
            rng = random.Random(f"{self.seed}:plan:{year}:{kind}:{code}")
            province = next((p.province for p in projects if p.plan_key == key), None) if code else None
            approved = _day(rng, year - 1, (12, 12))
            plans[key] = PlanPlan(kind, year, province, _day(rng, year - 1, (11, 11)), approved)
        return plans

    # --- One project ------------------------------------------------------------------------------

    def _project(self, rng: random.Random, year: int, province: Unit | None, key: str) -> ProjectPlan:
        world = self.world
        national = province is None or rng.random() < 0.35
        kind = ProjectKind.NATIONAL if national else ProjectKind.LOCAL
        legacy = None
        communes: list[Unit] = []
        if province is not None:
            olds = world.legacy_provinces.get(province.pk) or []
            if year <= LAST_LEGACY_YEAR and olds:
                legacy = rng.choice(olds)
                pool = world.legacy_communes.get(legacy.pk) or []
            else:
                pool = world.communes.get(province.pk) or []
            communes = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 1, 2, 3))))
        roll = rng.random()
        project_type = ProjectType.GROUP if roll < 0.15 else ProjectType.KEY if roll < 0.20 else ProjectType.ORDINARY
        if province is None:
            project_type = ProjectType.ORDINARY
            items = [pick(rng, REGIONAL_PRIMARY), pick(rng, REGIONAL_SECONDARY)]
        else:
            items = [pick(rng, PRIMARY_ITEMS)]
            secondary = dict(SECONDARY_ITEMS)
            if year >= 2026:
                secondary["chuyen_doi_so"] = 3
            if project_type == ProjectType.KEY or rng.random() < 0.2:
                items.append(pick(rng, secondary))
            if project_type == ProjectType.KEY and items[0] == items[1]:
                items[1] = "tu_van" if items[0] != "tu_van" else "truyen_thong"
        items = list(dict.fromkeys(items))
        if province is None:
            agency = f"TTKC-VUNG-{1 + (rng.randint(0, 2))}"
        else:
            agency = f"{'SCT' if rng.random() < 0.6 else 'TTKC'}-{province.code}"
        place = legacy or province
        first = vocab.ITEM_PLANS[items[0]][0]
        craft = vocab.CRAFTS[rng.choice(list(vocab.CRAFTS))]
        if place is not None:
            where = f"tại {place.type_prefix.lower()} {place.name}"
        else:
            where = "cho các tỉnh " + rng.choice(("miền Bắc", "miền Trung và Tây Nguyên", "miền Nam"))
        with_craft = vocab.ITEM_PLANS[items[0]][1]
        title = f"{first} trong {craft.label.lower()} {where}" if with_craft else f"{first} {where}"
        start = dt.date(year, rng.randint(2, 4), rng.randint(1, 28))
        end = dt.date(year + (1 if project_type == ProjectType.KEY else 0), rng.randint(10, 11), rng.randint(1, 30))
        priority = rng.random() < 0.1
        project = ProjectPlan(
            key=key,
            kind=kind,
            project_type=project_type,
            year=year,
            province=province,
            legacy_province=legacy,
            communes=communes,
            agency_code=agency,
            programme_code=programme_code(kind, year, province),
            title=title[:500],
            objectives=(
                f"Nâng cao năng lực sản xuất, chất lượng sản phẩm và thu nhập của các cơ sở công nghiệp nông thôn "
                f"ngành {craft.label.lower()}; nhân rộng mô hình trong năm {year}."
            ),
            start_date=start,
            end_date=end,
            is_priority=priority,
            priority_reason="Địa bàn có điều kiện kinh tế - xã hội khó khăn" if priority else "",
            partners=[("Trung tâm Khuyến công", "Phối hợp tổ chức")] if rng.random() < 0.15 else [],
            items=items,
            budget=[],
            outputs={},
            actual_outputs={},
            beneficiaries=[],
        )
        self._dossier(rng, project)
        self._timeline(rng, project)
        return project

    def _beneficiary_pool(self, project: ProjectPlan) -> list[EstablishmentRef]:
        if project.province is None:
            return []
        if project.legacy_province is not None:
            local = self.by_origin.get(project.legacy_province.pk) or []
            if len(local) >= 3:
                return local
        return self.by_province.get(project.province.pk) or []

    def _dossier(self, rng: random.Random, project: ProjectPlan) -> None:
        source = project.state_source
        pool = self._beneficiary_pool(project)
        span = (project.start_date.year, project.end_date.year)
        mean = self.beneficiary_mean * (3.0 if project.project_type == ProjectType.GROUP else 1.0)
        for index, item in enumerate(project.items):
            title, with_beneficiaries, low, high = vocab.ITEM_PLANS[item]
            indicator = self.world.items[item].indicator
            if with_beneficiaries and pool:
                wanted = max(1, min(60, round(rng.expovariate(1 / max(0.5, mean * (1 if index == 0 else 0.4))))))
                chosen: list[Beneficiary] = []
                taken = set()
                for _ in range(wanted):
                    for _attempt in range(6):
                        ref = rng.choice(pool)
                        if ref.position in taken or ref.year_founded > project.year:
                            continue
                        if any(a <= span[1] and b >= span[0] for a, b in self.supported[(ref.position, item)]):
                            continue
                        taken.add(ref.position)
                        units = rng.choice((1, 1, 1, 2)) if item in ("mo_hinh_trinh_dien", "nhan_hieu") else 1
                        support = _round_million(rng.uniform(low, high)) * (units if item == "nhan_hieu" else 1)
                        if item == "mo_hinh_trinh_dien":
                            support = min(support * units, 480 * MILLION * units)
                        chosen.append(Beneficiary(ref.position, item, units, support, support * 3))
                        break
                for row in chosen:
                    self.supported[(row.establishment, item)].append(span)
                project.beneficiaries += chosen
                if chosen:
                    support = sum(row.support for row in chosen)
                    project.budget.append((source, item, _round_million(support * 1.05)))
                    project.budget.append(("DOIUNG", item, sum(row.counterpart for row in chosen)))
                    if indicator is not None:
                        project.outputs[indicator.code] = Decimal(sum(row.units for row in chosen))
                    continue
            amount = _round_million(rng.uniform(low, high))
            project.budget.append((source, item, amount))
            if item in ITEM_SHARE:
                share = ITEM_SHARE[item]
                project.budget.append(("DOIUNG", item, _round_million(amount * (100 / share - 1) * 1.1)))
            if indicator is not None and indicator.code not in project.outputs:
                planned = rng.randint(30, 150) if item == "dao_tao_nghe" else 1
                project.outputs[indicator.code] = Decimal(planned)
        if not project.outputs:  # every dossier needs an output: its people trained or a model built
            project.outputs["dao_tao_nghe"] = Decimal(rng.randint(20, 60))
        for code, planned in project.outputs.items():
            ratio = Decimal(rng.choice((100, 100, 100, 95, 105, 110, 90))) / 100
            project.actual_outputs[code] = (planned * ratio).quantize(Decimal("0.01"))

    def _timeline(self, rng: random.Random, project: ProjectPlan) -> None:
        """Dates of every step the project would take, and its fate; steps after REFERENCE_DATE are cut."""
        year = project.year
        provincial = project.province is not None
        late = rng.random() < 0.06
        submitted = _day(rng, year - 1, (6, 7) if late else (3, 5))
        if submitted.month == 5 and submitted.day > 20:
            submitted = submitted.replace(day=rng.randint(1, 20))
        project.created_on = submitted - dt.timedelta(days=rng.randint(7, 40))
        steps = [("submit", submitted)]
        roll = rng.random()
        fate = "full"
        if provincial and roll < 0.04:
            fate = "returned"
        elif provincial and roll < 0.08:
            fate = "reject_base"
        elif roll < 0.11:
            fate = "reject_final"
        elif roll < 0.14:
            fate = "stop"
        if provincial:
            appraised = _after(rng, submitted, 12, 45)
            if fate == "returned":
                steps.append(("return", appraised))
            elif fate == "reject_base":
                steps.append(("reject", appraised))
            else:
                steps.append(("appraise", appraised))
        decided = max(_day(rng, year - 1, (9, 11)), steps[-1][1] + dt.timedelta(days=10))
        if fate == "reject_final":
            steps.append(("reject", decided))
        elif fate in ("full", "stop"):
            approved = decided
            steps.append(("approve", approved))
            steps.append(("plan", approved + dt.timedelta(days=rng.randint(3, 20))))
            steps.append(("include_in_plan", None))  # the plan's approval date, filled in by _finish
            contracted = _day(rng, year, (1, 3))
            started = _after(rng, contracted, 5, 30)
            steps += [("sign_contract", contracted), ("start", started)]
            if fate == "stop":
                steps.append(("stop", _after(rng, started, 60, 200)))
            else:
                accepted = max(project.end_date, started) + dt.timedelta(days=rng.randint(0, 30))
                lag = rng.random()
                steps.append(("accept", accepted))
                if lag > 0.03:
                    settled = _after(rng, accepted, 45, 150)
                    steps.append(("settle", settled))
                    if lag > 0.10:
                        steps.append(("close", _after(rng, settled, 20, 120)))
        project.steps = steps

    def _finish(self, project: ProjectPlan, plans: dict[tuple, PlanPlan]) -> None:
        """Fill in the plan dates, cut what lies after REFERENCE_DATE, derive the status and the money."""
        plan = plans[project.plan_key]
        steps = []
        for action, day in project.steps:
            if action == "include_in_plan":
                day = plan.approved_on
            if day is None or day > REFERENCE_DATE:
                break
            if action == "plan" and day > plan.approved_on:
                day = plan.approved_on
            steps.append((action, day))
        project.steps = steps
        if project.created_on > REFERENCE_DATE:  # a draft for a later year, drawn up this spring
            project.created_on = REFERENCE_DATE - dt.timedelta(days=30)
        actions = [action for action, _day in steps]
        if "include_in_plan" in actions:
            plan.projects.append(project)
        elif "plan" in actions:  # approved and proposed for the plan, the plan itself not yet approved
            steps.pop()
            actions.pop()
        project.status = _status_after(project, actions)
        rng = random.Random(f"{self.seed}:money:{project.key}")
        if "sign_contract" in actions:
            budget = project.state_budget
            value = _round_million(budget * rng.uniform(0.95, 1.0))
            project.contract = {
                "contract_kind": ContractKind.CONTRACT if project.province is not None else ContractKind.ASSIGNMENT,
                "contract_number": f"{rng.randint(1, 300):02d}/{project.year}/HĐ-KC",
                "contract_date": project.date_of("sign_contract"),
                "contract_value": min(value, budget),
            }
        self._money(rng, project, actions)

    # --- Money ------------------------------------------------------------------------------------

    def _advance_cap(self, project: ProjectPlan) -> int:
        approved = project.date_of("approve")
        window = self.world.advance_window
        in_window = window is not None and approved is not None and window[0] <= approved <= window[1]
        cap = Decimal(0)
        for source, item, amount in project.budget:
            if source != project.state_source:
                continue
            rule = self.world.advance_rules.get(self.world.items[item].pk) if in_window else None
            if rule is None or rule[0] is None:
                cap += amount
            elif rule[1] is not None:
                continue  # only after 70% of the work: no progress reports are generated, so nothing
            else:
                cap += Decimal(amount) * rule[0] / 100
        return int(cap)

    def _money(self, rng: random.Random, project: ProjectPlan, actions: list[str]) -> None:
        if "sign_contract" not in actions:
            return
        budget = project.state_budget
        code = project.key
        numbers = iter(range(1, 100))

        step_days = sorted(day for _action, day in project.steps)

        def add(kind: str, amount: int, on: dt.date, pending: bool = False) -> None:
            if amount <= 0 or on > REFERENCE_DATE:
                return
            # A leader approves within days, always before the project's next step (which checks the money).
            boundary = min([day for day in step_days if day > on] + [REFERENCE_DATE])
            decided = None if pending else min(boundary, on + dt.timedelta(days=rng.randint(0, 3)))
            project.movements.append(Movement(kind, amount, on, decided, f"CT-{code}-{next(numbers):02d}"))

        intensity = max(0.5, self.movement_mean / 2.4)
        contracted = project.date_of("sign_contract")
        accepted = project.date_of("accept")
        stopped = project.date_of("stop")
        last_advance_day = min(d for d in (accepted, stopped, REFERENCE_DATE) if d is not None)
        cap = min(self._advance_cap(project), int(budget * rng.uniform(0.3, 0.7)))
        advances = max(1, min(5, round(rng.uniform(0.6, 2.2) * intensity)))
        advanced = 0
        window_days = (last_advance_day - contracted).days - 2
        if cap >= MILLION and window_days > 2 and rng.random() < 0.9:
            share = _round_million(cap / advances) if cap >= advances * MILLION else cap
            for index in range(advances):
                amount = min(share, cap - advanced)
                amount -= amount % MILLION
                day = contracted + dt.timedelta(days=1 + (window_days * (index + 1)) // (advances + 1))
                pending = project.status == S.IN_PROGRESS and index == advances - 1 and rng.random() < 0.15
                before = len(project.movements)
                add(MovementKind.ADVANCE, amount, day, pending)
                if len(project.movements) > before and not pending:
                    advanced += amount
        if stopped is not None:
            if advanced:
                settled = _round_million(advanced * 0.6)
                settle_day = _after(rng, stopped, 10, 40)
                add(MovementKind.SETTLEMENT, settled, settle_day)
                add(MovementKind.REFUND, advanced - settled, _after(rng, settle_day, 5, 30))
            return
        if accepted is None:
            return
        settled_step = project.date_of("settle")
        closed = project.date_of("close")
        settlement = budget - _round_million(budget * rng.uniform(0.0, 0.05)) if budget > 20 * MILLION else budget
        settlement = max(settlement, MILLION)
        if settled_step is not None:
            middle = max(1, (settled_step - accepted).days // 2)
            add(MovementKind.SETTLEMENT, settlement, accepted + dt.timedelta(days=middle))
            target, end = settlement, (closed or REFERENCE_DATE)
            start = accepted + dt.timedelta(days=middle + 1)
        else:
            target, end, start = int(budget * rng.uniform(0.5, 0.9)), REFERENCE_DATE, accepted + dt.timedelta(days=1)
        if settled_step is not None and advanced > target:
            add(MovementKind.REFUND, advanced - target, start)
            return
        remaining = target - advanced
        if settled_step is None:
            remaining -= remaining % MILLION
        payments = max(1, min(5, round(rng.uniform(0.8, 2.6) * intensity)))
        days = max(1, (end - start).days - 1)
        paid = 0
        for index in range(payments):
            part = remaining // payments
            amount = remaining - paid if index == payments - 1 else part - part % MILLION
            if amount <= 0:
                continue
            day = start + dt.timedelta(days=(days * index) // payments)
            before = len(project.movements)
            add(MovementKind.PAYMENT, amount, day)
            if len(project.movements) > before:
                paid += amount


def _status_after(project: ProjectPlan, actions: list[str]) -> str:
    status = S.DRAFT
    provincial = project.province is not None
    for action in actions:
        if action == "submit":
            status = S.SUBMITTED if provincial else S.AWAITING_APPROVAL
        elif action == "appraise":
            status = S.AWAITING_APPROVAL
        elif action == "return":
            status = S.RETURNED
        elif action == "reject":
            status = S.REJECTED
        elif action == "approve":
            status = S.APPROVED
        elif action == "include_in_plan":
            status = S.IN_PLAN
        elif action == "sign_contract":
            status = S.CONTRACTED
        elif action == "start":
            status = S.IN_PROGRESS
        elif action == "accept":
            status = S.ACCEPTED
        elif action == "settle":
            status = S.SETTLED
        elif action == "close":
            status = S.CLOSED
        elif action == "stop":
            status = S.STOPPED
    return status


def years() -> Iterator[int]:
    return iter(range(FIRST_YEAR, LAST_YEAR + 1))
