"""Loading into a real SPARQL server, and the saved queries' latency over HTTP.

Usage:  python bench/load_speed.py [--triples 1000000] [--runs 5]

Starts `oxigraph serve` on 127.0.0.1 (a temporary store), then measures what
`kg load --replace --reasoned` does (the library call behind it):
1. the shipped graph: the load, median of runs; every saved query over HTTP, median per query;
2. a synthetic graph of about --triples triples (bench/gen.py), its store built first in
   another process (bench/run.py times builds): the load once, with the client's peak memory;
   every saved query over HTTP, median per query.
Only loopback traffic; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import generate, query_values  # noqa: E402

from kg.load import load_into_server  # noqa: E402
from kg.project import Project  # noqa: E402
from kg.queries import load_saved_queries  # noqa: E402
from kg.remote import Connection, RemoteSparql
from kg.serve import start_oxigraph  # noqa: E402
from kg.workspace import Workspace  # noqa: E402


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def query_latencies(endpoint: str, runs: int, values: dict | None = None) -> dict[str, float]:
    sparql = RemoteSparql(endpoint, Connection(timeout=600))
    saved = load_saved_queries(Workspace.from_environment().queries_dir)
    values = values or {}
    return {name: timed(lambda q=query, n=name: sparql.query(q.bind(values.get(n, {}))), runs)
            for name, query in saved.items()}


def print_latencies(latencies: dict[str, float]) -> None:
    ordered = sorted(latencies.items(), key=lambda item: -item[1])
    over = [f"{name} {seconds:.2f} s" for name, seconds in ordered if seconds > 1]
    print(f"  the {len(ordered)} saved queries over HTTP: median {statistics.median(latencies.values()) * 1000:.1f} ms, "
          f"slowest {ordered[0][0]} {ordered[0][1] * 1000:.1f} ms; over 1 s: {', '.join(over) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    connection = Connection(timeout=3600)
    with tempfile.TemporaryDirectory(prefix="kg-bench-load-") as work:
        server = start_oxigraph(Path(work) / "store")
        try:
            def load(project=None):
                return load_into_server(server.query_url, server.store_url, replace=True, reasoned=True,
                                        connection=connection, project=project)

            shipped = timed(load, args.runs)
            report = load()
            print(f"shipped graph, reasoned ({report.total:,} triples in {len(report.uploaded)} graphs): "
                  f"load median {shipped:.2f} s over {args.runs} runs")
            print_latencies(query_latencies(server.query_url, args.runs))

            root = Path(work) / "synthetic"
            written = generate(root, args.triples)
            os.environ["KG_CACHE_DIR"] = str(Path(work) / "cache")
            # Built in another process, so that the peak memory below is the load's.
            subprocess.run([sys.executable, "-c", "from kg.build import ensure_built; from kg.workspace import Workspace; ensure_built(Workspace.from_environment())"], check=True,
                           env={**os.environ, "KG_ROOT": str(root), "KG_ENGINE": "fast"})
            project = Project(root)
            started = time.perf_counter()
            report = load(project)
            loaded = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            problems = report.mismatches(replaced=True)
            print(f"synthetic graph of {written:,} triples, reasoned ({report.total:,} triples in "
                  f"{len(report.uploaded)} graphs): load {loaded:.1f} s, {report.total / loaded / 1000:.0f}k "
                  f"triples/s; client peak RSS {peak_mb:.0f} MB; counts "
                  + ("verified" if not problems else "differ: " + "; ".join(problems)))
            print_latencies(query_latencies(server.query_url, args.runs, query_values(root)))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
