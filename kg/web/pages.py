"""What each web page shows, gathered from the store: plain data, no web framework.

A resource's page says what ``kg describe`` says (label, asserted and inferred
types, the graphs that state something about it) and what a page needs beyond
the command's text: each fact with the labels of what it links to, and, per
fact, the source graphs that state it with the quotes and documents their
evidence gives; the links into it; a round's place among the rounds; a
person's roles over time. It is read from the store's indexes, not through
kg.describe, whose sorted queries take seconds for a resource with thousands
of links.

IRIs under https://w3id.org/astana-kg/ are pages of this site: :func:`local_path`
maps one to its path (``/resource/round-07``), :func:`iri_for_path` back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from ..errors import NegativeResult
from ..prefixes import BASE, INFERRED_GRAPH, ONTOLOGY_IRI, PREFIXES, shorten
from ..terms import Term, from_oxigraph

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..project import Project
    from ..sparql import OxigraphSparql, Sparql
    from ..view import GraphView

RDF_TYPE = PREFIXES["rdf"] + "type"
EVIDENCE = PREFIXES["ap"] + "evidence"
QUOTE = PREFIXES["ap"] + "quote"
DOCUMENT_OF_EVIDENCE = (PREFIXES["prov"] + "wasQuotedFrom", PREFIXES["prov"] + "wasDerivedFrom")
LABELS = (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label")
# A country has twenty thousand links at a million triples; a page shows this many facts and links.
MOST_SHOWN = 500
ROUNDS_AROUND = 10  # a round's page places it among this many rounds before it and after it


@lru_cache(maxsize=1 << 16)  # shortening an IRI is a search, and pages show the same ones again and again
def _display(term: Term) -> str:
    return term.display()


def local_path(iri: str) -> str | None:
    """The path of this site's page for ``iri`` (``/resource/round-07``, ``/ontology#Round``), or None."""
    if not iri.startswith(BASE) or iri == BASE:
        return None
    return "/" + iri[len(BASE):]


def iri_for_path(path: str) -> str:
    return BASE + path.lstrip("/")


@dataclass(frozen=True)
class Node:
    """A term as a page shows it: its text, and for an IRI its label and whether it is one of our pages."""

    term: Term
    label: str = ""

    @property
    def iri(self) -> str | None:
        return self.term.value if self.term.kind == "uri" else None

    @property
    def name(self) -> str:
        """The prefixed name (or <IRI>) of an IRI; a literal's text."""
        return _display(self.term)

    @property
    def local(self) -> str | None:
        return local_path(self.term.value) if self.term.kind == "uri" else None

    @property
    def annotation(self) -> str:
        """A literal's language or datatype, as a page notes it beside the value."""
        if self.term.kind != "literal":
            return ""
        if self.term.lang:
            return f"@{self.term.lang}"
        return shorten(self.term.datatype) if self.term.datatype else ""


@dataclass
class Source:
    """A graph that states a fact, with the quotes and documents its evidence for the subject gives."""

    graph: Node
    quotes: list[tuple[str, Node | None]] = field(default_factory=list)  # (quote or "", document)


@dataclass
class Fact:
    property: Node
    value: Node
    sources: list[Source] = field(default_factory=list)
    inferred: bool = False  # stated by no source: OWL RL derived it


@dataclass
class RoundMark:
    node: Node
    number: int
    start: str
    position: float  # 0..1 along the time axis of all rounds
    current: bool = False


@dataclass
class Role:
    start: str
    meeting: Node
    role: str  # "head" or "member"
    delegation: Node
    party: Node | None


@dataclass
class ResourcePage:
    node: Node
    asserted_types: list[Node]
    inferred_types: list[Node]
    facts: list[Fact]
    incoming: list[tuple[Node, Node]]  # (subject, property)
    incoming_total: int
    evidence: list[tuple[str, Node | None]]  # every quote about it and where it is from
    stated_in: list[Node]
    rounds: list[RoundMark] = field(default_factory=list)  # a round's place among the rounds near it
    round_count: int = 0
    roles: list[Role] = field(default_factory=list)  # a person's delegations over time
    partly_shown: list[tuple[Node, int, int]] = field(default_factory=list)  # (property, shown, how many it has)

    @property
    def label(self) -> str:
        return self.node.label or self.node.name


