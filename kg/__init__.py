"""astana-kg: a knowledge graph of the Astana Process on Syria.

A library (each module returns values and never prints) with the ``kg``
command line (:mod:`kg.cli`) as a thin layer over it. docs/modules.md says
what each module holds, in the order the graph is made and used; start with
:mod:`kg.project` (where things are), :mod:`kg.build` (the graph, built once),
:mod:`kg.store` (opening it), :mod:`kg.validate` and :mod:`kg.errors`.
"""

__version__ = "0.1.0"
