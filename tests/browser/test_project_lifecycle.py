"""One national project walked from draft to settled in chromium, each step taken by the persona the law
names: the province's officer drafts, the Sở's leader appraises, the Cục appraises, plans, contracts, pays,
accepts and settles. Screenshots of the main pages land in var/screenshots/."""

from __future__ import annotations

import uuid

from django.utils import timezone

from khuyencong.programmes.models import MoneyMovement, Project, ProjectStatus
from tests.browser.conftest import screenshot, sign_in

TODAY = timezone.localdate().strftime("%d/%m/%Y")
YEAR = "2029"


def as_user(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def open_project(page, project: Project) -> None:
    page.goto(f"{page.base_url}/de-an/{project.pk}/")


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def take_step(page, button: str, fields: dict[str, str] | None = None, checks: str | None = None) -> None:
    """Press the step's button on the project page, fill its form, confirm."""
    click_and_wait(page, page.get_by_role("link", name=button, exact=True))
    if checks:
        for box in page.locator(f"input[name='{checks}']").all():
            box.check()
    for label, value in (fields or {}).items():
        page.get_by_label(label).fill(value)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert not page.locator(".alert-danger").count(), page.locator(".alert-danger").first.inner_text()


def attach(page, doc_type_label: str, title: str) -> None:
    click_and_wait(page, page.get_by_role("link", name="Đính kèm văn bản").first)
    page.get_by_label("Loại văn bản").select_option(label=doc_type_label)
    page.get_by_label("Trích yếu").fill(title)
    page.get_by_label("Số hiệu").fill("01")
    page.get_by_label("Ngày ban hành").fill(TODAY)
    page.get_by_label("Tệp").set_input_files(
        {"name": "van-ban.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 van ban\n"}
    )
    click_and_wait(page, page.get_by_role("button", name="Lưu"))


def enter_money(page, kind: str, amount: str, number: str) -> None:
    click_and_wait(page, page.get_by_role("link", name="Nhập giải ngân"))
    page.get_by_label("Nguồn vốn").select_option(label="Kinh phí khuyến công quốc gia")
    page.get_by_label("Loại").select_option(label=kind)
    page.get_by_label("Số tiền").fill(amount)
    page.get_by_label("Số chứng từ").fill(number)
    click_and_wait(page, page.get_by_role("button", name="Lưu"))


def approve_pending_money(page) -> None:
    while page.locator("#giai-ngan a", has_text="Duyệt").count():
        click_and_wait(page, page.locator("#giai-ngan a", has_text="Duyệt").first)
        page.get_by_label("Duyệt", exact=True).check()
        click_and_wait(page, page.get_by_role("button", name="Ghi quyết định"))


def test_national_project_from_draft_to_settled(page, web_personas):
    title = f"Hỗ trợ ứng dụng máy tách màu gạo {uuid.uuid4().hex[:6]}"

    # 1. The Sở's officer drafts the project, its budget, outputs, beneficiary and dossier, and submits it.
    as_user(page, "province_a_officer")
    page.goto(f"{page.base_url}/de-an/")
    click_and_wait(page, page.get_by_role("link", name="Lập đề án"))
    page.get_by_label("Tên đề án").fill(title)
    page.get_by_label("Loại đề án").select_option("national")
    page.get_by_label("Thuộc chương trình").select_option(label="Chương trình khuyến công quốc gia giai đoạn 2026–2030")
    page.get_by_label("Năm kế hoạch").fill(YEAR)
    page.get_by_label("Đơn vị thực hiện").select_option(index=1)
    page.get_by_label("Ngày bắt đầu").fill(f"01/03/{YEAR}")
    page.get_by_label("Ngày kết thúc").fill(f"30/11/{YEAR}")
    page.get_by_label("Ứng dụng máy móc, thiết bị tiên tiến vào sản xuất").check()
    page.get_by_label("Mục tiêu").fill("Nâng cao chất lượng gạo xuất khẩu của các cơ sở xay xát.")
    click_and_wait(page, page.get_by_role("button", name="Lưu"))
    project = Project.objects.get(title=title)
    assert page.get_by_text(project.code).first.is_visible()

    click_and_wait(page, page.get_by_role("link", name="Dự toán", exact=True))
    page.locator("#id_budget-0-source").select_option(label="Kinh phí khuyến công quốc gia")
    page.locator("#id_budget-0-content_item").select_option(index=1)
    page.locator("#id_budget-0-amount").fill("200 triệu")
    page.locator("#id_budget-1-source").select_option(label="Vốn đối ứng của đơn vị thụ hưởng")
    page.locator("#id_budget-1-content_item").select_option(index=1)
    page.locator("#id_budget-1-amount").fill("300 triệu")
    click_and_wait(page, page.get_by_role("button", name="Lưu dự toán"))

    click_and_wait(page, page.get_by_role("link", name="Sản phẩm đầu ra", exact=True))
    page.get_by_label("Máy móc, thiết bị tiên tiến được ứng dụng (máy)").fill("2")
    click_and_wait(page, page.get_by_role("button", name="Lưu"))

    click_and_wait(page, page.get_by_role("link", name="Thêm cơ sở thụ hưởng"))
    page.get_by_label("Tìm cơ sở theo tên").fill("phu vinh")
    click_and_wait(page, page.get_by_role("button", name="Tìm"))
    page.get_by_label("Hợp tác xã Mây tre đan Phú Vinh").check()
    page.get_by_label("Nội dung hỗ trợ").select_option(index=1)
    page.get_by_label("Kinh phí nhà nước hỗ trợ").fill("150 triệu")
    page.get_by_label("Vốn đối ứng của cơ sở").fill("225 triệu")
    page.get_by_label("Giải trình nếu cơ sở đã được hỗ trợ cùng nội dung").fill("Chưa từng được hỗ trợ máy tách màu.")
    click_and_wait(page, page.get_by_role("button", name="Thêm vào đề án"))
    attach(page, "Thuyết minh, hồ sơ đăng ký đề án", "Thuyết minh đề án")
    screenshot(page, "project-draft")
    take_step(page, "Gửi Sở Công Thương thẩm định")
    assert page.get_by_text("Chờ Sở thẩm định").first.is_visible()

    # 2. The Sở's leader finds it in "my work" and appraises it.
    as_user(page, "province_a_leader")
    page.goto(f"{page.base_url}/viec-cua-toi/")
    screenshot(page, "my-work-leader")
    click_and_wait(page, page.get_by_role("link", name=project.code, exact=True))
    appraisal = {
        "Thành viên hội đồng/tổ thẩm định (mỗi người một dòng)": "Nguyễn Văn A\nTrần Thị B\nLê Văn C",
        "Điểm thẩm định (0–100)": "85",
        "Ý kiến thẩm định": "Đề án đạt yêu cầu.",
        "Số văn bản thẩm định": "15/TB-SCT",
        "Ngày thẩm định": TODAY,
    }
    take_step(page, "Thẩm định cấp cơ sở: đạt", appraisal, checks="checklist")
    assert page.get_by_text("Chờ Cục thẩm định").first.is_visible()

    # 3. The Cục appraises it at ministry level.
    as_user(page, "central_leader")
    open_project(page, project)
    take_step(page, "Thẩm định cấp Bộ: đạt", {**appraisal, "Số văn bản thẩm định": "88/TB-CĐMST"}, checks="checklist")

    # 4. The Cục's officer draws up the national plan with its allocation and this project; the leader approves.
    as_user(page, "central_officer")
    page.goto(f"{page.base_url}/ke-hoach/moi/")
    page.get_by_label("Năm kế hoạch").fill(YEAR)
    page.get_by_label("Tên kế hoạch").fill(f"Kế hoạch khuyến công quốc gia năm {YEAR}")
    click_and_wait(page, page.get_by_role("button", name="Lưu"))
    click_and_wait(page, page.get_by_role("link", name="Kinh phí được giao"))
    page.get_by_label("Kinh phí được giao — Kinh phí khuyến công quốc gia").fill("1 tỷ")
    click_and_wait(page, page.get_by_role("button", name="Lưu"))
    page.get_by_label("Đề án đã phê duyệt").select_option(label=f"{project.code} — {title}")
    click_and_wait(page, page.get_by_role("button", name="Đưa vào kế hoạch"))
    click_and_wait(page, page.get_by_role("link", name="Trình phê duyệt"))
    click_and_wait(page, page.get_by_role("button", name="Lưu"))
    as_user(page, "central_leader")
    page.goto(f"{page.base_url}/viec-cua-toi/")
    click_and_wait(page, page.get_by_role("link", name=f"Kế hoạch khuyến công quốc gia năm {YEAR}", exact=True))
    screenshot(page, "plan-submitted")
    click_and_wait(page, page.get_by_role("link", name="Phê duyệt kế hoạch"))
    page.get_by_label("Số quyết định/văn bản").fill("1234/QĐ-BCT")
    page.get_by_label("Ngày quyết định").fill(TODAY)
    click_and_wait(page, page.get_by_role("button", name="Lưu"))
    open_project(page, project)
    assert page.get_by_text("Trong kế hoạch đã duyệt").first.is_visible()

    # 5. The Cục's officer signs the contract; the province's officer starts and reports progress.
    as_user(page, "central_officer")
    open_project(page, project)
    attach(page, "Hợp đồng / quyết định giao nhiệm vụ", "Hợp đồng thực hiện đề án")
    take_step(page, "Ký hợp đồng / giao nhiệm vụ", {
        "Số hợp đồng/quyết định": "05/2029/HĐ-KCQG", "Ngày ký": TODAY, "Giá trị (đồng)": "200 triệu",
    })  # fmt: skip
    as_user(page, "province_a_officer")
    open_project(page, project)
    take_step(page, "Bắt đầu triển khai", {"Ngày bắt đầu triển khai": TODAY})
    click_and_wait(page, page.get_by_role("link", name="Báo cáo tiến độ"))
    page.get_by_label("Tính đến ngày").fill(TODAY)
    page.get_by_label("Khối lượng hoàn thành (%)").fill("80")
    page.get_by_label("Kết quả thực hiện").fill("Đã lắp đặt máy tách màu, đang chạy thử.")
    click_and_wait(page, page.get_by_role("button", name="Lưu"))

    # 6. An advance is entered by the Cục's officer and approved by its leader, who then accepts the project.
    as_user(page, "central_officer")
    open_project(page, project)
    enter_money(page, "Tạm ứng", "100 triệu", "TU-01")
    attach(page, "Biên bản nghiệm thu", "Biên bản nghiệm thu đề án")
    as_user(page, "central_leader")
    open_project(page, project)
    approve_pending_money(page)
    take_step(page, "Nghiệm thu", {
        "Ngày nghiệm thu": TODAY, "Thực hiện: Máy móc, thiết bị tiên tiến được ứng dụng (kế hoạch 2 máy)": "2",
    })  # fmt: skip

    # 7. Settlement at 190 million, the final payment of 90 million, approved; the project is settled.
    as_user(page, "central_officer")
    open_project(page, project)
    enter_money(page, "Quyết toán", "190 triệu", "QT-01")
    enter_money(page, "Thanh toán", "90 triệu", "TT-01")
    attach(page, "Quyết định phê duyệt quyết toán", "Quyết định phê duyệt quyết toán")
    as_user(page, "central_leader")
    open_project(page, project)
    approve_pending_money(page)
    take_step(page, "Phê duyệt quyết toán", {"Ngày phê duyệt quyết toán": TODAY})
    assert page.get_by_text("Đã quyết toán").first.is_visible()
    screenshot(page, "project-settled")

    project.refresh_from_db()
    assert project.status == ProjectStatus.SETTLED
    assert list(project.state_changes.values_list("action", flat=True)) == [
        "submit", "appraise", "approve", "include_in_plan", "sign_contract", "start", "accept", "settle",
    ]  # fmt: skip
    assert sorted(MoneyMovement.objects.filter(project=project).values_list("kind", "status")) == [
        ("advance", "approved"), ("payment", "approved"), ("settlement", "approved"),
    ]  # fmt: skip

    # The project list shows it with its money, and the project page for the auditor too.
    as_user(page, "province_a_viewer")
    page.goto(f"{page.base_url}/de-an/?year={YEAR}")
    assert page.get_by_role("link", name=project.code).is_visible()
    screenshot(page, "project-list")
