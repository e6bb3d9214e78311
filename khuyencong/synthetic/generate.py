"""Generating a dataset: an ordered list of steps, each filling the context for the next.

Other apps add their data with `register_step` (for instance the indicators app: indicator values from the
generated projects and establishments). A step receives the `Generation` context: scale, seed, writer mode,
the reference data (`world`), the staff accounts, the programmes, the ids of the generated establishments in
plan order and the generated projects' plans; it returns a dict of row counts for the summary.

    from khuyencong.synthetic.generate import register_step
    register_step("indicator_values", my_step, after="projects")

Determinism: every random choice comes from `random.Random` seeded with the seed and the stream's name
(province, year), and reference rows are read in a fixed order, so one seed gives the same rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from khuyencong.synthetic.bulk import BulkWriter, tune_for_load
from khuyencong.synthetic.establishments import EstablishmentRef, plan_establishments, ref_of
from khuyencong.synthetic.indicator_values import step_indicator_values
from khuyencong.synthetic.models import GeneratedDataset
from khuyencong.synthetic.projects import Planner, ProjectPlan, years
from khuyencong.synthetic.scales import SCALES, Scale
from khuyencong.synthetic.staff import Staff, ensure_programmes, ensure_staff
from khuyencong.synthetic.via_services import ServicesWriter, create_plans
from khuyencong.synthetic.world import World, load_world

ESTABLISHMENT_CHUNK = 5_000
MODES = ("bulk", "services")


@dataclass
class Generation:
    scale: Scale
    seed: int
    mode: str  # "bulk" or "services"
    log: Callable[[str], None]
    world: World | None = None
    staff: Staff | None = None
    programmes: dict = field(default_factory=dict)
    establishment_ids: list[int] = field(default_factory=list)  # in plan order (EstablishmentRef.position)
    establishment_refs: list[EstablishmentRef] = field(default_factory=list)
    projects: list[ProjectPlan] = field(default_factory=list)  # every planned project (kept for later steps)
    project_ids: dict[str, int] = field(default_factory=dict)  # ProjectPlan.key → id
    counts: dict[str, int] = field(default_factory=dict)

    def writer(self):
        if not hasattr(self, "_writer"):
            self._writer = (
                BulkWriter(self.world, self.staff) if self.mode == "bulk" else ServicesWriter(self.world, self.staff)
            )
        return self._writer


@dataclass
class Step:
    name: str
    run: Callable[[Generation], dict | None]


def step_reference(gen: Generation) -> dict:
    gen.world = load_world(gen.scale)
    with transaction.atomic():
        gen.staff = ensure_staff(gen.world)
        gen.programmes = ensure_programmes(gen.world, gen.staff)
    return {"provinces": len(gen.world.provinces)}


def step_establishments(gen: Generation) -> dict:
    writer = gen.writer()
    chunk = []
    done = 0

    def flush():
        nonlocal done
        gen.establishment_ids += writer.establishments(chunk)
        done += len(chunk)
        gen.log(f"  cơ sở: {done}/{gen.scale.establishments}")
        chunk.clear()

    for plan in plan_establishments(gen.world, gen.scale, gen.seed):
        chunk.append(plan)
        gen.establishment_refs.append(ref_of(plan))
        if len(chunk) >= ESTABLISHMENT_CHUNK:
            flush()
    if chunk:
        flush()
    return {"establishments": len(gen.establishment_ids)}


def step_projects(gen: Generation) -> dict:
    planner = Planner(gen.world, gen.scale, gen.seed, gen.establishment_refs)
    writer = gen.writer()
    counts = {"projects": 0, "beneficiaries": 0, "movements": 0, "plans": 0}
    for year in years():
        projects, plans = planner.plan_year(year)
        if gen.mode == "bulk":
            annual = create_plans(gen.world, gen.staff, plans)
            for start in range(0, len(projects), 5_000):
                writer.projects(projects[start : start + 5_000], gen.establishment_ids, gen.programmes, annual)
        else:
            writer.projects(projects, plans, gen.establishment_ids, gen.programmes)
        gen.projects += projects
        counts["projects"] += len(projects)
        counts["beneficiaries"] += sum(len(p.beneficiaries) for p in projects)
        counts["movements"] += sum(len(p.movements) for p in projects)
        counts["plans"] += len(plans)
        gen.log(f"  đề án năm {year}: {len(projects)} (kế hoạch được duyệt: {len(plans)})")
    if gen.mode == "services":
        gen.project_ids = dict(writer.project_ids)
    else:
        gen.project_ids = {}
    return counts


STEPS: list[Step] = [
    Step("reference", step_reference),
    Step("establishments", step_establishments),
    Step("projects", step_projects),
    Step("indicator_values", step_indicator_values),  # no-op until the indicators app is installed
]


def register_step(name: str, run: Callable[[Generation], dict | None], *, after: str | None = None) -> None:
    """Add (or replace) a generator step; `after` names the step it follows (default: at the end)."""
    STEPS[:] = [step for step in STEPS if step.name != name]
    position = len(STEPS) if after is None else [s.name for s in STEPS].index(after) + 1
    STEPS.insert(position, Step(name, run))


class AlreadyGenerated(Exception):
    pass


def generate(
    scale: str | Scale, seed: int, *, mode: str = "bulk", log: Callable[[str], None] = print
) -> GeneratedDataset:
    """Generate a dataset into the default database (`scale`: a name in SCALES, or a Scale). Raises
    AlreadyGenerated when the same scale and seed were generated before (nothing to do), ValueError when
    another dataset is there."""
    if isinstance(scale, Scale):
        spec, scale = scale, scale.name
    elif scale in SCALES:
        spec = SCALES[scale]
    else:
        raise ValueError(f"Unknown scale {scale!r}: one of {', '.join(SCALES)}")
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}: one of {', '.join(MODES)}")
    existing = GeneratedDataset.objects.order_by("pk").first()
    if existing is not None:
        if (existing.scale, existing.seed) == (scale, seed) and existing.finished_at is not None:
            raise AlreadyGenerated(existing)
        raise ValueError(
            f"Cơ sở dữ liệu đã có dữ liệu sinh khác ({existing.scale}, seed {existing.seed}"
            f"{'' if existing.finished_at else ', chưa xong'}): hãy dùng một cơ sở dữ liệu trống."
        )
    started = time.monotonic()
    record = GeneratedDataset.objects.create(scale=scale, seed=seed, mode=mode)
    gen = Generation(scale=spec, seed=seed, mode=mode, log=log)
    if mode == "bulk":
        tune_for_load()
    for step in STEPS:
        began = time.monotonic()
        log(f"Bước {step.name}…")
        gen.counts.update(step.run(gen) or {})
        log(f"Bước {step.name}: {time.monotonic() - began:.1f} giây")
    if mode == "bulk" and not connection.in_atomic_block:
        began = time.monotonic()
        # Planner statistics after a bulk load (SQLite has none until then); on PostgreSQL VACUUM also marks the
        # new pages all-visible, which index-only scans (the dashboards' covering indexes) need to skip the heap.
        statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        log(f"{statement}: {time.monotonic() - began:.1f} giây")
    record.counts = gen.counts
    record.finished_at = timezone.now()
    record.seconds = round(time.monotonic() - started, 1)
    record.save()
    return record
