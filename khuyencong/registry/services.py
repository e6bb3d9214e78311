"""Every write to the registry: establishments, their yearly figures, products, photos, certifications,
approval of self-registrations, merging duplicates, and the dated legal rules.

Each service checks the actor's capability and scope against the stored state, runs in one transaction and
writes its audit event there. `actor=None` is the system itself (demo data, fixtures, management commands run
on the server): no capability or scope applies and the audit trail names "Hệ thống". Views and the API
always pass the signed-in user. Changes to an establishment's parts (figures, products, certificates) are
audited against the establishment, so its "Lịch sử thay đổi" tab shows them all.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from khuyencong.accounts.access import (
    ESTABLISHMENT,
    PROVINCE,
    access_certification,
    access_establishment,
    access_product,
    access_product_photo,
    user_scope,
)
from khuyencong.accounts.models import User
from khuyencong.accounts.roles import Role, can
from khuyencong.audit.services import audit_record, audit_record_many, snapshot
from khuyencong.core.bulk_insert import insert_rows
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.core.taxcode import validate_tax_code
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import IndustryCode, Unit, UnitLevel
from khuyencong.imports.normalise import normalise_email, normalise_phone
from khuyencong.registry import rules
from khuyencong.registry.models import (
    Certification,
    CertificationKind,
    CertificationLevel,
    Establishment,
    EstablishmentStatus,
    LegalForm,
    Product,
    ProductGroup,
    ProductPhoto,
    Source,
    YearlyFigures,
)
from khuyencong.registry.naming import clean_name, name_key, search_text, sort_key

REQUIRED = "Trường này là bắt buộc."
PROFILE_FIELDS = (
    "name",
    "other_names",
    "legal_form",
    "tax_code",
    "business_reg_no",
    "business_reg_date",
    "address",
    "commune",
    "craft_village",
    "main_industry",
    "industries",
    "main_products",
    "representative",
    "representative_title",
    "phone",
    "email",
    "website",
    "latitude",
    "longitude",
    "year_founded",
)
FIGURE_COUNTS = ("employees_total", "employees_women", "employees_insured")
FIGURE_MONEY = ("revenue", "capital", "average_income", "output_value")
# Việt Nam's extent, islands included (Trường Sa reaches 117.8°E, 6.5°N).
LATITUDE_RANGE = (Decimal("6"), Decimal("24"))
LONGITUDE_RANGE = (Decimal("102"), Decimal("118"))
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 8000
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTOS_PER_PRODUCT = 10
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{4,150}$")


class PossibleDuplicate(Conflict):
    """A similar establishment (same name without legal-form words, same commune) exists; `details` lists
    them. Repeat with `confirm_similar=True` to create anyway."""

    code = "co_the_trung_lap"


# --- Helpers ------------------------------------------------------------------------------------------


def _fail(errors: dict[str, list[str]]) -> None:
    """Raise every field's errors at once; a single error is also the message."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    if len(messages) == 1:
        raise ValidationFailed(messages[0], details=errors)
    if messages:
        raise ValidationFailed("Thông tin chưa hợp lệ, xem các trường được đánh dấu.", details=errors)


def check_version(obj: models.Model, version, label: str) -> None:
    """Refuse a write based on an older copy of `obj` than the stored one."""
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "Thiếu số phiên bản của bản ghi.", details={"version": ["Thiếu số phiên bản."]}
        ) from None
    if obj.version != expected:
        raise Conflict(
            f"{label} đã được người khác cập nhật sau khi bạn mở (phiên bản hiện tại {obj.version}, bạn sửa từ "
            f"phiên bản {expected}). Không có gì được lưu: hãy tải lại trang, xem thay đổi rồi nhập lại.",
            details={"current_version": obj.version},
        )


def _unit(value, level: str | None = None) -> Unit | None:
    if value in (None, ""):
        return None
    if isinstance(value, Unit):
        return value
    unit = Unit.objects.select_related("province").filter(pk=value).first() if str(value).isdigit() else None
    if unit is None or (level and unit.level != level):
        raise ValidationFailed("Đơn vị hành chính không tồn tại.", details={level or "commune": ["Không tồn tại."]})
    return unit


def _industry(value) -> IndustryCode | None:
    if value in (None, ""):
        return None
    if isinstance(value, IndustryCode):
        return value
    return IndustryCode.objects.filter(pk=value).first() if str(value).isdigit() else None


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        errors.setdefault(field, []).append("Cần một số thập phân, ví dụ 21,0285.")
        return None


# Built once: `LegalForm.values` builds a new list on every call (an import checks every row).
_LEGAL_FORMS = frozenset(LegalForm.values)


