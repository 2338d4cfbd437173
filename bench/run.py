"""Every step of kg at growing sizes, on each engine: medians, peak memory, growth per 10x.

Usage:
    python bench/run.py                          # 1k, 10k, 100k, 1M triples; 3 runs each
    python bench/run.py --sizes 1000,10000 --runs 5
    python bench/run.py --reference-max 100000   # the reference engines only up to this size

For each size, bench/gen.py writes a synthetic Astana-like project (the real
ontology, shapes and saved queries; generated facts that conform). Each
measurement runs in a fresh Python process, so its peak memory (max RSS, read
with wait4) is its own. Steps:

    parse            read every Turtle file (rdflib | oxigraph)
    reason           the OWL RL closure of the parsed graph (owlrl | rules | reasonable)
    build            parse + reason + write the on-disk store and pin the pinned queries' answers,
                     what the first command after a change does
    query            every saved query on the built store, as `kg query` asks it (a pinned query's
                     answer read back); the figure is the slowest query (oxigraph | rdflib)
    validate         SHACL on the whole graph (pyshacl | pyshacl-turbo)
    validate-file    kg validate of a new 24-triple file against the built graph (auto engine)
    edit-rebuild     the build after one literal of one data file changed: the previous build's
                     store brought up to date (kg.build); last, since it edits the generated project

The reference engines (rdflib, owlrl, pySHACL) take minutes at 1M triples, so
by default they run up to --reference-max triples and are marked "-" above.
"reasonable" runs up to 100k: on this ontology it ran out of memory at 1M;
rdflib's query engine up to 10k: its slowest saved query takes tens of seconds
already at 1k.
The last column is the growth factor of the median per 10x of data, from
the largest two sizes measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ENGINES = {
    "parse": ["oxigraph", "rdflib"],
    "reason": ["rules", "owlrl", "reasonable"],
    "build": ["fast", "reference"],
    "query": ["oxigraph", "rdflib"],
    "validate": ["pyshacl-turbo", "pyshacl"],
    "validate-file": ["auto"],
    "edit-rebuild": ["auto"],
}
REFERENCE = {"rdflib", "owlrl", "pyshacl", "reference"}
REASONABLE_MAX = 100_000
RDFLIB_QUERY_MAX = 10_000  # rdflib's slowest saved query already takes tens of seconds at 1k

NEW_FILE = """\
@prefix ap:   <https://w3id.org/astana-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix res:  <https://w3id.org/astana-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src:  <https://w3id.org/astana-kg/resource/source/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

res:bench-round
    a ap:Round ;
    skos:prefLabel "Benchmark round"@en ;
    ap:roundNumber 9999999 ;
    ap:partOfProcess res:astana-process ;
    ap:startDate "2040-01-01"^^xsd:date ;
    ap:endDate "2040-01-02"^^xsd:date ;
    ap:venue res:astana ;
    ap:hasGuarantor res:russia , res:turkey , res:iran ;
    ap:hasObserver res:jordan ;
    ap:evidence [ a ap:Evidence ; prov:wasDerivedFrom src:gen-0000 ] .

res:bench-round-delegation-russia
    a ap:Delegation ;
    skos:prefLabel "Russian delegation at the benchmark round"@en ;
    ap:delegationAt res:bench-round ;
    ap:represents res:russia ;
    ap:hasHead res:gen-person-00007 ;
    ap:evidence [ a ap:Evidence ; prov:wasDerivedFrom src:gen-0000 ] .
