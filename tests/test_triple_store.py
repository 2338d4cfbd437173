"""Loading into a real SPARQL server over the W3C protocols, and querying it.

The server is Oxigraph (started by the oxigraph_server fixture); the code
under test only speaks the SPARQL 1.1 Protocol and Graph Store Protocol.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from kg.cli import cli
from kg.load import load_into_server
from kg.queries import load_saved_queries
from kg.remote import Connection, RemoteSparql
from kg.store import open_sparql
from kg.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "queries"


def run(*args, env=None):
    return CliRunner(env=env).invoke(cli, list(args))


@pytest.fixture(scope="module")
def loaded_server(oxigraph_server):
    """The server holding the reasoned graph, loaded with kg load --replace --reasoned."""
    result = run("load", "--endpoint", oxigraph_server.query_url, "--graph-store", oxigraph_server.store_url,
                 "--replace", "--reasoned")
    assert result.exit_code == 0, result.output
    return oxigraph_server, result


def test_load_reports_and_verifies_counts(loaded_server):
    import pyoxigraph as ox

    from kg.store import open_store

    _server, result = loaded_server
    store = open_store(Workspace.from_environment(), reasoned=True)
    graphs = {q.graph_name for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    lines = result.stdout.splitlines()
    assert lines[0] == (f"Loaded {len(store)} triples: {len(store) - sum(1 for q in store if q.graph_name in graphs)} "
                        f"in the default graph and {sum(1 for q in store if q.graph_name in graphs)} "
                        f"in {len(graphs)} named graphs.")
    assert lines[1].startswith("Verified: the server holds ")
    assert lines[1].endswith("and every named graph's count matches.")


def test_each_document_is_its_own_named_graph_on_the_server(loaded_server):
    server, _ = loaded_server
    rows = RemoteSparql(server.query_url).query(
        "SELECT ?g WHERE { GRAPH ?g { <https://w3id.org/astana-kg/resource/round-07> "
        "<https://w3id.org/astana-kg/ontology#hasObserver> <https://w3id.org/astana-kg/resource/jordan> } }")
    assert sorted(row["g"].display() for row in rows.rows) == ["doc:004_30a8c239b98eb082", "src:compilation-round-07"]


@pytest.mark.parametrize("name", sorted(load_saved_queries(QUERIES)))
def test_saved_query_same_rows_three_ways(name, loaded_server, reference_rows):
    server, _ = loaded_server
    text = load_saved_queries(QUERIES)[name].bind({})
    local = open_sparql(Workspace.from_environment()).query(text).row_tuples()
    assert reference_rows(text) == local
    assert RemoteSparql(server.query_url).query(text).row_tuples() == local


@pytest.mark.parametrize("name", sorted(load_saved_queries(QUERIES)))
@pytest.mark.slow
def test_csv_is_the_same_bytes_from_every_engine_and_the_endpoint(name, loaded_server):
    """W3C SPARQL CSV ends every line with CRLF, whichever engine answers (CliRunner's .stdout would hide it)."""
    server, _ = loaded_server
    embedded = run("query", name, "--format", "csv").stdout_bytes
    assert embedded.count(b"\r\n") == embedded.count(b"\n") >= 1
    # the engine through the environment, which CliRunner restores: --engine would leave it set for later tests
    assert run("query", name, "--format", "csv", env={"KG_ENGINE": "query=rdflib"}).stdout_bytes == embedded
    assert run("query", name, "--format", "csv", "--endpoint", server.query_url).stdout_bytes == embedded


def test_query_command_against_the_endpoint(loaded_server):
    server, _ = loaded_server
    remote = run("query", "observers-of-round", "--round", "7", "--format", "json", "--endpoint", server.query_url)
    local = run("query", "observers-of-round", "--round", "7", "--format", "json")
    assert remote.exit_code == 0
    assert remote.stdout == local.stdout


def test_sparql_construct_against_the_endpoint(loaded_server):
    server, _ = loaded_server
    result = run("sparql", "CONSTRUCT { ?r ap:roundNumber ?n } WHERE { ?r ap:roundNumber ?n }",
                 "--format", "nt", "--endpoint", server.query_url)
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="nt")) == 22


def test_update_is_refused_before_reaching_the_server(loaded_server):
    server, _ = loaded_server
    result = run("sparql", "CLEAR ALL", "--endpoint", server.query_url)
    assert result.exit_code == 2
    assert result.stderr == "Error: updates are refused: kg answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)\n"


def test_adding_without_replace_keeps_counts(oxigraph_server, project, tmp_path):
    """POST adds; loading the same graph twice leaves every count as it was (RDF graphs are sets)."""
    connection = Connection(timeout=60)
    first = load_into_server(oxigraph_server.query_url, oxigraph_server.store_url, replace=True, connection=connection,
                             project=project)
    again = load_into_server(oxigraph_server.query_url, oxigraph_server.store_url, replace=False, connection=connection,
                             project=project)
    assert again.on_server == first.on_server
    assert again.mismatches(replaced=False) == []


