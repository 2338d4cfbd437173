"""Curating new facts: add a curator's Turtle file to data/, once it passes every check.

:func:`add_file` checks the file (kg.validate.check_new_file: syntax, schema
guards, shapes, rules and optionally quotes) and, only when all of that
passes, writes the new facts into the data file of the document they come
from, atomically, under the data lock.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, NegativeResult
from .files import write_atomically
from .prefixes import PREFIXES, shorten
from .project import Project
from .validate import Report, check_new_file, prefix_lines
from .workspace import Workspace

if TYPE_CHECKING:
    from rdflib import Graph

# =============================================================================
# Adding
# =============================================================================

@dataclass
class Addition:
    target: Path  # the data file written (or that would be)
    created: bool  # True when the target is a new file
    triples: int  # how many new triples
    diff: str  # unified diff of the target file


def add_file(path: Path, project: Project, as_document: str | None = None,
             dry_run: bool = False, sources_dir: Path | None = None) -> Addition:
    """Check ``path``, then write its new facts into data/ atomically (unless ``dry_run``).

    Raises NegativeResult (exit 1) with the report when the file does not pass.
    """
    from .lock import data_lock

    project = Workspace.of(project)
    # Check and write under one lock: two adds that are each valid alone (two rounds
    # numbered 23) must not both land, and neither may overwrite the other's write.
    with data_lock(project):
        return _check_and_add(Path(path), project, as_document, dry_run, sources_dir)


def _check_and_add(path: Path, project: Project, as_document: str | None, dry_run: bool,
                   sources_dir: Path | None) -> Addition:
    report = check_new_file(path, project, sources_dir=sources_dir)
    if not report.conforms:
        raise CurationFailed(report, f"{path}: not added: {report.violations} error(s)")
    new = report.facts
    assert new is not None  # a report on new files holds them
    target = _target_file(new, project, as_document)
    old_text = target.read_text(encoding="utf-8") if target.exists() else ""
    new_text, added = _appended_text(old_text, new, target, path, project)
    count = len(added)
    diff = "".join(difflib.unified_diff(old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                        fromfile=f"a/{target.relative_to(project.root)}",
                                        tofile=f"b/{target.relative_to(project.root)}"))
    if not dry_run and count:
        _verify_round_trip(old_text, new_text, added, target)
        write_atomically(target, new_text)
    return Addition(target=target, created=not old_text, triples=count, diff=diff)


class CurationFailed(NegativeResult):
    """The new file did not pass; ``report`` says why."""

    def __init__(self, report: Report, message: str):
        super().__init__(message)
        self.report = report


def _target_file(new: Graph, project: Project, as_document: str | None) -> Path:
    """The data file of the one document the new facts cite (or --as-document)."""
    from rdflib.namespace import PROV, RDF

    from .namespace import AP

    documents = {str(d) for d in new.objects(None, PROV.wasQuotedFrom)}
    documents |= {str(d) for d in new.objects(None, PROV.wasDerivedFrom)}
    documents |= {str(d) for d in new.subjects(RDF.type, AP.PublicSource)}
    if as_document:
        from .queries import parse_iri

        try:
            named = parse_iri(as_document)
        except ValueError:
            raise InputError(f"--as-document: {as_document!r} is not an IRI such as doc:003_a8f5507ae4aecafe") from None
        if documents - {named}:
            cited = ", ".join(shorten(d) for d in sorted(documents - {named}))
            raise InputError(f"--as-document {shorten(named)}: the file's evidence cites {cited}; "
                             "facts go to the file of the document their evidence cites")
        documents = {named}
    if len(documents) != 1:
        listed = ", ".join(shorten(d) for d in sorted(documents)) or "none"
        raise InputError(f"the new facts cite {len(documents)} documents ({listed}); facts are added to the file of "
                         "one document: split the file, or name the document with --as-document")
    document = documents.pop()
    for prefix, folder in (("doc", "documents"), ("src", "sources")):
        if document.startswith(PREFIXES[prefix]):
            slug = document[len(PREFIXES[prefix]):]
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", slug):
                break
            target = project.data_dir / folder / f"{slug}.ttl"
            if prefix == "doc" and not target.exists():
                raise InputError(f"{shorten(document)} is not one of the source documents; "
                                 "new documents are public sources (src:NAME) with an address")
            return target
    raise InputError(f"{document}: facts are kept per document, doc:NAME or src:NAME")


def _appended_text(old_text: str, new: Graph, target: Path, source: Path, project: Project) -> tuple[str, Graph]:
    """The target's text with the new triples appended as Turtle blocks; existing text untouched."""
    from rdflib import Graph

    from .turtle import parse_turtle

    existing = parse_turtle(target) if target.exists() else Graph()
    fresh = _facts_not_in(new, existing)
    if len(fresh) == 0:
        return old_text, fresh
    declared = dict(prefix_lines(old_text))
    for prefix, namespace in prefix_lines(source.read_text(encoding="utf-8")):
        if prefix not in declared and namespace not in declared.values():
            declared[prefix] = namespace
    for prefix, namespace in declared.items():
        fresh.bind(prefix, namespace, override=True, replace=True)
    body = fresh.serialize(format="longturtle")
    blocks = "\n".join(line for line in body.splitlines() if not line.startswith(("@prefix", "PREFIX"))).strip()
    header = old_text if old_text else _new_file_header(target, project)
    missing = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(declared.items()) if p not in dict(prefix_lines(header))]
    if missing:
        header = _insert_prefixes(header, missing)
    addition = f"\n\n# --- added by kg add from {source.name} ---\n\n{blocks}\n"
    return header.rstrip("\n") + addition, fresh


