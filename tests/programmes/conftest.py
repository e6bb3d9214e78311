import pytest

from tests.programmes.builders import build_world


@pytest.fixture
def world(db):
    return build_world()
