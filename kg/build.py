"""The build: the derived graph, made once into .kg-cache/<fingerprint>/ and reused while the sources are unchanged.

Parsing the Turtle and computing the OWL RL closure take far longer than a
query (docs/engines-and-scale.md). So the first command after a change builds

    .kg-cache/<fingerprint>/store/   a pyoxigraph (RocksDB) store holding
        - one named graph per source (its file's triples),
        - the default graph: the merge of all sources, each triple once, and
          what OWL RL adds about our own terms,
        - .../resource/graph/inferred: what OWL RL adds, again, on its own,
    .kg-cache/<fingerprint>/pinned/      the answers of the pinned saved queries (kg.pinned)
    .kg-cache/<fingerprint>/search.sqlite  names and full text, for kg describe and kg search,
        written by the first command that searches (kg.search, kg.text_index)
    .kg-cache/<fingerprint>/built.json   written last: engines used and counts
    .kg-cache/<fingerprint>/asserted/    the sources without the entailments, stored
        by the first command that queries them (--no-reason; kg.asserted)
    .kg-cache/<fingerprint>/<name>.json  what a command worked out once from this
        build (validation findings, the rules' rows), keyed on what else it
        depends on (:meth:`Build.recall`)

and every later command opens that store read-only (kg.store), at any size.
The fingerprint (kg.fingerprint) covers everything the build depends on, so a
changed file is always seen. $KG_CACHE_DIR moves the cache.

:class:`Build` names the files; :func:`ensure_built` makes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .engine import Engine
from .errors import InputError, StoreDamaged
from .files import write_atomically
from .fingerprint import cache_dir, derivation, fingerprint, input_digests
from .lock import exclusive
from .pinned import PinnedAnswers, pin_saved_queries
from .prefixes import INFERRED_GRAPH
from .project import Project
from .view import GraphView
from .workspace import Workspace, silent

if TYPE_CHECKING:
    import pyoxigraph as ox

    from .sparql import OxigraphSparql

Progress = Callable[[str], None]
BUILDING = "another kg command building the graph"  # what a command waiting for the build's lock says


@dataclass(frozen=True)
class Build:
    """One build, .kg-cache/<fingerprint>/, and the name of every file in it; naming one never builds it."""

    directory: Path

    @property
    def fingerprint(self) -> str:
        return self.directory.name

    @property
    def store_dir(self) -> Path:
        """The reasoned store."""
        return self.directory / "store"

    @property
    def info_file(self) -> Path:
        """built.json, written last: the build is whole when it is there and its files match it."""
        return self.directory / "built.json"

    @property
    def asserted_dir(self) -> Path:
        """The store of the sources without the entailments (kg.asserted)."""
        return self.directory / "asserted"

    @property
    def asserted_record(self) -> Path:
        return self.directory / "asserted.json"

    @property
    def pinned(self) -> PinnedAnswers:
        """The answers of the pinned saved queries (kg.pinned)."""
        return PinnedAnswers(self.directory / "pinned")

    @property
    def search_index(self) -> Path:
        from .text_index import FILE  # sqlite3: only for the commands that search

        return self.directory / FILE

    @property
    def lock_file(self) -> Path:
        """Held by whoever builds (or clears) this build; beside it, so that clearing leaves it alone."""
        return self.directory.parent / f".{self.directory.name}.lock"

    def info(self) -> dict:
        """What the build recorded: engines, seconds per step, triple counts."""
        return json.loads(self.info_file.read_text(encoding="utf-8"))

    def recall(self, name: str) -> Any:
        """What :meth:`remember` kept under ``name`` for this build, or None; a damaged or edited file is never trusted."""
        try:
            stored = json.loads((self.directory / f"{name}.json").read_text(encoding="utf-8"))
            if stored["sha256"] == _digest(stored["value"]):
                return stored["value"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def remember(self, name: str, value: Any) -> None:
        """Keep ``value`` (JSON) for this build under ``name``, which says what else it depends on.

        A cache that cannot be written only costs the work again.
        """
        try:
            write_atomically(self.directory / f"{name}.json",
                             json.dumps({"value": value, "sha256": _digest(value)}, ensure_ascii=False))
        except OSError:
            pass


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()


def current_build(project: Project, engine: Engine | None = None) -> Build:
    """The build the sources as they are now call for, whether or not it is built yet."""
    project = Workspace.of(project)
    return Build(cache_dir(project) / fingerprint(project, engine))


def ensure_built(project: Project, engine: Engine | None = None,
                 progress: Progress | None = None) -> Build:
    """The current build, building it first if the sources changed or it is damaged.

    Builders take turns under a lock on the build; a build that finds the
    store damaged or half-built (a killed build) says so in one line (the
    workspace's ``notice``) and starts again from nothing. What a long step is
    doing goes to ``progress``, else to the workspace's.
    """
    project = Workspace.of(project)
    engine = engine or project.engine
    build = current_build(project, engine)
    directory = build.directory
    if _damage(directory) is None:
        _mark_in_use(project, directory)
        return build
    directory.mkdir(parents=True, exist_ok=True)
    with exclusive(build.lock_file, BUILDING):
        problem = _damage(directory)  # another command may have built it while this one waited
        if problem is not None:
            if problem:
                project.notice(f"the cached graph in {directory} was damaged ({problem}); rebuilding it")
            clear(directory)
            previous = _previous_build(project, engine, directory)
            _mark_in_use(project, directory)
            _build(project, build, engine, progress or project.progress, previous)
    return build


def _damage(directory: Path) -> str | None:
    """None if the build is whole, "" if there is none yet, else what is wrong with it.

    built.json, written last, lists every file of the store with its size;
    RocksDB's own checksums catch a flipped bit when the block is read (see
    StoreDamaged).
    """
    try:
        info = json.loads((directory / "built.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        # The validation findings may be cached here before the first build: they are not a build.
        started = directory.is_dir() and any(p.name == "store" or p.name.startswith(".store-") for p in directory.iterdir())
        return "a build was cut short" if started else ""
    except (OSError, ValueError) as error:
        return f"built.json cannot be read: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
    files = info.get("store_files") if isinstance(info, dict) else None
    if not isinstance(files, dict) or info.get("fingerprint") != directory.name:
        return "built.json is not this build's record"
    return manifest_problem(directory / "store", files)


def manifest_problem(store: Path, recorded: dict) -> str | None:
    present = store_files(store)
    for name, size in sorted(recorded.items()):
        if name not in present:
            return f"store/{name} is missing"
        if present[name] != size:
            return f"store/{name} has {present[name]} bytes, {size} when built"
    return None


def store_files(store: Path) -> dict[str, int]:
    """The files of a closed store and their sizes; RocksDB's logs change with every opening and are left out."""
    if not store.is_dir():
        return {}
    return {path.name: path.stat().st_size for path in store.iterdir()
            if path.is_file() and not path.name.startswith("LOG")}


