"""Virtuoso Open Source 7 as a second real server (started by the virtuoso_server fixture).

kg load over Virtuoso's Digest-protected Graph Store endpoint, the merged graph
as a named graph that the endpoint URL names as every query's default graph,
and every saved query over --endpoint giving the embedded rows. Nothing in kg
is specific to Virtuoso: only the URLs and the credentials are.
"""

import base64
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from test_triple_store import QUERIES
from virtuoso import MERGED_GRAPH, PASSWORD, USER

from kg.cli import cli
from kg.prefixes import PREFIXES
from kg.queries import load_saved_queries
from kg.remote import GET_LIMIT, Connection, RemoteSparql, query_request
from kg.store import open_sparql, open_store
from kg.terms import XSD, Term
from kg.workspace import Workspace

pytestmark = pytest.mark.slow  # a Virtuoso server

SAVED = load_saved_queries(QUERIES)
CREDENTIALS = {"KG_SPARQL_USER": USER, "KG_SPARQL_PASSWORD": PASSWORD}


def run(*args, env=None):
    return CliRunner(env=env).invoke(cli, list(args))


@pytest.fixture(scope="module")
def loaded_virtuoso(virtuoso_server):
    """Virtuoso holding the reasoned graph, loaded by kg load with the URLs of docs/triple-stores.md."""
    result = run("load", "--endpoint", virtuoso_server.query_url, "--graph-store", virtuoso_server.store_url,
                 "--replace", "--reasoned", env=CREDENTIALS)
    assert result.exit_code == 0, result.output
    return virtuoso_server, result


def test_kg_load_with_digest_authentication_verifies_every_count(loaded_virtuoso):
    _server, result = loaded_virtuoso
    sizes = open_store(Workspace.from_environment(), reasoned=True).graph_sizes()
    assert result.stdout.splitlines() == [
        f"Loaded {sum(sizes.values())} triples: {sizes['']} in the default graph "
        f"and {sum(sizes.values()) - sizes['']} in {len(sizes) - 1} named graphs.",
        f"Verified: the server holds {sizes['']} triples in its default graph and every named graph's count matches."]


def test_the_merge_is_a_named_graph_that_the_endpoint_reads_as_its_default_graph(loaded_virtuoso):
    server, _ = loaded_virtuoso
    in_merge = RemoteSparql(server.query_url).query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{MERGED_GRAPH}> {{ ?s ?p ?o }} }}").rows[0]["n"].value
    plain = RemoteSparql(f"{server.base_url}/sparql").query(  # without default-graph-uri: every graph at once
        "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/astana-kg/resource/round-07> ?p ?o }").rows[0]["n"].value
    via_default = RemoteSparql(server.query_url).query(
        "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/astana-kg/resource/round-07> ?p ?o }").rows[0]["n"].value
    embedded = open_sparql(Workspace.from_environment()).query(
        "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/astana-kg/resource/round-07> ?p ?o }").rows[0]["n"].value
    assert int(in_merge) == open_store(Workspace.from_environment(), reasoned=True).graph_sizes()[""]
    assert via_default == embedded and int(plain) > int(embedded)


def as_virtuoso_answers(result):
    """The embedded rows with booleans as Virtuoso gives them: it has no boolean type, true is 1."""
    def term(value: Term) -> Term:
        if value.kind == "literal" and value.datatype == XSD + "boolean":
            return Term.literal("1" if value.value == "true" else "0", XSD + "integer")
        return value
    result.rows = [{name: term(value) for name, value in row.items()} for row in result.rows]
    return result.row_tuples()


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_gives_the_embedded_rows(name, loaded_virtuoso):
    server, _ = loaded_virtuoso
    text = SAVED[name].bind({})
    assert RemoteSparql(server.query_url).query(text).row_tuples() == as_virtuoso_answers(open_sparql(Workspace.from_environment()).query(text))


def test_only_the_delegates_query_differs_and_only_by_virtuosos_booleans(loaded_virtuoso):
    server, _ = loaded_virtuoso
    differing = [name for name, saved in sorted(SAVED.items())
                 if RemoteSparql(server.query_url).query(saved.bind({})).row_tuples()
                 != open_sparql(Workspace.from_environment()).query(saved.bind({})).row_tuples()]
    assert differing == ["delegates"]


def test_csv_is_the_same_bytes_as_the_embedded_engines(loaded_virtuoso):
    """W3C SPARQL CSV (CRLF line ends) from Virtuoso's endpoint is what the embedded engines print."""
    server, _ = loaded_virtuoso
    for name in ("observers-of-round", "rounds", "timeline", "people"):
        embedded = run("query", name, "--format", "csv").stdout_bytes
        assert embedded.count(b"\r\n") == embedded.count(b"\n") > 2
        assert run("query", name, "--format", "csv", "--endpoint", server.query_url).stdout_bytes == embedded, name


def test_long_queries_go_as_form_posts_and_short_ones_as_get(loaded_virtuoso):
    server, _ = loaded_virtuoso
    long_text = "SELECT ?n WHERE { ?r <https://w3id.org/astana-kg/ontology#roundNumber> ?n }" + " " * GET_LIMIT
    assert query_request(server.query_url, "ASK {}")[0] == "GET"
    assert query_request(server.query_url, long_text)[0] == "POST"
    assert len(RemoteSparql(server.query_url).query(long_text).rows) == 22


