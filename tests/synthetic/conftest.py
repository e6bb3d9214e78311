import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Documents the services writer attaches to projects are real files, in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
