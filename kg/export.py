"""Write the graph in the standard RDF serializations.

N-Quads and TriG keep one named graph per source document (and, with the
reasoned graph, the inferred triples in their own graph) and the merged graph
in the default graph, as ``kg load`` sends them: a store that loads the file
answers the saved queries as kg does. Turtle, N-Triples and JSON-LD hold the
merged graph alone, each triple once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from .blank_nodes import blank_node_digests, rename_blank_nodes
from .errors import InputError
from .files import write_atomically
from .formats import canonical_format, serialized
from .prefixes import PREFIXES
from .project import Project
from .store import open_store

EXPORT_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "trig": "TRIG",
                  "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
DATASET_FORMATS = ("nq", "trig")


def format_for_path(path: str) -> str:
    """The export format a file name implies (``closure.nt`` → ``nt``)."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    fmt = {"nquads": "nq", "json": "jsonld", "rdf": "rdfxml", "xml": "rdfxml"}.get(suffix) or canonical_format(suffix)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"{path}: cannot tell the format from the extension; use one of "
                         + ", ".join("." + f for f in EXPORT_FORMATS))
    return fmt


def export_graph(fmt: str, reasoned: bool = False, *, project: Project) -> bytes:
    """The graph (asserted, or with its OWL RL entailments) serialized as ``fmt``."""
    fmt = canonical_format(fmt)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    view = open_store(project, reasoned=reasoned)
    if fmt in DATASET_FORMATS:
        # One graph at a time: its lines are let go of once read.
        graphs: Iterable[tuple[str, list[bytes]]] = chain(
            [("", view.graph_lines(""))], ((graph.value, view.graph_lines(graph.value)) for graph in view.named_graphs()))
    else:
        graphs = [("", view.graph_lines(""))]
    return serialize_lines(_stable_quad_lines(graphs), fmt)


def serialize_lines(lines: list[bytes], fmt: str) -> bytes:
    """N-Triples (or, for a dataset format, N-Quads) lines as ``fmt``, in sorted order.

    Sorted, so that two exports of one graph are the same bytes. The store writes the
    lines and Python sorts them as bytes, which orders them as the statements' text,
    in less time and memory than sorting them as Python objects (docs/design-figures.md).
    """
    import pyoxigraph as ox

    lines = sorted(lines)
    if fmt in ("nt", "nq"):
        return b"".join(lines)
    line_format = ox.RdfFormat.N_QUADS if fmt in DATASET_FORMATS else ox.RdfFormat.N_TRIPLES
    return serialized(ox.parse(b"".join(lines), format=line_format), getattr(ox.RdfFormat, EXPORT_FORMATS[fmt]),
                      prefixes=PREFIXES if fmt in ("ttl", "trig", "rdfxml") else None)


def _stable_quad_lines(graphs: Iterable[tuple[str, list[bytes]]]) -> list[bytes]:
    """Each graph's N-Triples lines as N-Quads lines of that graph ("" is the default graph,
    whose lines stay triples), each line once, and each blank node named by its digest.

    The digests come from the triples of all the graphs together, so a blank node
    named in two graphs has one name, and it is the digest of its skolem IRI in
    ``kg load``. Two blank nodes that say the same things about the same nodes get
    one name, as they do on a server: the graph means the same.
    """
    lines: dict[bytes, None] = {}
    with_blank_nodes: dict[bytes, list[bytes]] = {}  # by the end of a line in that graph
    for graph, triples in graphs:
        ending = f" <{graph}> .\n".encode() if graph else b" .\n"
        with_blank_nodes[ending] = [line for line in triples if b"_:" in line]
        plain = (line for line in triples if b"_:" not in line)
        lines.update(dict.fromkeys(plain if not graph else (line[:-3] + ending for line in plain)))
    found = blank_node_digests(set(chain.from_iterable(with_blank_nodes.values())))
    names = {label: b"_:b" + digest.encode() for label, digest in found.items()}
    for ending, triples in with_blank_nodes.items():
        lines.update(dict.fromkeys(rename_blank_nodes(line, names)[:-3] + ending for line in triples))
    return list(lines)


# =============================================================================
# Release bundle
# =============================================================================

BUNDLE_FILES = {
    "astana-kg.nq": ("nq", False, "application/n-quads"),
    "astana-kg.trig": ("trig", False, "application/trig"),
    "astana-kg-reasoned.nq": ("nq", True, "application/n-quads"),
}


def write_bundle(directory: str | os.PathLike[str], endpoint: str | None = None, *, project: Project) -> list[str]:
    """Write a release: the graph (N-Quads, TriG), the reasoned graph, the ontology (Turtle,
    RDF/XML, and its pyLODE documentation), the shapes (Turtle, and their documentation), and a
    VoID/DCAT description. Returns the file names written."""
    from pathlib import Path

    from .ontology_docs import ontology_html, shapes_html
    from .workspace import Workspace

    project = Workspace.of(project)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (fmt, reasoned, _media) in BUNDLE_FILES.items():
        write_atomically(directory / name, export_graph(fmt, reasoned=reasoned, project=project))
        written.append(name)
    write_atomically(directory / "ontology.ttl", project.ontology_file.read_bytes())
    write_atomically(directory / "ontology.rdf", _ontology_as("rdfxml", project))
    write_atomically(directory / "shapes.ttl", project.shapes_file.read_bytes())
    write_atomically(directory / "ontology.html", ontology_html(project).encode("utf-8"))
    write_atomically(directory / "shapes.html", shapes_html(project).encode("utf-8"))
    written += ["ontology.ttl", "ontology.rdf", "shapes.ttl", "ontology.html", "shapes.html"]
    write_atomically(directory / "void.ttl", describe_dataset(written, endpoint, project, directory).encode("utf-8"))
    written.append("void.ttl")
    return written


