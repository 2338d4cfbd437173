"""Every SHACL constraint fires on its fixture, with exactly the expected report.

Each fixture in tests/fixtures/shapes/ holds nodes that break one constraint
each; it is validated together with the ontology and base.ttl (a valid
context), and the findings must equal the expected set: focus node, path,
constraint component and message. kg's validator (pyshacl-turbo) validates, each
fixture once; tests/test_engines.py proves that pySHACL reports the same.
"""

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.namespace import APS, shorten
from kg.prefixes import expand
from kg.turtle import parse_turtle
from kg.validate import validate_graph

SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = SHAPE_FIXTURES / "base.ttl"

EXPECTED = {
    "declared-terms-bad": {
        ("res:bad-class", "rdf:type", "sh:SPARQLConstraintComponent", "ap:Rund is not a class declared in the ontology"),
        ("res:bad-property", "ap:roundNumbr", "sh:SPARQLConstraintComponent", "ap:roundNumbr is not a property declared in the ontology"),
    },
    "delegation-bad": {
        ("res:city-member", "ap:hasMember", "sh:ClassConstraintComponent", "delegation members are persons"),
        ("res:no-meeting", "ap:delegationAt", "sh:MinCountConstraintComponent", "a delegation attends exactly one meeting"),
        ("res:no-party", "ap:represents", "sh:MinCountConstraintComponent", "a delegation represents exactly one party (a country or an organisation)"),
        ("res:two-heads", "ap:hasHead", "sh:MaxCountConstraintComponent", "a delegation has at most one head, a person"),
        ("res:unsupported-delegation", "ap:evidence", "sh:MinCountConstraintComponent", "a fact-bearing node needs at least one ap:evidence item"),
    },
    "derived-role-bad": {
        ("res:asserted-guarantor", "rdf:type", "sh:SPARQLConstraintComponent", "ap:Guarantor is derived by reasoning; state the meeting fact (ap:guarantorOf, ap:observerAt, ap:memberOf) instead"),
    },
    "document-bad": {
        ("doc:bad-identifier", "dcterms:identifier", "sh:PatternConstraintComponent", "a source document needs the name of its text file, like 000_0e61cc64c03283a7.txt"),
        ("doc:no-title", "dcterms:title", "sh:MinCountConstraintComponent", "a source document needs exactly one title"),
        ("doc:topic-publisher", "dcterms:publisher", "sh:ClassConstraintComponent", "a publisher must be an agent"),
        ("doc:worded-date", "dcterms:issued", "sh:OrConstraintComponent", "a document has at most one issue date, a valid xsd:date, gYearMonth, gYear or gMonthDay"),
        ("src:no-address", "ap:address", "sh:MinCountConstraintComponent", "a public source needs exactly one address"),
    },
    "event-bad": {
        ("res:city-process", "ap:partOfProcess", "sh:ClassConstraintComponent", "part of process must name a peace process"),
        ("res:impossible-date", "ap:startDate", "sh:OrConstraintComponent", "start date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth) not after the end date"),
        ("res:no-evidence", "ap:evidence", "sh:MinCountConstraintComponent", "a fact-bearing node needs at least one ap:evidence item"),
        ("res:person-venue", "ap:venue", "sh:ClassConstraintComponent", "venue must be a place"),
        ("res:start-after-end", "ap:startDate", "sh:LessThanOrEqualsConstraintComponent", "start date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth) not after the end date"),
        ("res:string-date", "ap:date", "sh:OrConstraintComponent", "date must be a valid xsd:date, gYearMonth, gYear, gMonthDay or gMonth"),
        ("res:topic-boycott", "ap:boycottedBy", "sh:ClassConstraintComponent", "boycotted by must name an agent"),
        ("res:topic-absent", "ap:absentParty", "sh:ClassConstraintComponent", "an absent party must be an agent"),
        ("res:resolved-in-words", "ap:resolvedDate", "sh:DatatypeConstraintComponent", "a resolved date is one xsd:date"),
        ("res:resolved-nothing", "ap:date|ap:dateAsStated|dcterms:issued", "sh:MinCountConstraintComponent", "a resolved date resolves something: keep the source's ap:date, ap:dateAsStated or dcterms:issued beside it"),
        ("res:boycott-by-a-topic", "ap:boycottingParty", "sh:ClassConstraintComponent", "a boycott has exactly one boycotting party, an agent"),
        ("res:boycott-of-nothing", "ap:boycottOf", "sh:MinCountConstraintComponent", "a boycott concerns exactly one peace process"),
        ("res:boycott-of-nothing", "ap:boycottingParty", "sh:MinCountConstraintComponent", "a boycott has exactly one boycotting party, an agent"),
        ("res:boycott-of-nothing", "ap:fromRound", "sh:MinCountConstraintComponent", "a boycott holds from exactly one round"),
        ("res:topic-participant", "ap:hasParticipant|ap:hasGuarantor|ap:hasObserver", "sh:ClassConstraintComponent", "participants, guarantors and observers must be agents (countries, organisations or persons)"),
        ("res:two-end-dates", "ap:endDate", "sh:MaxCountConstraintComponent", "end date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth)"),
    },
    "compilation-bad": {
        ("src:compilation-without-sources", "prov:wasDerivedFrom", "sh:MinCountConstraintComponent", "a compilation names at least one public source it draws on"),
        ("src:compilation-of-a-person", "prov:wasDerivedFrom", "sh:ClassConstraintComponent", "a compilation names at least one public source it draws on"),
    },
    "disagreement-bad": {
        ("res:half-a-disagreement", "ap:alternativeSource", "sh:MinCountConstraintComponent", "a disagreement names the source of the alternative value"),
        ("res:half-a-disagreement", "ap:recordedValue|ap:alternativeValue", "sh:MinCountConstraintComponent", "a disagreement gives the recorded and the alternative value, in words with a language tag"),
    },
    "evidence-bad": {
        ("res:derived-from-document", "prov:wasDerivedFrom", "sh:OrConstraintComponent", "a citation names one public source, or one compilation of public sources"),
        ("res:evidence-user", "ap:evidence", "sh:ClassConstraintComponent", "ap:evidence must point at an ap:Evidence item"),
        ("res:no-document", "", "sh:XoneConstraintComponent", "evidence needs either a quote with the source document it is quoted from, or a public source it is derived from"),
        ("res:quote-from-public-source", "prov:wasQuotedFrom", "sh:ClassConstraintComponent", "a quote comes from one source document"),
        ("res:short-quote", "ap:quote", "sh:MinLengthConstraintComponent", "a quote is one plain string of 8 to 400 characters"),
    },
    "label-bad": {
        ("res:no-label", "skos:prefLabel", "sh:MinCountConstraintComponent", 'needs one English preferred label (skos:prefLabel "…"@en)'),
        ("res:russian-label-only", "skos:prefLabel", "sh:LanguageInConstraintComponent", 'needs one English preferred label (skos:prefLabel "…"@en)'),
        ("res:untagged-alt-label", "skos:altLabel", "sh:DatatypeConstraintComponent", "alternative labels must carry a language tag"),
    },
    "meeting-bad": {
        ("res:closed-doors-word", "ap:closedDoors", "sh:DatatypeConstraintComponent", "closed doors is one boolean"),
        ("res:untagged-name", "ap:meetingName", "sh:DatatypeConstraintComponent", "a meeting name carries a language tag"),
    },
    "outcome-bad": {
        ("res:involves-topic", "ap:involves", "sh:ClassConstraintComponent", "an outcome involves agents"),
        ("res:no-event", "ap:outcomeOf", "sh:MinCountConstraintComponent", "an outcome must name the event it came out of"),
        ("res:signed-in-words", "ap:signedOn|ap:inForceFrom", "sh:DatatypeConstraintComponent", "an outcome is signed and enters into force on a day, an xsd:date"),
        ("res:valid-for-a-number", "ap:validFor", "sh:DatatypeConstraintComponent", "an outcome is valid for one xsd:duration, such as P6M"),
        ("res:unsupported-outcome", "ap:evidence", "sh:MinCountConstraintComponent", "a fact-bearing node needs at least one ap:evidence item"),
    },
    "organisation-bad": {
        ("res:matched-by-a-string", "skos:exactMatch", "sh:NodeKindConstraintComponent", "an exact match is an IRI, such as wd:Q1065"),
        ("res:ministry-of-a-topic", "ap:partOf", "sh:ClassConstraintComponent", "an organisation is part of a country or another organisation"),
        ("res:two-wikidata-items", "skos:exactMatch", "sh:MaxCountConstraintComponent", "a country has at most one exact match, an IRI such as wd:Q159"),
    },
    "place-bad": {
        ("res:capital-of-a-city", "ap:capitalOf", "sh:ClassConstraintComponent", "a city is the capital of at most one country"),
        ("res:city-in-a-topic", "ap:locatedIn", "sh:ClassConstraintComponent", "a place is located in a place"),
    },
    "person-bad": {
        ("res:city-affiliation", "ap:affiliation", "sh:ClassConstraintComponent", "an affiliation must be a country or an organisation"),
        ("res:untagged-position", "ap:position", "sh:DatatypeConstraintComponent", "a position carries a language tag"),
    },
    "post-bad": {
        ("res:post-held-at-a-topic", "ap:heldAt", "sh:ClassConstraintComponent", "a post is held at meetings"),
        ("res:post-held-by-a-city", "org:heldBy", "sh:ClassConstraintComponent", "a post is held by exactly one person"),
        ("res:post-in-nothing", "org:postIn", "sh:MinCountConstraintComponent", "a post is a post in exactly one state or organisation"),
        ("res:post-without-label", "skos:prefLabel", "sh:MinCountConstraintComponent", "a post needs one English preferred label, its title as the source gives it"),
        ("res:unsupported-post", "ap:evidence", "sh:MinCountConstraintComponent", "a fact-bearing node needs at least one ap:evidence item"),
    },
    "round-bad": {
        ("res:duplicate-number", "ap:roundNumber", "sh:SPARQLConstraintComponent", "round number 1 is also the number of res:fixture-round-01"),
        ("res:fixture-round-01", "ap:roundNumber", "sh:SPARQLConstraintComponent", "round number 1 is also the number of res:duplicate-number"),
        ("res:no-number", "ap:roundNumber", "sh:MinCountConstraintComponent", "a round needs exactly one round number, an integer from 1 to 1000000000"),
        ("res:no-process", "ap:partOfProcess", "sh:MinCountConstraintComponent", "a round must say which process it is part of"),
        ("res:round-zero", "ap:roundNumber", "sh:MinInclusiveConstraintComponent", "a round needs exactly one round number, an integer from 1 to 1000000000"),
        ("res:two-next-rounds", "ap:nextRound", "sh:MaxCountConstraintComponent", "a round has at most one next round, and it is a round"),
    },
    "statement-bad": {
        ("res:decides-person", "ap:decides", "sh:ClassConstraintComponent", "what a statement decides must be an outcome"),
        ("res:made-at-person", "ap:madeAt|ap:concerns", "sh:ClassConstraintComponent", "a statement is made at, or concerns, an event"),
        ("res:no-summary", "ap:summary", "sh:MinCountConstraintComponent", "a statement needs a summary with a language tag"),
        ("res:read-by-a-city", "ap:readBy", "sh:ClassConstraintComponent", "a statement is read by a person"),
        ("res:topic-speaker", "ap:statedBy|ap:reportedBy|ap:addressedTo", "sh:ClassConstraintComponent", "speakers, reporters and addressees must be agents"),
        ("res:two-dates", "ap:date", "sh:MaxCountConstraintComponent", "a statement has at most one date, a valid xsd:date, gYearMonth, gYear, gMonthDay or gMonth"),
        ("res:unsupported-statement", "ap:evidence", "sh:MinCountConstraintComponent", "a fact-bearing node needs at least one ap:evidence item"),
    },
}


