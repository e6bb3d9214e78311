import pytest

from tests.reports.builders import build_report_world


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    """Report files are real files, in a temporary private folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world(db):
    return build_report_world()


@pytest.fixture
def small(world):
    """A provincial report of two sections: quick to render, same workflow as the full one."""
    from khuyencong.reports.models import ReportDefinition

    return ReportDefinition.objects.create(
        code="bc-thu-nghiem", title="Tình hình giải ngân kinh phí khuyến công", level="provincial",
        period_types=["quarter", "year"], symbol="BC-SCT", signer_title="GIÁM ĐỐC", recipients="{cuc};\nLưu: VT.",
        sections=[
            {"key": "tinh_hinh", "kind": "narrative", "title": "Tình hình chung", "options": {}},
            {"key": "kinh_phi", "kind": "funds_by_source", "title": "Kinh phí theo nguồn", "options": {}},
        ],
    )  # fmt: skip
