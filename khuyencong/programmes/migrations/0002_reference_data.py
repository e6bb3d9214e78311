"""Reference data of khuyến công: funding sources, output indicators, content groups and items (NĐ 45/2012
Art. 4 and the NĐ 235/2025 additions), the 2014 support norms (TTLT 26/2014, superseded, shipped as a sample),
the registration deadlines, the appraisal checklist and the national programmes 2021–2025 and 2026–2030.

Every row is data an administrator can correct; facts marked "cần xác nhận" were not confirmed from the
official text and must be checked before use.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D = dt.date
ND45 = "Nghị định 45/2012/NĐ-CP về khuyến công, Điều 4"
ND235 = "Nghị định 235/2025/NĐ-CP sửa đổi, bổ sung Nghị định 45/2012/NĐ-CP (hiệu lực 15/10/2025)"
ND45_FROM = D(2012, 7, 5)
ND235_FROM = D(2025, 10, 15)

SOURCES = [
    # code, name, short, kind, is_state_budget, citation
    ("KCQG", "Kinh phí khuyến công quốc gia", "KCQG", "national", True, "NĐ 45/2012/NĐ-CP, Điều 18"),
    ("KCDP", "Kinh phí khuyến công địa phương", "KCĐP", "local", True, "NĐ 45/2012/NĐ-CP, Điều 18"),
    ("DOIUNG", "Vốn đối ứng của đơn vị thụ hưởng", "Đối ứng", "counterpart", False, ""),
    ("KHAC", "Nguồn vốn khác (tài trợ, huy động)", "Khác", "other", False, ""),
]

INDICATORS = [
    # code, name, unit, target 2021–2025 (QĐ 1881/QĐ-TTg) or None
    ("mo_hinh_trinh_dien", "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ", "mô hình", 340),
    ("may_moc_thiet_bi", "Máy móc, thiết bị tiên tiến được ứng dụng", "máy", 1600),
    ("day_chuyen_cong_nghe", "Dây chuyền công nghệ tiên tiến được ứng dụng", "dây chuyền", 300),
    ("danh_gia_sxsh", "Cơ sở CNNT được đánh giá sản xuất sạch hơn", "cơ sở", 300),
    ("thi_diem_sxsh", "Cơ sở CNNT có mô hình thí điểm sản xuất sạch hơn", "cơ sở", 100),
    ("xlon_co_so", "Cơ sở CNNT được hỗ trợ sửa chữa, nâng cấp hệ thống xử lý ô nhiễm", "cơ sở", 50),
    ("xlon_ccn", "Cụm công nghiệp được hỗ trợ sửa chữa, nâng cấp hệ thống xử lý ô nhiễm", "cụm", 60),
    ("nhan_hieu", "Cơ sở CNNT được hỗ trợ xây dựng, đăng ký nhãn hiệu", "cơ sở", 350),
    ("quy_hoach_ccn", "Cụm công nghiệp được hỗ trợ lập quy hoạch chi tiết", "cụm", 50),
    ("dao_tao_nghe", "Lao động được đào tạo nghề", "người", 10000),
    ("cum_lien_ket", "Cụm liên kết ngành, chuỗi giá trị được hình thành", "cụm", None),
]

GROUPS = [
    # number, name, valid_from, citation
    (1, "Đào tạo nghề, truyền nghề", ND45_FROM, ND45),
    (2, "Nâng cao năng lực quản lý, áp dụng sản xuất sạch hơn", ND45_FROM, ND45),
    (3, "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, ứng dụng máy móc tiên tiến", ND45_FROM, ND45),
    (4, "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu", ND45_FROM, ND45),
    (5, "Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", ND45_FROM, ND45),
    (6, "Cung cấp thông tin, tuyên truyền", ND45_FROM, ND45),
    (7, "Liên doanh, liên kết, cụm liên kết ngành, cụm công nghiệp, xử lý ô nhiễm", ND45_FROM, ND45),
    (8, "Hợp tác quốc tế về khuyến công", ND45_FROM, ND45),
    (9, "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công", ND45_FROM, ND45),
    (10, "Nghệ nhân, bảo tồn và phát huy nghề thủ công mỹ nghệ truyền thống", ND235_FROM, ND235),
    (11, "Chuyển đổi số trong cơ sở công nghiệp nông thôn", ND235_FROM, ND235),
    (12, "Sản xuất và tiêu dùng bền vững", ND235_FROM, ND235),
]

ITEMS = [
    # code, group number, name, indicator code
    ("dao_tao_nghe", 1, "Đào tạo nghề, truyền nghề, nâng cao tay nghề", "dao_tao_nghe"),
    ("nang_luc_quan_ly", 2, "Đào tạo, nâng cao năng lực quản lý doanh nghiệp, khởi sự doanh nghiệp", None),
    ("tham_quan_khao_sat", 2, "Tham quan, khảo sát, học tập kinh nghiệm trong và ngoài nước", None),
    ("danh_gia_sxsh", 2, "Đánh giá sản xuất sạch hơn tại cơ sở công nghiệp nông thôn", "danh_gia_sxsh"),
    ("mo_hinh_trinh_dien", 3, "Xây dựng mô hình trình diễn kỹ thuật, chuyển giao công nghệ", "mo_hinh_trinh_dien"),
    ("nhan_rong_mo_hinh", 3, "Nhân rộng mô hình trình diễn kỹ thuật", "mo_hinh_trinh_dien"),
    ("may_moc_tien_tien", 3, "Ứng dụng máy móc, thiết bị tiên tiến vào sản xuất", "may_moc_thiet_bi"),
    ("day_chuyen_cong_nghe", 3, "Ứng dụng dây chuyền công nghệ tiên tiến vào sản xuất", "day_chuyen_cong_nghe"),
    ("thi_diem_sxsh", 3, "Mô hình thí điểm áp dụng sản xuất sạch hơn", "thi_diem_sxsh"),
    ("binh_chon_san_pham", 4, "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu", None),
    ("hoi_cho_trien_lam", 4, "Tổ chức, tham gia hội chợ, triển lãm", None),
    ("nhan_hieu", 4, "Xây dựng, đăng ký nhãn hiệu sản phẩm", "nhan_hieu"),
    ("phong_trung_bay", 4, "Phòng trưng bày, giới thiệu sản phẩm", None),
    ("tu_van", 5, "Tư vấn lập dự án đầu tư, marketing, thiết kế mẫu mã, bao bì, công nghệ", None),
    ("truyen_thong", 6, "Thông tin, tuyên truyền về khuyến công", None),
    ("cum_lien_ket", 7, "Hình thành cụm liên kết ngành, chuỗi giá trị", "cum_lien_ket"),
    ("quy_hoach_ccn", 7, "Lập quy hoạch chi tiết cụm công nghiệp", "quy_hoach_ccn"),
    ("ha_tang_ccn", 7, "Đầu tư xây dựng hạ tầng kỹ thuật cụm công nghiệp", None),
    ("xlon_co_so", 7, "Sửa chữa, nâng cấp hệ thống xử lý ô nhiễm tại cơ sở công nghiệp nông thôn", "xlon_co_so"),
    ("xlon_ccn", 7, "Sửa chữa, nâng cấp hệ thống xử lý ô nhiễm tại cụm công nghiệp", "xlon_ccn"),
    ("hop_tac_quoc_te", 8, "Hợp tác quốc tế về khuyến công", None),
    ("nang_luc_khuyen_cong", 9, "Nâng cao năng lực cán bộ, cơ sở dữ liệu, mạng lưới cộng tác viên khuyến công", None),
    ("nghe_nhan", 10, "Hỗ trợ nghệ nhân, bảo tồn nghề thủ công mỹ nghệ truyền thống", None),
    ("chuyen_doi_so", 11, "Hỗ trợ chuyển đổi số cho cơ sở công nghiệp nông thôn", None),
    ("san_xuat_ben_vung", 12, "Hỗ trợ sản xuất và tiêu dùng bền vững", None),
]

M = 1_000_000
# TTLT 26/2014 Art. 6.2 caps (domain brief §3) and the advance shares of the 2014 procedure (§4 step 6):
# item: (max share %, per beneficiary, per model/brand/cluster, per project, advance %, advance after progress %, note)
RULES_2014 = {
    "mo_hinh_trinh_dien": (30, None, 500 * M, None, 70, 70, "Mỗi mô hình trình diễn mới."),
    "nhan_rong_mo_hinh": (30, None, 100 * M, None, 70, 70, "Mỗi mô hình nhân rộng."),
    "may_moc_tien_tien": (50, 200 * M, None, None, 70, 70, ""),
    "day_chuyen_cong_nghe": (50, 200 * M, None, None, 70, 70, "Cùng mức với ứng dụng máy móc, chuyển giao công nghệ."),
    "nhan_hieu": (50, None, 35 * M, None, 70, None, "Mỗi nhãn hiệu."),
    "tu_van": (50, 35 * M, None, None, 70, None, ""),
    "cum_lien_ket": (50, None, None, 150 * M, 70, None, "Mỗi cụm liên kết doanh nghiệp."),
    "xlon_co_so": (30, 300 * M, None, None, 70, 70, ""),
    "xlon_ccn": (30, None, None, 1500 * M, 30, None, "Mỗi cụm công nghiệp (một đề án cho một cụm)."),
    "quy_hoach_ccn": (50, None, None, 500 * M, 70, None, "Mỗi cụm công nghiệp."),
    "ha_tang_ccn": (None, None, None, 3000 * M, 30, None, "Mỗi cụm công nghiệp."),
    "binh_chon_san_pham": (
        None, None, 10 * M, None, 70, None,
        "Thưởng mỗi sản phẩm: tối đa 5 triệu đồng cấp khu vực, 10 triệu đồng cấp quốc gia.",
    ),
    "hoi_cho_trien_lam": (80, None, None, None, 70, None, "Tham gia hội chợ do đơn vị khác tổ chức: 80% tiền thuê gian hàng."),
    "dao_tao_nghe": (None, None, None, None, 70, None, "Tạm ứng 70% với đào tạo, tư vấn, hội chợ, truyền thông."),
    "truyen_thong": (None, None, None, None, 70, None, ""),
}  # fmt: skip

CRITERIA = [
    "Hồ sơ đề án đầy đủ, đúng quy định",
    "Nội dung phù hợp với chương trình, kế hoạch khuyến công và định hướng phát triển ngành",
    "Đối tượng thụ hưởng đúng quy định (cơ sở công nghiệp nông thôn)",
    "Mức hỗ trợ đúng định mức; vốn đối ứng của đơn vị thụ hưởng được cam kết",
    "Không trùng lặp với nội dung đã được hỗ trợ từ nguồn ngân sách nhà nước khác",
    "Đề án khả thi, có hiệu quả kinh tế - xã hội và khả năng nhân rộng",
]


def load(apps, schema_editor):
    FundingSource = apps.get_model("programmes", "FundingSource")
    OutputIndicator = apps.get_model("programmes", "OutputIndicator")
    ContentGroup = apps.get_model("programmes", "ContentGroup")
    ContentItem = apps.get_model("programmes", "ContentItem")
    RuleSet = apps.get_model("programmes", "RuleSet")
    SupportRule = apps.get_model("programmes", "SupportRule")
    Deadline = apps.get_model("programmes", "Deadline")
    AppraisalCriterion = apps.get_model("programmes", "AppraisalCriterion")
    Programme = apps.get_model("programmes", "Programme")
    ProgrammeTarget = apps.get_model("programmes", "ProgrammeTarget")

    for order, (code, name, short, kind, state, citation) in enumerate(SOURCES):
        FundingSource.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "short_name": short, "kind": kind, "is_state_budget": state, "citation": citation,
                "sort_order": order,
            },
        )  # fmt: skip
    indicators = {}
    for order, (code, name, unit, _target) in enumerate(INDICATORS):
        indicators[code], _ = OutputIndicator.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "sort_order": order}
        )
    groups = {}
    for number, name, valid_from, citation in GROUPS:
        groups[number], _ = ContentGroup.objects.get_or_create(
            code=f"nhom-{number}",
            defaults={"number": number, "name": name, "valid_from": valid_from, "citation": citation},
        )
    items = {}
    for order, (code, number, name, indicator) in enumerate(ITEMS):
        group = groups[number]
        items[code], _ = ContentItem.objects.get_or_create(
            code=code,
            defaults={
                "group": group, "name": name, "indicator": indicators.get(indicator), "sort_order": order,
                "valid_from": group.valid_from, "citation": group.citation,
            },
        )  # fmt: skip

    rule_set, created = RuleSet.objects.get_or_create(
        code="ttlt-26-2014",
        defaults={
            "name": "Định mức hỗ trợ theo TTLT 26/2014/TTLT-BTC-BCT (mẫu, đã hết hiệu lực)",
            "issuer": "Bộ Tài chính - Bộ Công Thương",
            "scope": "national",
            "valid_from": D(2014, 4, 5),
            "valid_to": D(2018, 5, 14),
            "citation": "TTLT 26/2014/TTLT-BTC-BCT, Điều 6 khoản 2 (ngày hiệu lực cần xác nhận)",
            "priority_multiplier": Decimal("1.5"),
            "superseded_by": "Thông tư 28/2018/TT-BTC (mức hỗ trợ cần xác nhận và nhập thành bộ định mức mới)",
            "is_sample": True,
            "note": (
                "Bộ định mức mẫu để đối chiếu và kiểm thử. Tỷ lệ tạm ứng theo quy trình năm 2014: 70% với đào tạo, "
                "tư vấn, hội chợ, truyền thông và với mô hình, máy móc, xử lý ô nhiễm khi đã thực hiện trên 70% "
                "khối lượng; 30% với công trình cụm công nghiệp."
            ),
        },
    )
    if created:
        for code, (share, per_beneficiary, per_model, per_project, advance, after, note) in RULES_2014.items():
            SupportRule.objects.create(
                rule_set=rule_set, content_item=items[code],
                max_share_percent=share, max_per_beneficiary=per_beneficiary, max_per_model=per_model,
                max_per_project=per_project, advance_percent=advance, advance_after_progress_percent=after, note=note,
            )  # fmt: skip

    for kind, day, month in (("registration", 20, 5), ("national_proposal", 15, 6)):
        Deadline.objects.get_or_create(
            kind=kind,
            defaults={
                "day": day, "month": month, "year_offset": -1,
                "citation": "Thông tư 36/2013/TT-BCT (hạn theo quy định năm 2013; cần xác nhận quy định hiện hành)",
            },
        )  # fmt: skip
    if not AppraisalCriterion.objects.exists():
        for order, text in enumerate(CRITERIA):
            AppraisalCriterion.objects.create(
                text=text, sort_order=order, citation="Thông tư 36/2013/TT-BCT (cần xác nhận văn bản hiện hành)"
            )

    national_2021, created = Programme.objects.get_or_create(
        code="ctkcqg-2021-2025",
        defaults={
            "name": "Chương trình khuyến công quốc gia giai đoạn 2021–2025",
            "level": "national", "start_year": 2021, "end_year": 2025,
            "decision_number": "1881/QĐ-TTg", "decision_date": D(2020, 11, 20), "issuer": "Thủ tướng Chính phủ",
            "citation": "Quyết định 1881/QĐ-TTg ngày 20/11/2020",
            "description": (
                "Huy động và sử dụng hiệu quả các nguồn lực, tạo động lực mới phát triển sản xuất công nghiệp - "
                "tiểu thủ công nghiệp, góp phần xây dựng nông thôn mới và chuyển dịch cơ cấu kinh tế."
            ),
        },
    )  # fmt: skip
    if created:
        for code, _name, _unit, target in INDICATORS:
            ProgrammeTarget.objects.create(
                programme=national_2021, indicator=indicators[code], target_value=target,
                note="" if target is not None else "Mục tiêu định tính: hình thành cụm liên kết ngành, chuỗi giá trị.",
            )  # fmt: skip
    Programme.objects.get_or_create(
        code="ctkcqg-2026-2030",
        defaults={
            "name": "Chương trình khuyến công quốc gia giai đoạn 2026–2030",
            "level": "national", "start_year": 2026, "end_year": 2030,
            "decision_number": "2646/QĐ-BCT", "decision_date": D(2025, 9, 23), "issuer": "Bộ trưởng Bộ Công Thương",
            "citation": "Quyết định 2646/QĐ-BCT ngày 23/09/2025 (mục tiêu cần nhập từ văn bản)",
        },
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