def resource_page(sparql: OxigraphSparql, iri: str, labels: dict[str, str] | None = None, most: int = MOST_SHOWN) -> ResourcePage:
    """Everything the page of ``iri`` shows, at most ``most`` facts and ``most`` links to it;
    NegativeResult if the graph says nothing about it. ``labels``: all of the graph's
    (:func:`all_labels`), or None to look up the ones the page shows.

    Read from the store's indexes pattern by pattern, which stream without sorting: at a
    million triples a country has 13,000 facts and 20,000 links, and a page shows at most
    MOST_SHOWN of each (a share of every property), sorted here.
    """
    import pyoxigraph as ox

    store, node, default = sparql.store, _named_node(iri), ox.DefaultGraph()
    if next(store.quads_for_pattern(node, None, None, default), None) is None and \
            next(store.quads_for_pattern(None, None, node, default), None) is None:
        raise NegativeResult(f"nothing in the graph is about {shorten(iri)}")
    stated, stated_totals = _first_links(sparql, node, outgoing=True, leave_out={RDF_TYPE, EVIDENCE}, most=most)
    links_in, incoming_totals = _first_links(sparql, node, outgoing=False, most=most)
    incoming = sorted((_term(t.subject), _term(t.predicate)) for t in links_in)

    type_graphs: dict[Term, set[str]] = {}
    for quad in store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None, None):
        if isinstance(quad.object, ox.NamedNode) and isinstance(quad.graph_name, ox.NamedNode):
            type_graphs.setdefault(_term(quad.object), set()).add(quad.graph_name.value)
    asserted_types = sorted(t for t, graphs in type_graphs.items() if graphs - {INFERRED_GRAPH})
    inferred_types = sorted(t for t, graphs in type_graphs.items() if graphs == {INFERRED_GRAPH})
    quotes_by_graph = _evidence(store, node)
    # A look into each graph: a query's GRAPH ?g reads all of a country's 13,000 facts at 1M.
    stated_in = sorted(_term(graph) for graph in store.named_graphs() if graph.value != INFERRED_GRAPH
                       and next(store.quads_for_pattern(node, None, None, graph), None) is not None)
    facts = []
    for triple in sorted(stated, key=lambda t: (_term(t.predicate), _term(t.object))):
        graphs = sorted(q.graph_name.value for q in store.quads_for_pattern(node, triple.predicate, triple.object, None)
                        if isinstance(q.graph_name, ox.NamedNode))
        facts.append((_term(triple.predicate), _term(triple.object), [g for g in graphs if g != INFERRED_GRAPH],
                      graphs == [INFERRED_GRAPH]))
    asserted = {t.value for t in asserted_types}
    rounds = round_marks(sparql, iri) if PREFIXES["ap"] + "Round" in asserted else []
    roles = _roles(sparql, iri) if PREFIXES["ap"] + "Person" in asserted else []

    mentioned = {Term.iri(iri), *asserted_types, *inferred_types, *stated_in}
    mentioned |= {term for p, o, graphs, _ in facts for term in (p, o)} | {Term.iri(g) for f in facts for g in f[2]}
    mentioned |= {term for pair in incoming for term in pair}
    mentioned |= {Term.iri(g) for g in quotes_by_graph}
    mentioned |= {document for quotes in quotes_by_graph.values() for _, document in quotes if document}
    mentioned |= {r.meeting.term for r in roles} | {r.delegation.term for r in roles}
    mentioned |= {r.party.term for r in roles if r.party} | {m.node.term for m in rounds}
    labels = labels_of(sparql, mentioned, labels)

    def show(term: Term) -> Node:
        return Node(term, labels.get(term.value, "") if term.kind == "uri" else "")

    shown_quotes = {graph: [(quote, show(document) if document else None) for quote, document in quotes]
                    for graph, quotes in quotes_by_graph.items()}
    return ResourcePage(
        node=show(Term.iri(iri)),
        asserted_types=[show(t) for t in asserted_types],
        inferred_types=[show(t) for t in inferred_types],
        facts=[Fact(show(p), show(o), [Source(show(Term.iri(g)), shown_quotes.get(g, [])) for g in graphs], inferred)
               for p, o, graphs, inferred in facts],
        incoming=[(show(s), show(p)) for s, p in incoming],
        incoming_total=sum(incoming_totals.values()),
        evidence=[q for quotes in shown_quotes.values() for q in quotes],
        stated_in=[show(g) for g in stated_in],
        rounds=[RoundMark(show(m.node.term), m.number, m.start, m.position, m.current) for m in rounds],
        round_count=round_count(sparql) if rounds else 0,
        roles=[Role(r.start, show(r.meeting.term), r.role, show(r.delegation.term),
                    show(r.party.term) if r.party else None) for r in roles],
        partly_shown=[(show(Term.iri(p)), shown, n) for p, n in sorted(stated_totals.items())
                      if (shown := sum(1 for f in facts if f[0].value == p)) < n],
    )


