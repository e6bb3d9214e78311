"""How much the generator makes at each scale. `national` is the size the system must stay fast at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The generated history ends here: projects are closed, in progress or drafted as they would be on this day,
# and no generated date lies after it. A fixed day, never "today", so that a seed always gives the same rows.
REFERENCE_DATE = dt.date(2026, 6, 30)
FIRST_YEAR, LAST_YEAR = 2012, 2030
# The last plan year whose projects were drawn up on pre-2025 units (legacy province and communes).
LAST_LEGACY_YEAR = 2025


@dataclass(frozen=True)
class Scale:
    name: str
    establishments: int
    projects: int
    beneficiaries: int  # beneficiary links (ProjectBeneficiary rows), approximately
    disbursements: int  # money movements, approximately
    figures_years: float  # average years of figures per establishment
    provinces: tuple[str, ...] = ()  # current province codes; empty: all 34


SCALES: dict[str, Scale] = {
    # Seconds: the smoke test of every benchmark scenario and the services-vs-bulk comparison.
    "tiny": Scale("tiny", 240, 48, 160, 120, 2.0, provinces=("01", "75", "86", "66")),
    # `make run`: every province, enough rows for each page to look real, generated in well under a minute.
    "demo": Scale("demo", 3_000, 600, 5_000, 3_000, 2.5),
    "medium": Scale("medium", 30_000, 6_000, 50_000, 30_000, 2.5),
    "national": Scale("national", 300_000, 60_000, 500_000, 300_000, 2.5),
}
