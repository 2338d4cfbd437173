"""The fingerprint of a build: what the derived graph depends on, hashed.

The hash covers the content of ontology/ and data/, the code that derives the
store, and the parsing and reasoning engines chosen, so that a changed file is
always seen. The builds live in .kg-cache/<fingerprint>/ (kg.build).
"""

from __future__ import annotations

import hashlib
import json
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .files import write_atomically
from .project import Project
from .workspace import Workspace

if TYPE_CHECKING:
    from .engine import Engine

CACHE_FORMAT = "4"

# The code that derives the store: a change to it is a new build.
_BUILDERS = ("turtle.py", "dataset.py", "reason.py", "blank_nodes.py", "build.py", "staging.py")


def fingerprint(project: Project, engine: Engine | None = None) -> str:
    """A hash of every input file's path and content, the deriving code, and the build engines."""
    return _worked_out(Workspace.of(project), engine)[0]


def input_digests(project: Project, engine: Engine | None = None) -> dict[str, str]:
    """The SHA-256 of each input file's content, by its path relative to the checkout (as the fingerprint saw them)."""
    return dict(_worked_out(Workspace.of(project), engine)[1])


def derivation(engine: Engine) -> str:
    """What the fingerprint covers besides the input files: kg's version, the cache format, the
    deriving code and the build engines. Two builds of the same derivation differ only in their
    files, so one can be brought up to date from the other (kg.build)."""
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}/{engine.parser}/{engine.reasoner}".encode())
    digest.update(_builders_digest())
    return digest.hexdigest()[:20]


def _worked_out(workspace: Workspace, engine: Engine | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The fingerprint and the files' digests, worked out once while the files stand as they are.

    A command asks for them several times (the build, the cached findings, the
    rules' rows), and each time would otherwise read the digests' record and
    the deriving code again. Every file is still looked at (its size, times and
    inode) on every call, so an edit between two calls is always seen.
    """
    engine = engine or workspace.engine
    files = workspace.input_files()
    stamps = [_stamp(path) for path in files]
    record = cache_dir(workspace) / DIGESTS
    key = (str(workspace.root), str(record), engine.parser, engine.reasoner,
           tuple(zip(map(str, files), stamps)), _record_stamp(record))
    known = _WORKED_OUT.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256(derivation(engine).encode())
    digests = []
    for path, content in zip(files, _content_digests(workspace, files, stamps)):
        relative = path.relative_to(workspace.root).as_posix()
        digest.update(str(path.relative_to(workspace.root)).encode() + b"\0")
        digest.update(content.encode() + b"\0")
        digests.append((relative, content))
    found = (digest.hexdigest()[:20], tuple(digests))
    # A file (or the record) written within the clock's tick may change again without its stamp
    # changing (see RACY_SECONDS): what was worked out from it is worked out again at the next call.
    now = time.time_ns()
    settled = [stamp[1:3] for stamp in stamps]
    record_stamp = _record_stamp(record)
    if record_stamp is not None:
        settled.append(record_stamp[1:3])
    if all(now - max(times) > RACY_SECONDS * 1e9 for times in settled):
        _WORKED_OUT[(*key[:-1], record_stamp)] = found
    return found


DIGESTS = "digests.json"  # in the cache directory: each input file's digest with its size, times and inode

# What _worked_out() found in this process, by everything it depends on.
_WORKED_OUT: dict[tuple, tuple[str, tuple[tuple[str, str], ...]]] = {}


def _stamp(path: Path) -> tuple[int, int, int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def _record_stamp(record: Path) -> tuple[int, int, int, int] | None:
    try:
        return _stamp(record)
    except OSError:
        return None


@cache
def _builders_digest() -> bytes:
    """The hash of the code that derives the store: it does not change while kg runs."""
    digest = hashlib.sha256()
    for name in _BUILDERS:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.digest()


# A file changed this recently is hashed again even if its size and times look
# the same: a second change within the file system's clock tick leaves them so.
RACY_SECONDS = 2.0


def _content_digests(project: Project, paths: list[Path], stamps: list[tuple[int, int, int, int]]) -> list[str]:
    """The SHA-256 of each file's content, reused while its size, times and inode are unchanged.

    As git does for its index: hashing every file again would cost every
    command as much as the command itself at a million triples
    (docs/design-figures.md). The digests are kept in the cache directory.
    """
    record = cache_dir(project) / DIGESTS
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    # Other projects' entries stay as they are: a KG_CACHE_DIR shared by several projects
    # would otherwise have each command hash the files the previous one's project recorded.
    kept = {path: entry for path, entry in known.items() if not Path(path).is_relative_to(project.root)}
    digests, now = [], time.time_ns()
    for path, stamp in zip(paths, stamps):
        entry = known.get(str(path))
        digest = entry[4] if entry and entry[:4] == list(stamp) else hashlib.sha256(path.read_bytes()).hexdigest()
        if now - max(stamp[1], stamp[2]) > RACY_SECONDS * 1e9:
            kept[str(path)] = [*stamp, digest]
        digests.append(digest)
    if kept != known:
        try:
            write_atomically(record, json.dumps(kept))
        except OSError:
            pass  # a cache directory that cannot be written only costs the hashing again
    return digests


def cache_dir(project: Project) -> Path:
    """Where the builds are kept: the workspace's cache (kg.workspace)."""
    return Workspace.of(project).cache_dir
