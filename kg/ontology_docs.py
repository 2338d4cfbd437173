"""The ontology's documentation as one HTML page, made by pyLODE (its OntPub profile),
and the shapes' documentation beside it (shapes_html, at the end of this module).

The one place that makes them: ``kg export --bundle`` writes them as ontology.html
and shapes.html, ``kg serve`` answers the first at /ontology and ``kg site``
writes it as ontology.html.

What pyLODE is given, and why:

- the ontology's own terms only (the ap: namespace and the ontology's header).
  The ontology declares the terms it reuses from PROV, SKOS and DCMI so that
  its checks know them; handed to pyLODE, those declarations became entries of
  their own, and prov:Agent, labelled "agent" like ap:Agent, was documented
  twice under one name. pyLODE knows those vocabularies (it ships them) and
  links to them where our terms use them.
- no section "Functional Properties": pyLODE lists a property that is both an
  object (or datatype) property and functional in both sections, under one
  HTML id, so every functional property was an entry twice. Its entry says
  "functional" instead, with pyLODE's own mark (see _mark_functional).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from .prefixes import ONTOLOGY_IRI, PREFIXES
from .project import Project
from .workspace import Workspace

if TYPE_CHECKING:
    from rdflib import Graph, Literal
    from rdflib.term import Node

OWN_NAMESPACE = PREFIXES["ap"]


def ontology_graph_for_docs(project: Project) -> Graph:
    """The ontology as pyLODE should see it: the header and the ap: terms (see the module's docstring)."""
    from rdflib import Graph, URIRef

    ontology = Graph()
    ontology.parse(project.ontology_file, format="turtle")
    kept = Graph()
    for prefix, namespace in ontology.namespaces():
        kept.bind(prefix, namespace, override=True)
    header = URIRef(ONTOLOGY_IRI)
    for subject in set(ontology.subjects()):
        if isinstance(subject, URIRef) and subject != header and not str(subject).startswith(OWN_NAMESPACE):
            continue
        for triple in ontology.triples((subject, None, None)):
            kept.add(triple)
            _copy_blank_nodes(ontology, kept, triple[2])
    return kept


def _copy_blank_nodes(source: Graph, target: Graph, node: Node) -> None:
    """Copy what a blank node (an OWL restriction, a list) says, as deep as it goes."""
    from rdflib import BNode

    if not isinstance(node, BNode):
        return
    for triple in source.triples((node, None, None)):
        if triple not in target:
            target.add(triple)
            _copy_blank_nodes(source, target, triple[2])


def ontology_html(project: Project, shapes_page: str = "shapes.html") -> str:
    """The pyLODE documentation of the ontology, as a complete HTML page, linking to the shapes'
    documentation at ``shapes_page`` (beside it, as in the release)."""
    project = Workspace.of(project)
    page = _ontology_html(str(project.ontology_file), project.ontology_file.stat().st_mtime_ns, project)
    return _link_shapes(page, shapes_page)


def _link_shapes(html: str, shapes_page: str) -> str:
    """pyLODE's page with a line under its title that leads to the shapes, which it cannot document."""
    from html import escape

    title_end = html.index("</h1>", html.index('id="metadata"')) + len("</h1>")
    line = (f'\n        <p class="shapes-link">What the data must meet is documented with '
            f'<a href="{escape(shapes_page)}">the SHACL shapes</a>.</p>')
    return html[:title_end] + line + html[title_end:]


@lru_cache(maxsize=2)
def _ontology_html(_path: str, _mtime: int, project: Project) -> str:
    from rdflib.namespace import OWL, RDF

    graph = ontology_graph_for_docs(project)
    functional = [str(p) for p in graph.subjects(RDF.type, OWL.FunctionalProperty)]
    return _mark_functional(_own_sections_class()(graph, sort_subjects=True).make_html(), functional)


def _mark_functional(html: str, functional: list[str]) -> str:
    """Add pyLODE's "fp" mark beside the kind of each functional property's entry."""
    import re

    for iri in functional:
        local = re.escape(iri.rsplit("#", 1)[-1])
        html = re.sub(rf'(<div class="property entity" id="{local}">\s*<h3>[^<]*<sup [^>]*>\w+</sup>)',
                      r'\1<sup class="sup-fp" title="OWL Functional Property">fp</sup>', html, count=1)
    return html


def _import_pylode():
    """pyLODE, imported without its logging set-up.

    pyLODE 3.3.4 calls logging.basicConfig(level=DEBUG) when imported (in its
    Supermodel profile), which makes every later log line of any library
    (its own "Loading background ontologies", asyncio's) print on stderr:
    the handler and level it adds to the root logger are taken back.
    """
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import pylode

    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return pylode


def documented_terms(html: str) -> list[tuple[str, str]]:
    """The (IRI, kind) of each entry of a pyLODE page, in page order: what the page documents."""
    import re

    entries = re.findall(
        r'<div class="property entity" id="[^"]*">\s*<h3>.*?<sup class="sup-(\w+)".*?<code>([^<]+)</code>',
        html, flags=re.S)
    return [(iri, kind) for kind, iri in entries]


def _own_sections_class():
    from rdflib.namespace import OWL, RDF

    OntPub: Any = _import_pylode().OntPub  # pyLODE has no type hints

    class OwnSectionsOntPub(OntPub):
        """OntPub without the section that repeats the functional properties, and with each
        entry's HTML id the term's local name, so that the term's IRI (…/ontology#Round)
        leads to its entry; pyLODE makes ids from labels."""

        def __init__(self, graph, **options):
            super().__init__(graph, **options)
            self.fids.update({str(term): str(term)[len(OWN_NAMESPACE):] for term in set(graph.subjects())
                              if str(term).startswith(OWN_NAMESPACE)})

        def _make_main_sections(self):
            functional = set(self.ont.subjects(RDF.type, OWL.FunctionalProperty))
            listed_elsewhere = {p for p in functional
                                if {OWL.ObjectProperty, OWL.DatatypeProperty} & set(self.ont.objects(p, RDF.type))}
            for prop in listed_elsewhere:
                self.ont.remove((prop, RDF.type, OWL.FunctionalProperty))
            try:
                super()._make_main_sections()
            finally:
                for prop in listed_elsewhere:
                    self.ont.add((prop, RDF.type, OWL.FunctionalProperty))

    return OwnSectionsOntPub


# =============================================================================
# The shapes' documentation
#
# pyLODE 3.3.4 does not document SHACL shapes: OntPub documents classes and
# properties only, and its Supermodel profile documents shapes only as part of
# a PROF profile of profiles, fetching each document it names over HTTP. So the
# shapes page is made here, from ontology/shapes.ttl, with a Jinja2 template
# (kg/web/templates/shapes.html) beside the pyLODE page.
# =============================================================================

SHAPES_NAMESPACE = PREFIXES["aps"]
DEFAULT_SEVERITY = "Violation"  # SHACL's, for a shape that names none

# Constraints shown in columns of their own, or not as constraints at all.
_SHOWN_APART = {"path", "minCount", "maxCount", "datatype", "class", "message", "severity", "name", "description"}


@dataclass(frozen=True)
class PropertyConstraint:
    """One property shape of a node shape, as its row of the page shows it."""

    anchor: str  # the row's HTML id: a named shape's local name, else NodeShape-path
    path: str  # a SPARQL property path, in prefixed names
    cardinality: str  # "1..1", "0..*"
    value_type: str  # "xsd:integer", "class ap:Place", "", or an sh:or of them
    other: tuple[str, ...]  # the other constraints: "minInclusive 1", "languageIn ( "en" )"
    message: str
    severity: str


@dataclass(frozen=True)
class NodeConstraint:
    """A constraint on the focus node itself: a SPARQL query, or sh:xone, sh:or, ... of other shapes."""

    kind: str  # "SPARQL", "xone", "or", ...
    expression: str  # the shapes combined, in Turtle's words ("" for SPARQL)
    message: str
    severity: str


@dataclass(frozen=True)
class ShapeEntry:
    """One node shape: what it applies to and what it requires."""

    iri: str
    anchor: str  # its local name, so that …/shapes#RoundShape leads to its entry
    label: str
    definition: str
    targets: tuple[str, ...]  # "instances of ap:Round", "subjects of ap:resolvedDate", "nodes a SPARQL query selects"
    properties: tuple[PropertyConstraint, ...]
    node_constraints: tuple[NodeConstraint, ...]


def shape_entries(project: Project) -> list[ShapeEntry]:
    """Every node shape of ontology/shapes.ttl with its targets and constraints, in file order."""
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    project = Workspace.of(project)
    graph = Graph().parse(project.shapes_file, format="turtle")
    order = _subjects_in_file_order(project.shapes_file.read_text(encoding="utf-8"))
    shapes = sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=lambda s: (order.get(str(s), len(order)), str(s)))
    return [_shape_entry(graph, shape) for shape in shapes]


