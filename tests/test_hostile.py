"""Hostile use, at the level of processes: many writers at once, a port already taken.

Each test runs real ``kg`` processes on a copy of ontology/, data/ and
queries/ (KG_ROOT), and checks what a user would: the exact line, the exit
code, and what data/ holds afterwards.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).with_name("kg"))
SOURCE = "kznewsline-syrian-peace-talks-open-astana"
PREFIXES = """@prefix ap:   <https://w3id.org/astana-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix res:  <https://w3id.org/astana-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src:  <https://w3id.org/astana-kg/resource/source/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def copy_project(target: Path) -> Path:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def data_snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "data").rglob("*")) if p.is_file()}


@pytest.fixture
def checkout(tmp_path):
    """A copy of the project with its own cache, and the environment that points kg at it.

    The compiled OWL RL rules reason (the same closure as owlrl, which the
    engine tests prove) so that six builds in turn take seconds, not a minute.
    """
    root = copy_project(tmp_path / "repo")
    env = {**os.environ, "KG_ROOT": str(root), "KG_CACHE_DIR": str(tmp_path / "cache"),
           "KG_ENGINE": "reasoner=rules"}
    return root, env


def observer_fact(round_number: int) -> str:
    """A made-up fact for the test (it only ever lands in a temporary copy of data/)."""
    return (f"{PREFIXES}\nres:round-{round_number:02d}\n    ap:hasObserver res:united-states ;\n"
            f"    ap:evidence [ a ap:Evidence ; prov:wasDerivedFrom src:{SOURCE} ] .\n")


def round_23(name: str) -> str:
    """A made-up round numbered 23, valid on its own, with its own IRI and source."""
    return (f"{PREFIXES}\nres:{name}\n    a ap:Round ;\n    skos:prefLabel \"Round 23 ({name})\"@en ;\n"
            "    ap:roundNumber 23 ;\n    ap:partOfProcess res:astana-process ;\n"
            "    ap:startDate \"2025-05-14\"^^xsd:date ;\n    ap:endDate \"2025-05-15\"^^xsd:date ;\n"
            "    ap:venue res:astana ;\n    ap:hasGuarantor res:russia , res:turkey , res:iran ;\n"
            f"    ap:evidence [ a ap:Evidence ; prov:wasDerivedFrom src:test-{name} ] .\n\n"
            f"src:test-{name}\n    a ap:PublicSource ;\n    skos:prefLabel \"Test fixture: {name}\"@en ;\n"
            f"    ap:address \"example.org/test-fixture/{name}\" .\n")


