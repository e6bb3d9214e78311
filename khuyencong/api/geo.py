"""Administrative units, regions and VSIC: public reference data for every signed-in user (session or token).

Thin: every answer comes from `khuyencong.geo.selectors` / `overview`, the same reads as the pages.
"""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from khuyencong.core.errors import NotFound, ValidationFailed
from khuyencong.geo.models import RegionScheme, Unit, UnitLevel
from khuyencong.geo.overview import regions_list, units_list
from khuyencong.geo.selectors import (
    browse_date,
    current_province_of,
    industry_codes,
    regions_of,
    resolve_unit_candidates,
    roll_up,
    search_units,
    successions_from,
    successions_into,
    unit_by_key,
)

router = Router(tags=["Đơn vị hành chính và ngành kinh tế"])


class UnitRef(Schema):
    id: int
    key: str = Field(description="Khóa ổn định: `<thời kỳ>:<cấp>:<mã>`, ví dụ `2025:province:01`")
    code: str = Field(description="Mã theo danh mục nhà nước: tỉnh 2 chữ số, huyện 3, xã 5")
    name: str = Field(description="Tên, không kèm loại đơn vị")
    full_name: str = Field(description="Tên kèm loại đơn vị, ví dụ “Tỉnh Bến Tre”")
    level: str = Field(description="Cấp: province, district (trước 01/07/2025), commune")
    unit_type: str = Field(
        description="Loại: tinh, thanh_pho_tw, quan, huyen, thi_xa, thanh_pho_thuoc_tinh, phuong, xa, thi_tran, dac_khu"
    )
    valid_from: dt.date | None = Field(description="Hiệu lực từ ngày (trống: không rõ, đơn vị trước 2025)")
    valid_to: dt.date | None = Field(description="Hiệu lực đến ngày (trống: đang hiệu lực)")

    @staticmethod
    def resolve_full_name(unit: Unit) -> str:
        return str(unit)


class UnitOut(UnitRef):
    parent: UnitRef | None = Field(description="Đơn vị cấp trên")
    province_id: int | None = Field(description="Tỉnh chứa đơn vị (chính nó nếu là tỉnh)")


class SuccessionOut(Schema):
    unit: UnitRef = Field(description="Đơn vị ở đầu kia của liên kết")
    effective_date: dt.date = Field(description="Ngày thay đổi có hiệu lực")
    is_primary: bool = Field(description="Đơn vị kế thừa chính (số liệu cũ được cộng dồn vào đây)")
    note: str = Field(description="Ghi chú: sáp nhập, đổi tên, tách, …")


class RegionRef(Schema):
    scheme: str = Field(description="Cách chia vùng: voting (bình chọn sản phẩm CNNT) hoặc socio (kinh tế - xã hội)")
    code: str
    name: str


class UnitDetailOut(UnitOut):
    province: UnitRef | None = Field(description="Tỉnh chứa đơn vị")
    lat: float | None = Field(description="Vĩ độ tâm (gần đúng)")
    lon: float | None = Field(description="Kinh độ tâm (gần đúng)")
    regions: list[RegionRef] = Field(description="Vùng của tỉnh chứa đơn vị")
    predecessors: list[SuccessionOut] = Field(description="Các đơn vị trước đây đã hợp thành đơn vị này")
    successors: list[SuccessionOut] = Field(description="Các đơn vị mà đơn vị này đã chuyển thành")
    rolled_up: UnitRef = Field(description="Đơn vị hiện nay tương ứng (chính nó nếu đang hiệu lực)")


class ResolveOut(Schema):
    query: str
    as_of: dt.date = Field(description="Ngày dùng để nhận diện")
    status: str = Field(description="found: một đơn vị; ambiguous: trùng tên nhiều nơi; not_found: không nhận ra")
    unit: UnitOut | None = Field(
        description="Đơn vị nhận diện được (có thể là đơn vị cũ nếu không còn đơn vị cùng tên)"
    )
    rolled_up: UnitOut | None = Field(description="Đơn vị hiện nay mà đơn vị trên được quy đổi về")
    current_province: UnitRef | None = Field(description="Tỉnh hiện nay để phân phạm vi bản ghi")
    candidates: list[UnitOut] = Field(description="Các đơn vị có thể khớp khi tên trùng ở nhiều nơi")


class RegionOut(RegionRef):
    scheme_label: str
    provinces: list[UnitRef] = Field(description="Các tỉnh thuộc vùng (có hiệu lực vào ngày as_of)")


class IndustryOut(Schema):
    code: str = Field(description="Mã ngành VSIC: chữ cái (cấp 1) hoặc 2–5 chữ số")
    level: int = Field(description="Cấp 1–5")
    name: str
    parent_code: str | None = Field(description="Mã ngành cấp trên")

    @staticmethod
    def resolve_parent_code(industry) -> str | None:
        return industry.parent.code if industry.parent_id else None