def _first_links(sparql: OxigraphSparql, node: ox.NamedNode, outgoing: bool, most: int,
                 leave_out: frozenset[str] | set[str] = frozenset()) -> tuple[list[ox.Triple], dict[str, int]]:
    """Up to ``most`` triples of the default graph from ``node`` (``outgoing``) or to it from an IRI,
    leaving out the properties in ``leave_out``; and how many there are of each property (links
    from blank nodes, such as evidence citing a document, counted but not given).

    Counted by property in one query, then read property by property from the store's index,
    which streams without sorting. When there are more than ``most``, every property gets its
    share (a country's prefLabel is not crowded out by its 6,000 rounds).
    """
    from itertools import islice

    import pyoxigraph as ox

    store, default = sparql.store, ox.DefaultGraph()
    # Not FILTER isIRI(?s): it decodes every subject, five times the count's cost at 20,000 links.
    where = f"{node} ?p ?o" if outgoing else f"?s ?p {node}"
    counts = {row["p"].value: int(row["n"].value) for row in cast("ox.QuerySolutions", store.query(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {where} }} GROUP BY ?p")) if row["p"].value not in leave_out}
    triples: list[ox.Triple] = []
    left = most
    for position, (predicate, count) in enumerate(sorted(counts.items(), key=lambda item: (item[1], item[0]))):
        share = min(count, left // (len(counts) - position))  # all of it while the rest fits
        subject, value = (node, None) if outgoing else (None, node)
        triples += islice((q.triple for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), value, default)
                           if outgoing or isinstance(q.subject, ox.NamedNode)), share)
        left -= share
    return triples, counts


def _evidence(store: GraphView | ox.Store, node: ox.NamedNode) -> dict[str, list[tuple[str, Term | None]]]:
    """By source graph, the (quote or "", document or None) of each of the node's evidence nodes there."""
    from itertools import islice

    import pyoxigraph as ox

    quotes: dict[str, list[tuple[str, Term | None]]] = {}
    for quad in islice(store.quads_for_pattern(node, ox.NamedNode(EVIDENCE), None, None), MOST_SHOWN):
        graph, evidence = quad.graph_name, quad.object
        if not isinstance(graph, ox.NamedNode) or graph.value == INFERRED_GRAPH or isinstance(evidence, ox.Literal):
            continue
        said = sorted(_term(q.object).value for q in store.quads_for_pattern(evidence, ox.NamedNode(QUOTE), None, graph))
        documents: Sequence[Term | None] = sorted(_term(q.object) for predicate in DOCUMENT_OF_EVIDENCE
                                                  for q in store.quads_for_pattern(evidence, ox.NamedNode(predicate),
                                                                                   None, graph))
        quotes.setdefault(graph.value, []).extend((text, document) for document in documents or [None]
                                                  for text in said or [""])
    for name in quotes:
        quotes[name].sort(key=lambda pair: (pair[1] is not None, pair[1] or Term.iri(""), pair[0]))
    return dict(sorted(quotes.items()))


def _named_node(iri: str) -> ox.NamedNode:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise NegativeResult(f"nothing in the graph is about {iri}: it is not an IRI") from None


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    return from_oxigraph(term)


def labels_of(sparql: OxigraphSparql, terms: Iterable[Term], known: dict[str, str] | None = None) -> dict[str, str]:
    """The label of each IRI among ``terms``: its English or untagged skos:prefLabel, else rdfs:label;
    taken from ``known`` (:func:`all_labels`) when given.

    Looked up pattern by pattern in the store: a lookup costs microseconds, and one query with
    all of them in VALUES, up to a thousand on a page, cost more at every size tried.
    """
    import pyoxigraph as ox

    iris = sorted({t.value for t in terms if t.kind == "uri"})
    if known is not None:
        return {iri: known[iri] for iri in iris if iri in known}
    default = ox.DefaultGraph()
    predicates = [ox.NamedNode(p) for p in LABELS]
    labels: dict[str, str] = {}
    for iri in iris:
        node = ox.NamedNode(iri)
        for predicate in predicates:
            found = _label_texts(q.object for q in sparql.store.quads_for_pattern(node, predicate, None, default))
            if found:
                labels[iri] = min(found)
                break
    return labels


