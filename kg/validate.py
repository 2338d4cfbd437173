"""Validation, in one place: the SHACL shapes, the rules and the quotes, for the shipped graph or new files.

The shapes check the asserted facts (ontology + data, no reasoning): the
ontology's domains and ranges make OWL RL infer types, so a type constraint
checked on the closure could never fail. The rules (queries/rules/, see
*Rules* below) run on the OWL RL closure. Whatever is checked, what is wrong
is a :class:`Finding`, and one :class:`Report` holds and formats them:

- :func:`validate_project` and :func:`validate_shipped`: the shipped graph,
  reported as ``[Violation] focus path: message (shape)`` lines;
- :func:`check_new_files`: curators' new files, checked within the part of
  the graph around the nodes they touch and reported at ``file:line`` in
  plain words, before kg.curate adds them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, KgError
from .formats import serialized
from .prefixes import PREFIXES, shorten
from .project import Project
from .queries import _parse_header
from .workspace import Workspace

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node

    from .engine import Engine
    from .sparql import OxigraphSparql, Sparql

MAX_FILE_BYTES = 5_000_000
_ONTOLOGY_NAMESPACES = (PREFIXES["ap"], PREFIXES["aps"])
_RESOURCES = PREFIXES["res"]  # doc: and src: lie within it


# =============================================================================
# What is wrong, and the report that holds and formats it
# =============================================================================

LEVELS = {"Violation": "error", "Warning": "warning", "Info": "info"}  # SHACL's severities, as curators read them


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong, in terms a reader can act on: a SHACL result, a quote not in its text, a problem of a new file."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str  # the node, as a prefixed name ("[ ]" for a blank node)
    path: str = ""  # the property, as a prefixed name, or "" for a node-level check
    value: str = ""  # the offending value, or ""
    message: str = ""
    shape: str = ""  # the shape that reported it, or "" when no shape did
    component: str = ""  # the SHACL constraint component, e.g. "sh:MinCountConstraintComponent"
    location: str = ""  # file:line in a new file (or the document a quote cites); "" in the shipped graph's SHACL report
    focus_node: Node | None = field(default=None, compare=False, repr=False)  # the rdflib term, when known

    @property
    def level(self) -> str:
        """error, warning or info."""
        return LEVELS.get(self.severity, "info")

    def line(self) -> str:
        if self.location:
            return f"{self.location}: {self.level}: {self.focus}: {self.message}"
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value and self.value not in self.message else ""
        return f"[{self.severity}] {self.focus}{where}: {self.message}{value} ({self.shape})"

    def located_order(self) -> tuple:
        """Where it is first: the order of a new file's report."""
        return (self.location, self.level, self.focus, self.message)


def located(location: str, node: str, message: str, severity: str = "Violation") -> Finding:
    """A finding at ``location`` (file:line) about ``node``, in plain words."""
    return Finding(severity=severity, focus=node, message=message, location=location)


_SHACL_FIELDS = ("severity", "focus", "path", "value", "message", "shape", "component")


