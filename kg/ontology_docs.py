"""The ontology's documentation as one HTML page, made by pyLODE (its OntPub profile).

The one place that makes it: ``kg export --bundle`` writes it as ontology.html,
``kg serve`` answers it at /ontology and ``kg site`` writes it as ontology.html.

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

from functools import lru_cache

from .prefixes import ONTOLOGY_IRI, PREFIXES
from .project import Project, default_project

OWN_NAMESPACE = PREFIXES["ap"]


def ontology_graph_for_docs(project: Project):
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


def _copy_blank_nodes(source, target, node) -> None:
    """Copy what a blank node (an OWL restriction, a list) says, as deep as it goes."""
    from rdflib import BNode

    if not isinstance(node, BNode):
        return
    for triple in source.triples((node, None, None)):
        if triple not in target:
            target.add(triple)
            _copy_blank_nodes(source, target, triple[2])


def ontology_html(project: Project | None = None) -> str:
    """The pyLODE documentation of the ontology, as a complete HTML page."""
    project = project or default_project()
    return _ontology_html(str(project.ontology_file), project.ontology_file.stat().st_mtime_ns, project)


@lru_cache(maxsize=2)
def _ontology_html(_path: str, _mtime: int, project: Project) -> str:
    import logging


    # pyLODE logs its progress at INFO on the root logger; the library never prints.
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
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


def documented_terms(html: str) -> list[tuple[str, str]]:
    """The (IRI, kind) of each entry of a pyLODE page, in page order: what the page documents."""
    import re

    entries = re.findall(
        r'<div class="property entity" id="[^"]*">\s*<h3>.*?<sup class="sup-(\w+)".*?<code>([^<]+)</code>',
        html, flags=re.S)
    return [(iri, kind) for kind, iri in entries]


def _own_sections_class():
    from pylode import OntPub
    from rdflib.namespace import OWL, RDF

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