def _subjects_in_file_order(text: str) -> dict[str, int]:
    import re

    names = re.findall(r"^aps:([A-Za-z0-9_-]+)\s*$", text, flags=re.M)
    return {SHAPES_NAMESPACE + name: number for number, name in enumerate(names)}


def _shape_entry(graph: Graph, shape: Node) -> ShapeEntry:
    from rdflib.namespace import RDFS, SH, SKOS

    anchor = _local(shape)
    targets = (
        [f"instances of {_show(graph, c)}" for c in _in_order(graph.objects(shape, SH.targetClass))]
        + [f"the node {_show(graph, n)}" for n in _in_order(graph.objects(shape, SH.targetNode))]
        + [f"subjects of {_show(graph, p)}" for p in _in_order(graph.objects(shape, SH.targetSubjectsOf))]
        + [f"objects of {_show(graph, p)}" for p in _in_order(graph.objects(shape, SH.targetObjectsOf))]
        + ["the nodes a SPARQL query selects" for _ in graph.objects(shape, SH.target)])
    properties, anchors = [], set()
    for property_shape in _by_path(graph, graph.objects(shape, SH.property)):
        row = _property_constraint(graph, anchor, property_shape)
        while row.anchor in anchors:  # two blank shapes on one path
            row = PropertyConstraint(**{**row.__dict__, "anchor": row.anchor + "-2"})
        anchors.add(row.anchor)
        properties.append(row)
    node_constraints = [NodeConstraint("SPARQL", "", _text(graph.value(c, SH.message)), _severity(graph, c))
                        for c in graph.objects(shape, SH.sparql)]
    node_constraints += [NodeConstraint(kind, _show(graph, value), _text(graph.value(shape, SH.message)),
                                        _severity(graph, shape))
                         for kind in ("xone", "or", "and", "not", "node", "closed")
                         for value in graph.objects(shape, SH[kind])]
    return ShapeEntry(iri=str(shape), anchor=anchor, label=_text(graph.value(shape, RDFS.label)),
                      definition=_text(graph.value(shape, SKOS.definition)), targets=tuple(targets),
                      properties=tuple(properties), node_constraints=tuple(node_constraints))