@dataclass
class Report:
    """The outcome of a validation: the findings, and the rules that found rows.

    ``new_files`` says whether it reports on new files (each finding at
    file:line, in plain words) or on the shipped graph; the two read differently.
    """

    findings: list[Finding] = field(default_factory=list)
    failed_rules: list = field(default_factory=list)  # CheckResult of the rules that found rows
    report_graph: Graph | None = None  # the sh:ValidationReport, when computed
    new_files: bool = False
    facts: Graph | None = None  # the new files' triples, as parsed for the check

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings) and not any(
            r.check.severity == "error" for r in self.failed_rules)

    @property
    def violations(self) -> int:
        return sum(f.severity == "Violation" for f in self.findings) + sum(
            len(r.rows) for r in self.failed_rules if r.check.severity == "error")

    def to_text(self, valid: str = "Valid: the new facts conform to the shapes and pass every rule.") -> str:
        """One line per finding and the failing rules; a closing line when it conforms (``valid`` for new files)."""
        if self.new_files:
            lines = [f.line() for f in self.findings] + failure_lines(self.failed_rules)
            if self.conforms:
                lines.append(valid)
            return "\n".join(lines) + "\n"
        lines = [f.line() for f in self.findings if not f.location] + failure_lines(self.failed_rules)
        lines += [f.line() for f in self.findings if f.location]
        if self.conforms:
            lines.append("Conforms: no violations found." if not lines
                         else f"Conforms: no violations, {len(lines)} other finding(s).")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        if self.new_files:
            return json.dumps({
                "valid": self.conforms,
                "problems": [{"location": f.location, "severity": f.level, "node": f.focus, "message": f.message}
                             for f in self.findings],
                "rules": [{"rule": r.check.name, "severity": r.check.severity, "summary": r.check.summary,
                           "violations": [dict(zip(("entity", "property", "value"), row)) for row in r.rows]}
                          for r in self.failed_rules],
            }, indent=2, ensure_ascii=False) + "\n"
        findings = [{name: getattr(f, name) for name in _SHACL_FIELDS} for f in self.findings if not f.location]
        return json.dumps({"conforms": self.conforms, "violations": self.violations,
                           "findings": findings}, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        if self.report_graph is None:
            raise KgError("the SHACL report graph was not kept; validate without the cache")
        from .namespace import bind_prefixes

        return bind_prefixes(self.report_graph).serialize(format="turtle")


# =============================================================================
# SHACL
# =============================================================================

def validate_graph(data: Graph | str, shapes: Graph, validator: str = "pyshacl") -> Report:
    """Validate one graph (already merged: ontology + facts) against a shapes graph.

    ``data`` is an rdflib Graph, or for ``pyshacl-turbo`` also N-Triples text,
    which turbo parses natively. Both validators give the same findings (the
    tests compare them on every shape fixture, the shipped graph and a
    generated one).
    """
    if validator == "pyshacl-turbo":
        report_graph = _turbo_report(data, shapes)
    else:
        from pyshacl import validate

        report_graph = _checked(validate(data, shacl_graph=shapes, **_OPTIONS))
    return Report(findings=sorted(_findings(report_graph, shapes)), report_graph=report_graph)


_OPTIONS: dict[str, Any] = {"inference": "none", "advanced": True, "allow_warnings": True}


def _turbo_report(data: Graph | str, shapes: Graph) -> Graph:
    """pyshacl-turbo's report graph; N-Triples text is validated in two threads, half the shapes each.

    Turbo's Rust engine lets go of the GIL, so on two cores the halves run
    side by side (docs/design-figures.md). Every half sees all
    the shapes, so a shape that refers to another (sh:node) still finds it.
    """
    import threading

    from rdflib.namespace import RDF, SH

    try:
        from pyshacl_turbo import validate
        from pyshacl_turbo.rdf import Input  # text turbo parses itself (pyproject pins turbo below 0.7)
    except ImportError:
        raise KgError("pyshacl-turbo is not installed: pip install pyshacl-turbo") from None
    if not isinstance(data, str):
        return _checked(validate(data, shacl_graph=shapes, **_OPTIONS))
    names = sorted(str(shape) for shape in set(shapes.subjects(RDF.type, SH.NodeShape)))
    reports: list[Graph] = []
    errors: list[Exception] = []

    def run(half: list[str]) -> None:
        try:
            reports.append(_checked(validate(Input(data, "nt", None, {}), shacl_graph=shapes,
                                             use_shapes=half, **_OPTIONS)))
        except Exception as error:  # re-raised below, in the calling thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(half,)) for half in (names[0::2], names[1::2]) if half]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0] if isinstance(errors[0], KgError) else KgError(f"the shapes could not be applied: {errors[0]}")
    return _one_report(reports)


def _checked(outcome: tuple) -> Graph:
    """The report graph of a validate() call; pySHACL-style APIs return a failure instead of raising."""
    from rdflib import Graph

    _conforms, report_graph, text = outcome
    if not isinstance(report_graph, Graph):
        raise KgError(f"the shapes could not be applied: {getattr(report_graph, 'message', text)}")
    return report_graph


def _one_report(reports: list[Graph]) -> Graph:
    """Several SHACL report graphs as one: one sh:ValidationReport holding every result."""
    from rdflib import Literal
    from rdflib.namespace import RDF, SH, XSD

    merged = reports[0]
    report = merged.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report is not None  # every SHACL report graph holds one
    for other in reports[1:]:
        other_report = other.value(predicate=RDF.type, object=SH.ValidationReport)
        for triple in other:
            if triple[0] != other_report:
                merged.add(triple)
        for result in other.objects(other_report, SH.result):
            merged.add((report, SH.result, result))
    violated = any(merged.value(result, SH.resultSeverity) == SH.Violation for result in merged.objects(report, SH.result))
    merged.set((report, SH.conforms, Literal(not violated, datatype=XSD.boolean)))
    return merged


def _findings(report: Graph, shapes: Graph) -> Iterator[Finding]:
    from rdflib.namespace import RDF, SH

    for result in report.subjects(RDF.type, SH.ValidationResult):
        yield Finding(
            severity=_local(report.value(result, SH.resultSeverity)),
            focus=_show(report.value(result, SH.focusNode)),
            path=_show_path(report, report.value(result, SH.resultPath)),
            value=_show(report.value(result, SH.value)),
            message=_IRI.sub(lambda m: shorten(m.group(1)), str(report.value(result, SH.resultMessage) or "")),
            shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
            component=_show(report.value(result, SH.sourceConstraintComponent)),
            focus_node=report.value(result, SH.focusNode),
        )


_IRI = re.compile(r"<?(https?://[^\s<>\"]+)>?")


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """A shape's name; an anonymous property shape is named by the node shape that holds it."""
    from rdflib import BNode
    from rdflib.namespace import SH

    if isinstance(shape, BNode):
        owner = shapes.value(predicate=SH.property, object=shape)
        if owner is not None:
            return _shape_name(shapes, owner)
    return _show(shape)


def _show_path(graph: Graph, path: Node | None) -> str:
    """A SHACL property path in SPARQL's notation: ``ap:a|ap:b``, ``^ap:a``, ``ap:a/ap:b``."""
    from rdflib import BNode
    from rdflib.collection import Collection
    from rdflib.namespace import RDF, SH

    if path is None or not isinstance(path, BNode):
        return _show(path)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_show_path(graph, item) for item in Collection(graph, alternatives))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _show_path(graph, inverse)
    if graph.value(path, RDF.first) is not None:
        return "/".join(_show_path(graph, item) for item in Collection(graph, path))
    return "[ ]"


