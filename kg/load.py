"""``kg load``: the graph uploaded into any SPARQL 1.1 server over the Graph Store Protocol.

Each source's named graph, the ontology's, the merged default graph (and
with ``reasoned`` the inferred triples) go up in requests of whole N-Triples
lines; then the server is asked what it holds, so that a load the server did
not take shows in the counts.
"""

from __future__ import annotations

import tempfile
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from .blank_nodes import blank_node_digests, rename_blank_nodes
from .project import Project
from .remote import N_TRIPLES, Connection, RemoteSparql, check_address
from .workspace import Workspace


@dataclass
class LoadReport:
    """What was uploaded, and what the server says it holds afterwards."""

    uploaded: dict[str, int] = field(default_factory=dict)  # graph IRI ("" = default graph) -> triples
    on_server: dict[str, int] = field(default_factory=dict)
    default_graph_on_server: int = 0

    @property
    def total(self) -> int:
        return sum(self.uploaded.values())

    def mismatches(self, replaced: bool) -> list[str]:
        """Graphs whose count on the server is not what was uploaded (fewer, or other with --replace)."""
        problems = []
        for graph, count in self.uploaded.items():
            found = self.default_graph_on_server if graph == "" else self.on_server.get(graph, 0)
            if found < count or (replaced and found != count):
                problems.append(f"{graph or 'default graph'}: uploaded {count}, server has {found}")
        return problems


def graph_store_url(graph_store: str, graph: str) -> str:
    """The Graph Store Protocol address of one graph ("" for the default graph)."""
    separator = "&" if "?" in graph_store else "?"
    if not graph:
        return f"{graph_store}{separator}default"
    return f"{graph_store}{separator}graph={urllib.parse.quote(graph, safe='')}"


# Oxigraph stores a million triples 2.5 times faster as requests of this size
# than as one request, and no server has to hold a whole graph in one transaction.
REQUEST_TRIPLES = 50_000


def upload_graphs(graphs: Iterable[tuple[str, int, Iterable[bytes]]], graph_store: str,
                  replace: bool, connection: Connection,
                  progress: Callable[[str, int], None] | None = None,
                  request_triples: int = REQUEST_TRIPLES, default_graph: str = "") -> dict[str, int]:
    """Upload each (graph IRI, triple count, N-Triples chunks of whole lines); the default
    graph ("") goes into the named graph ``default_graph`` if one is given.

    A graph goes in requests of about ``request_triples`` triples each: the
    first replaces the graph (PUT) with ``replace`` or adds to it (POST), the
    others add to it. So the client holds one request at a time, never a
    whole graph. ``progress`` is told the triples of each request sent.
    """
    uploaded = {}
    for graph, count, chunks in graphs:
        address = graph_store_url(graph_store, graph or default_graph)
        method = "PUT" if replace else "POST"
        for body in _requests(chunks, request_triples):
            connection.request(method, address, body=body, headers={"Content-Type": N_TRIPLES})
            method = "POST"
            if progress:
                progress(graph, body.count(b"\n"))
        if method == "PUT":  # an empty graph, replaced: empty it on the server too
            connection.request(method, address, body=b"", headers={"Content-Type": N_TRIPLES})
        uploaded[graph] = count
    return uploaded


def _requests(chunks: Iterable[bytes], triples: int) -> Iterator[bytes]:
    """Chunks of whole N-Triples lines joined into bodies of at least ``triples`` lines (the last may be fewer)."""
    pending, lines = [], 0
    for chunk in chunks:
        pending.append(chunk)
        lines += chunk.count(b"\n")
        if lines >= triples:
            yield b"".join(pending)
            pending, lines = [], 0
    if pending:
        yield b"".join(pending)


def count_on_server(sparql: RemoteSparql) -> tuple[dict[str, int], int]:
    """Triples per named graph, and in the default graph, as the server reports them."""
    per_graph = sparql.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    default = sparql.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    counts = {row["g"].value: int(row["n"].value) for row in per_graph.rows if "g" in row}
    return counts, int(default.rows[0]["n"].value) if default.rows else 0


