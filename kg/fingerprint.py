"""The fingerprint of a build: what the derived graph depends on, hashed.

The hash covers the content of ontology/ and data/, the code that derives the
store, and the parsing and reasoning engines chosen, so that a changed file is
always seen. The builds live in .kg-cache/<fingerprint>/ (kg.build).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from . import __version__
from .files import write_atomically
from .project import Project
from .workspace import Workspace

CACHE_FORMAT = "4"

# The code that derives the store: a change to it is a new build.
_BUILDERS = ("turtle.py", "dataset.py", "reason.py", "build.py", "staging.py")


def fingerprint(project: Project, engine=None) -> str:
    """A hash of every input file's path and content, the deriving code, and the build engines."""
    engine = engine or Workspace.of(project).engine
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}/{engine.parser}/{engine.reasoner}".encode())
    for name in _BUILDERS:
        digest.update((Path(__file__).parent / name).read_bytes())
    files = project.input_files()
    for path, content in zip(files, _content_digests(project, files)):
        digest.update(str(path.relative_to(project.root)).encode() + b"\0")
        digest.update(content.encode() + b"\0")
    return digest.hexdigest()[:20]


# A file changed this recently is hashed again even if its size and times look
# the same: a second change within the file system's clock tick leaves them so.
RACY_SECONDS = 2.0


def _content_digests(project: Project, paths: list) -> list[str]:
    """The SHA-256 of each file's content, reused while its size, times and inode are unchanged.

    As git does for its index: hashing every file again would cost every
    command as much as the command itself at a million triples
    (docs/design-figures.md). The digests are kept in the cache directory.
    """
    record = cache_dir(project) / "digests.json"
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    # Other projects' entries stay as they are: a KG_CACHE_DIR shared by several projects
    # would otherwise have each command hash the files the previous one's project recorded.
    kept = {path: entry for path, entry in known.items() if not Path(path).is_relative_to(project.root)}
    digests, now = [], time.time_ns()
    for path in paths:
        status = path.stat()
        stamp = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        entry = known.get(str(path))
        digest = entry[4] if entry and entry[:4] == stamp else hashlib.sha256(path.read_bytes()).hexdigest()
        if now - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_SECONDS * 1e9:
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