def _local(iri: Node | None) -> str:
    return str(iri).rsplit("#", 1)[-1] if iri is not None else "Violation"


def _show(node: Node | None) -> str:
    from rdflib import BNode, Literal

    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[ ]"
    if isinstance(node, Literal):
        return repr(str(node)) if node.datatype is None else f'"{node}"^^{shorten(str(node.datatype))}'
    return shorten(str(node))


# =============================================================================
# The shipped graph
# =============================================================================

def validate_project(project: Project, use_cache: bool = True, engine: Engine | None = None) -> Report:
    """Validate the shipped graph against the shapes, with the chosen validator.

    The findings are cached, keyed on the content of ontology/ and data/ and
    of the shapes, so an unchanged graph is not validated twice. pySHACL gets
    the graph as rdflib parses it; pyshacl-turbo gets it as Oxigraph parses it,
    so a large graph is never parsed by rdflib.
    """
    from .build import current_build

    project = Workspace.of(project)
    engine = engine or project.engine
    # Keyed on the shapes and this code besides the build: either changes the findings.
    shapes_hash = hashlib.sha256(project.shapes_file.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]
    build, memo = current_build(project), f"validation-{engine.validator}-{shapes_hash}"
    stored = build.recall(memo) if use_cache else None
    if stored is not None:
        try:
            return Report(findings=[Finding(**f) for f in stored["findings"]])
        except (KeyError, TypeError):
            pass  # not the findings of this code: validated again
    from .dataset import load_shapes  # rdflib: only when there is work to do

    data: Graph | str
    if engine.validator == "pyshacl-turbo":
        from .dataset import asserted_text

        data = asserted_text(project)
    else:
        from .dataset import load_dataset, merged_graph

        data = merged_graph(load_dataset(project))
    report = validate_graph(data, load_shapes(project), engine.validator)
    if use_cache:
        build.remember(memo, json.loads(report.to_json()))
    return report


def validate_shipped(project: Project, sources_dir: Path | None = None, keep_report_graph: bool = False) -> Report:
    """The shipped graph against the shapes and the rules, and its quotes against ``sources_dir``."""
    from .store import open_sparql

    project = Workspace.of(project)
    report = validate_project(project, use_cache=not keep_report_graph)
    rules = run_checks(open_sparql(project), load_checks(project.queries_dir / "rules"))
    report.failed_rules = [r for r in rules if not r.passed]
    if sources_dir is not None:
        from .dataset import load_dataset, merged_graph

        report.findings += quote_problems(merged_graph(load_dataset(project)), Path(sources_dir))
    return report


# =============================================================================
# Rules: checks written as SPARQL
# =============================================================================
#Checks written as SPARQL: rules a new fact must not break, and the quality report.
#
#A check is a ``.rq`` file whose rows are problems (as ROBOT's ``verify`` and
#``report``): a query that returns no rows passes. Each file opens with a
#header::
#
#    #+ summary: A round number is taken by two rounds
#    #+ severity: error            (error, warning or info)
#    # Problem: what is wrong, in a sentence or two
#    # Solution: what to do about it
#
#and selects ``?entity ?property ?value``. Checks are found by glob, so a
#check cannot be added and never run. A check needs no ORDER BY: its rows are
#sorted as displayed, which at scale is far cheaper than Oxigraph sorting on
#IRIs (docs/design-figures.md).

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Check:
    name: str
    summary: str
    severity: str
    problem: str
    solution: str
    text: str


@dataclass
class CheckResult:
    check: Check
    rows: list[tuple[str, ...]] = field(default_factory=list)  # (entity, property, value), displayed

    @property
    def passed(self) -> bool:
        return not self.rows


