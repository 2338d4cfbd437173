"""Which engine does each step: parsing, querying, reasoning, validation.

The reference implementations (rdflib, owlrl, pySHACL) are exact and are
what the tests compare against; on a large graph the work goes to engines
built for it (pyoxigraph, the compiled OWL RL rules, pyshacl-turbo).

A choice is written as ``auto`` (the default), ``reference``, ``fast``, or a
comma-separated list of ``step=engine`` that overrides ``auto`` step by step
(``reasoner=owlrl,validator=pyshacl-turbo``). It comes from ``kg --engine`` or
``$KG_ENGINE``. ``auto`` uses the engines that are fastest at the size of the
input: below AUTO_FAST_ABOVE_BYTES of Turtle (about 35,000 triples) rdflib
parses, owlrl reasons and pySHACL validates, as they always have here; above
it, everything goes to the fast engines. ``auto`` always queries with
pyoxigraph; ``reference`` and ``query=rdflib`` query with rdflib.

Kept free of rdflib so that commands answered from the cache start fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from .errors import InputError

AUTO_FAST_ABOVE_BYTES = 5_000_000

CHOICES = {
    "parser": ("rdflib", "oxigraph"),
    "query": ("oxigraph", "rdflib"),
    "reasoner": ("owlrl", "rules", "reasonable"),
    "validator": ("pyshacl", "pyshacl-turbo"),
}


@dataclass(frozen=True)
class Engines:
    """One engine per step."""

    parser: str
    query: str
    reasoner: str
    validator: str

    def describe(self) -> str:
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


REFERENCE = Engines(parser="rdflib", query="rdflib", reasoner="owlrl", validator="pyshacl")
FAST = Engines(parser="oxigraph", query="oxigraph", reasoner="rules", validator="pyshacl-turbo")
SMALL = Engines(parser="rdflib", query="oxigraph", reasoner="owlrl", validator="pyshacl")


def input_bytes(project) -> int:
    return sum(path.stat().st_size for path in project.input_files())


def parse_choice(spec: str) -> Engines | dict:
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


def choose(spec: str | None = None, project=None) -> Engines:
    """The engines for ``spec`` (default: $KG_ENGINE, else ``auto``) on ``project``'s size."""
    choice = parse_choice(spec if spec is not None else os.environ.get("KG_ENGINE", ""))
    if isinstance(choice, Engines):
        return choice
    if project is None:
        from .project import default_project

        project = default_project()
    base = FAST if input_bytes(project) > AUTO_FAST_ABOVE_BYTES else SMALL
    return replace(base, **choice)
