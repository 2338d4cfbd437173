"""The ontology's pyLODE documentation: every term of ours once, and no other vocabulary's term as ours."""

import re
from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.ontology_docs import documented_terms, ontology_html

AP = "https://w3id.org/astana-kg/ontology#"
KINDS = {OWL.Class: "c", OWL.ObjectProperty: "op", OWL.DatatypeProperty: "dp", OWL.AnnotationProperty: "ap"}


@pytest.fixture(scope="module")
def page():
    return ontology_html()


@pytest.fixture(scope="module")
def ontology(project):
    return Graph().parse(project.ontology_file, format="turtle")


def test_every_class_and_property_of_the_ontology_is_documented_once(page, ontology):
    ours = {(str(term), kind) for owl_type, kind in KINDS.items()
            for term in ontology.subjects(RDF.type, owl_type) if str(term).startswith(AP)}
    documented = documented_terms(page)
    assert len(ours) > 90  # the whole ontology, not an empty page that would pass
    assert set(documented) == ours
    assert [term for term, count in Counter(documented).items() if count > 1] == []


def test_no_two_entries_share_a_heading_or_an_id(page):
    """A class and a property may share a name (ap:Evidence, ap:evidence), two classes may not."""
    headings = re.findall(r'<div class="property entity" id="[^"]*">\s*<h3>([^<]*?)\s*<sup class="sup-(\w+)"', page)
    assert len(headings) == len(documented_terms(page))
    assert [h for h, n in Counter((label.strip().lower(), kind) for label, kind in headings).items() if n > 1] == []
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_reused_terms_are_linked_not_documented_as_ours(page, ontology):
    """prov:Agent was an entry "agent" beside ap:Agent; it stays a link from ap:Agent's superclasses."""
    assert (URIRef(AP + "Agent"), RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Agent")) in ontology
    assert "<code>http://www.w3.org/ns/prov#Agent</code>" not in page
    agent = page[page.index('id="Agent"'):]
    agent = agent[:agent.index('<div class="property entity"')]
    assert 'href="http://www.w3.org/ns/prov#Agent"' in agent


def test_a_functional_property_is_one_entry_marked_functional(page, ontology):
    functional = {str(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
    assert AP + "roundNumber" in functional
    entry = re.search(r'<div class="property entity" id="roundNumber">\s*<h3>(.*?)</h3>', page, re.S).group(1)
    assert "round number" in entry and 'title="OWL Datatype Property">dp</sup>' in entry
    assert 'title="OWL Functional Property">fp</sup>' in entry
    assert "Functional Properties" not in page


def test_each_entry_is_at_its_terms_fragment(page):
    """https://w3id.org/astana-kg/ontology#Round leads to the entry of ap:Round."""
    for iri, _kind in documented_terms(page):
        assert re.search(rf'<div class="property entity" id="{iri.removeprefix(AP)}">\s*<h3>', page), iri


def test_each_entry_carries_the_terms_definition(page, ontology):
    definition = str(ontology.value(URIRef(AP + "Round"), URIRef("http://www.w3.org/2004/02/skos/core#definition")))
    entry = page[page.index('id="Round"'):]
    assert definition.split(".")[0] in entry[:entry.index('<div class="property entity"')]
    assert ontology.value(URIRef(AP + "Round"), RDFS.label) is not None
