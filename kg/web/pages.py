"""What each web page shows, gathered from the store: plain data, no web framework.

A resource's page starts from :func:`kg.describe.describe` (label, asserted and
inferred types, the graphs that state something about it) and adds what a page
needs beyond the command's text: each fact with the labels of what it links to,
and, per fact, the source graphs that state it with the quotes and documents
their evidence gives; the links into it; a round's place among the rounds; a
person's roles over time.

IRIs under https://w3id.org/astana-kg/ are pages of this site: :func:`local_path`
maps one to its path (``/resource/round-07``), :func:`iri_for_path` back.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from ..describe import describe
from ..errors import NegativeResult
from ..prefixes import BASE, INFERRED_GRAPH, ONTOLOGY_IRI, PREFIXES, expand, shorten
from ..terms import Term

RDF_TYPE = PREFIXES["rdf"] + "type"
EVIDENCE = PREFIXES["ap"] + "evidence"
LABELS = (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label")
# A country has twenty thousand links at a million triples; a page shows this many facts and links.
MOST_SHOWN = 500
ROUNDS_AROUND = 10  # a round's page places it among this many rounds before it and after it


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

    @cached_property  # a template asks for it several times, and shortening an IRI is a search
    def name(self) -> str:
        """The prefixed name (or <IRI>) of an IRI; a literal's text."""
        return self.term.display()

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

    @property
    def label(self) -> str:
        return self.node.label or self.node.name


def resource_page(engine, iri: str) -> ResourcePage:
    """Everything the page of ``iri`` shows; NegativeResult if the graph says nothing about it."""
    description = describe(engine, f"<{iri}>", most=MOST_SHOWN)
    node = f"<{iri}>"
    stated = _select(engine, f"""
        SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} FILTER (?p != rdf:type && ?p != ap:evidence) }}
        ORDER BY ?p ?o ?g LIMIT {MOST_SHOWN}""")
    counts = _select(engine, f"""SELECT (COUNT(*) AS ?incoming) WHERE {{ ?s ?p {node} }}""")[0]
    evidence_rows = _select(engine, f"""
        SELECT ?g ?quote ?document WHERE {{ GRAPH ?g {{
            {node} ap:evidence ?evidence .
            OPTIONAL {{ ?evidence ap:quote ?quote }}
            OPTIONAL {{ ?evidence prov:wasQuotedFrom|prov:wasDerivedFrom ?document }}
        }} }} ORDER BY ?g ?document ?quote""")
    incoming_rows = [{"s": _term_of(s), "p": _term_of(p)} for s, p in description.referenced_by if s != "[ ]"]

    types = {"asserted": [_term_of(t) for t in description.asserted_types],
             "inferred": [_term_of(t) for t in description.inferred_types]}
    rounds = round_marks(engine, iri) if PREFIXES["ap"] + "Round" in {t.value for t in types["asserted"]} else []
    roles = _roles(engine, iri) if PREFIXES["ap"] + "Person" in {t.value for t in types["asserted"]} else []

    mentioned = {row[key] for row in stated for key in ("p", "o", "g")}
    mentioned |= {row[key] for row in evidence_rows for key in ("g", "document") if key in row}
    mentioned |= {row[key] for row in incoming_rows for key in ("s", "p")}
    mentioned |= {*types["asserted"], *types["inferred"], *(_term_of(g) for g in description.sources)}
    mentioned |= {r.meeting.term for r in roles} | {r.delegation.term for r in roles}
    mentioned |= {r.party.term for r in roles if r.party} | {m.node.term for m in rounds}
    labels = labels_of(engine, mentioned)

    def show(term: Term) -> Node:
        return Node(term, labels.get(term.value, "") if term.kind == "uri" else "")

    quotes_by_graph: dict[str, list[tuple[str, Node | None]]] = {}
    for row in evidence_rows:
        quotes_by_graph.setdefault(row["g"].value, []).append(
            (row["quote"].value if "quote" in row else "", show(row["document"]) if "document" in row else None))
    facts: dict[tuple[Term, Term], Fact] = {}
    for row in stated:
        fact = facts.setdefault((row["p"], row["o"]), Fact(show(row["p"]), show(row["o"])))
        if row["g"].value == INFERRED_GRAPH:
            fact.inferred = True
        else:
            fact.sources.append(Source(show(row["g"]), quotes_by_graph.get(row["g"].value, [])))
    for fact in facts.values():
        fact.inferred = fact.inferred and not fact.sources

    return ResourcePage(
        node=Node(Term.iri(iri), description.label),
        asserted_types=[show(t) for t in types["asserted"]],
        inferred_types=[show(t) for t in types["inferred"]],
        facts=list(facts.values()),
        incoming=[(show(row["s"]), show(row["p"])) for row in incoming_rows],
        incoming_total=int(counts["incoming"].value),
        evidence=[q for graph_quotes in quotes_by_graph.values() for q in graph_quotes],
        stated_in=[show(_term_of(g)) for g in description.sources],
        rounds=[RoundMark(Node(m.node.term, labels.get(m.node.term.value, m.node.label)), m.number, m.start,
                          m.position, m.current) for m in rounds],
        round_count=round_count(engine) if rounds else 0,
        roles=[Role(r.start, show(r.meeting.term), r.role, show(r.delegation.term),
                    show(r.party.term) if r.party else None) for r in roles],
    )