def test_every_saved_query_goes_by_get_as_kg_query_sends_it(loaded_virtuoso, monkeypatch):
    """kg query passes every project prefix; only those a query uses and does not declare go along."""
    server, _ = loaded_virtuoso
    sent = []
    exchange = Connection._exchange

    def recorded(self, method, url, data, headers, *rest):
        sent.append((method, len(url), data))
        return exchange(self, method, url, data, headers, *rest)

    monkeypatch.setattr(Connection, "_exchange", recorded)
    for saved in SAVED.values():
        assert RemoteSparql(server.query_url).query(saved.bind({}), prefixes=PREFIXES).rows
    assert len(sent) == len(SAVED)
    assert all(method == "GET" and size <= GET_LIMIT and data is None for method, size, data in sent)


def test_the_servers_error_is_shown_in_its_own_words(virtuoso_server):
    # SPARQL 1.1's ADJUST (kg's engines know it, Virtuoso 7.2 does not). Only xsd: is sent
    # along, so the error is on line 2; Virtuoso's echo of the query after its message is left out.
    result = run("sparql", 'SELECT ?x WHERE { BIND (ADJUST(NOW(), "PT1H"^^xsd:dayTimeDuration) AS ?x) }',
                 "--endpoint", virtuoso_server.query_url, "--retries", "0")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {virtuoso_server.query_url} answered 400 Bad Request: "
                             "Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error at 'ADJUST' before '('\n")


def test_a_long_querys_error_keeps_the_servers_message_and_drops_its_echo(virtuoso_server):
    padding = "".join(f"# {n:04} a comment line that goes along in a long string's query\n" for n in range(40))
    text = f'SELECT ?x WHERE {{ BIND ("""{padding}""" AS ?s) BIND (ADJUST(NOW(), "PT1H"^^xsd:dayTimeDuration) AS ?x) }}'
    assert query_request(virtuoso_server.query_url, "PREFIX xsd: <x>\n" + text)[0] == "POST"
    result = run("sparql", text, "--endpoint", virtuoso_server.query_url, "--retries", "0")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {virtuoso_server.query_url} answered 400 Bad Request: "
                             "Virtuoso 37000 Error SP030: SPARQL compiler, line 42: syntax error at 'ADJUST' before '('\n")


def test_the_graph_store_without_a_default_graph_says_so_in_one_line(virtuoso_server):
    """Loading into ?default where Virtuoso has none: its HTML error page as one line of its words."""
    result = run("load", "--endpoint", f"{virtuoso_server.base_url}/sparql", "--graph-store",
                 virtuoso_server.store_url, "--retries", "0", env=CREDENTIALS)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {virtuoso_server.store_url}?default answered 500")
    assert 'contains "default" param but the endpoint is not configured to have default graph' in result.stderr


def test_wrong_password_is_refused_without_showing_it(virtuoso_server):
    result = run("load", "--endpoint", virtuoso_server.query_url, "--graph-store", virtuoso_server.store_url,
                 "--retries", "0", env={"KG_SPARQL_USER": USER, "KG_SPARQL_PASSWORD": "not-the-password"})
    assert result.exit_code == 2
    assert "not-the-password" not in result.output
    assert result.stderr.startswith(f"Error: {virtuoso_server.store_url}?graph=") and " answered 401 " in result.stderr


# --- HTTP Basic: a gate in front of the Oxigraph server, as a reverse proxy would be -----------

@pytest.fixture
def basic_auth_gate(oxigraph_server):
    """Asks for HTTP Basic (401 and a Basic challenge otherwise), then forwards to Oxigraph."""
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    seen = []

    class Gate(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def forward(self):
            seen.append(self.headers.get("Authorization"))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="astana"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            request = urllib.request.Request(oxigraph_server.base_url + self.path, data=body or None,
                                             headers=headers, method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    status, content_type, data = answer.status, answer.headers.get("Content-Type", ""), answer.read()
            except urllib.error.HTTPError as error:
                status, content_type, data = error.code, error.headers.get("Content-Type", ""), error.read()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = forward

    gate = ThreadingHTTPServer(("127.0.0.1", 0), Gate)
    thread = threading.Thread(target=gate.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{gate.server_address[1]}", seen
    gate.shutdown()
    gate.server_close()


def test_kg_load_and_query_with_basic_authentication(basic_auth_gate):
    gate, seen = basic_auth_gate
    result = run("load", "--endpoint", f"{gate}/query", "--graph-store", f"{gate}/store", "--replace", env=CREDENTIALS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("Verified: the server holds ")
    assert set(seen) == {"Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
    rounds = run("query", "rounds", "--format", "csv", "--endpoint", f"{gate}/query", "--no-reason", env=CREDENTIALS)
    assert rounds.stdout_bytes == run("query", "rounds", "--format", "csv", "--no-reason").stdout_bytes
    refused = run("query", "rounds", "--endpoint", f"{gate}/query", "--retries", "0")
    assert refused.exit_code == 2 and refused.stderr == f"Error: {gate}/query answered 401 Unauthorized\n"
