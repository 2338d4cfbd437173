"""Curating new facts: kg validate FILE, kg add, kg report, kg new, and the bad-input corpus.

Every test that adds works on a copy of ontology/, data/ and queries/
(KG_ROOT), and every bad input is checked to leave data/ byte for byte as it was.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import cli
from kg.errors import KgError
from kg.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
BAD = REPO / "tests" / "fixtures" / "bad"
CURATION = REPO / "tests" / "fixtures" / "curation"


def copy_project(target: Path) -> Path:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def data_snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "data").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def read_only_copy(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("repo"))


@pytest.fixture
def shared_copy(read_only_copy, monkeypatch):
    """One copy for the read-only cases (they must not change it, which each test asserts)."""
    monkeypatch.setenv("KG_ROOT", str(read_only_copy))
    return read_only_copy


@pytest.fixture
def fresh_copy(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "repo")
    monkeypatch.setenv("KG_ROOT", str(root))
    return root


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def copy_triples(read_only_copy):
    """The read-only copy's triples as pyoxigraph Triples, parsed once for the module."""
    from kg.dataset import merged_statements, read_sources
    from kg.project import Project
    from kg.reason import parse_statements

    return parse_statements(merged_statements(read_sources(Project(read_only_copy))))


def reasoned(triples, *files):
    """SPARQL over the triples, those of ``files``, and the compiled OWL RL rules' entailments
    (the reasoner kg uses; tests/test_engines.py proves it gives owlrl's)."""
    import pyoxigraph as ox

    from kg.reason import infer
    from kg.sparql import OxigraphSparql

    triples = list(triples)
    for path in files:
        triples += [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE,
                                                     rename_blank_nodes=True)]
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in [*triples, *infer(triples, "rules")])
    return OxigraphSparql(store)


def round_23_from_template() -> str:
    """kg new round --number 23, filled in the way a curator would.

    Round 23 is made up for the test (no source reports one); it only ever
    lands in a temporary copy of data/.
    """
    skeleton = run("new", "round", "--number", "23").stdout
    return (skeleton
            .replace('"YYYY-MM-DD"^^xsd:date ;                # its first day', '"2025-05-14"^^xsd:date ;')
            .replace('"YYYY-MM-DD"^^xsd:date ;                  # its last day (not before the first)',
                     '"2025-05-15"^^xsd:date ;')
            .replace("SOURCE-NAME", "test-fixture-round-23")
            .replace('"PUBLISHER: TITLE OF THE PAGE"', '"Test fixture: a made-up report of round 23"')
            .replace('"HOST/PATH/OF/THE/PAGE"', '"example.org/test-fixture/round-23"'))


# =============================================================================
# The bad-input corpus: one clear message, exit 1 or 2, data/ unchanged
# =============================================================================