def _facts_not_in(new: Graph, existing: Graph) -> Graph:
    """The triples of ``new`` that ``existing`` does not already state.

    A blank node (an evidence item) counts as already there when the same
    subject and property lead in ``existing`` to a blank node that says the
    same things, since each parse gives blank nodes new names.
    """
    from rdflib import BNode, Graph

    def signature(graph, node):
        return frozenset((p, o) for p, o in graph.predicate_objects(node) if not isinstance(o, BNode))

    known = set()
    for s, p, b in new:
        if isinstance(b, BNode) and not isinstance(s, BNode):
            if any(isinstance(o, BNode) and signature(existing, o) == signature(new, b)
                   for o in existing.objects(s, p)):
                known.add(b)
    fresh = Graph()
    for s, p, o in new:
        if s in known or o in known or (s, p, o) in existing:
            continue
        fresh.add((s, p, o))
    return fresh


def _without_blank_node_names(graph: Graph) -> Counter:
    """The graph's triples with each blank node replaced by what it states, recursively.

    Two parses of one text name their blank nodes differently but give the same
    count; and it takes time linear in the graph, where rdflib's isomorphism
    test took a minute at 5,000 triples. Facts nest blank nodes as trees (an
    evidence item; no lists, nesting 8 deep at most), for which equal counts
    mean isomorphic graphs.
    """
    from rdflib import BNode

    content: dict = {}

    def named(node, within=()):
        if not isinstance(node, BNode):
            return node
        if node not in content:
            if node in within:  # a cycle of blank nodes: facts have none
                return "a blank node within itself"
            content[node] = frozenset(Counter((p, named(o, (*within, node)))
                                              for p, o in graph.predicate_objects(node)).items())
        return content[node]

    return Counter((named(s), p, named(o)) for s, p, o in graph)


def _insert_prefixes(text: str, lines: list[str]) -> str:
    """Add @prefix lines after the last existing one, or after the opening comment."""
    positions = [m.end() for m in re.finditer(r"^@prefix[^\n]*\n", text, re.MULTILINE)]
    if positions:
        at = positions[-1]
    else:
        comment = re.match(r"(?:#[^\n]*\n|\s*\n)*", text)
        at = comment.end() if comment else 0
    return text[:at] + "".join(line + "\n" for line in lines) + text[at:]


def _new_file_header(target: Path, project: Project) -> str:
    from .dataset import graph_name_for

    graph = graph_name_for(target, project)
    return (f"# {'=' * 77}\n# Facts taken from the public source {shorten(str(graph))}\n"
            f"# Named graph: <{graph}>\n# Added with kg add; the source's text is not copied.\n# {'=' * 77}\n\n")


def _verify_round_trip(old_text: str, new_text: str, added: Graph, target: Path) -> None:
    """The written text must parse to exactly the old facts plus the added ones."""
    from rdflib import Graph

    before, after = Graph(), Graph()
    if old_text:
        before.parse(data=old_text, format="turtle")
    after.parse(data=new_text, format="turtle")
    if _without_blank_node_names(before) + _without_blank_node_names(added) != _without_blank_node_names(after):
        from .errors import KgError

        raise KgError(f"{target}: the merged text would not hold exactly the old and new facts; nothing written")
