"""The indicator catalogue: the output indicators of the national programme 2021–2025 (seeded by programmes 0002,
here described: kind, source, aggregation, English name, citation), the establishments-supported indicator,
and the outcome indicators provinces report each year (no targets: none are set by a legal text we hold).

Every row is data an administrator can correct on the reference pages; rows already there are completed, never
overwritten where an administrator changed them (only empty fields are filled).
"""

from django.db import migrations

QD1881 = "Quyết định 1881/QĐ-TTg ngày 20/11/2020 (Chương trình khuyến công quốc gia 2021–2025)"
OUTCOME_CITATION = (
    "Chỉ tiêu kết quả theo dõi hiệu quả hoạt động khuyến công (NĐ 45/2012/NĐ-CP, Điều 16; danh mục và cách đo "
    "cần Cục xác nhận)"
)

OUTPUTS = {
    # code: English name
    "mo_hinh_trinh_dien": "Technical demonstration models, technology transfer",
    "may_moc_thiet_bi": "Advanced machines and equipment applied",
    "day_chuyen_cong_nghe": "Advanced technology lines applied",
    "danh_gia_sxsh": "Establishments assessed for cleaner production",
    "thi_diem_sxsh": "Establishments with a cleaner-production pilot model",
    "xlon_co_so": "Establishments supported to repair or upgrade pollution treatment",
    "xlon_ccn": "Industrial clusters supported to repair or upgrade pollution treatment",
    "nhan_hieu": "Establishments supported to build and register trademarks",
    "quy_hoach_ccn": "Industrial clusters supported with a detailed plan",
    "dao_tao_nghe": "Workers given vocational training",
    "cum_lien_ket": "Industry linkage clusters and value chains formed",
}

NEW = [
    # code, name, English, unit, kind, source, aggregation, by sex, by ethnic minority, max, description
    (
        "co_so_duoc_ho_tro", "Cơ sở CNNT được hỗ trợ (đề án đã nghiệm thu)", "Rural industrial establishments supported",
        "cơ sở", "output", "beneficiaries", "distinct_establishments", False, False, None,
        "Đếm mỗi cơ sở thụ hưởng một lần dù được nhiều đề án hỗ trợ; tính từ danh sách cơ sở thụ hưởng của các đề "
        "án đã nghiệm thu, không nhập tay.",
    ),
    (
        "viec_lam_moi", "Việc làm mới tạo ra tại cơ sở được hỗ trợ", "New jobs created at supported establishments",
        "người", "outcome", "manual", "sum", True, True, None, "",
    ),
    (
        "doanh_thu_tang_them", "Doanh thu tăng thêm của cơ sở được hỗ trợ",
        "Additional revenue of supported establishments", "triệu đồng", "outcome", "manual", "sum", False, False,
        None, "So với năm trước khi được hỗ trợ.",
    ),
    (
        "gia_tri_sx_tang_them", "Giá trị sản xuất công nghiệp tăng thêm của cơ sở được hỗ trợ",
        "Additional industrial output value of supported establishments", "triệu đồng", "outcome", "manual", "sum",
        False, False, None, "So với năm trước khi được hỗ trợ.",
    ),
    (
        "san_pham_moi", "Sản phẩm mới được sản xuất", "New products made", "sản phẩm", "outcome", "manual", "sum",
        False, False, None, "",
    ),
    (
        "thu_nhap_binh_quan", "Thu nhập bình quân của người lao động tại cơ sở được hỗ trợ",
        "Average income of workers at supported establishments", "triệu đồng/người/tháng", "outcome", "manual",
        "average", False, False, None, "Bình quân của các tỉnh báo cáo (không gia quyền).",
    ),
    (
        "ty_le_lao_dong_nu", "Tỷ lệ lao động nữ tại cơ sở được hỗ trợ",
        "Women's share of workers at supported establishments", "%", "outcome", "manual", "average", False, False,
        100, "Bình quân của các tỉnh báo cáo (không gia quyền).",
    ),
    (
        "may_moc_chuyen_giao", "Máy móc, thiết bị được chuyển giao và đưa vào sử dụng",
        "Machines and equipment transferred and in use", "máy", "outcome", "manual", "sum", False, False, None,
        "Đang vận hành tại thời điểm báo cáo; khác với chỉ tiêu đầu ra “máy móc, thiết bị” ghi khi nghiệm thu.",
    ),
    (
        "giam_o_nhiem", "Mức giảm chất thải, phát thải ô nhiễm tại cơ sở được hỗ trợ",
        "Reduction of waste and polluting emissions at supported establishments", "%", "outcome", "manual",
        "average", False, False, 100, "Bình quân của các tỉnh báo cáo (không gia quyền).",
    ),
    (
        "ccn_co_xlnt", "Cụm công nghiệp có hệ thống xử lý nước thải tập trung đang hoạt động",
        "Industrial clusters with a working central wastewater treatment system", "cụm", "outcome", "manual",
        "latest", False, False, None, "Số hiện có: lấy giá trị kỳ báo cáo gần nhất của mỗi tỉnh rồi cộng lại.",
    ),
]  # fmt: skip


def load(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Target = apps.get_model("indicators", "Target")
    for indicator in Indicator.objects.filter(code__in=OUTPUTS):
        indicator.name_en = indicator.name_en or OUTPUTS[indicator.code]
        indicator.citation = indicator.citation or QD1881
        indicator.save(update_fields=["name_en", "citation"])
    last = max(Indicator.objects.values_list("sort_order", flat=True), default=0)
    for offset, row in enumerate(NEW, start=1):
        code, name, name_en, unit, kind, source, aggregation, by_sex, by_ethnic, maximum, description = row
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "unit": unit, "kind": kind, "source": source,
                "aggregation": aggregation, "by_sex": by_sex, "by_ethnic_minority": by_ethnic, "max_value": maximum,
                "description": description, "citation": OUTCOME_CITATION if kind == "outcome" else "",
                "sort_order": last + offset,
            },
        )  # fmt: skip
    for target in Target.objects.filter(programme__code="ctkcqg-2021-2025", citation=""):
        target.citation = QD1881
        if target.indicator.code == "xlon_ccn" and not target.note:
            target.note = "Khoảng 60 cụm công nghiệp."
        target.save(update_fields=["citation", "note"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_catalogue_targets_reports_facts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