class UnitFilter(Schema):
    q: str | None = Field(None, description="Tên hoặc mã, không phân biệt dấu và hoa thường")
    level: UnitLevel | None = Field(None, description="Cấp đơn vị")
    parent: str | None = Field(
        None, description="Chỉ các đơn vị trực thuộc đơn vị này (id hoặc khóa); mặc định như ngày nó còn hiệu lực"
    )
    current: bool = Field(True, description="true: chỉ đơn vị có hiệu lực vào ngày as_of; false: mọi thời kỳ")
    as_of: dt.date | None = Field(None, description="Ngày xem (YYYY-MM-DD), mặc định hôm nay")


class ResolveParams(Schema):
    q: str = Field(description="Mã hoặc tên, ví dụ “H. Chợ Lách”, “TP HCM”, “dak lak”, “83”")
    as_of: dt.date | None = Field(None, description="Ngày của số liệu (YYYY-MM-DD), mặc định hôm nay")
    level: UnitLevel | None = Field(None, description="Cấp cần tìm")
    within: str | None = Field(None, description="Chỉ tìm trong đơn vị này (id hoặc khóa), ví dụ tỉnh của dòng")


class RegionParams(Schema):
    scheme: RegionScheme | None = Field(None, description="voting hoặc socio; trống: cả hai")
    as_of: dt.date | None = Field(None, description="Liệt kê các tỉnh có hiệu lực vào ngày này (mặc định hôm nay)")


class IndustryParams(Schema):
    level: int | None = Field(None, ge=1, le=5, description="Cấp 1–5")
    parent: str | None = Field(None, description="Mã ngành cấp trên")
    q: str | None = Field(None, description="Mã hoặc tên ngành, không phân biệt dấu")


def _links(links, side: str) -> list[dict]:
    return [
        {
            "unit": getattr(link, side),
            "effective_date": link.effective_date,
            "is_primary": link.is_primary,
            "note": link.note,
        }
        for link in links
    ]


def _unit(ref: str) -> Unit:
    """A unit by database id or by key."""
    if ref.isdigit():
        unit = Unit.objects.select_related("parent", "province").filter(pk=int(ref)).first()
        if unit is None:
            raise NotFound("Không tìm thấy đơn vị hành chính.")
        return unit
    return unit_by_key(ref)


@router.get("/units", response=list[UnitOut], summary="Danh sách và tìm kiếm đơn vị hành chính")
@paginate(PageNumberPagination, page_size=50)
def list_units(request, filters: Query[UnitFilter]):
    if filters.q:
        return search_units(filters.q, level=filters.level, current_only=filters.current, as_of=filters.as_of)
    parent = _unit(filters.parent) if filters.parent else None
    # Like the pages: a former unit's children are listed as they were on its last day.
    as_of = filters.as_of or (browse_date(parent) if parent else None)
    return units_list(level=filters.level, parent=parent, as_of=as_of, current_only=filters.current)


@router.get("/units/{unit_ref}", response=UnitDetailOut, summary="Một đơn vị hành chính và lịch sử thay đổi")
def unit_detail(request, unit_ref: str):
    unit = _unit(unit_ref)
    return {
        **UnitOut.model_validate(unit).model_dump(),
        "province": unit.province,
        "lat": unit.lat,
        "lon": unit.lon,
        "regions": list(regions_of(unit)),
        "predecessors": [
            {
                "unit": link.predecessor,
                "effective_date": link.effective_date,
                "is_primary": link.is_primary,
                "note": link.note,
            }
            for link in successions_into(unit)
        ],
        "successors": [
            {
                "unit": link.successor,
                "effective_date": link.effective_date,
                "is_primary": link.is_primary,
                "note": link.note,
            }
            for link in successions_from(unit)
        ],
        "rolled_up": roll_up(unit),
    }


@router.get("/resolve", response=ResolveOut, summary="Nhận diện đơn vị từ mã hoặc tên, quy đổi về đơn vị hiện nay")
def resolve(request, params: Query[ResolveParams]):
    if not params.q.strip():
        raise ValidationFailed("Cần nhập mã hoặc tên đơn vị.", details={"q": ["Không được để trống."]})
    day = params.as_of or timezone.localdate()
    within = _unit(params.within) if params.within else None
    candidates = resolve_unit_candidates(params.q, level=params.level, as_of=day, within=within)
    unit = candidates[0] if len(candidates) == 1 else None
    return {
        "query": params.q,
        "as_of": day,
        "status": "found" if unit else ("ambiguous" if candidates else "not_found"),
        "unit": unit,
        "rolled_up": roll_up(unit) if unit else None,
        "current_province": current_province_of(unit) if unit else None,
        "candidates": candidates if len(candidates) > 1 else [],
    }


@router.get("/regions", response=list[RegionOut], summary="Các vùng và tỉnh thuộc vùng")
def list_regions(request, params: Query[RegionParams]):
    return [
        {
            **RegionRef.model_validate(region).model_dump(),
            "scheme_label": region.get_scheme_display(),
            "provinces": list(region.provinces.all()),
        }
        for region in regions_list(scheme=params.scheme, as_of=params.as_of)
    ]


@router.get("/industry-codes", response=list[IndustryOut], summary="Danh mục ngành kinh tế VSIC 2018")
@paginate(PageNumberPagination, page_size=100)
def list_industry_codes(request, params: Query[IndustryParams]):
    return industry_codes(level=params.level, parent=params.parent, query=params.q)
