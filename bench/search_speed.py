"""kg search's speed on a built graph: medians of each search against a floor measured in the same run.

Usage:
    python bench/search_speed.py                       # the shipped graph
    python bench/gen.py /tmp/g1m --triples 1000000
    KG_ROOT=/tmp/g1m python bench/search_speed.py --runs 21

Two figures per search, each the median of --runs:

    library   kg.search.search(TEXT) as kg search calls it: find the build (hash
              check of the sources), open the index, search, rank, make the rows
    command   `kg search TEXT -f csv` in a fresh process, what a user waits for

and the floor of each, measured the same way in turns with them: the same
call for a word that is in no text, which FTS5 answers from the index without
reading or ranking a row. The difference is what the search itself costs.
The store and the index are built first, and not timed (bench/run.py times the
build).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

KG = str(Path(sys.executable).with_name("kg"))
FLOOR = "zzqxjv"  # a word in no text
SEARCHES = [
    ("demining", None),
    ("Pedersen", None),
    ("Pedersen", "Person"),
    ("de-escal*", None),
    ("round", None),  # in most texts of a generated graph: the most rows to rank
    ("said round", None),
]


def library_seconds(text: str, kind: str | None, project) -> float:
    from kg.errors import NegativeResult
    from kg.search import search

    started = time.perf_counter()
    try:
        search(text, kind, project=project)
    except NegativeResult:
        pass
    return time.perf_counter() - started


def command_seconds(text: str, kind: str | None) -> float:
    arguments = [KG, "search", text, "-f", "csv"] + (["--type", kind] if kind else [])
    started = time.perf_counter()
    done = subprocess.run(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"kg search {text!r} failed ({done.returncode}): {done.stderr.decode().strip()}")
    return seconds


def rows_found(text: str, kind: str | None, project) -> int:
    from kg.errors import NegativeResult
    from kg.search import search

    try:
        return len(search(text, kind, limit=None, project=project).rows)
    except NegativeResult:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    from kg.build import ensure_built
    from kg.search import open_index
    from kg.workspace import Workspace

    project = Workspace.from_environment()
    ensure_built(project)
    open_index(project).search(FLOOR)  # writes the index if no command has searched this build yet
    info = ensure_built(project).info()
    print(f"{project.root}: {info['asserted']:,} asserted triples, {info.get('texts', 0):,} texts indexed, "
          f"{args.runs} runs each")
    print()
    print("| search | rows (all) | library median (ms) | floor (ms) | command median (ms) | floor (ms) |")
    print("|---|---|---|---|---|---|")
    for text, kind in SEARCHES:
        library, library_floor, command, command_floor = [], [], [], []
        for _ in range(args.runs):  # in turns, so that the machine's drift does not pass for a difference
            library.append(library_seconds(text, kind, project))
            library_floor.append(library_seconds(FLOOR, kind, project))
            command.append(command_seconds(text, kind))
            command_floor.append(command_seconds(FLOOR, kind))
        label = f"`{text}`" + (f" --type {kind}" if kind else "")
        print(f"| {label} | {rows_found(text, kind, project):,} | {1000 * statistics.median(library):.1f} "
              f"| {1000 * statistics.median(library_floor):.1f} | {1000 * statistics.median(command):.0f} "
              f"| {1000 * statistics.median(command_floor):.0f} |", flush=True)


if __name__ == "__main__":
    main()
