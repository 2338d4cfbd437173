"""The project's prefixes as plain strings, importable without rdflib (fast start-up)."""

import re

BASE = "https://w3id.org/astana-kg/"

PREFIXES = {
    "ap": BASE + "ontology#",
    "aps": BASE + "shapes#",
    "doc": BASE + "resource/document/",
    "src": BASE + "resource/source/",
    "graph": BASE + "resource/graph/",
    "res": BASE + "resource/",
    "wd": "http://www.wikidata.org/entity/",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

ONTOLOGY_IRI = BASE + "ontology"
REFERENCE_GRAPH = BASE + "resource/graph/reference"
INFERRED_GRAPH = BASE + "resource/graph/inferred"

_LOCAL_NAME_FORBIDDEN = set(" <>\"{}|^`\\#?/")


def shorten(iri: str) -> str:
    """Show an IRI as a prefixed name where a known namespace covers it, else as <iri>."""
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is not None:
        local = iri[len(best[1]):]
        if not (set(local) & _LOCAL_NAME_FORBIDDEN):
            return f"{best[0]}:{local}"
    return f"<{iri}>"


def expand(name: str) -> str | None:
    """The full IRI of a prefixed name (``res:russia``), or None if it is not one."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX lines for the given prefixes (all known ones by default)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (PREFIXES if prefixes is None else prefixes).items())


# What cannot hold a prefixed name: IRIs, strings, comments (blanked before looking for ``name:``)
_NOT_NAMES = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                        r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def prologue_for(text: str, prefixes: dict[str, str] | None = None) -> str:
    """PREFIX lines for the given prefixes (all known ones by default) that ``text`` uses
    and does not declare itself.

    A server echoes the query in its error message and counts its lines, and a
    short query goes by GET: sixteen unused PREFIX lines would push both aside.
    """
    names = _NOT_NAMES.sub(" ", text)
    declared = set(_DECLARED.findall(names))
    used = set(re.findall(r"(?<![\w.:?$-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:", names)) - declared
    chosen = PREFIXES if prefixes is None else prefixes
    return sparql_prologue({p: ns for p, ns in chosen.items() if p in used})
