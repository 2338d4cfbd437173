"""The web application ``kg serve`` runs: Starlette, answering from the same store as the command line.

Read-only: pages and RDF of every resource, the class indexes, the ontology's
documentation, the timeline, the query page and a SPARQL 1.1 query endpoint
at /sparql (GET, form POST or a direct POST; an update is refused). A query
at /sparql has the command line's bounds (kg.limits: ``--timeout`` and
$KG_QUERY_MEMORY_MB); one that hits either is answered 503, saying which.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import KgError, NegativeResult
from ..limits import LimitExceeded, Limits, run_within
from ..prefixes import BASE, PREFIXES, sparql_prologue
from . import pages
from .render import RDF_FORMATS, STATIC, SUFFIXES, ServedLinks, document_rdf, negotiate, rdf_bytes, render
from .vendor import vendored

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, Response
    from starlette.types import ASGIApp

    from ..project import Project
    from ..sparql import OxigraphSparql, Sparql
    from ..terms import Result

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "jsonld"}


def create_app(project: Project, sparql: OxigraphSparql | None = None, limits: Limits | None = None) -> Starlette:
    """The Starlette application over the cached graph of ``project``;
    a query at /sparql within ``limits`` (the command line's default ones if not given)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from ..workspace import Workspace

    project = Workspace.of(project)
    sparql = sparql or pages.open_store_sparql(project)
    limits = limits or Limits(memory_mb=project.query_memory_mb)
    links = ServedLinks()
    cached: dict[str, object] = {}

    def html(text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status_code=status)

    def message(title: str, text: str, status: int) -> HTMLResponse:
        return html(render("message.html", links, title=title, message=text), status)

    async def home(request):
        return html(render("home.html", links, classes=pages.classes_with_members(sparql)))

    async def resource(request):
        path = request.path_params["path"]
        media = None
        stem, dot, suffix = path.rpartition(".")
        if dot and suffix in SUFFIXES:
            path, media = stem, SUFFIXES[suffix]
        elif dot and suffix == "html":
            path, media = stem, "text/html"
        iri = pages.iri_for_path(path)
        media = media or negotiate(request.headers.get("accept", ""))
        try:
            if media != "text/html":
                return Response(rdf_bytes(pages.resource_triples(sparql, iri), media), media_type=media,
                                headers={"Vary": "Accept"})
            page = pages.resource_page(sparql, iri)
        except NegativeResult as error:
            return message("Not found", str(error), 404)
        rdf_links = {suffix: f"/{path}.{suffix}" for suffix, _ in RDF_FORMATS.values()}
        return html(render("resource.html", links, page=page, rdf_formats=RDF_FORMATS, rdf_links=rdf_links))

    def documentation(file_of, page_of):
        """A document of the project (the ontology, its shapes): its HTML documentation to a browser,
        its RDF to an RDF client or with a suffix."""
        async def answer(request):
            suffix = request.path_params.get("suffix")
            media = SUFFIXES.get(suffix) if suffix else negotiate(request.headers.get("accept", ""))
            if media is None:  # a suffix of no RDF format
                return message("Not found", f"no format .{suffix}; use .ttl, .jsonld or .nt", 404)
            if media != "text/html":
                return Response(document_rdf(file_of(project), media), media_type=media,
                                headers={"Vary": "Accept"})
            from starlette.concurrency import run_in_threadpool

            return html(await run_in_threadpool(page_of, project))
        return answer

    from ..ontology_docs import ontology_html, shapes_html

    ontology = documentation(lambda p: p.ontology_file, lambda p: ontology_html(p, shapes_page="/ontology/shapes"))
    shapes = documentation(lambda p: p.shapes_file, lambda p: shapes_html(p, ontology_page="/ontology"))

    async def class_index(request):
        try:
            index = pages.class_index(sparql, PREFIXES["ap"] + request.path_params["name"])
        except NegativeResult as error:
            return message("Not found", str(error), 404)
        return html(render("class.html", links, index=index))

    async def timeline(request):
        if "timeline" not in cached:
            from ..timeline import rounds_for_timeline, timeline_svg

            cached["timeline"] = timeline_svg(rounds_for_timeline(sparql))
        if request.url.path.endswith(".svg"):
            return Response(cached["timeline"], media_type="image/svg+xml")
        return html(render("timeline.html", links, svg=cached["timeline"], rounds=pages.round_marks(sparql, None)))

    async def query_page(request):
        return html(query_page_html(project, links, endpoint=str(request.url_for("sparql"))))

    async def sparql_endpoint(request):
        if request.method == "GET":
            text = request.query_params.get("query")
        elif request.headers.get("content-type", "").startswith("application/sparql-query"):
            text = (await request.body()).decode("utf-8", "replace")
        else:
            # Form-encoded (SPARQL 1.1 Protocol); parsed here, which spares a multipart library.
            from urllib.parse import parse_qs

            form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
            if "update" in form:
                return Response("updates are refused: this endpoint is read-only\n", status_code=403,
                                media_type="text/plain")
            text = form.get("query")
        if not text:
            return Response("give a SPARQL query in the 'query' parameter\n", status_code=400, media_type="text/plain")
        try:
            result = await _answer_within(sparql, text, limits)
        except LimitExceeded as error:
            return Response(f"{error}\n", status_code=503, media_type="text/plain")
        except KgError as error:
            return Response(f"{error}\n", status_code=400, media_type="text/plain")
        return _result_response(result, request.headers.get("accept", ""))

    async def to_home(request):
        return RedirectResponse("/")

    routes = [
        Route("/", home),
        Route("/index.html", to_home),
        Route("/query", query_page),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"], name="sparql"),
        Route("/ontology", ontology),
        Route("/ontology.{suffix}", ontology),
        Route("/ontology/shapes", shapes),
        Route("/ontology/shapes.{suffix}", shapes),
        Route("/shapes", shapes),  # the shapes' own namespace: …/shapes#RoundShape
        Route("/shapes.{suffix}", shapes),
        Route("/timeline", timeline),
        Route("/timeline.svg", timeline),
        Route("/classes/{name}", class_index),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
        Route("/{path:path}", resource),
    ]
    # Read-only and public: any page may ask it, including the static site's query page opened from
    # disk (origin "null") or hosted elsewhere; without these headers the browser drops the answer.
    cross_origin = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                              allow_headers=["Accept", "Content-Type"], max_age=600)
    return Starlette(routes=routes, middleware=[cross_origin])


