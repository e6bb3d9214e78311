import pytest

from khuyencong.indicators.analytics import rebuild_analytics
from khuyencong.synthetic.generate import generate
from tests.indicators.builders import add_manual_reports, add_targets


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Documents the services attach to projects are real files, in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def generated(db):
    """The tiny generated dataset (4 provinces, 2012–2030, legacy and current units, every project state, money
    of every kind), written in bulk, the analytics table rebuilt, plus approved provincial reports and targets
    for the national programme 2021–2025 (national, per province, per year, on a legacy province)."""
    generate("tiny", 1, log=lambda text: None)
    rebuild_analytics()
    add_manual_reports()
    add_targets()