def clear(directory: Path) -> None:
    """Empty a build directory: what a killed or damaged build left, and everything derived from it."""
    import shutil

    for path in directory.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def discard_damaged(damage: StoreDamaged, notice: Callable[[str], None] = silent) -> None:
    """Remove a build whose store turned out damaged, so that the next use rebuilds it."""
    notice(f"{damage}; rebuilding it")
    with exclusive(Build(damage.directory).lock_file, BUILDING):
        if damage.directory.is_dir():
            clear(damage.directory)


def _build(project: Workspace, build: Build, engine: Engine, progress: Progress, previous: Build | None) -> None:
    """Make ``build``: from the sources, or, when ``previous`` has the same derivation, from a copy of
    its store with the graphs of the files that changed replaced (see _bring_up_to_date)."""
    import shutil
    import tempfile

    import pyoxigraph as ox

    from .dataset import merged_statements, named_graph_lines  # rdflib: only when building
    from .reason import infer_statements
    from .sparql import OxigraphSparql
    from .staging import BackgroundLoader, compact, discard, load_keeping_labels, stage

    directory = build.directory
    timings = {}
    started = time.perf_counter()
    progress(f"parsing {len(project.input_files())} files ({engine.parser})")
    # The graph travels as N-Triples text from the parser to the disk store:
    # text is what both Oxigraph and the rules read fastest.
    digests = input_digests(project, engine)  # before the files are read: a file changed meanwhile is seen next time
    sources = _read_sources(project, engine)
    graph_digests = _graph_digests(project, digests, sources)
    statements = merged_statements(sources)
    timings["parse"] = round(time.perf_counter() - started, 3)
    directory.mkdir(parents=True, exist_ok=True)
    # Build beside the final place and rename into place, so that a reader never
    # opens half a store and concurrent builders do not collide.
    building = Path(tempfile.mkdtemp(dir=directory, prefix=".store-"))
    loading = None
    try:
        counts = {"asserted": len(statements), "quads": sum(map(len, sources.values())) + len(statements)}
        before = None
        if previous is not None and graph_digests is not None:
            before = _copy_of_previous(previous, graph_digests, building)
        if before is None:
            store = ox.Store(str(building))
            # Oxigraph's bulk loader stores the asserted quads on the other core while
            # the rules run. A bulk load gives blank nodes fresh ids, so the quads that
            # mention one wait for the last load, which keeps their labels (kg.staging).
            last = building.with_suffix(".last.nq")
            first = stage(building, chain(named_graph_lines(sources), (f"{statement} ." for statement in statements)),
                          last)
            loading = BackgroundLoader(store, first)
        progress(f"reasoning over {len(statements):,} triples ({engine.reasoner})"
                 + (" while storing" if before is None else ""))
        started = time.perf_counter()
        inferred = infer_statements(statements, engine.reasoner, schema_cache=cache_dir(project))
        timings["reason"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        counts["inferred"] = len(inferred)
        counts["quads"] += 2 * len(inferred)
        progress(f"storing {counts['quads']:,} quads")
        if before is None:
            rest = stage(building, (f"{statement}{graph} ." for graph in ("", f" <{INFERRED_GRAPH}>")
                                     for statement in inferred), last, first=len(first))
            del statements, inferred
            assert loading is not None  # started above, when there was no store to start from
            loading.add(rest)
            load_keeping_labels(store, last)
            loading.join()
            timings["store"] = round(time.perf_counter() - started, 3)
            progress("compacting the store")
            started = time.perf_counter()
            compact(store)
            timings["compact"] = round(time.perf_counter() - started, 3)
        else:
            store = ox.Store(str(building))
            _bring_up_to_date(store, before, sources, statements, inferred)
            del statements, inferred
            store.flush()
            timings["update"] = round(time.perf_counter() - started, 3)
        del sources
        started = time.perf_counter()
        _pin_saved_queries(project, OxigraphSparql(GraphView(store, reasoned=True)), build, progress)
        timings["pin"] = round(time.perf_counter() - started, 3)
        # The search index waits for the first search: at 1M it would add a tenth to every build.
        del store
    except BaseException:
        # A refused ontology, a full disk, Ctrl-C: leave no half-built store behind.
        if loading is not None:
            loading.abandon()
        discard(building)
        raise
    final = build.store_dir
    if final.exists():
        shutil.rmtree(final)
    os.replace(building, final)
    info = {"engines": engine.describe(), "seconds": timings, **counts,
            "fingerprint": directory.name, "derivation": derivation(engine)}
    if graph_digests is not None:
        info["sources"] = graph_digests
    if before is not None and previous is not None:  # before is a copy of previous
        info["updated_from"] = {"build": previous.fingerprint, "graphs": sorted(before.replaced)}
    info["store_files"] = store_files(final)
    write_atomically(build.info_file, json.dumps(info, indent=2) + "\n")
    _prune(directory)


def _read_sources(project: Project, engine: Engine) -> dict[str, list[str]]:
    """Every input file's statements by named graph (kg.dataset.read_sources), each file's blank
    nodes labelled after the file's graph and their order in it.

    The same file always gives the same labels, so the build after an edit finds
    in the previous store exactly the statements it would store for every file
    that did not change (see _bring_up_to_date).
    """
    from .blank_nodes import label_blank_nodes_in_order
    from .dataset import read_sources

    return {graph: label_blank_nodes_in_order(statements, graph)
            for graph, statements in read_sources(project, engine.parser).items()}


def _graph_digests(project: Project, digests: dict[str, str], sources: dict[str, list[str]]) -> dict[str, str] | None:
    """The digest of each named graph's file, or None if files came or went while they were read."""
    from .dataset import graph_name_for

    by_graph = {f"<{graph_name_for(project.root / path, project)}>": digest for path, digest in digests.items()}
    return by_graph if by_graph.keys() == sources.keys() else None


@dataclass
class _Before:
    """What the previous build stored of what changed: the statements of each graph to be replaced, and its entailments."""

    replaced: dict[str, list[str]]  # graph ("<iri>") -> its statements as stored (none for a new file)
    inferred: list[str]


def _copy_of_previous(previous: Build, graph_digests: dict[str, str], building: Path) -> _Before | None:
    """Copy the previous build's store to ``building`` and read what of it will change, or None if
    that build cannot serve (busy, gone, damaged) or no file is unchanged since it.

    The copy is a RocksDB checkpoint: hard links to the previous store's files.
    Its lock is held meanwhile, so that no prune removes it under the copy.
    """
    import pyoxigraph as ox

    known = previous.info().get("sources") or {}
    replaced = [graph for graph in [*graph_digests, *known] if known.get(graph) != graph_digests.get(graph)]
    if len(set(replaced)) >= len(graph_digests):
        return None  # nothing to keep: a build from the sources is the quicker
    try:
        with exclusive(previous.lock_file, BUILDING, wait_seconds=0):
            if _damage(previous.directory) is not None:
                return None
            old = ox.Store.read_only(str(previous.store_dir))
            before = _Before(replaced={graph: _graph_statements(old, graph[1:-1]) if graph in known else []
                                       for graph in dict.fromkeys(replaced)},
                             inferred=_graph_statements(old, INFERRED_GRAPH))
            building.rmdir()  # a checkpoint makes its directory
            old.backup(str(building))
            del old
            return before
    except (InputError, OSError, RuntimeError):
        import shutil

        shutil.rmtree(building, ignore_errors=True)  # a checkpoint cut short
        building.mkdir()
        return None


def _graph_statements(store: ox.Store, graph: str) -> list[str]:
    """One named graph of a store as N-Triples statements (without the final " .")."""
    import pyoxigraph as ox

    text = cast(bytes, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))).decode("utf-8")
    return [line[:-2] for line in text.splitlines()]


