"""Shared fixtures: the shipped graph is loaded, reasoned and validated once per session.

The fast engines answer everywhere but in the oracle tests (tests/test_engines.py), which
prove them equal to the reference engines; those reference answers are computed once.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from kg.dataset import load_dataset, load_shapes, merged_graph
from kg.turtle import parse_turtle

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-expected", action="store_true",
                     help="Rewrite tests/expected_rows/*.tsv from the current graph (then review the diff).")
    parser.addoption("--update-screenshots", action="store_true",
                     help="Copy the browser tests' screenshots into docs/ (docs/web.md shows them).")


def pytest_configure(config):
    """Keep the derived-graph cache out of the source tree while testing."""
    config._kg_cache = tempfile.mkdtemp(prefix="kg-cache-")
    os.environ["KG_CACHE_DIR"] = config._kg_cache


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_kg_cache", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def project():
    """This checkout, whatever KG_ROOT a test sets for itself."""
    from kg.project import Project

    return Project(Path(__file__).resolve().parent.parent)


@pytest.fixture(scope="session")
def shipped_dataset(project):
    return load_dataset(project)


@pytest.fixture(scope="session")
def shipped_graph(shipped_dataset):
    return merged_graph(shipped_dataset)


def rules_closure(graph):
    """A copy of the rdflib ``graph`` with the compiled OWL RL rules' entailments about our own terms
    (what the built store holds; tests/test_engines.py proves them owlrl's), blank nodes kept."""
    import pyoxigraph as ox
    from rdflib import BNode, Graph, Literal, URIRef

    from kg.dataset import to_oxigraph
    from kg.namespace import bind_prefixes
    from kg.reason import infer

    def term(node):
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        return Literal(node.value, lang=node.language, datatype=None if node.language else URIRef(node.datatype.value))

    closure = bind_prefixes(Graph())
    for triple in graph:
        closure.add(triple)
    for triple in infer(to_oxigraph(graph), "rules"):
        closure.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return closure


@pytest.fixture(scope="session")
def shipped_closure(shipped_graph):
    return rules_closure(shipped_graph)


@pytest.fixture(scope="session")
def shipped_triples(project):
    """The shipped graph as pyoxigraph Triples, as the reasoners read it."""
    from kg.dataset import merged_statements, read_sources
    from kg.reason import parse_statements

    return parse_statements(merged_statements(read_sources(project, "oxigraph")))


@pytest.fixture(scope="session")
def owlrl_entailments(shipped_triples):
    """owlrl's kept entailments of the shipped graph: the oracle's answer, computed once."""
    from kg.reason import infer

    return set(infer(shipped_triples, "owlrl"))


@pytest.fixture(scope="session")
def reference_rows(project):
    """rdflib's rows for a query over the built reasoned graph: the store parsed into rdflib once,
    each query answered once for the session (the oracle the saved queries are compared with)."""
    from kg.store import open_sparql
    from kg.workspace import Workspace

    sparql = open_sparql(Workspace.of(project), query="rdflib")
    answers = {}

    def rows(text):
        if text not in answers:
            answers[text] = sparql.query(text).row_tuples()
        return answers[text]

    return rows


@pytest.fixture(scope="session")
def shapes(project):
    return load_shapes(project)


@pytest.fixture(scope="session")
def ontology_graph(project):
    return parse_turtle(project.ontology_file)


@pytest.fixture(scope="session")
def source_texts(project):
    """The five source documents' texts by file name; CI has shared/ beside the checkout."""
    directory = project.source_texts_dir
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.txt"))}
    assert texts, f"no source texts found in {directory}: shared/ must stand beside the checkout"
    return texts


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real `oxigraph serve` on 127.0.0.1 and a free port, with a temporary store; stopped by PID."""
    from kg.serve import start_oxigraph

    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-store"))
    yield server
    server.stop()
    assert server.process.poll() is not None


@pytest.fixture(scope="session")
def web_server():
    """The installed `kg serve` on 127.0.0.1 and a free port, stopped by its PID; yields its base URL."""
    import signal
    import subprocess
    import sys

    from kg.serve import free_port

    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).with_name("kg")), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    first_line = process.stdout.readline()
    try:
        assert first_line.startswith("Serving ") and first_line.endswith(f" at http://127.0.0.1:{port}/\n"), \
            first_line + process.stderr.read()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert process.stdout.read().endswith("Stopped.\n")


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso 7 (tests/virtuoso.py) with a fresh database; skipped only where it is not installed."""
    from virtuoso import missing, start_virtuoso

    reason = missing()
    if reason:
        pytest.skip(reason)
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()
    assert server.process.poll() is not None