def _ontology_as(fmt: str, project: Project) -> bytes:
    """The ontology serialized as ``fmt``, the same bytes from the same ontology/."""
    import pyoxigraph as ox

    triples = serialized(ox.parse(path=str(project.ontology_file)), ox.RdfFormat.N_TRIPLES)
    return serialize_lines(_stable_quad_lines([("", triples.splitlines(True))]), fmt)


def describe_dataset(files: list[str], endpoint: str | None, project: Project,
                     directory: Path | None = None) -> str:
    """A VoID and DCAT description of the dataset and the bundle's files, as Turtle.

    With the ``directory`` that holds the files, each distribution gets its
    size and SHA-256 (SPDX checksum), and each graph file is a void:dataDump.
    """
    import hashlib
    from pathlib import Path

    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

    from . import __version__
    from .namespace import bind_prefixes
    from .store import open_sparql

    sparql = open_sparql(project, reasoned=False)
    counts = sparql.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").rows
    merged = int(sparql.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"].value)
    entities = int(sparql.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER isIRI(?s) }")
                   .rows[0]["n"].value)
    vocabularies = [row["ns"].value for row in sparql.query("""
        SELECT DISTINCT ?ns WHERE { ?s ?p ?o BIND (REPLACE(STR(?p), "[^/#]+$", "") AS ?ns) } ORDER BY ?ns""").rows]

    graph = bind_prefixes(Graph())
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    dataset = URIRef(PREFIXES["res"] + "dataset/astana-kg")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("Astana Process knowledge graph", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        "The negotiations on Syria hosted by Kazakhstan from January 2017 and the 2015 opposition meetings "
        "in Astana: rounds, delegations, statements and outcomes, each fact with its source document and "
        "a verbatim quote or the address of a public source.", lang="en")))
    graph.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((dataset, OWL.versionInfo, Literal(__version__)))
    issued = release_date(project)
    if issued:
        graph.add((dataset, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    publisher = BNode("publisher")
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(PUBLISHER)))
    graph.add((dataset, VOID.triples, Literal(merged, datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(entities, datatype=XSD.integer)))
    graph.add((dataset, VOID.uriSpace, Literal(PREFIXES["res"])))
    for example in ("round-07", "sedat-onal", "astana-process"):
        graph.add((dataset, VOID.exampleResource, URIRef(PREFIXES["res"] + example)))
    for namespace in vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    if endpoint:
        graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph.bind("sd", sd)
    for number, row in enumerate(counts):
        subset = BNode(f"subset{number:03d}")  # named, so that two releases of one graph are the same bytes
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, sd.name, URIRef(row["g"].value)))
        graph.add((subset, VOID.triples, Literal(int(row["n"].value), datatype=XSD.integer)))
    media = {"nq": "application/n-quads", "trig": "application/trig", "ttl": "text/turtle",
             "rdf": "application/rdf+xml", "html": "text/html"}
    spdx = Namespace("http://spdx.org/rdf/terms#")
    graph.bind("spdx", spdx)
    graph.bind("foaf", FOAF)
    for name in files:
        distribution = URIRef(PREFIXES["res"] + f"dataset/astana-kg/{name}")
        if name in BUNDLE_FILES:
            graph.add((dataset, VOID.dataDump, URIRef(f"./{name}")))
        if directory is not None:
            content = (Path(directory) / name).read_bytes()
            checksum = BNode(f"sha256-{name}")
            graph.add((distribution, DCAT.byteSize, Literal(len(content), datatype=XSD.nonNegativeInteger)))
            graph.add((distribution, spdx.checksum, checksum))
            graph.add((checksum, RDF.type, spdx.Checksum))
            graph.add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
            graph.add((checksum, spdx.checksumValue, Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary)))
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(name)))
        graph.add((distribution, DCAT.downloadURL, URIRef(name if "://" in name else f"./{name}")))
        graph.add((distribution, DCAT.mediaType, Literal(media[name.rsplit(".", 1)[1]])))
    return graph.serialize(format="turtle")


PUBLISHER = "the astana-kg contributors"  # as CITATION.cff names the authors


def release_date(project: Project) -> str | None:
    """The release's date: $SOURCE_DATE_EPOCH's day if set (reproducible builds), else the
    date CHANGELOG.md gives this version (``## 0.1.0 - 2026-12-01``), else None.

    Never today's date: two releases of the same sources are the same bytes.
    """
    import datetime
    import re

    from . import __version__
    from .workspace import Workspace

    epoch = (Workspace.of(project).source_date_epoch or "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    changelog = project.root / "CHANGELOG.md"
    if changelog.is_file():
        found = re.search(rf"^## \[?{re.escape(__version__)}\]? - (\d{{4}}-\d{{2}}-\d{{2}})\s*$",
                          changelog.read_text(encoding="utf-8"), re.MULTILINE)
        if found:
            return found.group(1)
    return None
