"""The pages as HTML (Jinja2 templates in ``templates/``) and resources as RDF.

The same templates make the pages ``kg serve`` answers and the files ``kg site``
writes; they differ only in how a link is written (:class:`ServedLinks`,
:class:`SiteLinks`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..prefixes import BASE, ONTOLOGY_IRI, PREFIXES
from .pages import MOST_SHOWN, local_path

if TYPE_CHECKING:
    import pyoxigraph as ox
    from jinja2 import Environment
    from markupsafe import Markup

    from .pages import Fact, Node

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

# What an RDF client may ask for: media type, file suffix, pyoxigraph's format name.
RDF_FORMATS = {
    "text/turtle": ("ttl", "TURTLE"),
    "application/ld+json": ("jsonld", "JSON_LD"),
    "application/n-triples": ("nt", "N_TRIPLES"),
}
SUFFIXES = {suffix: media for media, (suffix, _) in RDF_FORMATS.items()}


class ServedLinks:
    """Links as ``kg serve`` answers them: this site's IRIs by their path on the server."""

    def __init__(self, known: Collection[str] | None = None):
        self.known = known  # the IRIs that have a page, or None for all of ours

    def resource(self, iri: str | None) -> str | None:
        if iri is None:
            return None
        path = local_path(iri)
        if path is None:
            return iri if iri.startswith(("http://", "https://")) else None
        if self.known is not None and iri not in self.known and not iri.startswith(ONTOLOGY_IRI):
            return None
        return path

    def page(self, name: str) -> str:
        """One of the site's own pages: "", "query", "ontology", "timeline", "classes/Round", "static/x.css"."""
        return "/" + name


class SiteLinks(ServedLinks):
    """Links between the files of a static site, relative, so that it opens from disk as from a host."""

    def __init__(self, here: str, known: Collection[str] | None):
        super().__init__(known)
        self.here = posixpath.dirname(here)  # the page's file, relative to the site's root

    def resource(self, iri: str | None) -> str | None:
        path = super().resource(iri)
        if path is None or not path.startswith("/"):
            return path
        path, _, fragment = path.partition("#")
        return self._relative(path.lstrip("/") + ".html") + (f"#{fragment}" if fragment else "")

    def page(self, name: str) -> str:
        if name.startswith("static/"):
            return self._relative(name)
        return self._relative((name or "index") + ".html")

    def _relative(self, target: str) -> str:
        return relative_path(target, self.here)


def relative_path(target: str, folder: str) -> str:
    """The path of ``target`` from ``folder``, both relative to the site's root: what
    posixpath.relpath gives, without asking the file system for the current folder on each of
    the twenty thousand links of a site."""
    here = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    while common < min(len(here), len(parts) - 1) and here[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + parts[common:])


def site_file_for(iri: str) -> str:
    """The file of a resource's page in a static site, relative to its root."""
    return iri[len(BASE):] + ".html"


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["PREFIXES"] = PREFIXES
    env.globals["most_shown"] = MOST_SHOWN
    env.globals["term"] = pass_context(lambda context, node: term_html(node, context["links"]))
    env.globals["sources"] = pass_context(lambda context, fact: sources_html(fact, context["links"]))
    return env


def term_html(node: Node, links: ServedLinks) -> Markup:
    """One RDF term in a page: a link to its page where it has one, its label beside its name.

    Python, not a template macro: a page at a million triples shows two thousand terms, and
    a macro call costs several times what this does.
    """
    from markupsafe import Markup, escape

    if node.iri is not None:
        href = links.resource(node.iri)
        text = escape(node.label or node.name)
        html = (f'<a href="{escape(href)}" data-iri="{escape(node.iri)}">{text}</a>' if href
                else f'<span class="iri">{text}</span>')
        if node.label:
            html += f' <code class="name">{escape(node.name)}</code>'
    elif node.term.kind == "literal":
        html = f'<span class="literal">{escape(node.name)}</span>'
        if node.annotation:
            html += f' <code class="datatype">{escape(node.annotation)}</code>'
    else:
        html = '<span class="blank">[ ]</span>'
    return Markup(html)


def render(template: str, links: ServedLinks, **context: Any) -> str:
    return environment().get_template(template).render(links=links, **context)


def sources_html(fact: Fact, links: ServedLinks) -> Markup:
    """Where a fact on a page comes from: each source graph with the quotes and documents its
    evidence gives, or "inferred"."""
    from markupsafe import Markup, escape

    html = ['<span class="inferred" title="derived by OWL RL reasoning; no source states it">inferred</span>'
            if fact.inferred else ""]
    for source in fact.sources:
        html.append('<div class="source">')
        for quote, document in source.quotes:
            said = f"<q>{escape(quote)}</q> — " if quote else ""
            html.append(f'<div class="quote">{said}{term_html(document or source.graph, links)}</div>')
        if not source.quotes:
            html.append(f"stated in {term_html(source.graph, links)}")
        html.append("</div>")
    return Markup("".join(html))


def rdf_bytes(triples: Iterable[ox.Triple] | Iterable[ox.Quad], media_type: str) -> bytes:
    """Triples (pyoxigraph's) in the RDF format of ``media_type``, with the project's prefixes."""
    import pyoxigraph as ox

    from ..formats import serialized

    _suffix, name = RDF_FORMATS[media_type]
    return serialized(triples, getattr(ox.RdfFormat, name), prefixes=PREFIXES if name == "TURTLE" else None)


def document_rdf(path: Path, media_type: str) -> bytes:
    """A Turtle file of the project (the ontology, the shapes) in the RDF format of ``media_type``:
    the file itself, with its comments, as Turtle."""
    import pyoxigraph as ox

    if media_type == "text/turtle":
        return path.read_bytes()
    return rdf_bytes(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), media_type)


def negotiate(accept: str) -> str:
    """The media type to answer with for an Accept header: HTML unless an RDF type is preferred."""
    best, best_q = "text/html", 0.0
    for position, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media in ("text/html", "application/xhtml+xml"):
            media = "text/html"
        elif media not in RDF_FORMATS:
            continue
        # Ties go to the earlier type; a browser's */* never beats text/html.
        if q > best_q or (q == best_q and best == "text/html" and media == "text/html"):
            best, best_q = media, q
    return best
