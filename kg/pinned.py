"""Pinned saved queries: answered once per build of the store, read back after.

A saved query whose header says ``pinned: true`` lists or sums up the whole
graph (``delegates``, ``participation``, ``documents``, ...): at a million
triples Oxigraph takes up to seconds to read a hundred thousand rows out of
RocksDB and sort them, and no rewrite of the text changes that. The answer
depends only on the store and the query's text, so the build computes it once,
beside the store,

    .kg-cache/<fingerprint>/pinned/<digest of the text and Oxigraph's version>.json

and ``kg query`` reads it back, as QLever answers a pinned query from its
cache. New sources make a new build, so a pin never outlives its data; an
edited query has a new digest, so its first run computes and pins it again.
Only the run without parameters is pinned, only on the reasoned graph, and
only in the local store: a parameter, ``--no-reason``, ``--engine query=rdflib``
or ``--endpoint`` asks the store or the endpoint every time.

The file holds each distinct term once and the rows as indices into that list,
so that reading it back makes each term once, as a query's answer does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .files import write_atomically
from .terms import Result, Term

if TYPE_CHECKING:
    from .queries import SavedQuery
    from .sparql import Sparql

FORMAT = 1


class PinnedAnswers:
    """The pinned answers of one build, kept in ``directory``."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path(self, text: str) -> Path:
        import pyoxigraph as ox

        digest = hashlib.sha256(f"{ox.__version__}\0{text}".encode()).hexdigest()[:20]
        return self.directory / f"{digest}.json"

    def read(self, text: str) -> Result | None:
        """The pinned answer to ``text``, or None if there is none (or it cannot be read)."""
        try:
            stored = json.loads(self.path(text).read_text(encoding="utf-8"))
            if stored.pop("sha256", None) != _digest(stored):  # edited or damaged: recomputed, never served
                return None
            return decode(stored)
        except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
            return None

    def write(self, text: str, result: Result) -> None:
        """Pin ``result`` as the answer to ``text``; a cache that cannot be written only costs the query again."""
        try:
            encoded = encode(result)
            encoded["sha256"] = _digest(encoded)
            write_atomically(self.path(text), json.dumps(encoded, separators=(",", ":")))
        except OSError:
            pass


def pin_saved_queries(queries: Iterable[SavedQuery], sparql: Sparql, pins: PinnedAnswers,
                      progress: Callable[[str], None] = lambda message: None) -> list[str]:
    """Answer every pinned saved query that has no pin yet, and pin it; return their names.

    Oxigraph evaluates a query without holding the GIL, so the queries run on
    every core, sooner than one at a time (docs/design-figures.md).
    A query Oxigraph refuses is left unpinned, for `kg query` to report.
    """
    from concurrent.futures import ThreadPoolExecutor

    due = [query for query in queries if query.pinned and not pins.path(query.text).is_file()]
    if not due:
        return []
    progress(f"pinning the answers of {', '.join(query.name for query in due)}")

    def pin(query: SavedQuery) -> str | None:
        try:
            pins.write(query.text, sparql.query(query.text))
        except InputError:
            return None
        return query.name

    with ThreadPoolExecutor(max_workers=min(len(due), os.cpu_count() or 1)) as pool:
        return [name for name in pool.map(pin, due) if name]


# --- the file ------------------------------------------------------------------------

def _digest(encoded: dict) -> str:
    """The SHA-256 of an answer's JSON, written into its file and checked before the answer is used."""
    return hashlib.sha256(json.dumps(encoded, separators=(",", ":")).encode("utf-8")).hexdigest()


def encode(result: Result) -> dict:
    """A result as JSON: its distinct terms once, rows (or triples) as indices into them."""
    index: dict[Term, int] = {}
    terms: list[list] = []

    def number(term: Term | None) -> int | None:
        if term is None:
            return None
        found = index.get(term)
        if found is None:
            found = index[term] = len(terms)
            fields = [term.kind, term.value, term.datatype, term.lang]
            while fields[-1] is None:
                fields.pop()
            terms.append(fields)
        return found

    encoded = {"format": FORMAT, "form": result.form}
    if result.form == "ask":
        encoded["boolean"] = result.boolean
    elif result.form == "select":
        encoded["variables"] = result.variables
        encoded["rows"] = [[number(row.get(v)) for v in result.variables] for row in result.rows]
    else:
        encoded["triples"] = [[number(term) for term in triple] for triple in result.triples]
    encoded["terms"] = terms
    return encoded


def decode(data: dict) -> Result:
    if data["format"] != FORMAT:
        raise ValueError(f"pinned answer format {data['format']}, expected {FORMAT}")
    terms = [Term(*fields) for fields in data["terms"]]
    if data["form"] == "ask":
        return Result(form="ask", boolean=bool(data["boolean"]))
    if data["form"] == "select":
        variables = data["variables"]
        rows = [{v: terms[i] for v, i in zip(variables, row) if i is not None} for row in data["rows"]]
        return Result(form="select", variables=variables, rows=rows)
    return Result(form="graph", triples=[tuple(terms[i] for i in triple) for triple in data["triples"]])
