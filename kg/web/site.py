"""``kg site``: the pages ``kg serve`` answers, written as static files for any web host.

The folder holds, for each resource IRI https://w3id.org/astana-kg/X, the files
X.html, X.ttl, X.jsonld and X.nt; an index page per class (classes/NAME.html);
the ontology's documentation (ontology.html, and the ontology as ontology.ttl,
.jsonld, .nt); the timeline; the query page, pointed at a SPARQL endpoint given
by the user; and an .htaccess that answers each IRI's path with the HTML or the
RDF file the request's Accept header asks for, as w3id.org's redirects expect
(docs/web.md). Links between pages are relative, so the folder also opens from
disk in a browser.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from . import pages
from .render import RDF_FORMATS, STATIC, SiteLinks, document_rdf, rdf_bytes, render, site_file_for

if TYPE_CHECKING:
    from ..project import Project
    from ..sparql import OxigraphSparql

DEFAULT_ENDPOINT = "http://127.0.0.1:7878/sparql"  # kg serve's, on its default port
MARKER = ".kg-site"  # in every site kg writes: only such a folder is replaced

HTACCESS = """\
# Content negotiation for the static site of astana-kg (written by kg site).
# Every resource IRI's path answers with its HTML page, or with its RDF file
# when the request's Accept header asks for Turtle, JSON-LD or N-Triples;
# a suffix (.ttl, .jsonld, .nt, .html) names the file directly.
Options -MultiViews
DirectoryIndex index.html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddDefaultCharset utf-8

RewriteEngine on

RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteCond %{REQUEST_FILENAME}.ttl -f
RewriteRule ^(.+)$ $1.ttl [L]

RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteCond %{REQUEST_FILENAME}.jsonld -f
RewriteRule ^(.+)$ $1.jsonld [L]

RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteCond %{REQUEST_FILENAME}.nt -f
RewriteRule ^(.+)$ $1.nt [L]

RewriteCond %{REQUEST_FILENAME}.html -f
RewriteRule ^(.+)$ $1.html [L]
"""


def write_site(output: Path, endpoint: str = DEFAULT_ENDPOINT, *, project: Project,
               sparql: OxigraphSparql | None = None) -> dict[str, int]:
    """Write the static site into ``output``: a new or empty folder, or one an earlier run wrote, which
    is replaced whole (or left as it was if anything fails).

    Returns how many files of each kind were written.
    """
    from ..ontology_docs import ontology_html, shapes_html
    from ..timeline import rounds_for_timeline, timeline_svg
    from ..workspace import Workspace
    from .app import query_page_html

    project = Workspace.of(project)
    output = Path(output)
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).is_file())):
        raise InputError(f"{output}: exists and is not a site kg wrote; give a new or empty folder")
    sparql = sparql or pages.open_store_sparql(project)
    output.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}-"))
    counts = {"resource pages": 0, "RDF files": 0, "class indexes": 0, "other files": 0}
    try:
        iris = pages.all_resources(sparql)
        known = set(iris)
        labels = pages.all_labels(sparql)

        def write(name: str, data: str | bytes) -> None:
            path = building / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

        for iri in iris:
            page_file = site_file_for(iri)
            stem = page_file.removesuffix(".html")
            links = SiteLinks(page_file, known)
            rdf_links = {suffix: links._relative(f"{stem}.{suffix}") for suffix, _ in RDF_FORMATS.values()}
            write(page_file, render("resource.html", links, page=pages.resource_page(sparql, iri, labels),
                                    rdf_formats=RDF_FORMATS, rdf_links=rdf_links))
            triples = pages.resource_triples(sparql, iri)
            for media, (suffix, _) in RDF_FORMATS.items():
                write(f"{stem}.{suffix}", rdf_bytes(triples, media))
            counts["resource pages"] += 1
            counts["RDF files"] += len(RDF_FORMATS)

        classes = pages.classes_with_members(sparql, labels)
        write("index.html", render("home.html", SiteLinks("index.html", known), classes=classes))
        for node, _count in classes:
            class_iri = node.term.value
            name = f"classes/{class_iri.rsplit('#', 1)[1]}.html"
            write(name, render("class.html", SiteLinks(name, known), index=pages.class_index(sparql, class_iri, labels)))
            counts["class indexes"] += 1

        write("ontology.html", ontology_html(project, shapes_page="ontology/shapes.html"))
        for media, (suffix, _) in RDF_FORMATS.items():
            write(f"ontology.{suffix}", document_rdf(project.ontology_file, media))
            shapes = document_rdf(project.shapes_file, media)
            write(f"ontology/shapes.{suffix}", shapes)
            write(f"shapes.{suffix}", shapes)  # the shapes' namespace: …/shapes#RoundShape
        write("ontology/shapes.html", shapes_html(project, ontology_page="../ontology.html"))
        write("shapes.html", shapes_html(project, ontology_page="ontology.html"))
        svg = timeline_svg(rounds_for_timeline(sparql))
        write("timeline.svg", svg)
        write("timeline.html", render("timeline.html", SiteLinks("timeline.html", known), svg=svg,
                                      rounds=pages.round_marks(sparql, None)))
        write("query.html", query_page_html(project, SiteLinks("query.html", known), endpoint=endpoint,
                                            page_prefix="", page_suffix=".html"))
        write(".htaccess", HTACCESS)
        write(MARKER, "Written by kg site; kg site replaces this folder whole.\n")
        shutil.copytree(STATIC, building / "static", ignore=shutil.ignore_patterns("*.new"))
        counts["other files"] = sum(1 for p in building.rglob("*") if p.is_file()) - sum(counts.values())
        _make_readable(building)
        if output.exists():
            shutil.rmtree(output)
        os.replace(building, output)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return counts


def _make_readable(root: Path) -> None:
    """Files 0644 and folders 0755 as the umask allows: a web server reads them as another user."""
    umask = os.umask(0)
    os.umask(umask)
    for folder, subfolders, files in os.walk(root):
        os.chmod(folder, 0o755 & ~umask)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644 & ~umask)

