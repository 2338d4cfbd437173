"""Read the ontology and the facts into an rdflib Dataset, one named graph per source.

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

import logging
import re
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError
from .namespace import DOC, ONTOLOGY_IRI, REFERENCE_GRAPH, SRC, bind_prefixes
from .project import Project, default_project  # noqa: F401  (part of this module's API)

# rdflib logs a warning for every ill-typed literal ("2017-02-30"^^xsd:date);
# SHACL reports those precisely, so the log line would only be noise.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


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


# Extensions of RDF formats that are not Turtle: each would be misread as Turtle.
OTHER_FORMATS = {".trig": "TriG", ".jsonld": "JSON-LD", ".json": "JSON-LD", ".rdf": "RDF/XML", ".owl": "RDF/XML",
                 ".xml": "RDF/XML", ".nq": "N-Quads", ".n3": "Notation3"}
# Nesting of blank nodes and lists that rdflib's recursive parser reads (about six frames a level).
_PARSER_RECURSION = 20_000


def parse_turtle(path: Path, into: Graph | None = None, data: bytes | None = None) -> Graph:
    """Parse one Turtle file (or its ``data``, already read), turning every failure into one InputError line."""
    import sys

    from .files import read_regular_file

    graph = into if into is not None else Graph()
    path = Path(path)
    if path.suffix.lower() in OTHER_FORMATS:
        raise InputError(f"{path}: a {OTHER_FORMATS[path.suffix.lower()]} file; kg reads Turtle only (.ttl): "
                         f"convert it first, e.g. rdfpipe -o turtle {path.name} > {path.stem}.ttl")
    raw = data if data is not None else read_regular_file(path)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is not part of the Turtle
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8") from None
    parsed = Graph()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _PARSER_RECURSION))
    try:
        parsed.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        raise InputError(_describe_bad_syntax(path, error)) from None
    except RecursionError:
        raise InputError(f"{path}: blank nodes or lists nested too deep to read; nest them less") from None
    except Exception as error:  # rdflib raises bare exceptions for some malformed input
        raise InputError(f"{path}: not valid Turtle: {error}") from None
    finally:
        sys.setrecursionlimit(limit)
    _check_iris(path, text, parsed)
    _check_language_tags(path, text, parsed)
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=False)
    for triple in parsed:
        graph.add(triple)
    return graph


def _check_language_tags(path: Path, text: str, graph: Graph) -> None:
    """rdflib accepts language tags BCP 47 forbids (a subtag of nine letters); stores refuse them."""
    import pyoxigraph as ox
    from rdflib import Literal

    for tag in sorted({o.language for o in graph.objects() if isinstance(o, Literal) and o.language}):
        try:
            ox.Literal("", language=tag)
        except ValueError as error:
            found = re.search(rf"@{re.escape(tag)}(?![\w-])", text, re.IGNORECASE)
            line = text.count("\n", 0, found.start()) + 1 if found else 1
            reason = str(error).splitlines()[0]
            raise InputError(f"{path}:{line}: Turtle syntax error: the language tag @{tag} is not valid "
                             f"({reason[:1].lower()}{reason[1:]})") from None


def _describe_bad_syntax(path: Path, error: BadSyntax) -> str:
    text: bytes = error._str if isinstance(error._str, bytes) else str(error._str).encode()
    if error._i < 0:  # rdflib's marker for "at the end of the file"
        last_line = text.rstrip(b"\n").count(b"\n") + 1
        return f"{path}:{last_line}: Turtle syntax error: {error._why} (at the end of the file)"
    offset = min(error._i, len(text))
    line = text[:offset].count(b"\n") + 1
    column = offset - (text.rfind(b"\n", 0, offset) + 1) + 1
    return f"{path}:{line}:{column}: Turtle syntax error: {error._why}"


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_iris(path: Path, text: str, graph: Graph) -> None:
    """rdflib accepts some IRIs Turtle forbids (a space inside, a quoted string as subject)
    and resolves relative ones against the file's own location; neither makes a stable IRI."""
    import pyoxigraph as ox
    from rdflib import Literal

    for subject in {s for s in graph.subjects() if isinstance(s, Literal)}:
        position = text.find(f'"{subject}"')
        line = text.count("\n", 0, position) + 1 if position >= 0 else 1
        raise InputError(f'{path}:{line}: Turtle syntax error: a literal ("{subject}") cannot be the subject of a triple')
    folder = path.resolve().as_uri().rsplit("/", 1)[0]
    nodes = {n for triple in graph for n in triple}
    iris = {n for n in nodes if isinstance(n, URIRef)} | {n.datatype for n in nodes if isinstance(n, Literal) and n.datatype}
    for node in iris:
        iri = str(node)
        problem = ("contains a character IRIs may not hold" if _NOT_IN_IRI.search(iri)
                   else "is relative; write a prefixed name or a full https:// IRI" if iri.startswith(folder)
                   else None)
        if problem is None:
            try:
                ox.NamedNode(iri)  # RFC 3987, as every store checks it
            except ValueError as error:
                problem = f"is not a valid IRI ({str(error)[0].lower()}{str(error)[1:]})"
        if problem:
            shown = iri[len(folder) + 1:] if iri.startswith(folder) else iri
            # A prefixed name is written with its namespace elsewhere: look for the namespace then.
            position = text.find(shown)
            if position < 0:
                position = text.find(shown[:max(shown.rfind("#"), shown.rfind("/")) + 1])
            line = text.count("\n", 0, position) + 1 if position >= 0 else 1
            visible = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", shown)
            raise InputError(f"{path}:{line}: Turtle syntax error: the IRI <{visible}> {problem}")


def load_dataset(project: Project | None = None) -> Dataset:
    """The ontology and all facts as a Dataset with one named graph per source."""
    project = project or default_project()
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


def load_shapes(project: Project | None = None) -> Graph:
    """The SHACL shapes graph."""
    project = project or default_project()
    return bind_prefixes(parse_turtle(project.shapes_file))


def to_oxigraph(triples) -> list:
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


def to_rdflib(triples) -> Graph:
    """pyoxigraph Triples as an rdflib Graph with the project's prefixes."""
    import pyoxigraph as ox

    graph = bind_prefixes(Graph())
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return graph
