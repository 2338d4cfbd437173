"""The build after an edit starts from the previous build's store and replaces what the edit
changed (kg.build): what it holds must be exactly what a build from the sources holds.

Each case edits a copy of the checkout, builds it once before and once after the edit in one
cache, then builds the edited copy again in an empty cache, and compares the two stores'
quads, their entailments, and the findings of `kg validate`, as sets and lists of the things
themselves.
"""

import shutil

import pyoxigraph as ox
import pytest

from kg.build import ensure_built
from kg.prefixes import INFERRED_GRAPH
from kg.validate import validate_shipped
from kg.workspace import Workspace

pytestmark = pytest.mark.slow  # each case builds the store three times

ROUND_03 = "data/sources/compilation-round-03.ttl"
NEW_FILE = "data/sources/new-meeting.ttl"
NEW_FACTS = """\
@prefix ap:   <https://w3id.org/astana-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix res:  <https://w3id.org/astana-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src:  <https://w3id.org/astana-kg/resource/source/> .

res:round-03 skos:altLabel "Astana three"@en ;
    ap:evidence [ a ap:Evidence ; prov:wasDerivedFrom src:compilation-round-03 ] .
"""


def replace(root, path, old, new):
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer holds {old!r}: the test needs another edit"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {
    "a literal changed": lambda root: replace(root, ROUND_03, 'skos:prefLabel "Round 3"@en', 'skos:prefLabel "Round three"@en'),
    # A second round numbered 13 (a rule's rows) and evidence as a blank node.
    "triples added": lambda root: replace(
        root, ROUND_03, "    ap:roundNumber 3 ;",
        "    ap:roundNumber 3, 13 ;\n    ap:evidence [ a ap:Evidence ; prov:wasDerivedFrom src:compilation-round-03 ] ;"),
    "a triple removed": lambda root: replace(root, ROUND_03, '    ap:startDate "2017-03-14"^^xsd:date ;\n', ""),
    "a file added": lambda root: (root / NEW_FILE).write_text(NEW_FACTS, encoding="utf-8"),
    "a file removed": lambda root: (root / "data/sources/compilation-round-05.ttl").unlink(),
}


@pytest.fixture
def checkout(project, tmp_path):
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(project.root / folder, tmp_path / "repo" / folder)
    return tmp_path / "repo"


def stored(build):
    """Every quad of a build's store, and the triples of its inferred graph, as N-Quads lines."""
    store = ox.Store.read_only(str(build.store_dir))
    quads = set(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    inferred = set(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(INFERRED_GRAPH))
                   .decode("utf-8").splitlines())
    return quads, inferred


def findings(workspace):
    report = validate_shipped(workspace)
    return report.findings, [(result.check.name, result.rows) for result in report.failed_rules]


@pytest.mark.parametrize("edit", EDITS)
def test_the_build_after_an_edit_holds_what_a_build_from_the_sources_holds(checkout, tmp_path, edit):
    kept = Workspace(root=checkout, cache_root=tmp_path / "kept-cache")
    before = ensure_built(kept)
    quads_before, _ = stored(before)
    EDITS[edit](checkout)

    updated = ensure_built(kept)
    assert updated.info()["updated_from"]["build"] == before.fingerprint  # the previous store was brought up to date
    assert not before.directory.exists()  # and pruned
    fresh = Workspace(root=checkout, cache_root=tmp_path / "fresh-cache")
    rebuilt = ensure_built(fresh)
    assert "updated_from" not in rebuilt.info()

    quads, inferred = stored(updated)
    assert quads != quads_before  # the edit is in the graph
    assert (quads, inferred) == stored(rebuilt)
    assert findings(kept) == findings(fresh)
    for count in ("asserted", "inferred", "quads"):
        assert updated.info()[count] == rebuilt.info()[count], count


def test_an_edit_undone_gives_the_first_build_again(checkout, tmp_path):
    """Blank nodes keep their labels from one build to the next, so undoing an edit stores the very quads of before."""
    kept = Workspace(root=checkout, cache_root=tmp_path / "kept-cache")
    first, _ = stored(ensure_built(kept))
    original = (checkout / ROUND_03).read_text(encoding="utf-8")
    EDITS["triples added"](checkout)
    ensure_built(kept)
    (checkout / ROUND_03).write_text(original, encoding="utf-8")
    assert stored(ensure_built(kept))[0] == first


def test_the_findings_of_an_edit_are_those_of_a_build_from_the_sources(checkout, tmp_path):
    """The edits above leave findings to compare: a second round 13, a round without its start date."""
    kept = Workspace(root=checkout, cache_root=tmp_path / "kept-cache")
    ensure_built(kept)
    EDITS["triples added"](checkout)
    EDITS["a triple removed"](checkout)
    shape_findings, rule_rows = findings(kept)
    assert any(finding.focus.endswith("round-03") for finding in shape_findings)
    assert [name for name, _rows in rule_rows] == ["round-number-taken-violation"]
    assert (shape_findings, rule_rows) == findings(Workspace(root=checkout, cache_root=tmp_path / "fresh-cache"))


def test_the_search_index_is_written_by_the_first_search_not_by_each_build(checkout, tmp_path):
    from kg.search import search

    kept = Workspace(root=checkout, cache_root=tmp_path / "kept-cache")
    build = ensure_built(kept)
    assert not build.search_index.exists()
    rows = search("demining", project=kept).rows
    assert rows and build.search_index.exists()
    EDITS["a literal changed"](checkout)
    assert not ensure_built(kept).search_index.exists()
    assert search("demining", project=kept).rows == rows
