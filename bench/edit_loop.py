"""A curator's loop measured against F: fresh clone, an edit, validate, query, the cached query.

Usage:  python bench/edit_loop.py [--runs 5]

F is bench/floor.py: pyoxigraph alone opening kg's store and running
queries/rounds.rq. Every figure is the median of --runs turns; in each turn F
and every command run once, in a fresh process, so the machine's drift touches
them alike. The figures are printed beside F (their F-multiple) and the target
each has:

- first `kg query rounds` on a fresh clone (an empty cache: parse, reason, store),
  with the default engines and with `--engine fast`;
- `kg validate` after one literal of one data file changed, and `kg query rounds`
  as the first command after another such edit (a copy of the project is
  edited, never this checkout): each brings the previous build up to date;
- `kg query rounds` from a warm cache, and `python -c "import click, pyoxigraph"`.

Python may cache kg's compiled modules, as it does for anyone who has not set
$PYTHONDONTWRITEBYTECODE; the commands run without it. The last line says
whether every target holds; the exit code is 1 if one does not.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).with_name("kg"))
EDITED_FILE = Path("data/sources/compilation-round-07.ttl")

TARGETS = {  # F-multiples from issue 24
    "first kg query rounds, fresh clone": 30,
    "first kg query rounds, fresh clone, --engine fast": 30,
    "kg validate after a one-literal edit": 20,
    "kg query rounds, first command after an edit": 20,
    "kg query rounds, warm cache": 1.8,
}


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def copy_project(scratch: Path) -> Path:
    copy = scratch / "project"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, copy / part)
    return copy


def toggle_literal(project: Path, turn: int) -> None:
    """Change one literal (the file's first skos:prefLabel), a different text each turn, so every turn is a real edit."""
    path = project / EDITED_FILE
    text = path.read_text(encoding="utf-8")
    label = re.search(r'skos:prefLabel "([^"]*?)(?: \(edit \d+\))?"@en', text)
    edited = f'skos:prefLabel "{label.group(1)} (edit {turn})"@en'
    path.write_text(text[:label.start()] + edited + text[label.end():], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    scratch = Path(tempfile.mkdtemp(prefix="kg-edit-loop-"))
    try:
        base_env = {**os.environ, "KG_SOURCES": str(ROOT.parent / "shared" / "sources")}
        base_env.pop("KG_ENGINE", None)
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        warm = {**base_env, "KG_CACHE_DIR": str(scratch / "warm-cache")}
        subprocess.run([KG, "validate"], env=warm, check=True, stdout=subprocess.DEVNULL)
        sys.path.insert(0, str(ROOT))
        from kg.fingerprint import cache_dir, fingerprint
        from kg.project import Project

        os.environ["KG_CACHE_DIR"] = warm["KG_CACHE_DIR"]
        store = cache_dir(Project(ROOT)) / fingerprint(Project(ROOT)) / "store"
        edited = copy_project(scratch)
        edit_env = {**base_env, "KG_ROOT": str(edited), "KG_CACHE_DIR": str(scratch / "edit-cache")}
        subprocess.run([KG, "validate"], env=edit_env, check=True, stdout=subprocess.DEVNULL)

        times: dict[str, list[float]] = {}
        for turn in range(runs):
            fresh = {**base_env, "KG_CACHE_DIR": str(scratch / f"fresh-{turn}")}
            fresh_fast = {**base_env, "KG_CACHE_DIR": str(scratch / f"fresh-fast-{turn}")}
            measured = [
                ("F (bench/floor.py)", [sys.executable, str(ROOT / "bench" / "floor.py"), str(store)], base_env),
                ('python -c "import click, pyoxigraph"', [sys.executable, "-c", "import click, pyoxigraph"], base_env),
                ("kg query rounds, warm cache", [KG, "query", "rounds", "-f", "csv"], warm),
                ("first kg query rounds, fresh clone", [KG, "query", "rounds", "-f", "csv"], fresh),
                ("first kg query rounds, fresh clone, --engine fast",
                 [KG, "--engine", "fast", "query", "rounds", "-f", "csv"], fresh_fast),
                ("kg validate after a one-literal edit", [KG, "validate"], edit_env),
                ("kg query rounds, first command after an edit", [KG, "query", "rounds", "-f", "csv"], edit_env),
            ]
            for label, command, env in measured:
                if env is edit_env:
                    toggle_literal(edited, 2 * turn + (label.startswith("kg query")))
                times.setdefault(label, []).append(timed(command, env))
            for directory in (fresh, fresh_fast):
                shutil.rmtree(directory["KG_CACHE_DIR"], ignore_errors=True)

        floor = statistics.median(times["F (bench/floor.py)"])
        print(f"medians of {runs} turns, each command a fresh process; F = {floor * 1000:.0f} ms")
        print(f"{'what':52} {'median':>10} {'x F':>7} {'target':>8}")
        missed = []
        for label, values in times.items():
            median = statistics.median(values)
            target = TARGETS.get(label)
            if target is not None and median / floor > target:
                missed.append(label)
            verdict = "" if target is None else f"<= {target:g} F " + ("MISSED" if label in missed else "met")
            print(f"{label:52} {median * 1000:7.0f} ms {median / floor:6.1f}x  {verdict}")
        print("load average at the end:", " ".join(f"{load:.2f}" for load in os.getloadavg()))
        print("every target holds" if not missed else f"missed: {', '.join(missed)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
