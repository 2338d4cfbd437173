"""The OWL 2 RL closure of the graph, computed with owlrl."""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from .namespace import BASE, bind_prefixes


@dataclass
class Closure:
    """The asserted triples, the closure, and what reasoning added that matters."""

    asserted: Graph
    closure: Graph

    def inferred(self) -> Graph:
        """Entailments about this project's own terms and individuals only.

        Left out: triples with a literal subject, ``x owl:sameAs x``, and the
        axiomatic triples about RDF, RDFS, OWL and other vocabularies, which
        stores reject or which only add noise.
        """
        kept = bind_prefixes(Graph())
        for s, p, o in self.closure:
            if (s, p, o) in self.asserted or isinstance(s, Literal):
                continue
            if p == OWL.sameAs and s == o:
                continue
            if not _is_ours(s):
                continue
            if isinstance(o, URIRef) and p == RDF.type and o in _NOISE_TYPES:
                continue
            kept.add((s, p, o))
        return kept


_NOISE_TYPES = {OWL.Thing, URIRef("http://www.w3.org/2000/01/rdf-schema#Resource")}


def _is_ours(node) -> bool:
    return isinstance(node, BNode) or (isinstance(node, URIRef) and str(node).startswith(BASE))


def owl_rl_closure(asserted: Graph) -> Closure:
    """Expand a copy of ``asserted`` to its OWL RL closure (the input is left as it is)."""
    closure = bind_prefixes(Graph())
    for triple in asserted:
        closure.add(triple)
    # improved_datatypes=False: owlrl's own literal converters replace rdflib's
    # process-wide and are not all put back afterwards, which made every
    # xsd:gMonthDay literal ill-typed for a later SHACL validation.
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False, improved_datatypes=False
    ).expand(closure)
    return Closure(asserted=asserted, closure=closure)
