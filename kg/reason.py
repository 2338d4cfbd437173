"""The OWL 2 RL closure of the graph, by one of three reasoners behind one interface.

``infer(triples, reasoner)`` (pyoxigraph Triples in and out) and
``infer_statements(statements, reasoner)`` (N-Triples text in and out, what the
build uses) give the entailments about this project's own terms and
individuals that are not already asserted.

- ``owlrl``: the reference (rdflib + owlrl). Exact, and the slowest
  (docs/engines-and-scale.md).
- ``rules``: OWL 2 RL rules specialised to the ontology's own axioms and run by
  semi-naive forward chaining over integer-coded triples. The schema part
  (subclass and subproperty hierarchies, inherited domains and ranges) is
  closed by owlrl on the ontology alone, so only the instance rules run over
  the data. Checked against owlrl by the tests; refuses an ontology that uses
  OWL constructs it does not implement.
- ``reasonable``: the Rust reasoner of that name. Fast on small graphs, but on
  this ontology its memory grows faster than the data (docs/design-figures.md),
  so ``auto`` never picks it.

Left out of every result: triples with a literal subject, ``x owl:sameAs x``,
``x rdf:type owl:Thing`` and ``rdfs:Resource``, and entailments about other
vocabularies: stores reject some of them and the rest only add noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .prefixes import BASE

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = RDF + "type"
SAME_AS = OWL + "sameAs"
_NOISE_TYPES = {OWL + "Thing", RDFS + "Resource"}
SKOLEM = "urn:x-kg-blank:"  # blank nodes travel to and from the reasoners as these IRIs

REASONERS = ("owlrl", "rules", "reasonable")


def _is_ours_iri(value: str) -> bool:
    return value.startswith(BASE) or value.startswith(SKOLEM)


def keep_entailment(s: ox.NamedNode | ox.BlankNode | ox.Triple, p: ox.NamedNode,
                    o: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> bool:
    """Whether an inferred triple (pyoxigraph terms, blank nodes skolemized) is worth keeping."""
    import pyoxigraph as ox

    if not isinstance(s, ox.NamedNode) or not _is_ours_iri(s.value):
        return False
    if p.value == SAME_AS and s == o:
        return False
    return not (p.value == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in _NOISE_TYPES)


def skolemize(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples with each blank node replaced by an IRI, so that no reasoner renames it."""
    import pyoxigraph as ox

    blank = ox.BlankNode

    def fix(term):
        return ox.NamedNode(SKOLEM + term.value) if isinstance(term, blank) else term

    return [ox.Triple(fix(t.subject), t.predicate, fix(t.object))
            if isinstance(t.subject, blank) or isinstance(t.object, blank) else t for t in triples]


def unskolemize(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    import pyoxigraph as ox

    def skolem(term):
        return isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM)

    def fix(term):
        return ox.BlankNode(term.value[len(SKOLEM):]) if skolem(term) else term

    return [ox.Triple(fix(t.subject), t.predicate, fix(t.object)) if skolem(t.subject) or skolem(t.object) else t
            for t in triples]


def infer(triples: Iterable[ox.Triple], reasoner: str = "owlrl") -> list[ox.Triple]:
    """The kept entailments of ``triples`` (pyoxigraph Triples) by the named reasoner, in no set order."""
    if reasoner not in REASONERS:
        raise InputError(f"unknown reasoner {reasoner!r}; use one of {', '.join(REASONERS)}")
    if reasoner == "rules":
        return parse_statements(_rules_inferred(statement(t) for t in triples))
    asserted = skolemize(triples)
    closure = {"owlrl": _owlrl_closure, "reasonable": _reasonable_closure}[reasoner](asserted)
    asserted_set = set(asserted)
    inferred = {t for t in closure if t not in asserted_set}
    return unskolemize([t for t in inferred if keep_entailment(t.subject, t.predicate, t.object)])


# =============================================================================
# owlrl: the reference
# =============================================================================

@dataclass
class Closure:
    """The asserted rdflib Graph and its OWL RL closure (for callers that hold rdflib graphs)."""

    asserted: Graph
    closure: Graph


