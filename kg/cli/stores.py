"""Triple stores: loading over the Graph Store Protocol, and a local server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import Interrupted, NegativeResult
from .common import EPILOG, KgCommandError, sigterm_as_interrupt, workspace


@click.command(epilog=EPILOG)
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query endpoint (used to verify).")
@click.option("--graph-store", metavar="URL", help="The Graph Store Protocol endpoint [default: the --endpoint URL].")
@click.option("--replace", is_flag=True, help="Replace each graph whole (PUT) instead of adding to it (POST).")
@click.option("--reasoned", is_flag=True, help="Also load the OWL RL entailments, into their own named graph.")
@click.option("--timeout", type=click.FloatRange(0.1, 86400), default=300.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True)
def load(endpoint: str, graph_store: str | None, replace: bool, reasoned: bool, timeout: float, retries: int) -> None:
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
    from ..load import load_into_server
    from ..remote import Connection

    bar = _UploadBar()
    try:
        with sigterm_as_interrupt(), bar:
            report = load_into_server(endpoint, graph_store, replace=replace, reasoned=reasoned,
                                      connection=Connection(timeout=timeout, retries=retries,
                                                            credentials=workspace().credentials),
                                      project=workspace(),
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
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; another than 127.0.0.1 makes the pages reachable from other machines.")
@click.option("--timeout", type=click.FloatRange(0.1, 86400), default=60.0, show_default=True,
              help="Seconds a query at /sparql may take, as kg query's --timeout (the same default); $KG_QUERY_MEMORY_MB "
                   "bounds its memory as there. A query past either is answered 503.")
def serve(port: int, host: str, timeout: float) -> None:
    """Serve the graph on the web until stopped (Ctrl-C): a page for every resource, the query page,
    the ontology's documentation, the timeline and a read-only SPARQL endpoint.

    Every IRI of the graph answers at its path (https://w3id.org/astana-kg/resource/round-07
    at /resource/round-07): HTML to a browser, Turtle, JSON-LD or N-Triples to an RDF client
    (Accept header, or a .ttl, .jsonld or .nt suffix). The pages answer from the same store
    as the other commands. See docs/web.md.

    \b
    Example:
        kg serve --port 7878      then open http://127.0.0.1:7878/ in a browser
    """
    from ..limits import Limits
    from ..serve import check_port_free
    from ..view import GraphView
    from ..web.app import create_app
    from ..web.app import serve as run_app
    from ..web.pages import open_store_sparql

    limits = Limits(timeout=timeout, memory_mb=workspace().query_memory_mb)
    check_port_free(host, port)
    sparql = open_store_sparql(workspace())
    store = sparql.store.store if isinstance(sparql.store, GraphView) else sparql.store
    app = create_app(workspace(), sparql=sparql, limits=limits)
    base = f"http://{host}:{port}"

    def ready():
        click.echo(f"Serving {len(store)} triples (reasoned) at {base}/")
        click.echo(f"SPARQL endpoint: {base}/sparql (a query stops after {limits.timeout:g} s "
                   f"or {limits.memory_mb} MB more memory)")
        click.echo(f"Query page:      {base}/query")
        click.echo("Ctrl-C stops the server.")

    try:
        # uvicorn stops gracefully on SIGINT or SIGTERM, then raises the signal again for
        # the handler before it: here, one that stops the command as Ctrl-C does.
        with sigterm_as_interrupt():
            run_app(app, host, port, ready=ready)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.")


@click.command(epilog=EPILOG)
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), required=True, metavar="DIR",
              help="The folder to write the site into: new, empty, or one kg site wrote before (replaced whole).")
@click.option("--endpoint", metavar="URL", default="http://127.0.0.1:7878/sparql", show_default=True,
              help="The SPARQL endpoint the site's query page asks.")
def site(output: Path, endpoint: str) -> None:
    """Write the web pages of kg serve as a static site, ready for any web host.

    One page per resource (with its Turtle, JSON-LD and N-Triples files), an index per
    class, the ontology's documentation, the timeline, the query page pointed at
    --endpoint, and an .htaccess that answers each IRI's path by content negotiation, as
    w3id.org's redirects expect (docs/web.md). The pages also open from disk.

    \b
    Example:
        kg site --output public/ --endpoint https://example.org/astana-kg/sparql
    """
    from ..web.site import write_site

    counts = write_site(output, endpoint=endpoint, project=workspace())
    click.echo(f"Wrote {sum(counts.values())} files to {output}: "
               + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".")
