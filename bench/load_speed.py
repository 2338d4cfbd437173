"""Loading into a real SPARQL server, and the saved queries' latency over HTTP.

Usage:  python bench/load_speed.py [--triples 1000000] [--runs 5]

Starts `oxigraph serve` on 127.0.0.1 (a temporary store), then measures:
1. the shipped graph, reasoned: `kg load --replace --reasoned` (library call), median of runs;
2. every saved query over HTTP on it: median per query;
3. a synthetic graph of about --triples triples (bench/gen.py): streamed upload of each
   source file into its named graph and into the default graph, with the client's peak memory;
4. every saved query over HTTP on the synthetic graph.
Only loopback traffic; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import SRC, generate  # noqa: E402

from kg.project import default_project  # noqa: E402
from kg.queries import load_saved_queries  # noqa: E402
from kg.remote import Connection, RemoteEngine, load_into_server, upload_graphs  # noqa: E402
from kg.serve import start_oxigraph  # noqa: E402


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def query_latencies(endpoint: str, runs: int) -> dict[str, float]:
    engine = RemoteEngine(endpoint, Connection(timeout=600))
    saved = load_saved_queries(default_project().queries_dir)
    return {name: timed(lambda q=query: engine.query(q.bind({})), runs) for name, query in saved.items()}


def file_chunks(path: Path, size: int = 1 << 20):
    def generate_chunks():
        with path.open("rb") as handle:
            while chunk := handle.read(size):
                yield chunk
    return generate_chunks


def print_latencies(title: str, latencies: dict[str, float]) -> None:
    values = sorted(latencies.values())
    slowest = max(latencies, key=latencies.get)
    print(f"{title}: median of the {len(values)} saved queries {statistics.median(values) * 1000:.1f} ms, "
          f"slowest {slowest} {latencies[slowest] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    connection = Connection(timeout=3600)
    with tempfile.TemporaryDirectory(prefix="kg-bench-load-") as work:
        server = start_oxigraph(Path(work) / "store")
        try:
            shipped = timed(lambda: load_into_server(server.query_url, server.store_url, replace=True,
                                                     reasoned=True, connection=connection), args.runs)
            report = load_into_server(server.query_url, server.store_url, replace=True, reasoned=True,
                                      connection=connection)
            print(f"shipped graph, reasoned ({report.total} triples in {len(report.uploaded)} graphs): "
                  f"load median {shipped:.2f} s over {args.runs} runs")
            print_latencies("  over HTTP", query_latencies(server.query_url, args.runs))

            started = time.perf_counter()
            written = generate(Path(work) / "synthetic", args.triples)
            generated = time.perf_counter() - started
            files = sorted((Path(work) / "synthetic" / "data" / "sources").glob("*.ttl"))
            plan = []
            for path in files:
                count = sum(1 for _ in path.open("rb"))
                plan.append((SRC + path.stem, count, file_chunks(path)))
                plan.append(("", count, file_chunks(path)))
            started = time.perf_counter()
            upload_graphs(plan, server.store_url, replace=False, connection=connection)
            loaded = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"synthetic graph ({written} triples in {len(files)} named graphs, generated in {generated:.1f} s): "
                  f"streamed into named graphs and the default graph ({2 * written} triples sent) "
                  f"in {loaded:.1f} s, {2 * written / loaded / 1000:.0f}k triples/s; client peak RSS {peak_mb:.0f} MB")
            print_latencies("  over HTTP", query_latencies(server.query_url, args.runs))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
