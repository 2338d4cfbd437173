"""Bulk loading a store under construction: N-Quads staged in files beside it, loaded on another thread.

Oxigraph's bulk loader is its fastest way in, but it holds about 1 GB per
million quads of one call and gives blank nodes fresh ids on every call; so
the quads are staged in chunks, those with blank nodes all in one last file,
and loaded in turn by a thread while the caller goes on (kg.build reasons
meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox


def discard(building: Path) -> None:
    """Remove a store left half-built, and the files staged beside it."""
    import shutil

    shutil.rmtree(building, ignore_errors=True)
    for leftover in building.parent.glob(building.name + ".*"):
        leftover.unlink(missing_ok=True)


# Oxigraph's bulk loader holds about 1 GB per million quads of one call, so
# quads go in calls of this size, except those with blank nodes (see kg.build).
CHUNK_QUADS = 400_000


def stage(building: Path, lines: Iterable[str], last: Path, first: int = 0) -> list[Path]:
    """Append the N-Quads lines that mention a blank node to ``last``, the one load
    they all share; write the others in chunks (see write_chunks) and return those."""
    plain = []
    with last.open("a", encoding="utf-8") as out:
        for line in lines:
            if "_:" in line:
                out.write(f"{line}\n")
            else:
                plain.append(line)
    return write_chunks(building, plain, first)


def write_chunks(building: Path, lines: list[str], first: int = 0) -> list[Path]:
    """Write N-Quads lines into files of CHUNK_QUADS lines each, beside the store being built."""
    documents = []
    for number, begin in enumerate(range(0, len(lines), CHUNK_QUADS), start=first):
        document = building.with_suffix(f".{number}.nq")
        with document.open("w", encoding="utf-8") as out:
            out.writelines(f"{line}\n" for line in lines[begin:begin + CHUNK_QUADS])
        documents.append(document)
    return documents


def bulk_load(store: ox.Store, document: Path) -> None:
    """Load an N-Quads file with Oxigraph's bulk loader, then remove it."""
    import pyoxigraph as ox

    try:
        store.bulk_load(path=str(document), format=ox.RdfFormat.N_QUADS, lenient=True)  # parsed once already
    finally:
        document.unlink()


def load_keeping_labels(store: ox.Store, document: Path) -> None:
    """Load an N-Quads file keeping its blank node labels (the bulk loader gives them fresh ids), then remove it.

    The build labels each file's blank nodes after the file and their order in it
    (kg.blank_nodes), so that the next build finds them in this store as it would label them again.
    """
    import pyoxigraph as ox

    try:
        store.bulk_extend(ox.parse(path=str(document), format=ox.RdfFormat.N_QUADS, lenient=True))
    finally:
        document.unlink()


def compact(store: ox.Store) -> None:
    """Merge the files that each bulk load left into one sorted run per index.

    Every bulk load adds its own files, and a lookup searches each of them: the
    saved queries run slower on the store as loaded than on the compacted one,
    by more than compacting costs the build (docs/design-figures.md).
    """
    store.flush()
    store.optimize()


class BackgroundLoader:
    """:func:`bulk_load` of each document in turn, in a thread (Oxigraph lets go of the GIL).

    add() queues more documents; join() waits for all, and re-raises a load's
    error in the calling thread; abandon() skips what is still queued.
    """

    def __init__(self, store: ox.Store, documents: list[Path]) -> None:
        import queue
        import threading

        self.queue: queue.Queue[Path | None] = queue.Queue()
        self.error, self.abandoned = None, False
        self.add(documents)

        def load() -> None:
            while (document := self.queue.get()) is not None:
                try:
                    if self.error is None and not self.abandoned:
                        bulk_load(store, document)
                except BaseException as error:
                    self.error = error

        self.thread = threading.Thread(target=load, name="kg-bulk-load")
        self.thread.start()

    def add(self, documents: list[Path]) -> None:
        for document in documents:
            self.queue.put(document)

    def join(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        self.abandoned = True
        self.queue.put(None)
        self.thread.join()
