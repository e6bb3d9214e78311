"""Vietnamese vocabulary of the generator: crafts and their products by region, names of people and places.

A craft is what an establishment does, named the way its sign reads ("Chế biến hạt điều", "Mây tre đan"): it
gives the VSIC division, the product group of CNNT voting, the products and the words a search finds
("ca phe" finds "Cà phê"). Regions weight the crafts: cashew in Bình Phước and Đồng Nai, coconut in Bến Tre
and Trà Vinh, coffee in the Central Highlands and Lâm Đồng, rice in the Mekong delta, sewing and rattan around
Hà Nội. Region keys are folded names of the provinces *before* 2025 (the place a craft village grew in).
"""

from __future__ import annotations

from dataclasses import dataclass

from khuyencong.registry.models import ProductGroup

HANDICRAFT, FOOD, MACHINERY, OTHER = (
    ProductGroup.HANDICRAFT,
    ProductGroup.FOOD,
    ProductGroup.MACHINERY,
    ProductGroup.OTHER,
)


@dataclass(frozen=True)
class Craft:
    code: str
    label: str  # after the legal form: "Hợp tác xã Mây tre đan …", "Công ty TNHH Chế biến hạt điều …"
    short: str  # after "Hộ kinh doanh" / "Cơ sở": "Hộ kinh doanh Cà phê …"
    vsic: str  # VSIC 2018 division (level 2)
    group: str  # ProductGroup
    products: tuple[str, ...]
    village: str = ""  # "Làng nghề {village} {place}" when the establishment sits in a craft village