def _property_constraint(graph: Graph, shape_anchor: str, property_shape: Node) -> PropertyConstraint:
    from rdflib import URIRef
    from rdflib.namespace import SH

    path = _path(graph, graph.value(property_shape, SH.path))
    if isinstance(property_shape, URIRef):
        anchor = _local(property_shape)
    else:
        anchor = shape_anchor + "-" + "-".join(
            part.split(":")[-1] for part in path.replace("|", " ").replace("/", " ").replace("^", "").split())
    least = cast("Literal | None", graph.value(property_shape, SH.minCount))
    most = cast("Literal | None", graph.value(property_shape, SH.maxCount))
    value_type = [_value_type(graph, property_shape)]
    alternatives = [_alternative_value_types(graph, choice) for choice in graph.objects(property_shape, SH["or"])]
    value_type += [" or ".join(types) for types in alternatives if types]
    other = sorted(f"{_local(p)} {_show(graph, o)}" for p, o in graph.predicate_objects(property_shape)
                   if str(p).startswith(str(SH)) and _local(p) not in _SHOWN_APART
                   and not (p == SH["or"] and _alternative_value_types(graph, o)))
    return PropertyConstraint(
        anchor=anchor, path=path,
        cardinality=f"{least.toPython() if least is not None else 0}..{most.toPython() if most is not None else '*'}",
        value_type=", ".join(filter(None, value_type)), other=tuple(other),
        message=_text(graph.value(property_shape, SH.message)), severity=_severity(graph, property_shape))


def _in_order(nodes: Iterable[Node]) -> list[Node]:
    return sorted(nodes)  # type: ignore[type-var]  # rdflib's terms are ordered; its type hints do not say so