def _bring_up_to_date(store: ox.Store, before: _Before, sources: dict[str, list[str]], statements: list[str],
                      inferred: list[str]) -> None:
    """Make a copy of the previous store hold what a build from the sources would.

    Each graph of a changed file is replaced; the default graph (the merge and
    the entailments) and the inferred graph lose what is no longer so and gain
    what is new, both worked out from the whole closure computed again.
    """
    import pyoxigraph as ox

    def quads(lines: Iterable[str], graph: str = "") -> list[ox.Quad]:
        text = "".join(f"{line}{graph} .\n" for line in lines)
        return list(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))

    kept: set[str] = set()
    for graph, graph_statements in sources.items():
        if graph not in before.replaced:
            kept.update(graph_statements)
    old_default = kept.union(*before.replaced.values(), before.inferred)
    new_default = set(statements).union(inferred)
    old_inferred, new_inferred = set(before.inferred), set(inferred)
    for graph in before.replaced:
        store.remove_graph(ox.NamedNode(graph[1:-1]))
    for quad in quads(old_default - new_default) + quads(old_inferred - new_inferred, f" <{INFERRED_GRAPH}>"):
        store.remove(quad)
    added = [line for graph in before.replaced if graph in sources for line in quads(sources[graph], f" {graph}")]
    store.extend(added + quads(new_default - old_default) + quads(new_inferred - old_inferred, f" <{INFERRED_GRAPH}>"))