def read_check(path: Path) -> Check:
    text = path.read_text(encoding="utf-8")
    header = _parse_header(text)
    severity = str(header.get("severity", "")).lower()
    if severity not in SEVERITIES:
        raise KgError(f"{path}: '#+ severity:' must be one of {', '.join(SEVERITIES)}")
    return Check(name=path.stem, summary=str(header.get("summary", "")), severity=severity,
                 problem=_comment_field(text, "Problem"), solution=_comment_field(text, "Solution"), text=text)


def _comment_field(text: str, name: str) -> str:
    match = re.search(rf"^# {name}:(.*(?:\n#   .*)*)", text, re.MULTILINE)
    return " ".join(part.strip(" #") for part in match.group(1).splitlines()).strip() if match else ""


def load_checks(directory: Path) -> list[Check]:
    return [read_check(path) for path in sorted(directory.glob("*.rq"))]


def run_checks(sparql: Sparql, checks: list[Check]) -> list[CheckResult]:
    """Run every check through ``sparql`` (kg.sparql or kg.remote); rows as displayed terms, sorted."""
    results = []
    for check in checks:
        answer = sparql.query(check.text)
        rows = sorted(tuple(row[v].display() if v in row else "" for v in ("entity", "property", "value"))
                      for row in answer.rows)
        results.append(CheckResult(check=check, rows=rows))
    return results


def failure_lines(results: list[CheckResult]) -> list[str]:
    """``FAIL rule NAME: N violation(s)`` with what to do and the rows, for each failing check."""
    lines = []
    for result in results:
        if result.passed:
            continue
        solution = result.check.solution[:1].upper() + result.check.solution[1:]
        lines.append(f"FAIL rule {result.check.name}: {len(result.rows)} violation(s) ({result.check.severity})")
        lines.append(f"  {result.check.summary}. {solution}")
        lines += [f"  {entity}  {prop}  {value}".rstrip() for entity, prop, value in result.rows]
    return lines


