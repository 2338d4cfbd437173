"""Two SPARQL engines behind one small interface: ``engine.query(text) -> Result``.

- :class:`OxigraphEngine`: pyoxigraph, used by the command line (fast).
- :class:`RdflibEngine`: rdflib's own engine, the reference implementation
  the tests compare every saved query against.

The default graph holds the merge of all named graphs (see kg.store), and
both engines refuse updates.
"""

from __future__ import annotations

from .errors import InputError
from .prefixes import sparql_prologue
from .terms import Result, from_oxigraph, from_rdflib

READ_ONLY = "updates are refused: kg answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"


class OxigraphEngine:
    """Queries a pyoxigraph Store; ``pinned`` (kg.pinned) holds the answers of the pinned saved queries."""

    def __init__(self, store, pinned=None):
        self.store = store
        self.pinned = pinned

    def query(self, text: str, prefixes: dict[str, str] | None = None, pin: bool = False) -> Result:
        """The answer to ``text``; with ``pin`` (a pinned saved query's text), the pinned answer, pinned first if new."""
        if not pin or self.pinned is None:
            return self._query(text, prefixes)
        answer = self.pinned.read(text)
        if answer is None:
            answer = self._query(text, prefixes)
            self.pinned.write(text, answer)
        return answer

    def _query(self, text: str, prefixes: dict[str, str] | None) -> Result:
        import pyoxigraph as ox

        try:
            answer = self.store.query(text, prefixes=prefixes)
        except SyntaxError as error:
            if _parses_as_update_oxigraph(text, prefixes or {}):
                raise InputError(READ_ONLY) from None
            raise InputError(f"SPARQL syntax error: {_first_line(error)}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result(form="ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            columns = list(enumerate(variables))
            converted = {}  # a large answer repeats its terms: convert each one once
            rows = []
            for solution in answer:
                row = {}
                for index, name in columns:
                    value = solution[index]
                    if value is not None:
                        term = converted.get(value)
                        if term is None:
                            term = converted[value] = from_oxigraph(value)
                        row[name] = term
                rows.append(row)
            return Result(form="select", variables=variables, rows=rows)
        triples = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
                   for t in answer]
        return Result(form="graph", triples=triples)


def check_read_only_query(text: str) -> None:
    """Raise InputError unless ``text`` parses as a SPARQL query (an update is refused).

    The query runs against an empty in-memory store, which is how pyoxigraph
    parses: nothing real is read or touched.
    """
    import pyoxigraph as ox

    try:
        ox.Store().query(text)
    except SyntaxError as error:
        if _parses_as_update_oxigraph(text, {}):
            raise InputError(READ_ONLY) from None
        raise InputError(f"SPARQL syntax error: {_first_line(error)}") from None


def _parses_as_update_oxigraph(text: str, prefixes: dict[str, str]) -> bool:
    import pyoxigraph as ox

    try:
        ox.Store().update(sparql_prologue(prefixes) + text)  # a throwaway empty store: nothing real is touched
    except (SyntaxError, OSError):
        return False
    return True


class RdflibEngine:
    """Queries an rdflib Dataset (or Graph) with rdflib's SPARQL engine."""

    def __init__(self, graph):
        self.graph = graph

    def query(self, text: str, prefixes: dict[str, str] | None = None, pin: bool = False) -> Result:
        """The answer to ``text``; ``pin`` is ignored: rdflib always computes it, as the reference."""
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseUpdate

        try:
            answer = self.graph.query(text, initNs=prefixes or {})
        except ParseException as error:
            try:
                parseUpdate(sparql_prologue(prefixes or {}) + text)
            except ParseException:
                raise InputError(f"SPARQL syntax error: {_first_line(error)}") from None
            raise InputError(READ_ONLY) from None
        if answer.type == "ASK":
            return Result(form="ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows = []
            for binding in answer.bindings:
                row = {}
                for name in variables:
                    term = from_rdflib(binding.get(_variable(name)))
                    if term is not None:
                        row[name] = term
                rows.append(row)
            return Result(form="select", variables=variables, rows=rows)
        triples = [tuple(from_rdflib(x) for x in triple) for triple in answer.graph]
        return Result(form="graph", triples=triples)


def _variable(name):
    from rdflib import Variable

    return Variable(name)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