def labels_of(engine, terms) -> dict[str, str]:
    """The label of each IRI among ``terms``: its English or untagged skos:prefLabel, else rdfs:label.

    Looked up pattern by pattern in the store: a page links to dozens of IRIs,
    and a lookup costs microseconds where a query with all of them in VALUES cost 2 ms.
    """
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    predicates = [ox.NamedNode(p) for p in LABELS]
    labels: dict[str, str] = {}
    for iri in sorted({t.value for t in terms if t.kind == "uri"}):
        node = ox.NamedNode(iri)
        for predicate in predicates:
            found = sorted(q.object.value for q in engine.store.quads_for_pattern(node, predicate, None, default)
                           if isinstance(q.object, ox.Literal) and (q.object.language or "en").startswith("en"))
            if found:
                labels[iri] = found[0]
                break
    return labels


def round_marks(engine, current: str | None, around: int | None = ROUNDS_AROUND) -> list[RoundMark]:
    """The rounds with a start date, placed along one time axis, ``current`` marked: all of them,
    or those within ``around`` numbers of the current one (a generated graph has thousands)."""
    numbers = ""
    if current is not None and around is not None:
        found = _select(engine, f"SELECT ?n WHERE {{ <{current}> ap:roundNumber ?n }} LIMIT 1")
        if not found:
            return []
        number = int(found[0]["n"].value)
        numbers = "VALUES ?n { " + " ".join(str(n) for n in range(max(number - around, 0), number + around + 1)) + " }"
    rows = _select(engine, f"""
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


def round_count(engine) -> int:
    return int(_select(engine, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ap:Round }")[0]["n"].value)


def _roles(engine, person: str) -> list[Role]:
    """The delegations a person headed or was a member of, by the meeting's start date."""
    rows = _select(engine, f"""
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


def classes_with_members(engine) -> list[tuple[Node, int]]:
    """The ontology's classes that have members, with how many (asserted or inferred)."""
    rows = _select(engine, f"""
        SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            ?x a ?class . FILTER (STRSTARTS(STR(?class), "{PREFIXES['ap']}") && isIRI(?x))
        }} GROUP BY ?class ORDER BY ?class""")
    labels = labels_of(engine, [row["class"] for row in rows])
    return [(Node(row["class"], labels.get(row["class"].value, "")), int(row["n"].value)) for row in rows]


def class_index(engine, class_iri: str) -> ClassIndex:
    rows = _select(engine, f"SELECT DISTINCT ?x WHERE {{ ?x a <{class_iri}> FILTER isIRI(?x) }} ORDER BY ?x")
    if not rows:
        raise NegativeResult(f"no resource is of class {shorten(class_iri)}")
    labels = labels_of(engine, [row["x"] for row in rows] + [Term.iri(class_iri)])
    members = sorted((Node(row["x"], labels.get(row["x"].value, "")) for row in rows),
                     key=lambda n: (n.label or n.name).lower())
    return ClassIndex(Node(Term.iri(class_iri), labels.get(class_iri, "")), members)


def all_resources(engine) -> list[str]:
    """Every IRI of this site that the graph says something about, as subject (the pages a site has)."""
    rows = _select(engine, f"""
        SELECT DISTINCT ?x WHERE {{ ?x ?p ?o FILTER (isIRI(?x) && STRSTARTS(STR(?x), "{PREFIXES['res']}")) }}
        ORDER BY ?x""")
    return [row["x"].value for row in rows]


# --- RDF answers ----------------------------------------------------------------------

def resource_triples(engine, iri: str) -> list:
    """The description an RDF client gets for ``iri``: its triples (asserted and inferred), the
    triples that link to it, what its evidence says, and the labels of everything it links to,
    as pyoxigraph triples."""
    import pyoxigraph as ox

    store, default, node = engine.store, ox.DefaultGraph(), ox.NamedNode(iri)
    outgoing = [q.triple for q in store.quads_for_pattern(node, None, None, default)]
    incoming = [q.triple for q in store.quads_for_pattern(None, None, node, default)]
    if not outgoing and not incoming:
        raise NegativeResult(f"nothing in the graph is about {shorten(iri)}")
    evidence = [q.triple for t in outgoing if t.predicate.value == EVIDENCE
                for q in store.quads_for_pattern(t.object, None, None, default)]
    linked = {t.object for t in outgoing if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
    linked |= {t.predicate for t in outgoing + incoming}
    labels = [q.triple for other in sorted(linked - {node}, key=str) for label in LABELS
              for q in store.quads_for_pattern(other, ox.NamedNode(label), None, default)]
    return list(dict.fromkeys(outgoing + incoming + evidence + labels))


def ontology_triples(project) -> list:
    """The ontology, for an RDF client that asks /ontology."""
    import pyoxigraph as ox

    return list(ox.parse(path=str(project.ontology_file), format=ox.RdfFormat.TURTLE))


def _term_of(display: str) -> Term:
    """The term of a prefixed name or <IRI> as kg describe shows it."""
    if display.startswith("<") and display.endswith(">"):
        return Term.iri(display[1:-1])
    return Term.iri(expand(display) or display)


def _select(engine, body: str):
    return engine.query(body, prefixes=PREFIXES).rows


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


def query_examples(project) -> list[Example]:
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
