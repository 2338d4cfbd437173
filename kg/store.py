"""The derived graph, computed once and cached on disk, keyed on the sources' content.

Parsing the Turtle and computing the OWL RL closure take seconds; a query
takes milliseconds. So the first command after a change builds

    .kg-cache/<fingerprint>/asserted.nq   every asserted triple in the default graph,
                                          and again in one named graph per source
    .kg-cache/<fingerprint>/reasoned.nq   the same plus the inferred triples, in the default
                                          graph and in .../resource/graph/inferred

and every later command loads those into pyoxigraph directly. The
fingerprint hashes the content of ontology/ and data/ (and this package's
version), so any changed file is always seen. $KG_CACHE_DIR moves the cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from . import __version__
from .project import Project, default_project
from .prefixes import INFERRED_GRAPH

CACHE_FORMAT = "3"


_BUILDERS = ("load.py", "reason.py", "store.py")


def fingerprint(project: Project) -> str:
    """A hash of every input file's path and content, and of the code that derives the cache."""
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}".encode())
    for name in _BUILDERS:
        digest.update((Path(__file__).parent / name).read_bytes())
    for path in project.input_files():
        digest.update(str(path.relative_to(project.root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def cache_dir(project: Project) -> Path:
    base = os.environ.get("KG_CACHE_DIR")
    return Path(base) if base else project.root / ".kg-cache"


def cached_files(project: Project | None = None) -> dict[str, Path]:
    """Paths of the cached asserted and reasoned N-Quads, building them if stale."""
    project = project or default_project()
    directory = cache_dir(project) / fingerprint(project)
    files = {"asserted": directory / "asserted.nq", "reasoned": directory / "reasoned.nq"}
    if not all(path.exists() for path in files.values()):
        _build(project, directory)
    return files


def _build(project: Project, directory: Path) -> None:
    from .load import load_dataset, merged_graph
    from .reason import owl_rl_closure

    dataset = load_dataset(project)
    asserted = merged_graph(dataset)
    inferred = owl_rl_closure(asserted).inferred()
    named = dataset.serialize(format="nquads")
    # The default graph holds the merge of all graphs, each triple once. A
    # union default graph would repeat a triple stated by two sources, and
    # SPARQL's default graph is a set.
    asserted_default = asserted.serialize(format="nt")
    inferred_default = inferred.serialize(format="nt")
    inferred_named = "".join(
        line[:-2] + f" <{INFERRED_GRAPH}> .\n"
        for line in inferred_default.splitlines(keepends=True)
        if line.strip()
    )
    directory.mkdir(parents=True, exist_ok=True)
    # Write each file beside its final name and rename it into place, so that a
    # reader never sees half a file and concurrent builders do not collide.
    for name, text in (("asserted.nq", asserted_default + named),
                       ("reasoned.nq", asserted_default + inferred_default + named + inferred_named)):
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, prefix=f".{name}.",
                                         delete=False) as temporary:
            temporary.write(text)
        os.replace(temporary.name, directory / name)
    _prune(directory)


def _prune(keep: Path) -> None:
    """Remove the caches of earlier versions of the sources."""
    for other in keep.parent.iterdir():
        if other != keep and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)


def open_store(project: Project | None = None, reasoned: bool = True):
    """An in-memory pyoxigraph Store holding the cached graph (reasoned by default)."""
    import pyoxigraph as ox

    path = cached_files(project)["reasoned" if reasoned else "asserted"]
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def open_engine(project: Project | None = None, reasoned: bool = True, engine: str = "oxigraph"):
    """A query engine over the cached graph: pyoxigraph (fast, the default) or rdflib."""
    from .engines import OxigraphEngine, RdflibEngine

    if engine == "rdflib":
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(cached_files(project)["reasoned" if reasoned else "asserted"], format="nquads")
        return RdflibEngine(dataset)
    return OxigraphEngine(open_store(project, reasoned=reasoned))


def reasoning_counts(project: Project | None = None) -> tuple[int, int]:
    """How many triples are asserted, and how many OWL RL adds about our own terms."""
    import pyoxigraph as ox

    store = open_store(project, reasoned=True)
    inferred = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
    merged = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return merged - inferred, inferred
