"""The ``kg`` command line: a thin layer over the library modules.

Each command parses its arguments, calls one library function and prints
what it returns. Exit codes: 0 success, 1 a negative answer (does not
conform, no such entity), 2 unusable input (missing file, syntax error, bad
value), 3 an internal error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputError, KgError, NegativeResult
from .formats import GRAPH_FORMATS, RESULT_FORMATS

EPILOG = "Exit codes: 0 ok, 1 negative result, 2 bad input, 3 internal error."


# =============================================================================
# Error handling and shared options
# =============================================================================

class KgCommandError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, error: KgError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


class KgGroup(click.Group):
    """Turns every library error raised by a command into one clean line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as error:
            raise KgCommandError(error) from None
        except BrokenPipeError:  # the reader went away (kg ... | head): not an error
            sys.stdout = open(os.devnull, "w")
            sys.exit(0)
        except OSError as error:  # a file we could not write, a full disk
            raise KgCommandError(InputError(f"{error.filename or ''}: {error.strerror}".lstrip(": "))) from None


def default_format() -> str:
    """An aligned table on a terminal, CSV when the output goes to a script."""
    return "table" if sys.stdout.isatty() else "csv"


def format_option(choices=RESULT_FORMATS):
    return click.option("--format", "-f", "fmt", type=click.Choice(choices), default=None,
                        help="Output format [default: table on a terminal, csv otherwise]. "
                             "json/xml/csv/tsv are the W3C SPARQL results formats.")


reason_option = click.option("--no-reason", is_flag=True,
                             help="Query the asserted facts only, without the OWL RL closure.")


def echo_text(text: str | bytes) -> None:
    """Print a command's output as it is (it already ends with a newline)."""
    if isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    else:
        click.echo(text, nl=False)


# =============================================================================
# The command group
# =============================================================================

@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="kg")
def cli():
    """Query, reason over and validate the Astana Process knowledge graph.

    \b
    Examples:
        kg queries                              list the saved questions
        kg query rounds                         all rounds, as a table
        kg query observers-of-round --round 7   a saved query with a parameter
        kg sparql 'SELECT * WHERE { ?r a ap:Round }' --format json
        kg describe "Onal Sedat"                one entity, by any of its names
        kg validate                             check the graph against its shapes
    """


# =============================================================================
# Saved queries
# =============================================================================

def _project():
    from .project import default_project

    return default_project()


@cli.command("queries", epilog=EPILOG)
def list_queries():
    """List the saved queries with their summary, tags and parameters.

    \b
    Example:
        kg queries
    """
    from .queries import load_saved_queries

    saved = load_saved_queries(_project().queries_dir)
    width = max(len(name) for name in saved)
    for name, query in saved.items():
        params = " ".join(_parameter_usage(p) for p in query.parameters)
        click.echo(f"{name.ljust(width)}  {query.summary}")
        details = [f"[{', '.join(query.tags)}]" if query.tags else "", params]
        if any(details):
            click.echo(" " * (width + 2) + "  ".join(d for d in details if d))


def _parameter_usage(parameter) -> str:
    text = f"--{parameter.name} {parameter.type_label.upper() if parameter.kind == 'iri' else parameter.type_label}"
    if parameter.default is not None:
        text += f" (default {parameter.default})"
    return text if parameter.required else f"[{text}]"


class SavedQueryGroup(click.Group):
    """``kg query NAME``: one subcommand per queries/*.rq file, options from its header."""

    def list_commands(self, ctx):
        return sorted(p.stem for p in _project().queries_dir.glob("*.rq"))

    def get_command(self, ctx, name):
        from .queries import find_saved_query

        try:
            saved = find_saved_query(_project().queries_dir, name)
        except InputError as error:
            raise KgCommandError(error) from None
        return _saved_query_command(saved)

    def resolve_command(self, ctx, args):
        # Let get_command report unknown names (with suggestions) in our own words.
        name = args[0]
        return name, self.get_command(ctx, name), args[1:]


def _saved_query_command(saved):
    def run(fmt, no_reason, **values):
        from .store import open_engine

        bound = saved.bind({name: list(given) for name, given in values.items() if given})
        result = open_engine(reasoned=not no_reason).query(bound)
        from .formats import format_result

        echo_text(format_result(result, fmt or default_format()))

    params = [click.Option(["--format", "-f", "fmt"], type=click.Choice(RESULT_FORMATS), default=None,
                           help="Output format [default: table on a terminal, csv otherwise]."),
              click.Option(["--no-reason"], is_flag=True, help="Query the asserted facts only.")]
    for parameter in saved.parameters:
        kind = click.Choice(parameter.choices) if parameter.choices else click.STRING
        help_text = f"{parameter.type_label}{'' if parameter.required else ', optional'}; repeat for several values"
        params.append(click.Option([f"--{parameter.name}", parameter.name], type=kind, multiple=True,
                                   show_default=True, default=[parameter.default] if parameter.default else None,
                                   metavar=parameter.type_label.upper(), help=help_text))
    example = " ".join(f"--{p.name} {p.default}" for p in saved.parameters if p.default)
    doc = f"{saved.summary}\n\n{saved.description}\n\n\b\nExample:\n    kg query {saved.name} {example}".rstrip()
    if saved.tags:
        doc += f"\n\nTags: {', '.join(saved.tags)}"
    return click.Command(saved.name, params=params, callback=run, help=doc, epilog=EPILOG)


