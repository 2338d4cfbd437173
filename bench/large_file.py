"""A large new facts file: `kg validate FILE` and `kg add FILE`, time and peak memory (issue 21, failure 9).

Usage:  python bench/large_file.py [--triples 100000] [--runs 3]

bench/gen.py writes one curator's file of about --triples triples for the real
project: new rounds numbered from 1001 with their delegations, persons, posts,
statements, outcomes, and evidence for each, as Turtle with prefixes, one block
per subject (100k triples are about 4.2 MB, under the 5 MB cap). The file
validated quotes its statements from a new source document; the file added
cites its public source only, as `kg add` takes the facts of one document.
The project (ontology/, data/, queries/) is copied to a temporary directory
with its own cache, built once first. Each command then runs as its own
process, --runs times: the wall-clock median and the largest peak RSS (read
with wait4). The floor is the same command on a file of one round (about 170
triples), in the same run, so a loaded machine shows as a higher floor.
`kg add` writes into a fresh copy of data/ each time (the copy is not timed).
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen import new_facts_file  # noqa: E402

KG = str(Path(sys.executable).with_name("kg"))


def timed(command: list[str], env: dict, expect: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one run; the run must exit 0 and print ``expect``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out, err = process.stdout.read(), process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0 or expect not in out:
        raise SystemExit(f"{' '.join(command)} failed ({os.waitstatus_to_exitcode(status)}): {(out + err)[-500:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(command: list[str], env: dict, expect: str, runs: int, before=None) -> tuple[float, float, float]:
    """The median wall and CPU seconds and the largest peak RSS (MB) of ``runs`` runs; ``before()``
    runs untimed before each."""
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(timed(command, env, expect))
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            max(r[2] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-large-") as work:
        work = Path(work)
        root = work / "repo"
        for folder in ("ontology", "data", "queries"):
            shutil.copytree(HERE.parent / folder, root / folder)
        pristine = work / "data-as-shipped"
        shutil.copytree(root / "data", pristine)
        env = {**os.environ, "KG_ROOT": str(root), "KG_CACHE_DIR": str(work / "cache")}
        subprocess.run([KG, "validate"], env=env, check=True, stdout=subprocess.DEVNULL)  # build once
        files = {}  # (large, one round) for validate (quoted) and for add (one document cited)
        for quoted in (True, False):
            large, small = work / f"large-{quoted}.ttl", work / f"one-round-{quoted}.ttl"
            files[quoted] = (large, new_facts_file(large, args.triples, quoted=quoted), small)
            new_facts_file(small, 1, quoted=quoted)

        def fresh_data():
            shutil.rmtree(root / "data")
            shutil.copytree(pristine, root / "data")

        valid = "Valid: the new facts conform"
        rows = [
            ("kg validate FILE", [KG, "validate"], valid, None, files[True]),
            ("kg add FILE", [KG, "add"], "new triples", fresh_data, files[False]),
        ]
        print(f"median of {args.runs} runs, fresh process each; floor: the same command on a file of one round")
        print(f"{'command':17} {'triples':>8} {'MB':>4} {'floor':>7} {'large':>7} {'large/floor':>11} "
              f"{'CPU floor':>9} {'large':>7} {'RSS floor':>9} {'large':>7}")
        for label, command, expect, before, (large, written, small) in rows:
            floor, floor_cpu, floor_mb = measure([*command, str(small)], env, expect, args.runs, before)
            seconds, cpu, peak_mb = measure([*command, str(large)], env, expect, args.runs, before)
            print(f"{label:17} {written:8,} {large.stat().st_size / 1e6:4.1f} {floor:5.1f} s {seconds:5.1f} s "
                  f"{seconds / floor:10.1f}x {floor_cpu:7.1f} s {cpu:5.1f} s {floor_mb:6.0f} MB {peak_mb:4.0f} MB")


if __name__ == "__main__":
    main()
