"""Wall-clock medians of kg commands in a fresh process, warm cache and uncached.

Usage:  python bench/cli_speed.py [--runs 7]

Each command runs as its own process (what a user pays for), several times;
the table gives the median and the ratio to ``python -c pass``. "warm" runs
reuse the cache of the derived graph; "uncached" runs each start with an
empty cache directory, so they parse, reason and validate from scratch.
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

KG = str(Path(sys.executable).with_name("kg"))


def median_seconds(command: list[str], runs: int, fresh_cache: bool, cache: str) -> float:
    times = []
    for _ in range(runs):
        env = dict(os.environ)
        if fresh_cache:
            env["KG_CACHE_DIR"] = tempfile.mkdtemp(prefix="kg-bench-")
        else:
            env["KG_CACHE_DIR"] = cache
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        if fresh_cache:
            shutil.rmtree(env["KG_CACHE_DIR"], ignore_errors=True)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    cache = tempfile.mkdtemp(prefix="kg-bench-warm-")
    subprocess.run([KG, "validate"], env={**os.environ, "KG_CACHE_DIR": cache}, check=True,
                   stdout=subprocess.DEVNULL)  # fill the warm cache once
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"], False),
        ("kg query rounds (warm cache)", [KG, "query", "rounds", "-f", "csv"], False),
        ("kg query observers-of-round --round 7 (warm)", [KG, "query", "observers-of-round", "--round", "7", "-f", "csv"], False),
        ("kg validate (warm cache)", [KG, "validate"], False),
        ("kg query rounds (uncached)", [KG, "query", "rounds", "-f", "csv"], True),
        ("kg validate (uncached)", [KG, "validate"], True),
    ]
    results = [(label, median_seconds(cmd, runs, fresh, cache)) for label, cmd, fresh in rows]
    baseline = results[0][1]
    print(f"median wall time of {runs} runs each, fresh process")
    print(f"{'command':48} {'median':>9} {'x python':>9}")
    for label, seconds in results:
        print(f"{label:48} {seconds * 1000:7.0f} ms {seconds / baseline:8.1f}x")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
