"""The derived graph, built once into an on-disk store and reused while the sources are unchanged.

Parsing the Turtle and computing the OWL RL closure take seconds (a minute
at a million triples); a query takes milliseconds. So the first command after
a change builds

    .kg-cache/<fingerprint>/store/   a pyoxigraph (RocksDB) store holding
        - one named graph per source (its file's triples),
        - the default graph: the merge of all sources, each triple once, and
          what OWL RL adds about our own terms,
        - .../resource/graph/inferred: what OWL RL adds, again, on its own,
    .kg-cache/<fingerprint>/pinned/      the answers of the pinned saved queries (kg.pinned)
    .kg-cache/<fingerprint>/search.sqlite  names and full text, for kg describe and kg search (kg.search)
    .kg-cache/<fingerprint>/built.json   written last: engines used and counts
    .kg-cache/<fingerprint>/asserted/    the sources without the entailments, stored
        by the first command that queries them (--no-reason)

and every later command opens that store read-only, in milliseconds, at any
size. The fingerprint hashes the content of ontology/ and data/, the code that
derives the store and the parsing and reasoning engines chosen, so a changed
file is always seen. $KG_CACHE_DIR moves the cache.

The reasoned view is the store as it is: one default graph, which Oxigraph
queries several times faster than a default graph made of two. The asserted
view reads the same store for single patterns, leaving out the default graph's
triples that are also in the inferred graph, and queries the asserted store
(:class:`GraphView`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from itertools import chain
from pathlib import Path

from . import __version__
from .errors import InputError, KgError
from .prefixes import INFERRED_GRAPH
from .project import Project, default_project

CACHE_FORMAT = "4"
PINNED = "pinned"  # the answers of the pinned saved queries, beside the store (kg.pinned)

_BUILDERS = ("load.py", "reason.py", "store.py")


def fingerprint(project: Project, engines=None) -> str:
    """A hash of every input file's path and content, the deriving code, and the build engines."""
    from .settings import choose

    engines = engines or choose(project=project)
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}/{engines.parser}/{engines.reasoner}".encode())
    for name in _BUILDERS:
        digest.update((Path(__file__).parent / name).read_bytes())
    files = project.input_files()
    for path, content in zip(files, _content_digests(project, files)):
        digest.update(str(path.relative_to(project.root)).encode() + b"\0")
        digest.update(content.encode() + b"\0")
    return digest.hexdigest()[:20]


# A file changed this recently is hashed again even if its size and times look
# the same: a second change within the file system's clock tick leaves them so.
RACY_SECONDS = 2.0


def _content_digests(project: Project, paths: list) -> list[str]:
    """The SHA-256 of each file's content, reused while its size, times and inode are unchanged.

    As git does for its index: at a million triples, hashing 144 MB of Turtle
    cost every command 0.4 s. The digests are kept in the cache directory.
    """
    from .files import write_atomically

    record = cache_dir(project) / "digests.json"
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    # Other projects' entries stay as they are: a KG_CACHE_DIR shared by several projects
    # would otherwise have each command hash the files the previous one's project recorded.
    kept = {path: entry for path, entry in known.items() if not Path(path).is_relative_to(project.root)}
    digests, now = [], time.time_ns()
    for path in paths:
        status = path.stat()
        stamp = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        entry = known.get(str(path))
        digest = entry[4] if entry and entry[:4] == stamp else hashlib.sha256(path.read_bytes()).hexdigest()
        if now - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_SECONDS * 1e9:
            kept[str(path)] = [*stamp, digest]
        digests.append(digest)
    if kept != known:
        try:
            write_atomically(record, json.dumps(kept))
        except OSError:
            pass  # a cache directory that cannot be written only costs the hashing again
    return digests


def cache_dir(project: Project) -> Path:
    base = os.environ.get("KG_CACHE_DIR")
    return Path(base) if base else project.root / ".kg-cache"


class StoreDamaged(KgError):
    """The cached store cannot be read (a damaged file); the command is run again on a rebuilt one."""

    def __init__(self, directory: Path, reason: str):
        super().__init__(f"the cached graph in {directory} is damaged ({reason})")
        self.directory, self.reason = Path(directory), reason