"""


# =============================================================================
# One measurement, in its own process
# =============================================================================

def child(step: str, engine: str, root: Path, cache: Path) -> float:
    """Run one step once and return its seconds (setup excluded)."""
    os.environ["KG_ROOT"] = str(root)
    os.environ["KG_CACHE_DIR"] = str(cache)
    from kg.project import Project

    project = Project(root)
    if step == "parse":
        from kg.dataset import read_sources

        started = time.perf_counter()
        read_sources(project, engine)
        return time.perf_counter() - started
    if step == "reason":
        from kg.dataset import merged_statements, read_sources
        from kg.reason import infer_statements

        statements = merged_statements(read_sources(project, "oxigraph"))
        started = time.perf_counter()
        infer_statements(statements, engine)
        return time.perf_counter() - started
    if step == "build":
        from kg.build import ensure_built
        from kg.engine import choose

        engine = choose(engine)
        with tempfile.TemporaryDirectory() as fresh:
            os.environ["KG_CACHE_DIR"] = fresh
            started = time.perf_counter()
            ensure_built(project, engine, progress=lambda message: None)
            return time.perf_counter() - started
    if step == "query":
        from gen import query_values

        from kg.queries import load_saved_queries
        from kg.store import open_sparql

        os.environ["KG_ENGINE"] = "fast"  # the store was built with the fast engines
        graph = open_sparql(project, query=engine)
        slowest = 0.0
        values = query_values(project.root)
        for name, query in load_saved_queries(project.queries_dir).items():
            text = query.bind(values.get(name, {}))
            started = time.perf_counter()
            graph.query(text, pin=query.pins(text)).rows  # as `kg query` asks
            slowest = max(slowest, time.perf_counter() - started)
        return slowest
    if step == "validate":
        from kg.engine import choose
        from kg.validate import validate_project

        os.environ["KG_ENGINE"] = "fast"
        engine = choose(f"validator={engine}" if engine != "auto" else "auto")
        started = time.perf_counter()
        validate_project(project, use_cache=False, engine=engine)
        return time.perf_counter() - started
    if step == "validate-file":
        from kg.validate import check_new_file

        path = cache / "bench-new.ttl"
        path.write_text(NEW_FILE, encoding="utf-8")
        started = time.perf_counter()
        report = check_new_file(path, project)
        elapsed = time.perf_counter() - started
        if not report.conforms:
            raise SystemExit("the benchmark's new file did not validate:\n" + report.to_text())
        return elapsed
    if step == "edit-rebuild":
        from kg.build import ensure_built

        edited = sorted((root / "data" / "sources").glob("gen-*.ttl"))[0]
        text = edited.read_text(encoding="utf-8")
        start = text.index('"@en')  # the end of the file's first label: a different edit each run
        edited.write_text(text[:start] + f" {time.time_ns()}" + text[start:], encoding="utf-8")
        started = time.perf_counter()
        build = ensure_built(project, progress=lambda message: None)
        elapsed = time.perf_counter() - started
        if "updated_from" not in build.info():
            raise SystemExit("the build after an edit was made from the sources, not from the previous build")
        return elapsed
    raise SystemExit(f"unknown step {step}")


def measure(step: str, engine: str, root: Path, cache: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one run in a fresh process."""
    process = subprocess.Popen([sys.executable, __file__, "--child", step, engine, str(root), str(cache)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    out, err = process.stdout.read(), process.stderr.read()
    if process.returncode != 0:
        raise RuntimeError(f"{step}/{engine} failed ({process.returncode}): {err.strip().splitlines()[-1:] or out}")
    return json.loads(out)["seconds"], usage.ru_maxrss / 1024


# =============================================================================
# The table
# =============================================================================

def runs_for(step: str, engine: str, size: int, args) -> bool:
    if engine in REFERENCE and size > args.reference_max:
        return False
    if step == "query" and engine == "rdflib" and size > RDFLIB_QUERY_MAX:
        return False
    return not (engine == "reasonable" and size > REASONABLE_MAX)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference-max", type=int, default=100_000)
    parser.add_argument("--steps", default=",".join(ENGINES))
    parser.add_argument("--child", nargs=4, metavar=("STEP", "ENGINE", "ROOT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, engine, root, cache = args.child
        print(json.dumps({"seconds": child(step, engine, Path(root), Path(cache))}))
        return

    from gen import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    steps = args.steps.split(",")
    results: dict = {}
    with tempfile.TemporaryDirectory() as work:
        for size in sizes:
            root, cache = Path(work) / f"g{size}", Path(work) / f"cache{size}"
            generate(root, size)
            os.environ["KG_ENGINE"] = "fast"
            subprocess.run([sys.executable, "-c", "from kg.build import ensure_built; from kg.workspace import Workspace; ensure_built(Workspace.from_environment())"], check=True,
                           env={**os.environ, "KG_ROOT": str(root), "KG_CACHE_DIR": str(cache)})
            for step in steps:
                for engine in ENGINES[step]:
                    if not runs_for(step, engine, size, args):
                        continue
                    samples = [measure(step, engine, root, cache) for _ in range(args.runs)]
                    seconds = statistics.median(s for s, _ in samples)
                    peak = max(m for _, m in samples)
                    results[(step, engine, size)] = (seconds, peak)
                    print(f"  {step:<14} {engine:<14} {size:>9,} triples: {seconds:8.3f} s  {peak:7.0f} MB",
                          file=sys.stderr, flush=True)
    print_table(results, sizes, steps, args.runs)


def print_table(results, sizes, steps, runs) -> None:
    head = "| step | engine | " + " | ".join(f"{s:,}" for s in sizes) + " | peak MB | growth per 10x |"
    print(f"Medians of {runs} runs, seconds (slowest saved query for `query`); peak RSS over all sizes.\n")
    print(head)
    print("|" + "---|" * (len(sizes) + 4))
    for step in steps:
        for engine in ENGINES[step]:
            cells, measured = [], []
            for size in sizes:
                found = results.get((step, engine, size))
                cells.append(f"{found[0]:.3f}" if found else "-")
                if found:
                    measured.append((size, found[0]))
            if not measured:
                continue
            peak = max(results[(step, engine, s)][1] for s, _ in measured)
            growth = "-"
            if len(measured) >= 2:
                (small, t_small), (large, t_large) = measured[-2], measured[-1]
                if t_small > 0:
                    growth = f"{(t_large / t_small) ** (1 / math.log10(large / small)):.1f}x"
            print(f"| {step} | {engine} | " + " | ".join(cells) + f" | {peak:.0f} | {growth} |")


if __name__ == "__main__":
    main()
