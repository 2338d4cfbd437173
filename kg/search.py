"""Finding entities by words in the current build: their names (kg describe) and full text (kg search).

The index itself, and how it is written, is kg.text_index.
"""

from __future__ import annotations

from pathlib import Path

from .errors import NegativeResult
from .project import Project
from .terms import Result
from .text_index import SearchIndex, build_index
from .workspace import Workspace


def open_index(project: Project) -> SearchIndex:
    """The search index of the current build (built first if need be), written again if it is missing or damaged."""
    from .build import ensure_built
    from .store import open_store

    project = Workspace.of(project)

    def rebuild(path: Path) -> None:
        build_index(open_store(project).store, path)

    return SearchIndex(ensure_built(project).search_index, rebuild)


def search(text: str, kind: str | None = None, limit: int | None = 50, *, project: Project) -> Result:
    """Full-text search of the current build (see :meth:`SearchIndex.search`); no match is a NegativeResult."""
    result = open_index(project).search(text, kind, limit)
    if not result.rows:
        raise NegativeResult(f"nothing in the graph says {text!r}" + (f" (of type {kind})" if kind else ""))
    return result
