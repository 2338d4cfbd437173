"""SHACL validation of the asserted graph, reported as plain findings.

The shapes check the asserted facts (ontology + data, no reasoning): the
ontology's domains and ranges make OWL RL infer types, so a type constraint
checked on the closure could never fail.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import KgError
from .prefixes import shorten
from .project import Project, default_project


@dataclass(frozen=True, order=True)
class Finding:
    """One result of a SHACL validation, in terms a reader can act on."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str  # the node, as a prefixed name ("[ ]" for a blank node)
    path: str  # the property, as a prefixed name, or "" for a node-level check
    value: str  # the offending value, or ""
    message: str
    shape: str  # the shape that reported it
    component: str  # the SHACL constraint component, e.g. "sh:MinCountConstraintComponent"
    focus_node: object = field(default=None, compare=False, repr=False)  # the rdflib term, when known

    def line(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value and self.value not in self.message else ""
        return f"[{self.severity}] {self.focus}{where}: {self.message}{value} ({self.shape})"


@dataclass
class Report:
    """The outcome of validating a graph against the shapes."""

    findings: list[Finding] = field(default_factory=list)
    report_graph: object = None  # the sh:ValidationReport as an rdflib Graph, when computed

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    @property
    def violations(self) -> int:
        return sum(f.severity == "Violation" for f in self.findings)

    def to_text(self) -> str:
        lines = [f.line() for f in self.findings]
        if self.conforms:
            lines.append("Conforms: no violations found." if not self.findings
                         else f"Conforms: no violations, {len(self.findings)} other finding(s).")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        findings = [{k: v for k, v in asdict(f).items() if k != "focus_node"} for f in self.findings]
        return json.dumps({"conforms": self.conforms, "violations": self.violations,
                           "findings": findings}, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        if self.report_graph is None:
            raise KgError("the SHACL report graph was not kept; validate without the cache")
        from .namespace import bind_prefixes

        return bind_prefixes(self.report_graph).serialize(format="turtle")


def validate_graph(data, shapes, validator: str = "pyshacl") -> Report:
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


_OPTIONS = {"inference": "none", "advanced": True, "allow_warnings": True}


def _turbo_report(data, shapes):
    """pyshacl-turbo's report graph; N-Triples text is validated in two threads, half the shapes each.

    Turbo's Rust engine lets go of the GIL, so on two cores the halves run
    side by side (25 s become 17 s at a million triples). Every half sees all
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
    reports, errors = [], []

    def run(half):
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


def _checked(outcome):
    """The report graph of a validate() call; pySHACL-style APIs return a failure instead of raising."""
    from rdflib import Graph

    _conforms, report_graph, text = outcome
    if not isinstance(report_graph, Graph):
        raise KgError(f"the shapes could not be applied: {getattr(report_graph, 'message', text)}")
    return report_graph


def _one_report(reports):
    """Several SHACL report graphs as one: one sh:ValidationReport holding every result."""
    from rdflib import Literal
    from rdflib.namespace import RDF, SH, XSD

    merged = reports[0]
    report = merged.value(predicate=RDF.type, object=SH.ValidationReport)
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


def validate_project(project: Project | None = None, use_cache: bool = True, engines=None) -> Report:
    """Validate the shipped graph against the shapes, with the chosen validator.

    The findings are cached, keyed on the content of ontology/ and data/ and
    of the shapes, so an unchanged graph is not validated twice. pySHACL gets
    the graph as rdflib parses it; pyshacl-turbo gets it as Oxigraph parses it,
    so a large graph is never parsed by rdflib.
    """
    from .settings import choose

    project = project or default_project()
    engines = engines or choose(project=project)
    cached = _cache_path(project, engines.validator) if use_cache else None
    if cached is not None and cached.exists():
        try:  # a damaged or edited file is validated again, never trusted
            stored = json.loads(cached.read_text(encoding="utf-8"))
            if stored.pop("sha256", None) == _digest(stored):
                return Report(findings=[Finding(**f) for f in stored["findings"]])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    from .load import load_shapes  # rdflib: only when there is work to do

    if engines.validator == "pyshacl-turbo":
        data = asserted_text(project)
    else:
        from .load import load_dataset, merged_graph

        data = merged_graph(load_dataset(project))
    report = validate_graph(data, load_shapes(project), engines.validator)
    if cached is not None:
        from .files import write_atomically

        stored = json.loads(report.to_json())
        stored["sha256"] = _digest(stored)
        try:
            write_atomically(cached, json.dumps(stored, indent=2, ensure_ascii=False) + "\n")
        except OSError:
            pass  # a cache that cannot be written only costs the validation again
    return report


def _digest(stored: dict) -> str:
    """The SHA-256 of the cached findings, kept in their file and checked before they are used."""
    return hashlib.sha256(json.dumps(stored, sort_keys=True).encode("utf-8")).hexdigest()


def asserted_text(project: Project | None = None) -> str:
    """The asserted merge (ontology + data) as N-Triples text, parsed from the sources by Oxigraph.

    Read from the sources, not from the built store: Oxigraph parses a million
    triples in seconds, where reading them back from RocksDB takes half a minute.
    """
    from .store import merged_statements, read_sources

    return "".join(f"{statement} .\n" for statement in merged_statements(read_sources(project or default_project())))


def _cache_path(project: Project, validator: str):
    from .store import cache_dir, fingerprint

    shapes_hash = hashlib.sha256(project.shapes_file.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]
    return cache_dir(project) / fingerprint(project) / f"validation-{validator}-{shapes_hash}.json"


def _findings(report, shapes):
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


def _shape_name(shapes, shape) -> str:
    """A shape's name; an anonymous property shape is named by the node shape that holds it."""
    from rdflib import BNode
    from rdflib.namespace import SH

    if isinstance(shape, BNode):
        owner = shapes.value(predicate=SH.property, object=shape)
        if owner is not None:
            return _shape_name(shapes, owner)
    return _show(shape)


def _show_path(graph, path) -> str:
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


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1] if iri is not None else "Violation"


def _show(node) -> str:
    from rdflib import BNode, Literal

    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[ ]"
    if isinstance(node, Literal):
        return repr(str(node)) if node.datatype is None else f'"{node}"^^{shorten(str(node.datatype))}'
    return shorten(str(node))


@dataclass
class ShippedReport(Report):
    """The shipped graph's SHACL findings, plus rule failures and quote problems."""

    failed_rules: list = field(default_factory=list)
    quote_problems: list = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return (super().conforms and not self.quote_problems
                and not any(r.check.severity == "error" for r in self.failed_rules))

    @property
    def violations(self) -> int:
        return (super().violations + len(self.quote_problems)
                + sum(len(r.rows) for r in self.failed_rules if r.check.severity == "error"))

    def to_text(self) -> str:
        from .checks import failure_lines

        lines = [f.line() for f in self.findings] + failure_lines(self.failed_rules)
        lines += [problem.line() for problem in self.quote_problems]
        if self.conforms:
            lines.append("Conforms: no violations found." if len(lines) == 0
                         else f"Conforms: no violations, {len(lines)} other finding(s).")
        return "\n".join(lines) + "\n"


def validate_shipped(project: Project | None = None, sources_dir=None, keep_report_graph: bool = False) -> ShippedReport:
    """The shipped graph against the shapes and the rules, and its quotes against ``sources_dir``."""
    from .checks import load_checks, run_checks
    from .store import open_engine

    project = project or default_project()
    base = validate_project(project, use_cache=not keep_report_graph)
    report = ShippedReport(findings=base.findings, report_graph=base.report_graph)
    rules = run_checks(open_engine(project), load_checks(project.queries_dir / "rules"))
    report.failed_rules = [r for r in rules if not r.passed]
    if sources_dir is not None:
        from .curate import quote_problems
        from .load import load_dataset, merged_graph

        report.quote_problems = quote_problems(merged_graph(load_dataset(project)), Path(sources_dir))
    return report


# =============================================================================
# Validating new facts against a graph of any size
# =============================================================================

INBOUND_LIMIT = 2000  # links into one node fetched for the rules (a country may have thousands)


def neighbourhood(new, project: Project | None = None) -> tuple[list, list]:
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
    from .store import GraphView, open_store

    store = open_store(project, reasoned=False)
    reasoned = GraphView(store.store, reasoned=True)
    default = ox.DefaultGraph()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    touched = {n for t in new for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    for t in new:
        if isinstance(t.object, ox.Literal):
            touched |= {q.subject for q in store.quads_for_pattern(None, t.predicate, t.object, default)}
    around = list(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_IRI)))
    links = []

    def outgoing(node):
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
