"""Where a checkout keeps its ontology, shapes, facts, queries and source texts.

Kept free of rdflib so that commands answered from the cache start fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where the ontology, shapes, facts and source texts of a checkout are."""

    root: Path

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
        return Path(os.environ.get("KG_SOURCES", self.root.parent / "shared" / "sources"))

    def data_files(self) -> list[Path]:
        """Every Turtle file of facts, in a fixed order."""
        return sorted(self.data_dir.rglob("*.ttl"))

    def input_files(self) -> list[Path]:
        """The ontology and every data file: what the graph is built from."""
        return [self.ontology_file, *self.data_files()]


def default_project() -> Project:
    """The checkout this package was installed from, or $KG_ROOT."""
    root = os.environ.get("KG_ROOT")
    return Project(Path(root) if root else Path(__file__).resolve().parent.parent)
