"""The hot path: what a cached `kg query rounds` imports, and the schema closure the rules reasoner keeps.

Times are measured by bench/edit_loop.py, never asserted here: these tests check
what makes them, the modules a cached query loads and the owlrl work a build skips.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import kg.reason
from kg.reason import infer_statements, statement

REPO = Path(__file__).resolve().parent.parent

# Run the command in a fresh process and list, on stderr, every module it had loaded when it exited.
LISTING_MODULES = ("import atexit, sys\n"
                   "atexit.register(lambda: print('\\n'.join(sorted(sys.modules)), file=sys.stderr))\n"
                   "from kg.cli import cli\n"
                   "cli(sys.argv[1:], prog_name='kg')\n")

# What only building, reasoning, validating, writing or another command needs.
NOT_ON_THE_HOT_PATH = ("rdflib", "owlrl", "pyshacl", "tempfile", "shutil", "difflib", "sqlite3", "kg.dataset",
                       "kg.reason", "kg.validate", "kg.asserted", "kg.staging", "kg.cli.graph",
                       "kg.cli.curating", "kg.cli.stores")


def run_listing_modules(*args: str, env: dict) -> tuple[subprocess.CompletedProcess, set[str]]:
    done = subprocess.run([sys.executable, "-c", LISTING_MODULES, *args], capture_output=True, text=True,
                          env=env, cwd=REPO)
    return done, set(done.stderr.split())


def test_a_cached_query_loads_nothing_but_what_answers_it(tmp_path):
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache"), "KG_ROOT": str(REPO)}
    env.pop("KG_ENGINE", None)
    built, _ = run_listing_modules("query", "rounds", "--format", "csv", env=env)
    assert built.returncode == 0, built.stderr[-2000:]
    cached, modules = run_listing_modules("query", "rounds", "--format", "csv", env=env)
    assert cached.returncode == 0
    assert cached.stdout == built.stdout
    assert cached.stdout.splitlines()[0].startswith("round,number,start,end")
    assert len(cached.stdout.splitlines()) > 20  # every round, one a line
    assert {"kg.cli.querying", "kg.store", "pyoxigraph"} <= modules
    loaded = sorted(name for name in modules for unwanted in NOT_ON_THE_HOT_PATH
                    if name == unwanted or name.startswith(unwanted + "."))
    assert loaded == []


def test_help_lists_every_command_without_importing_them_first(tmp_path):
    """The commands' modules are imported on demand, yet `kg --help` still lists each with its summary."""
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache"), "KG_ROOT": str(REPO)}
    done, _ = run_listing_modules("--help", env=env)
    assert done.returncode == 0
    commands = done.stdout.split("Commands:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in commands] == sorted([
        "queries", "query", "sparql", "describe", "search", "stats", "reason", "validate",
        "export", "timeline", "add", "report", "new", "load", "serve", "site"])
    assert "  validate  Check the shipped graph, or new Turtle FILES together with it." in commands
    unknown, modules = run_listing_modules("valdate", env=env)
    assert unknown.returncode == 2
    assert "No such command 'valdate'" in unknown.stderr
    assert "kg.cli.graph" not in modules  # a name that is no command imports no command


# =============================================================================
# The schema closure the rules keep
# =============================================================================

@pytest.fixture(scope="module")
def shipped_statements(shipped_triples):
    return [statement(t) for t in shipped_triples]


@pytest.fixture(scope="module")
def rules_without_cache(shipped_statements):
    return set(infer_statements(shipped_statements, "rules"))


def refuse_owlrl(monkeypatch):
    """From now on owlrl may not run: the closure must come from the cache."""
    def refused(schema):
        raise AssertionError("owlrl ran although the schema closure was kept")

    monkeypatch.setattr(kg.reason, "_owlrl_closure", refused)


def count_owlrl(monkeypatch) -> list:
    runs = []
    original = kg.reason._owlrl_closure

    def counted(schema):
        runs.append(len(schema))
        return original(schema)

    monkeypatch.setattr(kg.reason, "_owlrl_closure", counted)
    return runs


