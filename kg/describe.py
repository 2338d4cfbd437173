"""Everything about one entity: found by IRI, prefixed name or any of its names."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .errors import InputError, NegativeResult
from .prefixes import INFERRED_GRAPH, PREFIXES, expand
from .terms import Term

if TYPE_CHECKING:
    from .sparql import Sparql
    from .text_index import SearchIndex


@dataclass
class Description:
    """What the graph says about one entity."""

    entity: str  # prefixed name
    label: str
    asserted_types: list[str] = field(default_factory=list)
    inferred_types: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)  # (property, value)
    referenced_by: list[tuple[str, str]] = field(default_factory=list)  # (subject, property)
    sources: list[str] = field(default_factory=list)  # named graphs that state something about it
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (document, quote or "")

    def to_text(self) -> str:
        lines = [f"{self.entity}  {self.label}".rstrip(), ""]
        lines.append("types:        " + ", ".join(self.asserted_types))
        if self.inferred_types:
            lines.append("inferred:     " + ", ".join(self.inferred_types))
        sections = [
            ("properties", [f"{p}  {v}" for p, v in self.properties]),
            ("referenced by", [f"{s}  {p}" for s, p in self.referenced_by]),
            ("stated in", self.sources),
            ("evidence", [f"{d}  \"{q}\"" if q else d for d, q in self.evidence]),
        ]
        for title, items in sections:
            if items:
                lines += ["", f"{title}:"] + [f"  {item}" for item in items]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def resolve(text: str, names: SearchIndex | Callable[[], SearchIndex]) -> Term:
    """The entity a user means: an IRI, a prefixed name, or one of its ``names`` (a
    kg.search.SearchIndex, or a callable that opens one only when a name is to be looked up).

    Names are compared without case and diacritics ("sedat onal" is "Sedat Önal"):
    any label, hidden label or meeting name, or a person's surname alone. A name
    of several entities is refused with the list of them, rather than guessed.
    """
    text = text.strip()
    if not text:
        raise InputError("give an IRI, a prefixed name (res:russia) or a label")
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else expand(text)
    if iri is None and text.startswith(("http://", "https://")):
        iri = text
    if iri is not None:
        if re.search(r'[\s<>"{}|^`\\]', iri):  # pasted into the queries below, it would break them
            raise InputError(f"{text!r} is not an IRI: an IRI holds no spaces or any of <>\"{{}}|^`\\; "
                             "give a prefixed name such as res:russia, or a label")
        return Term.iri(iri)
    if callable(names):
        names = names()
    entities = names.entities_named(text)
    if len(entities) == 1:
        return Term.iri(entities[0][0])
    if len(entities) > 1:
        listed = ", ".join(f"{Term.iri(iri).display()} ({label})" if label else Term.iri(iri).display()
                           for iri, label in entities)
        raise NegativeResult(f"{text!r} names {len(entities)} entities: {listed}; give one of them")
    close = names.names_like(text)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise NegativeResult(f"no entity is named {text!r}{hint}")


def describe(sparql: Sparql, text: str, names: SearchIndex | Callable[[], SearchIndex],
             most: int | None = None) -> Description:
    """Describe the entity ``text`` names (see :func:`resolve`); with ``most``, at most that many
    properties and incoming links (a country at a million triples has twenty thousand)."""
    entity = resolve(text, names)
    node = entity.n3()
    limit = f" LIMIT {int(most)}" if most is not None else ""
    rows = _select(sparql, f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} ORDER BY ?p ?o{limit}")
    incoming = _select(sparql, f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?s ?p{limit}")
    if not rows and not incoming:
        raise NegativeResult(f"nothing in the graph is about {entity.display()}")
    asserted_types = _select(sparql, f"""
        SELECT DISTINCT ?type WHERE {{ GRAPH ?g {{ {node} a ?type }} FILTER (?g != <{INFERRED_GRAPH}>) }}
        ORDER BY ?type""")
    inferred_types = _select(sparql, f"""
        SELECT DISTINCT ?type WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ {node} a ?type }} }} ORDER BY ?type""")
    sources = _select(sparql, f"""
        SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} FILTER (?g != <{INFERRED_GRAPH}>) }} ORDER BY ?g""")
    evidence = _select(sparql, f"""
        SELECT ?document ?quote WHERE {{
            {node} ap:evidence ?evidence .
            ?evidence prov:wasQuotedFrom|prov:wasDerivedFrom ?document .
            OPTIONAL {{ ?evidence ap:quote ?quote }}
        }} ORDER BY ?document ?quote""")
    label = _select(sparql, f"SELECT ?l WHERE {{ {node} skos:prefLabel|rdfs:label ?l }} ORDER BY ?l LIMIT 1")
    return Description(
        entity=entity.display(),
        label=label[0]["l"].value if label else "",
        asserted_types=[r["type"].display() for r in asserted_types if r["type"].kind == "uri"],
        inferred_types=[r["type"].display() for r in inferred_types if r["type"].kind == "uri"
                        and r["type"].display() not in {a["type"].display() for a in asserted_types}],
        properties=[(r["p"].display(), _show_value(r["o"])) for r in rows
                    if r["p"].value != PREFIXES["rdf"] + "type"],
        referenced_by=[(r["s"].display(), r["p"].display()) for r in incoming],
        sources=[r["g"].display() for r in sources],
        evidence=[(r["document"].display(), r["quote"].value if "quote" in r else "") for r in evidence],
    )


def _show_value(term: Term) -> str:
    if term.kind == "literal":
        suffix = f"@{term.lang}" if term.lang else ""
        return f'"{term.value}"{suffix}'
    return term.display()


def _select(sparql: Sparql, body: str) -> list[dict[str, Term]]:
    return sparql.query(body, prefixes=PREFIXES).rows