def _value_type(graph: Graph, node: Node) -> str:
    """What a shape's values must be: a datatype (xsd:date), a class (class ap:Place), or ""."""
    from rdflib.namespace import SH

    return ", ".join([_show(graph, d) for d in graph.objects(node, SH.datatype)]
                     + [f"class {_show(graph, c)}" for c in graph.objects(node, SH["class"])])


def _alternative_value_types(graph: Graph, choices: Node) -> list[str]:
    """The value types of an sh:or whose every member says only that (xsd:date or xsd:gYear), else []."""
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    members = list(Collection(graph, choices))
    if not members or any({p for p, _ in graph.predicate_objects(m)} - {SH.datatype, SH["class"]} for m in members):
        return []
    return [_value_type(graph, member) for member in members]


def _severity(graph: Graph, node: Node) -> str:
    from rdflib.namespace import SH

    severity = graph.value(node, SH.severity)
    return _local(severity) if severity is not None else DEFAULT_SEVERITY


def _path(graph: Graph, path: Node | None) -> str:
    """A SHACL path as SPARQL writes it: ap:a, ap:a | ap:b, ap:a / ap:b, ^ap:a, ap:a*."""
    from rdflib import BNode
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    if not isinstance(path, BNode):
        return _show(graph, path)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return " | ".join(_path(graph, step) for step in Collection(graph, alternatives))
    for kind, mark in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                       (SH.zeroOrOnePath, "{}?")):
        if (inner := graph.value(path, kind)) is not None:
            return mark.format(_path(graph, inner))
    return " / ".join(_path(graph, step) for step in Collection(graph, path))  # a sequence


def _show(graph: Graph, term: Node | None) -> str:
    """A term as Turtle writes it in prefixed names: ap:Place, "en", 1, ( a b ), [ datatype xsd:date ]."""
    from rdflib import BNode, Literal
    from rdflib.collection import Collection
    from rdflib.namespace import RDF, SH

    from .prefixes import shorten

    if isinstance(term, Literal):
        return str(term.toPython()).lower() if isinstance(term.toPython(), bool) else (
            str(term) if term.datatype is not None and str(term.datatype).endswith(("integer", "decimal"))
            else f'"{term}"')
    if isinstance(term, BNode):
        if graph.value(term, RDF.first) is not None or term == RDF.nil:
            return "( " + " ".join(_show(graph, item) for item in Collection(graph, term)) + " )"
        pairs = [f"{_local(p) if str(p).startswith(str(SH)) else shorten(str(p))} {_show(graph, o)}"
                 for p, o in sorted(graph.predicate_objects(term))]
        return "[ " + " ; ".join(pairs) + " ]"
    if term == RDF.nil:
        return "( )"
    return shorten(str(term))


def _text(value: Node | None) -> str:
    return "" if value is None else str(value)


def _local(term: Node) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def _by_path(graph, nodes):
    """Property shapes in a stable order, by their path (a blank node has no name to sort by)."""
    from rdflib.namespace import SH

    return sorted(nodes, key=lambda node: _path(graph, graph.value(node, SH.path)))


def shapes_html(project: Project, ontology_page: str = "ontology.html") -> str:
    """The documentation of ontology/shapes.ttl, as a complete HTML page: every node shape once,
    with its targets and each property constraint (path, cardinality, datatype or class,
    other constraints, message, severity). ``ontology_page`` is where its link to the
    ontology's pyLODE page goes (beside it, as in the release)."""
    project = Workspace.of(project)
    return _shapes_html(str(project.shapes_file), project.shapes_file.stat().st_mtime_ns, project, ontology_page)


@lru_cache(maxsize=4)
def _shapes_html(_path_: str, _mtime: int, project: Project, ontology_page: str) -> str:
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from rdflib import Graph
    from rdflib.namespace import DCTERMS, OWL, RDF

    templates = Path(__file__).resolve().parent / "web" / "templates"  # all of kg's Jinja2 templates
    environment = Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    graph = Graph().parse(project.shapes_file, format="turtle")
    header = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    title = _text(graph.value(header, DCTERMS.title)) if header is not None else "SHACL shapes"
    return environment.get_template("shapes.html").render(
        title=title, shapes=shape_entries(project), shapes_iri=str(header or ""), ontology_page=ontology_page,
        default_severity=DEFAULT_SEVERITY)