def owl_rl_closure(asserted: Graph) -> Closure:
    """Expand a copy of the rdflib graph ``asserted`` to its OWL RL closure (the input is left as it is)."""
    import owlrl
    from rdflib import Graph

    from .namespace import bind_prefixes

    closure = bind_prefixes(Graph())
    for triple in asserted:
        closure.add(triple)
    # improved_datatypes=False: owlrl's own literal converters replace rdflib's
    # process-wide and are not all put back afterwards, which made every
    # xsd:gMonthDay literal ill-typed for a later SHACL validation.
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False, improved_datatypes=False
    ).expand(closure)
    return Closure(asserted=asserted, closure=closure)


def _owlrl_closure(asserted):
    from .dataset import to_oxigraph, to_rdflib

    return to_oxigraph(owl_rl_closure(to_rdflib(asserted)).closure)


# =============================================================================
# reasonable
# =============================================================================

def _reasonable_closure(asserted):
    import tempfile
    from pathlib import Path

    import pyoxigraph as ox

    try:
        import reasonable
    except ImportError:
        raise InputError("the reasonable reasoner is not installed: pip install 'astana-kg[reasonable]'") from None
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "asserted.ttl"  # reasonable reads Turtle files only (N-Triples is Turtle)
        ox.serialize(asserted, str(path), format=ox.RdfFormat.N_TRIPLES)
        reasoner = reasonable.PyReasoner()
        reasoner.load_file(str(path))
        from .dataset import to_oxigraph

        return to_oxigraph(reasoner.reason())


# =============================================================================
# rules: OWL 2 RL specialised to the ontology
# =============================================================================

# The OWL and RDFS terms the rules below implement. An ontology that uses any
# other OWL construct is refused, so the rules can never silently miss an entailment.
SUPPORTED_SCHEMA = {
    RDFS + t for t in ("subClassOf", "subPropertyOf", "domain", "range", "label", "comment", "seeAlso",
                       "isDefinedBy", "Class", "Datatype", "Literal", "Resource")
} | {
    OWL + t for t in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Ontology",
                      "FunctionalProperty", "TransitiveProperty", "inverseOf", "Restriction", "onProperty",
                      "someValuesFrom", "disjointWith", "sameAs", "Thing", "versionIRI", "versionInfo",
                      "imports", "priorVersion", "NamedIndividual", "equivalentClass", "equivalentProperty")
}
_SCHEMA_PREDICATES = {RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                      OWL + "inverseOf", OWL + "onProperty", OWL + "someValuesFrom", OWL + "equivalentClass",
                      OWL + "equivalentProperty", OWL + "disjointWith"}
_SCHEMA_TYPES = {OWL + "Class", RDFS + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty",
                 OWL + "AnnotationProperty", OWL + "FunctionalProperty", OWL + "TransitiveProperty",
                 OWL + "Restriction", RDF + "Property"}


@dataclass
class _Schema:
    """The rule parameters, read from the owlrl closure of the schema triples."""

    domains: dict
    ranges: dict
    superproperties: dict
    inverses: dict
    superclasses: dict
    transitive: set
    functional: set
    restrictions: list  # (restriction, property, class or None for owl:Thing)


def _check_supported(used: set, statements: list[str]) -> None:
    """Refuse an OWL term the rules do not implement; ``used``: the predicates and types, as text."""
    # An OWL term counts as used where it is a predicate or a type, not where it is only named.
    for term in used:
        value = term[1:-1]
        if term.startswith("<" + OWL) and value not in SUPPORTED_SCHEMA:
            user = next(line.split(" ", 1)[0] for line in statements if term in line.split(" ", 2)[1:])
            raise InputError(f"the rules reasoner does not implement <{value}> (used by {user}); "
                             "use --engine reasoner=owlrl")


def _schema_of(schema, cache=None):
    """The owlrl closure of the schema triples (blank nodes skolemized), and the rule parameters read from it."""
    closed: set = set(_schema_closure(schema, cache)) | set(schema)

    def pairs(predicate):
        return [(t.subject, t.object) for t in closed if t.predicate.value == predicate]

    def grouped(predicate, reflexive_ok=False):
        table: dict = {}
        for s, o in pairs(predicate):
            if s != o or reflexive_ok:
                table.setdefault(s, set()).add(o)
        return table

    inverses: dict = {}
    for a, b in pairs(OWL + "inverseOf"):
        inverses.setdefault(a, set()).add(b)
        inverses.setdefault(b, set()).add(a)
    typed = {(t.subject, t.object.value) for t in closed if t.predicate.value == RDF_TYPE}
    on_property = dict(pairs(OWL + "onProperty"))
    restrictions = []
    for restriction, cls in pairs(OWL + "someValuesFrom"):
        if restriction in on_property:
            restrictions.append((restriction, on_property[restriction], None if cls.value == OWL + "Thing" else cls))
    return closed, _Schema(
        domains=grouped(RDFS + "domain", True), ranges=grouped(RDFS + "range", True),
        superproperties=grouped(RDFS + "subPropertyOf"), inverses=inverses,
        superclasses=grouped(RDFS + "subClassOf"),
        transitive={s for s, kind in typed if kind == OWL + "TransitiveProperty"},
        functional={s for s, kind in typed if kind == OWL + "FunctionalProperty"},
        restrictions=restrictions)