def query_page_html(project: Project, links: ServedLinks, endpoint: str, page_prefix: str = "/", page_suffix: str = "") -> str:
    """The query page: YASGUI on ``endpoint``, the saved queries as examples."""

    examples = pages.query_examples(project)
    settings = {"endpoint": endpoint, "base": BASE, "prologue": sparql_prologue(),
                "pagePrefix": page_prefix, "pageSuffix": page_suffix}
    as_json = json.dumps([{"name": e.name, "query": e.query} for e in examples], ensure_ascii=False)
    return render("query.html", links, endpoint=endpoint, examples=examples, yasgui=vendored(),
                  examples_json=_script_safe(as_json), settings_json=_script_safe(json.dumps(settings)))


def _script_safe(text: str) -> str:
    """JSON inside <script>: "</" would end the element."""
    return text.replace("</", "<\\/")


async def _answer_within(sparql: Sparql, text: str, limits: Limits) -> Result:
    """The answer of ``sparql``, or LimitExceeded naming the bound it hit. The store cannot be told
    to stop a query, so its thread is left to finish on its own; the client gets its answer now."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(run_within, lambda: sparql.query(text, PREFIXES), limits)


def _result_response(result: Result, accept: str) -> Response:
    from starlette.responses import Response

    from ..formats import format_result, format_triples

    wanted = [part.split(";")[0].strip() for part in accept.split(",")]
    if result.form == "graph":
        media = next((m for m in wanted if m in GRAPH_TYPES), "text/turtle")
        return Response(format_triples(result.triples, GRAPH_TYPES[media]), media_type=media)
    media = next((m for m in wanted if m in RESULT_TYPES), "application/sparql-results+json")
    fmt = RESULT_TYPES[media]
    media = "application/sparql-results+json" if fmt == "json" else media
    return Response(format_result(result, fmt), media_type=media)


def serve(app: ASGIApp, host: str, port: int, ready: Callable[[], None] | None = None) -> None:
    """Run ``app`` under uvicorn until stopped; ``ready`` is called once it listens."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets)
            if ready is not None and self.started:
                ready()

    Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                          lifespan="off")).run()

