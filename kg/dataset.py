"""The project's files read as one graph: an rdflib Dataset, or N-Triples statements, one named graph per source.

Where a file's triples go is decided by where the file stands:

| file                          | named graph                                   |
|-------------------------------|-----------------------------------------------|
| ontology/astana.ttl           | https://w3id.org/astana-kg/ontology           |
| data/reference.ttl            | https://w3id.org/astana-kg/resource/graph/reference |
| data/documents/NAME.ttl       | https://w3id.org/astana-kg/resource/document/NAME |
| data/sources/NAME.ttl         | https://w3id.org/astana-kg/resource/source/NAME |

so "which document says this?" is a ``GRAPH ?g { ... }`` query.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef

from .errors import InputError
from .formats import serialized
from .namespace import DOC, ONTOLOGY_IRI, REFERENCE_GRAPH, SRC, bind_prefixes
from .project import Project
from .turtle import parse_turtle
from .workspace import Workspace

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.term import Node


def graph_name_for(path: Path, project: Project) -> URIRef:
    """The named graph a file's triples load into, decided by where the file stands."""
    path = path.resolve()
    if path == project.ontology_file.resolve():
        return URIRef(ONTOLOGY_IRI)
    try:
        relative = path.relative_to(project.data_dir.resolve())
    except ValueError:
        raise InputError(f"{path}: not inside {project.data_dir}; facts live under data/") from None
    parts = relative.parts
    if parts == ("reference.ttl",):
        return URIRef(REFERENCE_GRAPH)
    if len(parts) == 2 and parts[0] == "documents":
        return DOC[path.stem]
    if len(parts) == 2 and parts[0] == "sources":
        return SRC[path.stem]
    raise InputError(
        f"{relative}: facts go in data/reference.ttl, data/documents/NAME.ttl "
        "or data/sources/NAME.ttl"
    )


def load_dataset(project: Project) -> Dataset:
    """The ontology and all facts as a Dataset with one named graph per source."""
    project = Workspace.of(project)
    dataset = bind_prefixes(Dataset())
    for path in project.input_files():
        parse_turtle(path, into=dataset.graph(graph_name_for(path, project)))
    return dataset


def merged_graph(dataset: Dataset) -> Graph:
    """All triples of all named graphs in one plain Graph (for reasoning and SHACL)."""
    merged = bind_prefixes(Graph())
    for quad in dataset.quads((None, None, None, None)):
        merged.add(quad[:3])
    return merged


def load_shapes(project: Project) -> Graph:
    """The SHACL shapes graph."""
    project = Workspace.of(project)
    return bind_prefixes(parse_turtle(project.shapes_file))


def to_oxigraph(triples: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    """rdflib triples (a Graph, or tuples of terms) as pyoxigraph Triples.

    Triples with a literal subject, which owlrl derives and RDF does not
    allow, are left out.
    """
    import pyoxigraph as ox
    from rdflib import Literal
    from rdflib.plugins.serializers.nt import _nt_row  # N-Triples escaping: n3() writes a newline as """..."""

    lines = "".join(_nt_row(triple) for triple in triples if not isinstance(triple[0], Literal))
    try:
        return [q.triple for q in ox.parse(lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as error:  # parse_turtle checks every IRI; this is the last line of defence
        raise InputError(f"a term Oxigraph cannot store: {str(error).splitlines()[0]}") from None


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """pyoxigraph Triples as an rdflib Graph with the project's prefixes."""
    import pyoxigraph as ox

    graph = bind_prefixes(Graph())
    graph.parse(data=serialized(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return graph


# =============================================================================
# The sources as N-Triples statements, parsed by Oxigraph (or rdflib)
# =============================================================================

def read_sources(project: Project, parser: str = "oxigraph") -> dict:
    """Every input file's triples as N-Triples statements (without the final " ."), by named graph.

    Blank nodes get fresh labels per file: in Turtle a label belongs to its file.
    """
    import pyoxigraph as ox

    sources = {}
    for path in project.input_files():
        try:
            triples: Iterable[ox.Triple | ox.Quad]
            if parser == "rdflib":
                triples = to_oxigraph(parse_turtle(path))
            else:
                triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
            text = serialized(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
        except (SyntaxError, ValueError, OSError) as error:
            parse_turtle(path)  # rdflib's message names the line and what is wrong
            raise InputError(f"{path}: not valid Turtle: {str(error).splitlines()[0]}") from None
        sources[f"<{graph_name_for(path, project)}>"] = list(dict.fromkeys(line[:-2] for line in text.splitlines()))
    return sources


def merged_statements(sources: dict) -> list:
    """The statements of :func:`read_sources` merged into one graph: each triple once, in file order."""
    return list(dict.fromkeys(statement for statements in sources.values() for statement in statements))


def named_graph_lines(sources: dict) -> list:
    """Each source's statements in its own named graph, as N-Quads lines (without the newline)."""
    return [f"{statement} {graph} ." for graph, statements in sources.items() for statement in statements]


def asserted_text(project: Project) -> str:
    """The asserted merge (ontology + data) as N-Triples text, parsed from the sources by Oxigraph.

    Read from the sources, not from the built store: Oxigraph parses them several
    times faster than RocksDB gives them back (docs/design-figures.md).
    """
    return "".join(f"{statement} .\n" for statement in merged_statements(read_sources(Workspace.of(project))))
