import pytest


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Uploaded photos and import files go to a temporary private root, written and read back for real."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT
