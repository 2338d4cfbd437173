"""Curating new facts: check a Turtle file against the graph, then add it to data/.

:func:`check_new_file` runs, in order: the Turtle syntax (file:line:column),
a guard against redefining ontology terms, the SHACL shapes on the new file
merged with the part of the graph around the nodes it touches (reporting what
the new file brings and the existing nodes it breaks, each at ``file:line``),
the rules of ``queries/rules/`` on the OWL RL closure of that part, and
optionally the quotes against the source texts. :func:`add_file` writes the
new facts into the data file of the document they come from, atomically, only
when all of that passes.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, NegativeResult
from .files import write_atomically
from .prefixes import PREFIXES, shorten
from .project import Project, default_project

MAX_FILE_BYTES = 5_000_000
_ONTOLOGY_NAMESPACES = (PREFIXES["ap"], PREFIXES["aps"])
_RESOURCES = PREFIXES["res"]  # doc: and src: lie within it


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a new file, where it stands, and what was expected."""

    location: str  # file:line, or file
    severity: str  # error, warning, info
    node: str
    message: str

    def line(self) -> str:
        return f"{self.location}: {self.severity}: {self.node}: {self.message}"


@dataclass
class CurationReport:
    problems: list[Problem] = field(default_factory=list)
    failed_rules: list = field(default_factory=list)  # CheckResult of the rules that found rows
    facts: object = None  # the new file's triples, as parsed for the check

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems) and not any(
            r.check.severity == "error" for r in self.failed_rules)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems) + sum(
            len(r.rows) for r in self.failed_rules if r.check.severity == "error")

    def to_text(self, valid: str = "Valid: the new facts conform to the shapes and pass every rule.") -> str:
        from .checks import failure_lines

        lines = [p.line() for p in self.problems] + failure_lines(self.failed_rules)
        if self.ok:
            lines.append(valid)
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        import json

        return json.dumps({
            "valid": self.ok,
            "problems": [p.__dict__ for p in self.problems],
            "rules": [{"rule": r.check.name, "severity": r.check.severity, "summary": r.check.summary,
                       "violations": [dict(zip(("entity", "property", "value"), row)) for row in r.rows]}
                      for r in self.failed_rules],
        }, indent=2, ensure_ascii=False) + "\n"


# =============================================================================
# Checking
# =============================================================================

def read_new_file(path: Path):
    """Parse a curator's file; a file that is not a regular file, too large, empty, not UTF-8 or not Turtle is an InputError."""
    return _read_new_file(path)[0]


def _read_new_file(path: Path):
    """A curator's file as its triples and its text (without a byte-order mark)."""
    from .files import read_regular_file
    from .load import parse_turtle

    path = Path(path)
    raw = read_regular_file(path, limit=MAX_FILE_BYTES, too_large="one file of new facts may hold; split it")
    graph = parse_turtle(path, data=raw)
    if len(graph) == 0:
        raise InputError(f"{path}: holds no triples; nothing to check or add")
    return graph, raw.decode("utf-8").removeprefix("\ufeff")


def check_new_file(path: Path, project: Project | None = None, sources_dir: Path | None = None) -> CurationReport:
    """Everything a new file of facts must pass before it may be added."""
    return check_new_files([path], project, sources_dir)


