"""SHACL validation of the asserted graph, reported as plain findings.

The shapes check the asserted facts (ontology + data, no reasoning): the
ontology's domains and ranges make OWL RL infer types, so a type constraint
checked on the closure could never fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from .errors import KgError
from .load import Project, default_project, load_dataset, load_shapes, merged_graph
from .namespace import shorten


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

    def line(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value and self.value not in self.message else ""
        return f"[{self.severity}] {self.focus}{where}: {self.message}{value} ({self.shape})"


@dataclass
class Report:
    """The outcome of validating a graph against the shapes."""

    findings: list[Finding] = field(default_factory=list)
    report_graph: Graph | None = None

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)


def validate_graph(data: Graph, shapes: Graph) -> Report:
    """Validate one graph (already merged: ontology + facts) against a shapes graph."""
    _conforms, report_graph, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if not isinstance(report_graph, Graph):  # pySHACL returns its failure instead of raising
        raise KgError(f"the shapes could not be applied: {getattr(report_graph, 'message', text)}")
    return Report(findings=sorted(_findings(report_graph, shapes)), report_graph=report_graph)


def validate_project(project: Project | None = None, extra_files=()) -> Report:
    """Validate the shipped graph, plus any extra Turtle files, against the shapes."""
    project = project or default_project()
    dataset = load_dataset(project, extra_files=list(extra_files))
    return validate_graph(merged_graph(dataset), load_shapes(project))


def _findings(report: Graph, shapes: Graph):
    for result in report.subjects(RDF.type, SH.ValidationResult):
        yield Finding(
            severity=_local(report.value(result, SH.resultSeverity)),
            focus=_show(report.value(result, SH.focusNode)),
            path=_show_path(report, report.value(result, SH.resultPath)),
            value=_show(report.value(result, SH.value)),
            message=_IRI.sub(lambda m: shorten(m.group(1)), str(report.value(result, SH.resultMessage) or "")),
            shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
            component=_show(report.value(result, SH.sourceConstraintComponent)),
        )


_IRI = re.compile(r"<?(https?://[^\s<>\"]+)>?")


def _shape_name(shapes: Graph, shape) -> str:
    """A shape's name; an anonymous property shape is named by the node shape that holds it."""
    if isinstance(shape, BNode):
        owner = shapes.value(predicate=SH.property, object=shape)
        if owner is not None:
            return _shape_name(shapes, owner)
    return _show(shape)


def _show_path(graph: Graph, path) -> str:
    """A SHACL property path in SPARQL's notation: ``ap:a|ap:b``, ``^ap:a``, ``ap:a/ap:b``."""
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
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[ ]"
    if isinstance(node, Literal):
        return repr(str(node)) if node.datatype is None else f'"{node}"^^{shorten(str(node.datatype))}'
    return shorten(str(node))
