"""The built graph opened for reading: the reasoned or asserted view, and SPARQL over it (kg.sparql).

Every command but the first after a change opens the store of the current
build (kg.build) read-only, which is quick at any size.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .build import Build, ensure_built
from .errors import StoreDamaged
from .project import Project
from .view import GraphView
from .workspace import Workspace

if TYPE_CHECKING:
    from .limits import Limits
    from .sparql import OxigraphSparql, RdflibSparql


def open_store(project: Project, reasoned: bool = True) -> GraphView:
    """The cached graph, opened read-only from disk (reasoned by default), built first if need be."""
    project = Workspace.of(project)
    return _open_view(project, ensure_built(project), reasoned)


def _open_view(project: Project, build: Build, reasoned: bool) -> GraphView:
    import pyoxigraph as ox

    def open_read_only(path: Path) -> ox.Store:
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:
            raise StoreDamaged(build.directory, _first_line(error)) from None

    def open_asserted() -> ox.Store:
        from .asserted import ensure_asserted_store  # shutil, tempfile: only when the asserted view is asked for

        return open_read_only(ensure_asserted_store(project))

    view = GraphView(open_read_only(build.store_dir), reasoned, asserted_store=open_asserted)
    view.directory = build.directory
    return view


def _first_line(error: Exception) -> str:
    """RocksDB's reason, without the file paths and advice it appends."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return re.split(r"\s+in /|\s+The file ", line)[0][:200]


def open_sparql(project: Project, reasoned: bool = True, query: str | None = None,
                limits: Limits | None = None, allow_service: bool = False) -> OxigraphSparql | RdflibSparql:
    """SPARQL over the cached graph, built first if need be: by pyoxigraph (fast, the default) or rdflib.

    ``query`` names the query part of the engine (as ``--engine query=rdflib``
    does); ``limits`` bound each query pyoxigraph answers; SERVICE is refused
    unless ``allow_service``.
    """
    from .limits import Limits
    from .sparql import OxigraphSparql, RdflibSparql

    project = Workspace.of(project)
    query = query or project.engine.query
    limits = limits or Limits(memory_mb=project.query_memory_mb)
    build = ensure_built(project)
    view = _open_view(project, build, reasoned)
    if query == "rdflib":
        import pyoxigraph as ox
        from rdflib import Dataset

        from .formats import serialized

        dataset = Dataset()
        dataset.parse(data=serialized(list(view), ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
        return RdflibSparql(dataset)
    return OxigraphSparql(view, pinned=build.pinned if reasoned else None,
                          limits=limits, allow_service=allow_service)


def reasoning_counts(project: Project) -> tuple[int, int]:
    """How many triples are asserted, and how many OWL RL adds about our own terms (built first if need be)."""
    info = ensure_built(Workspace.of(project)).info()
    return info["asserted"], info["inferred"]
