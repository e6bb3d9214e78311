import pytest
from django.test import override_settings

from tests.programmes.builders import build_world


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploaded documents of these tests go to a temporary folder, never to var/media."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def world(db):
    return build_world()
