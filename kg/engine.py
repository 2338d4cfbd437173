"""The engine: which implementation does each part of the work (parser, query, reasoner, validator).

"Engine" names the whole choice and nothing else; its parts are the parser,
the query part (SPARQL, kg.sparql), the reasoner (kg.reason) and the
validator (kg.validate). The reference implementations (rdflib, owlrl,
pySHACL) are exact and are what the tests compare against; on a large graph
the work goes to implementations built for it (pyoxigraph, the compiled OWL
RL rules, pyshacl-turbo).

A choice is written as ``auto`` (the default), ``reference``, ``fast``, or a
comma-separated list of ``part=implementation`` that overrides ``auto`` part by part
(``reasoner=owlrl,validator=pyshacl-turbo``). It comes from ``kg --engine`` or
``$KG_ENGINE``, read by kg.workspace. ``auto`` is the fast engines at every size: the tests prove
they give the reference engines' entailments, findings and rows
(tests/test_engines.py), and they are the faster at every size, the shipped
graph included. ``reference`` (or ``query=rdflib`` and the like) is for
anyone who wants the reference engines' own answer.

Kept free of rdflib so that commands answered from the cache start fast.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .errors import InputError

CHOICES = {
    "parser": ("rdflib", "oxigraph"),
    "query": ("oxigraph", "rdflib"),
    "reasoner": ("owlrl", "rules", "reasonable"),
    "validator": ("pyshacl", "pyshacl-turbo"),
}


@dataclass(frozen=True)
class Engine:
    """The engine: one implementation per part of the work."""

    parser: str
    query: str
    reasoner: str
    validator: str

    def describe(self) -> str:
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


REFERENCE = Engine(parser="rdflib", query="rdflib", reasoner="owlrl", validator="pyshacl")
FAST = Engine(parser="oxigraph", query="oxigraph", reasoner="rules", validator="pyshacl-turbo")


def parse_choice(spec: str) -> Engine | dict:
    """A fixed set of engines (``reference``, ``fast``), or the steps that override ``auto``."""
    spec = spec.strip() or "auto"
    if spec == "reference":
        return REFERENCE
    if spec == "fast":
        return FAST
    overrides = {}
    for part in spec.split(","):
        part = part.strip()
        if part == "auto":
            continue
        step, _, engine = part.partition("=")
        if step not in CHOICES or engine not in CHOICES[step]:
            raise InputError(f"--engine: {part!r} is not understood; use auto, reference, fast, or "
                             + ", ".join(f"{step}={'|'.join(names)}" for step, names in CHOICES.items()))
        overrides[step] = engine
    return overrides


def choose(spec: str = "auto") -> Engine:
    """The engine ``spec`` names (``auto``, the fast implementations, when empty)."""
    choice = parse_choice(spec)
    if isinstance(choice, Engine):
        return choice
    return replace(FAST, **choice)
