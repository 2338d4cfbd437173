"""The cache of the derived graph: reused while the sources are unchanged, rebuilt when one changes."""

import shutil

import pytest

from kg.build import ensure_built
from kg.fingerprint import fingerprint
from kg.project import Project
from kg.store import open_sparql

ASK_LEBANON_OBSERVED_7 = ("ASK { <https://w3id.org/astana-kg/resource/round-07> "
                          "<https://w3id.org/astana-kg/ontology#hasObserver> "
                          "<https://w3id.org/astana-kg/resource/lebanon> }")
ASK_LEBANON_OBSERVED_21 = ASK_LEBANON_OBSERVED_7.replace("round-07", "round-21")


@pytest.fixture
def copied_project(tmp_path, project, monkeypatch):
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(project.root / folder, tmp_path / "repo" / folder)
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    return Project(tmp_path / "repo")


def test_unchanged_sources_reuse_the_cache(copied_project):
    first = ensure_built(copied_project).info_file
    mtime = first.stat().st_mtime_ns
    assert ensure_built(copied_project).info_file.stat().st_mtime_ns == mtime


def test_a_changed_data_file_is_seen(copied_project):
    assert open_sparql(copied_project).query(ASK_LEBANON_OBSERVED_7).boolean is False
    before = fingerprint(copied_project)
    facts = copied_project.data_dir / "documents" / "004_30a8c239b98eb082.ttl"
    facts.write_text(facts.read_text(encoding="utf-8") +
                     "\nres:round-07 ap:hasObserver res:lebanon .\n", encoding="utf-8")
    assert fingerprint(copied_project) != before
    assert open_sparql(copied_project).query(ASK_LEBANON_OBSERVED_7).boolean is True


def test_a_file_digest_is_reused_while_the_file_is_untouched(copied_project, tmp_path, monkeypatch):
    """As git does: a file's content hash is kept with its size, times and inode, reused
    while they stay the same, and computed again once the file is written."""
    import json

    import kg.fingerprint

    monkeypatch.setattr(kg.fingerprint, "RACY_SECONDS", -1.0)  # trust even the files copied a moment ago
    before = fingerprint(copied_project)
    record = tmp_path / "cache" / "digests.json"
    facts = copied_project.data_dir / "reference.ttl"
    digests = json.loads(record.read_text(encoding="utf-8"))
    digests[str(facts)][4] = "0" * 64
    record.write_text(json.dumps(digests), encoding="utf-8")
    assert fingerprint(copied_project) != before  # the recorded digest stood for the file
    facts.write_bytes(facts.read_bytes())  # the same content, written again
    assert fingerprint(copied_project) == before


def test_projects_that_share_a_cache_directory_keep_each_others_digests(copied_project, tmp_path, monkeypatch):
    """KG_CACHE_DIR may serve several checkouts: a command in one must not drop the digests
    recorded for the other, or each command there would hash every file again."""
    import json

    import kg.fingerprint

    monkeypatch.setattr(kg.fingerprint, "RACY_SECONDS", -1.0)
    shutil.copytree(copied_project.root, tmp_path / "other")
    other = Project(tmp_path / "other")
    fingerprint(copied_project)
    fingerprint(other)
    recorded = json.loads((tmp_path / "cache" / "digests.json").read_text(encoding="utf-8"))
    for project in (copied_project, other):
        assert str(project.data_dir / "reference.ttl") in recorded


def test_a_file_written_a_moment_ago_is_hashed_every_time(copied_project, tmp_path):
    """Two writes within one tick of the file system's clock leave the same times: a
    file changed in the last two seconds is never trusted to its recorded digest."""
    import json

    fingerprint(copied_project)
    record = tmp_path / "cache" / "digests.json"
    recorded = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    assert str(copied_project.data_dir / "reference.ttl") not in recorded