CRAFTS: dict[str, Craft] = {
    craft.code: craft
    for craft in (
        Craft("hat_dieu", "Chế biến hạt điều", "Hạt điều", "10", FOOD,
              ("Nhân hạt điều rang muối", "Hạt điều vỡ", "Hạt điều tỏi ớt", "Bánh hạt điều"), "chế biến hạt điều"),
        Craft("dua", "Chế biến dừa", "Dừa", "10", FOOD,
              ("Kẹo dừa", "Dầu dừa tinh khiết", "Mứt dừa", "Thạch dừa", "Chỉ xơ dừa"), "kẹo dừa"),
        Craft("thu_cong_dua", "Thủ công mỹ nghệ dừa", "Hàng dừa", "32", HANDICRAFT,
              ("Chén gáo dừa", "Túi đan lá dừa", "Thảm xơ dừa"), "thủ công mỹ nghệ dừa"),
        Craft("ca_phe", "Chế biến cà phê", "Cà phê", "10", FOOD,
              ("Cà phê rang xay", "Cà phê hòa tan", "Cà phê nhân xanh", "Cà phê chồn"), "cà phê"),
        Craft("gao", "Xay xát lúa gạo", "Gạo", "10", FOOD,
              ("Gạo thơm", "Gạo lứt", "Bún khô", "Bánh tráng gạo"), "bánh tráng"),
        Craft("che", "Chế biến chè", "Chè", "10", FOOD,
              ("Chè búp khô", "Trà xanh", "Trà shan tuyết"), "chè"),
        Craft("may_tre", "Mây tre đan", "Mây tre đan", "16", HANDICRAFT,
              ("Giỏ mây đan", "Đèn tre", "Khay tre", "Bàn ghế mây"), "mây tre đan"),
        Craft("go", "Chế biến gỗ mỹ nghệ", "Đồ gỗ", "16", HANDICRAFT,
              ("Tượng gỗ", "Tủ gỗ chạm khắc", "Bàn ghế gỗ", "Tranh gỗ"), "mộc"),
        Craft("gom", "Gốm sứ", "Gốm", "23", HANDICRAFT,
              ("Bình gốm men lam", "Bộ ấm chén", "Lọ hoa gốm", "Gạch gốm trang trí"), "gốm"),
        Craft("det", "Dệt thổ cẩm", "Dệt thổ cẩm", "13", HANDICRAFT,
              ("Khăn thổ cẩm", "Túi thổ cẩm", "Vải dệt tay"), "dệt thổ cẩm"),
        Craft("lua", "Dệt lụa tơ tằm", "Lụa", "13", HANDICRAFT,
              ("Khăn lụa tơ tằm", "Áo dài lụa", "Tơ tằm"), "lụa"),
        Craft("may_mac", "May mặc", "May mặc", "14", OTHER,
              ("Áo sơ mi", "Quần âu", "Đồng phục", "Áo khoác"), ""),
        Craft("theu", "Thêu ren", "Thêu", "13", HANDICRAFT,
              ("Tranh thêu tay", "Khăn trải bàn thêu", "Gối thêu"), "thêu ren"),
        Craft("co_khi", "Cơ khí nông nghiệp", "Cơ khí", "28", MACHINERY,
              ("Máy xay xát mini", "Máy tuốt lúa", "Máy ép dầu", "Máy sấy nông sản"), "cơ khí"),
        Craft("ren", "Rèn đúc kim loại", "Rèn", "25", MACHINERY,
              ("Dao, kéo rèn thủ công", "Nông cụ cầm tay", "Đồ đồng mỹ nghệ"), "rèn"),
        Craft("nuoc_mam", "Chế biến nước mắm", "Nước mắm", "10", FOOD,
              ("Nước mắm cá cơm", "Mắm tôm", "Mắm ruốc"), "nước mắm"),
        Craft("thuy_san", "Chế biến thủy sản", "Hải sản khô", "10", FOOD,
              ("Mực khô", "Tôm khô", "Cá khô", "Chả cá"), "chế biến hải sản"),
        Craft("banh_keo", "Sản xuất bánh kẹo", "Bánh kẹo", "10", FOOD,
              ("Bánh pía", "Bánh đậu xanh", "Kẹo lạc", "Bánh cốm"), "bánh kẹo"),
        Craft("ruou", "Nấu rượu truyền thống", "Rượu", "11", FOOD,
              ("Rượu nếp cái hoa vàng", "Rượu ngô men lá", "Rượu cần"), "nấu rượu"),
        Craft("non_la", "Nón lá", "Nón lá", "32", HANDICRAFT,
              ("Nón lá bài thơ", "Nón lá trang trí"), "nón lá"),
        Craft("son_mai", "Sơn mài", "Sơn mài", "32", HANDICRAFT,
              ("Tranh sơn mài", "Hộp sơn mài", "Bình sơn mài"), "sơn mài"),
        Craft("duoc_lieu", "Chế biến dược liệu", "Dược liệu", "21", FOOD,
              ("Cao atiso", "Trà thảo dược", "Tinh dầu quế", "Tinh dầu sả"), "dược liệu"),
        Craft("trai_cay", "Chế biến trái cây", "Trái cây sấy", "10", FOOD,
              ("Long nhãn sấy", "Xoài sấy dẻo", "Chuối sấy", "Vải sấy"), ""),
        Craft("go_xay_dung", "Sản xuất vật liệu xây dựng", "Gạch", "23", OTHER,
              ("Gạch nung", "Gạch không nung", "Ngói"), ""),
        Craft("in_bao_bi", "In ấn bao bì", "Bao bì", "17", OTHER,
              ("Hộp giấy", "Túi giấy kraft", "Nhãn mác"), ""),
    )
}  # fmt: skip

# Crafts common everywhere, with weights.
COMMON = {"may_mac": 6, "co_khi": 5, "go": 4, "banh_keo": 4, "gao": 3, "go_xay_dung": 3, "ren": 2, "in_bao_bi": 2,
          "may_tre": 2, "ruou": 2, "trai_cay": 2}  # fmt: skip