def all_labels(sparql: OxigraphSparql) -> dict[str, str]:
    """The label of every IRI that has one, as :func:`labels_of` gives it, read in one pass per
    label property: kg site shows the same few hundred IRIs on each of its hundreds of pages."""
    import pyoxigraph as ox

    labels: dict[str, str] = {}
    for predicate in reversed(LABELS):  # a prefLabel replaces an rdfs:label
        texts: dict[str, list[str]] = {}
        for quad in sparql.store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph()):
            if isinstance(quad.subject, ox.NamedNode):
                texts.setdefault(quad.subject.value, []).extend(_label_texts([quad.object]))
        labels.update({iri: min(found) for iri, found in texts.items() if found})
    return labels


def _label_texts(terms: Iterable[object]) -> list[str]:
    import pyoxigraph as ox

    return [t.value for t in terms if isinstance(t, ox.Literal) and (t.language or "en").startswith("en")]


def round_marks(sparql: Sparql, current: str | None, around: int | None = ROUNDS_AROUND) -> list[RoundMark]:
    """The rounds with a start date, placed along one time axis, ``current`` marked: all of them,
    or those within ``around`` numbers of the current one (a generated graph has thousands)."""
    numbers = ""
    if current is not None and around is not None:
        found = _select(sparql, f"SELECT ?n WHERE {{ <{current}> ap:roundNumber ?n }} LIMIT 1")
        if not found:
            return []
        number = int(found[0]["n"].value)
        numbers = "VALUES ?n { " + " ".join(str(n) for n in range(max(number - around, 0), number + around + 1)) + " }"
    rows = _select(sparql, f"""
        SELECT ?round (MIN(?n) AS ?number) (MIN(STR(?date)) AS ?start) WHERE {{
            {numbers}
            ?round ap:roundNumber ?n . ?round a ap:Round ; ap:startDate ?date . FILTER (DATATYPE(?date) = xsd:date)
        }} GROUP BY ?round ORDER BY ?number""")
    if not rows:
        return []
    days = [datetime.date.fromisoformat(row["start"].value).toordinal() for row in rows]
    first, span = min(days), max(max(days) - min(days), 1)
    return [RoundMark(Node(row["round"]), int(row["number"].value), row["start"].value, (day - first) / span,
                      row["round"].value == current) for row, day in zip(rows, days)]


