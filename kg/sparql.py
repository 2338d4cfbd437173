"""SPARQL over a graph, by two implementations behind one small interface: ``sparql.query(text) -> Result``.

- :class:`OxigraphSparql`: pyoxigraph, used by the command line (fast).
- :class:`RdflibSparql`: rdflib's own SPARQL, the reference implementation
  the tests compare every saved query against.

(kg.remote.RemoteSparql asks a server the same way.) The default graph holds
the merge of all named graphs (see kg.build), and both refuse updates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from .errors import InputError, StoreDamaged, is_damage
from .prefixes import sparql_prologue
from .terms import Result, Term, from_oxigraph, from_rdflib

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph, Variable

    from .limits import Limits
    from .view import GraphView

READ_ONLY = "updates are refused: kg answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
NO_SERVICE = ("the query has a SERVICE clause, which would reach out to another server; "
              "give --allow-service to let it (bounded by --timeout)")

# SERVICE as a keyword: not a variable (?service), a prefixed name (ex:service, service:x) or inside
# a string, IRI or comment, which are blanked out first.
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:.-])", re.IGNORECASE)
_STRINGS_IRIS_COMMENTS = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'(?:[^\\]|\\.)*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                                    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>|#[^\n]*")


class Sparql(Protocol):
    """What answers SPARQL queries: OxigraphSparql, RdflibSparql, kg.remote.RemoteSparql."""

    def query(self, text: str, prefixes: dict[str, str] | None = None, pin: bool = False) -> Result: ...


class PinnedStore(Protocol):
    """Where the answers of pinned queries are kept (kg.pinned.PinnedAnswers)."""

    def read(self, text: str) -> Result | None: ...

    def write(self, text: str, result: Result) -> None: ...


def uses_service(text: str) -> bool:
    """Whether a query has a SERVICE clause (federated query), found without running or parsing it."""
    return bool(_SERVICE.search(_STRINGS_IRIS_COMMENTS.sub(" ", text)))


class OxigraphSparql:
    """Queries a pyoxigraph Store; ``pinned`` (kg.pinned) holds the answers of the pinned saved queries.

    ``limits`` (kg.limits) bound each query's time and memory; a SERVICE clause
    is refused before anything runs unless ``allow_service``.
    """

    def __init__(self, store: GraphView | ox.Store, pinned: PinnedStore | None = None, limits: Limits | None = None,
                 allow_service: bool = False):
        self.store = store
        self.pinned = pinned
        self.limits = limits
        self.allow_service = allow_service

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
        from .limits import run_within

        if not self.allow_service and uses_service(text):
            raise InputError(READ_ONLY if _parses_as_update(text, prefixes or {}) else NO_SERVICE)
        return run_within(lambda: self._answer(text, prefixes), self.limits)

    def _answer(self, text: str, prefixes: dict[str, str] | None) -> Result:
        try:
            return self._read(text, prefixes)
        except (OSError, RuntimeError) as error:
            directory = getattr(self.store, "directory", None)
            if directory is not None and is_damage(error):
                raise StoreDamaged(directory, _first_line(error)) from None
            if isinstance(error, RuntimeError):  # Oxigraph cannot evaluate it, e.g. a custom function
                raise InputError(f"the query cannot be answered: {_first_line(error)}") from None
            raise

    def _read(self, text: str, prefixes: dict[str, str] | None) -> Result:
        import pyoxigraph as ox

        try:
            answer = self.store.query(text, prefixes=prefixes)
        except SyntaxError as error:
            if _parses_as_update(text, prefixes or {}):
                raise InputError(READ_ONLY) from None
            raise InputError(f"SPARQL syntax error: {_first_line(error)}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result(form="ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            columns = list(enumerate(variables))
            # A large answer repeats its terms: each one is converted once.
            converted: dict[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, Term] = {}
            rows = []
            for solution in answer:
                row: dict[str, Term] = {}
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
    parses: nothing real is read or touched. A query with SERVICE is parsed by
    rdflib instead, since running it, even on an empty store, would reach out.
    """
    import pyoxigraph as ox

    if uses_service(text):
        _parse_only(text)
        return
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        if _parses_as_update(text, {}):
            raise InputError(READ_ONLY) from None
        raise InputError(f"SPARQL syntax error: {_first_line(error)}") from None
    except (RuntimeError, ValueError):
        pass  # it parses; what an empty store cannot evaluate (a custom function) is for the endpoint to answer


def _parse_only(text: str) -> None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except ParseException as error:
        if _parses_as_update(text, {}):
            raise InputError(READ_ONLY) from None
        raise InputError(f"SPARQL syntax error: {_first_line(error)}") from None


def _parses_as_update(text: str, prefixes: dict[str, str]) -> bool:
    """Whether the text is a SPARQL update, found by parsing alone.

    Parsed, never run: running even on an empty store would fetch a LOAD's
    address and a SERVICE's before the update could be refused.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql_prologue(prefixes) + text)
    except (ParseException, RecursionError, ValueError):
        return False
    return True


class RdflibSparql:
    """Queries an rdflib Dataset (or Graph) with rdflib's SPARQL engine."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def query(self, text: str, prefixes: dict[str, str] | None = None, pin: bool = False) -> Result:
        """The answer to ``text``; ``pin`` is ignored: rdflib always computes it, as the reference."""
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseUpdate

        if uses_service(text):  # rdflib would fetch it, with no deadline
            raise InputError(NO_SERVICE)
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
            variables = [str(v) for v in answer.vars or []]
            rows = []
            for binding in answer.bindings:
                row: dict[str, Term] = {}
                for name in variables:
                    term = from_rdflib(binding.get(_variable(name)))
                    if term is not None:
                        row[name] = term
                rows.append(row)
            return Result(form="select", variables=variables, rows=rows)
        triples = [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in answer.graph or ()]
        return Result(form="graph", triples=triples)


def _variable(name: str) -> Variable:
    from rdflib import Variable

    return Variable(name)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
