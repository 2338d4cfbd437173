"""The asserted-only store: the sources without the entailments, for queries with --no-reason.

Stored once per build, by the first command that needs it, beside the
reasoned store (kg.build).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from itertools import chain
from pathlib import Path

from .build import BUILDING, ensure_built, manifest_problem, store_files
from .files import write_atomically
from .lock import exclusive
from .project import Project
from .staging import bulk_load, compact, discard, stage
from .workspace import Workspace


def ensure_asserted_store(project: Project) -> Path:
    """The store of the asserted graph alone, storing it first if this build has none yet.

    It holds what the reasoned store holds minus the entailments: one named
    graph per source and their merge as the default graph. It is stored from the
    sources again rather than copied out of the reasoned store: Oxigraph writes
    its graphs out far slower than it parses the sources (docs/design-figures.md).
    """
    import pyoxigraph as ox

    from .dataset import merged_statements, named_graph_lines, read_sources  # rdflib: only when storing

    project = Workspace.of(project)
    build = ensure_built(project)
    directory = build.directory
    final, record = build.asserted_dir, build.asserted_record
    if _asserted_problem(final, record) is None:
        return final
    with exclusive(build.lock_file, BUILDING):
        problem = _asserted_problem(final, record)
        if problem is None:
            return final  # another command stored it while this one waited
        if problem:
            project.notice(f"the cached graph without entailments in {final} was damaged ({problem}); storing it again")
        shutil.rmtree(final, ignore_errors=True)
        for leftover in directory.glob(".asserted-*"):  # a killed command's
            discard(leftover) if leftover.is_dir() else leftover.unlink(missing_ok=True)
        project.progress("storing the graph without its entailments (once for these sources)")
        sources = read_sources(project)  # by Oxigraph, whatever parsed them for the build: the same triples, sooner
        lines = chain(named_graph_lines(sources), (f"{statement} ." for statement in merged_statements(sources)))
        del sources
        building = Path(tempfile.mkdtemp(dir=directory, prefix=".asserted-"))
        try:
            store = ox.Store(str(building))
            last = building.with_suffix(".last.nq")
            for document in stage(building, lines, last) + [last]:
                bulk_load(store, document)
            compact(store)
            del store
            os.replace(building, final)
        except BaseException:
            discard(building)
            raise
        write_atomically(record, json.dumps({"store_files": store_files(final)}))
    return final


def _asserted_problem(final: Path, record: Path) -> str | None:
    """None if the asserted store is whole, "" if there is none yet, else what is wrong with it."""
    try:
        files = json.loads(record.read_text(encoding="utf-8"))["store_files"]
    except FileNotFoundError:
        return "it was cut short" if final.exists() else ""
    except (OSError, ValueError, KeyError, TypeError):
        return "asserted.json cannot be read"
    return manifest_problem(final, files) if isinstance(files, dict) else "asserted.json cannot be read"