def clean_profile(data: dict, *, instance: Establishment | None = None, today: dt.date | None = None) -> dict:
    """Validate and normalise an establishment's profile; every error of every field at once.

    Keys missing from `data` keep the instance's values (partial updates through the API). `today`: the date
    the rules compare with, default the local date; an import passes one per chunk rather than asking the
    time zone for every row.
    """
    current = {name: getattr(instance, name) for name in PROFILE_FIELDS if name != "industries"} if instance else {}
    if instance is not None:
        current["industries"] = list(instance.industries.all())
    values = {**current, **{key: value for key, value in data.items() if key in PROFILE_FIELDS}}
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    name = clean_name(values.get("name") or "")
    if not name:
        errors["name"] = ["Cần nhập tên cơ sở."]
    elif len(name) > 255:
        errors["name"] = ["Tên cơ sở dài quá 255 ký tự."]
    clean["name"] = name
    other = [clean_name(line) for line in str(values.get("other_names") or "").splitlines()]
    clean["other_names"] = "\n".join(dict.fromkeys(line for line in other if line and line != name))

    legal_form = values.get("legal_form") or ""
    if legal_form not in _LEGAL_FORMS:
        errors["legal_form"] = [
            "Chọn loại hình: doanh nghiệp, hợp tác xã, liên hiệp HTX, tổ hợp tác, hộ kinh doanh hoặc nghệ nhân/cá nhân."
        ]
    clean["legal_form"] = legal_form

    tax_code = (values.get("tax_code") or "").strip()
    if tax_code:
        try:
            tax_code = validate_tax_code(tax_code)
        except ValueError as error:
            errors["tax_code"] = [str(error)]
    clean["tax_code"] = tax_code or None

    clean["business_reg_no"] = " ".join(str(values.get("business_reg_no") or "").split())[:40]
    reg_date = values.get("business_reg_date")
    if reg_date and reg_date > (today or timezone.localdate()):
        errors["business_reg_date"] = ["Ngày cấp đăng ký kinh doanh không được sau hôm nay."]
    clean["business_reg_date"] = reg_date or None

    for field, limit in (
        ("address", 255),
        ("craft_village", 255),
        ("representative", 150),
        ("representative_title", 120),
    ):
        text = clean_name(values.get(field) or "")
        if len(text) > limit:
            errors[field] = [f"Dài quá {limit} ký tự."]
        clean[field] = text
    clean["main_products"] = "\n".join(
        clean_name(line) for line in str(values.get("main_products") or "").splitlines() if line.strip()
    )

    commune = _unit(values.get("commune"), UnitLevel.COMMUNE)
    if commune is not None and not commune.is_current:
        errors["commune"] = [f"{commune} không còn là đơn vị hành chính hiện hành: chọn xã/phường hiện nay."]
    clean["commune"] = commune

    main_industry = _industry(values.get("main_industry"))
    if values.get("main_industry") and (main_industry is None or main_industry.level != 2):
        errors["main_industry"] = ["Ngành chính phải là một ngành cấp 2 của VSIC 2018."]
    industries = []
    for item in values.get("industries") or []:
        industry = _industry(item)
        if industry is None or industry.level != 2:
            errors["industries"] = ["Mỗi ngành nghề phải là một ngành cấp 2 của VSIC 2018."]
            break
        industries.append(industry)
    if main_industry is not None and main_industry not in industries:
        industries.insert(0, main_industry)
    if main_industry is None and industries:
        main_industry = industries[0]
    clean["main_industry"], clean["industries"] = main_industry, industries

    phone = values.get("phone") or ""
    try:
        clean["phone"] = normalise_phone(phone)[:60]
    except ValueError as error:
        errors["phone"] = [str(error)]
    email = (values.get("email") or "").strip()
    try:
        clean["email"] = normalise_email(email) if email else ""
    except ValueError as error:
        errors["email"] = [str(error)]
    website = (values.get("website") or "").strip()
    if website and not website.startswith(("http://", "https://")):
        website = "https://" + website
    try:
        if website:
            URLValidator()(website)
    except ValidationError:
        errors["website"] = ["Địa chỉ trang web không hợp lệ."]
    clean["website"] = website

    latitude = _decimal(values.get("latitude"), "latitude", errors)
    longitude = _decimal(values.get("longitude"), "longitude", errors)
    if (latitude is None) != (longitude is None):
        errors.setdefault("latitude", []).append("Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.")
    elif latitude is not None and not (
        LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    ):
        errors.setdefault("latitude", []).append("Tọa độ nằm ngoài lãnh thổ Việt Nam (vĩ độ 6–24, kinh độ 102–118).")
    clean["latitude"] = latitude.quantize(Decimal("0.000001")) if latitude is not None else None
    clean["longitude"] = longitude.quantize(Decimal("0.000001")) if longitude is not None else None

    year = values.get("year_founded")
    if year not in (None, ""):
        this_year = (today or timezone.localdate()).year
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = -1
        if not 1800 <= year <= this_year:
            errors["year_founded"] = [f"Năm thành lập phải từ 1800 đến {this_year}."]
    clean["year_founded"] = year if year not in ("", None) else None
    _fail(errors)
    return clean


def name_columns(name: str, other_names: str, tax_code: str | None, business_reg_no: str) -> dict:
    """The columns derived from an establishment's names (search text, duplicate key, sort key): the one place
    that computes them, for the services' instances (`_apply`) and the import's bulk rows alike."""
    return {
        "name_folded": fold_vi(name),
        "name_sort": sort_key(name),
        "name_key": name_key(name),
        "search_folded": search_text(name, other_names, tax_code or "", business_reg_no),
    }


def _apply(establishment: Establishment, clean: dict) -> None:
    industries = clean.get("industries")
    for field, value in clean.items():
        if field != "industries":
            setattr(establishment, field, value)
    derived = name_columns(
        establishment.name, establishment.other_names, establishment.tax_code, establishment.business_reg_no
    )
    for field, value in derived.items():
        setattr(establishment, field, value)
    establishment._pending_industries = industries


def _save_industries(establishment: Establishment) -> None:
    industries = getattr(establishment, "_pending_industries", None)
    if industries is not None:
        establishment.industries.set(industries)


def _tax_code_taken(actor, tax_code: str | None, exclude_pk: int | None = None) -> None:
    if not tax_code:
        return
    other = Establishment.objects.filter(tax_code=tax_code).exclude(pk=exclude_pk).first()
    if other is None:
        return
    try:
        access_establishment(actor, other.pk)
        where = f": {other.name} (mã {other.pk})"
    except NotFound:
        where = " thuộc phạm vi quản lý khác"
    message = f"Mã số thuế {tax_code} đã được đăng ký cho một cơ sở khác{where}."
    raise ValidationFailed(message, details={"tax_code": [message]})


def similar_establishments(name: str, commune_id: int | None, *, exclude_pk: int | None = None):
    """Records probably describing the same establishment: same duplicate key in the same commune."""
    if commune_id is None:
        return Establishment.objects.none()
    return (
        Establishment.objects.filter(commune_id=commune_id, name_key=name_key(name))
        .exclude(pk=exclude_pk)
        .exclude(status__in=[EstablishmentStatus.MERGED, EstablishmentStatus.REJECTED])
        .order_by("pk")
    )


def _province_for(actor, clean: dict, province) -> Unit:
    """The establishment's current province: the commune's, or the one given; within the actor's scope."""
    commune = clean.get("commune")
    if commune is not None:
        found = commune.province
        if province is not None and _unit(province, UnitLevel.PROVINCE).pk != found.pk:
            raise ValidationFailed(
                "Xã/phường không thuộc tỉnh đã chọn.", details={"commune": [f"{commune} thuộc {found}."]}
            )
    else:
        found = _unit(province, UnitLevel.PROVINCE)
        scope = user_scope(actor) if actor is not None else None
        if found is None and scope is not None and scope.kind == PROVINCE:
            found = Unit.objects.get(pk=scope.province_id)  # a provincial user's records are its province's
        if found is None:
            raise ValidationFailed("Cần chọn tỉnh/thành phố.", details={"province": [REQUIRED]})
        if not found.is_current:
            raise ValidationFailed("Tỉnh đã chọn không còn hiệu lực.", details={"province": ["Chọn tỉnh hiện nay."]})
    # A representative never changes province (establishment_update checks it); others stay in their scope.
    scope = user_scope(actor) if actor is not None else None
    if scope is not None and scope.kind != ESTABLISHMENT and not scope.covers_province(found.pk):
        raise PermissionDenied(f"Bạn chỉ được quản lý cơ sở trong phạm vi của mình, không phải {found}.")
    return found


def _profile_snapshot(establishment: Establishment) -> dict:
    data = snapshot(establishment, fields=[*PROFILE_FIELDS, "province", "status", "size_class", "version"])
    data["industries"] = sorted(industry.code for industry in establishment.industries.all())
    return data