@pytest.mark.slow
def test_old_caches_are_pruned(copied_project, tmp_path):
    ensure_built(copied_project)
    (copied_project.data_dir / "reference.ttl").write_text(
        (copied_project.data_dir / "reference.ttl").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    ensure_built(copied_project)
    assert len([p for p in (tmp_path / "cache").iterdir() if p.is_dir() and p.name != "checkouts"]) == 1


def test_a_blank_node_is_one_node_in_every_graph_of_the_store(project):
    """The store is written by several bulk loads, and each gives blank nodes fresh ids:
    the evidence nodes (blank) must still join across the sources' graphs, the
    default graph and the inferred graph."""
    sparql = open_sparql(project)
    prefixes = ("PREFIX ap: <https://w3id.org/astana-kg/ontology#> "
                "PREFIX prov: <http://www.w3.org/ns/prov#> ")
    joined = sparql.query(prefixes + """SELECT (COUNT(*) AS ?n) WHERE {
        GRAPH ?g { ?fact ap:evidence ?evidence }
        ?evidence prov:wasDerivedFrom|prov:wasQuotedFrom ?document .
        GRAPH <https://w3id.org/astana-kg/resource/graph/inferred> { ?evidence a ?class }
    }""")
    assert int(joined.rows[0]["n"].value) > 100
    orphans = sparql.query(prefixes + """ASK {
        GRAPH <https://w3id.org/astana-kg/resource/graph/inferred> { ?node ?p ?o }
        FILTER (isBlank(?node))
        FILTER NOT EXISTS { GRAPH ?g { ?node ?q ?r } FILTER (?g != <https://w3id.org/astana-kg/resource/graph/inferred>) }
    }""")
    assert orphans.boolean is False


def test_a_build_the_reasoner_refuses_leaves_nothing_half_built(copied_project, tmp_path):
    from kg.engine import FAST
    from kg.errors import InputError

    ontology = copied_project.ontology_file
    ontology.write_text(ontology.read_text(encoding="utf-8")
                        + "\nap:meets a owl:ObjectProperty , owl:SymmetricProperty .\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not implement <http://www.w3.org/2002/07/owl#SymmetricProperty>"):
        ensure_built(copied_project, FAST)
    left = [path.name for path in (tmp_path / "cache").rglob("*")]
    assert left and not [name for name in left if name.startswith(".store-")]


@pytest.mark.parametrize("reasoned", [True, False], ids=["reasoned", "asserted"])
def test_each_graph_is_counted_and_written_as_the_view_sees_it(project, tmp_path, reasoned):
    """graph_sizes() and dump_graph() (what kg load sends) agree with the view's own quads,
    graph by graph; the asserted default graph leaves out every entailment."""
    import pyoxigraph as ox

    from kg.store import open_store

    view = open_store(project, reasoned=reasoned)
    expected = {}
    for quad in view:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        expected.setdefault(graph, set()).add(f"{quad.subject} {quad.predicate} {quad.object} .")
    sizes = view.graph_sizes()
    assert sizes == {graph: len(lines) for graph, lines in expected.items()}
    assert list(sizes)[0] == "" and list(sizes)[1:] == sorted(sizes)[1:]
    for graph in ("", "https://w3id.org/astana-kg/resource/source/compilation-round-07"):
        view.dump_graph(graph, tmp_path / "graph.nt")
        assert set((tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()) == expected[graph]


def test_the_asserted_view_queries_a_store_of_the_sources_alone(project):
    """--no-reason queries a store built once from the sources: the same quads, graph
    by graph, as the reasoned store's without the entailments, blank nodes included."""
    import pyoxigraph as ox

    from kg.asserted import ensure_asserted_store
    from kg.store import open_store

    view = open_store(project, reasoned=False)
    by_pattern = {}
    for quad in view:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        by_pattern.setdefault(graph, []).append(quad)
    counted = {row["g"].value if row["g"] else "": int(row["n"].value) for row in view.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g")}
    assert counted == {graph: len(quads) for graph, quads in by_pattern.items()}
    assert counted[""] == ensure_built(project).info()["asserted"]
    without_blank_nodes = {str(quad) for quads in by_pattern.values() for quad in quads if "_:" not in str(quad)}
    stored = view.query("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } "
                        "FILTER (!isBlank(?s) && !isBlank(?o)) }")
    assert {str(ox.Quad(row["s"], row["p"], row["o"], row["g"] or ox.DefaultGraph())) for row in stored} \
        == without_blank_nodes
    evidence_joins = view.query("""PREFIX ap: <https://w3id.org/astana-kg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        ASK { GRAPH ?g { ?fact ap:evidence ?evidence } ?evidence prov:wasQuotedFrom ?document }""")
    assert bool(evidence_joins) is True
    stored_at = ensure_asserted_store(project).stat().st_mtime_ns
    assert ensure_asserted_store(project).stat().st_mtime_ns == stored_at


@pytest.mark.slow
def test_two_commands_storing_the_asserted_graph_at_once_take_turns(copied_project):
    """Both find no asserted store: one stores it under the build's lock, the other waits
    and uses it, and nothing is left behind."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.asserted import ensure_asserted_store
    from kg.store import open_store

    build = ensure_built(copied_project).directory
    with ThreadPoolExecutor(max_workers=2) as pool:  # each thread's flock is its own, as two processes' are
        paths = list(pool.map(lambda _: ensure_asserted_store(copied_project), range(2)))
    assert paths == [build / "asserted"] * 2
    assert [path.name for path in build.iterdir() if path.name.startswith(".asserted-")] == []
    asserted = open_store(copied_project, reasoned=False)
    assert bool(asserted.query(ASK_LEBANON_OBSERVED_21)) is True


# --- pinned saved queries (kg.pinned) ---------------------------------------------------

def _pins(project):

    return ensure_built(project).pinned


def test_the_build_pins_the_answer_of_every_pinned_saved_query(project):
    from kg.queries import load_saved_queries

    pinned = [query for query in load_saved_queries(project.queries_dir).values() if query.pinned]
    assert {"delegates", "participation"} <= {query.name for query in pinned}
    pins = _pins(project)
    assert [query.name for query in pinned if not pins.path(query.text).is_file()] == []


def test_a_pinned_query_is_answered_from_its_pin_without_asking_the_store(project, monkeypatch):
    from kg.queries import find_saved_query
    from kg.view import GraphView

    delegates = find_saved_query(project.queries_dir, "delegates")
    sparql = open_sparql(project)
    computed = sparql.query(delegates.text)

    def store_asked(*args, **kwargs):
        raise AssertionError("the store was asked")

    monkeypatch.setattr(GraphView, "query", store_asked)
    pinned = sparql.query(delegates.text, pin=True)
    assert pinned == computed
    assert ("res:abbas-araghchi", "Abbas Araghchi", "res:doha-ministers-meeting-2024-delegation-iran",
            "true") in pinned.row_tuples()
    with pytest.raises(AssertionError, match="the store was asked"):
        sparql.query(delegates.text)  # not pinned unless asked for


def test_an_edited_pinned_query_is_answered_and_pinned_anew(copied_project):
    from kg.queries import read_saved_query

    path = copied_project.queries_dir / "delegates.rq"
    sparql = open_sparql(copied_project)
    before = sparql.query(read_saved_query(path).text, pin=True)
    path.write_text(path.read_text(encoding="utf-8") + "LIMIT 2\n", encoding="utf-8")
    edited = read_saved_query(path)
    assert not _pins(copied_project).path(edited.text).exists()
    answer = sparql.query(edited.text, pin=True)
    assert answer.rows == before.rows[:2]
    assert _pins(copied_project).read(edited.text) == answer


def test_a_pin_that_cannot_be_read_is_answered_again(copied_project):
    from kg.queries import read_saved_query

    participation = read_saved_query(copied_project.queries_dir / "participation.rq")
    sparql = open_sparql(copied_project)
    computed = sparql.query(participation.text)
    pin = _pins(copied_project).path(participation.text)
    pin.write_text('{"format": 1, "form": "select", "variables": ["agent"', encoding="utf-8")  # cut short
    assert sparql.query(participation.text, pin=True) == computed
    assert _pins(copied_project).read(participation.text) == computed


def test_a_pinned_answer_reads_back_as_it_was(project):
    """Unbound values, typed and language-tagged literals, ASK and CONSTRUCT answers."""
    import json

    from kg.pinned import decode, encode

    sparql = open_sparql(project)
    answers = [
        sparql.query("""PREFIX ap: <https://w3id.org/astana-kg/ontology#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?meeting ?start ?label WHERE {
                ?meeting a ap:Meeting . OPTIONAL { ?meeting ap:startDate ?start }
                OPTIONAL { ?meeting skos:prefLabel ?label } }"""),
        sparql.query("ASK { ?s ?p ?o }"),
        sparql.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 50"),
    ]
    select = answers[0]
    assert any("start" not in row for row in select.rows) and any("start" in row for row in select.rows)
    assert "http://www.w3.org/2001/XMLSchema#date" in {row["start"].datatype for row in select.rows if "start" in row}
    assert "en" in {row["label"].lang for row in select.rows if "label" in row}
    for answer in answers:
        assert decode(json.loads(json.dumps(encode(answer)))) == answer


def test_a_pinned_query_run_with_a_parameter_is_asked_of_the_store(project, monkeypatch):
    from kg.queries import find_saved_query
    from kg.view import GraphView

    heads = find_saved_query(project.queries_dir, "heads-over-time")
    assert heads.pinned and heads.pins(heads.bind({}))
    russia = heads.bind({"party": ["res:russia"]})
    assert not heads.pins(russia)
    asked = []
    monkeypatch.setattr(GraphView, "query", lambda self, text, **kwargs: asked.append(text) or [])
    open_sparql(project).query(russia, pin=heads.pins(russia))
    assert asked == [russia]


@pytest.mark.parametrize("parameter, problem", [("?_round_integer", "is required"),
                                                ("?__round_integer", "has a default")])
def test_a_pinned_query_has_no_required_parameter_and_no_default(tmp_path, parameter, problem):
    from kg.errors import InputError
    from kg.queries import read_saved_query

    path = tmp_path / "observers.rq"
    path.write_text("#+ summary: Observers\n#+ defaults:\n#+   - round: 7\n#+ pinned: true\n"
                    f"SELECT ?o WHERE {{ {parameter} <http://example.org/o> ?o }} ORDER BY ?o\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_saved_query(path)
    assert str(error.value) == (f"{path}: a pinned query is answered once per build, without parameters, "
                                f"but --round {problem}")
