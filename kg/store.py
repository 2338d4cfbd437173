"""The built graph opened for reading: the reasoned or asserted view, and a query engine over it.

Every command but the first after a change opens the store of the current
build (kg.build) read-only, in milliseconds, at any size.
"""

from __future__ import annotations

import re
from pathlib import Path

from .asserted import ensure_asserted_store
from .build import Build, ensure_built
from .errors import StoreDamaged
from .project import Project, default_project
from .view import GraphView


def open_store(project: Project | None = None, reasoned: bool = True) -> GraphView:
    """The cached graph, opened read-only from disk (reasoned by default), built first if need be."""
    project = project or default_project()
    return _open_view(project, ensure_built(project), reasoned)


def _open_view(project: Project, build: Build, reasoned: bool) -> GraphView:
    import pyoxigraph as ox

    def open_read_only(path: Path):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:
            raise StoreDamaged(build.directory, _first_line(error)) from None

    view = GraphView(open_read_only(build.store_dir), reasoned,
                     asserted_store=lambda: open_read_only(ensure_asserted_store(project)))
    view.directory = build.directory
    return view


def _first_line(error: Exception) -> str:
    """RocksDB's reason, without the file paths and advice it appends."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return re.split(r"\s+in /|\s+The file ", line)[0][:200]


def open_engine(project: Project | None = None, reasoned: bool = True, engine: str | None = None,
                limits=None, allow_service: bool = False):
    """A query engine over the cached graph: pyoxigraph (fast, the default) or rdflib; built first if need be.

    ``limits`` (kg.limits) bound each query of the pyoxigraph engine; SERVICE is
    refused unless ``allow_service``.
    """
    from .engines import OxigraphEngine, RdflibEngine
    from .settings import choose

    project = project or default_project()
    engine = engine or choose(project=project).query
    build = ensure_built(project)
    view = _open_view(project, build, reasoned)
    if engine == "rdflib":
        import pyoxigraph as ox
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=ox.serialize(list(view), format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
        return RdflibEngine(dataset)
    return OxigraphEngine(view, pinned=build.pinned if reasoned else None,
                          limits=limits, allow_service=allow_service)


def reasoning_counts(project: Project | None = None) -> tuple[int, int]:
    """How many triples are asserted, and how many OWL RL adds about our own terms (built first if need be)."""
    info = ensure_built(project).info()
    return info["asserted"], info["inferred"]