@cli.group("query", cls=SavedQueryGroup, epilog=EPILOG)
def run_query():
    """Run a saved query over the reasoned graph.

    Each saved query is a subcommand whose options are its parameters; a
    parameter given several times becomes several rows of a VALUES block.

    \b
    Examples:
        kg query rounds
        kg query observers-of-round --round 7 --format json
        kg query heads-of-delegation --round 7 --round 1
        kg query observers-of-round --help
    """


# =============================================================================
# Ad-hoc SPARQL
# =============================================================================

@cli.command(epilog=EPILOG)
@click.argument("query", required=False)
@click.option("--file", "-F", "query_file", type=click.Path(path_type=Path), help="Read the query from a file.")
@format_option(RESULT_FORMATS + GRAPH_FORMATS)
@reason_option
def sparql(query, query_file, fmt, no_reason):
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).

    The usual prefixes (ap:, res:, doc:, src:, skos:, ...) are predeclared.
    CONSTRUCT and DESCRIBE give RDF: turtle (default), nt or jsonld. Updates
    are refused: the graph is changed by editing data/, not by queries.

    \b
    Examples:
        kg sparql 'SELECT ?r ?n WHERE { ?r ap:roundNumber ?n } ORDER BY ?n'
        kg sparql 'ASK { res:russia a ap:Guarantor }'
        kg sparql 'DESCRIBE res:round-07' --format nt
        kg sparql --file my-question.rq --format json
    """
    from .formats import format_result
    from .prefixes import PREFIXES
    from .store import open_engine

    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY or --file FILE (one of them)")
    if query_file is not None:
        try:
            query = query_file.read_text(encoding="utf-8")
        except OSError as error:
            raise KgCommandError(InputError(f"{query_file}: {error.strerror}")) from None
    result = open_engine(reasoned=not no_reason).query(query, prefixes=PREFIXES)
    if result.form == "graph" and fmt in RESULT_FORMATS:
        raise click.UsageError(f"a CONSTRUCT or DESCRIBE gives RDF: use --format {', '.join(GRAPH_FORMATS)}")
    if result.form != "graph" and fmt in GRAPH_FORMATS:
        raise click.UsageError(f"a SELECT or ASK gives results: use --format {', '.join(RESULT_FORMATS)}")
    echo_text(format_result(result, fmt or ("turtle" if result.form == "graph" else default_format())))


# =============================================================================
# One entity
# =============================================================================

@cli.command(epilog=EPILOG)
@click.argument("term")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def describe(term, fmt):
    """Show everything about one entity: types, properties, what points at it, sources.

    TERM is an IRI, a prefixed name, or a label in any language (preferred or
    alternative, case-insensitive).

    \b
    Examples:
        kg describe res:round-07
        kg describe "Onal Sedat"
        kg describe jordan --format json
    """
    from .describe import describe as describe_entity
    from .store import open_engine

    description = describe_entity(open_engine(), term)
    echo_text(description.to_json() if fmt == "json" else description.to_text())


# =============================================================================
# Reasoning, validation, export, statistics
# =============================================================================

@cli.command(epilog=EPILOG)
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write the reasoned graph to FILE; the format follows the extension (.ttl, .nt, .nq, .trig, .jsonld).")
def reason(output):
    """Compute the OWL RL closure and say how many triples it added.

    \b
    Examples:
        kg reason
        kg reason --output closure.ttl
    """
    from .store import reasoning_counts

    asserted, inferred = reasoning_counts()
    click.echo(f"OWL RL reasoning added {inferred} triples about this graph's terms and "
               f"individuals to the {asserted} asserted ({asserted + inferred} in all).")
    if output is not None:
        from .export import export_graph, format_for_path

        data = export_graph(format_for_path(str(output)), reasoned=True)
        _write_atomically(output, data)
        click.echo(f"Wrote {output}.")


@cli.command(epilog=EPILOG)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text: one line per finding; json for tools; turtle: the SHACL report.")
def validate(files, fmt):
    """Check the shipped graph, plus any extra Turtle FILES, against the shapes.

    Prints one line per finding, sorted by focus node, then a count; exits 1
    when a violation is found.

    \b
    Examples:
        kg validate
        kg validate new-round.ttl
        kg validate --format json
    """
    from .validate import validate_project

    report = validate_project(extra_files=files, use_cache=fmt != "turtle")
    echo_text({"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]())
    if not report.conforms:
        raise KgCommandError(NegativeResult(f"does not conform: {report.violations} violation(s)"))


@cli.command(epilog=EPILOG)
@click.option("--format", "-f", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]),
              default="ttl", show_default=True, help="nq and trig keep one named graph per source document.")
@click.option("--reasoned", is_flag=True, help="Include the OWL RL entailments (in their own named graph for nq/trig).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE instead of standard output.")
def export(fmt, reasoned, output):
    """Write the graph in a standard RDF serialization.

    \b
    Examples:
        kg export --format trig -o astana.trig
        kg export --format nq --reasoned > astana-reasoned.nq
    """
    from .export import export_graph

    data = export_graph(fmt, reasoned=reasoned)
    if output is None:
        echo_text(data)
    else:
        _write_atomically(output, data)
        click.echo(f"Wrote {output}.", err=True)


@cli.command(epilog=EPILOG)
@reason_option
def stats(no_reason):
    """Count triples, named graphs, documents and instances per class.

    \b
    Example:
        kg stats
    """
    from .stats import graph_stats
    from .store import open_engine

    echo_text(graph_stats(open_engine(reasoned=not no_reason)).to_text())


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