# Extra weights of crafts by pre-2025 province (folded name): where the source articles put them and where
# they are known to be strong.
REGIONAL: dict[str, dict[str, int]] = {
    "ha noi": {"may_tre": 14, "gom": 10, "lua": 8, "go": 8, "son_mai": 5, "theu": 6, "non_la": 3},
    "bac ninh": {"go": 16, "ren": 8, "gom": 4},
    "hung yen": {"trai_cay": 10, "may_mac": 14, "ren": 4},
    "thai binh": {"theu": 12, "gao": 8, "may_mac": 6},
    "nam dinh": {"theu": 10, "gao": 6, "go": 6},
    "ha nam": {"theu": 8, "ren": 6, "may_mac": 6},
    "ninh binh": {"theu": 8, "go": 6},
    "thanh hoa": {"may_tre": 10, "go": 8, "nuoc_mam": 4},
    "nghe an": {"nuoc_mam": 8, "che": 6, "banh_keo": 4},
    "ha tinh": {"nuoc_mam": 6, "banh_keo": 4},
    "thai nguyen": {"che": 20},
    "phu tho": {"che": 14, "non_la": 4},
    "yen bai": {"che": 12, "duoc_lieu": 6},
    "ha giang": {"che": 12, "det": 8, "ruou": 6},
    "lao cai": {"det": 10, "duoc_lieu": 8, "ruou": 6},
    "son la": {"ca_phe": 8, "che": 8, "det": 6},
    "dien bien": {"det": 8, "gao": 6},
    "lai chau": {"det": 8, "che": 6},
    "cao bang": {"det": 6, "ren": 6},
    "lang son": {"duoc_lieu": 8, "ruou": 4},
    "bac giang": {"trai_cay": 12, "ruou": 4},
    "hai duong": {"trai_cay": 10, "banh_keo": 8, "gom": 4},
    "thua thien hue": {"non_la": 12, "banh_keo": 6, "theu": 4},
    "quang nam": {"go": 8, "det": 4, "duoc_lieu": 4},
    "quang ngai": {"thuy_san": 6, "banh_keo": 6},
    "binh dinh": {"gao": 8, "non_la": 6, "ruou": 4},
    "phu yen": {"thuy_san": 8},
    "khanh hoa": {"thuy_san": 10, "nuoc_mam": 6},
    "ninh thuan": {"gom": 8, "trai_cay": 6},
    "binh thuan": {"nuoc_mam": 16, "thuy_san": 8},
    "dak lak": {"ca_phe": 24},
    "dak nong": {"ca_phe": 20},
    "lam dong": {"ca_phe": 20, "che": 8, "duoc_lieu": 10},
    "gia lai": {"ca_phe": 16, "det": 4},
    "kon tum": {"ca_phe": 10, "duoc_lieu": 6},
    "binh phuoc": {"hat_dieu": 30},
    "dong nai": {"hat_dieu": 14, "gom": 6, "go": 6},
    "binh duong": {"gom": 8, "son_mai": 8, "go": 6},
    "tay ninh": {"banh_keo": 6, "gao": 6},
    "ho chi minh": {"may_mac": 14, "in_bao_bi": 6, "co_khi": 6},
    "long an": {"gao": 12},
    "tien giang": {"trai_cay": 10, "gao": 8},
    "ben tre": {"dua": 26, "thu_cong_dua": 12},
    "tra vinh": {"dua": 14, "thu_cong_dua": 6},
    "vinh long": {"gom": 10, "gao": 6, "trai_cay": 6},
    "dong thap": {"gao": 14, "non_la": 4},
    "an giang": {"gao": 20, "det": 4, "banh_keo": 4},
    "kien giang": {"nuoc_mam": 14, "gao": 10},
    "can tho": {"gao": 10, "banh_keo": 4},
    "hau giang": {"gao": 10},
    "soc trang": {"banh_keo": 12, "gao": 8},
    "bac lieu": {"thuy_san": 8, "gao": 6},
    "ca mau": {"thuy_san": 14},
}

FAMILY_NAMES = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4), ("Vũ", 4),
    ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1),
    ("Trịnh", 1), ("Mai", 1), ("Tô", 1),
)  # fmt: skip
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Ngọc", "Xuân", "Đình")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Phương")
GIVEN_MALE = ("Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Sơn", "Long", "Phúc", "Thắng", "Bình", "Cường", "Tài",
              "Khoa", "Trung", "Hiếu", "Lộc", "Quý", "Toàn", "Vinh", "Đạt")  # fmt: skip
GIVEN_FEMALE = ("Lan", "Hương", "Mai", "Hoa", "Hạnh", "Thảo", "Nga", "Yến", "Trang", "Linh", "Nhung", "Loan",
                "Hằng", "Oanh", "Thủy", "Vân", "Đào", "Xuân", "Ngân", "Tuyết")  # fmt: skip
