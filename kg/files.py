"""Reading input files safely, and writing files so that a crash leaves either the old file or the new one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError


def read_regular_file(path: Path, kind: str = "Turtle file", limit: int | None = None,
                      too_large: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; InputError otherwise, in one line.

    Checked before it is opened: a FIFO would block the read for ever and
    /dev/zero never ends. ``too_large`` is the advice after the size.
    """
    path = Path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{path}: is a directory, not a {kind}")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"{path}: is not a regular file (a pipe, device or socket); give a {kind}")
    if limit is not None and status.st_size > limit:
        raise InputError(f"{path}: {status.st_size} bytes is more than the {limit} bytes {too_large or 'allowed'}")
    try:
        with open(path, "rb") as stream:
            data = stream.read() if limit is None else stream.read(limit + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    if limit is not None and len(data) > limit:  # it grew while being read
        raise InputError(f"{path}: more than the {limit} bytes {too_large or 'allowed'}")
    return data


def write_atomically(target: Path, data: str | bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file, fsync and rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a process killed mid-write
        stale.unlink(missing_ok=True)
    import tempfile  # with shutil and random: not for the commands that only read

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; the file written is as open(…, "w") would make it
        # (0644 under the usual umask 022), or keeps the mode of the file it replaces.
        os.fchmod(handle, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
