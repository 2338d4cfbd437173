"""astana-kg: a knowledge graph of the Astana Process on Syria.

The library API (each module returns values and never prints):

- :mod:`kg.load`      read the ontology and data into an rdflib Dataset
- :mod:`kg.settings`  which engine parses, queries, reasons and validates
- :mod:`kg.store`     the parsed and reasoned graph, built once into an on-disk store
- :mod:`kg.reason`    the OWL RL closure (owlrl, compiled rules, reasonable)
- :mod:`kg.validate`  SHACL validation with readable findings, whole graph or around new facts
- :mod:`kg.errors`    the exceptions, each with its exit code

The ``kg`` command line (:mod:`kg.cli`) is a thin layer over these.
"""

__version__ = "0.1.0"
