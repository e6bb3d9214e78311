"""Hand-kept reference tables used by ``build_units.py``.

Everything here is typed data with its source named beside it; ``build_units.py`` validates it
(counts, code ranges, every key it points at) before writing anything. See docs/data-sources.md.

Codes are the GSO / QĐ 19/2025/QĐ-TTg codes: legacy provinces by their pre-2025 code, current
(2025) provinces by their 2025 code. The two code lists overlap but do not mean the same thing
(e.g. 52 is Bình Định before 2025 and Gia Lai after), which is why the generated files use
``<era>:<level>:<code>`` keys.
"""

# ---------------------------------------------------------------------------------------------
# VSIC 2018 (QĐ 27/2018/QĐ-TTg, Phụ lục I): level 1 (21 sections A–U) and level 2 (88 divisions).
# Names typed from two public listings of VSIC 2018 that agree word for word on all 88 divisions
# (an SQL seed table NGANHNGHE_KINHTE_CAP01/02 and a JavaScript seed "industry.dummy.cjs"), then
# checked against the level-3 names of the same listings. Sentence case; the gazette prints level 1
# in capitals. Tone-mark placement (hoá/hóa, thuỷ/thủy) is kept as the listings have it: search
# folds diacritics anyway. Two division names differ between public copies (72, 84): see docs.
# ---------------------------------------------------------------------------------------------
VSIC_SECTIONS: list[tuple[str, str]] = [
    ("A", "Nông nghiệp, lâm nghiệp và thuỷ sản"),
    ("B", "Khai khoáng"),
    ("C", "Công nghiệp chế biến, chế tạo"),
    ("D", "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hoà không khí"),
    ("E", "Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải"),
    ("F", "Xây dựng"),
    ("G", "Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác"),
    ("H", "Vận tải kho bãi"),
    ("I", "Dịch vụ lưu trú và ăn uống"),
    ("J", "Thông tin và truyền thông"),
    ("K", "Hoạt động tài chính, ngân hàng và bảo hiểm"),
    ("L", "Hoạt động kinh doanh bất động sản"),
    ("M", "Hoạt động chuyên môn, khoa học và công nghệ"),
    ("N", "Hoạt động hành chính và dịch vụ hỗ trợ"),
    (
        "O",
        "Hoạt động của Đảng Cộng sản, tổ chức chính trị - xã hội, quản lý nhà nước, an ninh quốc phòng; "
        "bảo đảm xã hội bắt buộc",
    ),
    ("P", "Giáo dục và đào tạo"),
    ("Q", "Y tế và hoạt động trợ giúp xã hội"),
    ("R", "Nghệ thuật, vui chơi và giải trí"),
    ("S", "Hoạt động dịch vụ khác"),
    (
        "T",
        "Hoạt động làm thuê các công việc trong các hộ gia đình, sản xuất sản phẩm vật chất và dịch vụ tự "
        "tiêu dùng của hộ gia đình",
    ),
    ("U", "Hoạt động của các tổ chức và cơ quan quốc tế"),
]

# Which division codes belong to which section (the VSIC/ISIC rev.4 ranges).
VSIC_SECTION_RANGES: dict[str, tuple[int, int]] = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}

