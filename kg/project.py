"""Where a checkout keeps its ontology, shapes, facts, queries and source texts.

Kept free of rdflib so that commands answered from the cache start fast. How a
command works on a checkout (engine, cache, credentials) is kg.workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where the ontology, shapes, facts and source texts of a checkout are."""

    root: Path
    sources: Path | None = None  # the source documents' texts; None: ROOT/../shared/sources

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "astana.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def source_texts_dir(self) -> Path:
        """The five source documents' texts, kept beside the checkout in shared/."""
        return self.sources if self.sources is not None else self.root.parent / "shared" / "sources"

    def data_files(self) -> list[Path]:
        """Every Turtle file of facts, in a fixed order."""
        return sorted(self.data_dir.rglob("*.ttl"))

    def input_files(self) -> list[Path]:
        """The ontology and every data file: what the graph is built from."""
        return [self.ontology_file, *self.data_files()]

