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
def page(project):
    return ontology_html(project)


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


# --- the shapes' documentation (kg/ontology_docs.py, shapes_html) ------------------------------

SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def shapes_page(project):
    from kg.ontology_docs import shapes_html

    return shapes_html(project)


@pytest.fixture(scope="module")
def shapes_graph(project):
    return Graph().parse(project.shapes_file, format="turtle")


def sections(page):
    """Each node shape's entry by its id: the HTML from its <section> to the next."""
    parts = re.split(r'<section class="shape" id="([^"]+)">', page)
    return Counter(parts[1::2]), dict(zip(parts[1::2], parts[2::2], strict=True))


def path_as_written(graph, path):
    from rdflib import BNode
    from rdflib.collection import Collection

    from kg.prefixes import shorten

    if isinstance(path, BNode):
        return " | ".join(shorten(str(step)) for step in Collection(graph, graph.value(path, URIRef(SH + "alternativePath"))))
    return shorten(str(path))


def test_every_node_shape_is_one_entry_at_its_iris_fragment(shapes_page, shapes_graph):
    shapes = {str(s).rsplit("#", 1)[1] for s in shapes_graph.subjects(RDF.type, URIRef(SH + "NodeShape"))}
    counts, _ = sections(shapes_page)
    assert len(shapes) > 20
    assert set(counts) == shapes and set(counts.values()) == {1}


def test_every_property_constraint_is_one_row_of_its_shape(shapes_page, shapes_graph):
    _, html_of = sections(shapes_page)
    rows = 0
    for shape in shapes_graph.subjects(RDF.type, URIRef(SH + "NodeShape")):
        expected = Counter(path_as_written(shapes_graph, shapes_graph.value(p, URIRef(SH + "path")))
                           for p in shapes_graph.objects(shape, URIRef(SH + "property")))
        shown = Counter(re.findall(r'<tr id="[^"]+"><td><code class="path">([^<]+)</code>',
                                   html_of[str(shape).rsplit("#", 1)[1]]))
        assert shown == expected and set(shown.values()) <= {1}, shape
        rows += sum(shown.values())
    assert rows == 66
    ids = re.findall(r'\bid="([^"]+)"', shapes_page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def row(page, anchor):
    return re.search(rf'<tr id="{anchor}">(.*?)</tr>', page).group(1)


def test_a_row_gives_path_count_type_constraints_message_and_severity(shapes_page):
    assert row(shapes_page, "RoundShape-roundNumber") == (
        '<td><code class="path">ap:roundNumber</code></td><td>1..1</td><td><code>xsd:integer</code></td>'
        '<td><code>maxInclusive 1000000000</code><br><code>minInclusive 1</code></td>'
        '<td>a round needs exactly one round number, an integer from 1 to 1000000000</td><td>Violation</td>')
    assert row(shapes_page, "EventParticipant").startswith(
        '<td><code class="path">ap:hasParticipant | ap:hasGuarantor | ap:hasObserver</code></td><td>0..*</td>'
        '<td><code>class ap:Agent</code></td><td></td>')
    assert '<td>0..1</td><td><code>xsd:date or xsd:gYearMonth or xsd:gYear or xsd:gMonthDay or xsd:gMonth</code></td>' \
        '<td><code>lessThanOrEquals ap:endDate</code></td>' in row(shapes_page, "EventStartDate")
    assert "<td>needs one English preferred label (skos:prefLabel &#34;…&#34;@en)</td>" in row(shapes_page, "LabelShape-prefLabel")


def test_each_shape_says_what_it_applies_to_and_what_it_checks_on_the_node(shapes_page):
    _, html_of = sections(shapes_page)
    assert "<p>Applies to: instances of ap:Round.</p>" in html_of["RoundShape"]
    assert "<p>Applies to: subjects of ap:resolvedDate.</p>" in html_of["ResolvedDateShape"]
    assert "<p>Applies to: the nodes a SPARQL query selects.</p>" in html_of["DeclaredPropertiesShape"]
    assert ("<td>a SPARQL constraint</td><td>round number {?value} is also the number of {?other}</td>"
            "<td>Violation</td>") in html_of["RoundShape"]
    assert ("<td>evidence needs either a quote with the source document it is quoted from, or a public source "
            "it is derived from</td>") in html_of["EvidenceShape"]
    assert "<code>xone ( [ property [ minCount 1 ; path ap:quote ]" in html_of["EvidenceShape"]


def test_a_shapes_own_severity_is_shown(tmp_path):
    from kg.ontology_docs import shapes_html
    from kg.project import Project

    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "shapes.ttl").write_text("""
        @prefix ap: <https://w3id.org/astana-kg/ontology#> .
        @prefix aps: <https://w3id.org/astana-kg/shapes#> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        aps:QuoteShape a sh:NodeShape ; sh:targetClass ap:Evidence ;
            sh:property [ sh:path ap:quote ; sh:maxCount 1 ; sh:severity sh:Warning ; sh:message "one quote" ] .
        """, encoding="utf-8")
    page = shapes_html(Project(tmp_path))
    assert row(page, "QuoteShape-quote") == ('<td><code class="path">ap:quote</code></td><td>0..1</td><td><code></code>'
                                             '</td><td></td><td>one quote</td><td>Warning</td>')


def test_making_the_pages_prints_nothing():
    """pyLODE sets logging to DEBUG on the root logger when imported; kg takes that back (the library never prints)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import logging\nfrom kg.ontology_docs import ontology_html, shapes_html\n"
                           "from kg.workspace import Workspace\nhere = Workspace.from_environment()\n"
                           "ontology_html(here); shapes_html(here); logging.getLogger('kg').info('not shown')"],
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
