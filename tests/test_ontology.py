"""The ontology: a proper header, and every term labelled and defined."""

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.namespace import AP, ONTOLOGY_IRI


def test_ontology_header(ontology_graph):
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in ontology_graph
    for prop in (DCTERMS.title, DCTERMS.description, OWL.versionIRI, DCTERMS.license,
                 DCTERMS.creator, DCTERMS.created):
        assert ontology_graph.value(ontology, prop) is not None, prop


def own_terms(graph):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for kind in kinds for s in graph.subjects(RDF.type, kind)
                   if isinstance(s, URIRef) and str(s).startswith(str(AP))})


def test_there_are_terms(ontology_graph):
    assert len(own_terms(ontology_graph)) > 60


def test_every_term_has_an_english_label_and_definition(ontology_graph):
    for term in own_terms(ontology_graph):
        labels = [l for l in ontology_graph.objects(term, RDFS.label) if l.language == "en"]
        definitions = [d for d in ontology_graph.objects(term, SKOS.definition) if d.language == "en"]
        assert len(labels) == 1 and len(definitions) == 1, term
        assert ontology_graph.value(term, RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI), term


@pytest.mark.parametrize("construct", [OWL.unionOf, OWL.complementOf, OWL.oneOf, OWL.hasSelf,
                                        OWL.minCardinality, OWL.cardinality])
def test_no_construct_outside_owl2_rl(ontology_graph, construct):
    """These constructs are outside OWL 2 RL where we would use them (superclass side)."""
    assert list(ontology_graph.subject_objects(construct)) == []