def check_new_files(paths: list[Path], project: Project | None = None,
                    sources_dir: Path | None = None) -> CurationReport:
    """Everything new files of facts must pass to be added together (two rounds 23 in two files clash)."""
    from rdflib import Graph

    from .load import load_shapes, to_oxigraph, to_rdflib
    from .settings import choose
    from .validate import neighbourhood, validate_graph

    project = project or default_project()
    files, new = [], Graph()
    for path in map(Path, paths):
        graph, text = _read_new_file(path)
        files.append((path, text))
        if len(paths) == 1:
            new = graph
            break
        for prefix, namespace in graph.namespaces():
            new.bind(prefix, namespace, override=False)
        new += graph  # each file's blank nodes stay its own
    engines = choose(project=project)
    locator = Locator(files, new, project)
    report = CurationReport(facts=new)
    report.problems += _structure_problems(new, locator)
    if report.problems:  # the shapes would take minutes over a long list, and name its cells at length
        return report
    report.problems += _unsupported_subjects(new, locator)

    # Only the nodes the file touches are validated, within the part of the
    # graph around them, so a small file is checked in about the same time
    # whatever the size of the graph. What that part already reports is not
    # the new file's doing.
    new_triples = to_oxigraph(new)
    around, links = neighbourhood(new_triples, project)
    before = to_rdflib(around)
    merged = before + new
    report.problems += _schema_statements(new, merged, locator)
    shapes = load_shapes(project)
    baseline = {(f.focus, f.path, f.message) for f in validate_graph(before, shapes, engines.validator).findings}
    declared = _declared_terms(merged)  # the neighbourhood holds the ontology
    not_resources = {s for s in new.subjects() if not _is_blank(s) and not str(s).startswith(_RESOURCES)}
    stated = set(new.subjects())
    touched = stated | {o for o in new.objects() if not _is_literal(o)} | _sharing_a_value(before, new)
    for finding in validate_graph(merged, shapes, engines.validator).findings:
        if finding.focus_node not in touched:  # seen only in part: its own check is the full validation's
            continue
        if finding.focus_node not in stated and (finding.focus, finding.path, finding.message) in baseline:
            continue
        if finding.focus_node in not_resources:  # already reported as schema
            continue
        message = _plain_words(finding, declared)
        report.problems.append(Problem(location=locator.where(finding.focus_node),
                                       severity=_severity(finding.severity),
                                       node=locator.name(finding.focus_node), message=message))
    if not any(p.severity == "error" for p in report.problems):
        report.failed_rules = _new_rule_failures(around + links + new_triples, project, engines.reasoner)
    if sources_dir is not None:
        report.problems += quote_problems(merged, Path(sources_dir), only=new, locator=locator)
    report.problems = sorted(set(report.problems))
    return report


MAX_NESTING = 8  # levels of blank nodes under a node: an evidence item is one


def _structure_problems(new, locator) -> list[Problem]:
    """RDF lists and blank nodes nested deep, found in time linear in the file.

    No property of the ontology takes a list, and facts nest blank nodes one
    level (an evidence item); both are refused before the shapes see them.
    """
    from rdflib.namespace import RDF

    problems = []
    for head in sorted({s for s in new.subjects(RDF.first, None) if (None, RDF.rest, s) not in new}, key=str):
        length, cell, seen = 0, head, set()
        while cell is not None and cell != RDF.nil and cell not in seen:
            seen.add(cell)
            length += 1
            cell = new.value(cell, RDF.rest)
        problems.append(Problem(location=locator.where(head), severity="error", node=locator.name(head),
                                message=f"an RDF list of {length} item(s); no property of the ontology takes a "
                                        "list: state each value in a triple of its own"))
    if problems:
        return problems
    deepest, depth = None, 0
    for node in {o for o in new.objects() if _is_blank(o)}:
        levels = locator.anchor(node)[2]
        if levels > depth:
            deepest, depth = node, levels
    if depth > MAX_NESTING:
        problems.append(Problem(location=locator.where(deepest), severity="error", node=locator.name(deepest),
                                message=f"blank nodes nested {depth} deep; facts nest them at most {MAX_NESTING} "
                                        "deep: give the inner nodes IRIs (res:NAME)"))
    return problems


def _sharing_a_value(graph, new) -> set:
    """Existing nodes with the same literal value of a property as a new node (uniqueness checks)."""
    from rdflib import Literal

    return {s for _, p, o in new if isinstance(o, Literal) for s in graph.subjects(p, o)}


def _is_literal(node) -> bool:
    from rdflib import Literal

    return isinstance(node, Literal)


def _severity(shacl_severity: str) -> str:
    return {"Violation": "error", "Warning": "warning"}.get(shacl_severity, "info")


def _declared_terms(ontology) -> dict[str, list[str]]:
    """The ontology's declared classes and properties, as prefixed names."""
    from rdflib.namespace import OWL, RDF

    def names(*kinds):
        return sorted({shorten(str(s)) for kind in kinds for s in ontology.subjects(RDF.type, kind)
                       if not _is_blank(s)})
    return {"class": names(OWL.Class),
            "property": names(OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)}


def _is_blank(node) -> bool:
    from rdflib import BNode

    return isinstance(node, BNode)


def _plain_words(finding, declared: dict[str, list[str]]) -> str:
    """The finding as a sentence: property, offending value, what was expected, and a suggestion."""
    text = finding.message
    undeclared = re.match(r"^(\S+) is not a (property|class) declared in the ontology", text)
    if undeclared:
        close = difflib.get_close_matches(undeclared.group(1), declared[undeclared.group(2)], n=1, cutoff=0.6)
        if close:
            text += f"; did you mean {close[0]}?"
        return text
    where = f"{finding.path}: " if finding.path else ""
    value = f"value {finding.value}; " if finding.value and finding.value not in text else ""
    return f"{where}{value}{text}"


