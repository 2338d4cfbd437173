"""Exclusive locks, so that concurrent writers and builders take turns.

A lock is ``fcntl.flock`` on an open directory or file: the kernel lets go
of it when the process ends, however it ends, so a killed ``kg add`` never
leaves a stale lock behind, and nothing is written into the locked folder.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from .project import Project

# How long a writer waits for another to finish before giving up with a reason.
WAIT_SECONDS = 600.0


@contextmanager
def exclusive(path: Path, what: str, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a directory, or a file created if missing) while inside.

    ``what`` names the holder in the message given when the wait runs out.
    """
    path = Path(path)
    if path.is_dir():
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InputError(f"{path}: {what} has held the lock for over {wait_seconds:g} s; "
                                     "try again when it has finished") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # closing lets go of the lock


def data_lock(project: Project, wait_seconds: float = WAIT_SECONDS) -> AbstractContextManager[None]:
    """The lock every writer of data/ holds for the whole of check-then-write."""
    return exclusive(project.data_dir, "another kg add", wait_seconds)