def _pin_saved_queries(project: Project, sparql: OxigraphSparql, build: Build, progress: Progress) -> list[str]:
    """Answer the pinned saved queries on the reasoned store and pin the answers (kg.pinned)."""
    from .queries import read_saved_query

    queries = []
    for path in sorted(project.queries_dir.glob("*.rq")):
        try:
            queries.append(read_saved_query(path))
        except InputError:
            continue  # reported when that query is run, not by every command
    return pin_saved_queries(queries, sparql, build.pinned, progress)


CHECKOUTS = "checkouts"  # in the cache directory: which build each checkout uses


def _checkout_record(project: Project, cache: Path) -> Path:
    """Where the cache records which build ``project``'s checkout uses."""
    name = hashlib.sha256(str(project.root.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache / CHECKOUTS / f"{name}.json"


def _previous_build(project: Project, engine: Engine, directory: Path) -> Build | None:
    """The whole build this checkout used before, if it was derived as ``directory``'s will be."""
    try:
        name = json.loads(_checkout_record(project, directory.parent).read_text(encoding="utf-8"))["build"]
        previous = Build(directory.parent / name)
        if previous.directory == directory or _damage(previous.directory) is not None:
            return None
        info = previous.info()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    same = info.get("derivation") == derivation(engine) and isinstance(info.get("sources"), dict)
    return previous if same else None


def _mark_in_use(project: Project, directory: Path) -> None:
    """Record that ``project``'s checkout uses this build, so that no other checkout's prune removes it."""
    record = _checkout_record(project, directory.parent)
    entry = json.dumps({"root": str(project.root.resolve()), "build": directory.name})
    try:
        if record.read_text(encoding="utf-8") == entry:
            return
    except OSError:
        pass
    try:
        write_atomically(record, entry)
    except OSError:
        pass  # a cache that cannot be written: nothing to protect


def _prune(keep: Path) -> None:
    """Remove the builds of earlier versions of the sources that no checkout uses any more.

    A $KG_CACHE_DIR may be shared by several checkouts: each keeps the build
    its record names (a checkout that is gone keeps nothing), and a build
    another command is making (its lock is held) is left alone.
    """
    import shutil

    in_use = {keep.name}
    for record in (keep.parent / CHECKOUTS).glob("*.json"):
        try:
            entry = json.loads(record.read_text(encoding="utf-8"))
            root, build = Path(entry["root"]), entry["build"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if root.is_dir():
            in_use.add(build)
        else:
            record.unlink(missing_ok=True)
    for other in keep.parent.iterdir():
        if other.name in in_use or not other.is_dir() or len(other.name) != len(keep.name) or other.name == CHECKOUTS:
            continue
        lock = keep.parent / f".{other.name}.lock"
        try:
            with exclusive(lock, BUILDING, wait_seconds=0):
                shutil.rmtree(other, ignore_errors=True)
                lock.unlink(missing_ok=True)
        except InputError:
            continue  # being built right now
