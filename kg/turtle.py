"""Turtle parsing: one file into an rdflib Graph, every failure one line naming file:line:column.

rdflib is lenient where Turtle and the stores are strict (IRIs, language
tags, literal subjects), so a file is checked as the stores will read it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError

# rdflib logs a warning for every ill-typed literal ("2017-02-30"^^xsd:date);
# SHACL reports those precisely, so the log line would only be noise.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


# Extensions of RDF formats that are not Turtle: each would be misread as Turtle.
OTHER_FORMATS = {".trig": "TriG", ".jsonld": "JSON-LD", ".json": "JSON-LD", ".rdf": "RDF/XML", ".owl": "RDF/XML",
                 ".xml": "RDF/XML", ".nq": "N-Quads", ".n3": "Notation3"}
# Nesting of blank nodes and lists that rdflib's recursive parser reads (about six frames a level).
_PARSER_RECURSION = 20_000


def parse_turtle(path: Path, into: Graph | None = None, data: bytes | None = None) -> Graph:
    """Parse one Turtle file (or its ``data``, already read), turning every failure into one InputError line."""
    import sys

    from .files import read_regular_file

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
    if into is None:  # copying 100k triples would take seconds
        return parsed
    for prefix, namespace in parsed.namespaces():
        into.bind(prefix, namespace, override=False)
    for triple in parsed:
        into.add(triple)
    return into


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
