"""The second process of a large import: items come back in order from another process, a file's error keeps
its message and details, any other failure says what happened, and stopping early stops the process."""

from __future__ import annotations

import os

import pytest

from khuyencong.core.errors import ValidationFailed
from khuyencong.imports.second_process import items_from_second_process

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the second process is forked")


def numbered(count: int):
    for number in range(count):
        yield number, os.getpid()


def test_items_come_back_in_order_across_batches_from_another_process():
    items = list(items_from_second_process(lambda: numbered(1234), batch_size=100))
    assert [number for number, _ in items] == list(range(1234))
    pids = {pid for _, pid in items}
    assert len(pids) == 1 and os.getpid() not in pids


def test_nothing_to_produce_gives_nothing():
    assert list(items_from_second_process(lambda: iter(()), batch_size=10)) == []


def unreadable_after(count: int):
    yield from range(count)
    raise ValidationFailed("Không đọc được tệp: hỏng ở dòng 3.", details={"file": ["Tệp hỏng."]})


def test_a_files_error_is_raised_again_with_its_message_and_details():
    received = []
    with pytest.raises(ValidationFailed) as caught:
        for item in items_from_second_process(lambda: unreadable_after(3), batch_size=2):
            received.append(item)
    assert received == [0, 1]  # the last, incomplete batch is not sent before the error
    assert caught.value.message == "Không đọc được tệp: hỏng ở dòng 3."
    assert caught.value.details == {"file": ["Tệp hỏng."]}


def broken():
    yield 1
    raise KeyError("cột không có")


def test_any_other_failure_carries_the_second_process_traceback():
    with pytest.raises(RuntimeError) as caught:
        list(items_from_second_process(broken, batch_size=10))
    assert "KeyError: 'cột không có'" in str(caught.value)
    assert "in broken" in str(caught.value)


def endless():
    number = 0
    while True:
        yield number, os.getpid()
        number += 1


def test_stopping_early_stops_the_second_process():
    items = items_from_second_process(endless, batch_size=50)
    first = [next(items) for _ in range(120)]
    assert [number for number, _ in first] == list(range(120))
    pid = first[0][1]
    os.kill(pid, 0)  # still running, waiting to send more
    items.close()
    with pytest.raises(ProcessLookupError):  # killed, and reaped by close()
        os.kill(pid, 0)


def asks_the_database():
    from khuyencong.geo.models import Unit

    yield Unit.objects.count()


@pytest.mark.django_db
def test_the_second_process_cannot_use_the_first_ones_database_connection():
    with pytest.raises(RuntimeError) as caught:
        list(items_from_second_process(asks_the_database, batch_size=10))
    assert "must not use the database" in str(caught.value)