def build_dir(project: Project | None = None, engines=None, progress=None) -> Path:
    """The directory of the current build, building it first if the sources changed or it is damaged.

    Builders take turns under a lock on the build; a build that finds the
    store damaged or half-built (a killed build) says so in one line and
    starts again from nothing.
    """
    from .lock import exclusive

    project = project or default_project()
    directory = cache_dir(project) / fingerprint(project, engines)
    if _damage(directory) is None:
        _mark_in_use(project, directory)
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    with exclusive(directory.parent / f".{directory.name}.lock", "another kg command building the graph"):
        problem = _damage(directory)  # another command may have built it while this one waited
        if problem is not None:
            if problem:
                _notice(f"the cached graph in {directory} was damaged ({problem}); rebuilding it")
            _clear(directory)
            _mark_in_use(project, directory)
            _build(project, directory, engines, progress or _stderr_progress)
    return directory


def _damage(directory: Path) -> str | None:
    """None if the build is whole, "" if there is none yet, else what is wrong with it.

    built.json, written last, lists every file of the store with its size;
    RocksDB's own checksums catch a flipped bit when the block is read (see
    StoreDamaged).
    """
    try:
        info = json.loads((directory / "built.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "a build was cut short" if directory.is_dir() and any(directory.iterdir()) else ""
    except (OSError, ValueError) as error:
        return f"built.json cannot be read: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
    files = info.get("store_files") if isinstance(info, dict) else None
    if not isinstance(files, dict) or info.get("fingerprint") != directory.name:
        return "built.json is not this build's record"
    return _manifest_problem(directory / "store", files)


def _manifest_problem(store: Path, recorded: dict) -> str | None:
    present = _store_files(store)
    for name, size in sorted(recorded.items()):
        if name not in present:
            return f"store/{name} is missing"
        if present[name] != size:
            return f"store/{name} has {present[name]} bytes, {size} when built"
    return None


def _store_files(store: Path) -> dict[str, int]:
    """The files of a closed store and their sizes; RocksDB's logs change with every opening and are left out."""
    if not store.is_dir():
        return {}
    return {path.name: path.stat().st_size for path in store.iterdir()
            if path.is_file() and not path.name.startswith("LOG")}


def _clear(directory: Path) -> None:
    """Empty a build directory: what a killed or damaged build left, and everything derived from it."""
    for path in directory.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def discard_damaged(damage: StoreDamaged) -> None:
    """Remove a build whose store turned out damaged, so that the next use rebuilds it."""
    from .lock import exclusive

    _notice(f"{damage}; rebuilding it")
    with exclusive(damage.directory.parent / f".{damage.directory.name}.lock", "another kg command building the graph"):
        if damage.directory.is_dir():
            _clear(damage.directory)


def _notice(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr, flush=True)


def build_info(project: Project | None = None) -> dict:
    """What the current build recorded: engines, seconds per step, triple counts."""
    return json.loads((build_dir(project) / "built.json").read_text(encoding="utf-8"))


def _stderr_progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"kg: {message}", file=sys.stderr, flush=True)


def read_sources(project: Project, parser: str = "oxigraph") -> dict:
    """Every input file's triples as N-Triples statements (without the final " ."), by named graph.

    Blank nodes get fresh labels per file: in Turtle a label belongs to its file.
    """
    import pyoxigraph as ox

    from .load import graph_name_for, parse_turtle, to_oxigraph

    sources = {}
    for path in project.input_files():
        try:
            if parser == "rdflib":
                triples = to_oxigraph(parse_turtle(path))
            else:
                triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
            text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        except (SyntaxError, ValueError, OSError) as error:
            parse_turtle(path)  # rdflib's message names the line and what is wrong
            raise InputError(f"{path}: not valid Turtle: {str(error).splitlines()[0]}") from None
        sources[f"<{graph_name_for(path, project)}>"] = list(dict.fromkeys(line[:-2] for line in text.splitlines()))
    return sources


def merged_statements(sources: dict) -> list:
    """The statements of :func:`read_sources` merged into one graph: each triple once, in file order."""
    return list(dict.fromkeys(statement for statements in sources.values() for statement in statements))


def _build(project: Project, directory: Path, engines, progress) -> None:
    import pyoxigraph as ox

    from .reason import infer_statements
    from .search import FILE as SEARCH_INDEX
    from .search import build_index
    from .settings import choose

    engines = engines or choose(project=project)
    timings = {}
    started = time.perf_counter()
    progress(f"parsing {len(project.input_files())} files ({engines.parser})")
    # The graph travels as N-Triples text from the parser to the disk store:
    # text is what both Oxigraph and the rules read fastest.
    sources = read_sources(project, engines.parser)
    named = _named_graph_lines(sources)
    statements = merged_statements(sources)
    del sources
    timings["parse"] = round(time.perf_counter() - started, 3)
    directory.mkdir(parents=True, exist_ok=True)
    # Build beside the final place and rename into place, so that a reader never
    # opens half a store and concurrent builders do not collide.
    building = Path(tempfile.mkdtemp(dir=directory, prefix=".store-"))
    loading = None
    try:
        store = ox.Store(str(building))
        # Oxigraph's bulk loader stores the asserted quads on the other core while
        # the rules run. A bulk load gives blank nodes fresh ids, so the quads that
        # mention one wait for the last load, with the entailments about them.
        counts = {"asserted": len(statements), "quads": len(named) + len(statements)}
        last = building.with_suffix(".last.nq")
        first = _stage(building, chain(named, (f"{statement} ." for statement in statements)), last)
        del named
        loading = _BackgroundLoader(store, first)
        progress(f"reasoning over {len(statements):,} triples ({engines.reasoner}) while storing")
        started = time.perf_counter()
        inferred = infer_statements(statements, engines.reasoner)
        timings["reason"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        rest = _stage(building, (f"{statement}{graph} ." for graph in ("", f" <{INFERRED_GRAPH}>")
                                 for statement in inferred), last, first=len(first))
        counts["inferred"] = len(inferred)
        counts["quads"] += 2 * len(inferred)
        del statements, inferred
        progress(f"storing {counts['quads']:,} quads")
        loading.add(rest)
        _bulk_load(store, last)
        loading.join()
        timings["store"] = round(time.perf_counter() - started, 3)
        progress("compacting the store")
        started = time.perf_counter()
        _compact(store)
        timings["compact"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        _pin_saved_queries(project, store, directory, progress)
        timings["pin"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        progress("indexing names and text")
        counts.update(build_index(store, directory / SEARCH_INDEX))
        timings["index"] = round(time.perf_counter() - started, 3)
        del store
    except BaseException:
        # A refused ontology, a full disk, Ctrl-C: leave no half-built store behind.
        if loading is not None:
            loading.abandon()
        _discard(building)
        raise
    from .files import write_atomically

    final = directory / "store"
    if final.exists():
        shutil.rmtree(final)
    os.replace(building, final)
    info = {"engines": engines.describe(), "seconds": timings, **counts,
            "fingerprint": directory.name, "store_files": _store_files(final)}
    write_atomically(directory / "built.json", json.dumps(info, indent=2) + "\n")
    _prune(directory)


def _pin_saved_queries(project: Project, store, directory: Path, progress) -> list[str]:
    """Answer the pinned saved queries on the reasoned store and pin the answers (kg.pinned)."""
    from .engines import OxigraphEngine
    from .pinned import PinnedAnswers, pin_saved_queries
    from .queries import read_saved_query

    queries = []
    for path in sorted(project.queries_dir.glob("*.rq")):
        try:
            queries.append(read_saved_query(path))
        except InputError:
            continue  # reported when that query is run, not by every command
    return pin_saved_queries(queries, OxigraphEngine(GraphView(store, reasoned=True)),
                             PinnedAnswers(directory / PINNED), progress)


def _named_graph_lines(sources: dict) -> list:
    """Each source's statements in its own named graph, as N-Quads lines (without the newline)."""
    return [f"{statement} {graph} ." for graph, statements in sources.items() for statement in statements]


def _discard(building: Path) -> None:
    """Remove a store left half-built, and the files staged beside it."""
    shutil.rmtree(building, ignore_errors=True)
    for leftover in building.parent.glob(building.name + ".*"):
        leftover.unlink(missing_ok=True)


def asserted_store_path(project: Project | None = None) -> Path:
    """The store of the asserted graph alone, storing it first if this build has none yet.

    It holds what the reasoned store holds minus the entailments: one named
    graph per source and their merge as the default graph. It is stored from the
    sources again rather than copied out of the reasoned store: at a million
    triples Oxigraph takes about a minute to write its graphs out, and parsing
    the sources takes five seconds.
    """
    import pyoxigraph as ox

    from .files import write_atomically
    from .lock import exclusive

    project = project or default_project()
    directory = build_dir(project)
    final, record = directory / "asserted", directory / "asserted.json"
    if _asserted_problem(final, record) is None:
        return final
    with exclusive(directory.parent / f".{directory.name}.lock", "another kg command building the graph"):
        problem = _asserted_problem(final, record)
        if problem is None:
            return final  # another command stored it while this one waited
        if problem:
            _notice(f"the cached graph without entailments in {final} was damaged ({problem}); storing it again")
        shutil.rmtree(final, ignore_errors=True)
        for leftover in directory.glob(".asserted-*"):  # a killed command's
            _discard(leftover) if leftover.is_dir() else leftover.unlink(missing_ok=True)
        _stderr_progress("storing the graph without its entailments (once for these sources)")
        sources = read_sources(project)  # by Oxigraph, whatever parsed them for the build: the same triples, sooner
        lines = chain(_named_graph_lines(sources), (f"{statement} ." for statement in merged_statements(sources)))
        del sources
        building = Path(tempfile.mkdtemp(dir=directory, prefix=".asserted-"))
        try:
            store = ox.Store(str(building))
            last = building.with_suffix(".last.nq")
            for document in _stage(building, lines, last) + [last]:
                _bulk_load(store, document)
            _compact(store)
            del store
            os.replace(building, final)
        except BaseException:
            _discard(building)
            raise
        write_atomically(record, json.dumps({"store_files": _store_files(final)}))
    return final


def _asserted_problem(final: Path, record: Path) -> str | None:
    """None if the asserted store is whole, "" if there is none yet, else what is wrong with it."""
    try:
        files = json.loads(record.read_text(encoding="utf-8"))["store_files"]
    except FileNotFoundError:
        return "it was cut short" if final.exists() else ""
    except (OSError, ValueError, KeyError, TypeError):
        return "asserted.json cannot be read"
    return _manifest_problem(final, files) if isinstance(files, dict) else "asserted.json cannot be read"


# Oxigraph's bulk loader holds about 1 GB per million quads of one call, so
# quads go in calls of this size, except those with blank nodes (see _build).
CHUNK_QUADS = 400_000


def _stage(building: Path, lines, last: Path, first: int = 0) -> list:
    """Append the N-Quads lines that mention a blank node to ``last``, the one load
    they all share; write the others in chunks (see _write_chunks) and return those."""
    plain = []
    with last.open("a", encoding="utf-8") as out:
        for line in lines:
            if "_:" in line:
                out.write(f"{line}\n")
            else:
                plain.append(line)
    return _write_chunks(building, plain, first)


def _write_chunks(building: Path, lines: list, first: int = 0) -> list:
    """Write N-Quads lines into files of CHUNK_QUADS lines each, beside the store being built."""
    documents = []
    for number, begin in enumerate(range(0, len(lines), CHUNK_QUADS), start=first):
        document = building.with_suffix(f".{number}.nq")
        with document.open("w", encoding="utf-8") as out:
            out.writelines(f"{line}\n" for line in lines[begin:begin + CHUNK_QUADS])
        documents.append(document)
    return documents


def _bulk_load(store, document: Path) -> None:
    """Load an N-Quads file with Oxigraph's bulk loader, then remove it."""
    import pyoxigraph as ox

    try:
        store.bulk_load(path=str(document), format=ox.RdfFormat.N_QUADS, lenient=True)  # parsed once already
    finally:
        document.unlink()


def _compact(store) -> None:
    """Merge the files that each bulk load left into one sorted run per index.

    Every bulk load adds its own files, and a lookup searches each of them: at a
    million triples the saved queries ran up to twice as slow on the store as
    loaded as on the compacted one, and compacting costs the build about 5 s.
    """
    store.flush()
    store.optimize()


class _BackgroundLoader:
    """:func:`_bulk_load` of each document in turn, in a thread (Oxigraph lets go of the GIL).

    add() queues more documents; join() waits for all, and re-raises a load's
    error in the calling thread; abandon() skips what is still queued.
    """

    def __init__(self, store, documents: list):
        import queue
        import threading

        self.queue, self.error, self.abandoned = queue.Queue(), None, False
        self.add(documents)

        def load():
            while (document := self.queue.get()) is not None:
                try:
                    if self.error is None and not self.abandoned:
                        _bulk_load(store, document)
                except BaseException as error:
                    self.error = error

        self.thread = threading.Thread(target=load, name="kg-bulk-load")
        self.thread.start()

    def add(self, documents: list) -> None:
        for document in documents:
            self.queue.put(document)

    def join(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        self.abandoned = True
        self.queue.put(None)
        self.thread.join()


CHECKOUTS = "checkouts"  # in the cache directory: which build each checkout uses


def _mark_in_use(project: Project, directory: Path) -> None:
    """Record that ``project``'s checkout uses this build, so that no other checkout's prune removes it."""
    from .files import write_atomically

    name = hashlib.sha256(str(project.root.resolve()).encode("utf-8")).hexdigest()[:16]
    record = directory.parent / CHECKOUTS / f"{name}.json"
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
    from .lock import exclusive

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
            with exclusive(lock, "another kg command building the graph", wait_seconds=0):
                shutil.rmtree(other, ignore_errors=True)
                lock.unlink(missing_ok=True)
        except InputError:
            continue  # being built right now


_ASSERTED_PATTERN = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{INFERRED_GRAPH}>) }}"


class GraphView:
    """The store seen reasoned (as it is) or asserted only (without the entailments).

    Offers what pyoxigraph's Store offers for reading (query, quads_for_pattern,
    named_graphs, iteration, len). The asserted view filters the reasoned
    store's quads for a pattern, and sends queries to the asserted store
    (:func:`asserted_store_path`), opened on the first query.
    """

    def __init__(self, store, reasoned: bool, asserted_store=None):
        import pyoxigraph as ox

        self.store = store
        self.reasoned = reasoned
        self._inferred = ox.NamedNode(INFERRED_GRAPH)
        self._open_asserted_store = asserted_store
        self._asserted_store = None

    def query(self, text: str, prefixes=None, substitutions=None):
        if self.reasoned:
            return self.store.query(text, prefixes=prefixes, substitutions=substitutions)
        if self._asserted_store is None:
            self._asserted_store = self._open_asserted_store()
        return self._asserted_store.query(text, prefixes=prefixes, substitutions=substitutions)

    def quads_for_pattern(self, subject, predicate, obj, graph_name=None):
        import pyoxigraph as ox

        if self.reasoned:
            yield from self.store.quads_for_pattern(subject, predicate, obj, graph_name)
            return
        if isinstance(graph_name, ox.DefaultGraph):
            # The asserted default graph is the merge of the sources' graphs. SPARQL
            # drops the inferred graph's quads before any term is decoded: a country
            # has thousands of inferred triples, and decoding is what costs here.
            given = {ox.Variable(name): term for name, term in (("s", subject), ("p", predicate), ("o", obj))
                     if term is not None}
            for row in self.store.query(_ASSERTED_PATTERN, substitutions=given):
                yield ox.Quad(row["s"], row["p"], row["o"], graph_name)
            return
        for quad in self.store.quads_for_pattern(subject, predicate, obj, graph_name):
            if quad.graph_name == self._inferred:
                continue
            if isinstance(quad.graph_name, ox.DefaultGraph) and \
                    ox.Quad(quad.subject, quad.predicate, quad.object, self._inferred) in self.store:
                continue
            yield quad

    def named_graphs(self):
        return [g for g in self.store.named_graphs() if self.reasoned or g != self._inferred]

    def graph_sizes(self) -> dict[str, int]:
        """Triples per graph: the default graph ("") first, then each named graph's IRI, sorted.

        Counted by the store, not in Python: at a million triples that is a
        second instead of a minute.
        """
        named = {row[0].value: int(row[1].value) for row in self.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        default = int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)
        if not self.reasoned:
            # The default graph holds every inferred triple (see _build); the asserted one is the rest.
            default -= named.pop(INFERRED_GRAPH, 0)
        return {"": default, **dict(sorted(named.items()))}

    def dump_graph(self, graph: str, path: Path) -> None:
        """Write one graph ("" for the default graph) to ``path`` as N-Triples, serialized by the store."""
        import pyoxigraph as ox

        if graph or self.reasoned:
            # Streamed by the store: a million triples never pass through Python.
            self.store.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph())
            return
        with path.open("wb") as out:
            out.writelines(self.graph_lines(""))

    def graph_lines(self, graph: str) -> list[bytes]:
        """One graph ("" for the default graph) as N-Triples lines, in the store's order.

        The store serializes them, so a triple is always the same line, whichever
        graph it is read from: the asserted default graph, the merge of the
        sources' graphs, is their lines, each once.
        """
        import pyoxigraph as ox

        def dump(name: str) -> list[bytes]:
            source = ox.NamedNode(name) if name else ox.DefaultGraph()
            return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source).splitlines(True)

        if graph or self.reasoned:
            return dump(graph)
        merged: dict[bytes, None] = {}
        for source in self.named_graphs():
            merged.update(dict.fromkeys(dump(source.value)))
        return list(merged)

    def __iter__(self):
        return self.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def open_store(project: Project | None = None, reasoned: bool = True) -> GraphView:
    """The cached graph, opened read-only from disk (reasoned by default)."""
    project = project or default_project()
    return _open_view(project, build_dir(project), reasoned)


