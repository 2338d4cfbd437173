"""Every kg command on one graph, each in a fresh process: wall time, peak memory, exit code.

Usage:
    python bench/gen.py /tmp/g1m --triples 1000000
    KG_ROOT=/tmp/g1m python bench/commands.py --runs 3
    KG_ROOT=/tmp/g1m python bench/commands.py --runs 3 --against HEAD~1
    KG_ROOT=/tmp/g1m python bench/commands.py --runs 15 --against HEAD~1 "validate FILE" "add"

What a user of a large graph pays for each command, with the cache already
built (the build is timed by bench/run.py, loading into a server by
bench/load_speed.py). One row is not warm on purpose: the first command that
queries the graph without its entailments stores it (once per version of the
sources), so it is timed with that store removed beforehand.

--against REV also runs each command as this repository's kg package was at git
revision REV (checked out in a temporary worktree, with a cache of its own), the
two versions taking turns, so that the machine's drift from run to run does not
pass for a difference between them. That row of first-time storing is then
left out.
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


def commands(scratch: Path, only: list[str] = ()) -> list[tuple[str, list[str]]]:
    """(label, arguments) of each command timed; ``only``: those whose label starts with one of these."""
    new_file = scratch / "bench-new.ttl"
    new_file.write_text(NEW_FILE, encoding="utf-8")
    return [(label, arguments) for label, arguments in [
        ("stats", ["stats"]),
        ("reason", ["reason"]),
        ("queries", ["queries"]),
        ("query rounds", ["query", "rounds", "-f", "csv"]),
        ("query observers-of-round --round 7", ["query", "observers-of-round", "--round", "7", "-f", "csv"]),
        ("query delegates (pinned)", ["query", "delegates", "-f", "csv"]),
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
    ] if not only or label.startswith(tuple(only))]


# kg as the package in this folder has it, for --against: the script `kg` runs the
# installed (editable) package whatever PYTHONPATH says, so the folder goes first on sys.path.
KG_AT = (sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); from kg.cli import cli; cli(prog_name='kg')")


def run_once(arguments: list[str], kg: tuple = (KG,), env: dict | None = None) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and exit code of one command in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen([*kg, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        error = process.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        raise SystemExit(f"kg {' '.join(arguments)} failed ({process.returncode}): {error}")
    return seconds, usage.ru_maxrss / 1024, process.returncode


def asserted_store() -> Path:
    from kg.build import ensure_built
    from kg.workspace import Workspace

    return ensure_built(Workspace.from_environment()).asserted_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", metavar="REV", help="also run the commands as kg was at this git revision")
    parser.add_argument("only", nargs="*", help="only the commands whose label starts with one of these")
    args = parser.parse_args()
    os.environ.setdefault("KG_ENGINE", "fast")
    if args.against:
        compare(args.against, args.runs, args.only)
        return
    subprocess.run([KG, "validate"], check=False, stdout=subprocess.DEVNULL)  # build the store, cache the findings
    with tempfile.TemporaryDirectory() as scratch:
        print(f"| command | median of {args.runs} (s) | peak MB | exit |")
        print("|---|---|---|---|")
        if not args.only:
            shutil.rmtree(asserted_store(), ignore_errors=True)
            seconds, peak, code = run_once(["query", "rounds", "-f", "csv", "--no-reason"])
            print(f"| query rounds --no-reason, first time (stores the asserted graph) | {seconds:.2f} | {peak:.0f} "
                  f"| {code} |", flush=True)
        for label, arguments in commands(Path(scratch), args.only):
            measured = [run_once(arguments) for _ in range(args.runs)]
            print(f"| {label} | {statistics.median(m[0] for m in measured):.2f} "
                  f"| {max(m[1] for m in measured):.0f} | {measured[-1][2]} |", flush=True)


def compare(revision: str, runs: int, only: list[str]) -> None:
    """Each command at ``revision`` and now, in turns: medians side by side."""
    repo = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as scratch:
        worktree, cache = Path(scratch) / "then", Path(scratch) / "cache"
        added = subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(worktree), revision],
                               capture_output=True, text=True)
        if added.returncode != 0:
            raise SystemExit(f"git worktree add {revision}: {added.stderr.strip()}")
        try:
            versions = {
                "then": ((*KG_AT, str(worktree)), dict(os.environ, KG_CACHE_DIR=str(cache))),
                "now": ((*KG_AT, str(repo)), None),  # started the same way, for the same start-up cost
            }
            for kg, env in versions.values():  # build the stores and cache the findings first, untimed
                subprocess.run([*kg, "validate"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                subprocess.run([*kg, "query", "rounds", "--no-reason"], env=env, stdout=subprocess.DEVNULL)
            print(f"| command | at {revision}, median of {runs} (s) | now (s) |")
            print("|---|---|---|")
            for label, arguments in commands(Path(scratch), only):
                seconds = {version: [] for version in versions}
                for _ in range(runs):
                    for version, (kg, env) in versions.items():
                        seconds[version].append(run_once(arguments, kg, env)[0])
                print(f"| {label} | {statistics.median(seconds['then']):.2f} "
                      f"| {statistics.median(seconds['now']):.2f} |", flush=True)
        finally:
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(worktree)],
                           capture_output=True)


if __name__ == "__main__":
    main()