BRANDS = ("Phú Thịnh", "An Phát", "Hưng Thịnh", "Thành Công", "Phúc An", "Tân Tiến", "Đại Phát", "Minh Long",
          "Việt Hưng", "Hoàng Gia", "Sao Mai", "Trường Thành", "Kim Ngân", "Bình An", "Đồng Tâm", "Quê Hương",
          "Thiên Phú", "Hợp Nhất", "Nam Việt", "Xanh", "Hồng Phát", "Tâm Đức", "Vạn Lộc", "Song Long")  # fmt: skip
TITLES = ("Giám đốc", "Chủ nhiệm", "Chủ hộ", "Tổ trưởng", "Giám đốc", "Chủ cơ sở")
STREET_WORDS = ("Thôn", "Xóm", "Ấp", "Tổ dân phố", "Khu phố", "Bản")

# Content items (programmes reference data) and how generated projects use them: the project title's
# wording, whether it has beneficiaries and the state support per beneficiary unit (đồng, within the
# 2014 caps so that the dated norms never block the generated dossiers).
M = 1_000_000
ITEM_PLANS: dict[str, tuple[str, bool, int, int]] = {
    # code: (title start, with beneficiaries, min support, max support)
    "may_moc_tien_tien": ("Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến", True, 40 * M, 190 * M),
    "day_chuyen_cong_nghe": ("Hỗ trợ ứng dụng dây chuyền công nghệ tiên tiến", True, 80 * M, 195 * M),
    "mo_hinh_trinh_dien": ("Xây dựng mô hình trình diễn kỹ thuật", True, 150 * M, 480 * M),
    "nhan_rong_mo_hinh": ("Nhân rộng mô hình trình diễn kỹ thuật", True, 40 * M, 95 * M),
    "xlon_co_so": ("Hỗ trợ sửa chữa, nâng cấp hệ thống xử lý ô nhiễm", True, 60 * M, 290 * M),
    "nhan_hieu": ("Hỗ trợ xây dựng, đăng ký nhãn hiệu", True, 15 * M, 34 * M),
    "tu_van": ("Tư vấn thiết kế mẫu mã, bao bì", True, 10 * M, 34 * M),
    "danh_gia_sxsh": ("Đánh giá sản xuất sạch hơn", True, 20 * M, 80 * M),
    "thi_diem_sxsh": ("Mô hình thí điểm sản xuất sạch hơn", True, 80 * M, 250 * M),
    "chuyen_doi_so": ("Hỗ trợ chuyển đổi số", True, 20 * M, 120 * M),
    "dao_tao_nghe": ("Đào tạo nghề, truyền nghề", False, 150 * M, 900 * M),
    "nang_luc_quan_ly": ("Đào tạo nâng cao năng lực quản lý", False, 100 * M, 400 * M),
    "hoi_cho_trien_lam": ("Tổ chức hội chợ triển lãm hàng công nghiệp nông thôn", False, 300 * M, 1500 * M),
    "binh_chon_san_pham": ("Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu", False, 100 * M, 600 * M),
    "truyen_thong": ("Thông tin, tuyên truyền về khuyến công", False, 50 * M, 300 * M),
    "cum_lien_ket": ("Hỗ trợ hình thành cụm liên kết ngành", False, 60 * M, 145 * M),
    "quy_hoach_ccn": ("Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp", False, 200 * M, 490 * M),
    "xlon_ccn": ("Hỗ trợ nâng cấp hệ thống xử lý nước thải cụm công nghiệp", False, 600 * M, 1490 * M),
    "nang_luc_khuyen_cong": ("Nâng cao năng lực cán bộ khuyến công", False, 80 * M, 300 * M),
}
# Items that need a counterpart budget line (their norm caps the state share of the cost).
COUNTERPART_SHARE_ITEMS = frozenset(
    {"may_moc_tien_tien", "day_chuyen_cong_nghe", "mo_hinh_trinh_dien", "nhan_rong_mo_hinh", "xlon_co_so",
     "nhan_hieu", "tu_van", "cum_lien_ket", "quy_hoach_ccn", "xlon_ccn", "hoi_cho_trien_lam"}
)  # fmt: skip
# Items of the NĐ 235/2025 groups exist only from 15/10/2025: used by projects of 2026 and later.
NEW_ITEMS = frozenset({"chuyen_doi_so", "nghe_nhan", "san_xuat_ben_vung"})
