"""Running a generator in a second process, so that a large import uses both cores.

The pipeline reads, types and pre-checks a file's rows (pure Python, no database) while the first process
checks the previous rows against the database and writes them. The second process is forked, so it starts
in milliseconds with the pipeline's objects as they are; it must not touch the database (its connections
belong to the first process): what it runs is given the rows and nothing else.

Items come back through a pipe in lists of `batch_size`, sent by a thread of the second process so that it
computes the next lists meanwhile: up to BATCHES_AHEAD lists wait there (a pipe's own buffer, 64 KB, holds
less than one), then the second process waits for the first, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import connections

from khuyencong.core.errors import DomainError

T = TypeVar("T")

_ITEMS, _ERROR, _FAILURE, _END = "items", "error", "failure", "end"
# Lists computed ahead of what the first process has taken: enough to even out chunks that take the first
# process longer (a chunk with many new units to resolve) without holding more than a few thousand rows.
BATCHES_AHEAD = 4


def available() -> bool:
    """Forking is what makes the second process cheap (and shares the pipeline's objects): Linux has it."""
    return "fork" in multiprocessing.get_all_start_methods()


def _refuse_database(execute, sql, params, many, context):
    raise RuntimeError("The second process of an import must not use the database (its connections are the first's).")


def _send_all(sender, messages: queue.Queue) -> None:
    """The second process's sending thread: pickling and writing to the pipe while its main thread goes on."""
    try:
        while True:
            message = messages.get()
            sender.send(message)
            if message[0] != _ITEMS:
                return
    except OSError:  # the first process is gone (the pipe is closed): nobody is waiting for the rows
        os._exit(1)
    finally:
        sender.close()


def _serve(produce: Callable[[], Iterator[T]], sender, batch_size: int) -> None:
    for connection in connections.all():
        # A statement sent on a connection inherited from the first process would mix with its transaction.
        connection.execute_wrappers.append(_refuse_database)
    messages: queue.Queue = queue.Queue(maxsize=BATCHES_AHEAD)
    sending = threading.Thread(target=_send_all, args=(sender, messages), daemon=True)
    sending.start()
    try:
        items: list[T] = []
        for item in produce():
            items.append(item)
            if len(items) >= batch_size:
                messages.put((_ITEMS, items))
                items = []
        if items:
            messages.put((_ITEMS, items))
        messages.put((_END, None))
    except DomainError as error:  # a problem of the file (a corrupt sheet): shown to the user as it is
        messages.put((_ERROR, (type(error), error.message, error.details)))
    except BaseException:
        messages.put((_FAILURE, traceback.format_exc()))
    sending.join()


def items_from_second_process(produce: Callable[[], Iterator[T]], *, batch_size: int = 500) -> Iterator[T]:
    """The items of `produce()`, computed in a forked process while the caller works on the previous ones.

    A domain error raised there (ValidationFailed for an unreadable file) is raised here again with its message
    and details; any other failure as a RuntimeError carrying the second process's traceback. When the caller
    stops early (closes this generator), the second process is stopped.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(produce, sender, batch_size), daemon=True)
    process.start()
    sender.close()
    finished = False
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise RuntimeError(f"The reading process ended without a result (exit code {process.exitcode}).")
            if kind == _ITEMS:
                yield from payload
            elif kind == _END:
                finished = True
                return
            elif kind == _ERROR:
                error_type, message, details = payload
                raise error_type(message, details=details)
            else:
                raise RuntimeError(f"The reading process failed:\n{payload}")
    finally:
        receiver.close()
        if not finished and process.is_alive():
            process.kill()  # it holds nothing to clean up; a signal handler inherited from a server could ignore TERM
        process.join()
