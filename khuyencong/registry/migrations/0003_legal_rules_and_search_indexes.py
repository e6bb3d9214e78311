"""Load the dated legal rules (size thresholds, eligibility, certificate validity) and add the indexes the
establishment list needs at national scale that Django cannot declare on both databases.

Rules marked "cần đối chiếu" in their note are unconfirmed readings of the texts: administrators check and
edit them on the "Danh mục quy định" page.
"""

import datetime as dt

from django.db import migrations

BILLION = 10**9
ND80 = "Nghị định 80/2021/NĐ-CP ngày 26/08/2021, Điều 5"
INDUSTRY_SECTIONS = "A B C D E F"
TRADE_SECTIONS = "G H I J K L M N O P Q R S T U"

SIZE_THRESHOLDS = [
    # sector group, sections, class, max insured workers, max revenue, max capital
    ("industry", INDUSTRY_SECTIONS, "micro", 10, 3 * BILLION, 3 * BILLION),
    ("industry", INDUSTRY_SECTIONS, "small", 100, 50 * BILLION, 20 * BILLION),
    ("industry", INDUSTRY_SECTIONS, "medium", 200, 200 * BILLION, 100 * BILLION),
    ("trade", TRADE_SECTIONS, "micro", 10, 10 * BILLION, 3 * BILLION),
    ("trade", TRADE_SECTIONS, "small", 50, 100 * BILLION, 50 * BILLION),
    ("trade", TRADE_SECTIONS, "medium", 100, 300 * BILLION, 100 * BILLION),
]

ELIGIBILITY_RULES = [
    {
        "valid_from": dt.date(2012, 7, 5),
        "valid_to": dt.date(2025, 10, 14),
        "citation": "Nghị định 45/2012/NĐ-CP ngày 21/05/2012, Điều 2 (đối tượng áp dụng)",
        "eligible_forms": ["doanh_nghiep", "hop_tac_xa", "lien_hiep_htx", "to_hop_tac", "ho_kinh_doanh"],
        "eligible_unit_types": ["xa", "thi_tran"],
        "verify_unit_types": ["phuong", "dac_khu"],
        "eligible_enterprise_sizes": ["micro", "small", "medium"],
        "note": (
            "Cơ sở CNNT: doanh nghiệp nhỏ và vừa, hợp tác xã, tổ hợp tác, hộ kinh doanh sản xuất công nghiệp tại "
            "huyện, thị xã, thị trấn, xã; phường chỉ khi thuộc thành phố loại 2, 3 hoặc mới chuyển từ xã "
            "(cần xác minh từng trường hợp)."
        ),
    },
    {
        "valid_from": dt.date(2025, 10, 15),
        "valid_to": None,
        "citation": "Nghị định 45/2012/NĐ-CP, sửa đổi bởi Nghị định 235/2025/NĐ-CP (hiệu lực 15/10/2025)",
        "eligible_forms": ["doanh_nghiep", "hop_tac_xa", "lien_hiep_htx", "to_hop_tac", "ho_kinh_doanh", "nghe_nhan"],
        "eligible_unit_types": ["xa", "dac_khu"],
        "verify_unit_types": ["phuong"],
        "eligible_enterprise_sizes": ["micro", "small", "medium"],
        "note": (
            "Cần đối chiếu: NĐ 235/2025 mở rộng đối tượng (nghệ nhân) sau khi bỏ cấp huyện; điều kiện với phường "
            "cần xác minh theo văn bản. Quản trị viên cập nhật khi có hướng dẫn chính thức."
        ),
    },
]

VALIDITY_RULES = [
    {
        "kind": "cnnt",
        "years": 3,
        "until_year_end": True,
        "valid_from": dt.date(2014, 10, 15),
        "citation": "Thông tư 26/2014/TT-BCT, sửa đổi bởi Thông tư 14/2018/TT-BCT",
        "note": "Giấy chứng nhận có giá trị đến 31/12 của năm thứ ba (năm cấp là năm thứ nhất). Cần đối chiếu ngày hiệu lực.",
    },
    {
        "kind": "ocop",
        "years": 3,
        "until_year_end": False,
        "valid_from": dt.date(2023, 2, 24),
        "citation": "Quyết định 148/QĐ-TTg ngày 24/02/2023 (Bộ tiêu chí và quy trình đánh giá OCOP)",
        "note": "Giấy chứng nhận OCOP có giá trị 36 tháng kể từ ngày cấp (cần đối chiếu).",
    },
]


def load_rules(apps, schema_editor):
    SizeThreshold = apps.get_model("registry", "SizeThreshold")
    EligibilityRule = apps.get_model("registry", "EligibilityRule")
    CertificationValidityRule = apps.get_model("registry", "CertificationValidityRule")
    for group, sections, size, workers, revenue, capital in SIZE_THRESHOLDS:
        SizeThreshold.objects.get_or_create(
            sector_group=group,
            size_class=size,
            valid_from=dt.date(2021, 10, 15),
            defaults={
                "vsic_sections": sections,
                "max_insured_workers": workers,
                "max_revenue": revenue,
                "max_capital": capital,
                "citation": ND80,
                "note": "Tiêu chí: số lao động tham gia BHXH bình quân năm và (tổng doanh thu hoặc tổng nguồn vốn).",
            },
        )
    for rule in ELIGIBILITY_RULES:
        EligibilityRule.objects.get_or_create(valid_from=rule["valid_from"], defaults=rule)
    for rule in VALIDITY_RULES:
        CertificationValidityRule.objects.get_or_create(kind=rule["kind"], valid_from=rule["valid_from"], defaults=rule)


def unload_rules(apps, schema_editor):
    for model in ("SizeThreshold", "EligibilityRule", "CertificationValidityRule"):
        apps.get_model("registry", model).objects.all().delete()


# PostgreSQL: trigram GIN for "contains" search on the folded text, and the Vietnamese-collated name (ICU
# collation "vi" from core 0001) for the list's ORDER BY … LIMIT, alone and after the province filter.
# SQLite: a plain index (its LIKE '%…%' scans; the collation is a Python function, not indexable safely).
PG_INDEXES = {
    "registry_est_search_trgm": "USING gin (search_folded gin_trgm_ops)",
    "registry_est_name_vi": '((name COLLATE "vi"), id)',
    "registry_est_province_name_vi": '(province_id, (name COLLATE "vi"), id)',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in PG_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON registry_establishment {definition}")
    else:
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_est_search_idx ON registry_establishment (search_folded)"
        )


def drop_indexes(apps, schema_editor):
    names = PG_INDEXES if schema_editor.connection.vendor == "postgresql" else ["registry_est_search_idx"]
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_vietnamese_collation"),
        ("registry", "0002_profile_figures_products_rules"),
    ]
    operations = [
        migrations.RunPython(load_rules, unload_rules),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