def format_report(results: list[CheckResult], fmt: str) -> str:
    """The quality report as text, TSV, JSON or Markdown; levels ERROR, WARN, INFO with counts."""
    import json

    level = {"error": "ERROR", "warning": "WARN", "info": "INFO"}
    rows = [(level[r.check.severity], r.check.name, *row) for r in results for row in r.rows]
    rows.sort(key=lambda row: (SEVERITIES.index({"ERROR": "error", "WARN": "warning", "INFO": "info"}[row[0]]), row[1:]))
    counts = {name: sum(1 for row in rows if row[0] == name) for name in ("ERROR", "WARN", "INFO")}
    if fmt == "json":
        return json.dumps({"counts": counts, "findings": [
            dict(zip(("level", "check", "entity", "property", "value"), row)) for row in rows]},
            indent=2, ensure_ascii=False) + "\n"
    if fmt == "tsv":
        return "\n".join(["level\tcheck\tentity\tproperty\tvalue"] + ["\t".join(row) for row in rows]) + "\n"
    if fmt == "md":
        lines = ["| level | check | entity | property | value |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    summaries = {r.check.name: r.check.summary for r in results}
    lines = [f"{row[0]:5}  {row[1]}  {row[2]}  {row[3]}  {row[4]}".rstrip() for row in rows]
    lines += ["", "  ".join(f"{name} {count}" for name, count in counts.items())]
    checked = ", ".join(sorted(summaries))
    lines.append(f"({len(results)} checks: {checked})")
    return "\n".join(lines) + "\n"


# =============================================================================
# New files, checked with the part of the graph around them
# =============================================================================

def read_new_file(path: Path) -> Graph:
    """Parse a curator's file; a file that is not a regular file, too large, empty, not UTF-8 or not Turtle is an InputError."""
    return _read_new_file(path)[0]


def _read_new_file(path: Path) -> tuple[Graph, str]:
    """A curator's file as its triples and its text (without a byte-order mark)."""
    from .files import read_regular_file
    from .turtle import parse_turtle

    path = Path(path)
    raw = read_regular_file(path, limit=MAX_FILE_BYTES, too_large="one file of new facts may hold; split it")
    graph = parse_turtle(path, data=raw)
    if len(graph) == 0:
        raise InputError(f"{path}: holds no triples; nothing to check or add")
    return graph, raw.decode("utf-8").removeprefix("\ufeff")


def check_new_file(path: Path, project: Project, sources_dir: Path | None = None) -> Report:
    """Everything a new file of facts must pass before it may be added."""
    return check_new_files([path], project, sources_dir)


def check_new_files(paths: list[Path], project: Project,
                    sources_dir: Path | None = None) -> Report:
    """Everything new files of facts must pass to be added together (two rounds 23 in two files clash)."""
    from rdflib import Graph

    from .dataset import load_shapes, to_oxigraph, to_rdflib

    project = Workspace.of(project)
    files, new = [], Graph()
    for path in map(Path, paths):
        graph, text = _read_new_file(path)
        files.append((path, text))
        if len(paths) == 1:
            new = graph
            break
        for prefix, namespace in graph.namespaces():
            new.bind(prefix, namespace, override=False)
        new += graph  # each file's blank nodes stay its own
    engine = project.engine
    locator = Locator(files, new, project)
    report = Report(new_files=True, facts=new)
    report.findings += _structure_problems(new, locator)
    if report.findings:  # the shapes would take minutes over a long list, and name its cells at length
        return report
    report.findings += _unsupported_subjects(new, locator)

    # Only the nodes the file touches are validated, within the part of the
    # graph around them, so a small file is checked in about the same time
    # whatever the size of the graph. What that part already reports is not
    # the new file's doing.
    new_triples = to_oxigraph(new)
    around, links = neighbourhood(new_triples, project)
    before = to_rdflib(around)
    report.findings += _schema_statements(new, before, locator)
    shapes = load_shapes(project)
    baseline = {(f.focus, f.path, f.message)
                for f in validate_graph(_shapes_input(around, before, engine.validator), shapes, engine.validator).findings}
    declared = _declared_terms(before)  # the neighbourhood holds the ontology
    not_resources = {s for s in new.subjects() if not _is_blank(s) and not str(s).startswith(_RESOURCES)}
    stated = set(new.subjects())
    touched = stated | {o for o in new.objects() if not _is_literal(o)} | _sharing_a_value(before, new)
    merged = _shapes_input(list(dict.fromkeys(around + new_triples)), lambda: before + new, engine.validator)
    for finding in validate_graph(merged, shapes, engine.validator).findings:
        if finding.focus_node not in touched:  # seen only in part: its own check is the full validation's
            continue
        if finding.focus_node not in stated and (finding.focus, finding.path, finding.message) in baseline:
            continue
        if finding.focus_node in not_resources:  # already reported as schema
            continue
        message = _plain_words(finding, declared)
        report.findings.append(located(locator.where(finding.focus_node), locator.name(finding.focus_node), message,
                                       severity=finding.severity))
    if report.conforms:
        report.failed_rules = _new_rule_failures(around + links + new_triples, project, engine.reasoner)
    if sources_dir is not None:
        from rdflib.graph import ReadOnlyGraphAggregate  # a quote's document may be stated in data/

        report.findings += quote_problems(ReadOnlyGraphAggregate([before, new]), Path(sources_dir), only=new,
                                          locator=locator)
    report.findings = sorted(set(report.findings), key=Finding.located_order)
    return report


def _shapes_input(triples: list[ox.Triple], graph: Graph | Callable[[], Graph], validator: str) -> Graph | str:
    """What the validator reads: pyshacl-turbo parses N-Triples text itself, faster than rdflib builds a
    Graph (seconds for a file of 100k triples); pySHACL gets ``graph``, an rdflib Graph or a function
    that makes it. The text keeps rdflib's blank-node labels, so the findings name the file's nodes."""
    if validator == "pyshacl-turbo":
        import pyoxigraph as ox

        return serialized(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return graph() if callable(graph) else graph


MAX_NESTING = 8  # levels of blank nodes under a node: an evidence item is one


def _structure_problems(new: Graph, locator: Locator) -> list[Finding]:
    """RDF lists and blank nodes nested deep, found in time linear in the file.

    No property of the ontology takes a list, and facts nest blank nodes one
    level (an evidence item); both are refused before the shapes see them.
    """
    from rdflib.namespace import RDF

    problems = []
    for head in sorted({s for s in new.subjects(RDF.first, None) if (None, RDF.rest, s) not in new}, key=str):
        length, seen = 0, set()
        cell: Node | None = head
        while cell is not None and cell != RDF.nil and cell not in seen:
            seen.add(cell)
            length += 1
            cell = new.value(cell, RDF.rest)
        problems.append(located(locator.where(head), locator.name(head),
                                f"an RDF list of {length} item(s); no property of the ontology takes a "
                                        "list: state each value in a triple of its own"))
    if problems:
        return problems
    deepest: Node | None = None
    depth = 0
    for node in {o for o in new.objects() if _is_blank(o)}:
        levels = locator.anchor(node)[2]
        if levels > depth:
            deepest, depth = node, levels
    if depth > MAX_NESTING:
        problems.append(located(locator.where(deepest), locator.name(deepest),
                                f"blank nodes nested {depth} deep; facts nest them at most {MAX_NESTING} "
                                        "deep: give the inner nodes IRIs (res:NAME)"))
    return problems


def _sharing_a_value(graph: Graph, new: Graph) -> set:
    """Existing nodes with the same literal value of a property as a new node (uniqueness checks)."""
    from rdflib import Literal

    return {s for _, p, o in new if isinstance(o, Literal) for s in graph.subjects(p, o)}


def _is_literal(node: object) -> bool:
    from rdflib import Literal

    return isinstance(node, Literal)


def _declared_terms(ontology: Graph) -> dict[str, list[str]]:
    """The ontology's declared classes and properties, as prefixed names."""
    from rdflib.namespace import OWL, RDF

    def names(*kinds: Node) -> list[str]:
        return sorted({shorten(str(s)) for kind in kinds for s in ontology.subjects(RDF.type, kind)
                       if not _is_blank(s)})
    return {"class": names(OWL.Class),
            "property": names(OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)}


def _is_blank(node: object) -> bool:
    from rdflib import BNode

    return isinstance(node, BNode)


def _plain_words(finding: Finding, declared: dict[str, list[str]]) -> str:
    """The finding as a sentence: property, offending value, what was expected, and a suggestion."""
    text = finding.message
    undeclared = re.match(r"^(\S+) is not a (property|class) declared in the ontology", text)
    if undeclared:
        close = difflib.get_close_matches(undeclared.group(1), declared[undeclared.group(2)], n=1, cutoff=0.6)
        if close:
            text += f"; did you mean {close[0]}?"
        return text
    where = f"{finding.path}: " if finding.path else ""
    value = f"value {finding.value}; " if finding.value and finding.value not in text else ""
    return f"{where}{value}{text}"


def _schema_statements(new: Graph, before: Graph, locator: Locator) -> list[Finding]:
    """A facts file states facts about resources; it may not carry schema.

    Refused: statements about ontology terms or any other vocabulary's terms
    (``prov:Agent rdfs:subClassOf ap:Round`` would make every agent a round),
    class and property axioms (rdfs:subClassOf, rdfs:domain, owl:*; and
    rdfs:isDefinedBy, which the declared-term shapes read as "an ontology
    term"), and owl:sameAs between things of different classes (a person
    merged into a round).
    """
    from rdflib.namespace import OWL, RDF, RDFS

    problems, reported = [], set()
    for subject in sorted({s for s in new.subjects() if not _is_blank(s)}, key=str):
        if str(subject).startswith(_ONTOLOGY_NAMESPACES):
            message = ("is an ontology term; facts files may not define or change ontology terms "
                       "(edit ontology/astana.ttl instead)")
        elif not str(subject).startswith(_RESOURCES):
            message = ("is a vocabulary term, not a resource (res:, doc:, src:); facts files state facts "
                       "about resources only (terms belong in ontology/astana.ttl)")
        else:
            continue
        reported.add(subject)
        problems.append(located(locator.where(subject), shorten(str(subject)),
                                message))
    schema = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.isDefinedBy}
    # By predicate, not triple by triple: a file of 100k triples has a few dozen predicates.
    suspect = [p for p in set(new.predicates()) if p in schema or p == RDF.type or str(p).startswith(str(OWL))]
    for subject, predicate, value in (t for p in suspect for t in new.triples((None, p, None))):
        if subject in reported:
            continue
        axiom = (predicate in schema or (str(predicate).startswith(str(OWL)) and predicate != OWL.sameAs)
                 or (predicate == RDF.type and str(value).startswith((str(OWL), str(RDFS)))))
        if axiom:
            shown = f"{shorten(str(predicate))} {shorten(str(value))}" if predicate == RDF.type else shorten(str(predicate))
            problems.append(located(locator.where(subject), locator.name(subject),
                                    message=f"{shown} is schema, not a fact; facts files may not carry class or "
                                            "property axioms (they belong in ontology/astana.ttl)"))
        elif predicate == OWL.sameAs:
            classes = [sorted({shorten(str(c)) for graph in (before, new) for c in graph.objects(node, RDF.type)})
                       for node in (subject, value)]
            if classes[0] != classes[1]:
                kinds = [", ".join(names) or "no class" for names in classes]
                problems.append(located(locator.where(subject), locator.name(subject),
                    message=f"owl:sameAs: value {shorten(str(value))}; it would make one thing of two of different "
                            f"classes ({kinds[0]}; {kinds[1]}); link them with a property of the ontology"))
    return problems


def _unsupported_subjects(new: Graph, locator: Locator) -> list[Finding]:
    """Every node the new file states facts about must carry evidence in the file itself.

    Otherwise a fact would borrow the evidence an existing node already has,
    and be credited to a document that does not state it.
    """
    from rdflib.namespace import RDF

    from .namespace import AP

    exempt = {AP.Evidence, AP.PublicSource, AP.SourceDocument, AP.Document}
    typed, with_evidence = set(new.subjects(RDF.type)), set(new.subjects(AP.evidence))
    exempted = {s for kind in exempt for s in new.subjects(RDF.type, kind)}
    problems = []
    for subject in sorted({s for s in new.subjects() if _is_blank(s)}, key=str):
        if subject in typed and subject not in exempted:
            problems.append(located(locator.where(subject), locator.name(subject),
                                    message="a fact-bearing node needs an IRI (res:NAME), not a blank node, "
                                            "so that other facts and sources can refer to it"))
    for subject in sorted({s for s in new.subjects() if not _is_blank(s)}, key=str):
        if not str(subject).startswith(_RESOURCES) or subject in exempted:
            continue
        if subject not in with_evidence:
            problems.append(located(locator.where(subject), shorten(str(subject)),
                                    message="states facts without evidence in this file; add ap:evidence "
                                            "[ a ap:Evidence ; ... ] citing the document they come from"))
    return problems


def _new_rule_failures(after: list[ox.Triple], project: Project, reasoner: str) -> list[CheckResult]:
    """The rule violations the new facts bring: those around them, less those the built graph has."""
    from dataclasses import replace

    checks = load_checks(project.queries_dir / "rules")
    old = _built_rule_rows(project, checks)
    failures = []
    for result in run_checks(_closure_sparql(after, reasoner), checks):
        rows = [row for row in result.rows if (result.check.name, tuple(row)) not in old]
        if rows:
            failures.append(replace(result, rows=rows))
    return failures


def _built_rule_rows(project: Project, checks: list[Check]) -> set:
    """The rule violations of the built graph, computed once per build and kept beside it."""
    from .build import ensure_built
    from .store import open_sparql

    # Keyed on the rules' text too: a rule added since would otherwise find rows the
    # graph already had, and blame them on the new file.
    rules = hashlib.sha256("\0".join(f"{c.name}\0{c.text}" for c in checks).encode("utf-8")).hexdigest()[:16]
    build, memo = ensure_built(project), f"rule-rows-{rules}"
    rows = build.recall(memo)
    if not isinstance(rows, list):
        rows = [[r.check.name, list(row)] for r in run_checks(open_sparql(project), checks) for row in r.rows]
        build.remember(memo, rows)
    return {(name, tuple(row)) for name, row in rows}


def _closure_sparql(triples: list[ox.Triple], reasoner: str) -> OxigraphSparql:
    """SPARQL over the triples (pyoxigraph Triples) and their OWL RL entailments."""
    import pyoxigraph as ox

    from .reason import infer
    from .sparql import OxigraphSparql

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in [*triples, *infer(triples, reasoner)])
    return OxigraphSparql(store)


