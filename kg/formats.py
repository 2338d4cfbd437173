"""Write query results in the W3C SPARQL 1.1 results formats and as tables.

json, xml, csv and tsv follow the W3C recommendations (SPARQL 1.1 Query
Results JSON, XML and CSV/TSV Formats); ``table`` is aligned text with IRIs as
prefixed names, for a terminal; ``md`` is a Markdown table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .terms import Result, Term

if TYPE_CHECKING:
    import pyoxigraph as ox

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
# RDF formats are named as their files' extensions, in every command: ttl, nt, nq, trig, jsonld, rdfxml.
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
# The other spellings of those names that every command accepts as well.
OTHER_SPELLINGS = {"turtle": "ttl", "n-triples": "nt", "n-quads": "nq", "json-ld": "jsonld"}


def canonical_format(name: str) -> str:
    """A format's one name (``turtle`` -> ``ttl``); a name that is not another spelling is returned as it is."""
    return OTHER_SPELLINGS.get(name.lower(), name)


def format_result(result: Result, fmt: str) -> str:
    """The result as text in the given format (one of RESULT_FORMATS or GRAPH_FORMATS)."""
    if result.form == "graph":
        return format_triples(result.triples, "ttl" if fmt in RESULT_FORMATS else fmt)
    writer = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml, "md": _markdown}[fmt]
    return writer(result)


# --- W3C formats ----------------------------------------------------------------

def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would pull in urllib, slowing every start: docs/design-figures.md)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;") + '"'


def _json_term(term: Term) -> dict:
    if term.kind == "literal":
        out = {"type": "literal", "value": term.value}
        if term.lang:
            out["xml:lang"] = term.lang
        elif term.datatype:
            out["datatype"] = term.datatype
        return out
    return {"type": term.kind, "value": term.value}


def _json(result: Result) -> str:
    if result.form == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    bindings = [{v: _json_term(t) for v, t in row.items()} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      indent=2, ensure_ascii=False) + "\n"


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml(result: Result) -> str:
    lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    lines += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    lines.append("  </head>")
    if result.form == "ask":
        lines.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        lines.append("  <results>")
        for row in result.rows:
            lines.append("    <result>")
            lines += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in row.items()]
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def _csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.form == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(v)) for v in result.variables])
    return out.getvalue()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def _tsv(result: Result) -> str:
    if result.form == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(row[v].n3() if v in row else "" for v in result.variables))
    return "\n".join(lines) + "\n"


# --- for people ------------------------------------------------------------------

def _cells(result: Result) -> tuple[list[str], list[list[str]]]:
    if result.form == "ask":
        return ["boolean"], [["true" if result.boolean else "false"]]
    return list(result.variables), [list(row) for row in result.row_tuples()]


def _table(result: Result) -> str:
    header, rows = _cells(result)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(header), line(["─" * w for w in widths])] + [line(r) for r in rows]
    count = len(rows) if result.form == "select" else None
    if count is not None:
        out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def _markdown(result: Result) -> str:
    header, rows = _cells(result)
    cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


# --- RDF for CONSTRUCT and DESCRIBE -------------------------------------------------

def serialized(statements: Iterable[ox.Triple] | Iterable[ox.Quad], rdf_format: ox.RdfFormat,
               prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph's serialization of ``statements`` as bytes (it returns None only when given a file)."""
    import pyoxigraph as ox

    data = ox.serialize(statements, format=rdf_format, prefixes=prefixes)
    assert data is not None
    return data


def format_triples(triples: Iterable[tuple[Term, Term, Term]], fmt: str) -> str:
    """Triples of kg.terms terms as Turtle, N-Triples or JSON-LD (``fmt`` in any spelling)."""
    fmt = canonical_format(fmt)
    ntriples = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)
    if fmt == "nt":
        return ntriples
    from rdflib import Graph  # only here: rdflib is slow to import

    from .namespace import bind_prefixes

    graph = bind_prefixes(Graph())
    graph.parse(data=ntriples, format="nt")
    return graph.serialize(format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])
