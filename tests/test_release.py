"""The release stands alone: `kg export --bundle DIR` loaded by other stores' own loaders, without kg.

Oxigraph's `oxigraph load` into a plain store (no union default graph), and
Virtuoso's bulk loader (ld_dir / rdf_loader_run through isql), each answer
every saved query with kg's rows; the VoID file's digests are the files'.
"""

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID
from test_triple_store import QUERIES
from test_virtuoso import as_virtuoso_answers
from virtuoso import MERGED_GRAPH

from kg.cli import cli
from kg.export import BUNDLE_FILES
from kg.queries import load_saved_queries
from kg.remote import RemoteSparql
from kg.serve import oxigraph_binary, start_oxigraph
from kg.store import open_sparql
from kg.workspace import Workspace

pytestmark = pytest.mark.slow  # Virtuoso and Oxigraph servers loaded from a release

SAVED = load_saved_queries(QUERIES)
SPDX = "http://spdx.org/rdf/terms#"
DATASET = URIRef("https://w3id.org/astana-kg/resource/dataset/astana-kg")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    directory = tmp_path_factory.mktemp("release") / "astana-kg"
    result = CliRunner().invoke(cli, ["export", "--bundle", str(directory)])
    assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="module")
def oxigraph_from_release(release, tmp_path_factory):
    """A plain `oxigraph serve` over a store that `oxigraph load` filled from the release alone."""
    location = tmp_path_factory.mktemp("release-store")
    subprocess.run([oxigraph_binary(), "load", "--location", str(location),
                    "--file", str(release / "astana-kg-reasoned.nq")], check=True, capture_output=True)
    server = start_oxigraph(location)
    yield server
    server.stop()


@pytest.mark.parametrize("name", sorted(SAVED))
def test_oxigraph_loaded_from_the_release_answers_every_saved_query_as_kg(name, oxigraph_from_release):
    text = SAVED[name].bind({})
    assert RemoteSparql(oxigraph_from_release.query_url).query(text).row_tuples() == open_sparql(Workspace.from_environment()).query(text).row_tuples()


@pytest.fixture(scope="module")
def virtuoso_from_release(release, virtuoso_server):
    """Virtuoso's bulk loader fed the release's reasoned N-Quads, its triples without a graph into the merge.

    What kg load put there before (test_virtuoso.py) is cleared first: the same graphs, with skolem IRIs.
    """
    graphs = {quad.graph_name.value for quad in quads(release / "astana-kg-reasoned.nq")
              if not isinstance(quad.graph_name, DefaultGraph)}
    graphs.add(MERGED_GRAPH)
    virtuoso_server.isql(*(f"SPARQL CLEAR GRAPH <{graph}>" for graph in sorted(graphs)))
    shutil.copy(release / "astana-kg-reasoned.nq", virtuoso_server.load_directory)
    virtuoso_server.isql(f"ld_dir('{virtuoso_server.load_directory}', 'astana-kg-reasoned.nq', '{MERGED_GRAPH}')",
                         "rdf_loader_run()", "checkpoint")
    errors = virtuoso_server.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL")
    assert "astana-kg-reasoned.nq" not in errors, errors
    return virtuoso_server


@pytest.mark.parametrize("name", sorted(SAVED))
def test_virtuoso_bulk_loaded_from_the_release_answers_every_saved_query_as_kg(name, virtuoso_from_release):
    text = SAVED[name].bind({})
    assert (RemoteSparql(virtuoso_from_release.query_url).query(text).row_tuples()
            == as_virtuoso_answers(open_sparql(Workspace.from_environment()).query(text)))


# --- the files themselves ------------------------------------------------------------------

def quads(path: Path):
    return parse(path=str(path), format=RdfFormat.N_QUADS)


def test_the_dataset_files_carry_the_merged_graph_in_the_default_graph(release):
    from kg.store import open_store

    for name, (fmt, reasoned, _media) in BUNDLE_FILES.items():
        found = parse(path=str(release / name), format=RdfFormat.N_QUADS if fmt == "nq" else RdfFormat.TRIG)
        in_default = sum(1 for quad in found if isinstance(quad.graph_name, DefaultGraph))
        assert in_default == open_store(Workspace.from_environment(), reasoned=reasoned).graph_sizes()[""] > 4000, name


def test_the_void_file_gives_each_files_sha256_size_and_dump(release):
    void = Graph().parse(release / "void.ttl", format="turtle", publicID=release.as_uri() + "/")
    files = sorted(p.name for p in release.iterdir() if p.name != "void.ttl")
    checked = []
    for distribution in void.objects(DATASET, DCAT.distribution):
        name = str(void.value(distribution, DCTERMS.title))
        content = (release / name).read_bytes()
        checksum = void.value(distribution, URIRef(SPDX + "checksum"))
        assert void.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(SPDX + "checksumAlgorithm_sha256")
        assert str(void.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(content).hexdigest(), name
        assert int(void.value(distribution, DCAT.byteSize)) == len(content)
        checked.append(name)
    assert sorted(checked) == files
    dumps = sorted(str(dump).rsplit("/", 1)[1] for dump in void.objects(DATASET, VOID.dataDump))
    assert dumps == sorted(BUNDLE_FILES)
    for dump in void.objects(DATASET, VOID.dataDump):
        assert Path(dump.removeprefix("file://")).is_file()


def test_the_void_file_gives_version_date_and_publisher(release):
    from kg import __version__

    void = Graph().parse(release / "void.ttl", format="turtle")
    assert str(void.value(DATASET, OWL.versionInfo)) == __version__
    changelog = (QUERIES.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {__version__} - {void.value(DATASET, DCTERMS.issued)}\n" in changelog
    publisher = void.value(DATASET, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in void
    assert str(void.value(publisher, FOAF.name)) == "the astana-kg contributors"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_release_files_are_readable_as_the_umask_allows(umask, mode, tmp_path):
    previous = os.umask(umask)
    try:
        result = CliRunner().invoke(cli, ["export", "--bundle", str(tmp_path / "release")])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "release").iterdir()}
    assert modes == dict.fromkeys(modes, mode) and "shapes.html" in modes and len(modes) == 9


def test_the_release_documents_the_shapes_beside_the_ontology(release, project):
    from kg.ontology_docs import shapes_html

    page = (release / "shapes.html").read_text(encoding="utf-8")
    assert page == shapes_html(project)
    assert '<section class="shape" id="RoundShape">' in page and '<a href="ontology.html">' in page
    assert (release / "ontology.html").is_file()