def quote_problems(graph: Graph, sources_dir: Path, only: Graph | None = None,
                   locator: Locator | None = None) -> list[Finding]:
    """Quotes that do not occur (white space aside) in the text of the document they cite."""
    from rdflib.namespace import DCTERMS, PROV

    from .namespace import AP

    scope = only if only is not None else graph
    problems = []
    texts: dict[str, str] = {}
    for evidence, quote in scope.subject_objects(AP.quote):
        document = graph.value(evidence, PROV.wasQuotedFrom)
        file_name = graph.value(document, DCTERMS.identifier) if document is not None else None
        if file_name is None:
            continue
        if str(file_name) not in texts:
            try:
                texts[str(file_name)] = (sources_dir / str(file_name)).read_text(encoding="utf-8")
            except OSError:
                raise InputError(f"{sources_dir / str(file_name)}: the text of {shorten(str(document))} "
                                 "cannot be read") from None
        if _normalise(str(quote)) not in _normalise(texts[str(file_name)]):
            owner = next(iter(graph.subjects(AP.evidence, evidence)), evidence)
            problems.append(located(locator.where(owner) if locator else shorten(str(document)),
                                    locator.name(owner) if locator else shorten(str(owner)),
                                    f"the quote {str(quote)[:60]!r} does not occur in {file_name}"))
    return problems


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Locator:
    """Finds the line where a node's statements stand: in the new files, else in data/."""

    def __init__(self, files: list[tuple[Path, str]], graph: Graph, project: Project):
        self.files, self.graph, self.project = files, graph, project
        self.path = files[0][0]  # named when no line is found
        self.bindings = [(p, str(ns)) for p, ns in graph.namespaces() if p]

    def anchor(self, node: Node | None) -> tuple[Node | None, Node | None, int]:
        """The nearest IRI a blank node hangs from: (that IRI or None, the property into the node, levels)."""
        seen, levels, property_in = {node}, 0, None
        while _is_blank(node):
            parent = next(iter(self.graph.subject_predicates(node)), None)
            if parent is None or parent[0] in seen:  # a top-level [ ], or a cycle of blank nodes
                return None, property_in, levels
            node, levels = parent[0], levels + 1
            property_in = property_in or parent[1]
            seen.add(node)
        return node, property_in, levels

    def name(self, node: Node | None) -> str:
        """A short name: the IRI, or a blank node by the IRI it hangs from (never a chain of them)."""
        if not _is_blank(node):
            return shorten(str(node))
        owner, property_in, levels = self.anchor(node)
        if owner is None:
            return "[ ]"
        if levels == 1:
            return f"[ ] (the {shorten(str(property_in))} of {shorten(str(owner))})"
        return f"[ ] (the {shorten(str(property_in))} of a [ ] {levels - 1} level(s) under {shorten(str(owner))})"

    def where(self, node: Node | None) -> str:
        if _is_blank(node):
            node = self.anchor(node)[0]
            if node is None:
                return str(self.path)
        for path, text in self.files:
            line = _line_of(text, self._spellings(str(node), self.bindings))
            if line:
                return f"{path}:{line}"
        for data_file, content in self._data_texts():
            line = _line_of(content, self._spellings(str(node), prefix_lines(content)))
            if line:
                return f"{data_file.relative_to(self.project.root)}:{line}"
        return str(self.path)

    def _data_texts(self) -> list[tuple[Path, str]]:
        if not hasattr(self, "_texts"):  # read once, however many findings are located
            self._texts = [(path, path.read_text(encoding="utf-8")) for path in self.project.data_files()]
        return self._texts

    @staticmethod
    def _spellings(iri: str, bindings: list[tuple[str, str]]) -> list[str]:
        names = [f"<{iri}>"]
        for prefix, namespace in bindings:
            if iri.startswith(namespace) and iri != namespace:
                names.append(f"{prefix}:{iri[len(namespace):]}")
        return names