VSIC_DIVISIONS: list[tuple[str, str]] = [
    ("01", "Nông nghiệp và hoạt động dịch vụ có liên quan"),
    ("02", "Lâm nghiệp và hoạt động dịch vụ có liên quan"),
    ("03", "Khai thác, nuôi trồng thủy sản"),
    ("05", "Khai thác than cứng và than non"),
    ("06", "Khai thác dầu thô và khí đốt tự nhiên"),
    ("07", "Khai thác quặng kim loại"),
    ("08", "Khai khoáng khác"),
    ("09", "Hoạt động dịch vụ hỗ trợ khai khoáng"),
    ("10", "Sản xuất, chế biến thực phẩm"),
    ("11", "Sản xuất đồ uống"),
    ("12", "Sản xuất sản phẩm thuốc lá"),
    ("13", "Dệt"),
    ("14", "Sản xuất trang phục"),
    ("15", "Sản xuất da và các sản phẩm có liên quan"),
    (
        "16",
        "Chế biến gỗ và sản xuất sản phẩm từ gỗ, tre, nứa (trừ giường, tủ, bàn, ghế); "
        "sản xuất sản phẩm từ rơm, rạ và vật liệu tết bện",
    ),
    ("17", "Sản xuất giấy và sản phẩm từ giấy"),
    ("18", "In, sao chép bản ghi các loại"),
    ("19", "Sản xuất than cốc, sản phẩm dầu mỏ tinh chế"),
    ("20", "Sản xuất hoá chất và sản phẩm hoá chất"),
    ("21", "Sản xuất thuốc, hoá dược và dược liệu"),
    ("22", "Sản xuất sản phẩm từ cao su và plastic"),
    ("23", "Sản xuất sản phẩm từ khoáng phi kim loại khác"),
    ("24", "Sản xuất kim loại"),
    ("25", "Sản xuất sản phẩm từ kim loại đúc sẵn (trừ máy móc, thiết bị)"),
    ("26", "Sản xuất sản phẩm điện tử, máy vi tính và sản phẩm quang học"),
    ("27", "Sản xuất thiết bị điện"),
    ("28", "Sản xuất máy móc, thiết bị chưa được phân vào đâu"),
    ("29", "Sản xuất ô tô và xe có động cơ khác"),
    ("30", "Sản xuất phương tiện vận tải khác"),
    ("31", "Sản xuất giường, tủ, bàn, ghế"),
    ("32", "Công nghiệp chế biến, chế tạo khác"),
    ("33", "Sửa chữa, bảo dưỡng và lắp đặt máy móc và thiết bị"),
    ("35", "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hoà không khí"),
    ("36", "Khai thác, xử lý và cung cấp nước"),
    ("37", "Thoát nước và xử lý nước thải"),
    ("38", "Hoạt động thu gom, xử lý và tiêu hủy rác thải; tái chế phế liệu"),
    ("39", "Xử lý ô nhiễm và hoạt động quản lý chất thải khác"),
    ("41", "Xây dựng nhà các loại"),
    ("42", "Xây dựng công trình kỹ thuật dân dụng"),
    ("43", "Hoạt động xây dựng chuyên dụng"),
    ("45", "Bán, sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác"),
    ("46", "Bán buôn (trừ ô tô, mô tô, xe máy và xe có động cơ khác)"),
    ("47", "Bán lẻ (trừ ô tô, mô tô, xe máy và xe có động cơ khác)"),
    ("49", "Vận tải đường sắt, đường bộ và vận tải đường ống"),
    ("50", "Vận tải đường thủy"),
    ("51", "Vận tải hàng không"),
    ("52", "Kho bãi và các hoạt động hỗ trợ cho vận tải"),
    ("53", "Bưu chính và chuyển phát"),
    ("55", "Dịch vụ lưu trú"),
    ("56", "Dịch vụ ăn uống"),
    ("58", "Hoạt động xuất bản"),
    ("59", "Hoạt động điện ảnh, sản xuất chương trình truyền hình, ghi âm và xuất bản âm nhạc"),
    ("60", "Hoạt động phát thanh, truyền hình"),
    ("61", "Viễn thông"),
    ("62", "Lập trình máy vi tính, dịch vụ tư vấn và các hoạt động khác liên quan đến máy vi tính"),
    ("63", "Hoạt động dịch vụ thông tin"),
    ("64", "Hoạt động dịch vụ tài chính (trừ bảo hiểm và bảo hiểm xã hội)"),
    ("65", "Bảo hiểm, tái bảo hiểm và bảo hiểm xã hội (trừ bảo đảm xã hội bắt buộc)"),
    ("66", "Hoạt động tài chính khác"),
    ("68", "Hoạt động kinh doanh bất động sản"),
    ("69", "Hoạt động pháp luật, kế toán và kiểm toán"),
    ("70", "Hoạt động của trụ sở văn phòng; hoạt động tư vấn quản lý"),
    ("71", "Hoạt động kiến trúc; kiểm tra và phân tích kỹ thuật"),
    ("72", "Nghiên cứu khoa học và phát triển công nghệ"),
    ("73", "Quảng cáo và nghiên cứu thị trường"),
    ("74", "Hoạt động chuyên môn, khoa học và công nghệ khác"),
    ("75", "Hoạt động thú y"),
    (
        "77",
        "Cho thuê máy móc, thiết bị (không kèm người điều khiển); cho thuê đồ dùng cá nhân và gia đình; "
        "cho thuê tài sản vô hình phi tài chính",
    ),
    ("78", "Hoạt động dịch vụ lao động và việc làm"),
    (
        "79",
        "Hoạt động của các đại lý du lịch, kinh doanh tua du lịch và các dịch vụ hỗ trợ, liên quan đến "
        "quảng bá và tổ chức tua du lịch",
    ),
    ("80", "Hoạt động điều tra bảo đảm an toàn"),
    ("81", "Hoạt động dịch vụ vệ sinh nhà cửa, công trình và cảnh quan"),
    ("82", "Hoạt động hành chính, hỗ trợ văn phòng và các hoạt động hỗ trợ kinh doanh khác"),
    (
        "84",
        "Hoạt động của Đảng Cộng sản, tổ chức chính trị - xã hội, quản lý nhà nước, an ninh quốc phòng, "
        "đối ngoại và bảo đảm xã hội bắt buộc",
    ),
    ("85", "Giáo dục và đào tạo"),
    ("86", "Hoạt động y tế"),
    ("87", "Hoạt động chăm sóc, điều dưỡng tập trung"),
    ("88", "Hoạt động trợ giúp xã hội không tập trung"),
    ("90", "Hoạt động sáng tác, nghệ thuật và giải trí"),
    ("91", "Hoạt động của thư viện, lưu trữ, bảo tàng và các hoạt động văn hóa khác"),
    ("92", "Hoạt động xổ số, cá cược và đánh bạc"),
    ("93", "Hoạt động thể thao, vui chơi và giải trí"),
    ("94", "Hoạt động của các hiệp hội, tổ chức khác"),
    ("95", "Sửa chữa máy vi tính, đồ dùng cá nhân và gia đình"),
    ("96", "Hoạt động dịch vụ phục vụ cá nhân khác"),
    ("97", "Hoạt động làm thuê công việc gia đình trong các hộ gia đình"),
    ("98", "Hoạt động sản xuất sản phẩm vật chất và dịch vụ tự tiêu dùng của hộ gia đình"),
    ("99", "Hoạt động của các tổ chức và cơ quan quốc tế"),
]