def round_count(sparql: Sparql) -> int:
    return int(_select(sparql, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ap:Round }")[0]["n"].value)


def _roles(sparql: Sparql, person: str) -> list[Role]:
    """The delegations a person headed or was a member of, by the meeting's start date."""
    rows = _select(sparql, f"""
        SELECT DISTINCT ?delegation ?meeting ?start ?party ?head WHERE {{
            <{person}> ap:memberOf ?delegation .
            ?delegation ap:delegationAt ?meeting .
            OPTIONAL {{ ?meeting ap:startDate ?date }}
            OPTIONAL {{ ?delegation ap:represents ?party }}
            BIND (STR(?date) AS ?start)
            BIND (EXISTS {{ ?delegation ap:hasHead <{person}> }} AS ?head)
        }} ORDER BY ?start ?meeting""")
    return [Role(row["start"].value if "start" in row else "", Node(row["meeting"]),
                 "head" if row["head"].value == "true" else "member", Node(row["delegation"]),
                 Node(row["party"]) if "party" in row else None) for row in rows]


# --- indexes --------------------------------------------------------------------------

@dataclass
class ClassIndex:
    node: Node
    members: list[Node]


def classes_with_members(sparql: OxigraphSparql, labels: dict[str, str] | None = None) -> list[tuple[Node, int]]:
    """The ontology's classes that have members, with how many (asserted or inferred)."""
    rows = _select(sparql, f"""
        SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            ?x a ?class . FILTER (STRSTARTS(STR(?class), "{PREFIXES['ap']}") && isIRI(?x))
        }} GROUP BY ?class ORDER BY ?class""")
    labels = labels_of(sparql, [row["class"] for row in rows], labels)
    return [(Node(row["class"], labels.get(row["class"].value, "")), int(row["n"].value)) for row in rows]


def class_index(sparql: OxigraphSparql, class_iri: str, labels: dict[str, str] | None = None) -> ClassIndex:
    rows = _select(sparql, f"SELECT DISTINCT ?x WHERE {{ ?x a <{class_iri}> FILTER isIRI(?x) }} ORDER BY ?x")
    if not rows:
        raise NegativeResult(f"no resource is of class {shorten(class_iri)}")
    labels = labels_of(sparql, [row["x"] for row in rows] + [Term.iri(class_iri)], labels)
    members = sorted((Node(row["x"], labels.get(row["x"].value, "")) for row in rows),
                     key=lambda n: (n.label or n.name).lower())
    return ClassIndex(Node(Term.iri(class_iri), labels.get(class_iri, "")), members)


def all_resources(sparql: OxigraphSparql) -> list[str]:
    """Every IRI of this site that the graph says something about, as subject (the pages a site has)."""
    import pyoxigraph as ox

    # Filtered here, not in SPARQL: a FILTER on STR(?x) decodes every triple's subject.
    subjects = cast("ox.QuerySolutions", sparql.store.query("SELECT DISTINCT ?x WHERE { ?x ?p ?o }"))
    return sorted(row[0].value for row in subjects
                  if isinstance(row[0], ox.NamedNode) and row[0].value.startswith(PREFIXES["res"]))


# --- RDF answers ----------------------------------------------------------------------

def resource_triples(sparql: OxigraphSparql, iri: str) -> list[ox.Triple]:
    """The description an RDF client gets for ``iri``: its triples (asserted and inferred), the
    triples that link to it, what its evidence says, and the labels of everything it links to,
    as pyoxigraph triples."""
    import pyoxigraph as ox

    store, default, node = sparql.store, ox.DefaultGraph(), ox.NamedNode(iri)
    outgoing = [q.triple for q in store.quads_for_pattern(node, None, None, default)]
    incoming = [q.triple for q in store.quads_for_pattern(None, None, node, default)]
    if not outgoing and not incoming:
        raise NegativeResult(f"nothing in the graph is about {shorten(iri)}")
    evidence = [q.triple for t in outgoing if t.predicate.value == EVIDENCE
                for q in store.quads_for_pattern(t.object, None, None, default)]  # type: ignore[arg-type]  # evidence is a node
    linked = {t.object for t in outgoing if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
    linked |= {t.predicate for t in outgoing + incoming}
    labels = [q.triple for other in sorted(linked - {node}, key=str) for label in LABELS
              for q in store.quads_for_pattern(other, ox.NamedNode(label), None, default)]
    return list(dict.fromkeys(outgoing + incoming + evidence + labels))


def open_store_sparql(project: Project) -> OxigraphSparql:
    """SPARQL by pyoxigraph over the current build, whatever ``--engine query=`` says: the pages
    read the store's indexes as well as asking it queries."""
    from ..sparql import OxigraphSparql
    from ..store import open_sparql

    sparql = open_sparql(project, query="oxigraph")
    assert isinstance(sparql, OxigraphSparql)
    return sparql


def _select(sparql: Sparql, body: str) -> list[dict[str, Term]]:
    return sparql.query(body, prefixes=PREFIXES).rows


ONTOLOGY_PATH = local_path(ONTOLOGY_IRI)


# --- the query page -------------------------------------------------------------------

@dataclass
class Example:
    """A saved query as a ready example: its text with the parameters set."""

    name: str
    summary: str
    description: str
    parameters: list
    query: str


def query_examples(project: Project) -> list[Example]:
    """Every saved query, its parameters set to their defaults or first allowed value."""
    from ..errors import InputError
    from ..queries import read_saved_query

    examples = []
    for path in sorted(project.queries_dir.glob("*.rq")):
        try:
            saved = read_saved_query(path)
        except InputError:
            continue  # reported when that query is run
        values = {p.name: [p.choices[0]] for p in saved.parameters if p.default is None and p.choices}
        try:
            text = saved.bind(values)
        except InputError:
            text = saved.text  # a required parameter without default or choices: shown as it is
        examples.append(Example(saved.name, saved.summary, saved.description, saved.parameters, text))
    return examples