def _open_view(project: Project, directory: Path, reasoned: bool) -> GraphView:
    import pyoxigraph as ox

    def open_read_only(path: Path):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:
            raise StoreDamaged(directory, _first_line(error)) from None

    view = GraphView(open_read_only(directory / "store"), reasoned,
                     asserted_store=lambda: open_read_only(asserted_store_path(project)))
    view.directory = directory
    return view


def is_damage(error: Exception) -> bool:
    """Whether an error from the store is RocksDB finding a damaged or missing file (not, say, a SERVICE failing)."""
    text = str(error)
    return "Corruption" in text or ".sst" in text or "IO error" in text or "CURRENT" in text


def _first_line(error: Exception) -> str:
    """RocksDB's reason, without the file paths and advice it appends."""
    import re

    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return re.split(r"\s+in /|\s+The file ", line)[0][:200]


def open_engine(project: Project | None = None, reasoned: bool = True, engine: str | None = None,
                limits=None, allow_service: bool = False):
    """A query engine over the cached graph: pyoxigraph (fast, the default) or rdflib.

    ``limits`` (kg.limits) bound each query of the pyoxigraph engine; SERVICE is
    refused unless ``allow_service``.
    """
    from .engines import OxigraphEngine, RdflibEngine
    from .pinned import PinnedAnswers
    from .settings import choose

    project = project or default_project()
    engine = engine or choose(project=project).query
    directory = build_dir(project)
    view = _open_view(project, directory, reasoned)
    if engine == "rdflib":
        import pyoxigraph as ox
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=ox.serialize(list(view), format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
        return RdflibEngine(dataset)
    return OxigraphEngine(view, pinned=PinnedAnswers(directory / PINNED) if reasoned else None,
                          limits=limits, allow_service=allow_service)


def reasoning_counts(project: Project | None = None) -> tuple[int, int]:
    """How many triples are asserted, and how many OWL RL adds about our own terms."""
    info = build_info(project)
    return info["asserted"], info["inferred"]