SCHEMA_CLOSURE_FORMAT = "1"
SCHEMA_CLOSURE_PREFIX = "schema-closure-"  # then the key, .nt: beside the builds, not one of them
_SCHEMA_CLOSURES_KEPT = 4  # a cache shared by checkouts on other versions of the ontology keeps theirs too


def _schema_closure(schema: list[ox.Triple], cache: Path | None) -> list[ox.Triple]:
    """The owlrl closure of the (skolemized) schema triples, read from ``cache`` if it was kept there
    for exactly these triples, this code and these owlrl, rdflib and
    pyoxigraph versions; else worked out and kept.

    owlrl takes most of the rules' time on this ontology, and the schema rarely
    changes between two builds. A kept file that is damaged, edited or unreadable
    is never trusted: the closure is worked out again.
    """
    if cache is None:
        return _owlrl_closure(schema)
    import hashlib

    path = cache / f"{SCHEMA_CLOSURE_PREFIX}{_schema_closure_key(schema)}.nt"
    try:
        kept = path.read_bytes()
        digest, _, body = kept.partition(b"\n")
        if digest.decode("ascii") == hashlib.sha256(body).hexdigest():
            return parse_statements(line[:-2] for line in body.decode("utf-8").splitlines())
    except (OSError, ValueError, SyntaxError):
        pass
    closure = _owlrl_closure(schema)
    body = "".join(f"{statement(t)} .\n" for t in closure).encode("utf-8")
    try:
        from .files import write_atomically

        write_atomically(path, hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
        older = sorted(cache.glob(f"{SCHEMA_CLOSURE_PREFIX}*.nt"), key=lambda p: p.stat().st_mtime_ns, reverse=True)[_SCHEMA_CLOSURES_KEPT:]
        for stale in older:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs the closure again
    return closure


def _schema_closure_key(schema: list[ox.Triple]) -> str:
    """A digest of what the schema's owlrl closure depends on: its triples, the code and the libraries."""
    import hashlib
    from importlib.metadata import version

    libraries = "/".join(f"{name} {version(name)}" for name in ("owlrl", "rdflib", "pyoxigraph"))
    digest = hashlib.sha256(f"{SCHEMA_CLOSURE_FORMAT}/{libraries}\0".encode())
    for name in ("reason.py", "dataset.py"):  # the closure, and the conversions to and from rdflib
        digest.update((Path(__file__).parent / name).read_bytes())
    for line in sorted(statement(t) for t in schema):
        digest.update(line.encode("utf-8") + b"\0")
    return digest.hexdigest()[:20]


class _Codes:
    """Terms (N-Triples text) as small integers, and triples as one integer each (24 bits per term)."""

    BITS = 24
    MASK = (1 << BITS) - 1

    def __init__(self):
        self.ids: dict = {}
        self.terms: list = []
        self.literal: bytearray = bytearray()
        self.ours: bytearray = bytearray()  # an IRI of this project, or a blank node

    def id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
            self.literal.append(term.startswith('"'))
            self.ours.append(term.startswith(_OURS_TEXT) or term.startswith("_:"))
            if found > self.MASK:
                raise InputError("the graph has more than 16 million distinct terms; use --engine reasoner=owlrl")
        return found

    def key(self, s: int, p: int, o: int) -> int:
        return (s << 48) | (p << 24) | o

    def split(self, key: int) -> tuple[int, int, int]:
        return key >> 48, (key >> 24) & self.MASK, key & self.MASK


_OURS_TEXT = "<" + BASE
_SCHEMA_PREDICATE_TEXT = {f"<{p}>" for p in _SCHEMA_PREDICATES}
_SCHEMA_TYPE_TEXT = {f"<{t}>" for t in _SCHEMA_TYPES}
_RESTRICTION_TEXT = {f"<{OWL}onProperty>", f"<{OWL}someValuesFrom>"}
_TYPE_TEXT, _SAME_AS_TEXT = f"<{RDF_TYPE}>", f"<{SAME_AS}>"


def statement(triple: ox.Triple) -> str:
    """A pyoxigraph Triple as an N-Triples statement without its final " ." (the form the rules read)."""
    return f"{triple.subject} {triple.predicate} {triple.object}"


def parse_statements(statements: Iterable[str]) -> list[ox.Triple]:
    """N-Triples statements (without the final " .") as pyoxigraph Triples, blank node labels kept."""
    import pyoxigraph as ox

    text = "".join(f"{line} .\n" for line in statements)
    return [quad.triple for quad in ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def _term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A schema term as the rules' text, a skolemized blank node back to a blank node."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM):
        return "_:" + term.value[len(SKOLEM):]
    return str(term)


def infer_statements(statements: Iterable[str], reasoner: str = "rules", schema_cache: Path | None = None) -> list[str]:
    """The kept entailments of N-Triples statements (see :func:`statement`), as statements.

    The build uses this form: it has Oxigraph parse the sources to text and
    hands the entailments to Oxigraph's bulk loader as text, so that a million
    triples never become a million Python objects. The ``rules`` reasoner keeps
    the owlrl closure of the schema in the folder ``schema_cache`` (if given; the
    build's cache directory) and reuses it while the schema statements are the same.
    """
    if reasoner == "rules":
        return _rules_inferred(statements, schema_cache)
    return [statement(t) for t in infer(parse_statements(statements), reasoner)]


def _rules_inferred(statements: Iterable[str], schema_cache: Path | None = None) -> list[str]:
    """The rules' kept entailments of N-Triples statements, by semi-naive forward chaining."""
    statements = statements if isinstance(statements, list) else list(statements)
    codes = _Codes()
    c = codes.id
    type_id, same_id = c(_TYPE_TEXT), c(_SAME_AS_TEXT)
    facts: set[int] = set()
    add_fact = facts.add
    predicates, types, schema_statements = set(), set(), []
    for line in statements:
        s, p, o = line.split(" ", 2)
        pid = c(p)
        key = (c(s) << 48) | (pid << 24) | c(o)
        if key in facts:
            continue
        add_fact(key)
        predicates.add(pid)
        if pid == type_id:
            types.add(o)
            if o in _SCHEMA_TYPE_TEXT:
                schema_statements.append(line)
        elif p in _SCHEMA_PREDICATE_TEXT or (p in _RESTRICTION_TEXT and s.startswith("_:")):
            schema_statements.append(line)
    _check_supported({codes.terms[p] for p in predicates} | types, statements)
    schema_closure, schema = _schema_of(skolemize(parse_statements(schema_statements)), schema_cache)
    t = _term_text

    def ids(table):
        return {c(t(k)): {c(t(v)) for v in vs} for k, vs in table.items()}

    domains, ranges = ids(schema.domains), ids(schema.ranges)
    superproperties, inverses, superclasses = ids(schema.superproperties), ids(schema.inverses), ids(schema.superclasses)
    transitive = {c(t(p)) for p in schema.transitive}
    functional = {c(t(p)) for p in schema.functional}
    restrictions = [(c(t(r)), c(t(p)), None if k is None else c(t(k))) for r, p, k in schema.restrictions]
    restricted_properties = {p for _, p, _ in restrictions}
    restricted_classes = {k for _, _, k in restrictions if k is not None}

    derived = {codes.key(c(t(x.subject)), c(t(x.predicate)), c(t(x.object))) for x in schema_closure} - facts
    facts |= derived
    # Indexes for the rules that join two facts.
    by_subject: dict = {}   # (p, s) -> objects, for transitive and functional properties
    by_object: dict = {}    # (p, o) -> subjects, for transitive and restricted properties
    members: dict = {}      # class -> instances, for the classes restrictions name
    same: dict = {}         # node -> nodes it is owl:sameAs
    joined = transitive | functional | restricted_properties | {type_id, same_id}

    def index(key):
        s, p, o = codes.split(key)
        if p not in joined:
            return
        if p in transitive or p in functional:
            by_subject.setdefault((p, s), set()).add(o)
        if p in transitive or p in restricted_properties:
            by_object.setdefault((p, o), set()).add(s)
        if p == type_id and o in restricted_classes:
            members.setdefault(o, set()).add(s)
        if p == same_id:
            same.setdefault(s, set()).add(o)

    def settle(candidates: set) -> set:
        """The candidates not yet known, now recorded as derived and indexed."""
        candidates -= facts
        facts.update(candidates)
        derived.update(candidates)
        for key in candidates:
            index(key)
        return candidates

    for key in facts:
        index(key)
    delta = set(facts)
    literal = codes.literal
    mask = codes.MASK
    is_a = type_id << 24
    while delta:
        new: set[int] = set()
        add = new.add
        for key in delta:  # the hot loop: keys are split and built inline
            s, p, o = key >> 48, (key >> 24) & mask, key & mask
            high = s << 48
            for cls in domains.get(p, ()):                                       # prp-dom
                add(high | is_a | cls)
            if not literal[o]:
                for cls in ranges.get(p, ()):                                    # prp-rng
                    add((o << 48) | is_a | cls)
                for inverse in inverses.get(p, ()):                              # prp-inv1, prp-inv2
                    add((o << 48) | (inverse << 24) | s)
            for parent in superproperties.get(p, ()):                            # prp-spo1
                add(high | (parent << 24) | o)
            if p == type_id:
                for parent in superclasses.get(o, ()):                           # cax-sco
                    add(high | is_a | parent)
                if o in restricted_classes:                                      # cls-svf1, from the type
                    for restriction, prop, cls in restrictions:
                        if cls == o:
                            for subject in by_object.get((prop, s), ()):
                                add((subject << 48) | is_a | restriction)
            if p in restricted_properties:                                       # cls-svf1, cls-svf2
                for restriction, prop, cls in restrictions:
                    if prop == p and (cls is None or o in members.get(cls, ())):
                        add(high | is_a | restriction)
            if p in transitive:                                                  # prp-trp
                for further in by_subject.get((p, o), ()):
                    add(high | (p << 24) | further)
                for earlier in by_object.get((p, s), ()):
                    add((earlier << 48) | (p << 24) | o)
            if p in functional and not literal[o]:                               # prp-fp
                for other in by_subject.get((p, s), ()):
                    if other != o and not literal[other]:
                        add(codes.key(o, same_id, other))
            if p == same_id:                                                     # eq-sym, eq-trans
                add(codes.key(o, same_id, s))
                for further in same.get(o, ()):
                    add(codes.key(s, same_id, further))
            if same:                                                             # eq-rep-s, eq-rep-o
                for alias in same.get(s, ()):
                    add((alias << 48) | (key & ((1 << 48) - 1)))
                if not literal[o]:
                    for alias in same.get(o, ()):
                        add((key & ~mask) | alias)
        aliased_before = {node: len(aliases) for node, aliases in same.items()}
        new = settle(new)
        # A node that gained an alias this round: the facts about it seen in
        # earlier rounds were not rewritten with the new alias yet.
        grown = {node for node, aliases in same.items() if len(aliases) != aliased_before.get(node, 0)}
        if grown:
            rewritten = set()
            for key in facts:
                s, p, o = key >> 48, (key >> 24) & mask, key & mask
                if s in grown:
                    for alias in same[s]:
                        rewritten.add(codes.key(alias, p, o))
                if o in grown and not literal[o]:
                    for alias in same[o]:
                        rewritten.add(codes.key(s, p, alias))
            new |= settle(rewritten)
        delta = new
    return _kept_statements(codes, derived, type_id, same_id)


def _kept_statements(codes: _Codes, keys: Iterable[int], type_id: int, same_id: int) -> list[str]:
    """The derived keys worth keeping (see keep_entailment) as N-Triples statements."""
    terms, ours, mask = codes.terms, codes.ours, codes.MASK
    noise = {codes.ids[f"<{t}>"] for t in _NOISE_TYPES if f"<{t}>" in codes.ids}
    kept = []
    for key in keys:
        s, p, o = key >> 48, (key >> 24) & mask, key & mask
        if not ours[s] or (p == same_id and s == o) or (p == type_id and o in noise):
            continue
        kept.append(f"{terms[s]} {terms[p]} {terms[o]}")
    return kept