def _schema_statements(new, merged, locator) -> list[Problem]:
    """A facts file states facts about resources; it may not carry schema.

    Refused: statements about ontology terms or any other vocabulary's terms
    (``prov:Agent rdfs:subClassOf ap:Round`` would make every agent a round),
    class and property axioms (rdfs:subClassOf, rdfs:domain, owl:*; and
    rdfs:isDefinedBy, which the declared-term shapes read as "an ontology
    term"), and owl:sameAs between things of different classes (a person
    merged into a round).
    """
    from rdflib.namespace import OWL, RDF, RDFS

    problems, reported = [], set()
    for subject in sorted({s for s in new.subjects() if not _is_blank(s)}, key=str):
        if str(subject).startswith(_ONTOLOGY_NAMESPACES):
            message = ("is an ontology term; facts files may not define or change ontology terms "
                       "(edit ontology/astana.ttl instead)")
        elif not str(subject).startswith(_RESOURCES):
            message = ("is a vocabulary term, not a resource (res:, doc:, src:); facts files state facts "
                       "about resources only (terms belong in ontology/astana.ttl)")
        else:
            continue
        reported.add(subject)
        problems.append(Problem(location=locator.where(subject), severity="error", node=shorten(str(subject)),
                                message=message))
    schema = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.isDefinedBy}
    for subject, predicate, value in sorted(new):
        if subject in reported:
            continue
        axiom = (predicate in schema or (str(predicate).startswith(str(OWL)) and predicate != OWL.sameAs)
                 or (predicate == RDF.type and str(value).startswith((str(OWL), str(RDFS)))))
        if axiom:
            shown = f"{shorten(str(predicate))} {shorten(str(value))}" if predicate == RDF.type else shorten(str(predicate))
            problems.append(Problem(location=locator.where(subject), severity="error", node=locator.name(subject),
                                    message=f"{shown} is schema, not a fact; facts files may not carry class or "
                                            "property axioms (they belong in ontology/astana.ttl)"))
        elif predicate == OWL.sameAs:
            classes = [sorted(shorten(str(c)) for c in merged.objects(node, RDF.type)) for node in (subject, value)]
            if classes[0] != classes[1]:
                kinds = [", ".join(names) or "no class" for names in classes]
                problems.append(Problem(
                    location=locator.where(subject), severity="error", node=locator.name(subject),
                    message=f"owl:sameAs: value {shorten(str(value))}; it would make one thing of two of different "
                            f"classes ({kinds[0]}; {kinds[1]}); link them with a property of the ontology"))
    return problems


def _unsupported_subjects(new, locator) -> list[Problem]:
    """Every node the new file states facts about must carry evidence in the file itself.

    Otherwise a fact would borrow the evidence an existing node already has,
    and be credited to a document that does not state it.
    """
    from rdflib.namespace import RDF

    from .namespace import AP

    exempt = {AP.Evidence, AP.PublicSource, AP.SourceDocument, AP.Document}
    problems = []
    for subject in sorted({s for s in new.subjects() if _is_blank(s)}, key=str):
        if not set(new.objects(subject, RDF.type)) & exempt and (subject, RDF.type, None) in new:
            problems.append(Problem(location=locator.where(subject), severity="error", node=locator.name(subject),
                                    message="a fact-bearing node needs an IRI (res:NAME), not a blank node, "
                                            "so that other facts and sources can refer to it"))
    for subject in sorted({s for s in new.subjects() if not _is_blank(s)}, key=str):
        if not str(subject).startswith(_RESOURCES) or set(new.objects(subject, RDF.type)) & exempt:
            continue
        if (subject, AP.evidence, None) not in new:
            problems.append(Problem(location=locator.where(subject), severity="error", node=shorten(str(subject)),
                                    message="states facts without evidence in this file; add ap:evidence "
                                            "[ a ap:Evidence ; ... ] citing the document they come from"))
    return problems


def _new_rule_failures(after, project: Project, reasoner: str):
    """The rule violations the new facts bring: those around them, less those the built graph has."""
    from dataclasses import replace

    from .checks import load_checks, run_checks

    checks = load_checks(project.queries_dir / "rules")
    old = _built_rule_rows(project, checks)
    failures = []
    for result in run_checks(_closure_engine(after, reasoner), checks):
        rows = [row for row in result.rows if (result.check.name, tuple(row)) not in old]
        if rows:
            failures.append(replace(result, rows=rows))
    return failures