def validate_fixture(project, shapes, *files):
    graph = parse_turtle(project.ontology_file)
    for path in files:
        parse_turtle(path, into=graph)
    return validate_graph(graph, shapes, "pyshacl-turbo")


@pytest.fixture(scope="module")
def fixture_report(project, shapes):
    """The report on a fixture with the ontology and base.ttl, validated once for the whole module."""
    reports = {}

    def report(name):
        if name not in reports:
            reports[name] = validate_fixture(project, shapes, BASE, SHAPE_FIXTURES / f"{name}.ttl")
        return reports[name]

    return report


def test_base_fixture_conforms(project, shapes):
    assert validate_fixture(project, shapes, BASE).findings == []


def test_every_fixture_has_expectations():
    assert sorted(p.stem for p in SHAPE_FIXTURES.glob("*-bad.ttl")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reports_exactly(name, fixture_report):
    report = fixture_report(name)
    found = {(f.focus, f.path, f.component, f.message) for f in report.findings}
    assert found == EXPECTED[name]
    assert not report.conforms


def test_every_shape_fires_on_some_fixture(shapes, fixture_report):
    """No shape can be added without a fixture that proves it fires."""
    fired = set()
    for name in EXPECTED:
        fired |= {f.shape for f in fixture_report(name).findings}
    named = {shorten(str(s)) for s in shapes.subjects(RDF.type, SH.NodeShape)}
    named |= {shorten(str(p)) for p in shapes.objects(None, SH.property) if isinstance(p, URIRef)}
    owners = {
        shorten(str(owner))
        for shape in fired
        for owner in shapes.subjects(SH.property, URIRef(str(APS) + shape.removeprefix("aps:")))
    }
    assert named - fired - owners == set()


# --- kg's verdict from pySHACL's own command line (ontology/shapes.ttl's header, docs/validating.md)

def pyshacl_command(data) -> list[str]:
    """The command the shapes' header and docs/validating.md give, with its report as Turtle."""
    import sys

    root = Path(__file__).resolve().parent.parent
    return [str(Path(sys.executable).with_name("pyshacl")), "--shacl", str(root / "ontology" / "shapes.ttl"),
            "--ont-graph", str(root / "ontology" / "astana.ttl"), "--inference", "none", "--advanced",
            "--allow-warnings", "--format", "turtle", str(data)]


def test_the_documented_command_in_the_shapes_header():
    root = Path(__file__).resolve().parent.parent
    header = (root / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    assert ("#   pyshacl --shacl ontology/shapes.ttl --ont-graph ontology/astana.ttl \\\n"
            "#           --inference none --advanced --allow-warnings astana-kg.ttl\n") in header
    assert "--inference none --advanced --allow-warnings astana-kg.ttl" in (root / "docs" / "validating.md").read_text()


@pytest.mark.slow
def test_pyshacl_command_on_the_exported_graph_conforms(tmp_path):
    import subprocess

    from click.testing import CliRunner

    from kg.cli import cli

    assert CliRunner().invoke(cli, ["export", "--format", "ttl", "--output", str(tmp_path / "astana-kg.ttl")]).exit_code == 0
    done = subprocess.run(pyshacl_command(tmp_path / "astana-kg.ttl"), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = Graph().parse(data=done.stdout, format="turtle")
    assert (None, SH.conforms, Literal(True)) in report


def test_pyshacl_command_on_a_failing_fixture_reports_what_kg_reports(project, shapes):
    import subprocess

    fixture = SHAPE_FIXTURES / "label-bad.ttl"
    done = subprocess.run(pyshacl_command(fixture), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr[-2000:]
    report = Graph().parse(data=done.stdout, format="turtle")
    found = {(str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)),
              str(report.value(result, SH.sourceConstraintComponent)))
             for result in report.subjects(RDF.type, SH.ValidationResult)}
    ours = validate_fixture(project, shapes, fixture)
    assert found == {(expand(f.focus), expand(f.path), expand(f.component)) for f in ours.findings}
    assert {focus.rsplit("/", 1)[1] for focus, _path, _component in found} == {
        "no-label", "russian-label-only", "untagged-alt-label"}
