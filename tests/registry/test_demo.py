"""The demo establishments load through the services, once."""

from __future__ import annotations

import pytest

from khuyencong.audit.models import AuditEvent
from khuyencong.registry.demo import DEMO, load_demo_establishments
from khuyencong.registry.models import Certification, Establishment

pytestmark = pytest.mark.django_db


def test_demo_is_realistic_and_idempotent():
    assert load_demo_establishments() == len(DEMO) >= 30
    assert load_demo_establishments() == 0
    demo = Establishment.objects.exclude(name="Hợp tác xã Mây tre đan Phú Vinh")
    assert demo.count() == len(DEMO)
    assert set(demo.values_list("province__code", flat=True)) == {"01", "33", "75", "86", "68", "91", "38"}
    assert set(demo.values_list("size_class", flat=True)) >= {"micro", "small", "medium"}
    assert Certification.objects.filter(kind="ocop", stars=5).exists()
    cashew = Establishment.objects.get(name="Công ty TNHH Chế biến điều Bù Đăng")
    assert cashew.province.name == "Đồng Nai" and cashew.products.count() == 2 and cashew.figures.count() == 2
    assert AuditEvent.objects.filter(action="establishment.create", actor__isnull=True).count() == len(DEMO)
