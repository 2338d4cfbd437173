"""How fast kg serve answers a resource's page, and how long kg site takes.

Usage:
    python bench/web_speed.py [--runs 15] [--big DIR]

Starts the installed `kg serve` on a free port (a real uvicorn server, as a user
runs it), asks it over HTTP for the pages of a round, a person and a country, and
prints each page's median wall time, against a floor measured in the same run: the
same server's answer for a small static file (/static/style.css), which costs the
HTTP round trip and nothing of the graph. With --big DIR (a project made by
bench/gen.py, e.g. 1M triples) it does the same on that graph. Then it writes the
static site of the shipped graph with `kg site` and prints the median of three
runs, against copying the written site (the same files, without making them).

Targets (issue 25): a page in <= 50 ms on the shipped graph, <= 200 ms at 1M
triples; the static site of the shipped graph in <= 10 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

KG = str(Path(sys.executable).with_name("kg"))
RES = "https://w3id.org/astana-kg/resource/"


def fetch_seconds(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        answer.read()
        assert answer.status == 200, url
    return time.perf_counter() - started


def median_ms(url: str, runs: int) -> float:
    fetch_seconds(url)  # the first answer also warms the store's caches, as any visit after it has them
    return 1000 * statistics.median(fetch_seconds(url) for _ in range(runs))


def sample_iris(base: str) -> dict[str, str]:
    """A round, a person and a country of the served graph, found through its own endpoint."""
    import json

    def first(query: str) -> str:
        url = f"{base}/sparql?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(url, timeout=120) as answer:
            return json.loads(answer.read())["results"]["bindings"][0]["x"]["value"]

    return {
        "round": first("SELECT ?x WHERE { ?x a ap:Round ; ap:roundNumber ?n } ORDER BY DESC(?n) LIMIT 1"),
        "person": first("SELECT ?x WHERE { ?x ap:heads ?d } ORDER BY ?x LIMIT 1"),
        "country": first("SELECT ?x WHERE { ?x a ap:Country ; ap:guarantorOf ?r } ORDER BY ?x LIMIT 1"),
    }


def time_server(label: str, env: dict, runs: int) -> None:
    from kg.serve import free_port

    port = free_port()
    process = subprocess.Popen([KG, "serve", "--port", str(port)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        first_line = process.stdout.readline()
        if not first_line.startswith("Serving "):
            raise SystemExit(f"kg serve did not start: {first_line!r}")
        base = f"http://127.0.0.1:{port}"
        floor = median_ms(f"{base}/static/style.css", runs)
        print(f"{label}: {first_line.split(' (')[0].removeprefix('Serving ')} served")
        print(f"  floor (a static file from the same server)   {floor:7.1f} ms")
        for kind, iri in sample_iris(base).items():
            path = "/" + iri.removeprefix("https://w3id.org/astana-kg/")
            page = median_ms(base + path, runs)
            rdf = median_ms(base + path + ".ttl", runs)
            print(f"  {kind:8} page {path:42} {page:7.1f} ms  ({page / floor:4.1f}x floor); Turtle {rdf:6.1f} ms")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def time_site(env: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="kg-web-speed-") as scratch:
        runs = []
        for number in range(3):
            started = time.perf_counter()
            subprocess.run([KG, "site", "--output", f"{scratch}/site"], env=env, check=True, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - started)
        files = sum(1 for p in Path(scratch, "site").rglob("*") if p.is_file())
        copies = []
        for number in range(3):
            started = time.perf_counter()
            shutil.copytree(f"{scratch}/site", f"{scratch}/copy-{number}")
            copies.append(time.perf_counter() - started)
    print(f"kg site, shipped graph ({files} files): median {statistics.median(runs):.2f} s of 3 runs "
          f"(copying the written site: {statistics.median(copies):.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--big", metavar="DIR", help="also time a project made by bench/gen.py")
    parser.add_argument("--no-site", action="store_true", help="skip timing kg site")
    options = parser.parse_args()
    env = {**os.environ}
    subprocess.run([KG, "stats"], env=env, check=True, stdout=subprocess.DEVNULL)  # the store is built first
    time_server("shipped graph", env, options.runs)
    if options.big:
        # Its own cache (DIR/.kg-cache): a build prunes the other builds in its cache folder.
        big = {**{k: v for k, v in env.items() if k != "KG_CACHE_DIR"}, "KG_ROOT": str(Path(options.big).resolve())}
        subprocess.run([KG, "stats"], env=big, check=True, stdout=subprocess.DEVNULL)
        time_server(f"bench/gen.py graph in {options.big}", big, options.runs)
    if not options.no_site:
        time_site(env)


if __name__ == "__main__":
    main()
