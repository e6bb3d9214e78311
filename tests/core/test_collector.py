"""The collector is tuned while an import works through its rows, and put back as it was afterwards."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from khuyencong.core.collector import BULK_THRESHOLD, bulk_work
from khuyencong.registry.importer import EstablishmentImporter
from tests.imports.builders import write_messy_workbook
from tests.imports.test_establishment_import import commit, messy_rows, upload


class Node:
    me: Node | None = None


def test_bulk_work_freezes_and_raises_the_threshold_then_restores_both():
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with bulk_work():
        assert gc.get_threshold() == (BULK_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0  # what existed when the work started
        with bulk_work():  # nested (a commit validates inside its own run): one setting
            assert gc.get_threshold()[0] == BULK_THRESHOLD
        assert gc.get_threshold()[0] == BULK_THRESHOLD  # the inner block did not end the outer one's
        # A cycle made during the work is garbage the collector still finds.
        node = Node()
        node.me = node
        alive = weakref.ref(node)
        del node
        gc.collect()
        assert alive() is None
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_bulk_work_restores_after_an_error_and_across_threads():
    before = gc.get_threshold()
    with pytest.raises(ValueError), bulk_work():
        raise ValueError("a pass that fails")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0

    started, release = threading.Event(), threading.Event()

    def other_import():
        with bulk_work():
            started.set()
            release.wait(5)

    thread = threading.Thread(target=other_import)
    thread.start()
    started.wait(5)
    with bulk_work():
        pass
    assert gc.get_threshold()[0] == BULK_THRESHOLD  # the other import is still at work
    release.set()
    thread.join()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


@pytest.mark.django_db
def test_an_import_writes_under_bulk_work(personas, tmp_path, monkeypatch):
    seen = []
    write = EstablishmentImporter.write

    def watched(self, rows, context, **kwargs):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
        return write(self, rows, context, **kwargs)

    monkeypatch.setattr(EstablishmentImporter, "write", watched)
    officer = personas.province_a_officer
    batch = commit(officer, upload(officer, write_messy_workbook(tmp_path / "f.xlsx", messy_rows())), "valid-only")
    assert batch.created_count == 3
    assert seen and set(seen) == {(BULK_THRESHOLD, True)}
    assert gc.get_threshold()[0] != BULK_THRESHOLD and gc.get_freeze_count() == 0