# ---------------------------------------------------------------------------------------------
# Regions. Each scheme lists region_code -> (name, legacy province codes, 2025 province codes).
# ---------------------------------------------------------------------------------------------

# Six socio-economic regions.
#  * legacy: Quy hoạch tổng thể quốc gia 2021–2030 (Nghị quyết 81/2023/QH15) and the six regional
#    plans approved by the Prime Minister in 2024 (14 + 11 + 14 + 5 + 6 + 13 = 63).
#  * 2025: Nghị quyết 306/NQ-CP (2025) adjusting the national master plan to the 34 provinces
#    (9 + 6 + 8 + 3 + 3 + 5 = 34). Three merged provinces are placed there differently from the
#    "region of the new capital" rule (Bắc Ninh, Gia Lai, Tây Ninh): the script prints both and
#    docs/data-sources.md explains the choice.
SOCIO_REGIONS: dict[str, tuple[str, str, str]] = {
    # code: (name, legacy province codes, 2025 province codes), codes separated by spaces
    "tdmnpb": (
        "Trung du và miền núi phía Bắc",
        "02 04 06 08 10 11 12 14 15 17 19 20 24 25",
        "04 08 11 12 14 15 19 20 25",
    ),
    "dbsh": (
        "Đồng bằng sông Hồng",
        "01 22 26 27 30 31 33 34 35 36 37",
        "01 22 24 31 33 37",
    ),
    "btb_dhmt": (
        "Bắc Trung Bộ và duyên hải miền Trung",
        "38 40 42 44 45 46 48 49 51 52 54 56 58 60",
        "38 40 42 44 46 48 51 56",
    ),
    "tay_nguyen": ("Tây Nguyên", "62 64 66 67 68", "52 66 68"),
    "dnb": ("Đông Nam Bộ", "70 72 74 75 77 79", "75 79 80"),
    "dbscl": (
        "Đồng bằng sông Cửu Long",
        "80 82 83 84 86 87 89 91 92 93 94 95 96",
        "82 86 91 92 96",
    ),
}