def test_the_rules_with_a_kept_schema_closure_give_the_entailments_without_it(
        shipped_statements, rules_without_cache, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    assert set(infer_statements(shipped_statements, "rules", schema_cache=cache)) == rules_without_cache
    kept = list(cache.glob("schema-closure-*.nt"))
    assert len(kept) == 1 and list(cache.iterdir()) == kept
    refuse_owlrl(monkeypatch)
    assert set(infer_statements(shipped_statements, "rules", schema_cache=cache)) == rules_without_cache
    assert list(cache.glob("schema-closure-*.nt")) == kept


def test_a_changed_schema_is_closed_again(shipped_statements, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    infer_statements(shipped_statements, "rules", schema_cache=cache)
    runs = count_owlrl(monkeypatch)
    ours = "https://w3id.org/astana-kg/ontology#"  # ap:
    extra = f"<{ours}Envoy> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{ours}Person>"
    changed = [*shipped_statements, extra]
    assert set(infer_statements(changed, "rules", schema_cache=cache)) == set(infer_statements(changed, "rules"))
    assert len(runs) == 2  # once for the kept closure, once without a cache
    assert len(list(cache.glob("schema-closure-*.nt"))) == 2


@pytest.mark.parametrize("damage", ["truncated", "a line dropped", "not UTF-8", "empty", "a directory"])
def test_a_damaged_schema_closure_is_worked_out_again(
        damage, shipped_statements, rules_without_cache, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    infer_statements(shipped_statements, "rules", schema_cache=cache)
    [kept] = cache.glob("schema-closure-*.nt")
    whole = kept.read_bytes()
    if damage == "truncated":
        kept.write_bytes(whole[:len(whole) // 2])
    elif damage == "a line dropped":  # still valid N-Triples, but not what was kept
        lines = whole.splitlines(keepends=True)
        kept.write_bytes(b"".join(lines[:-1]))
    elif damage == "not UTF-8":
        kept.write_bytes(whole.splitlines(keepends=True)[0] + b"\xff\xfe <x> <y> <z> .\n")
    elif damage == "empty":
        kept.write_bytes(b"")
    else:
        kept.unlink()
        kept.mkdir()
    runs = count_owlrl(monkeypatch)
    assert set(infer_statements(shipped_statements, "rules", schema_cache=cache)) == rules_without_cache
    assert len(runs) == 1
    if damage != "a directory":  # a file that can be replaced is: the next build reads it again
        assert kept.read_bytes() == whole
        refuse_owlrl(monkeypatch)
        assert set(infer_statements(shipped_statements, "rules", schema_cache=cache)) == rules_without_cache


def test_the_build_after_a_data_edit_takes_the_schema_closure_it_kept(project, tmp_path, monkeypatch):
    import shutil

    import pyoxigraph as ox

    from kg.build import ensure_built
    from kg.workspace import Workspace

    checkout = tmp_path / "repo"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(project.root / folder, checkout / folder)
    kept = Workspace(root=checkout, cache_root=tmp_path / "kept-cache")
    ensure_built(kept)
    assert len(list((tmp_path / "kept-cache").glob("schema-closure-*.nt"))) == 1
    data = checkout / "data" / "sources" / "compilation-round-03.ttl"
    text = data.read_text(encoding="utf-8")
    assert 'skos:prefLabel "Round 3"@en' in text
    data.write_text(text.replace('skos:prefLabel "Round 3"@en', 'skos:prefLabel "Round three"@en'), encoding="utf-8")
    refuse_owlrl(monkeypatch)
    updated = ensure_built(kept)
    monkeypatch.undo()
    rebuilt = ensure_built(Workspace(root=checkout, cache_root=tmp_path / "fresh-cache"))

    def quads(build):
        return set(ox.Store.read_only(str(build.store_dir)).dump(format=ox.RdfFormat.N_QUADS).decode().splitlines())

    assert quads(updated) == quads(rebuilt)
    assert any('"Round three"@en' in quad for quad in quads(updated))
