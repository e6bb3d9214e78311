"""Demo establishments for `manage.py load_demo`: about thirty realistic cơ sở CNNT in seven provinces (the
products of the source articles: cashew, coconut, coffee, rice, rattan and bamboo, sewing…), each with
products, certificates and two years of figures, created through the services (audited as "Hệ thống").

Idempotent: an establishment already present (same tax code, or same name in the same province) is left as
it is. The tax codes are fictitious but valid (check digit), built from each province's tax-office prefix.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from khuyencong.core.taxcode import tax_code_check_digit
from khuyencong.geo.models import IndustryCode, Unit
from khuyencong.registry import services
from khuyencong.registry.models import Establishment

BILLION, MILLION = 10**9, 10**6

# province code, commune, name, legal form, tax-code prefix (or None), VSIC divisions, main products,
# products [(name, group)], certificates, figures for 2023 and 2024: (total, women, insured, revenue, capital,
# average monthly income). Certificates: (kind, level, stars, title, issuer, number, date).
DEMO = [
    ("01", "Phú Nghĩa", "Hợp tác xã Mây tre đan Phú Nghĩa", "hop_tac_xa", "01", ["16"], "Giỏ, đèn, khay mây tre đan",
     [("Giỏ mây đan thủ công", "thu_cong_my_nghe"), ("Đèn tre trang trí", "thu_cong_my_nghe")],
     [("cnnt", "tinh", None, "", "UBND Thành phố Hà Nội", "4512/QĐ-UBND", dt.date(2023, 9, 20)),
      ("ocop", "tinh", 4, "", "UBND Thành phố Hà Nội", "1210/QĐ-UBND", dt.date(2024, 3, 12))],
     [(45, 38, 9, 2_800 * MILLION, 1_900 * MILLION, 6_200_000),
      (52, 43, 10, 3_400 * MILLION, 2_100 * MILLION, 6_800_000)]),
    ("01", "Bát Tràng", "Công ty TNHH Gốm sứ Hưng Long Bát Tràng", "doanh_nghiep", "01", ["23"],
     "Bình, lọ, bộ ấm chén gốm men lam",
     [("Bình gốm men lam vẽ tay", "thu_cong_my_nghe")],
     [("ocop", "quoc_gia", 5, "", "Bộ Nông nghiệp và Môi trường", "2235/QĐ-BNNMT", dt.date(2024, 6, 18)),
      ("cnnt", "khu_vuc", None, "", "Bộ Công Thương", "1766/QĐ-BCT", dt.date(2023, 8, 2))],
     [(68, 30, 55, 24 * BILLION, 15 * BILLION, 8_500_000), (72, 31, 60, 27 * BILLION, 16 * BILLION, 9_000_000)]),
    ("01", "Hà Đông", "Hợp tác xã Lụa Vạn Phúc", "hop_tac_xa", "01", ["13"], "Khăn, áo dài lụa tơ tằm",
     [("Khăn lụa tơ tằm Vạn Phúc", "thu_cong_my_nghe")],
     [("ocop", "tinh", 4, "", "UBND Thành phố Hà Nội", "2310/QĐ-UBND", dt.date(2022, 11, 5)),
      ("trademark", "", None, "Nhãn hiệu tập thể Lụa Vạn Phúc", "Cục Sở hữu trí tuệ", "VN-4-0281234",
       dt.date(2019, 4, 22))],
     [(35, 28, 12, 6 * BILLION, 4 * BILLION, 7_000_000), (36, 29, 12, 6_500 * MILLION, 4 * BILLION, 7_200_000)]),
    ("01", "Dân Hòa", "Hộ kinh doanh Nón lá làng Chuông", "ho_kinh_doanh", None, ["32"], "Nón lá bài thơ",
     [("Nón lá làng Chuông", "thu_cong_my_nghe")], [],
     [(12, 10, 0, 850 * MILLION, 300 * MILLION, 5_000_000), (12, 10, 0, 900 * MILLION, 320 * MILLION, 5_200_000)]),
    ("01", "Chuyên Mỹ", "Nghệ nhân Nguyễn Văn Lợi", "nghe_nhan", None, ["32"], "Tranh khảm trai",
     [("Tranh khảm trai phong cảnh", "thu_cong_my_nghe")],
     [("cnnt", "tinh", None, "", "UBND Thành phố Hà Nội", "3320/QĐ-UBND", dt.date(2024, 10, 8))], []),
    ("01", "Bình Minh", "Công ty Cổ phần Cơ khí Thanh Oai", "doanh_nghiep", "01", ["28", "25"],
     "Máy ép dầu, máy xay xát mini",
     [("Máy ép dầu lạc công suất nhỏ", "co_khi")],
     [("quality", "", None, "ISO 9001:2015", "Trung tâm Chứng nhận Phù hợp QUACERT", "HT 5521.23",
       dt.date(2023, 5, 15))],
     [(85, 12, 78, 58 * BILLION, 25 * BILLION, 9_800_000), (90, 13, 82, 63 * BILLION, 26 * BILLION, 10_200_000)]),
    ("33", "Mỹ Hào", "Công ty TNHH May mặc Phố Hiến", "doanh_nghiep", "09", ["14"], "Áo sơ mi, quần âu xuất khẩu",
     [("Áo sơ mi nam xuất khẩu", "khac")],
     [("quality", "", None, "ISO 9001:2015", "Tổng cục Tiêu chuẩn Đo lường Chất lượng", "HT 3310.22",
       dt.date(2022, 7, 1))],
     [(190, 165, 160, 92 * BILLION, 48 * BILLION, 8_200_000), (205, 176, 172, 101 * BILLION, 52 * BILLION, 8_600_000)]),
    ("33", "Văn Giang", "Hộ kinh doanh May Văn Giang", "ho_kinh_doanh", None, ["14"], "Quần áo may sẵn",
     [("Đồng phục học sinh", "khac")], [],
     [(15, 13, 0, 1_600 * MILLION, 700 * MILLION, 5_800_000), (18, 16, 0, 1_900 * MILLION, 750 * MILLION, 6_000_000)]),
    ("33", "Khoái Châu", "Hợp tác xã Chế biến long nhãn Khoái Châu", "hop_tac_xa", "09", ["10"],
     "Long nhãn sấy, nhãn lồng sấy",
     [("Long nhãn sấy Hưng Yên", "che_bien_nong_lam_thuy_san")],
     [("ocop", "tinh", 3, "", "UBND tỉnh Hưng Yên", "1802/QĐ-UBND", dt.date(2024, 8, 30))],
     [(22, 17, 6, 2_100 * MILLION, 1_200 * MILLION, 5_500_000),
      (25, 19, 7, 2_600 * MILLION, 1_300 * MILLION, 5_900_000)]),
    ("33", "Mỹ Hào", "Hợp tác xã Tương Bần Yên Nhân", "hop_tac_xa", "09", ["10"], "Tương Bần",
     [("Tương Bần Hưng Yên", "che_bien_nong_lam_thuy_san")],
     [("cnnt", "tinh", None, "", "UBND tỉnh Hưng Yên", "2011/QĐ-UBND", dt.date(2023, 10, 10))],
     [(14, 11, 4, 900 * MILLION, 500 * MILLION, 5_000_000), (15, 11, 4, 980 * MILLION, 520 * MILLION, 5_200_000)]),
    ("75", "Bù Đăng", "Công ty TNHH Chế biến điều Bù Đăng", "doanh_nghiep", "38", ["10"], "Nhân điều xuất khẩu",
     [("Nhân điều trắng WW320", "che_bien_nong_lam_thuy_san"), ("Điều rang muối", "che_bien_nong_lam_thuy_san")],
     [("quality", "", None, "ISO 22000:2018", "Bureau Veritas Việt Nam", "VN-22000-0912", dt.date(2023, 3, 3)),
      ("ocop", "tinh", 4, "", "UBND tỉnh Bình Phước", "1550/QĐ-UBND", dt.date(2023, 7, 19))],
     [(160, 120, 128, 185 * BILLION, 70 * BILLION, 7_800_000),
      (170, 126, 134, 198 * BILLION, 74 * BILLION, 8_100_000)]),
    ("75", "Phú Riềng", "Hợp tác xã Điều Phú Riềng", "hop_tac_xa", "38", ["10"], "Hạt điều thô, nhân điều",
     [("Nhân điều sấy", "che_bien_nong_lam_thuy_san")],
     [("trademark", "", None, "Nhãn hiệu tập thể Điều Bình Phước", "Cục Sở hữu trí tuệ", "VN-4-0312345",
       dt.date(2021, 9, 14))],
     [(30, 18, 10, 9 * BILLION, 2_500 * MILLION, 6_500_000), (32, 19, 11, 11 * BILLION, 2_800 * MILLION, 6_700_000)]),
    ("75", "Lộc Ninh", "Hộ kinh doanh Điều rang muối Lộc Ninh", "ho_kinh_doanh", None, ["10"], "Điều rang muối",
     [("Điều rang muối vỏ lụa", "che_bien_nong_lam_thuy_san")], [],
     [(8, 6, 0, 1_200 * MILLION, 400 * MILLION, 5_200_000), (9, 6, 0, 1_350 * MILLION, 420 * MILLION, 5_400_000)]),
    ("75", "Đồng Phú", "Doanh nghiệp tư nhân Hạt điều Tân Phú", "doanh_nghiep", "38", ["10"], "Nhân điều",
     [("Nhân điều loại 1", "che_bien_nong_lam_thuy_san")], [],
     [(40, 28, 30, 35 * BILLION, 12 * BILLION, 7_000_000), (42, 29, 31, 38 * BILLION, 13 * BILLION, 7_200_000)]),
    ("86", "Bến Tre", "Công ty TNHH Kẹo dừa Thanh Long", "doanh_nghiep", "13", ["10"], "Kẹo dừa các vị",
     [("Kẹo dừa sầu riêng", "che_bien_nong_lam_thuy_san"), ("Kẹo dừa lá dứa", "che_bien_nong_lam_thuy_san")],
     [("ocop", "tinh", 4, "", "UBND tỉnh Bến Tre", "2101/QĐ-UBND", dt.date(2023, 11, 2)),
      ("quality", "", None, "HACCP", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3", "HACCP-3-221",
       dt.date(2022, 12, 20))],
     [(95, 80, 70, 42 * BILLION, 18 * BILLION, 6_900_000), (98, 82, 72, 45 * BILLION, 19 * BILLION, 7_100_000)]),
    ("86", "Giồng Trôm", "Hợp tác xã Thạch dừa Giồng Trôm", "hop_tac_xa", "13", ["10"], "Thạch dừa thô",
     [("Thạch dừa nguyên liệu", "che_bien_nong_lam_thuy_san")], [],
     [(20, 14, 6, 3_200 * MILLION, 1_500 * MILLION, 5_600_000),
      (22, 15, 7, 3_600 * MILLION, 1_600 * MILLION, 5_800_000)]),
    ("86", "Mỏ Cày", "Cơ sở Thủ công mỹ nghệ dừa Mỏ Cày", "ho_kinh_doanh", None, ["32"], "Đồ lưu niệm từ gáo dừa",
     [("Bộ chén gáo dừa", "thu_cong_my_nghe")],
     [("cnnt", "khu_vuc", None, "", "Bộ Công Thương", "2210/QĐ-BCT", dt.date(2024, 9, 9))],
     [(10, 7, 0, 700 * MILLION, 250 * MILLION, 5_000_000), (11, 8, 0, 780 * MILLION, 260 * MILLION, 5_100_000)]),
    ("86", "Chợ Lách", "Công ty Cổ phần Chỉ xơ dừa Chợ Lách", "doanh_nghiep", "13", ["13"], "Chỉ xơ dừa, thảm xơ dừa",
     [("Thảm xơ dừa", "khac")], [],
     [(60, 45, 52, 28 * BILLION, 11 * BILLION, 6_600_000), (61, 46, 53, 30 * BILLION, 11 * BILLION, 6_800_000)]),
    ("68", "Di Linh", "Công ty TNHH Cà phê Di Linh", "doanh_nghiep", "58", ["10"], "Cà phê rang xay, cà phê hòa tan",
     [("Cà phê Robusta rang mộc", "che_bien_nong_lam_thuy_san"),
      ("Cà phê hòa tan 3 trong 1", "che_bien_nong_lam_thuy_san")],
     [("ocop", "tinh", 4, "", "UBND tỉnh Lâm Đồng", "1203/QĐ-UBND", dt.date(2024, 5, 27)),
      ("quality", "", None, "4C (Common Code for the Coffee Community)", "4C Services", "4C-VN-0912",
       dt.date(2023, 2, 14))],
     [(48, 20, 40, 46 * BILLION, 16 * BILLION, 7_500_000), (55, 23, 46, 58 * BILLION, 19 * BILLION, 7_900_000)]),
    ("68", "Bảo Thuận", "Hợp tác xã Cà phê Bảo Thuận", "hop_tac_xa", "58", ["10"], "Cà phê nhân, cà phê bột",
     [("Cà phê bột Bảo Thuận", "che_bien_nong_lam_thuy_san")], [],
     [(25, 10, 8, 7 * BILLION, 2 * BILLION, 6_000_000), (27, 11, 9, 8_200 * MILLION, 2_200 * MILLION, 6_300_000)]),
    ("68", "Đức Trọng", "Hộ kinh doanh Cà phê chồn Đức Trọng", "ho_kinh_doanh", None, ["10"], "Cà phê chồn",
     [("Cà phê chồn rang xay", "che_bien_nong_lam_thuy_san")], [],
     [(6, 3, 0, 1_100 * MILLION, 600 * MILLION, 6_500_000), (6, 3, 0, 1_250 * MILLION, 600 * MILLION, 6_800_000)]),
    ("91", "Châu Phú", "Công ty TNHH Lương thực Châu Phú", "doanh_nghiep", "16", ["10"], "Gạo xát trắng, gạo thơm",
     [("Gạo thơm Jasmine", "che_bien_nong_lam_thuy_san")],
     [("cnnt", "tinh", None, "", "UBND tỉnh An Giang", "1917/QĐ-UBND", dt.date(2024, 9, 3))],
     [(70, 25, 58, 140 * BILLION, 40 * BILLION, 7_400_000), (74, 26, 61, 152 * BILLION, 43 * BILLION, 7_700_000)]),
    ("91", "Thoại Sơn", "Doanh nghiệp tư nhân Xay xát Thoại Sơn", "doanh_nghiep", "16", ["10"], "Gạo xay xát",
     [("Gạo trắng 5% tấm", "che_bien_nong_lam_thuy_san")], [],
     [(28, 8, 20, 48 * BILLION, 9 * BILLION, 6_800_000), (30, 9, 22, 52 * BILLION, 10 * BILLION, 7_000_000)]),
    ("91", "Châu Đốc", "Hợp tác xã Mắm Châu Đốc", "hop_tac_xa", "16", ["10"], "Mắm cá linh, mắm thái",
     [("Mắm thái đu đủ", "che_bien_nong_lam_thuy_san")],
     [("ocop", "tinh", 4, "", "UBND tỉnh An Giang", "2560/QĐ-UBND", dt.date(2023, 12, 12))],
     [(18, 15, 5, 4_500 * MILLION, 1_800 * MILLION, 6_200_000), (19, 16, 6, 5 * BILLION, 1_900 * MILLION, 6_400_000)]),
    ("91", "Tri Tôn", "Hợp tác xã Đường thốt nốt Tri Tôn", "hop_tac_xa", "16", ["10"], "Đường thốt nốt",
     [("Đường thốt nốt nguyên chất", "che_bien_nong_lam_thuy_san")],
     [("ocop", "tinh", 4, "", "UBND tỉnh An Giang", "2561/QĐ-UBND", dt.date(2023, 12, 12))],
     [(16, 9, 5, 2_400 * MILLION, 900 * MILLION, 5_700_000), (17, 10, 5, 2_700 * MILLION, 950 * MILLION, 5_900_000)]),
    ("91", "Châu Phong", "Cơ sở Dệt thổ cẩm Chăm Châu Phong", "ho_kinh_doanh", None, ["13"], "Khăn, xà rông thổ cẩm",
     [("Khăn thổ cẩm Chăm", "thu_cong_my_nghe")], [],
     [(9, 9, 0, 420 * MILLION, 150 * MILLION, 4_600_000), (10, 10, 0, 470 * MILLION, 160 * MILLION, 4_800_000)]),
    ("38", "Như Thanh", "Công ty TNHH Chế biến lâm sản Như Thanh", "doanh_nghiep", "28", ["16"], "Ván bóc, gỗ ghép",
     [("Ván ghép thanh keo", "khac")], [],
     [(110, 35, 95, 74 * BILLION, 30 * BILLION, 7_300_000), (118, 37, 101, 80 * BILLION, 32 * BILLION, 7_600_000)]),
    ("38", "Ngọc Lặc", "Hợp tác xã Mây tre đan xuất khẩu Ngọc Lặc", "hop_tac_xa", "28", ["16"],
     "Hàng mây tre xuất khẩu",
     [("Bộ khay tre xuất khẩu", "thu_cong_my_nghe")],
     [("cnnt", "tinh", None, "", "UBND tỉnh Thanh Hóa", "3018/QĐ-UBND", dt.date(2023, 9, 1))],
     [(40, 33, 8, 3 * BILLION, 1 * BILLION, 5_300_000), (44, 36, 9, 3_400 * MILLION, 1_100 * MILLION, 5_500_000)]),
    ("38", "Thọ Xuân", "Hộ kinh doanh Bánh gai Tứ Trụ", "ho_kinh_doanh", None, ["10"], "Bánh gai",
     [("Bánh gai Tứ Trụ", "che_bien_nong_lam_thuy_san")],
     [("ocop", "tinh", 3, "", "UBND tỉnh Thanh Hóa", "4120/QĐ-UBND", dt.date(2022, 10, 20))],
     [(7, 6, 0, 650 * MILLION, 200 * MILLION, 5_000_000), (8, 7, 0, 720 * MILLION, 210 * MILLION, 5_200_000)]),
    ("38", "Nga Sơn", "Công ty Cổ phần Chiếu cói Nga Sơn", "doanh_nghiep", "28", ["16"], "Chiếu cói, hàng cói mỹ nghệ",
     [("Chiếu cói Nga Sơn", "thu_cong_my_nghe")],
     [("trademark", "", None, "Nhãn hiệu tập thể Chiếu cói Nga Sơn", "Cục Sở hữu trí tuệ", "VN-4-0199876",
       dt.date(2016, 6, 6))],
     [(55, 48, 20, 9 * BILLION, 3 * BILLION, 5_400_000), (57, 50, 21, 9_500 * MILLION, 3 * BILLION, 5_600_000)]),
]  # fmt: skip


def demo_tax_code(prefix: str, number: int) -> str:
    """A valid 10-digit tax code starting with a province's prefix (fictitious, for demo data only)."""
    value = number * 7_919
    while True:
        first9 = f"{prefix}{value % 10**7:07d}"
        digit = tax_code_check_digit(first9)
        if digit is not None:
            return f"{first9}{digit}"
        value += 1


