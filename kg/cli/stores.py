"""Triple stores: loading over the Graph Store Protocol, and a local server."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import Interrupted, NegativeResult
from .common import EPILOG, KgCommandError


@click.command(epilog=EPILOG)
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
    from ..remote import Connection, load_into_server

    bar = _UploadBar()
    try:
        with _sigterm_as_interrupt(), bar:
            report = load_into_server(endpoint, graph_store, replace=replace, reasoned=reasoned,
                                      connection=Connection(timeout=timeout, retries=retries),
                                      sizes=bar.start, progress=bar.advance)
    except KeyboardInterrupt:
        # Sending the same graphs again is harmless (blank nodes go as skolem IRIs), so the
        # same command completes a load that was cut short.
        raise KgCommandError(Interrupted(
            f"interrupted after {bar.sent} of {bar.total} triples were sent: the server holds part "
            f"of the graph; run the same kg load again to complete it")) from None
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


class _UploadBar:
    """A bar of the triples sent so far, on stderr, on a terminal only; counts them either way."""

    def __init__(self):
        self.bar = None
        self.total = self.sent = 0

    def start(self, sizes: dict[str, int]) -> None:
        self.total = sum(sizes.values())
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=self.total, label="uploading", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.render_progress()

    def advance(self, _graph: str, triples: int) -> None:
        self.sent += triples
        if self.bar is not None:
            self.bar.update(triples)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.bar is not None:
            self.bar.render_finish()


@click.command(epilog=EPILOG)
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
def serve(port):
    """Serve the reasoned graph from a local Oxigraph server until stopped (Ctrl-C).

    Opens a SPARQL endpoint and a query page on 127.0.0.1 only.

    \b
    Example:
        kg serve --port 7878      then open http://127.0.0.1:7878/ in a browser
    """
    import tempfile
    import urllib.parse

    from ..remote import Connection, load_into_server
    from ..serve import start_oxigraph

    with _sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="kg-serve-") as location:
        server = start_oxigraph(Path(location), port)
        try:
            with _UploadBar() as bar:
                report = load_into_server(server.query_url, server.store_url, replace=True, reasoned=True,
                                          connection=Connection(timeout=300), sizes=bar.start, progress=bar.advance)
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


@contextmanager
def _sigterm_as_interrupt():
    """While inside, SIGTERM stops the command as Ctrl-C does, so that its cleanup runs
    (spool files, the server); the handler before is put back after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set one
        yield
        return

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
