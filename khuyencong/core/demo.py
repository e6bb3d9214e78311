"""Sample records for the demo installation (`manage.py load_demo`)."""

from __future__ import annotations

from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit
from khuyencong.registry.models import Establishment

DEMO_ESTABLISHMENT = "Hợp tác xã Mây tre đan Phú Vinh"


def demo_establishment_for_accounts() -> Establishment:
    """The establishment the demo representative account speaks for."""
    province = Unit.objects.get(key="2025:province:01")
    establishment, _ = Establishment.objects.get_or_create(
        name_folded=fold_vi(DEMO_ESTABLISHMENT),
        province=province,
        defaults={"name": DEMO_ESTABLISHMENT},
    )
    return establishment
