"""Every saved query's time on one built graph: median of several runs, rows returned.

Usage:
    python bench/gen.py /tmp/g1m --triples 1000000
    KG_ROOT=/tmp/g1m python bench/query_times.py --runs 3
    KG_ROOT=/tmp/g1m python bench/query_times.py --runs 3 --against HEAD~1 delegates people
    KG_ROOT=/tmp/g1m python bench/query_times.py --runs 5 --other-store /tmp/old-cache/<fingerprint>/store
    python bench/query_times.py --endpoint http://127.0.0.1:7878/query --against HEAD~1 people

bench/run.py reports only the slowest saved query per size; this shows which
ones are slow and how many rows they return. A pinned query is timed as `kg query`
answers it (its pinned answer read back) and, in a column of its own, as
Oxigraph computes it. A query that takes a parameter
runs with its default, or on a generated graph with the generated entity that
bench/gen.py wrote to query-values.json. The graph is built first if its
sources changed (with the fast engines), and the build is not timed.

--against REV times each query as this repository's queries/ held it at git
revision REV too, the two texts taking turns in one process, and says whether
they return the same rows in the same order. Run after run this machine's speed
drifts by a third; turns within one run keep the ratio honest.

--endpoint URL sends the queries to a SPARQL endpoint (one loaded with `kg load`)
instead of the local store, so the time includes the server and the transfer.

--other-store DIR times each query on the built store and on another pyoxigraph
store of the same graph (say one built by an earlier revision, under its
.kg-cache/<fingerprint>/store), in turns: a change to how the store is written
measured apart from the queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", metavar="REV", help="also time the queries as they were at this git revision")
    parser.add_argument("--endpoint", metavar="URL", help="query this SPARQL endpoint instead of the local store")
    parser.add_argument("--other-store", metavar="DIR", help="also time the queries on this pyoxigraph store")
    parser.add_argument("names", nargs="*", help="only these saved queries (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("KG_ENGINE", "fast")
    from gen import query_values

    from kg.build import ensure_built
    from kg.queries import load_saved_queries, read_saved_query
    from kg.remote import Connection, RemoteSparql
    from kg.store import open_sparql
    from kg.workspace import Workspace

    project = Workspace.from_environment()
    if args.endpoint:
        sparql = RemoteSparql(args.endpoint, Connection(timeout=600))
    else:
        ensure_built(project)
        sparql = open_sparql(project)
    queries = load_saved_queries(project.queries_dir)
    values = query_values(project.root)  # a generated graph's own entities for the parameters
    names = args.names or sorted(queries)
    unknown = sorted(set(names) - set(queries))
    if unknown:
        sys.exit(f"no saved query named {', '.join(unknown)}")

    def timed(text: str, on=sparql, pin: bool = False) -> tuple[float, list]:
        started = time.perf_counter()
        rows = on.query(text, pin=pin).rows
        return time.perf_counter() - started, rows

    def in_turns(name: str, then, now) -> str:
        """A table row: the medians of two ways to answer one query, run in turns, and whether the rows agree."""
        old, new = [], []
        for _ in range(args.runs):
            old.append(then())
            new.append(now())
        before, after = statistics.median(s for s, _ in old), statistics.median(s for s, _ in new)
        same = "yes" if old[0][1] == new[0][1] else "**no**"
        return f"| {name} | {before:.3f} | {after:.3f} | {before / after:.1f}x | {len(new[0][1]):,} | {same} |"

    if args.other_store:
        import pyoxigraph as ox

        from kg.sparql import OxigraphSparql

        other = OxigraphSparql(ox.Store.read_only(args.other_store))
        print("| saved query | other store (s) | built store (s) | ratio | rows | same rows |")
        print("|---|---|---|---|---|---|")
        for name in names:
            text = queries[name].bind(values.get(name, {}))
            print(in_turns(name, lambda: timed(text, other), lambda: timed(text)), flush=True)
        return

    if not args.against:
        measured = []
        for name in names:
            text = queries[name].bind(values.get(name, {}))
            pinned = queries[name].pins(text) and not args.endpoint
            runs = [timed(text, pin=pinned) for _ in range(args.runs)]
            computed = statistics.median(timed(text)[0] for _ in range(args.runs)) if pinned else None
            measured.append((statistics.median(s for s, _ in runs), name, len(runs[0][1]), computed))
        print(f"| saved query | median of {args.runs} (s) | rows | computed, for a pinned query (s) |")
        print("|---|---|---|---|")
        for seconds, name, rows, computed in sorted(measured, reverse=True):
            print(f"| {name} | {seconds:.3f} | {rows:,} | {'' if computed is None else f'{computed:.3f}'} |")
        return

    print(f"| saved query | at {args.against} (s) | now (s) | ratio | rows | same rows |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="kg-queries-") as folder:
        for name in names:
            earlier = Path(folder) / f"{name}.rq"
            earlier.write_text(_text_at(args.against, f"queries/{name}.rq"), encoding="utf-8")
            old_text = read_saved_query(earlier).bind(values.get(name, {}))
            new_text = queries[name].bind(values.get(name, {}))
            print(in_turns(name, lambda: timed(old_text), lambda: timed(new_text)), flush=True)


def _text_at(revision: str, path: str) -> str:
    shown = subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:{path}"], capture_output=True, text=True)
    if shown.returncode != 0:
        sys.exit(f"git show {revision}:{path}: {shown.stderr.strip()}")
    return shown.stdout


if __name__ == "__main__":
    main()