def test_concurrent_adds_all_land_or_are_refused_with_a_reason(checkout, tmp_path):
    """Six kg add at once: four facts into the same data file all land; of two rounds
    numbered 23, exactly one lands and the other is refused as a duplicate number."""
    root, env = checkout
    files = []
    for number in (10, 11, 12, 13):
        files.append(tmp_path / f"observer-{number}.ttl")
        files[-1].write_text(observer_fact(number), encoding="utf-8")
    for name in ("round-23", "round-23-bis"):
        files.append(tmp_path / f"{name}.ttl")
        files[-1].write_text(round_23(name), encoding="utf-8")
    processes = [subprocess.Popen([KG, "add", str(path)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for path in files]
    outcomes = [(process.wait(timeout=300), process.stdout.read(), process.stderr.read()) for process in processes]

    target = root / "data" / "sources" / f"{SOURCE}.ttl"
    for (code, out, err), number in zip(outcomes[:4], (10, 11, 12, 13)):
        assert (code, out, err) == (0, f"Added to {target}: 4 new triples.\n", "")  # the fact and its evidence
    from rdflib import Graph, URIRef

    landed_facts = Graph().parse(target, format="turtle")
    observer = URIRef("https://w3id.org/astana-kg/ontology#hasObserver")
    united_states = URIRef("https://w3id.org/astana-kg/resource/united-states")
    for number in (10, 11, 12, 13):
        assert (URIRef(f"https://w3id.org/astana-kg/resource/round-{number}"), observer, united_states) in landed_facts

    landed = [name for name, (code, _, _) in zip(("round-23", "round-23-bis"), outcomes[4:]) if code == 0]
    assert len(landed) == 1
    refused_name = "round-23-bis" if landed == ["round-23"] else "round-23"
    code, out, err = outcomes[4 + ("round-23", "round-23-bis").index(refused_name)]
    refused = tmp_path / f"{refused_name}.ttl"
    assert code == 1
    assert out.splitlines()[0] == (f"{refused}:8: error: res:{refused_name}: ap:roundNumber: value "
                                   f"\"23\"^^xsd:integer; round number 23 is also the number of res:{landed[0]}")
    assert err == f"Error: {refused}: not added: 2 error(s)\n"
    assert not (root / "data" / "sources" / f"test-{refused_name}.ttl").exists()
    # The whole graph is still valid after the interleaving.
    final = subprocess.run([KG, "validate"], env=env, capture_output=True, text=True, timeout=300)
    assert (final.returncode, final.stdout) == (0, "Conforms: no violations found.\n")


def test_serve_refuses_a_port_another_server_holds(checkout, tmp_path):
    """The other server keeps its graph: kg serve stops before building or loading anything."""
    from urllib.parse import urlsplit

    from kg.remote import Connection, RemoteEngine
    from kg.serve import start_oxigraph

    root, env = checkout
    other = start_oxigraph(tmp_path / "other-store")
    try:
        Connection().request("POST", f"{other.store_url}?default", body=b"<urn:x:a> <urn:x:b> <urn:x:c> .\n",
                             headers={"Content-Type": "application/n-triples"})
        port = urlsplit(other.base_url).port
        result = subprocess.run([KG, "serve", "--port", str(port)], env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == (f"Error: port {port} on 127.0.0.1 is in use (Address already in use); "
                                 "stop what holds it or choose another with --port\n")
        rows = RemoteEngine(other.query_url).query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        everything = RemoteEngine(other.query_url).query("SELECT ?s WHERE { ?s ?p ?o }").rows
        assert rows == [] and [row["s"].value for row in everything] == ["urn:x:a"]
        assert other.process.poll() is None
        assert not Path(env["KG_CACHE_DIR"]).exists()  # nothing was built
    finally:
        other.stop()


def run(*args):
    from click.testing import CliRunner

    from kg.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def test_an_edited_pinned_answer_is_recomputed_not_served():
    import json

    from kg.pinned import PinnedAnswers
    from kg.queries import find_saved_query
    from kg.store import PINNED, build_dir

    expected = run("query", "delegates", "--format", "csv").stdout
    assert len(expected.splitlines()) > 100
    pin = PinnedAnswers(build_dir() / PINNED).path(find_saved_query(REPO / "queries", "delegates").text)
    stored = json.loads(pin.read_text(encoding="utf-8"))
    stored["rows"] = stored["rows"][:5]  # a hand edit that keeps the file well-formed
    pin.write_text(json.dumps(stored, separators=(",", ":")), encoding="utf-8")
    assert run("query", "delegates", "--format", "csv").stdout == expected
    assert len(json.loads(pin.read_text(encoding="utf-8"))["rows"]) == len(expected.splitlines()) - 1


def test_rule_rows_of_the_built_graph_follow_queries_rules(tmp_path, monkeypatch):
    """A rule added after the rows were cached finds a row the graph already had: it is not the new file's."""
    root = copy_project(tmp_path / "repo")
    monkeypatch.setenv("KG_ROOT", str(root))
    innocent = REPO / "tests" / "fixtures" / "curation" / "us-observer-round-01.ttl"
    valid = "Valid: the new facts conform to the shapes and pass every rule.\n"
    assert run("validate", innocent).stdout == valid  # caches the built graph's rule rows
    (root / "queries" / "rules" / "round-one-flagged-violation.rq").write_text(
        "#+ summary: Round 1 is flagged (a rule made up for the test)\n#+ severity: error\n"
        "# Problem: none.\n# Solution: none.\n"
        "PREFIX ap: <https://w3id.org/astana-kg/ontology#>\n"
        "SELECT ?entity ?property ?value WHERE { ?entity ap:roundNumber ?value . "
        "FILTER (?value = 1) BIND (ap:roundNumber AS ?property) }\n", encoding="utf-8")
    assert run("validate", innocent).stdout == valid
