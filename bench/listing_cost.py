"""Where the time of a long saved listing goes: Oxigraph's evaluation, its sort, the Python rows.

Usage:
    python bench/gen.py /tmp/g1m --triples 1000000
    KG_ROOT=/tmp/g1m python bench/listing_cost.py --runs 5 delegates participation

For each saved query (it must end with an ORDER BY), in turns, medians in seconds:

    sorted          the query as saved, every solution read from pyoxigraph
    unsorted        the same without its final ORDER BY
    as Python rows  unsorted, each solution turned into kg's rows (what `kg query` gets)
    as TSV          unsorted, written by Oxigraph itself as SPARQL TSV results
    Python sort     unsorted Python rows, then sorted in Python by the same variables
                    (not SPARQL's order in general: see the README)

It shows what no rewrite of the query text can remove: reading the terms of every
row back from the store.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time

# A final ORDER BY of plain variables, after the query's last closing brace.
FINAL_ORDER = re.compile(r"ORDER\s+BY((?:\s+\?\w+)+)\s*$", re.IGNORECASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("names", nargs="+", help="saved queries that end with ORDER BY ?a ?b ...")
    args = parser.parse_args()
    os.environ.setdefault("KG_ENGINE", "fast")
    import pyoxigraph as ox

    from kg.build import ensure_built
    from kg.queries import load_saved_queries
    from kg.store import open_sparql
    from kg.workspace import Workspace

    project = Workspace.from_environment()
    ensure_built(project)
    sparql = open_sparql(project)
    queries = load_saved_queries(project.queries_dir)
    print(f"Medians of {args.runs}, seconds:\n")
    print("| saved query | rows | sorted | unsorted | as Python rows | as TSV | Python sort |")
    print("|---|---|---|---|---|---|---|")
    for name in args.names:
        if name not in queries:
            sys.exit(f"no saved query named {name}")
        text = queries[name].bind({})
        order = FINAL_ORDER.search(text)
        if order is None:
            sys.exit(f"{name} does not end with ORDER BY of plain variables")
        unsorted = text[:order.start()]
        keys = [variable[1:] for variable in order.group(1).split()]

        def python_sort():
            rows = sparql.query(unsorted).rows
            rows.sort(key=lambda row: tuple((0, "") if key not in row else (1, row[key].value) for key in keys))
            return rows

        steps = {
            "sorted": lambda: sum(1 for _ in sparql.store.query(text)),
            "unsorted": lambda: sum(1 for _ in sparql.store.query(unsorted)),
            "as Python rows": lambda: sparql.query(unsorted).rows,
            "as TSV": lambda: sparql.store.query(unsorted).serialize(format=ox.QueryResultsFormat.TSV),
            "Python sort": python_sort,
        }
        seconds = {step: [] for step in steps}
        for _ in range(args.runs):
            for step, work in steps.items():
                started = time.perf_counter()
                work()
                seconds[step].append(time.perf_counter() - started)
        rows = steps["unsorted"]()
        print(f"| {name} | {rows:,} | " + " | ".join(f"{statistics.median(seconds[step]):.3f}" for step in steps) + " |",
              flush=True)


if __name__ == "__main__":
    main()
