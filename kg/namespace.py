"""The namespaces of astana-kg and the prefixes used to show IRIs."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/astana-kg/"
AP = Namespace(BASE + "ontology#")
APS = Namespace(BASE + "shapes#")
RES = Namespace(BASE + "resource/")
DOC = Namespace(BASE + "resource/document/")
SRC = Namespace(BASE + "resource/source/")
WD = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_IRI = BASE + "ontology"
REFERENCE_GRAPH = BASE + "resource/graph/reference"

# Longest namespace first, so that doc: wins over res: when shortening.
PREFIXES = {
    "ap": AP,
    "aps": APS,
    "doc": DOC,
    "src": SRC,
    "res": RES,
    "wd": WD,
    "dcterms": DCTERMS,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "sh": SH,
    "skos": SKOS,
    "xsd": XSD,
}


def bind_prefixes(graph):
    """Bind the project's prefixes on an rdflib graph, replacing rdflib's defaults."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def shorten(iri: str) -> str:
    """Show an IRI as a prefixed name where a known namespace covers it."""
    best = None
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    if best is None:
        return f"<{iri}>"
    return f"{best[0]}:{iri[len(best[1]):]}"