def load_demo_establishments() -> int:
    """Create the demo establishments that are missing; returns how many were created."""
    divisions = {code.code: code for code in IndustryCode.objects.filter(version="2018", level=2)}
    created = 0
    for number, (province_code, commune_name, name, form, prefix, vsic, products_text, products, certificates,
                 figures) in enumerate(DEMO, start=1):  # fmt: skip
        commune = Unit.objects.get(
            level="commune", valid_to__isnull=True, province__code=province_code, name=commune_name
        )
        tax_code = demo_tax_code(prefix, number) if prefix else None
        exists = (
            Establishment.objects.filter(tax_code=tax_code)
            if tax_code
            else Establishment.objects.filter(name=name, province_id=commune.province_id)
        )
        if exists.exists():
            continue
        with transaction.atomic():
            establishment = services.establishment_create(
                actor=None,
                confirm_similar=True,
                data={
                    "name": name,
                    "legal_form": form,
                    "tax_code": tax_code,
                    "commune": commune,
                    "address": f"{commune.type_prefix} {commune.name}",
                    "main_industry": divisions[vsic[0]],
                    "industries": [divisions[code] for code in vsic],
                    "main_products": products_text,
                    "year_founded": 1995 + number % 25,
                },
            )
            made = {}
            for product_name, group in products:
                made[product_name] = services.product_create(
                    actor=None, establishment_id=establishment.pk, data={"name": product_name, "group": group}
                )
            first_product = next(iter(made.values()), None)
            for kind, level, stars, title, issuer, decision_number, decision_date in certificates:
                services.certification_create(
                    actor=None,
                    establishment_id=establishment.pk,
                    data={"kind": kind, "level": level, "stars": stars, "title": title, "issuer": issuer,
                          "decision_number": decision_number, "decision_date": decision_date,
                          "product": first_product if kind in ("ocop", "cnnt") else None},
                )  # fmt: skip
            for year, values in zip((2023, 2024), figures, strict=False):
                total, women, insured, revenue, capital, income = values
                services.figures_save(
                    actor=None,
                    establishment_id=establishment.pk,
                    year=year,
                    data={"employees_total": total, "employees_women": women, "employees_insured": insured,
                          "revenue": revenue, "capital": capital, "average_income": income},
                )  # fmt: skip
        created += 1
    return created
