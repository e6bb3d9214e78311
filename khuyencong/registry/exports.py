"""Export of the filtered establishment list to Excel, streamed: openpyxl's write-only mode keeps memory flat,
the database is read in chunks, and the file goes to a temporary file (small lists) or, for large ones, to
private storage through a background job.

The column headers are the import template's, so an exported list can be corrected and imported back.
"""

from __future__ import annotations

from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from khuyencong.geo.models import IndustryCode

# Lists up to this size are written during the request; larger ones become a background job.
SYNC_LIMIT = 5000
COLUMNS = [
    ("STT", 6),
    ("Tên cơ sở", 40),
    ("Tên khác", 24),
    ("Loại hình", 16),
    ("Mã số thuế", 16),
    ("Số đăng ký kinh doanh", 18),
    ("Địa chỉ", 30),
    ("Xã/phường", 20),
    ("Tỉnh/thành phố", 18),
    ("Địa bàn theo tên cũ", 30),
    ("Làng nghề", 20),
    ("Mã ngành", 10),
    ("Ngành nghề", 30),
    ("Sản phẩm chính", 30),
    ("Người đại diện", 20),
    ("Điện thoại", 14),
    ("Email", 22),
    ("Năm thành lập", 10),
    ("Quy mô", 10),
    ("Năm số liệu quy mô", 10),
    ("Có chứng nhận còn hiệu lực", 12),
    ("Trạng thái", 14),
]


def _row(index: int, establishment) -> list:
    industries = list(establishment.industries.all())
    return [
        index,
        establishment.name,
        establishment.other_names.replace("\n", "; "),
        establishment.get_legal_form_display(),
        establishment.tax_code or "",
        establishment.business_reg_no,
        establishment.address,
        str(establishment.commune) if establishment.commune_id else "",
        str(establishment.province),
        establishment.commune_as_written,
        establishment.craft_village,
        ", ".join(industry.code for industry in industries),
        "; ".join(industry.name for industry in industries),
        establishment.main_products.replace("\n", "; "),
        establishment.representative,
        establishment.phone,
        establishment.email,
        establishment.year_founded,
        establishment.get_size_class_display() if establishment.size_class else "",
        establishment.size_year,
        "Có" if establishment.is_certified else "Không",
        establishment.get_status_display(),
    ]


def write_establishments(queryset, destination: Path, *, title: str, progress=None) -> int:
    """Write the queryset's establishments to `destination` (.xlsx); returns how many rows were written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cơ sở CNNT")
    for letter_index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + letter_index)].width = width
    bold = Font(bold=True)
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True, size=13)
    sheet.append([title_cell])
    sheet.append([f"Xuất ngày {timezone.localtime():%d/%m/%Y %H:%M}"])
    header = []
    for label, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    rows = queryset.prefetch_related(Prefetch("industries", queryset=IndustryCode.objects.order_by("code")))
    count = 0
    for count, establishment in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.append(_row(count, establishment))
        if progress and count % 2000 == 0:
            progress(count)
    workbook.save(destination)
    return count
