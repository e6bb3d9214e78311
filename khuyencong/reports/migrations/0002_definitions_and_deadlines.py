"""The four reports the system ships and the filing deadlines of the provinces' periodic report.

The deadlines are samples to confirm: the brief of the field says provinces reported quarterly under the 2014
rules and that 6-month and annual reviews are held; the number of days is not confirmed. Administrators
correct them on the page "Báo cáo → Mẫu báo cáo và hạn gửi" (dated, cited, audited).
"""

import datetime as dt

from django.db import migrations

PERIODIC = "bc-dinh-ky-tinh"
NATIONAL = "bc-tong-hop-quoc-gia"
PROJECTS = "ds-de-an-kinh-phi"
REGISTER = "so-giai-ngan"


def narrative(key, title, hint):
    return {"key": key, "kind": "narrative", "title": title, "options": {"hint": hint}}


def table(key, kind, title, **options):
    return {"key": key, "kind": kind, "title": title, "options": options}


DEFINITIONS = [
    {
        "code": PERIODIC,
        "document_type": "BÁO CÁO",
        "title": "Tình hình thực hiện công tác khuyến công",
        "level": "provincial",
        "period_types": ["quarter", "half", "year"],
        "symbol": "BC-SCT",
        "money_unit": "trieu",
        "signer_title": "GIÁM ĐỐC",
        "recipients": "{cuc} (Bộ Công Thương);\n{cap_tren} (để báo cáo);\nLãnh đạo Sở;\nLưu: VT.",
        "citation": "Nghị định 45/2012/NĐ-CP về khuyến công; chế độ báo cáo định kỳ của Sở Công Thương với Bộ Công "
        "Thương (báo cáo quý theo quy định năm 2014, sơ kết 6 tháng, tổng kết năm; cần xác nhận văn bản hiện hành)",
        "description": "Sở Công Thương lập, Giám đốc Sở (hoặc người được ủy quyền) ký gửi Cục; Cục xem xét, chấp "
        "nhận hoặc trả lại.",
        "sort_order": 1,
        "sections": [
            narrative("tinh_hinh_chung", "Tình hình chung",
                      "Bối cảnh, công tác chỉ đạo, điều hành, phổ biến chính sách khuyến công trong kỳ."),
            table("ket_qua_noi_dung", "results_by_content", "Kết quả thực hiện theo nội dung hoạt động khuyến công"),
            table("kinh_phi_nguon", "funds_by_source", "Kinh phí theo nguồn: dự toán, giải ngân, quyết toán"),
            table("trang_thai_de_an", "status_summary", "Đề án theo trạng thái thực hiện"),
            table("danh_sach_de_an", "project_list", "Danh sách đề án và tình trạng thực hiện"),
            table("chi_tieu", "indicators", "Chỉ tiêu thực hiện so với mục tiêu"),
            narrative("danh_gia", "Đánh giá chung: kết quả đạt được, tồn tại, hạn chế và nguyên nhân",
                      "Những việc làm được, chưa làm được so với kế hoạch; nguyên nhân."),
            narrative("kien_nghi", "Khó khăn, vướng mắc và kiến nghị, đề xuất",
                      "Kiến nghị với Bộ Công Thương, Cục và Ủy ban nhân dân tỉnh."),
            narrative("nhiem_vu", "Nhiệm vụ, giải pháp kỳ tới", "Nhiệm vụ trọng tâm và giải pháp của kỳ tới."),
        ],
    },
    {
        "code": NATIONAL,
        "document_type": "BÁO CÁO",
        "title": "Tổng hợp tình hình thực hiện công tác khuyến công toàn quốc",
        "level": "national",
        "period_types": ["quarter", "half", "year"],
        "symbol": "BC-ĐMST",
        "money_unit": "trieu",
        "signer_title": "CỤC TRƯỞNG",
        "recipients": "Bộ trưởng (để báo cáo);\nThứ trưởng phụ trách (để báo cáo);\nSở Công Thương các tỉnh, thành "
        "phố;\nLưu: VT.",
        "citation": "Nghị định 45/2012/NĐ-CP (sửa đổi bởi Nghị định 235/2025/NĐ-CP) về khuyến công; ký hiệu văn bản "
        "của Cục cần xác nhận",
        "description": "Cục tổng hợp từ số liệu của tất cả các tỉnh; Lãnh đạo Cục ký ban hành.",
        "sort_order": 2,
        "sections": [
            narrative("tong_quan", "Tình hình chung",
                      "Kết quả chung của cả nước, công tác chỉ đạo, hướng dẫn của Bộ, Cục trong kỳ."),
            table("theo_tinh", "provinces", "Tổng hợp theo tỉnh, thành phố", report_status=PERIODIC),
            table("kinh_phi_nguon", "funds_by_source", "Kinh phí theo nguồn: dự toán, giải ngân, quyết toán"),
            table("ket_qua_noi_dung", "results_by_content", "Kết quả thực hiện theo nội dung hoạt động khuyến công"),
            table("trang_thai_de_an", "status_summary", "Đề án theo trạng thái thực hiện"),
            table("chi_tieu", "indicators", "Chỉ tiêu thực hiện so với mục tiêu của chương trình"),
            table("bao_cao_tinh", "report_status", "Tình hình gửi báo cáo định kỳ của các tỉnh", definition=PERIODIC),
            narrative("danh_gia", "Đánh giá chung", "Kết quả nổi bật, tồn tại, hạn chế và nguyên nhân."),
            narrative("kien_nghi", "Kiến nghị, đề xuất", "Kiến nghị với Lãnh đạo Bộ; nhiệm vụ kỳ tới."),
        ],
    },
    {
        "code": PROJECTS,
        "document_type": "BIỂU TỔNG HỢP",
        "title": "Danh sách đề án khuyến công, kinh phí theo nội dung và nguồn vốn",
        "level": "any",
        "period_types": ["year", "adhoc"],
        "symbol": "",
        "money_unit": "trieu",
        "signer_title": "THỦ TRƯỞNG ĐƠN VỊ",
        "recipients": "Lưu: VT.",
        "citation": "",
        "description": "Đề án đã phê duyệt của các năm kế hoạch trong kỳ, cộng theo nội dung và nguồn vốn.",
        "sort_order": 3,
        "sections": [table("de_an_kinh_phi", "project_funds", "Đề án và kinh phí theo nội dung, nguồn vốn")],
    },
    {
        "code": REGISTER,
        "document_type": "SỔ THEO DÕI",
        "title": "Giải ngân kinh phí khuyến công",
        "level": "any",
        "period_types": ["quarter", "half", "year", "adhoc"],
        "symbol": "",
        "money_unit": "dong",
        "signer_title": "KẾ TOÁN TRƯỞNG",
        "recipients": "Lưu: VT, Kế toán.",
        "citation": "",
        "description": "Tạm ứng, thanh toán, hoàn trả và quyết toán đã duyệt, theo ngày chứng từ trong kỳ.",
        "sort_order": 4,
        "sections": [table("so_giai_ngan", "disbursements", "Sổ theo dõi giải ngân theo nguồn kinh phí")],
    },
]

CONFIRM = "Số ngày là số liệu mẫu, cần xác nhận với văn bản hiện hành."
RULES = [
    (PERIODIC, "quarter", 15, "Báo cáo định kỳ hằng quý của Sở Công Thương về khuyến công (quy định năm 2014)"),
    (PERIODIC, "half", 15, "Báo cáo sơ kết 6 tháng công tác khuyến công"),
    (PERIODIC, "year", 15, "Báo cáo tổng kết năm công tác khuyến công"),
]


def load(apps, schema_editor):
    Definition = apps.get_model("reports", "ReportDefinition")
    Rule = apps.get_model("reports", "ReportPeriodRule")
    for data in DEFINITIONS:
        Definition.objects.get_or_create(code=data["code"], defaults={k: v for k, v in data.items() if k != "code"})
    for code, period_type, days, citation in RULES:
        definition = Definition.objects.get(code=code)
        Rule.objects.get_or_create(
            definition=definition, period_type=period_type, valid_from=dt.date(2014, 1, 1),
            defaults={"due_days": days, "citation": citation, "note": CONFIRM},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
