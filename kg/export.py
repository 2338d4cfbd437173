"""Write the graph in the standard RDF serializations.

N-Quads and TriG keep one named graph per source document (and, with the
reasoned graph, the inferred triples in their own graph); Turtle, N-Triples
and JSON-LD hold the merged graph, each triple once.
"""

from __future__ import annotations

from .errors import InputError
from .project import Project
from .prefixes import PREFIXES
from .store import open_store

EXPORT_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "trig": "TRIG",
                  "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
DATASET_FORMATS = ("nq", "trig")


def format_for_path(path: str) -> str:
    """The export format a file name implies (``closure.nt`` → ``nt``)."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    aliases = {"turtle": "ttl", "nquads": "nq", "json": "jsonld", "rdf": "rdfxml", "xml": "rdfxml"}
    fmt = aliases.get(suffix, suffix)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"{path}: cannot tell the format from the extension; use one of "
                         + ", ".join("." + f for f in EXPORT_FORMATS))
    return fmt


def export_graph(fmt: str, reasoned: bool = False, project: Project | None = None) -> bytes:
    """The graph (asserted, or with its OWL RL entailments) serialized as ``fmt``."""
    import pyoxigraph as ox

    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    store = open_store(project, reasoned=reasoned)
    rdf_format = getattr(ox.RdfFormat, EXPORT_FORMATS[fmt])
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if fmt in DATASET_FORMATS:
        quads = sorted((q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)), key=str)
        return ox.serialize(quads, format=rdf_format, prefixes=prefixes)
    triples = sorted((q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())), key=str)
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes)
