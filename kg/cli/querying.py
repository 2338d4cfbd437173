"""Asking questions: saved queries, ad-hoc SPARQL, one entity, text search, statistics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError
from ..formats import GRAPH_FORMATS, RESULT_FORMATS
from .common import (
    EPILOG,
    KgCommandError,
    default_format,
    echo_text,
    format_option,
    reason_option,
    remote_options,
    sparql_from_options,
    workspace,
)

if TYPE_CHECKING:
    from ..queries import Parameter, SavedQuery


@click.command("queries", epilog=EPILOG)
def list_queries() -> None:
    """List the saved queries with their summary, tags and parameters.

    A pinned query is answered once when the graph is built, and read back after.

    \b
    Example:
        kg queries
    """
    from ..queries import load_saved_queries

    folder = workspace().queries_dir
    saved = load_saved_queries(folder)
    if not saved:
        raise KgCommandError(InputError(f"{folder}: no saved queries (*.rq); is --root (or $KG_ROOT) a checkout?"))
    width = max(len(name) for name in saved)
    for name, query in saved.items():
        params = " ".join(_parameter_usage(p) for p in query.parameters)
        click.echo(f"{name.ljust(width)}  {query.summary}")
        details = [f"[{', '.join(query.tags)}]" if query.tags else "", params, "pinned" if query.pinned else ""]
        if any(details):
            click.echo(" " * (width + 2) + "  ".join(d for d in details if d))


def _parameter_usage(parameter: Parameter) -> str:
    text = f"--{parameter.name} {parameter.type_label.upper() if parameter.kind == 'iri' else parameter.type_label}"
    if parameter.default is not None:
        text += f" (default {parameter.default})"
    return text if parameter.required else f"[{text}]"


class SavedQueryGroup(click.Group):
    """``kg query NAME``: one subcommand per queries/*.rq file, options from its header."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(p.stem for p in workspace().queries_dir.glob("*.rq"))

    def get_command(self, ctx: click.Context, name: str) -> click.Command:
        from ..queries import find_saved_query

        try:
            saved = find_saved_query(workspace().queries_dir, name)
        except InputError as error:
            raise KgCommandError(error) from None
        return _saved_query_command(saved)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str, click.Command, list[str]]:
        # Let get_command report unknown names (with suggestions) in our own words.
        name = args[0]
        return name, self.get_command(ctx, name), args[1:]


def _saved_query_command(saved: SavedQuery) -> click.Command:
    """A click command for one saved query: the shared options plus one option per parameter."""
    @format_option()
    @reason_option
    @remote_options
    def run(fmt, no_reason, endpoint, timeout, retries, allow_service, **values):
        from ..formats import format_result

        bound = saved.bind({name: list(given) for name, given in values.items() if given})
        sparql = sparql_from_options(endpoint, timeout, retries, no_reason, allow_service)
        result = sparql.query(bound, pin=saved.pins(bound))
        echo_text(format_result(result, fmt or default_format()))

    for parameter in reversed(saved.parameters):
        kind = click.Choice(parameter.choices) if parameter.choices else click.STRING
        help_text = f"{parameter.type_label}{'' if parameter.required else ', optional'}; repeat for several values"
        run = click.option(f"--{parameter.name}", parameter.name, type=kind, multiple=True, show_default=True,
                           default=[parameter.default] if parameter.default else None,
                           metavar=parameter.type_label.upper(), help=help_text)(run)
    example = " ".join(f"--{p.name} {p.default}" for p in saved.parameters if p.default)
    doc = f"{saved.summary}\n\n{saved.description}\n\n\b\nExample:\n    kg query {saved.name} {example}".rstrip()
    if saved.tags:
        doc += f"\n\nTags: {', '.join(saved.tags)}"
    if saved.pinned:
        doc += ("\n\nPinned: answered once when the graph is built, and read back after "
                "(with a parameter, --no-reason or --endpoint, asked every time).")
    return click.command(saved.name, help=doc, epilog=EPILOG)(run)


@click.group("query", cls=SavedQueryGroup, epilog=EPILOG)
def run_query() -> None:
    """Run a saved query over the reasoned graph.

    Each saved query is a subcommand whose options are its parameters; a
    parameter given several times becomes several rows of a VALUES block.

    \b
    Examples:
        kg query rounds
        kg query observers-of-round --round 7 --format json
        kg query heads-of-delegation --round 7 --round 1
        kg query rounds --endpoint http://127.0.0.1:7878/query
        kg query observers-of-round --help
    """


# =============================================================================
# Ad-hoc SPARQL
# =============================================================================

MAX_QUERY_BYTES = 1_000_000

@click.command(epilog=EPILOG)
@click.argument("query", required=False)
@click.option("--file", "-F", "query_file", type=click.Path(path_type=Path), help="Read the query from a file.")
@format_option(RESULT_FORMATS + GRAPH_FORMATS)
@reason_option
@remote_options
def sparql(query: str | None, query_file: Path | None, fmt: str | None, no_reason: bool, endpoint: str | None,
           timeout: float, retries: int, allow_service: bool) -> None:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).

    The usual prefixes (ap:, res:, doc:, src:, skos:, ...) are predeclared.
    CONSTRUCT and DESCRIBE give RDF: ttl (Turtle, the default), nt or jsonld. Updates
    are refused: the graph is changed by editing data/, not by queries.

    \b
    Examples:
        kg sparql 'SELECT ?r ?n WHERE { ?r ap:roundNumber ?n } ORDER BY ?n'
        kg sparql 'ASK { res:russia a ap:Guarantor }'
        kg sparql 'DESCRIBE res:round-07' --format nt
        kg sparql --file my-question.rq --format json
        kg sparql 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --endpoint http://127.0.0.1:7878/query
    """
    from ..formats import format_result
    from ..prefixes import PREFIXES

    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY or --file FILE (one of them)")
    if query_file is not None:
        from ..files import read_regular_file

        raw = read_regular_file(query_file, kind="query file", limit=MAX_QUERY_BYTES, too_large="a query may hold")
        try:
            query = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise KgCommandError(InputError(f"{query_file}: not UTF-8 (byte 0x{raw[error.start]:02x}); "
                                            "save the file as UTF-8")) from None
    assert query is not None  # given, or read from --file just above
    result = sparql_from_options(endpoint, timeout, retries, no_reason, allow_service).query(query, prefixes=PREFIXES)
    if result.form == "graph" and fmt in RESULT_FORMATS:
        raise click.UsageError(f"a CONSTRUCT or DESCRIBE gives RDF: use --format {', '.join(GRAPH_FORMATS)}")
    if result.form != "graph" and fmt in GRAPH_FORMATS:
        raise click.UsageError(f"a SELECT or ASK gives results: use --format {', '.join(RESULT_FORMATS)}")
    echo_text(format_result(result, fmt or ("ttl" if result.form == "graph" else default_format())))


# =============================================================================
# One entity
# =============================================================================

@click.command(epilog=EPILOG)
@click.argument("term")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def describe(term: str, fmt: str) -> None:
    """Show everything about one entity: types, properties, what points at it, sources.

    TERM is an IRI, a prefixed name, or a name: any label (preferred,
    alternative or hidden), a meeting's name, or a person's surname alone.
    Case and diacritics do not matter ("sedat onal" is Sedat Önal). A name
    of several entities lists them and exits 1.

    \b
    Examples:
        kg describe res:round-07
        kg describe "Astana 7"
        kg describe "Sedat Onal"
        kg describe Pedersen
        kg describe USA --format json
    """
    from ..describe import describe as describe_entity
    from ..search import open_index
    from ..store import open_sparql

    description = describe_entity(open_sparql(workspace()), term, names=lambda: open_index(workspace()))
    echo_text(description.to_json() if fmt == "json" else description.to_text())




@click.command(epilog=EPILOG)
@click.argument("text", nargs=-1, required=True)
@click.option("--type", "-t", "kind", metavar="CLASS",
              help="Only entities of this class or a subclass (ap:Person, Person, or an IRI).")
@click.option("--limit", "-n", type=click.IntRange(0), default=50, show_default=True,
              help="At most this many rows, the best first; 0 for all.")
@format_option()
def search(text: tuple[str, ...], kind: str | None, limit: int, fmt: str | None) -> None:
    """Find the entities whose labels, notes, summaries or quotes contain TEXT.

    Every word of TEXT (one argument or several) must occur, in any case and with or without
    diacritics; a word ending in * matches as a prefix. Rows are ranked
    (SQLite FTS5, bm25): entity, its type, the property that matched, the
    text (around the match if long), and the source that states it. No
    match exits 1.

    \b
    Examples:
        kg search demining
        kg search Pedersen --type Person
        kg search "Onal" --format json
        kg search "de-escalation zone*" --type ap:Statement --limit 5
    """
    from ..formats import format_result
    from ..search import search as search_text

    echo_text(format_result(search_text(" ".join(text), kind, limit or None, project=workspace()), fmt or default_format()))


@click.command(epilog=EPILOG)
@reason_option
def stats(no_reason: bool) -> None:
    """Count triples, named graphs, documents and instances per class.

    \b
    Example:
        kg stats
    """
    from ..stats import graph_stats
    from ..store import open_sparql

    echo_text(graph_stats(open_sparql(workspace(), reasoned=not no_reason)).to_text())


