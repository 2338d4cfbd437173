"""The built store seen two ways: reasoned (as it is) or asserted only (without the entailments).

The reasoned view is the store as it is: one default graph, which Oxigraph
queries several times faster than a default graph made of two. The asserted
view reads the same store for single patterns, leaving out the default graph's
triples that are also in the inferred graph, and sends queries to the asserted
store (kg.asserted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .prefixes import INFERRED_GRAPH

if TYPE_CHECKING:
    import pyoxigraph as ox

_ASSERTED_PATTERN = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{INFERRED_GRAPH}>) }}"


class GraphView:
    """The store seen reasoned (as it is) or asserted only (without the entailments).

    Offers what pyoxigraph's Store offers for reading (query, quads_for_pattern,
    named_graphs, iteration, len). The asserted view filters the reasoned
    store's quads for a pattern, and sends queries to the asserted store
    (kg.asserted), opened on the first query.
    """

    def __init__(self, store: ox.Store, reasoned: bool, asserted_store: Callable[[], ox.Store] | None = None) -> None:
        import pyoxigraph as ox

        self.store = store
        self.reasoned = reasoned
        self._inferred = ox.NamedNode(INFERRED_GRAPH)
        self._open_asserted_store = asserted_store
        self._asserted_store: ox.Store | None = None
        self.directory: Path | None = None  # the build's, set by kg.store

    def query(self, text: str, prefixes: dict[str, str] | None = None,
              substitutions: dict[ox.Variable, Any] | None = None) -> Any:
        if self.reasoned:
            return self.store.query(text, prefixes=prefixes, substitutions=substitutions)
        if self._asserted_store is None:
            assert self._open_asserted_store is not None  # an asserted view is made with its store's opener
            self._asserted_store = self._open_asserted_store()
        return self._asserted_store.query(text, prefixes=prefixes, substitutions=substitutions)

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any, graph_name: Any = None) -> Iterator[ox.Quad]:
        import pyoxigraph as ox

        if self.reasoned:
            yield from self.store.quads_for_pattern(subject, predicate, obj, graph_name)
            return
        if isinstance(graph_name, ox.DefaultGraph):
            # The asserted default graph is the merge of the sources' graphs. SPARQL
            # drops the inferred graph's quads before any term is decoded: a country
            # has thousands of inferred triples, and decoding is what costs here.
            given = {ox.Variable(name): term for name, term in (("s", subject), ("p", predicate), ("o", obj))
                     if term is not None}
            for row in cast("ox.QuerySolutions", self.store.query(_ASSERTED_PATTERN, substitutions=given)):
                yield ox.Quad(row["s"], row["p"], row["o"], graph_name)
            return
        for quad in self.store.quads_for_pattern(subject, predicate, obj, graph_name):
            if quad.graph_name == self._inferred:
                continue
            if isinstance(quad.graph_name, ox.DefaultGraph) and \
                    ox.Quad(quad.subject, quad.predicate, quad.object, self._inferred) in self.store:
                continue
            yield quad

    def named_graphs(self) -> list[Any]:
        return [g for g in self.store.named_graphs() if self.reasoned or g != self._inferred]

    def graph_sizes(self) -> dict[str, int]:
        """Triples per graph: the default graph ("") first, then each named graph's IRI, sorted.

        Counted by the store, not in Python, which would read every triple
        (docs/design-figures.md).
        """
        named = {row[0].value: int(row[1].value) for row in cast("ox.QuerySolutions", self.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"))}
        counted = cast("ox.QuerySolutions", self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        default = int(next(iter(counted))[0].value)
        if not self.reasoned:
            # The default graph holds every inferred triple (see kg.build); the asserted one is the rest.
            default -= named.pop(INFERRED_GRAPH, 0)
        return {"": default, **dict(sorted(named.items()))}

    def dump_graph(self, graph: str, path: Path) -> None:
        """Write one graph ("" for the default graph) to ``path`` as N-Triples, serialized by the store."""
        import pyoxigraph as ox

        if graph or self.reasoned:
            # Streamed by the store: a million triples never pass through Python.
            self.store.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph())
            return
        with path.open("wb") as out:
            out.writelines(self.graph_lines(""))

    def graph_lines(self, graph: str) -> list[bytes]:
        """One graph ("" for the default graph) as N-Triples lines, in the store's order.

        The store serializes them, so a triple is always the same line, whichever
        graph it is read from: the asserted default graph, the merge of the
        sources' graphs, is their lines, each once.
        """
        import pyoxigraph as ox

        def dump(name: str) -> list[bytes]:
            source = ox.NamedNode(name) if name else ox.DefaultGraph()
            return cast(bytes, self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source)).splitlines(True)

        if graph or self.reasoned:
            return dump(graph)
        merged: dict[bytes, None] = {}
        for source in self.named_graphs():
            merged.update(dict.fromkeys(dump(source.value)))
        return list(merged)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        return sum(1 for _ in self)