# --- Establishments -------------------------------------------------------------------------------------


def establishment_create(
    *,
    actor,
    data: dict,
    province=None,
    confirm_similar: bool = False,
    source: str = Source.MANUAL,
) -> Establishment:
    """Create an active establishment (officers) in the actor's scope; refuses a tax code already used and,
    unless `confirm_similar`, warns of a similar name in the same commune."""
    if actor is not None and (not can(actor, "establishment.edit") or user_scope(actor).kind == ESTABLISHMENT):
        raise PermissionDenied("Bạn không có quyền thêm cơ sở CNNT.")
    clean = clean_profile(data)
    found_province = _province_for(actor, clean, province)
    with transaction.atomic():
        _tax_code_taken(actor, clean["tax_code"])
        similar = similar_establishments(clean["name"], getattr(clean["commune"], "pk", None))
        if similar.exists() and not confirm_similar:
            raise PossibleDuplicate(
                "Đã có cơ sở cùng tên trong cùng xã/phường: có thể là một. Mở hồ sơ đã có, hoặc xác nhận đây là "
                "cơ sở khác để tạo mới.",
                details={
                    "similar": [
                        {"id": other.pk, "name": other.name, "tax_code": other.tax_code} for other in similar[:10]
                    ]
                },
            )
        establishment = Establishment(province=found_province, source=source, created_by=actor)
        _apply(establishment, clean)
        try:
            establishment.save()
        except IntegrityError:
            raise Conflict("Mã số thuế vừa được đăng ký cho cơ sở khác. Không có gì được lưu.") from None
        _save_industries(establishment)
        audit_record(
            actor=actor,
            action="establishment.create",
            obj=establishment,
            after=_profile_snapshot(establishment),
            note="Xác nhận không trùng với cơ sở cùng tên trong xã." if similar.exists() else "",
        )
    return establishment


def _part(access, model, actor, pk):
    """A product, photo or certificate the actor may change (any, for the system)."""
    if actor is None:
        found = model.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            raise NotFound()
        return found
    return access(actor, pk, write=True)


def _lock_for_write(actor, establishment_id) -> Establishment:
    if actor is not None:
        access_establishment(actor, establishment_id, write=True)
    establishment = (
        Establishment.objects.select_for_update(of=("self",))
        .select_related("province", "commune")
        .get(pk=establishment_id)
    )
    if establishment.status == EstablishmentStatus.MERGED:
        raise Conflict("Cơ sở này đã được gộp vào cơ sở khác: mọi thay đổi làm trên hồ sơ còn lại.")
    return establishment


