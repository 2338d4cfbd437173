"""The namespaces of astana-kg as rdflib Namespaces (prefix strings live in kg.prefixes)."""

from typing import TypeVar

from rdflib import Graph, Namespace

from .prefixes import BASE, INFERRED_GRAPH, ONTOLOGY_IRI, PREFIXES, REFERENCE_GRAPH, shorten  # noqa: F401

AP = Namespace(PREFIXES["ap"])
APS = Namespace(PREFIXES["aps"])
RES = Namespace(PREFIXES["res"])
DOC = Namespace(PREFIXES["doc"])
SRC = Namespace(PREFIXES["src"])
WD = Namespace(PREFIXES["wd"])


AnyGraph = TypeVar("AnyGraph", bound=Graph)


def bind_prefixes(graph: AnyGraph) -> AnyGraph:
    """Bind the project's prefixes on an rdflib graph, replacing rdflib's defaults."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    return graph
