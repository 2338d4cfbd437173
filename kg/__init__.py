"""astana-kg: a knowledge graph of the Astana Process on Syria.

The library API (each module returns values and never prints):

- :mod:`kg.load`      read the ontology and data into an rdflib Dataset
- :mod:`kg.reason`    the OWL RL closure
- :mod:`kg.validate`  SHACL validation with readable findings
- :mod:`kg.errors`    the exceptions, each with its exit code

The ``kg`` command line (:mod:`kg.cli`) is a thin layer over these.
"""

__version__ = "0.1.0"