def establishment_update(*, actor, establishment_id, version, data: dict, province=None) -> Establishment:
    """Change the profile; a stale `version` changes nothing. A representative cannot move its establishment
    to another province (the province's department must)."""
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        check_version(establishment, version, "Hồ sơ cơ sở")
        before = _profile_snapshot(establishment)
        clean = clean_profile(data, instance=establishment)
        if clean["commune"] is None and province is None:
            province = establishment.province
        new_province = _province_for(actor, clean, province)
        if user_scope(actor).kind == ESTABLISHMENT and new_province.pk != establishment.province_id:
            raise ValidationFailed(
                "Muốn chuyển cơ sở sang tỉnh khác, hãy liên hệ Sở Công Thương.",
                details={"commune": ["Chỉ chọn được xã/phường trong tỉnh hiện tại."]},
            )
        _tax_code_taken(actor, clean["tax_code"], exclude_pk=establishment.pk)
        _apply(establishment, clean)
        establishment.province = new_province
        establishment.version += 1
        try:
            with transaction.atomic():
                establishment.save()
        except IntegrityError:
            raise Conflict("Mã số thuế vừa được đăng ký cho cơ sở khác. Không có gì được lưu.") from None
        _save_industries(establishment)
        recompute_size(establishment)
        after = _profile_snapshot(establishment)
        changed = {key for key in after if before.get(key) != after.get(key)} - {"version"}
        audit_record(
            actor=actor,
            action="establishment.update",
            obj=establishment,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return establishment


def _notify_representatives(establishment: Establishment, subject: str, body: str) -> None:
    recipients = list(
        establishment.representatives.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def establishment_approve(*, actor, establishment_id) -> Establishment:
    """Accept a self-registered establishment (province officers/leaders holding `establishment.approve`)."""
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        if actor is not None and not can(actor, "establishment.approve"):
            raise PermissionDenied("Bạn không có quyền duyệt đăng ký cơ sở.")
        if establishment.status != EstablishmentStatus.PENDING:
            raise Conflict(f"Hồ sơ đang ở trạng thái “{establishment.get_status_display()}”, không còn chờ duyệt.")
        establishment.status = EstablishmentStatus.ACTIVE
        establishment.status_reason = ""
        establishment.decided_by, establishment.decided_at = actor, timezone.now()
        establishment.version += 1
        establishment.save()
        audit_record(
            actor=actor,
            action="establishment.approve",
            obj=establishment,
            before={"status": EstablishmentStatus.PENDING},
            after={"status": establishment.status},
        )
        _notify_representatives(
            establishment,
            "Đăng ký cơ sở CNNT đã được duyệt",
            f"Hồ sơ “{establishment.name}” đã được {actor.get_full_name()} duyệt. Bạn có thể đăng nhập để cập nhật "
            "sản phẩm, chứng nhận và số liệu hằng năm.",
        )
    return establishment


def establishment_reject(*, actor, establishment_id, reason: str) -> Establishment:
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ValidationFailed(
            "Cần ghi lý do từ chối (ít nhất 10 ký tự) để cơ sở biết cần bổ sung gì.",
            details={"reason": ["Cần ghi lý do từ chối (ít nhất 10 ký tự)."]},
        )
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        if actor is not None and not can(actor, "establishment.approve"):
            raise PermissionDenied("Bạn không có quyền duyệt đăng ký cơ sở.")
        if establishment.status != EstablishmentStatus.PENDING:
            raise Conflict(f"Hồ sơ đang ở trạng thái “{establishment.get_status_display()}”, không còn chờ duyệt.")
        establishment.status = EstablishmentStatus.REJECTED
        establishment.status_reason = reason
        establishment.decided_by, establishment.decided_at = actor, timezone.now()
        establishment.version += 1
        establishment.save()
        audit_record(
            actor=actor,
            action="establishment.reject",
            obj=establishment,
            before={"status": EstablishmentStatus.PENDING},
            after={"status": establishment.status},
            note=reason,
        )
        _notify_representatives(
            establishment,
            "Đăng ký cơ sở CNNT chưa được duyệt",
            f"Hồ sơ “{establishment.name}” chưa được duyệt. Lý do: {reason}\n"
            "Bạn có thể đăng nhập, sửa hồ sơ và gửi lại.",
        )
    return establishment


def establishment_resubmit(*, actor, establishment_id) -> Establishment:
    """A representative sends its corrected, rejected registration back for approval."""
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        if establishment.status != EstablishmentStatus.REJECTED:
            raise Conflict("Chỉ gửi lại được hồ sơ đã bị từ chối.")
        establishment.status = EstablishmentStatus.PENDING
        establishment.version += 1
        establishment.save()
        audit_record(
            actor=actor,
            action="establishment.resubmit",
            obj=establishment,
            before={"status": EstablishmentStatus.REJECTED},
            after={"status": establishment.status},
        )
    return establishment


def establishment_self_register(*, account: dict, data: dict, province=None) -> tuple[User, Establishment]:
    """A visitor creates its account (role establishment representative, active) and a PENDING record.

    The account can sign in at once and sees only its own record, marked as waiting for approval; nothing
    else is reachable until the province's department approves it.
    """
    errors: dict[str, list[str]] = {}
    username = (account.get("username") or "").strip()
    if not USERNAME_RE.match(username):
        errors["username"] = ["Tên đăng nhập gồm 4–150 ký tự: chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["Tên đăng nhập này đã có người dùng."]
    full_name = clean_name(account.get("full_name") or "")
    if not full_name:
        errors["full_name"] = ["Cần nhập họ và tên người đăng ký."]
    try:
        email = normalise_email(account.get("email") or "")
    except ValueError as error:
        email = ""
        errors["email"] = [str(error)]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["Thư điện tử này đã được dùng cho một tài khoản khác."]
    try:
        phone = normalise_phone(account.get("phone") or "")
    except ValueError as error:
        phone = ""
        errors["phone"] = [str(error)]
    password = account.get("password") or ""
    try:
        validate_password(password, User(username=username, email=email, full_name=full_name))
    except ValidationError as error:
        errors["password"] = list(error.messages)
    try:
        clean = clean_profile(data)
    except ValidationFailed as error:
        errors.update(error.details)
        clean = None
    if clean is not None and not clean.get("commune"):
        errors["commune"] = ["Cần chọn xã/phường nơi cơ sở sản xuất."]
    _fail(errors)
    found_province = _province_for(None, clean, province)
    with transaction.atomic():
        if clean["tax_code"] and Establishment.objects.filter(tax_code=clean["tax_code"]).exists():
            message = (
                f"Mã số thuế {clean['tax_code']} đã có trong hệ thống. Hãy liên hệ Sở Công Thương để được cấp tài "
                "khoản cho cơ sở đã có."
            )
            raise ValidationFailed(message, details={"tax_code": [message]})
        establishment = Establishment(
            province=found_province, source=Source.SELF_REGISTRATION, status=EstablishmentStatus.PENDING
        )
        _apply(establishment, clean)
        establishment.save()
        _save_industries(establishment)
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            full_name=full_name,
            phone=phone,
            position=clean["representative_title"],
            establishment=establishment,
        )
        user.groups.add(Group.objects.get(name=Role.ESTABLISHMENT_REP))
        establishment.created_by = user
        establishment.save(update_fields=["created_by"])
        audit_record(
            actor=user,
            action="establishment.self_register",
            obj=establishment,
            after={**_profile_snapshot(establishment), "account": username},
        )
    return user, establishment


def _relink(model, field_name: str, duplicate: Establishment, survivor: Establishment) -> int:
    return model._default_manager.filter(**{field_name: duplicate}).update(**{field_name: survivor})


def establishment_merge(*, actor, survivor_id, duplicate_id, reason: str = "") -> Establishment:
    """Move every link of the duplicate to the survivor and keep the duplicate as MERGED.

    Links are found generically (every foreign key and many-to-many pointing at Establishment), so features
    added later are covered. Yearly figures of a year the survivor already has stay with the survivor's
    values; the duplicate's are recorded in the audit event and removed.
    """
    if not can(actor, "establishment.merge"):
        raise PermissionDenied("Bạn không có quyền gộp cơ sở.")
    if str(survivor_id) == str(duplicate_id):
        raise ValidationFailed("Không thể gộp một cơ sở vào chính nó.", details={"duplicate": ["Chọn cơ sở khác."]})
    with transaction.atomic():
        first, second = sorted([int(survivor_id), int(duplicate_id)])  # lock in a fixed order: no deadlock
        locked = {pk: _lock_for_write(actor, pk) for pk in (first, second)}
        survivor, duplicate = locked[int(survivor_id)], locked[int(duplicate_id)]
        if survivor.status == EstablishmentStatus.REJECTED:
            raise Conflict("Không giữ lại được hồ sơ đã bị từ chối: chọn hồ sơ còn hiệu lực làm hồ sơ giữ lại.")
        before = {"survivor": _profile_snapshot(survivor), "duplicate": _profile_snapshot(duplicate)}
        moved: dict[str, int] = {}
        duplicate_years = YearlyFigures.objects.filter(
            establishment=duplicate, year__in=survivor.figures.values("year")
        )
        dropped = [snapshot(figures) for figures in duplicate_years]
        duplicate_years.delete()
        for relation in Establishment._meta.related_objects:
            model, field = relation.related_model, relation.field
            if relation.many_to_many:
                through = field.remote_field.through
                source = field.m2m_field_name()
                target = field.m2m_reverse_field_name()
                already = through._default_manager.filter(**{target: survivor}).values(source)
                through._default_manager.filter(**{target: duplicate, f"{source}__in": already}).delete()
                count = _relink(through, target, duplicate, survivor)
            else:
                count = _relink(model, field.name, duplicate, survivor)
            if count:
                moved[model._meta.label_lower] = moved.get(model._meta.label_lower, 0) + count
        survivor.industries.add(*duplicate.industries.all())
        names = [*survivor.other_names.splitlines(), duplicate.name, *duplicate.other_names.splitlines()]
        survivor.other_names = "\n".join(dict.fromkeys(n for n in names if n and n != survivor.name))
        tax_code = duplicate.tax_code
        duplicate.status = EstablishmentStatus.MERGED
        duplicate.merged_into = survivor
        duplicate.status_reason = reason
        duplicate.tax_code = None
        duplicate.decided_by, duplicate.decided_at = actor, timezone.now()
        duplicate.version += 1
        duplicate.save()
        if tax_code and not survivor.tax_code:
            survivor.tax_code = tax_code
        _apply(survivor, {})
        survivor.version += 1
        survivor.save()
        recompute_size(survivor)
        after = {"moved": moved, "dropped_figures": dropped, "tax_code": survivor.tax_code}
        audit_record(
            actor=actor,
            action="establishment.merge",
            obj=survivor,
            before=before["survivor"],
            after={**after, "merged": duplicate.pk, "merged_name": duplicate.name},
            note=reason,
        )
        audit_record(
            actor=actor,
            action="establishment.merged_into",
            obj=duplicate,
            before=before["duplicate"],
            after={"status": duplicate.status, "merged_into": survivor.pk},
            note=reason,
        )
    return survivor


# --- Yearly figures and size class ------------------------------------------------------------------------


def clean_figures(data: dict, *, year, today: dt.date | None = None) -> tuple[int, dict]:
    """(year, clean values) or ValidationFailed; `today` as for `clean_profile`."""
    errors: dict[str, list[str]] = {}
    this_year = (today or timezone.localdate()).year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 1990 <= year <= this_year:
        errors["year"] = [f"Năm số liệu phải từ 1990 đến {this_year}."]
    clean: dict = {}
    for field in (*FIGURE_COUNTS, *FIGURE_MONEY):
        value = data.get(field)
        if value in (None, ""):
            clean[field] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[field] = ["Cần một số nguyên không âm."]
            continue
        if number < 0:
            errors[field] = ["Không được âm."]
        clean[field] = number
    total = clean.get("employees_total")
    for part, label in (("employees_women", "Lao động nữ"), ("employees_insured", "Lao động tham gia BHXH")):
        if total is not None and clean.get(part) is not None and clean[part] > total:
            errors[part] = [f"{label} ({clean[part]}) không được lớn hơn tổng số lao động ({total})."]
    clean["note"] = clean_name(data.get("note") or "")[:500]
    _fail(errors)
    return year, clean


def recompute_size(establishment: Establishment, sizes: rules.SizeRules | None = None) -> None:
    """Size class of every year, and the establishment's from its latest year that decides one."""
    sizes = sizes or rules.SizeRules()
    latest = ("", None)
    for figures in establishment.figures.order_by("year"):
        size = sizes.size(establishment, figures)
        if size != figures.size_class:
            YearlyFigures.objects.filter(pk=figures.pk).update(size_class=size)
        if size:
            latest = (size, figures.year)
    if (establishment.size_class, establishment.size_year) != latest:
        establishment.size_class, establishment.size_year = latest
        Establishment.objects.filter(pk=establishment.pk).update(size_class=latest[0], size_year=latest[1])


def figures_save(*, actor, establishment_id, year, data: dict, version=None) -> YearlyFigures:
    """Create the year's figures, or update them (`version` required then); recomputes the size class."""
    year, clean = clean_figures(data, year=year)
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        figures = YearlyFigures.objects.select_for_update().filter(establishment=establishment, year=year).first()
        if figures is None:
            if version not in (None, ""):
                raise Conflict(f"Số liệu năm {year} vừa bị xóa bởi người khác. Không có gì được lưu.")
            figures = YearlyFigures(establishment=establishment, year=year)
            before = None
        else:
            if version in (None, ""):
                raise Conflict(f"Đã có số liệu năm {year}: hãy mở số liệu năm đó để sửa.")
            check_version(figures, version, f"Số liệu năm {year}")
            before = snapshot(figures)
            figures.version += 1
        for field, value in clean.items():
            setattr(figures, field, value)
        figures.save()
        recompute_size(establishment)
        figures.refresh_from_db()
        audit_record(
            actor=actor,
            action="figures.save",
            obj=establishment,
            before=before,
            after={**snapshot(figures), "year": year},
        )
    return figures


def figures_delete(*, actor, establishment_id, year) -> None:
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        figures = YearlyFigures.objects.filter(establishment=establishment, year=year).first()
        if figures is None:
            raise NotFound("Không có số liệu năm này.")
        before = snapshot(figures)
        figures.delete()
        recompute_size(establishment)
        audit_record(actor=actor, action="figures.delete", obj=establishment, before=before)


def sizes_recompute(*, establishment_ids=None) -> int:
    """Recompute stored size classes (after thresholds change); returns how many establishments changed."""
    changed = 0
    establishments = (
        Establishment.objects.filter(figures__isnull=False).distinct().select_related("main_industry__parent")
    )
    if establishment_ids is not None:
        establishments = establishments.filter(pk__in=establishment_ids)
    for establishment in establishments.iterator(chunk_size=500):
        before = (establishment.size_class, establishment.size_year)
        recompute_size(establishment)
        changed += before != (establishment.size_class, establishment.size_year)
    return changed


# --- Products and photos --------------------------------------------------------------------------------


def _clean_product(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    name = clean_name(data.get("name") or "")
    if not name:
        errors["name"] = ["Cần nhập tên sản phẩm."]
    group = data.get("group") or ""
    if group not in ProductGroup.values:
        errors["group"] = ["Chọn nhóm sản phẩm."]
    _fail(errors)
    return {
        "name": name[:255],
        "name_folded": fold_vi(name)[:255],
        "group": group,
        "description": (data.get("description") or "").strip(),
    }


def product_create(*, actor, establishment_id, data: dict) -> Product:
    clean = _clean_product(data)
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        product = Product.objects.create(establishment=establishment, **clean)
        audit_record(actor=actor, action="product.create", obj=establishment, after={"product": product.pk, **clean})
    return product


def product_update(*, actor, product_id, version, data: dict) -> Product:
    clean = _clean_product(data)
    with transaction.atomic():
        product = _part(access_product, Product, actor, product_id)
        establishment = _lock_for_write(actor, product.establishment_id)
        product = Product.objects.select_for_update().get(pk=product.pk)
        check_version(product, version, "Sản phẩm")
        before = snapshot(product, fields=list(clean))
        for field, value in clean.items():
            setattr(product, field, value)
        product.version += 1
        product.save()
        audit_record(
            actor=actor,
            action="product.update",
            obj=establishment,
            before={"product": product.pk, **before},
            after={"product": product.pk, **clean},
        )
    return product


def product_delete(*, actor, product_id) -> None:
    with transaction.atomic():
        product = _part(access_product, Product, actor, product_id)
        establishment = _lock_for_write(actor, product.establishment_id)
        if product.certifications.exists():
            raise Conflict("Sản phẩm còn chứng nhận gắn kèm: xóa hoặc chuyển các chứng nhận trước.")
        before = {"product": product.pk, "name": product.name, "photos": product.photos.count()}
        files = [photo.image.name for photo in product.photos.all()]
        product.delete()
        audit_record(actor=actor, action="product.delete", obj=establishment, before=before)
        storage = ProductPhoto._meta.get_field("image").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])


def _checked_image(upload) -> tuple[bytes, str, int, int]:
    """Re-encoded image bytes (metadata such as GPS position dropped), content type, width, height."""
    from PIL import Image, UnidentifiedImageError

    message = None
    if upload is None:
        message = "Chọn một tệp ảnh."
    elif upload.size > PHOTO_MAX_BYTES:
        message = f"Ảnh quá lớn ({upload.size // 1024} KB): tối đa {PHOTO_MAX_BYTES // (1024 * 1024)} MB."
    if message:
        raise ValidationFailed(message, details={"image": [message]})
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image_format = image.format
        width, height = image.size
        if image_format not in PHOTO_FORMATS:
            raise ValueError
        if max(width, height) > PHOTO_MAX_SIDE:
            message = f"Ảnh quá lớn ({width}×{height} điểm ảnh): cạnh dài tối đa {PHOTO_MAX_SIDE}."
            raise ValidationFailed(message, details={"image": [message]})
        image.load()
    except (UnidentifiedImageError, ValueError, OSError, Image.DecompressionBombError):
        message = "Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ."
        raise ValidationFailed(message, details={"image": [message]}) from None
    output = io.BytesIO()
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(output, format=image_format, **({"quality": 90} if image_format in ("JPEG", "WEBP") else {}))
    return output.getvalue(), PHOTO_FORMATS[image_format], width, height


def product_photo_add(*, actor, product_id, upload, caption: str = "") -> ProductPhoto:
    content, content_type, width, height = _checked_image(upload)
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[content_type]
    photo = None
    try:
        with transaction.atomic():
            product = _part(access_product, Product, actor, product_id)
            establishment = _lock_for_write(actor, product.establishment_id)
            if product.photos.count() >= PHOTOS_PER_PRODUCT:
                message = f"Mỗi sản phẩm có tối đa {PHOTOS_PER_PRODUCT} ảnh."
                raise ValidationFailed(message, details={"image": [message]})
            photo = ProductPhoto(
                product=product,
                content_type=content_type,
                size_bytes=len(content),
                width=width,
                height=height,
                caption=clean_name(caption)[:255],
                uploaded_by=actor,
            )
            photo.image.save(f"san-pham-{product.pk}.{extension}", ContentFile(content), save=False)
            photo.save()
            audit_record(
                actor=actor,
                action="product.photo_add",
                obj=establishment,
                after={"product": product.pk, "photo": photo.pk, "bytes": len(content)},
            )
    except Exception:
        if photo is not None and photo.image.name:  # the file was written but the row was not kept
            photo.image.storage.delete(photo.image.name)
        raise
    return photo


def product_photo_delete(*, actor, photo_id) -> None:
    with transaction.atomic():
        photo = _part(access_product_photo, ProductPhoto, actor, photo_id)
        establishment = _lock_for_write(actor, photo.product.establishment_id)
        name, storage = photo.image.name, photo.image.storage
        photo.delete()
        audit_record(
            actor=actor,
            action="product.photo_delete",
            obj=establishment,
            before={"product": photo.product_id, "photo": photo_id},
        )
        transaction.on_commit(lambda: storage.delete(name))


# --- Certifications -------------------------------------------------------------------------------------


def _clean_certification(data: dict, establishment: Establishment) -> dict:
    errors: dict[str, list[str]] = {}
    kind = data.get("kind") or ""
    if kind not in CertificationKind.values:
        errors["kind"] = ["Chọn loại chứng nhận."]
    level = data.get("level") or ""
    if level and level not in CertificationLevel.values:
        errors["level"] = ["Cấp không hợp lệ."]
    decision_date = data.get("decision_date")
    if not decision_date:
        errors["decision_date"] = [REQUIRED]
    elif decision_date > timezone.localdate():
        errors["decision_date"] = ["Ngày quyết định không được sau hôm nay."]
    if kind == CertificationKind.CNNT and not level:
        errors["level"] = ["Chứng nhận sản phẩm CNNT tiêu biểu cần ghi cấp (tỉnh, khu vực, quốc gia)."]
    if level == CertificationLevel.DISTRICT and decision_date:
        # The district level ended with the district units themselves (their last day is in the unit data).
        last_day = Unit.objects.filter(level=UnitLevel.DISTRICT).aggregate(last=Max("valid_to"))["last"]
        if last_day and decision_date > last_day:
            after = last_day + dt.timedelta(days=1)
            errors["level"] = [f"Cấp huyện chỉ có trước {after:%d/%m/%Y} (từ đó không còn cấp huyện)."]
    stars = data.get("stars")
    stars = int(stars) if str(stars or "").isdigit() else None
    if kind == CertificationKind.OCOP and not (stars and 1 <= stars <= 5):
        errors["stars"] = ["Chứng nhận OCOP cần ghi số sao (1 đến 5)."]
    elif kind != CertificationKind.OCOP:
        stars = None
    for field in ("issuer", "decision_number"):
        if not clean_name(data.get(field) or ""):
            errors[field] = [REQUIRED]
    if kind in (CertificationKind.QUALITY, CertificationKind.TRADEMARK) and not clean_name(data.get("title") or ""):
        errors["title"] = ["Ghi tên tiêu chuẩn (ví dụ ISO 9001:2015, VietGAP) hoặc tên nhãn hiệu."]
    product = data.get("product")
    if product not in (None, ""):
        product_id = product.pk if isinstance(product, Product) else product
        product = (
            Product.objects.filter(pk=product_id, establishment=establishment).first()
            if str(product_id).isdigit()
            else None
        )
        if product is None:
            errors["product"] = ["Sản phẩm không thuộc cơ sở này."]
    valid_until = data.get("valid_until")
    if valid_until and decision_date and valid_until < decision_date:
        errors["valid_until"] = ["Ngày hết hiệu lực không được trước ngày quyết định."]
    _fail(errors)
    if not valid_until:
        valid_until = rules.certificate_end(kind, decision_date)
    return {
        "kind": kind,
        "level": level,
        "stars": stars,
        "title": clean_name(data.get("title") or "")[:255],
        "issuer": clean_name(data.get("issuer"))[:255],
        "decision_number": clean_name(data.get("decision_number"))[:80],
        "decision_date": decision_date,
        "valid_until": valid_until,
        "product": product or None,
        "note": clean_name(data.get("note") or "")[:500],
    }


def certification_create(*, actor, establishment_id, data: dict) -> Certification:
    with transaction.atomic():
        establishment = _lock_for_write(actor, establishment_id)
        clean = _clean_certification(data, establishment)
        certification = Certification.objects.create(establishment=establishment, **clean)
        audit_record(
            actor=actor,
            action="certification.create",
            obj=establishment,
            after={"certification": certification.pk, **snapshot(certification)},
        )
    return certification


def certification_update(*, actor, certification_id, version, data: dict) -> Certification:
    with transaction.atomic():
        certification = _part(access_certification, Certification, actor, certification_id)
        establishment = _lock_for_write(actor, certification.establishment_id)
        certification = Certification.objects.select_for_update().get(pk=certification.pk)
        check_version(certification, version, "Chứng nhận")
        clean = _clean_certification(data, establishment)
        before = snapshot(certification)
        for field, value in clean.items():
            setattr(certification, field, value)
        certification.version += 1
        certification.save()
        audit_record(
            actor=actor, action="certification.update", obj=establishment, before=before, after=snapshot(certification)
        )
    return certification


def certification_delete(*, actor, certification_id) -> None:
    with transaction.atomic():
        certification = _part(access_certification, Certification, actor, certification_id)
        establishment = _lock_for_write(actor, certification.establishment_id)
        before = snapshot(certification)
        certification.delete()
        audit_record(actor=actor, action="certification.delete", obj=establishment, before=before)


# --- Dated legal rules ------------------------------------------------------------------------------------


def rule_save(*, actor, instance: models.Model, data: dict) -> models.Model:
    """Create or change one dated rule (size threshold, eligibility, certificate validity); administrators
    holding `reference.manage` only. Changing thresholds recomputes stored size classes."""
    from khuyencong.registry.models import SizeThreshold

    if not can(actor, "reference.manage"):
        raise PermissionDenied("Bạn không có quyền sửa danh mục quy định.")
    errors: dict[str, list[str]] = {}
    if not clean_name(data.get("citation") or ""):
        errors["citation"] = ["Cần ghi căn cứ pháp lý (số hiệu, ngày văn bản, điều khoản)."]
    if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
        errors["valid_to"] = ["Ngày hết hiệu lực không được trước ngày có hiệu lực."]
    _fail(errors)
    with transaction.atomic():
        creating = instance.pk is None
        before = None if creating else snapshot(type(instance)._default_manager.select_for_update().get(pk=instance.pk))
        for field, value in data.items():
            setattr(instance, field, value)
        instance.save()
        audit_record(
            actor=actor,
            action=f"rule.{'create' if creating else 'update'}",
            obj=instance,
            before=before,
            after=snapshot(instance),
        )
        if isinstance(instance, SizeThreshold):
            from khuyencong.registry.tasks import start_size_recompute

            transaction.on_commit(lambda: start_size_recompute(actor=actor))
    return instance


# --- Import ---------------------------------------------------------------------------------------------


@dataclass
class ImportItem:
    """One checked row of an establishment import (see registry/importer.py)."""

    action: str  # "create" or "update"
    target_id: int | None
    profile: dict  # clean_profile() output
    provided: set[str]  # the fields the row had a value for: an update changes only those
    province: Unit
    legacy_commune: Unit | None
    written: str
    figures: tuple[int, dict] | None
    row_number: int
    names: dict  # name_columns() of the profile, computed where the row was checked


def _import_figures(establishment: Establishment, figures: tuple[int, dict] | None, sizes: rules.SizeRules) -> None:
    """Add or update (given values only) one year's figures of an existing establishment."""
    if figures is None:
        return
    year, values = figures
    provided = {field: value for field, value in values.items() if value not in (None, "")}
    existing = YearlyFigures.objects.filter(establishment=establishment, year=year).first()
    if existing is None:
        YearlyFigures.objects.create(establishment=establishment, year=year, **provided)
    else:
        for field, value in provided.items():
            setattr(existing, field, value)
        existing.version += 1
        existing.save()
    recompute_size(establishment, sizes)


class _ImportColumns:
    """The columns an import writes for a new establishment, its figures and its industry links, decided once.

    Everything else a new row holds — status, version, created/updated timestamps — is what the model gives a
    new instance (defaults, `auto_now_add`), filled in by core/bulk_insert.py as `bulk_create` would.
    """

    def __init__(self):
        opts = Establishment._meta
        self.profile = [name for name in PROFILE_FIELDS if name != "industries"]
        self.relations = {name for name in self.profile if opts.get_field(name).is_relation}
        self.derived = tuple(name_columns("", "", None, ""))
        self.establishment = (
            "province",
            "legacy_commune",
            "commune_as_written",
            *self.profile,
            *self.derived,
            "size_class",
            "size_year",
        )
        self.no_size = (opts.get_field("size_class").get_default(), opts.get_field("size_year").get_default())
        figure_opts = YearlyFigures._meta
        self.figure_values = (*FIGURE_COUNTS, *FIGURE_MONEY, "note")
        # A value the row left empty is not given, as YearlyFigures(**given) would leave it: the field's default.
        self.figure_defaults = [figure_opts.get_field(name).get_default() for name in self.figure_values]
        self.figures = ("establishment", "year", *self.figure_values, "size_class")
        industries = opts.get_field("industries")
        self.through = industries.remote_field.through
        self.links = (industries.m2m_field_name(), industries.m2m_reverse_field_name())
        self.object_type = opts.label_lower


def _import_create(*, actor, batch, items: list[ImportItem], sizes: rules.SizeRules) -> int:
    """Insert new establishments with their figures, industry links and audit events, as tuples of column
    values in large multi-row statements (core/bulk_insert.py): the same rows `bulk_create` of instances
    built by `_apply` would write, without a model instance per row. Derived name columns come from
    `name_columns`, the size class from `rules.SizeRules`, the audit columns from `audit_record_many`."""
    if not items:
        return 0
    columns = _ImportColumns()
    rows, figure_rows = [], []
    for item in items:
        profile = item.profile
        year_size = columns.no_size
        if item.figures is not None:
            year, values = item.figures
            given = [
                default if (value := values.get(name)) is None else value
                for name, default in zip(columns.figure_values, columns.figure_defaults, strict=True)
            ]
            figures = SimpleNamespace(year=year, **dict(zip(columns.figure_values, given, strict=True)))
            size = sizes.size(SimpleNamespace(main_industry=profile["main_industry"]), figures)
            if size:
                year_size = (size, year)
            figure_rows.append((len(rows), year, *given, size))
        row = [item.province.pk, getattr(item.legacy_commune, "pk", None), item.written[:300]]
        for name in columns.profile:
            value = profile[name]
            row.append(value.pk if value is not None and name in columns.relations else value)
        row.extend(item.names[name] for name in columns.derived)
        row.extend(year_size)
        rows.append(row)
    ids = insert_rows(
        Establishment,
        columns.establishment,
        rows,
        constants={"source": Source.IMPORT, "import_batch": batch, "created_by": actor},
        returning=True,
    )
    insert_rows(YearlyFigures, columns.figures, [(ids[index], *rest) for index, *rest in figure_rows])
    links = [(pk, industry.pk) for pk, item in zip(ids, items, strict=True) for industry in item.profile["industries"]]
    insert_rows(columns.through, columns.links, links)
    audit_record_many(
        actor=actor,
        action="establishment.import_create",
        entries=(
            {
                "object_type": columns.object_type,
                "object_id": pk,
                "object_label": item.profile["name"],  # str(establishment)
                "province_id": item.province.pk,
                "after": {"batch": batch.pk, "row": item.row_number, "tax_code": item.profile["tax_code"]},
            }
            for pk, item in zip(ids, items, strict=True)
        ),
    )
    return len(ids)


def establishments_import(*, actor, batch, items: list[ImportItem]) -> tuple[int, int]:
    """Write one chunk of checked import rows inside the commit's transaction; returns (created, updated).

    Creates are inserted in bulk below the ORM (`_import_create`); an update changes only the fields the row
    gave and bumps the version, so anyone editing the record meanwhile gets a conflict instead of a silent
    overwrite.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("establishments_import runs inside the import's transaction")
    if actor is not None and not can(actor, "establishment.edit"):
        raise PermissionDenied("Bạn không có quyền thêm, sửa cơ sở CNNT.")
    sizes = rules.SizeRules()
    creates = [item for item in items if item.action == "create"]
    created = _import_create(actor=actor, batch=batch, items=creates, sizes=sizes)
    updated = 0
    for item in items:
        if item.action != "update":
            continue
        establishment = Establishment.objects.select_for_update().get(pk=item.target_id)
        before = _profile_snapshot(establishment)
        changes = {field: item.profile[field] for field in PROFILE_FIELDS if field in item.provided}
        if "industries" in item.provided:
            changes["industries"] = sorted({*establishment.industries.all(), *item.profile["industries"]}, key=str)
            changes["main_industry"] = establishment.main_industry or item.profile["main_industry"]
        if item.provided & {"commune", "district", "province"}:
            changes["commune"] = item.profile["commune"]
            establishment.province = item.province
            establishment.legacy_commune = item.legacy_commune
            establishment.commune_as_written = item.written[:300]
        _apply(establishment, changes)
        establishment.version += 1
        establishment.save()
        _save_industries(establishment)
        _import_figures(establishment, item.figures, sizes)
        after = _profile_snapshot(establishment)
        changed = {key for key in after if before.get(key) != after.get(key)} - {"version"}
        audit_record(
            actor=actor,
            action="establishment.import_update",
            obj=establishment,
            before={key: before[key] for key in changed},
            after={**{key: after[key] for key in changed}, "batch": batch.pk, "row": item.row_number},
        )
        updated += 1
    return created, updated


def import_undo_blocker(batch) -> str | None:
    if batch.updated_count:
        return (
            f"Lô này đã cập nhật {batch.updated_count} cơ sở có sẵn: chỉ hoàn tác được lô chỉ tạo mới. Hãy sửa các hồ "
            "sơ cần thiết trực tiếp."
        )
    created = Establishment.objects.filter(import_batch=batch)
    touched = created.exclude(version=1).first()
    if touched is not None:
        return f"Cơ sở “{touched.name}” do lô này tạo đã được sửa sau khi nhập: không hoàn tác được."
    if YearlyFigures.objects.filter(establishment__import_batch=batch).exclude(version=1).exists():
        return "Số liệu năm của cơ sở do lô này tạo đã được sửa sau khi nhập: không hoàn tác được."
    for relation in Establishment._meta.related_objects:
        model = relation.field.remote_field.through if relation.many_to_many else relation.related_model
        if model is YearlyFigures:
            continue
        field = relation.field.m2m_reverse_field_name() if relation.many_to_many else relation.field.name
        if model._default_manager.filter(**{f"{field}__import_batch": batch}).exists():
            return (
                f"Đã có {model._meta.verbose_name} gắn với cơ sở do lô này tạo: không hoàn tác được. Hãy xử lý "
                "từng hồ sơ."
            )
    return None


def import_undo(batch, *, actor) -> int:
    """Delete the establishments `batch` created (import_undo_blocker must have said None)."""
    created = list(Establishment.objects.filter(import_batch=batch).only("pk", "name", "tax_code", "province_id"))
    for establishment in created:
        audit_record(
            actor=actor,
            action="establishment.import_undo",
            obj=establishment,
            before={"name": establishment.name, "tax_code": establishment.tax_code, "batch": batch.pk},
        )
    Establishment.objects.filter(pk__in=[establishment.pk for establishment in created]).delete()
    return len(created)


# --- Administrative changes -------------------------------------------------------------------------------

REPOINT_CHUNK = 500


def establishments_repoint_units(*, actor, since: dt.date) -> int:
    """Move establishments off the units replaced by changes in force since `since` (geo's change files) to
    today's units; the replaced commune is kept as the unit "as it was" when none is recorded yet.

    Each move bumps the version (an edit opened before it gets a conflict) and is audited; the work is done in
    transactions of REPOINT_CHUNK records. Returns how many establishments moved.
    """
    from khuyencong.geo.selectors import units_replaced_since

    if actor is not None and not can(actor, "reference.manage"):
        raise PermissionDenied("Bạn không có quyền cập nhật địa bàn theo thay đổi đơn vị hành chính.")
    mapping = units_replaced_since(since)
    if not mapping:
        return 0
    units = Unit.objects.select_related("province").in_bulk({*mapping, *mapping.values()})
    ids = list(
        Establishment.objects.filter(Q(commune_id__in=mapping) | Q(province_id__in=mapping))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), REPOINT_CHUNK):
        with transaction.atomic():
            chunk = Establishment.objects.select_for_update(of=("self",)).select_related("commune__province")
            for establishment in chunk.filter(pk__in=ids[start : start + REPOINT_CHUNK]):
                before = {"province": establishment.province_id, "commune": establishment.commune_id}
                old = establishment.commune
                if old is not None and old.pk in mapping:
                    new = units[mapping[old.pk]]
                    establishment.commune = new if new.level == UnitLevel.COMMUNE else None
                    establishment.province = new if new.level == UnitLevel.PROVINCE else new.province
                    establishment.legacy_commune = establishment.legacy_commune or old
                    establishment.commune_as_written = establishment.commune_as_written or f"{old}, {old.province}"
                elif establishment.province_id in mapping:
                    establishment.province = units[mapping[establishment.province_id]]
                establishment.version += 1
                establishment.save()
                audit_record(
                    actor=actor,
                    action="establishment.repoint_units",
                    obj=establishment,
                    before=before,
                    after={"province": establishment.province_id, "commune": establishment.commune_id},
                    note=f"Thay đổi đơn vị hành chính có hiệu lực từ {since:%d/%m/%Y}.",
                )
    return len(ids)