def _built_rule_rows(project: Project, checks) -> set:
    """The rule violations of the built graph, computed once per build and kept beside it."""
    import json

    from .checks import run_checks
    from .store import build_dir, open_engine

    # Keyed on the rules' text too: a rule added since would otherwise find rows the
    # graph already had, and blame them on the new file.
    rules = hashlib.sha256("\0".join(f"{c.name}\0{c.text}" for c in checks).encode("utf-8")).hexdigest()[:16]
    path = build_dir(project) / f"rule-rows-{rules}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        rows = stored["rows"] if stored.get("sha256") == _rows_digest(stored.get("rows")) else None
    except (OSError, ValueError, AttributeError):
        rows = None
    if rows is None:
        rows = [[r.check.name, list(row)] for r in run_checks(open_engine(project), checks) for row in r.rows]
        try:
            write_atomically(path, json.dumps({"rows": rows, "sha256": _rows_digest(rows)}).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs the rules again
    return {(name, tuple(row)) for name, row in rows}


def _rows_digest(rows) -> str:
    import json

    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def _closure_engine(triples, reasoner: str):
    """A query engine over the triples (pyoxigraph Triples) and their OWL RL entailments."""
    import pyoxigraph as ox

    from .engines import OxigraphEngine
    from .reason import infer

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in [*triples, *infer(triples, reasoner)])
    return OxigraphEngine(store)


def quote_problems(graph, sources_dir: Path, only=None, locator=None) -> list[Problem]:
    """Quotes that do not occur (white space aside) in the text of the document they cite."""
    from rdflib.namespace import DCTERMS, PROV

    from .namespace import AP

    scope = only if only is not None else graph
    problems = []
    texts: dict[str, str] = {}
    for evidence, quote in scope.subject_objects(AP.quote):
        document = graph.value(evidence, PROV.wasQuotedFrom)
        file_name = graph.value(document, DCTERMS.identifier) if document is not None else None
        if file_name is None:
            continue
        if str(file_name) not in texts:
            try:
                texts[str(file_name)] = (sources_dir / str(file_name)).read_text(encoding="utf-8")
            except OSError:
                raise InputError(f"{sources_dir / str(file_name)}: the text of {shorten(str(document))} "
                                 "cannot be read") from None
        if _normalise(str(quote)) not in _normalise(texts[str(file_name)]):
            owner = next(iter(graph.subjects(AP.evidence, evidence)), evidence)
            problems.append(Problem(
                location=locator.where(owner) if locator else shorten(str(document)),
                severity="error", node=locator.name(owner) if locator else shorten(str(owner)),
                message=f"the quote {str(quote)[:60]!r} does not occur in {file_name}"))
    return problems


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Locator:
    """Finds the line where a node's statements stand: in the new files, else in data/."""

    def __init__(self, files: list[tuple[Path, str]], graph, project: Project):
        self.files, self.graph, self.project = files, graph, project
        self.path = files[0][0]  # named when no line is found
        self.bindings = [(p, str(ns)) for p, ns in graph.namespaces() if p]

    def anchor(self, node):
        """The nearest IRI a blank node hangs from: (that IRI or None, the property into the node, levels)."""
        seen, levels, property_in = {node}, 0, None
        while _is_blank(node):
            parent = next(iter(self.graph.subject_predicates(node)), None)
            if parent is None or parent[0] in seen:  # a top-level [ ], or a cycle of blank nodes
                return None, property_in, levels
            node, levels = parent[0], levels + 1
            property_in = property_in or parent[1]
            seen.add(node)
        return node, property_in, levels

    def name(self, node) -> str:
        """A short name: the IRI, or a blank node by the IRI it hangs from (never a chain of them)."""
        if not _is_blank(node):
            return shorten(str(node))
        owner, property_in, levels = self.anchor(node)
        if owner is None:
            return "[ ]"
        if levels == 1:
            return f"[ ] (the {shorten(str(property_in))} of {shorten(str(owner))})"
        return f"[ ] (the {shorten(str(property_in))} of a [ ] {levels - 1} level(s) under {shorten(str(owner))})"

    def where(self, node) -> str:
        if _is_blank(node):
            node = self.anchor(node)[0]
            if node is None:
                return str(self.path)
        for path, text in self.files:
            line = _line_of(text, self._spellings(str(node), self.bindings))
            if line:
                return f"{path}:{line}"
        for data_file, content in self._data_texts():
            line = _line_of(content, self._spellings(str(node), _prefix_lines(content)))
            if line:
                return f"{data_file.relative_to(self.project.root)}:{line}"
        return str(self.path)

    def _data_texts(self):
        if not hasattr(self, "_texts"):  # read once, however many findings are located
            self._texts = [(path, path.read_text(encoding="utf-8")) for path in self.project.data_files()]
        return self._texts

    @staticmethod
    def _spellings(iri: str, bindings) -> list[str]:
        names = [f"<{iri}>"]
        for prefix, namespace in bindings:
            if iri.startswith(namespace) and iri != namespace:
                names.append(f"{prefix}:{iri[len(namespace):]}")
        return names


