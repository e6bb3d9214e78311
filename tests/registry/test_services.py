"""Registry services: validation messages, duplicates, scope, versions, approval, merge, products, certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image

from khuyencong.accounts.models import User
from khuyencong.accounts.roles import Role, user_roles
from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.registry import services
from khuyencong.registry.models import (
    Certification,
    CertificationKind,
    Establishment,
    EstablishmentStatus,
    LegalForm,
    Product,
    ProductGroup,
    ProductPhoto,
    YearlyFigures,
)
from tests.registry.helpers import commune, division, image_upload, make, with_figures

pytestmark = pytest.mark.django_db

VALID_TAX_CODE = "0100109106"


def test_create_reports_every_field_error_in_vietnamese_and_writes_nothing(personas):
    count = Establishment.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.establishment_create(
            actor=personas.province_a_officer,
            data={
                "name": "  ",
                "legal_form": "cong_ty",
                "tax_code": "0100109107",
                "phone": "12345",
                "email": "khong-phai-email",
                "latitude": "21,03",
                "year_founded": 1700,
                "website": "không phải trang web",
            },
            province=personas.province_a,
        )
    details = error.value.details
    assert details["name"] == ["Cần nhập tên cơ sở."]
    assert details["legal_form"][0].startswith("Chọn loại hình: doanh nghiệp, hợp tác xã")
    assert details["tax_code"] == [
        "Mã số thuế không hợp lệ: '0100109107' (sai chữ số kiểm tra, chữ số thứ 10 phải là 6)"
    ]
    assert details["phone"] == ["Số điện thoại không hợp lệ: “12345” (cần 10 hoặc 11 chữ số, bắt đầu bằng 0)"]
    assert details["email"] == ["Địa chỉ thư điện tử không hợp lệ: “khong-phai-email”"]
    assert details["latitude"] == ["Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."]
    assert details["year_founded"][0].startswith("Năm thành lập phải từ 1800 đến ")
    assert details["website"] == ["Địa chỉ trang web không hợp lệ."]
    assert Establishment.objects.count() == count


def test_the_rules_compare_dates_with_the_day_given_or_today(personas):
    # An import passes the day once per chunk; without it the rules ask the clock, with the same answers.
    data = {"name": "Cơ sở Gốm", "legal_form": LegalForm.HOUSEHOLD, "year_founded": 2024,
            "business_reg_date": dt.date(2024, 5, 1)}  # fmt: skip
    assert services.clean_profile(data)["year_founded"] == 2024
    assert services.clean_profile(data, today=dt.date(2024, 5, 1))["business_reg_date"] == dt.date(2024, 5, 1)
    with pytest.raises(ValidationFailed) as caught:
        services.clean_profile(data, today=dt.date(2023, 12, 31))
    assert caught.value.details == {
        "business_reg_date": ["Ngày cấp đăng ký kinh doanh không được sau hôm nay."],
        "year_founded": ["Năm thành lập phải từ 1800 đến 2023."],
    }
    assert services.clean_figures({"employees_total": 3}, year=2024)[0] == 2024
    with pytest.raises(ValidationFailed, match="Năm số liệu phải từ 1990 đến 2023."):
        services.clean_figures({"employees_total": 3}, year=2024, today=dt.date(2023, 6, 1))


def test_create_normalises_and_audits(personas):
    bat_trang = commune("01", "Bát Tràng")
    establishment = services.establishment_create(
        actor=personas.province_a_officer,
        data={
            "name": "  Hợp tác xã  Gốm sứ Bát Tràng ",
            "legal_form": LegalForm.COOPERATIVE,
            "tax_code": " 0100109106 ",
            "commune": bat_trang,
            "phone": "+84 912.345.678 / 024 3874 0123",
            "email": "GomSu@BatTrang.VN",
            "latitude": "20,9747",
            "longitude": "105,9121",
            "main_industry": division("23"),
            "industries": [division("32")],
        },
    )
    assert establishment.name == "Hợp tác xã Gốm sứ Bát Tràng"
    assert establishment.province == personas.province_a and establishment.commune == bat_trang
    assert establishment.tax_code == VALID_TAX_CODE
    assert establishment.phone == "0912345678, 02438740123"
    assert establishment.email == "gomsu@battrang.vn"
    assert str(establishment.latitude) == "20.974700"
    assert establishment.name_key == "gom su bat trang"
    assert "0100109106" in establishment.search_folded and "hop tac xa gom su bat trang" in establishment.search_folded
    assert sorted(i.code for i in establishment.industries.all()) == ["23", "32"]
    event = AuditEvent.objects.get(action="establishment.create", object_id=str(establishment.pk))
    assert event.actor == personas.province_a_officer and event.after["tax_code"] == VALID_TAX_CODE


def test_the_same_tax_code_is_refused_and_names_the_record_only_within_scope(personas):
    other = make("Công ty TNHH Mây Việt", where=personas.province_b, tax_code=VALID_TAX_CODE,
                 legal_form=LegalForm.ENTERPRISE)  # fmt: skip
    with pytest.raises(ValidationFailed) as error:
        make("Cơ sở Khác", where=personas.province_a, tax_code=VALID_TAX_CODE, actor=personas.province_a_officer)
    assert error.value.details["tax_code"] == [
        "Mã số thuế 0100109106 đã được đăng ký cho một cơ sở khác thuộc phạm vi quản lý khác."
    ]
    with pytest.raises(ValidationFailed) as error:
        make("Cơ sở Khác", where=personas.province_b, tax_code=VALID_TAX_CODE, actor=personas.province_b_officer)
    assert error.value.details["tax_code"] == [
        f"Mã số thuế 0100109106 đã được đăng ký cho một cơ sở khác: Công ty TNHH Mây Việt (mã {other.pk})."
    ]


def test_a_similar_name_in_the_same_commune_warns_and_can_be_confirmed(personas):
    bat_trang = commune("01", "Bát Tràng")
    first = make("HTX Gốm Bát Tràng", where=bat_trang, legal_form=LegalForm.COOPERATIVE)
    with pytest.raises(services.PossibleDuplicate) as warning:
        make("Hợp tác xã gốm Bát Tràng", where=bat_trang, actor=personas.province_a_officer)
    assert warning.value.status == 409
    assert warning.value.details["similar"] == [{"id": first.pk, "name": "HTX Gốm Bát Tràng", "tax_code": None}]
    second = services.establishment_create(
        actor=personas.province_a_officer,
        data={"name": "Hợp tác xã gốm Bát Tràng", "legal_form": LegalForm.COOPERATIVE, "commune": bat_trang},
        confirm_similar=True,
    )
    event = AuditEvent.objects.get(action="establishment.create", object_id=str(second.pk))
    assert event.note == "Xác nhận không trùng với cơ sở cùng tên trong xã."
    make("HTX Gốm Bát Tràng", where=commune("01", "Gia Lâm"))  # another commune: no warning


def test_create_stays_within_the_actors_scope(personas):
    for actor in (personas.province_a_viewer, personas.establishment_user):
        with pytest.raises(PermissionDenied):
            make("Cơ sở X", where=personas.province_a, actor=actor)
    with pytest.raises(PermissionDenied, match="không phải Thành phố Hồ Chí Minh"):
        make("Cơ sở X", where=personas.province_b, actor=personas.province_a_officer)
    own = services.establishment_create(
        actor=personas.province_a_officer, data={"name": "Cơ sở Y", "legal_form": LegalForm.HOUSEHOLD}
    )
    assert own.province == personas.province_a  # a provincial user's records are its province's


def test_a_stale_edit_changes_nothing_and_a_fresh_one_is_audited_field_by_field(personas):
    establishment = personas.establishment_a
    services.establishment_update(
        actor=personas.province_a_officer, establishment_id=establishment.pk, version=1,
        data={"craft_village": "Làng nghề mây tre đan Phú Vinh", "phone": "0912 000 111"},
    )  # fmt: skip
    with pytest.raises(Conflict) as conflict:
        services.establishment_update(
            actor=personas.establishment_user, establishment_id=establishment.pk, version=1,
            data={"craft_village": "Ghi đè"},
        )  # fmt: skip
    assert "đã được người khác cập nhật" in conflict.value.message and conflict.value.status == 409
    establishment.refresh_from_db()
    assert (establishment.version, establishment.craft_village) == (2, "Làng nghề mây tre đan Phú Vinh")
    event = AuditEvent.objects.get(action="establishment.update", object_id=str(establishment.pk))
    assert event.before == {"craft_village": "", "phone": ""}
    assert event.after == {"craft_village": "Làng nghề mây tre đan Phú Vinh", "phone": "0912000111"}


def test_a_representative_edits_its_own_record_but_cannot_move_it_or_reach_others(personas):
    establishment = personas.establishment_a
    services.establishment_update(actor=personas.establishment_user, establishment_id=establishment.pk, version=1,
                                  data={"main_products": "Giỏ mây\nĐèn tre"})  # fmt: skip
    with pytest.raises(ValidationFailed, match="liên hệ Sở Công Thương"):
        services.establishment_update(actor=personas.establishment_user, establishment_id=establishment.pk,
                                      version=2, data={"commune": commune("79", "Thủ Dầu Một")})  # fmt: skip
    other = make("Cơ sở Bên Cạnh", where=personas.province_a)
    with pytest.raises(NotFound):
        services.establishment_update(actor=personas.establishment_user, establishment_id=other.pk, version=1,
                                      data={"name": "Chiếm"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.establishment_update(actor=personas.province_a_viewer, establishment_id=establishment.pk,
                                      version=2, data={"name": "Xem"})  # fmt: skip


def register(**overrides):
    account = {"username": "htx.cafe", "full_name": "Nguyễn Thị Hoa", "email": "hoa@example.test",
               "phone": "0988 123 456", "password": "Cà-phê-Ba-Vì-2026"}  # fmt: skip
    data = {"name": "HTX Cà phê Hoa Ba Vì", "legal_form": LegalForm.COOPERATIVE, "commune": commune("01", "Ba Vì"),
            "address": "Thôn Yên Bái", "main_products": "Cà phê"}  # fmt: skip
    account.update(overrides.pop("account", {}))
    data.update(overrides)
    return services.establishment_self_register(account=account, data=data)


def test_self_registration_makes_an_active_account_and_a_pending_record(personas):
    user, establishment = register()
    assert user.is_active and user.establishment == establishment
    assert user_roles(user) == {Role.ESTABLISHMENT_REP}
    assert establishment.status == EstablishmentStatus.PENDING and establishment.province == personas.province_a
    assert establishment.created_by == user and establishment.source == "self_registration"
    assert services.access_establishment(user, establishment.pk) == establishment
    event = AuditEvent.objects.get(action="establishment.self_register")
    assert event.actor == user and event.after["account"] == "htx.cafe"


def test_self_registration_validates_everything_strictly(personas):
    make("HTX Đã Có", where=personas.province_a, tax_code=VALID_TAX_CODE, legal_form=LegalForm.COOPERATIVE)
    with pytest.raises(ValidationFailed) as error:
        register(
            account={"username": "establishment_user", "email": "hỏng", "password": "123", "full_name": ""},
            commune=None,
            name="",
        )
    details = error.value.details
    assert details["username"] == ["Tên đăng nhập này đã có người dùng."]
    assert details["email"] == ["Địa chỉ thư điện tử không hợp lệ: “hỏng”"]
    assert details["full_name"] == ["Cần nhập họ và tên người đăng ký."]
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in details["password"]
    assert details["name"] == ["Cần nhập tên cơ sở."]
    with pytest.raises(ValidationFailed, match="đã có trong hệ thống"):
        register(tax_code=VALID_TAX_CODE)
    assert not User.objects.filter(username="htx.cafe").exists()


def test_the_province_approves_or_rejects_with_a_reason_and_it_is_audited(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    user, establishment = register()
    with pytest.raises(PermissionDenied):
        services.establishment_approve(actor=personas.province_a_officer, establishment_id=establishment.pk)
    with pytest.raises(NotFound):  # outside its scope: not even revealed
        services.establishment_reject(
            actor=personas.province_b_officer, establishment_id=establishment.pk, reason="Không thuộc tỉnh"
        )
    with pytest.raises(ValidationFailed, match="Cần ghi lý do từ chối"):
        services.establishment_reject(actor=personas.province_a_leader, establishment_id=establishment.pk, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.establishment_reject(
            actor=personas.province_a_leader, establishment_id=establishment.pk, reason="Thiếu số đăng ký kinh doanh"
        )
    establishment.refresh_from_db()
    assert establishment.status == EstablishmentStatus.REJECTED
    assert establishment.status_reason == "Thiếu số đăng ký kinh doanh"
    assert mailoutbox[-1].to == ["hoa@example.test"] and "Thiếu số đăng ký kinh doanh" in mailoutbox[-1].body
    services.establishment_resubmit(actor=user, establishment_id=establishment.pk)
    services.establishment_approve(actor=personas.province_a_leader, establishment_id=establishment.pk)
    establishment.refresh_from_db()
    assert establishment.status == EstablishmentStatus.ACTIVE and establishment.decided_by == personas.province_a_leader
    with pytest.raises(Conflict, match="không còn chờ duyệt"):
        services.establishment_approve(actor=personas.province_a_leader, establishment_id=establishment.pk)
    actions = list(
        AuditEvent.objects.filter(object_id=str(establishment.pk), object_type="registry.establishment")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "establishment.self_register",
        "establishment.reject",
        "establishment.resubmit",
        "establishment.approve",
    ]


def test_merge_moves_every_link_and_keeps_the_duplicate_as_merged(personas):
    bat_trang = commune("01", "Bát Tràng")
    survivor = make("HTX Gốm Bát Tràng", where=bat_trang, legal_form=LegalForm.COOPERATIVE,
                    main_industry=division("23"))  # fmt: skip
    duplicate = services.establishment_create(
        actor=None, confirm_similar=True,
        data={"name": "Hợp tác xã gốm sứ Bát Tràng", "legal_form": LegalForm.COOPERATIVE, "commune": bat_trang,
              "tax_code": VALID_TAX_CODE, "industries": [division("32")]},
    )  # fmt: skip
    with_figures(survivor, 2023, employees_total=30, employees_insured=9, revenue=2_000_000_000)
    with_figures(duplicate, 2023, employees_total=99, employees_insured=99, revenue=1)
    with_figures(duplicate, 2022, employees_total=20, employees_insured=7, revenue=1_500_000_000)
    product = services.product_create(actor=None, establishment_id=duplicate.pk,
                                      data={"name": "Bình gốm men lam", "group": ProductGroup.HANDICRAFT})  # fmt: skip
    services.certification_create(
        actor=None, establishment_id=duplicate.pk,
        data={"kind": CertificationKind.OCOP, "stars": 4, "level": "tinh", "issuer": "UBND Thành phố Hà Nội",
              "decision_number": "45/QĐ-UBND", "decision_date": dt.date(2024, 3, 1), "product": product},
    )  # fmt: skip
    User.objects.filter(pk=personas.establishment_user.pk).update(establishment=duplicate)

    with pytest.raises(PermissionDenied):
        services.establishment_merge(actor=personas.province_a_officer, survivor_id=survivor.pk,
                                     duplicate_id=duplicate.pk)  # fmt: skip
    services.establishment_merge(actor=personas.province_a_leader, survivor_id=survivor.pk, duplicate_id=duplicate.pk,
                                 reason="Cùng một HTX, nhập hai lần")  # fmt: skip

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == EstablishmentStatus.MERGED and duplicate.merged_into == survivor
    assert duplicate.tax_code is None and survivor.tax_code == VALID_TAX_CODE
    assert survivor.other_names == "Hợp tác xã gốm sứ Bát Tràng"
    assert Product.objects.get().establishment == survivor
    assert Certification.objects.get().establishment == survivor
    assert User.objects.get(pk=personas.establishment_user.pk).establishment == survivor
    assert sorted(survivor.figures.values_list("year", "employees_total")) == [(2022, 20), (2023, 30)]
    assert not YearlyFigures.objects.filter(establishment=duplicate).exists()
    assert sorted(i.code for i in survivor.industries.all()) == ["23", "32"]
    event = AuditEvent.objects.get(action="establishment.merge", object_id=str(survivor.pk))
    assert event.after["moved"] == {"registry.product": 1, "registry.certification": 1, "registry.yearlyfigures": 1,
                                    "accounts.user": 1}  # fmt: skip
    assert event.after["dropped_figures"][0]["employees_total"] == 99 and event.note == "Cùng một HTX, nhập hai lần"
    assert AuditEvent.objects.filter(action="establishment.merged_into", object_id=str(duplicate.pk)).exists()
    with pytest.raises(Conflict, match="đã được gộp"):
        services.establishment_update(actor=personas.province_a_officer, establishment_id=duplicate.pk,
                                      version=duplicate.version, data={"name": "Sửa bản đã gộp"})  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.establishment_merge(actor=personas.province_a_leader, survivor_id=survivor.pk,
                                     duplicate_id=survivor.pk)  # fmt: skip


def test_size_class_uses_the_most_favourable_criterion_and_the_sector(personas):
    factory = make("Công ty TNHH Cơ khí Đông Anh", where=personas.province_a, legal_form=LegalForm.ENTERPRISE)
    assert with_figures(factory, 2024, employees_insured=10, capital=3_000_000_000).size_class == "micro"
    assert with_figures(factory, 2024, employees_insured=11, revenue=3_000_000_000).size_class == "small"
    # 90 insured workers, revenue above the small ceiling but capital under it: small, not medium.
    assert (
        with_figures(factory, 2024, employees_insured=90, revenue=80 * 10**9, capital=15 * 10**9).size_class == "small"
    )
    assert with_figures(factory, 2024, employees_insured=150, revenue=150 * 10**9).size_class == "medium"
    assert with_figures(factory, 2024, employees_insured=250, revenue=10**9).size_class == "large"
    assert with_figures(factory, 2024, employees_total=40).size_class == ""  # nothing to decide on
    shop = make("Công ty TNHH Thương mại Gốm", where=personas.province_a, legal_form=LegalForm.ENTERPRISE,
                main_industry=division("47"))  # fmt: skip
    # Trade and services: 60 insured workers is medium (small stops at 50), 8 bn revenue is still micro.
    assert with_figures(shop, 2024, employees_insured=60, revenue=60 * 10**9).size_class == "medium"
    assert with_figures(shop, 2024, employees_insured=5, revenue=8 * 10**9).size_class == "micro"
    with_figures(shop, 2020, employees_insured=5, revenue=8 * 10**9)
    assert (shop.size_class, shop.size_year) == ("micro", 2024)  # the latest year decides


def test_thresholds_are_data_and_a_change_recomputes_sizes(personas, django_capture_on_commit_callbacks):
    from khuyencong.registry.models import SizeThreshold

    factory = with_figures(make("Xưởng A", where=personas.province_a), 2024, employees_insured=8, revenue=10**9)
    assert factory.size_class == "micro"
    micro = SizeThreshold.objects.get(sector_group="industry", size_class="micro")
    data = {
        field: getattr(micro, field)
        for field in (
            "sector_group",
            "vsic_sections",
            "size_class",
            "max_revenue",
            "max_capital",
            "valid_from",
            "valid_to",
            "citation",
            "note",
        )
    }
    with pytest.raises(PermissionDenied):
        services.rule_save(actor=personas.province_a_leader, instance=micro, data={**data, "max_insured_workers": 5})
    with pytest.raises(ValidationFailed, match="căn cứ pháp lý"):
        services.rule_save(actor=personas.central_admin, instance=micro, data={**data, "citation": " "})
    with django_capture_on_commit_callbacks(execute=True):  # the recomputation is a job started after commit
        services.rule_save(actor=personas.central_admin, instance=micro, data={**data, "max_insured_workers": 5})
    factory.refresh_from_db()
    assert factory.size_class == "small"
    assert AuditEvent.objects.filter(action="rule.update", object_id=str(micro.pk)).exists()


def test_eligibility_is_a_flag_with_its_reasons(personas):
    cooperative = make("HTX Mây tre Phú Vinh", where=commune("01", "Phú Nghĩa"), legal_form=LegalForm.COOPERATIVE)
    flag = services.rules.eligibility_of(cooperative, on=dt.date(2026, 1, 1))
    assert (flag.status, flag.reasons) == ("eligible", [])
    assert "235/2025" in flag.citation
    ward = make("Công ty Cổ phần Gốm Hoàn Kiếm", where=commune("01", "Hoàn Kiếm"), legal_form=LegalForm.ENTERPRISE)
    flag = services.rules.eligibility_of(ward, on=dt.date(2026, 1, 1))
    assert flag.status == "verify"
    assert flag.reasons == [
        "Cơ sở đặt tại phường Hoàn Kiếm: chỉ được hỗ trợ khi địa bàn đáp ứng điều kiện của quy định.",
        "Chưa xác định được quy mô doanh nghiệp (cần số lao động BHXH và doanh thu hoặc nguồn vốn).",
    ]
    big = with_figures(ward, 2024, employees_insured=500, revenue=500 * 10**9)
    flag = services.rules.eligibility_of(big, on=dt.date(2026, 1, 1))
    assert flag.status == "not_eligible"
    assert "Doanh nghiệp quy mô “Lớn”: chỉ doanh nghiệp nhỏ và vừa thuộc đối tượng." in flag.reasons
    artisan = make("Nghệ nhân Nguyễn Văn Tre", where=commune("01", "Phú Nghĩa"), legal_form=LegalForm.ARTISAN)
    assert services.rules.eligibility_of(artisan, on=dt.date(2024, 6, 1)).status == "not_eligible"  # before NĐ 235
    assert services.rules.eligibility_of(artisan, on=dt.date(2025, 10, 15)).status == "eligible"


def test_certificates_follow_their_rules(personas):
    establishment = personas.establishment_a
    product = services.product_create(actor=personas.establishment_user, establishment_id=establishment.pk,
                                      data={"name": "Giỏ mây", "group": ProductGroup.HANDICRAFT})  # fmt: skip
    base = {"issuer": "UBND Thành phố Hà Nội", "decision_number": "12/QĐ-UBND", "decision_date": dt.date(2024, 5, 6)}
    cnnt = services.certification_create(actor=personas.province_a_officer, establishment_id=establishment.pk,
                                         data={**base, "kind": CertificationKind.CNNT, "level": "tinh",
                                               "product": product})  # fmt: skip
    assert cnnt.valid_until == dt.date(2026, 12, 31)  # 31/12 of the third year, the year of issue counting
    ocop = services.certification_create(actor=personas.province_a_officer, establishment_id=establishment.pk,
                                         data={**base, "kind": CertificationKind.OCOP, "stars": 4})  # fmt: skip
    assert ocop.valid_until == dt.date(2027, 5, 5)
    with pytest.raises(ValidationFailed) as error:
        services.certification_create(
            actor=personas.province_a_officer, establishment_id=establishment.pk,
            data={"kind": CertificationKind.OCOP, "level": "huyen", "decision_date": dt.date(2025, 8, 1),
                  "issuer": "", "decision_number": "1"},
        )  # fmt: skip
    assert error.value.details == {
        "level": ["Cấp huyện chỉ có trước 01/07/2025 (từ đó không còn cấp huyện)."],
        "stars": ["Chứng nhận OCOP cần ghi số sao (1 đến 5)."],
        "issuer": ["Trường này là bắt buộc."],
    }
    other = make("Cơ sở khác", where=personas.province_a)
    foreign = services.product_create(actor=None, establishment_id=other.pk,
                                      data={"name": "Nón", "group": ProductGroup.HANDICRAFT})  # fmt: skip
    with pytest.raises(ValidationFailed, match="không thuộc cơ sở này"):
        services.certification_create(actor=personas.province_a_officer, establishment_id=establishment.pk,
                                      data={**base, "kind": CertificationKind.CNNT, "level": "tinh",
                                            "product": foreign})  # fmt: skip
    with pytest.raises(Conflict, match="còn chứng nhận"):
        services.product_delete(actor=personas.province_a_officer, product_id=product.pk)


def test_photos_are_checked_re_encoded_and_stored_privately(
    personas, private_files, django_capture_on_commit_callbacks
):
    product = services.product_create(actor=None, establishment_id=personas.establishment_a.pk,
                                      data={"name": "Đèn tre", "group": ProductGroup.HANDICRAFT})  # fmt: skip
    exif = Image.Exif()
    exif[0x010E] = "GPS: 21.0285, 105.8542"  # ImageDescription stands in for metadata that must not leak
    photo = services.product_photo_add(actor=personas.establishment_user, product_id=product.pk,
                                       upload=image_upload(exif=exif.tobytes()), caption="Đèn tre đan")  # fmt: skip
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 64, 48)
    stored = private_files / photo.image.name
    assert stored.exists() and stored.stat().st_size == photo.size_bytes
    with Image.open(stored) as saved:
        assert saved.format == "JPEG" and not saved.getexif()
    fake = image_upload()
    fake.file.seek(0)
    fake.file.write(b"MZ not an image at all")
    fake.file.truncate()
    fake.size = 22
    fake.file.seek(0)
    with pytest.raises(ValidationFailed, match="không phải ảnh JPEG, PNG hoặc WebP"):
        services.product_photo_add(actor=personas.establishment_user, product_id=product.pk, upload=fake)
    huge = image_upload()
    huge.size = services.PHOTO_MAX_BYTES + 1
    with pytest.raises(ValidationFailed, match="Ảnh quá lớn"):
        services.product_photo_add(actor=personas.establishment_user, product_id=product.pk, upload=huge)
    gif = image_upload("a.gif", image_format="GIF")
    with pytest.raises(ValidationFailed, match="JPEG, PNG hoặc WebP"):
        services.product_photo_add(actor=personas.establishment_user, product_id=product.pk, upload=gif)
    assert ProductPhoto.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.product_photo_delete(actor=personas.province_a_officer, photo_id=photo.pk)
    assert not stored.exists()
