"""The agencies that run khuyến công: the ministry, the central department (one agency, renamed in 2025),
the regional extension centres, and for each of today's 34 provinces its Sở Công Thương, extension centre
and People's Committee (which approves local plans). Names are data: administrators correct them."""

import datetime as dt

from django.db import migrations

CENTRAL_NAMES = [
    # (name, valid_from, valid_to, citation)
    ("Cục Công nghiệp địa phương", None, dt.date(2017, 12, 31), "Tên trước khi đổi thành Cục Công Thương địa phương"),
    (
        "Cục Công Thương địa phương",
        dt.date(2018, 1, 1),
        dt.date(2025, 2, 28),
        "Quyết định của Bộ Công Thương về chức năng của Cục (ngày đổi tên cần xác nhận)",
    ),
    (
        "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        dt.date(2025, 3, 1),
        None,
        "Nghị định 40/2025/NĐ-CP về cơ cấu tổ chức Bộ Công Thương (hiệu lực 01/03/2025; cần xác nhận)",
    ),
]
REGIONAL_CENTRES = [
    ("TTKC-VUNG-1", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp I", "TTKC&TVPTCN I"),
    ("TTKC-VUNG-2", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp II", "TTKC&TVPTCN II"),
    ("TTKC-VUNG-3", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp III", "TTKC&TVPTCN III"),
]


def create(apps, schema_editor):
    Agency = apps.get_model("accounts", "Agency")
    AgencyName = apps.get_model("accounts", "AgencyName")
    Unit = apps.get_model("geo", "Unit")

    ministry, _ = Agency.objects.get_or_create(
        code="BCT", defaults={"kind": "ministry", "name": "Bộ Công Thương", "short_name": "BCT"}
    )
    central, created = Agency.objects.get_or_create(
        code="CUC",
        defaults={"kind": "central_department", "name": CENTRAL_NAMES[-1][0], "short_name": "Cục", "parent": ministry},
    )
    if created:
        for name, valid_from, valid_to, citation in CENTRAL_NAMES:
            AgencyName.objects.create(
                agency=central, name=name, valid_from=valid_from, valid_to=valid_to, citation=citation
            )
    for code, name, short in REGIONAL_CENTRES:
        Agency.objects.get_or_create(
            code=code, defaults={"kind": "regional_centre", "name": name, "short_name": short, "parent": central}
        )
    for province in Unit.objects.filter(level="province", valid_to__isnull=True).order_by("code"):
        kind_word = "thành phố" if province.unit_type == "thanh_pho_tw" else "tỉnh"
        committee, _ = Agency.objects.get_or_create(
            code=f"UBND-{province.code}",
            defaults={
                "kind": "provincial_committee",
                "name": f"Ủy ban nhân dân {kind_word} {province.name}",
                "short_name": f"UBND {province.name}",
                "jurisdiction": province,
            },
        )
        department, _ = Agency.objects.get_or_create(
            code=f"SCT-{province.code}",
            defaults={
                "kind": "provincial_department",
                "name": f"Sở Công Thương {province.name}",
                "short_name": f"SCT {province.name}",
                "jurisdiction": province,
                "parent": committee,
            },
        )
        Agency.objects.get_or_create(
            code=f"TTKC-{province.code}",
            defaults={
                "kind": "provincial_centre",
                "name": f"Trung tâm Khuyến công {kind_word} {province.name}",
                "short_name": f"TTKC {province.name}",
                "jurisdiction": province,
                "parent": department,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups"), ("geo", "0003_load_reference_data")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