def _prefix_lines(text: str) -> list[tuple[str, str]]:
    return re.findall(r"@prefix\s+([A-Za-z][\w-]*):\s*<([^>]*)>", text)


def _line_of(text: str, spellings: list[str]) -> int | None:
    """The first line that starts with the node as a subject, else the first that mentions it."""
    pattern = "|".join(re.escape(s) for s in spellings)
    subject = re.compile(rf"^\s*(?:{pattern})(?=[\s;,.]|$)")
    anywhere = re.compile(rf"(?:{pattern})(?=[\s;,.\])]|$)")
    mention = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        if subject.match(line):
            return number
        if mention is None and anywhere.search(line):
            mention = number
    return mention


# =============================================================================
# Adding
# =============================================================================

@dataclass
class Addition:
    target: Path  # the data file written (or that would be)
    created: bool  # True when the target is a new file
    triples: int  # how many new triples
    diff: str  # unified diff of the target file


def add_file(path: Path, project: Project | None = None, as_document: str | None = None,
             dry_run: bool = False, sources_dir: Path | None = None) -> Addition:
    """Check ``path``, then write its new facts into data/ atomically (unless ``dry_run``).

    Raises NegativeResult (exit 1) with the report when the file does not pass.
    """
    from .lock import data_lock

    project = project or default_project()
    # Check and write under one lock: two adds that are each valid alone (two rounds
    # numbered 23) must not both land, and neither may overwrite the other's write.
    with data_lock(project):
        return _check_and_add(Path(path), project, as_document, dry_run, sources_dir)


def _check_and_add(path: Path, project: Project, as_document, dry_run: bool, sources_dir) -> Addition:
    report = check_new_file(path, project, sources_dir=sources_dir)
    if not report.ok:
        raise CurationFailed(report, f"{path}: not added: {report.errors} error(s)")
    new = report.facts
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

    def __init__(self, report: CurationReport, message: str):
        super().__init__(message)
        self.report = report


def _target_file(new, project: Project, as_document: str | None) -> Path:
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


def _appended_text(old_text: str, new, target: Path, source: Path, project: Project):
    """The target's text with the new triples appended as Turtle blocks; existing text untouched."""
    from rdflib import Graph

    from .load import parse_turtle

    existing = parse_turtle(target) if target.exists() else Graph()
    fresh = _facts_not_in(new, existing)
    if len(fresh) == 0:
        return old_text, fresh
    declared = dict(_prefix_lines(old_text))
    for prefix, namespace in _prefix_lines(source.read_text(encoding="utf-8")):
        if prefix not in declared and namespace not in declared.values():
            declared[prefix] = namespace
    for prefix, namespace in declared.items():
        fresh.bind(prefix, namespace, override=True, replace=True)
    body = fresh.serialize(format="longturtle")
    blocks = "\n".join(line for line in body.splitlines() if not line.startswith(("@prefix", "PREFIX"))).strip()
    header = old_text if old_text else _new_file_header(target, project)
    missing = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(declared.items()) if p not in dict(_prefix_lines(header))]
    if missing:
        header = _insert_prefixes(header, missing)
    addition = f"\n\n# --- added by kg add from {source.name} ---\n\n{blocks}\n"
    return header.rstrip("\n") + addition, fresh


def _facts_not_in(new, existing):
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
    from .load import graph_name_for

    graph = graph_name_for(target, project)
    return (f"# {'=' * 77}\n# Facts taken from the public source {shorten(str(graph))}\n"
            f"# Named graph: <{graph}>\n# Added with kg add; the source's text is not copied.\n# {'=' * 77}\n\n")


def _verify_round_trip(old_text: str, new_text: str, added, target: Path) -> None:
    """The written text must parse to exactly the old facts plus the added ones."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    before, after = Graph(), Graph()
    if old_text:
        before.parse(data=old_text, format="turtle")
    after.parse(data=new_text, format="turtle")
    expected = before
    for triple in added:
        expected.add(triple)
    if not isomorphic(expected, after):
        from .errors import KgError

        raise KgError(f"{target}: the merged text would not hold exactly the old and new facts; nothing written")
