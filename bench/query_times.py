"""Every saved query's time on one built graph: median of several runs, rows returned.

Usage:
    python bench/gen.py /tmp/g1m --triples 1000000
    KG_ROOT=/tmp/g1m python bench/query_times.py --runs 3

bench/run.py reports only the slowest saved query per size; this shows which
ones are slow and how many rows they return. The graph is built first if its
sources changed (with the fast engines), and the build is not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("KG_ENGINE", "fast")
    from kg.project import default_project
    from kg.queries import load_saved_queries
    from kg.store import build_dir, open_engine

    project = default_project()
    build_dir(project)
    engine = open_engine(project)
    measured = []
    for name, query in sorted(load_saved_queries(project.queries_dir).items()):
        text = query.bind({})
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            rows = len(engine.query(text).rows)
            seconds.append(time.perf_counter() - started)
        measured.append((statistics.median(seconds), name, rows))
    print(f"| saved query | median of {args.runs} (s) | rows |")
    print("|---|---|---|")
    for seconds, name, rows in sorted(measured, reverse=True):
        print(f"| {name} | {seconds:.3f} | {rows:,} |")


if __name__ == "__main__":
    main()
