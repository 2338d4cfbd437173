"""Counts that describe the graph: triples, named graphs, instances per class, documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .prefixes import INFERRED_GRAPH, PREFIXES

if TYPE_CHECKING:
    from .sparql import Sparql


@dataclass
class Stats:
    triples: int
    inferred: int
    graphs: dict[str, int] = field(default_factory=dict)  # kind of graph -> how many
    classes: list[tuple[str, int]] = field(default_factory=list)  # (class, instances)
    documents: dict[str, int] = field(default_factory=dict)  # kind of document -> how many

    def to_text(self) -> str:
        lines = [f"triples:      {self.triples} ({self.inferred} inferred by OWL RL)",
                 "named graphs: " + ", ".join(f"{n} {k}" for k, n in self.graphs.items()),
                 "documents:    " + ", ".join(f"{n} {k}" for k, n in self.documents.items()),
                 "", "instances per class:"]
        width = max((len(c) for c, _ in self.classes), default=0)
        lines += [f"  {c.ljust(width)}  {n:>5}" for c, n in self.classes]
        return "\n".join(lines) + "\n"


def graph_stats(sparql: Sparql) -> Stats:
    """Statistics of the graph ``sparql`` answers over (reasoned or not)."""
    def select(body):
        return sparql.query(body, prefixes=PREFIXES).rows

    triples = int(select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
    inferred = int(select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")[0]["n"].value)
    graphs = {"source documents": 0, "public sources": 0, "compilations": 0, "other": 0}
    # GRAPH ?g { } gives each named graph once without reading its triples (docs/design-figures.md)
    for row in select("SELECT ?g ?kind WHERE { GRAPH ?g { } OPTIONAL { ?g a ?kind "
                      "FILTER (?kind IN (ap:SourceDocument, ap:PublicSource, ap:Compilation)) } }"):
        kind = row["kind"].value.rsplit("#", 1)[1] if "kind" in row else ""
        graphs[{"SourceDocument": "source documents", "PublicSource": "public sources",
                "Compilation": "compilations"}.get(kind, "other")] += 1
    classes = [(row["class"].display(), int(row["n"].value)) for row in select("""
        SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
            ?x a ?class . FILTER (STRSTARTS(STR(?class), STR(ap:)))
        } GROUP BY ?class ORDER BY DESC(?n) ?class""")]
    counts = dict(classes)
    documents = {"source documents": counts.get("ap:SourceDocument", 0),
                 "public sources": counts.get("ap:PublicSource", 0),
                 "compilations": counts.get("ap:Compilation", 0)}
    return Stats(triples=triples, inferred=inferred, graphs=graphs, classes=classes, documents=documents)