def test_reasoned_export_holds_only_our_entailments():
    result = CliRunner().invoke(cli, ["export", "--format", "nq", "--reasoned"])
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    inferred = dataset.graph(URIRef("https://w3id.org/astana-kg/resource/graph/inferred"))
    assert len(inferred) > 500
    for s, p, o in inferred:
        assert not isinstance(s, Literal)
        assert not (p == OWL.sameAs and s == o)
        assert str(s).startswith("https://w3id.org/astana-kg/") or not isinstance(s, URIRef)


# --- a server that is down, slow, or answers with an error -------------------------------

def test_server_down_gives_one_line_and_exit_2():
    result = run("query", "rounds", "--endpoint", "http://127.0.0.1:9/query", "--retries", "1", "--timeout", "2")
    assert result.exit_code == 2
    assert result.stderr == "Error: cannot reach http://127.0.0.1:9/query: Connection refused (after 2 tries)\n"


@pytest.fixture
def silent_server():
    """A socket that accepts connections and never answers: its query URL, and the connections it took."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{listener.getsockname()[1]}/query", accepted=accepted)
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_slow_server_times_out(silent_server):
    result = run("query", "rounds", "--endpoint", silent_server.url, "--timeout", "0.5", "--retries", "0")
    assert result.exit_code == 2
    assert result.stderr == f"Error: no answer from {silent_server.url} within 0.5 s\n"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_kg_load_midway_says_what_the_server_holds_and_leaves_no_spool(stop, silent_server, tmp_path):
    from kg.store import open_store

    total = sum(open_store(Workspace.from_environment(), reasoned=False).graph_sizes().values())
    # SIGINT as on a terminal: a shell starts a background job (a CI run, say) with SIGINT
    # ignored, and its children inherit that.
    process = subprocess.Popen([str(Path(sys.executable).with_name("kg")), "load", "--endpoint", silent_server.url,
                                "--timeout", "60", "--retries", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(tmp_path)},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not silent_server.accepted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert silent_server.accepted, "kg load never sent its first request"
        time.sleep(0.5)  # the request is written; kg load waits for the answer
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130
    assert err == (f"Error: interrupted after 0 of {total} triples were sent: the server holds part of the "
                   f"graph; run the same kg load again to complete it\n")
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_server_error_answer_is_one_line(oxigraph_server):
    result = run("load", "--endpoint", oxigraph_server.query_url,
                 "--graph-store", oxigraph_server.base_url + "/no-such-service", "--retries", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {oxigraph_server.base_url}/no-such-service?default answered 404")
    assert result.stderr.count("\n") == 1


def test_credentials_never_appear(monkeypatch):
    monkeypatch.setenv("KG_SPARQL_USER", "curator")
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "hunter2-secret")
    result = run("query", "rounds", "--endpoint", "http://alice:pa55word@127.0.0.1:9/query", "--retries", "0")
    assert result.exit_code == 2
    assert "hunter2" not in result.output and "pa55word" not in result.output and "alice" not in result.output
    assert result.stderr == "Error: cannot reach http://127.0.0.1:9/query: Connection refused\n"


# --- release bundle --------------------------------------------------------------------------

def test_bundle_has_every_file_and_a_void_description(tmp_path):
    result = run("export", "--bundle", str(tmp_path / "release"), "--endpoint", "http://127.0.0.1:7878/query")
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "release").iterdir())
    assert names == ["astana-kg-reasoned.nq", "astana-kg.nq", "astana-kg.trig", "ontology.html", "ontology.rdf",
                     "ontology.ttl", "shapes.html", "shapes.ttl", "void.ttl"]
    void = Graph().parse(tmp_path / "release" / "void.ttl", format="turtle")
    answer = void.query("""
        PREFIX void: <http://rdfs.org/ns/void#>
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?triples ?endpoint ?license (COUNT(DISTINCT ?subset) AS ?graphs) (COUNT(DISTINCT ?file) AS ?files)
        WHERE { ?d a void:Dataset, dcat:Dataset ; void:triples ?triples ; void:sparqlEndpoint ?endpoint ;
                   dcterms:license ?license ; void:subset ?subset ; dcat:distribution ?file }
        GROUP BY ?triples ?endpoint ?license""")
    (row,) = list(answer)
    stats = run("stats", "--no-reason").stdout.splitlines()[0]
    assert stats.startswith(f"triples:      {int(row.triples)} ")
    assert str(row.endpoint) == "http://127.0.0.1:7878/query"
    named_graphs = run("stats", "--no-reason").stdout.splitlines()[1]
    assert named_graphs == "named graphs: 5 source documents, 7 public sources, 27 compilations, 2 other"
    assert int(row.graphs) == 41 and int(row.files) == 8
    assert isomorphic(Graph().parse(tmp_path / "release" / "ontology.rdf", format="xml"),
                      Graph().parse(REPO / "ontology" / "astana.ttl", format="turtle"))


@pytest.mark.slow
def test_two_builds_of_the_same_sources_release_the_same_bytes(tmp_path, monkeypatch):
    assert run("export", "--bundle", str(tmp_path / "first")).exit_code == 0
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "another-cache"))
    assert run("export", "--bundle", str(tmp_path / "second")).exit_code == 0
    assert (tmp_path / "another-cache").is_dir()  # the graph was built again, its blank nodes parsed afresh
    for name in ["astana-kg-reasoned.nq", "astana-kg.nq", "astana-kg.trig", "ontology.rdf", "void.ttl"]:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name
    evidence = [line for line in (tmp_path / "first" / "astana-kg.nq").read_text("utf-8").splitlines()
                if "#evidence> _:" in line]
    assert len(evidence) > 300 and all(re.search(r"#evidence> _:b[0-9a-f]{24} [<.]", line) for line in evidence)


# --- kg serve ------------------------------------------------------------------------------------

def test_kg_serve_answers_the_sparql_protocol_and_a_query_page_then_stops(tmp_path):
    """The installed script as a process: kg's own client speaks to kg serve's endpoint, and
    after SIGTERM nothing listens on the port. (The pages themselves: tests/test_web.py.)"""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from kg.serve import free_port
    from kg.store import open_store

    expected = len(open_store(Workspace.from_environment(), reasoned=True))  # every quad: the merged default graph and each named graph
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).with_name("kg")), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        first_line = process.stdout.readline()
        assert first_line == f"Serving {expected} triples (reasoned) at http://127.0.0.1:{port}/\n"
        assert process.stdout.readline().startswith(f"SPARQL endpoint: http://127.0.0.1:{port}/sparql (a query stops after 60 s")
        sparql = RemoteSparql(f"http://127.0.0.1:{port}/sparql")
        rounds = sparql.query("SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/astana-kg/ontology#Round> }")
        assert rounds.rows[0]["n"].value == "22"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/query", timeout=10) as page:
            assert "yasgui" in page.read().decode("utf-8").lower()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            RemoteSparql(f"http://127.0.0.1:{port}/sparql", Connection(timeout=1, retries=0)).query("ASK {}")
        except Exception:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the server kept answering after kg serve stopped")


# --- how a graph travels: requests of bounded size, blank nodes as skolem IRIs -----------

def test_a_large_graph_goes_in_several_requests_and_replace_still_replaces(oxigraph_server):
    from kg.load import upload_graphs

    graph = "https://example.org/graph/large"
    lines = [f"<https://example.org/s{n}> <https://example.org/p> \"{n}\" .\n".encode() for n in range(2500)]
    sent = []
    for _ in range(2):
        chunks = (b"".join(lines[n:n + 100]) for n in range(0, len(lines), 100))
        upload_graphs([(graph, len(lines), chunks)], oxigraph_server.store_url, replace=True,
                      connection=Connection(timeout=60), progress=lambda _graph, triples: sent.append(triples),
                      request_triples=1000)
    assert sent == [1000, 1000, 500] * 2
    count = RemoteSparql(oxigraph_server.query_url).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert count.rows[0]["n"].value == "2500"


def test_a_blank_node_is_named_after_what_it_says_and_what_points_at_it():
    from kg.blank_nodes import blank_node_digests

    def digests(first: str, second: str) -> dict[bytes, str]:
        return blank_node_digests([
            f'<https://example.org/fact-1> <https://example.org/evidence> _:{first} .\n'.encode(),
            f'_:{first} <https://example.org/quote> "the same words" .\n'.encode(),
            f'<https://example.org/fact-2> <https://example.org/evidence> _:{second} .\n'.encode(),
            f'_:{second} <https://example.org/quote> "the same words" .\n'.encode()])

    parsed_once, parsed_again = digests("a1", "a2"), digests("f7", "c3")
    assert parsed_once[b"a1"] == parsed_again[b"f7"] and parsed_once[b"a2"] == parsed_again[b"c3"]
    assert parsed_once[b"a1"] != parsed_once[b"a2"]  # the same quote, as evidence of two facts


def test_blank_nodes_become_skolem_iris_but_text_in_literals_stays(tmp_path):
    from concurrent.futures import Future

    from kg.load import SKOLEM_BASE, _skolemized_chunks, skolem_iris

    default_graph = tmp_path / "default.nt"
    default_graph.write_text(
        '<https://example.org/fact> <https://example.org/evidence> _:e1 .\n'
        '_:e1 <https://example.org/quote> "ends with _:e1" .\n', encoding="utf-8")
    skolem = skolem_iris(default_graph)
    assert list(skolem) == [b"e1"]
    iri = skolem[b"e1"].decode()
    assert iri.startswith(f"<{SKOLEM_BASE}") and len(iri) == len(SKOLEM_BASE) + 26
    written = Future()
    written.set_result(None)
    assert b"".join(_skolemized_chunks(written, default_graph, skolem)).decode() == (
        f'<https://example.org/fact> <https://example.org/evidence> {iri} .\n'
        f'{iri} <https://example.org/quote> "ends with _:e1" .\n')
