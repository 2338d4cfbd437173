"""Every kg command on one graph, each in a fresh process: wall time, peak memory, exit code.

Usage:
    python bench/gen.py /tmp/g1m --triples 1000000
    KG_ROOT=/tmp/g1m python bench/commands.py --runs 3

What a user of a large graph pays for each command, with the cache already
built (the build is timed by bench/run.py, loading into a server by
bench/load_speed.py). One row is not warm on purpose: the first command that
queries the graph without its entailments stores it (once per version of the
sources), so it is timed with that store removed beforehand.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import NEW_FILE  # noqa: E402  (the 20-triple file whose validation run.py times)

KG = str(Path(sys.executable).with_name("kg"))


def commands(scratch: Path) -> list[tuple[str, list[str]]]:
    new_file = scratch / "bench-new.ttl"
    new_file.write_text(NEW_FILE, encoding="utf-8")
    return [
        ("stats", ["stats"]),
        ("reason", ["reason"]),
        ("queries", ["queries"]),
        ("query rounds", ["query", "rounds", "-f", "csv"]),
        ("query observers-of-round --round 7", ["query", "observers-of-round", "--round", "7", "-f", "csv"]),
        ("query delegates (the slowest saved query)", ["query", "delegates", "-f", "csv"]),
        ("sparql (count every triple)", ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv"]),
        ("describe res:gen-round-000001", ["describe", "res:gen-round-000001"]),
        ("timeline", ["timeline", "-o", str(scratch / "timeline.svg")]),
        ("validate (findings cached)", ["validate"]),
        ("validate FILE (20 new triples)", ["validate", str(new_file)]),
        ("add FILE --dry-run", ["add", str(new_file), "--dry-run"]),
        ("report", ["report", "-f", "tsv", "--fail-on", "none"]),
        ("new round", ["new", "round", "--number", "9999"]),
        ("export -f nt", ["export", "-f", "nt", "-o", str(scratch / "graph.nt")]),
        ("export -f nq --reasoned", ["export", "-f", "nq", "--reasoned", "-o", str(scratch / "graph.nq")]),
        ("query rounds --no-reason", ["query", "rounds", "-f", "csv", "--no-reason"]),
        ("stats --no-reason", ["stats", "--no-reason"]),
    ]


def run_once(arguments: list[str]) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and exit code of one command in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen([KG, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        error = process.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        raise SystemExit(f"kg {' '.join(arguments)} failed ({process.returncode}): {error}")
    return seconds, usage.ru_maxrss / 1024, process.returncode


def asserted_store() -> Path:
    from kg.store import build_dir

    return build_dir() / "asserted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("KG_ENGINE", "fast")
    subprocess.run([KG, "validate"], check=False, stdout=subprocess.DEVNULL)  # build the store, cache the findings
    with tempfile.TemporaryDirectory() as scratch:
        print(f"| command | median of {args.runs} (s) | peak MB | exit |")
        print("|---|---|---|---|")
        shutil.rmtree(asserted_store(), ignore_errors=True)
        seconds, peak, code = run_once(["query", "rounds", "-f", "csv", "--no-reason"])
        print(f"| query rounds --no-reason, first time (stores the asserted graph) | {seconds:.2f} | {peak:.0f} | {code} |",
              flush=True)
        for label, arguments in commands(Path(scratch)):
            measured = [run_once(arguments) for _ in range(args.runs)]
            print(f"| {label} | {statistics.median(m[0] for m in measured):.2f} "
                  f"| {max(m[1] for m in measured):.0f} | {measured[-1][2]} |", flush=True)


if __name__ == "__main__":
    main()
