"""kg serve's pages, RDF answers and SPARQL endpoint, over HTTP from the real server (uvicorn), and kg site.

The server is the installed `kg serve` (the web_server fixture in conftest.py). What a browser shows (JavaScript run) is in tests/test_browser.py.
"""

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from kg.cli import cli
from kg.prefixes import PREFIXES, shorten
from kg.workspace import Workspace

RES = PREFIXES["res"]
ROUND_7 = RES + "round-07"
OBSERVERS_OF_ROUND_7 = ["jordan", "united-nations", "united-states"]


def run(*args):
    return CliRunner().invoke(cli, list(args))


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None):
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode("utf-8")


def describe_json(term: str) -> dict:
    result = run("describe", term, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- every IRI answers -------------------------------------------------------------------

def test_serve_says_where_it_listens_and_refuses_a_port_in_use(web_server):
    port = int(web_server.rsplit(":", 1)[1])
    result = run("serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_a_rounds_page_shows_its_label_types_facts_with_quotes_and_links(web_server):
    status, media, page = get(f"{web_server}/resource/round-07")
    assert (status, media) == (200, "text/html")
    assert '<h1 id="label">Round 7</h1>' in page
    # asserted and inferred types, the inferred marked
    assert re.search(r'<li class="asserted"><a href="/ontology#Round"[^>]*>round</a>', page)
    assert re.search(r'<li class="inferred-type"><a href="/ontology#Meeting"[^>]*>meeting</a>.*?inferred</span>', page)
    # each observer links to its page, and the fact carries the quote of the document that states it
    for observer in OBSERVERS_OF_ROUND_7:
        assert f'href="/resource/{observer}"' in page
    observer_rows = re.findall(r'<tr class="fact"><td><a href="/ontology#hasObserver".*?</tr>', page, re.S)
    assert len(observer_rows) == 3
    assert all("<q>observer countries: David Sutterfield, the United States of America" in row
               and 'href="/resource/document/004_30a8c239b98eb082"' in row
               and 'href="/resource/source/compilation-round-07"' in row for row in observer_rows)
    # its place among the rounds, and what links to it
    assert "Round 7 of 22, from 2017-10-30." in page
    assert 'href="/resource/round-06"' in page and 'href="/resource/round-08"' in page
    assert re.search(r'<a href="/resource/round-07-delegation-turkey"[^>]*>Turkish delegation at round 7</a>', page)


def test_a_persons_page_shows_roles_over_time(web_server):
    _, _, page = get(f"{web_server}/resource/sedat-onal")
    roles = re.search(r'<section id="roles">.*?</section>', page, re.S).group(0)
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td>.*?<td>(head|member)</td>", roles, re.S)
    assert len(rows) >= 2 and [date for date, _ in rows] == sorted(date for date, _ in rows)
    assert ("2017-10-30", "head") in rows  # round 7, per document 004


def test_a_resource_with_more_than_a_page_shows_has_each_property_and_says_how_many_there_are():
    """Iran with a page of 12 (a country at a million triples has 13,000 facts and 20,000 links;
    a page shows 500): every property keeps its share, and the page says what it leaves out."""
    from collections import Counter

    from kg.store import open_sparql
    from kg.web.pages import resource_page
    from kg.web.render import RDF_FORMATS, ServedLinks, render

    described = describe_json("res:iran")
    has = Counter(p for p, _ in described["properties"] if p != "ap:evidence")
    page = resource_page(open_sparql(Workspace.from_environment()), RES + "iran", most=12)
    assert len(page.facts) == 12 and {shorten(f.property.iri) for f in page.facts} == set(has)
    assert [(shorten(p.iri), shown, total) for p, shown, total in page.partly_shown] == \
        [("ap:guarantorOf", 4, has["ap:guarantorOf"]), ("ap:participatedIn", 4, has["ap:participatedIn"])]
    assert len(page.incoming) == 12 and page.incoming_total == len(described["referenced_by"])
    assert {shorten(p.iri) for _, p in page.incoming} == {p for _, p in described["referenced_by"]}
    html = render("resource.html", ServedLinks(), page=page, rdf_formats=RDF_FORMATS,
                  rdf_links={suffix: "" for suffix, _ in RDF_FORMATS.values()})
    assert re.search(rf'<p>Not all shown: <a [^>]*>guarantor of</a> <code class="name">ap:guarantorOf</code> '
                     rf'4 of {has["ap:guarantorOf"]}; <a [^>]*>participated in</a> .*? 4 of {has["ap:participatedIn"]}\. '
                     r"The query page lists them all\.</p>", html)
    assert f"<p>12 of its {len(described['referenced_by'])} links: a page shows at most 500" in html


def test_unknown_iri_is_a_404_page(web_server):
    status, media, page = get(f"{web_server}/resource/no-such-thing")
    assert (status, media) == (404, "text/html")
    assert "nothing in the graph is about res:no-such-thing" in page


@pytest.mark.parametrize("how", ["accept", "suffix"])
@pytest.mark.parametrize("media,suffix,rdflib_format", [
    ("text/turtle", "ttl", "turtle"), ("application/ld+json", "jsonld", "json-ld"),
    ("application/n-triples", "nt", "nt")])
def test_rdf_answers_say_what_kg_describe_says(web_server, how, media, suffix, rdflib_format):
    url = f"{web_server}/resource/round-07" + (f".{suffix}" if how == "suffix" else "")
    status, answered, body = get(url, accept=media if how == "accept" else "text/html")
    assert (status, answered) == (200, media)
    graph = Graph().parse(data=body, format=rdflib_format)
    described = describe_json("res:round-07")
    node = URIRef(ROUND_7)

    def show(term):
        if isinstance(term, URIRef):
            return shorten(str(term))
        if isinstance(term, BNode):
            return "[ ]"
        return f'"{term}"' + (f"@{term.language}" if term.language else "")

    properties = sorted((shorten(str(p)), show(o)) for p, o in graph.predicate_objects(node) if p != RDF.type)
    assert properties == sorted((p, v) for p, v in described["properties"])
    types = sorted(shorten(str(t)) for t in graph.objects(node, RDF.type))
    assert types == sorted(described["asserted_types"] + described["inferred_types"])
    incoming = sorted((shorten(str(s)), shorten(str(p))) for s, p in graph.subject_predicates(node))
    assert incoming == sorted(tuple(pair) for pair in described["referenced_by"])
    # the labels of what it links to, and what its evidence says
    assert (URIRef(RES + "jordan"), URIRef(PREFIXES["skos"] + "prefLabel"), None) in graph
    quotes = {str(q) for q in graph.objects(None, URIRef(PREFIXES["ap"] + "quote"))}
    assert {quote for _document, quote in described["evidence"] if quote} <= quotes
    assert len(quotes) >= 2


def test_a_browser_gets_html_where_it_also_accepts_anything(web_server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert get(f"{web_server}/resource/round-07", accept=accept)[1] == "text/html"
    assert get(f"{web_server}/resource/round-07", accept="text/turtle;q=0.9,text/html;q=0.5")[1] == "text/turtle"


def test_document_and_source_iris_answer_too(web_server):
    status, _, page = get(f"{web_server}/resource/document/004_30a8c239b98eb082")
    assert status == 200 and "Source 004: Meeting with heads of delegations, 31 October 2017" in page
    status, _, page = get(f"{web_server}/resource/source/compilation-round-07")
    assert status == 200 and 'href="/resource/source/ref-g1"' in page


def test_the_ontology_answers_as_documentation_or_as_rdf(web_server, project):
    status, media, page = get(f"{web_server}/ontology")
    assert (status, media) == (200, "text/html")
    assert 'id="Round"' in page and "pyLODE" in page
    status, media, body = get(f"{web_server}/ontology", accept="text/turtle")
    assert (status, media) == (200, "text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) == len(Graph().parse(project.ontology_file))


def test_the_shapes_answer_as_their_documentation_or_as_rdf_and_the_ontology_links_to_them(web_server, project):
    _, _, ontology = get(f"{web_server}/ontology")
    assert '<p class="shapes-link">What the data must meet is documented with <a href="/ontology/shapes">' in ontology
    for path in ("/ontology/shapes", "/shapes"):  # the shapes graph's IRI, and the namespace of each shape
        status, media, page = get(f"{web_server}{path}")
        assert (status, media) == (200, "text/html"), path
        assert '<h1>SHACL shapes for the Astana Process knowledge graph</h1>' in page
        assert 'id="RoundShape"' in page and '<a href="/ontology">the ontology\'s page</a>' in page
    shapes = Graph().parse(project.shapes_file)
    status, media, body = get(f"{web_server}/ontology/shapes", accept="text/turtle")
    assert (status, media, body) == (200, "text/turtle", project.shapes_file.read_text("utf-8"))
    for suffix, rdflib_format, media_type in (("jsonld", "json-ld", "application/ld+json"),
                                              ("nt", "nt", "application/n-triples")):
        status, media, body = get(f"{web_server}/ontology/shapes.{suffix}")
        assert (status, media) == (200, media_type)
        assert Graph().parse(data=body, format=rdflib_format).isomorphic(shapes)
    _, _, home = get(f"{web_server}/")
    assert '<a href="/ontology/shapes">Shapes</a>' in home


def test_the_endpoint_may_be_asked_from_any_page_it_is_read_only(web_server):
    """The static site's query page, opened from disk (origin "null") or hosted elsewhere, asks /sparql."""
    request = urllib.request.Request(f"{web_server}/sparql", method="OPTIONS", headers={
        "Origin": "null", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert set(answer.headers["Access-Control-Allow-Methods"].replace(" ", "").split(",")) >= {"GET", "POST"}
    asked = urllib.request.Request(f"{web_server}/sparql?query=ASK%7B%7D", headers={"Origin": "null"})
    with urllib.request.urlopen(asked, timeout=60) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert get(f"{web_server}/sparql", data=b"update=CLEAR+ALL",
               content_type="application/x-www-form-urlencoded")[0] == 403


def test_class_index_lists_the_members(web_server):
    _, _, page = get(f"{web_server}/classes/Round")
    assert "22 resources" in page
    assert all(f'href="/resource/round-{n:02d}"' in page for n in range(1, 23))
    _, _, home = get(f"{web_server}/")
    assert 'href="/classes/Round"' in home


def test_timeline_page_shows_the_picture(web_server, project):
    _, media, page = get(f"{web_server}/timeline")
    assert media == "text/html" and "<svg" in page and 'href="/resource/round-22"' in page
    _, media, svg = get(f"{web_server}/timeline.svg")
    assert media == "image/svg+xml" and svg == (project.root / "docs" / "timeline.svg").read_text("utf-8")


# --- the SPARQL endpoint and the query page ----------------------------------------------------

def test_sparql_endpoint_answers_a_saved_query_as_kg_query_does(web_server, project):
    query = (project.queries_dir / "rounds.rq").read_text("utf-8")
    expected = run("query", "rounds", "--format", "csv").stdout
    for how in ("get", "form", "direct"):
        if how == "get":
            answer = get(f"{web_server}/sparql?" + urllib.parse.urlencode({"query": query}), accept="text/csv")
        elif how == "form":
            answer = get(f"{web_server}/sparql", accept="text/csv", data=urllib.parse.urlencode({"query": query}).encode(),
                         content_type="application/x-www-form-urlencoded")
        else:
            answer = get(f"{web_server}/sparql", accept="text/csv", data=query.encode(),
                         content_type="application/sparql-query")
        status, media, body = answer
        assert (status, media) == (200, "text/csv")
        assert body.replace("\r\n", "\n") == expected.replace("\r\n", "\n"), how


def test_sparql_endpoint_predeclares_prefixes_and_answers_json(web_server):
    _, media, body = get(f"{web_server}/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?n WHERE { res:round-07 ap:roundNumber ?n }"}))
    assert media == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "7"


def test_sparql_endpoint_is_read_only(web_server):
    status, _, body = get(f"{web_server}/sparql", data=b"update=DROP%20ALL",
                          content_type="application/x-www-form-urlencoded")
    assert (status, body) == (403, "updates are refused: this endpoint is read-only\n")
    status, _, body = get(f"{web_server}/sparql", data=b"DROP ALL", content_type="application/sparql-query")
    assert status == 400 and body.startswith("updates are refused")
    assert get(f"{web_server}/sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}))[0] == 200


def test_sparql_syntax_error_is_one_line(web_server):
    status, media, body = get(f"{web_server}/sparql?query=SELEKT")
    assert (status, media) == (400, "text/plain")
    assert body.startswith("SPARQL syntax error: ") and body.count("\n") == 1


def test_the_query_page_lists_every_saved_query_as_an_example(web_server, project):
    _, _, page = get(f"{web_server}/query")
    examples = json.loads(re.search(r'<script type="application/json" id="examples">(.*?)</script>', page, re.S)
                          .group(1).replace("<\\/", "</"))
    names = sorted(p.stem for p in project.queries_dir.glob("*.rq"))
    assert sorted(e["name"] for e in examples) == names
    by_name = {e["name"]: e["query"] for e in examples}
    assert 'VALUES ?_round_integer { "7"^^<http://www.w3.org/2001/XMLSchema#integer> }' in by_name["observers-of-round"]
    assert '<a href="?example=observers-of-round">observers-of-round</a> — Observers of a given round' in page
    assert "Parameters: <code>--round</code> integer, default 7" in page
    assert 'src="/static/yasgui/yasgui.min.js"' in page
    assert get(f"{web_server}/static/yasgui/yasgui.min.js")[0] == 200


def ask_sparql_in_process(project, sparql, limits) -> list:
    """What an app with these ``limits`` sends for ``/sparql?query=ASK{}``, asked without a server."""
    import asyncio

    from kg.web import app as web_app

    sent = []
    scope = {"type": "http", "method": "GET", "path": "/sparql", "raw_path": b"/sparql",
             "query_string": b"query=ASK%7B%7D", "headers": [], "root_path": "", "scheme": "http",
             "server": ("127.0.0.1", 80), "http_version": "1.1"}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(web_app.create_app(project, sparql=sparql, limits=limits)(scope, receive, send))
    return sent


def test_a_query_past_the_memory_bound_is_answered_503_saying_so(project):
    from kg.limits import Limits

    class GreedyEngine:
        def query(self, text, prefixes=None):
            import time

            taken = b"x" * (300 << 20)  # written, so resident: 300 MB over a 100 MB bound
            time.sleep(3)
            return taken

    sent = ask_sparql_in_process(project, GreedyEngine(), Limits(timeout=30, memory_mb=100))
    assert sent[0]["status"] == 503
    assert sent[1]["body"] == (b"the query was stopped: it needed more than 100 MB of memory (the memory bound, "
                               b"$KG_QUERY_MEMORY_MB); narrow it down (a LIMIT, fewer patterns)\n")


def test_serve_timeout_bounds_a_query_at_sparql_and_says_which_bound(project):
    """The real server with --timeout 1: a cross product of the whole graph with itself three times
    (billions of rows to count) is answered 503 after the deadline, and the server goes on answering."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from kg.serve import free_port

    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).with_name("kg")), "serve", "--port", str(port),
                                "--timeout", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "KG_QUERY_MEMORY_MB": "2048"})
    try:
        assert process.stdout.readline().startswith("Serving ")
        assert process.stdout.readline() == (f"SPARQL endpoint: http://127.0.0.1:{port}/sparql "
                                             f"(a query stops after 1 s or 2048 MB more memory)\n")
        base = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        status, media, body = get(f"{base}/sparql?" + urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}))
        assert (status, media) == (503, "text/plain") and 1 <= time.monotonic() - started < 20
        assert body == ("the query was stopped: it did not finish within 1 s (the deadline, --timeout); "
                        "narrow it down or give it more time\n")
        assert get(f"{base}/resource/round-07")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


# --- kg site ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("site") / "public"
    result = run("site", "--output", str(output), "--endpoint", "https://example.org/astana-kg/sparql")
    assert result.exit_code == 0, result.output
    return output, result.stdout


def test_site_has_a_page_and_rdf_per_resource_and_an_index_per_class(site):
    output, said = site
    pages = sorted(p.relative_to(output).as_posix() for p in (output / "resource").rglob("*.html"))
    assert "resource/round-07.html" in pages and "resource/document/004_30a8c239b98eb082.html" in pages
    for page in pages:
        stem = output / page.removesuffix(".html")
        assert all(stem.with_name(stem.name + suffix).is_file() for suffix in (".ttl", ".jsonld", ".nt")), page
    assert said.startswith("Wrote ") and f"{len(pages)} resource pages, {3 * len(pages)} RDF files" in said
    assert (output / "classes" / "Round.html").is_file() and (output / "index.html").is_file()
    for name in ("ontology.html", "ontology.ttl", "timeline.html", "timeline.svg", "query.html", ".htaccess",
                 "static/style.css", "static/yasgui/yasgui.min.js"):
        assert (output / name).is_file(), name


def test_site_has_the_shapes_page_linked_from_the_ontology_and_every_page(site, project):
    output, _ = site
    assert 'documented with <a href="ontology/shapes.html">the SHACL shapes</a>' in (output / "ontology.html").read_text()
    for page, back in (("ontology/shapes.html", "../ontology.html"), ("shapes.html", "ontology.html")):
        text = (output / page).read_text("utf-8")
        assert 'id="RoundShape"' in text and f'<a href="{back}">the ontology\'s page</a>' in text
        assert (output / page).parent.joinpath(back).resolve().is_file()
    assert (output / "ontology" / "shapes.ttl").read_bytes() == project.shapes_file.read_bytes()
    assert '<a href="../ontology/shapes.html">Shapes</a>' in (output / "resource" / "round-07.html").read_text()


def test_site_links_are_relative_and_lead_to_files_that_exist(site):
    output, _ = site
    page = output / "resource" / "round-07.html"
    links = re.findall(r'(?:href|src)="([^"#]+)(?:#[^"]*)?"', page.read_text("utf-8"))
    local = [link for link in links if not link.startswith(("http://", "https://"))]
    assert "../resource/jordan.html" not in local and "jordan.html" in local
    missing = [link for link in local if not (page.parent / link).resolve().is_file()]
    assert missing == []


def test_site_query_page_asks_the_given_endpoint(site):
    output, _ = site
    page = (output / "query.html").read_text("utf-8")
    settings = json.loads(re.search(r'id="settings">(.*?)</script>', page, re.S).group(1).replace("<\\/", "</"))
    assert settings["endpoint"] == "https://example.org/astana-kg/sparql"
    assert (settings["pagePrefix"], settings["pageSuffix"]) == ("", ".html")


def test_site_htaccess_negotiates_rdf_and_html(site):
    output, _ = site
    rules = (output / ".htaccess").read_text("utf-8")
    for accept, suffix in (("text/turtle", "ttl"), ("application/ld\\+json", "jsonld"),
                           ("application/n-triples", "nt")):
        assert (f"RewriteCond %{{HTTP_ACCEPT}} {accept}\nRewriteCond %{{REQUEST_FILENAME}}.{suffix} -f\n"
                f"RewriteRule ^(.+)$ $1.{suffix} [L]") in rules
    assert rules.rstrip().endswith("RewriteCond %{REQUEST_FILENAME}.html -f\nRewriteRule ^(.+)$ $1.html [L]")


def test_site_rdf_file_is_the_served_answer(site, web_server):
    output, _ = site
    served = Graph().parse(data=get(f"{web_server}/resource/round-07.ttl")[2], format="turtle")
    written = Graph().parse(output / "resource" / "round-07.ttl", format="turtle")
    from rdflib.compare import isomorphic

    assert isomorphic(served, written)


def test_site_into_an_unwritable_place_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("site", "--output", str(blocker / "public"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert blocker.read_text() == "not a folder"


def test_site_replaces_only_a_folder_it_wrote(site, tmp_path):
    output, _ = site
    assert (output / ".kg-site").is_file()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    result = run("site", "--output", str(precious))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {precious}: exists and is not a site kg wrote; give a new or empty folder\n"
    assert sorted(p.name for p in precious.iterdir()) == ["notes.txt"]