BAD_FILES = {
    "asserted-guarantor-role": (1, [
        '{file}:12: error: res:russia: rdf:type: ap:Guarantor is derived by reasoning; state the meeting fact (ap:guarantorOf, ap:observerAt, ap:memberOf) instead',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "bad-language-tag": (2, [
        'Error: {file}:15: Turtle syntax error: the language tag @en-x-transliterated is not valid (a subtag may be eight characters in length at maximum)',
    ]),
    "blank-node-round": (1, [
        '{file}: error: [ ]: a fact-bearing node needs an IRI (res:NAME), not a blank node, so that other facts and sources can refer to it',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "countries-merged": (1, [
        'FAIL rule countries-merged-violation: 2 violation(s) (error)',
        '  owl:sameAs merges two different countries. Use skos:exactMatch to link to another knowledge base; never owl:sameAs between two countries.',
        '  res:iran  owl:sameAs  res:iraq',
        '  res:iraq  owl:sameAs  res:iran',
        'Error: {file}: not added: 2 error(s)',
    ]),
    "dangling-reference": (1, [
        '{file}:12: error: res:round-23: ap:nextRound: value res:round-99; a round has at most one next round, and it is a round',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "date-as-plain-string": (1, [
        "{file}:12: error: res:round-23: ap:startDate: value '14 May 2018'; start date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth) not after the end date",
        'Error: {file}: not added: 1 error(s)',
    ]),
    "defined-by-escape": (1, [
        '{file}:12: error: res:round-23: rdfs:isDefinedBy is schema, not a fact; facts files may not carry class or property axioms (they belong in ontology/astana.ttl)',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "delegation-party-absent": (1, [
        'FAIL rule delegation-party-absent-violation: 1 violation(s) (error)',
        "  A delegation attends a meeting its party did not take part in. State how the party took part (ap:hasParticipant, ap:hasGuarantor, ap:hasObserver), or correct the delegation's meeting or party.",
        '  res:round-07-delegation-lebanon  ap:represents  res:lebanon',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "disjoint-classes": (1, [
        'FAIL rule disjoint-classes-violation: 1 violation(s) (error)',
        "  A node belongs to two disjoint classes. Check the node's types and the properties that point at it.",
        '  res:jordan  rdf:type  ap:Person',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "duplicate-round-number": (1, [
        '{file}:12: error: res:round-23: ap:roundNumber: value "22"^^xsd:integer; round number 22 is also the number of res:round-22',
        'data/documents/003_a8f5507ae4aecafe.ttl:148: error: res:round-22: ap:roundNumber: value "22"^^xsd:integer; round number 22 is also the number of res:round-23',
        'Error: {file}: not added: 2 error(s)',
    ]),
    "empty": (2, [
        'Error: {file}: holds no triples; nothing to check or add',
    ]),
    "evidence-is-a-person": (1, [
        '{file}:12: error: res:round-23: ap:evidence: value res:sedat-onal; ap:evidence must point at an ap:Evidence item',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "evidence-without-document": (1, [
        '{file}:12: error: [ ] (the ap:evidence of res:round-23): value [ ]; evidence needs either a quote with the source document it is quoted from, or a public source it is derived from',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "fact-without-its-own-evidence": (1, [
        '{file}:12: error: res:round-07: states facts without evidence in this file; add ap:evidence [ a ap:Evidence ; ... ] citing the document they come from',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "speaker-not-participant": (1, [
        'FAIL rule speaker-not-participant-violation: 1 violation(s) (error)',
        "  A party states a statement at a meeting it did not take part in. State how the speaker took part (ap:hasParticipant, ap:hasGuarantor, ap:hasObserver, or a delegation), or correct the statement's meeting or speaker.",
        '  res:statement-round-03-lebanon-remark  ap:statedBy  res:lebanon',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "head-of-two-delegations": (1, [
        'FAIL rule head-of-two-delegations-violation: 1 violation(s) (error)',
        '  A person heads two delegations at once. A person heads at most one delegation at a time; check which party the person led.',
        '  res:sedat-onal  ap:heads  res:round-07-delegation-russia-second',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "impossible-date": (1, [
        '{file}:12: error: res:round-23: ap:startDate: value "2018-02-30"^^xsd:date; start date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth) not after the end date',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "iri-with-space": (2, [
        'Error: {file}:12: Turtle syntax error: the IRI <https://w3id.org/astana-kg/resource/round 09> contains a character IRIs may not hold',
    ]),
    "iri-with-bad-port": (2, [
        "Error: {file}:2: Turtle syntax error: the IRI <https://w:3id.org/astana-kg/ontology#Round> is not a valid IRI (invalid character 'i')",
    ]),
    "label-without-language": (1, [
        "{file}:12: error: res:round-23: skos:altLabel: value 'Astana 9'; alternative labels must carry a language tag",
        'Error: {file}: not added: 1 error(s)',
    ]),
    "literal-subject": (2, [
        'Error: {file}:12: Turtle syntax error: a literal ("Round 9") cannot be the subject of a triple',
    ]),
    "long-list": (1, [
        '{file}:12: error: [ ] (the skos:note of res:round-23): an RDF list of 500 item(s); no property of the ontology takes a list: state each value in a triple of its own',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "missing-dot": (2, [
        'Error: {file}:13: Turtle syntax error: EOF found after object (at the end of the file)',
    ]),
    "missing-evidence": (1, [
        '{file}:12: error: res:round-23: ap:evidence: a fact-bearing node needs at least one ap:evidence item',
        '{file}:12: error: res:round-23: states facts without evidence in this file; add ap:evidence [ a ap:Evidence ; ... ] citing the document they come from',
        'Error: {file}: not added: 2 error(s)',
    ]),
    "misspelt-skos-label": (1, [
        '{file}:12: error: res:round-23: skos:prefLable is not a property declared in the ontology; did you mean skos:prefLabel?',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "nested-blank-nodes": (1, [
        '{file}:12: error: [ ] (the skos:note of a [ ] 149 level(s) under res:round-23): blank nodes nested 150 deep; facts nest them at most 8 deep: give the inner nodes IRIs (res:NAME)',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "new-ontology-class": (1, [
        '{file}:12: error: ap:Summit: is an ontology term; facts files may not define or change ontology terms (edit ontology/astana.ttl instead)',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "not-utf8": (2, [
        'Error: {file}:4: not UTF-8 (byte 0xd6); save the file as UTF-8',
    ]),
    "only-comments": (2, [
        'Error: {file}: holds no triples; nothing to check or add',
    ]),
    "quote-from-unknown-document": (1, [
        '{file}:12: error: [ ] (the ap:evidence of res:round-23): prov:wasQuotedFrom: value doc:999_0123456789abcdef; a quote comes from one source document',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "redefine-ontology-term": (1, [
        '{file}:12: error: ap:Round: is an ontology term; facts files may not define or change ontology terms (edit ontology/astana.ttl instead)',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "round-before-previous": (1, [
        'FAIL rule round-before-previous-violation: 1 violation(s) (error)',
        '  A round starts before the round it follows. Check the dates and the order of the two rounds.',
        '  res:round-23  ap:startDate  2024-01-01',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "round-number-huge": (1, [
        '{file}:12: error: res:round-23: ap:roundNumber: value "1000000000000000000000000000000"^^xsd:integer; a round needs exactly one round number, an integer from 1 to 1000000000',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "round-number-not-integer": (1, [
        "{file}:12: error: res:round-23: ap:roundNumber: value 'nine'; a round needs exactly one round number, an integer from 1 to 1000000000",
        'Error: {file}: not added: 1 error(s)',
    ]),
    "round-number-zero": (1, [
        '{file}:12: error: res:round-23: ap:roundNumber: value "0"^^xsd:integer; a round needs exactly one round number, an integer from 1 to 1000000000',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "russian-label-only": (1, [
        '{file}:12: error: res:person-new: skos:prefLabel: value \'Новый человек\'; needs one English preferred label (skos:prefLabel "…"@en)',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "same-as-across-classes": (1, [
        '{file}:12: error: res:milos-strugar: owl:sameAs: value res:round-22; it would make one thing of two of different classes (ap:Person; ap:Round); link them with a property of the ontology',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "start-after-end": (1, [
        '{file}:12: error: res:round-23: ap:startDate: value "2018-05-15"^^xsd:date; start date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth) not after the end date',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "stray-token": (2, [
        "Error: {file}:12:29: Turtle syntax error: Found '=' in Turtle mode",
    ]),
    "subclass-axiom": (1, [
        '{file}:12: error: prov:Agent: is a vocabulary term, not a resource (res:, doc:, src:); facts files state facts about resources only (terms belong in ontology/astana.ttl)',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "two-documents": (2, [
        'Error: the new facts cite 2 documents (src:kznewsline-syrian-peace-talks-open-astana, src:news-az-round-9); facts are added to the file of one document: split the file, or name the document with --as-document',
    ]),
    "two-start-dates": (1, [
        '{file}:12: error: res:round-23: ap:startDate: start date must be one valid date (xsd:date, gYearMonth, gYear, gMonthDay or gMonth) not after the end date',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "unclosed-string": (2, [
        'Error: {file}:12:39: Turtle syntax error: newline found in string literal',
    ]),
    "undefined-prefix": (2, [
        'Error: {file}:4:1: Turtle syntax error: Prefix "res:" not bound',
    ]),
    "unknown-class": (1, [
        '{file}:12: error: res:round-23: ap:Rund is not a class declared in the ontology; did you mean ap:Round?',
        'Error: {file}: not added: 1 error(s)',
    ]),
    "unknown-property": (1, [
        '{file}:12: error: res:round-23: ap:roundNumber: a round needs exactly one round number, an integer from 1 to 1000000000',
        '{file}:12: error: res:round-23: ap:roundNumbr is not a property declared in the ontology; did you mean ap:roundNumber?',
        'Error: {file}: not added: 2 error(s)',
    ]),
    "venue-is-a-person": (1, [
        '{file}:12: error: res:round-23: ap:venue: value res:sedat-onal; venue must be a place',
        'Error: {file}: not added: 1 error(s)',
    ]),
}


def test_the_corpus_is_complete():
    assert sorted(p.stem for p in BAD.glob("*.ttl")) == sorted(BAD_FILES)
    assert len(BAD_FILES) + 3 >= 30  # with the huge, missing and directory cases below


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_its_message(name, shared_copy):
    before = data_snapshot(shared_copy)
    path = BAD / f"{name}.ttl"
    result = run("add", path)
    exit_code, lines = BAD_FILES[name]
    assert result.exit_code == exit_code
    assert (result.stdout + result.stderr).splitlines() == [line.replace("{file}", str(path)) for line in lines]
    assert "Traceback" not in result.output
    assert data_snapshot(shared_copy) == before


def test_huge_file_is_refused(shared_copy, tmp_path):
    before = data_snapshot(shared_copy)
    huge = tmp_path / "huge.ttl"
    huge.write_text("# padding\n" * 600_000, encoding="utf-8")
    result = run("add", huge)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {huge}: 6000000 bytes is more than the 5000000 bytes one file of new facts "
                             "may hold; split it\n")
    assert data_snapshot(shared_copy) == before


def test_missing_file_and_directory(shared_copy, tmp_path):
    before = data_snapshot(shared_copy)
    assert run("add", tmp_path / "nope.ttl").stderr == f"Error: {tmp_path / 'nope.ttl'}: no such file\n"
    result = run("add", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path}: is a directory, not a Turtle file\n"
    assert data_snapshot(shared_copy) == before


def test_validate_reports_the_same_as_add(shared_copy):
    path = BAD / "unknown-class.ttl"
    result = run("validate", path)
    assert result.exit_code == 1
    assert result.stdout == f"{path}:12: error: res:round-23: ap:Rund is not a class declared in the ontology; did you mean ap:Round?\n"
    assert result.stderr == "Error: 1 of 1 file(s) not valid\n"


def test_validate_json_for_tools(shared_copy):
    import json

    result = run("validate", BAD / "round-before-previous.ttl", "--format", "json")
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["rules"] == [{"rule": "round-before-previous-violation", "severity": "error",
                                "summary": "A round starts before the round it follows",
                                "violations": [{"entity": "res:round-23", "property": "ap:startDate",
                                                "value": "2024-01-01"}]}]


RULE_FIXTURES = {
    "countries-merged-violation": "countries-merged",
    "delegation-party-absent-violation": "delegation-party-absent",
    "disjoint-classes-violation": "disjoint-classes",
    "head-of-two-delegations-violation": "head-of-two-delegations",
    "round-before-previous-violation": "round-before-previous",
    "round-number-taken-violation": "duplicate-round-number",
    "speaker-not-participant-violation": "speaker-not-participant",
}


def test_every_rule_has_a_fixture():
    assert sorted(p.stem for p in (REPO / "queries" / "rules").glob("*.rq")) == sorted(RULE_FIXTURES)


@pytest.mark.parametrize("rule", sorted(RULE_FIXTURES))
def test_rule_fires_on_its_fixture_after_reasoning(rule, shared_copy, copy_triples):
    from kg.validate import load_checks, run_checks

    results = run_checks(reasoned(copy_triples, BAD / f"{RULE_FIXTURES[rule]}.ttl"),
                         load_checks(shared_copy / "queries" / "rules"))
    assert {r.check.name for r in results if not r.passed} == {rule}


def test_shipped_graph_passes_every_rule(shared_copy):
    from kg.store import open_sparql
    from kg.validate import load_checks, run_checks

    assert [r.check.name for r in run_checks(open_sparql(Workspace.from_environment()), load_checks(REPO / "queries" / "rules")) if not r.passed] == []


# =============================================================================
# A new round from the template, added with a clean diff
# =============================================================================

def test_template_does_not_validate_until_filled(fresh_copy, tmp_path):
    skeleton = tmp_path / "round-23.ttl"
    skeleton.write_text(run("new", "round", "--number", "23").stdout, encoding="utf-8")
    result = run("validate", skeleton)
    assert result.exit_code == 1
    assert 'value "YYYY-MM-DD"^^xsd:date' in result.stdout


@pytest.mark.parametrize("kind", ["round", "delegation", "statement"])
def test_every_template_parses(kind, tmp_path):
    from rdflib import Graph

    text = run("new", kind, "--number", "23").stdout
    assert len(Graph().parse(data=text, format="turtle")) > 5


@pytest.mark.slow
def test_new_round_from_the_template_is_added_with_a_clean_diff(fresh_copy, tmp_path):
    before = data_snapshot(fresh_copy)
    new_file = tmp_path / "round-23.ttl"
    new_file.write_text(round_23_from_template(), encoding="utf-8")
    assert run("validate", new_file).stdout == "Valid: the new facts conform to the shapes and pass every rule.\n"

    dry = run("add", new_file, "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.startswith("--- a/data/sources/test-fixture-round-23.ttl\n")
    assert data_snapshot(fresh_copy) == before

    result = run("add", new_file)
    assert result.exit_code == 0
    target = fresh_copy / "data" / "sources" / "test-fixture-round-23.ttl"
    assert result.stdout == f"Created {target}: 16 new triples.\n"
    after = data_snapshot(fresh_copy)
    assert {k: v for k, v in after.items() if k in before} == before  # no other file touched
    assert set(after) - set(before) == {"data/sources/test-fixture-round-23.ttl"}
    rows = run("query", "rounds", "--format", "csv").stdout.splitlines()
    assert "https://w3id.org/astana-kg/resource/round-23,23,2025-05-14,2025-05-15,,Astana," in rows
    assert run("validate").exit_code == 0
    again = run("add", new_file)
    assert again.stdout == f"Nothing to add: {target} already holds every fact of {new_file}.\n"


def test_adding_to_an_existing_file_leaves_its_text_in_place(fresh_copy):
    target = fresh_copy / "data" / "sources" / "kznewsline-syrian-peace-talks-open-astana.ttl"
    old_text = target.read_text(encoding="utf-8")
    result = run("add", CURATION / "us-observer-round-01.ttl")
    assert result.exit_code == 0
    # Round 1 already cites this source, so only the new fact is written.
    assert result.stdout == f"Added to {target}: 1 new triples.\n"
    new_text = target.read_text(encoding="utf-8")
    assert new_text.startswith(old_text.rstrip("\n"))
    assert new_text[len(old_text.rstrip("\n")):] == (
        "\n\n# --- added by kg add from us-observer-round-01.ttl ---\n\n"
        "res:round-01\n"
        "    ap:hasObserver res:united-states ;\n"
        ".\n")


def test_as_document_must_match_the_evidence(shared_copy):
    before = data_snapshot(shared_copy)
    result = run("add", CURATION / "us-observer-round-01.ttl", "--as-document", "doc:004_30a8c239b98eb082")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --as-document doc:004_30a8c239b98eb082: the file's evidence cites "
                             "src:kznewsline-syrian-peace-talks-open-astana; facts go to the file of the document "
                             "their evidence cites\n")
    assert data_snapshot(shared_copy) == before


# =============================================================================
# Killing kg add at any moment leaves data/ as before or fully updated
# =============================================================================

@pytest.mark.slow
def test_killing_add_midway_never_leaves_data_broken(fresh_copy):
    kg = str(Path(sys.executable).with_name("kg"))
    target = fresh_copy / "data" / "sources" / "kznewsline-syrian-peace-talks-open-astana.ttl"
    original = target.read_bytes()
    others = {k: v for k, v in data_snapshot(fresh_copy).items() if not k.endswith(target.name)}
    env = {**os.environ, "KG_ROOT": str(fresh_copy)}
    started = time.monotonic()
    subprocess.run([kg, "add", str(CURATION / "us-observer-round-01.ttl")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    duration = time.monotonic() - started
    final = target.read_bytes()
    assert final != original
    outcomes = set()
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
        target.write_bytes(original)
        process = subprocess.Popen([kg, "add", str(CURATION / "us-observer-round-01.ttl")], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = target.read_bytes()
        assert state in (original, final)
        outcomes.add("updated" if state == final else "before")
        assert {k: v for k, v in data_snapshot(fresh_copy).items()
                if not k.endswith(target.name) and not k.endswith(".tmp")} == others
        from kg.dataset import load_dataset
        from kg.project import Project

        load_dataset(Project(fresh_copy))  # every file still parses
    assert "before" in outcomes


# =============================================================================
# Random corruptions never crash the validator and never change data/
# =============================================================================

VALID = round_23_from_template


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.slow
def test_random_corruptions_never_crash_and_never_change_data(data, shared_copy, tmp_path_factory):
    """Random bytes spliced into a valid file: a report or one KgError, never a crash."""
    from kg.project import Project
    from kg.validate import check_new_file

    text = VALID().encode("utf-8")
    start = data.draw(st.integers(0, len(text) - 1))
    length = data.draw(st.integers(0, 40))
    junk = data.draw(st.binary(max_size=12))
    corrupted = text[:start] + junk + text[start + length:]
    path = tmp_path_factory.mktemp("corrupt") / "corrupt.ttl"
    path.write_bytes(corrupted)
    before = data_snapshot(shared_copy)
    try:
        check_new_file(path, Project(shared_copy))
    except KgError as error:
        assert str(error) and "\n" not in str(error)
    assert data_snapshot(shared_copy) == before


# =============================================================================
# kg report
# =============================================================================

def test_report_of_the_shipped_graph_has_no_error(shared_copy):
    result = run("report")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "INFO   single-weak-source  res:david-satterfield  ap:evidence  src:inform-kz-nazarbayev-meets-7th-round"
    assert "ERROR 0  WARN 0  INFO 11" in lines
    assert "INFO   wikidata-link-missing  res:icrc  skos:exactMatch" in lines


def test_report_fail_on_and_formats(shared_copy):
    import json

    assert run("report", "--fail-on", "warning").exit_code == 0
    failing = run("report", "--fail-on", "info")
    assert failing.exit_code == 1
    assert failing.stderr == "Error: 11 finding(s) at level info or worse\n"
    document = json.loads(run("report", "--format", "json").stdout)
    assert document["counts"] == {"ERROR": 0, "WARN": 0, "INFO": 11}
    tsv = run("report", "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "level\tcheck\tentity\tproperty\tvalue"
    assert tsv[1] == "INFO\tsingle-weak-source\tres:david-satterfield\tap:evidence\tsrc:inform-kz-nazarbayev-meets-7th-round"
    assert run("report", "--format", "md").stdout.startswith("| level | check | entity | property | value |\n")


def test_a_round_with_fewer_than_three_guarantors_is_a_warning_unless_a_source_says_one_was_absent(shared_copy,
                                                                                                  copy_triples):
    from kg.validate import load_checks, run_checks

    checks = [c for c in load_checks(shared_copy / "queries" / "report")
              if c.name == "round-with-fewer-than-three-guarantors"]
    assert run_checks(reasoned(copy_triples), checks)[0].rows == []
    fixture = REPO / "tests" / "fixtures" / "report" / "round-with-two-guarantors.ttl"
    [result] = run_checks(reasoned(copy_triples, fixture), checks)
    assert result.check.severity == "warning"
    assert result.rows == [("res:round-23", "ap:hasGuarantor", "2 guarantor(s)")]


def test_every_report_check_has_a_header():
    from kg.validate import load_checks

    for check in load_checks(REPO / "queries" / "report") + load_checks(REPO / "queries" / "rules"):
        assert check.summary and check.problem and check.solution, check.name


# =============================================================================
# Quotes against the source texts
# =============================================================================

def test_validate_sources_checks_every_quote(shared_copy, project):
    result = run("validate", "--sources", project.source_texts_dir)
    assert result.exit_code == 0
    assert result.stdout == "Conforms: no violations found.\n"


def test_a_quote_not_in_its_document_is_refused(shared_copy, project, tmp_path):
    bad_quote = tmp_path / "quote.ttl"
    bad_quote.write_text(
        "@prefix ap: <https://w3id.org/astana-kg/ontology#> .\n"
        "@prefix doc: <https://w3id.org/astana-kg/resource/document/> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix res: <https://w3id.org/astana-kg/resource/> .\n\n"
        "res:round-22\n"
        "    ap:hasObserver res:lebanon ;\n"
        "    ap:evidence [ a ap:Evidence ; ap:quote \"Lebanon observed the 22nd round\" ;\n"
        "        prov:wasQuotedFrom doc:003_a8f5507ae4aecafe ] .\n", encoding="utf-8")
    result = run("validate", bad_quote, "--sources", project.source_texts_dir)
    assert result.exit_code == 1
    assert result.stdout == (f"{bad_quote}:6: error: res:round-22: the quote 'Lebanon observed the 22nd round' "
                             "does not occur in 003_a8f5507ae4aecafe.txt\n")