def load_into_server(endpoint: str, graph_store: str | None = None, replace: bool = False,
                     reasoned: bool = False, connection: Connection | None = None,
                     progress: Callable[[str, int], None] | None = None, *, project: Project,
                     sizes: Callable[[dict[str, int]], None] | None = None) -> LoadReport:
    """Upload the graph: each source's named graph, the ontology's, the merged default graph,
    and with ``reasoned`` the inferred triples in their own graph; then count what the server holds.

    ``sizes`` is told the triples of each graph before anything is sent, and
    ``progress`` each graph's triples as they go (for a progress bar).
    """
    from concurrent.futures import ThreadPoolExecutor

    from .store import open_store

    check_address(endpoint, "--endpoint")
    if graph_store:
        check_address(graph_store, "--graph-store")
    connection = connection or Connection(credentials=Workspace.of(project).credentials)
    view = open_store(Workspace.of(project), reasoned=reasoned)
    # The merged default graph makes plain queries see every fact once, without
    # relying on a server's union-default-graph setting (which repeats a triple
    # stated by two sources).
    counts = view.graph_sizes()
    if sizes:
        sizes(counts)
    report = LoadReport()
    # The store serializes each graph into a spool file on one thread while the
    # previous one is uploading: at scale both take long, so they overlap.
    with tempfile.TemporaryDirectory(prefix="kg-load-") as spool:
        dumper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-dump")
        try:
            files = {graph: Path(spool) / f"{number}.nt" for number, graph in enumerate(counts)}
            dumped = {graph: dumper.submit(view.dump_graph, graph, path) for graph, path in files.items()}
            dumped[""].result()
            skolem = skolem_iris(files[""])
            plan = [(graph, count, _skolemized_chunks(dumped[graph], files[graph], skolem))
                    for graph, count in counts.items()]
            report.uploaded = upload_graphs(plan, graph_store or endpoint, replace, connection, progress,
                                            default_graph=default_graph_of(endpoint))
        finally:
            dumper.shutdown(cancel_futures=True)
    report.on_server, report.default_graph_on_server = count_on_server(RemoteSparql(endpoint, connection))
    return report


def default_graph_of(endpoint: str) -> str:
    """The ``default-graph-uri`` an endpoint's URL names, or "".

    A server without a default graph of its own (Virtuoso answers a query
    without one over every graph, each triple once per graph that holds it)
    is given the merged graph as a named graph, and the endpoint's URL names
    it as the default graph of every query: the SPARQL 1.1 Protocol's
    ``default-graph-uri``. So ``kg load`` puts the merge where the queries
    read it.
    """
    values = urllib.parse.parse_qs(urllib.parse.urlsplit(endpoint).query).get("default-graph-uri", [])
    return values[0] if values else ""


SKOLEM_BASE = "https://w3id.org/astana-kg/.well-known/genid/"


def skolem_iris(default_graph: Path) -> dict[bytes, bytes]:
    """A stable IRI for every blank node of the default graph (an N-Triples file), by label.

    Blank nodes sent in two requests are two different nodes to a server, so
    loading the same evidence twice would double it; the same skolem IRI
    twice is one node. The IRI ends with the node's digest (kg.blank_nodes),
    so it stays the same from one build of the graph to the next.
    """
    with default_graph.open("rb") as lines:
        return {label: f"<{SKOLEM_BASE}{digest}>".encode() for label, digest in blank_node_digests(lines).items()}


def _skolemized_chunks(dumped: Future, path: Path, skolem: dict[bytes, bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """An N-Triples file in chunks of whole lines, their blank nodes replaced by skolem IRIs,
    read once the store has written it (``dumped`` is done)."""
    dumped.result()
    with path.open("rb") as handle:
        rest = b""
        while block := handle.read(size):
            block, rest = rest + block, b""
            end = block.rfind(b"\n") + 1
            block, rest = block[:end], block[end:]
            yield rename_blank_nodes(block, skolem)
        if rest:
            yield rename_blank_nodes(rest, skolem)
