"""Bounds on one piece of work: a deadline, and how much memory it may add.

A query that runs away (a cross product, an ORDER BY over it) would
otherwise run for hours or take the machine's memory until the process is
killed. The work runs in a worker thread (Oxigraph and the socket reads let
go of the GIL); the calling thread watches the clock and the process's
resident memory, and gives up with a :class:`LimitExceeded` naming the
bound that was hit. The worker is a daemon thread: it is left to end with
the process, which a command does right after reporting the error.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import InputError

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
# What a query may add to the process's memory unless the workspace says otherwise
# ($KG_QUERY_MEMORY_MB): a million-triple graph answers every saved query within a few hundred megabytes.
DEFAULT_MEMORY_MB = 4096
_POLL_SECONDS = 0.02


class LimitExceeded(InputError):
    """The work hit its deadline or its memory bound (exit code 2, as a server's timeout is)."""


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds
    memory_mb: int = DEFAULT_MEMORY_MB  # megabytes the work may add to the process


def resident_bytes() -> int:
    """The process's resident memory (Linux: /proc/self/statm; elsewhere 0, so never bounded)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def run_within(work: Callable[[], T], limits: Limits | None, what: str = "the query") -> T:
    """``work()``'s result, or LimitExceeded if it outlasts ``limits.timeout`` or outgrows ``limits.memory_mb``."""
    if limits is None:
        return work()
    try:
        return _watched(work, limits.timeout, limits.memory_mb * 1024 * 1024)
    except TimeoutError:
        raise LimitExceeded(f"{what} was stopped: it did not finish within {limits.timeout:g} s "
                            "(the deadline, --timeout); narrow it down or give it more time") from None
    except MemoryError:
        raise LimitExceeded(f"{what} was stopped: it needed more than {limits.memory_mb} MB of memory "
                            "(the memory bound, $KG_QUERY_MEMORY_MB); narrow it down (a LIMIT, fewer patterns)") from None


def call_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """``work()``'s result, or TimeoutError once ``seconds`` have passed, however the work is blocked
    (a socket read that gets a byte a second never times out on its own)."""
    return _watched(work, seconds, None)


def _watched(work: Callable[[], T], seconds: float, memory_bound: int | None) -> T:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # re-raised in the calling thread
            outcome["error"] = error

    baseline = resident_bytes() if memory_bound is not None else 0
    worker = threading.Thread(target=run, name="kg-bounded", daemon=True)
    deadline = time.monotonic() + seconds
    worker.start()
    while True:
        worker.join(_POLL_SECONDS)
        if not worker.is_alive():
            break
        if memory_bound is not None and resident_bytes() - baseline > memory_bound:
            raise MemoryError
        if time.monotonic() > deadline:
            raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
