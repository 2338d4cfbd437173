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


def remote_options(command):
    """--endpoint, --timeout and --retries: run against a SPARQL 1.1 endpoint instead."""
    command = click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True,
                           help="Retries after a connection failure or a 5xx answer.")(command)
    command = click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
                           help="Seconds to wait for the server.")(command)
    return click.option("--endpoint", metavar="URL",
                        help="Query this SPARQL 1.1 endpoint instead of the embedded graph.")(command)


def query_engine(endpoint, timeout, retries, no_reason):
    """The engine a command queries: the embedded graph, or a remote endpoint."""
    if endpoint:
        from .remote import Connection, RemoteEngine

        return RemoteEngine(endpoint, Connection(timeout=timeout, retries=retries))
    from .store import open_engine

    return open_engine(reasoned=not no_reason)


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
    def run(fmt, no_reason, endpoint, timeout, retries, **values):
        from .formats import format_result

        bound = saved.bind({name: list(given) for name, given in values.items() if given})
        result = query_engine(endpoint, timeout, retries, no_reason).query(bound)
        echo_text(format_result(result, fmt or default_format()))

    params = [click.Option(["--format", "-f", "fmt"], type=click.Choice(RESULT_FORMATS), default=None,
                           help="Output format [default: table on a terminal, csv otherwise]."),
              click.Option(["--no-reason"], is_flag=True, help="Query the asserted facts only."),
              click.Option(["--endpoint"], metavar="URL", help="Run against this SPARQL 1.1 endpoint instead."),
              click.Option(["--timeout"], type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
                           help="Seconds to wait for the endpoint."),
              click.Option(["--retries"], type=click.IntRange(0, 10), default=2, show_default=True,
                           help="Retries after a connection failure or a 5xx answer.")]
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
        kg query rounds --endpoint http://127.0.0.1:7878/query
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
@remote_options
def sparql(query, query_file, fmt, no_reason, endpoint, timeout, retries):
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
        kg sparql 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --endpoint http://127.0.0.1:7878/query
    """
    from .formats import format_result
    from .prefixes import PREFIXES

    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY or --file FILE (one of them)")
    if query_file is not None:
        try:
            query = query_file.read_text(encoding="utf-8")
        except OSError as error:
            raise KgCommandError(InputError(f"{query_file}: {error.strerror}")) from None
    result = query_engine(endpoint, timeout, retries, no_reason).query(query, prefixes=PREFIXES)
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
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="Also check every quote against the source texts in DIR.")
def validate(files, fmt, sources):
    """Check the shipped graph, or new Turtle FILES together with it.

    Without FILES: the shipped graph against the shapes and the rules of
    queries/rules/. With FILES: each file merged with the whole graph, its
    syntax, shapes, terms and rules, reported at file:line in plain words.
    Exits 1 when anything is wrong.

    \b
    Examples:
        kg validate
        kg validate new-round.ttl
        kg validate --sources ../shared/sources
        kg validate --format json new-round.ttl
    """
    if files:
        from .curate import check_new_file

        if fmt == "turtle":
            raise click.UsageError("--format turtle is for the shipped graph; use text or json with FILES")
        failed = 0
        for path in files:
            report = check_new_file(path, sources_dir=sources)
            echo_text(report.to_json() if fmt == "json" else report.to_text())
            failed += 0 if report.ok else 1
        if failed:
            raise KgCommandError(NegativeResult(f"{failed} of {len(files)} file(s) not valid"))
        return
    from .validate import validate_shipped

    report = validate_shipped(sources_dir=sources, keep_report_graph=fmt == "turtle")
    echo_text({"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]())
    if not report.conforms:
        raise KgCommandError(NegativeResult(f"does not conform: {report.violations} violation(s)"))


@cli.command(epilog=EPILOG)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-document", metavar="IRI", help="The document the facts come from, if the file does not say.")
@click.option("--dry-run", is_flag=True, help="Show the change it would make to data/, and write nothing.")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="Also check the file's quotes against the source texts in DIR.")
def add(file, as_document, dry_run, sources):
    """Add the facts of a Turtle FILE to data/, only if the whole graph stays valid.

    The new facts are appended to the data file of the document they cite
    (a new file for a new public source), leaving the existing text as it
    was, so a git diff shows only them. The write is atomic: data/ is
    either as before or fully updated. Invalid input changes nothing.

    \b
    Examples:
        kg new round --number 23 > round-23.ttl     (fill it in)
        kg add round-23.ttl --dry-run
        kg add round-23.ttl
    """
    from .curate import CurationFailed, add_file

    try:
        addition = add_file(file, as_document=as_document, dry_run=dry_run, sources_dir=sources)
    except CurationFailed as failure:
        echo_text(failure.report.to_text())
        raise
    if not addition.triples:
        click.echo(f"Nothing to add: {addition.target} already holds every fact of {file}.")
        return
    if dry_run:
        echo_text(addition.diff)
        click.echo(f"Dry run: would add {addition.triples} triples to {addition.target}.", err=True)
        return
    verb = "Created" if addition.created else "Added to"
    click.echo(f"{verb} {addition.target}: {addition.triples} new triples.")


@cli.command(epilog=EPILOG)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "tsv", "json", "md"]), default="text",
              show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "none"]), default="error",
              show_default=True, help="Exit 1 if a finding of this level or worse is present.")
def report(fmt, fail_on):
    """A quality report of the whole graph (the checks in queries/report/).

    \b
    Examples:
        kg report
        kg report --fail-on warning --format tsv
    """
    from .checks import SEVERITIES, format_report, load_checks, run_checks
    from .project import default_project
    from .store import open_engine

    results = run_checks(open_engine(), load_checks(default_project().queries_dir / "report"))
    echo_text(format_report(results, fmt))
    if fail_on != "none":
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        found = sum(len(r.rows) for r in results if r.check.severity in worst)
        if found:
            raise KgCommandError(NegativeResult(f"{found} finding(s) at level {fail_on} or worse"))


@cli.command(epilog=EPILOG)
@click.argument("kind", type=click.Choice(["round", "statement", "delegation"]))
@click.option("--number", type=click.IntRange(1), help="The round number (round, delegation).")
def new(kind, number):
    """Print a Turtle skeleton for a new round, statement or delegation.

    Every required property is there with a comment; replace the CAPITALS,
    then check it with kg validate and add it with kg add.

    \b
    Examples:
        kg new round --number 23 > round-23.ttl
        kg new delegation --number 23 > round-23-delegation.ttl
        kg new statement > statement.ttl
    """
    from .templates import skeleton

    if kind in ("round", "delegation") and number is None:
        raise click.UsageError(f"kg new {kind} needs --number N")
    echo_text(skeleton(kind, number))


@cli.command(epilog=EPILOG)
@click.option("--format", "-f", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]),
              default="ttl", show_default=True, help="nq and trig keep one named graph per source document.")
@click.option("--reasoned", is_flag=True, help="Include the OWL RL entailments (in their own named graph for nq/trig).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE instead of standard output.")
@click.option("--bundle", type=click.Path(path_type=Path), metavar="DIR",
              help="Write a release bundle into DIR: graph, reasoned graph, ontology, shapes, VoID/DCAT.")
@click.option("--endpoint", metavar="URL", help="With --bundle: the SPARQL endpoint to name in the VoID description.")
def export(fmt, reasoned, output, bundle, endpoint):
    """Write the graph in a standard RDF serialization, or a release bundle.

    \b
    Examples:
        kg export --format trig -o astana.trig
        kg export --format nq --reasoned > astana-reasoned.nq
        kg export --bundle release/
    """
    from .export import export_graph, write_bundle

    if bundle is not None:
        written = write_bundle(bundle, endpoint=endpoint)
        click.echo(f"Wrote {len(written)} files to {bundle}: {', '.join(written)}")
        return

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


# =============================================================================
# Triple stores
# =============================================================================

@cli.command(epilog=EPILOG)
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query endpoint (used to verify).")
@click.option("--graph-store", metavar="URL", help="The Graph Store Protocol endpoint [default: the --endpoint URL].")
@click.option("--replace", is_flag=True, help="Replace each graph whole (PUT) instead of adding to it (POST).")
@click.option("--reasoned", is_flag=True, help="Also load the OWL RL entailments, into their own named graph.")
@click.option("--timeout", type=click.FloatRange(0.1, 86400), default=300.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True)
def load(endpoint, graph_store, replace, reasoned, timeout, retries):
    """Load the graph into a SPARQL 1.1 server over the Graph Store Protocol.

    Each source document goes into its own named graph, the ontology into
    its own, and the merge of all of them into the default graph, so that
    queries without GRAPH see every fact once. Counts are verified with a
    query afterwards. Credentials: KG_SPARQL_USER and KG_SPARQL_PASSWORD, or
    a ~/.netrc entry for the server's host.

    \b
    Examples:
        kg load --endpoint http://127.0.0.1:7878/query --graph-store http://127.0.0.1:7878/store --replace
        kg load --endpoint http://localhost:3030/astana/sparql --graph-store http://localhost:3030/astana/data --reasoned
    """
    from .remote import Connection, load_into_server

    report = load_into_server(endpoint, graph_store, replace=replace, reasoned=reasoned,
                              connection=Connection(timeout=timeout, retries=retries), progress=_progress())
    _clear_progress()
    named = len(report.uploaded) - 1
    click.echo(f"Loaded {report.total} triples: {report.uploaded['']} in the default graph "
               f"and {report.total - report.uploaded['']} in {named} named graphs.")
    problems = report.mismatches(replaced=replace)
    if report.default_graph_on_server == 0:
        problems.append("the server's default graph looks empty to a query; if it keeps named graphs "
                        "apart, turn on its union default graph (Oxigraph: serve --union-default-graph; "
                        "Fuseki: tdb:unionDefaultGraph true)")
    if problems:
        raise KgCommandError(NegativeResult("counts differ after loading: " + "; ".join(problems)))
    click.echo(f"Verified: the server holds {report.default_graph_on_server} triples in its default graph "
               f"and every named graph's count matches.")


def _progress():
    """A byte counter on stderr while uploading, on a terminal only."""
    if not sys.stderr.isatty():
        return None
    sent = {"bytes": 0}

    def report(graph, size):
        sent["bytes"] += size
        click.echo(f"\ruploading … {sent['bytes'] / 1e6:8.1f} MB sent", err=True, nl=False)
    return report


def _clear_progress():
    if sys.stderr.isatty():
        click.echo("\r" + " " * 40 + "\r", err=True, nl=False)


@cli.command(epilog=EPILOG)
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
def serve(port):
    """Serve the reasoned graph from a local Oxigraph server until stopped (Ctrl-C).

    Opens a SPARQL endpoint and a query page on 127.0.0.1 only.

    \b
    Example:
        kg serve --port 7878      then open http://127.0.0.1:7878/ in a browser
    """
    import signal
    import tempfile
    import urllib.parse

    from .remote import Connection, load_into_server
    from .serve import start_oxigraph

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as location:
        server = start_oxigraph(Path(location), port)
        try:
            report = load_into_server(server.query_url, server.store_url, replace=True, reasoned=True,
                                      connection=Connection(timeout=300))
            click.echo(f"Serving {report.total} triples (reasoned) at {server.base_url}/")
            page = f"{server.base_url}/?endpoint={urllib.parse.quote(server.query_url, safe='')}"
            click.echo(f"SPARQL endpoint: {server.query_url}")
            click.echo(f"Query page:      {page}")
            click.echo("Ctrl-C stops the server.")
            server.process.wait()
        except KeyboardInterrupt:
            click.echo("Stopped.")
        finally:
            server.stop()
