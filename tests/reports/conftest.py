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