# Three regions of the regional round of product voting (Thông tư 26/2014/TT-BCT, amended by
# Thông tư 14/2018/TT-BCT): the North from Hà Tĩnh northwards, the Centre and Highlands from
# Quảng Bình to Ninh Thuận plus the five Highland provinces, the South from Bình Thuận southwards
# (28 + 15 + 20 = 63; see docs for the corroborating sources). No post-2025 division has been
# published that we know of: 2025 provinces are assigned by the region of the legacy province that
# hosts the new provincial capital (computed in build_units.py, not typed here).
VOTING_REGIONS: dict[str, tuple[str, str]] = {
    # code: (name, legacy province codes), codes separated by spaces
    "bac": ("Miền Bắc", "01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42"),
    "trung_tay_nguyen": ("Miền Trung và Tây Nguyên", "44 45 46 48 49 51 52 54 56 58 62 64 66 67 68"),
    "nam": ("Miền Nam", "60 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96"),
}

# ---------------------------------------------------------------------------------------------
# Province-name aliases that simple diacritic/case folding (khuyencong.core.vietnamese.fold_vi:
# NFC, drop marks, đ→d, casefold, collapse spaces) does NOT catch: abbreviations, spellings with
# c for k, words run together, old names. Targets are (era, code). An alias whose fold equals the
# fold of its target's own name adds nothing and is rejected by the build.
# ---------------------------------------------------------------------------------------------
ALIASES: list[tuple[str, list[tuple[str, str]]]] = [
    # Hồ Chí Minh (same code 79 before and after 2025)
    ("TP HCM", [("2025", "79"), ("legacy", "79")]),
    ("TP. HCM", [("2025", "79"), ("legacy", "79")]),
    ("TP.HCM", [("2025", "79"), ("legacy", "79")]),
    ("TPHCM", [("2025", "79"), ("legacy", "79")]),
    ("HCM", [("2025", "79"), ("legacy", "79")]),
    ("HCMC", [("2025", "79"), ("legacy", "79")]),
    ("Ho Chi Minh City", [("2025", "79"), ("legacy", "79")]),
    ("Hochiminh", [("2025", "79"), ("legacy", "79")]),
    ("Sài Gòn", [("2025", "79"), ("legacy", "79")]),
    ("Saigon", [("2025", "79"), ("legacy", "79")]),
    # Hà Nội
    ("HN", [("2025", "01"), ("legacy", "01")]),
    ("TP HN", [("2025", "01"), ("legacy", "01")]),
    ("TPHN", [("2025", "01"), ("legacy", "01")]),
    ("Hanoi", [("2025", "01"), ("legacy", "01")]),
    # other centrally-run cities written as one word
    ("Haiphong", [("2025", "31"), ("legacy", "31")]),
    ("Danang", [("2025", "48"), ("legacy", "48")]),
    ("Cantho", [("2025", "92"), ("legacy", "92")]),
    # Huế: Thừa Thiên Huế until 31/12/2024, Thành phố Huế since 01/01/2025 (code 46 throughout)
    ("Thừa Thiên Huế", [("2025", "46"), ("legacy", "46")]),
    ("Thừa Thiên - Huế", [("2025", "46"), ("legacy", "46")]),
    ("TT Huế", [("2025", "46"), ("legacy", "46")]),
    ("TT-Huế", [("2025", "46"), ("legacy", "46")]),
    ("TTH", [("2025", "46"), ("legacy", "46")]),
    # Đắk Lắk ("Đăk Lăk" / "Dak Lak" fold to the name itself and need no alias)
    ("Daklak", [("2025", "66"), ("legacy", "66")]),
    ("Đắc Lắc", [("2025", "66"), ("legacy", "66")]),
    ("Đắk Lắc", [("2025", "66"), ("legacy", "66")]),
    # Đắk Nông (legacy only; now part of Lâm Đồng)
    ("Đắc Nông", [("legacy", "67")]),
    ("Daknong", [("legacy", "67")]),
    # Kon Tum (legacy only; now part of Quảng Ngãi)
    ("Kontum", [("legacy", "62")]),
    # Bà Rịa - Vũng Tàu (legacy only; now part of Hồ Chí Minh)
    ("BR-VT", [("legacy", "77")]),
    ("BR - VT", [("legacy", "77")]),
    ("BRVT", [("legacy", "77")]),
    ("Bà Rịa Vũng Tàu", [("legacy", "77")]),
    ("Bà Rịa-Vũng Tàu", [("legacy", "77")]),
    # Bắc Kạn (legacy only; now part of Thái Nguyên) is very often written with C
    ("Bắc Cạn", [("legacy", "06")]),
]
