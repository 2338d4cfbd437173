"""RDF terms and query results independent of the store or library that produced them.

rdflib, pyoxigraph and a remote SPARQL endpoint all answer with their own
term types; results are turned into these small values once, so that every
output format and every comparison between them works the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from .prefixes import shorten

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term: kind is "uri", "literal" or "bnode"."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @staticmethod
    def iri(value: str) -> Term:
        return Term("uri", value)

    @staticmethod
    def literal(value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        if lang:
            return Term("literal", value, RDF_LANG_STRING, lang.lower())
        return Term("literal", value, None if datatype in (None, XSD_STRING) else datatype)

    def n3(self) -> str:
        """The term in N-Triples / SPARQL syntax, safely escaped."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = '"' + _escape(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text

    def display(self) -> str:
        """The term for a human: IRIs as prefixed names, literals as their text."""
        if self.kind == "uri":
            return shorten(self.value)
        if self.kind == "bnode":
            return "[ ]"
        return self.value


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


@dataclass
class Result:
    """The answer to a query: rows of a SELECT, a boolean of an ASK, or triples."""

    form: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def row_tuples(self) -> list[tuple]:
        """Rows as tuples of display strings in variable order ("" when unbound)."""
        return [tuple(row[v].display() if v in row else "" for v in self.variables) for row in self.rows]


# --- conversion from the libraries' own term types -------------------------------

@overload
def from_oxigraph(term: None) -> None: ...
@overload
def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term: ...
def from_oxigraph(term: Any) -> Term | None:  # told apart by class name, as from_rdflib must be
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return Term.iri(term.value)
    if kind == "BlankNode":
        return Term("bnode", term.value)
    if kind == "Literal":
        return Term.literal(term.value, term.datatype.value, term.language)
    raise ValueError(f"unsupported term {term!r}")


@overload
def from_rdflib(term: None) -> None: ...
@overload
def from_rdflib(term: Node) -> Term: ...
def from_rdflib(term: Any) -> Term | None:  # by class name: importing rdflib here would slow every command
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "URIRef":
        return Term.iri(str(term))
    if kind == "BNode":
        return Term("bnode", str(term))
    if kind == "Literal":
        return Term.literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise ValueError(f"unsupported term {term!r}")