def prefix_lines(text: str) -> list[tuple[str, str]]:
    return re.findall(r"@prefix\s+([A-Za-z][\w-]*):\s*<([^>]*)>", text)


def _line_of(text: str, spellings: list[str]) -> int | None:
    """The first line that starts with the node as a subject, else the first that mentions it."""
    pattern = "|".join(re.escape(s) for s in spellings)
    subject = re.compile(rf"^\s*(?:{pattern})(?=[\s;,.]|$)")
    anywhere = re.compile(rf"(?:{pattern})(?=[\s;,.\])]|$)")
    mention = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        if subject.match(line):
            return number
        if mention is None and anywhere.search(line):
            mention = number
    return mention


INBOUND_LIMIT = 2000  # links into one node fetched for the rules (a country may have thousands)


def neighbourhood(new: list[ox.Triple], project: Project) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The part of the built graph that new facts (pyoxigraph Triples) can affect.

    Shapes look at a node's own triples and at the types of its values, so
    for every node the facts touch (their subjects, the IRIs they link to, and
    the nodes that share a literal value of the same property, which the
    uniqueness checks compare) the first list holds all its triples, the types
    and blank-node details of its values, and the whole ontology. The second
    holds the links into those nodes (up to INBOUND_LIMIT per node): the rules
    need them, SHACL does not (no shape uses an inverse path), and each partly
    seen node would be a finding to decode and drop. The links come from the
    reasoned graph: it is cheaper to read than the asserted view, and the
    rules run on the closure anyway. The linking nodes' classes are not
    fetched: the rules derive them from the links. A 20-triple file yields a
    few thousand triples, whatever the size of the graph.
    """
    from itertools import islice

    import pyoxigraph as ox

    from .namespace import ONTOLOGY_IRI
    from .store import open_store
    from .view import GraphView

    store = open_store(project, reasoned=False)
    reasoned = GraphView(store.store, reasoned=True)
    default = ox.DefaultGraph()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    touched: set[ox.NamedNode | ox.BlankNode | ox.Triple] = {
        n for t in new for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    for t in new:
        if isinstance(t.object, ox.Literal):
            touched |= {q.subject for q in store.quads_for_pattern(None, t.predicate, t.object, default)}
    around = list(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_IRI)))
    links: list[ox.Quad] = []

    def outgoing(node: ox.NamedNode | ox.BlankNode | ox.Triple) -> list[ox.Quad]:
        return list(store.quads_for_pattern(node, None, None, default))

    for node in touched:
        for quad in outgoing(node):
            around.append(quad)
            value = quad.object
            if isinstance(value, ox.BlankNode):
                around += outgoing(value)
            elif isinstance(value, ox.NamedNode):
                around += store.quads_for_pattern(value, rdf_type, None, default)
        links += islice(reasoned.quads_for_pattern(None, None, node, default), INBOUND_LIMIT)
    return list({q.triple for q in around}), list({q.triple for q in links})
