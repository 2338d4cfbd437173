"""The index of names and text that finds entities by words (kg describe, kg search).

Written beside the store (see kg.build) by the first command that searches (kg.search),
from the sources' named graphs:

    .kg-cache/<fingerprint>/search.sqlite
        names     every name of an entity, folded (kg.names.fold): its labels,
                  hidden labels and meeting names, and a person's surnames
        texts     an SQLite FTS5 index of the labels, notes, summaries, quotes
                  and other prose, each row with its entity, property and the
                  source that states it (the named graph, or for a quote the
                  document it is quoted from)
        entities  each entity's preferred label and asserted class
        kinds     each class with its superclasses, for ``--type``

The file is written beside its place and renamed into it, and written again
when it is missing, cannot be read, or was written by other code than this.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .errors import InputError
from .names import fold, needs_base_letters, person_surnames
from .prefixes import INFERRED_GRAPH, ONTOLOGY_IRI, PREFIXES, expand, shorten
from .terms import Result, Term

if TYPE_CHECKING:
    import pyoxigraph as ox

FILE = "search.sqlite"

AP, SKOS, RDFS, DCTERMS, PROV = (PREFIXES[p] for p in ("ap", "skos", "rdfs", "dcterms", "prov"))
PREF_LABEL = SKOS + "prefLabel"
ALT_LABEL = SKOS + "altLabel"
# What names an entity in kg describe.
NAME_PROPERTIES = (PREF_LABEL, ALT_LABEL, SKOS + "hiddenLabel", RDFS + "label", AP + "meetingName")
# What kg search reads besides quotes: names and prose, not identifiers or addresses.
TEXT_PROPERTIES = (PREF_LABEL, ALT_LABEL, SKOS + "hiddenLabel", AP + "meetingName", SKOS + "note",
                   SKOS + "definition", AP + "summary", AP + "uncertainty", AP + "position",
                   DCTERMS + "title", DCTERMS + "description")
QUOTE = AP + "quote"

SNIPPET_TOKENS = 32  # a longer text is shown as the part around what matched


# =============================================================================
# Building
# =============================================================================

def build_index(store: ox.Store, path: Path) -> dict[str, int]:
    """Write the index of ``store`` (a pyoxigraph store, reasoned) to ``path``; return its counts."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        try:
            counts = _fill(connection, store)
            connection.commit()
        finally:
            connection.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def _fill(db: sqlite3.Connection, store: ox.Store) -> dict[str, int]:
    db.executescript("""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE entities (id INTEGER PRIMARY KEY, iri TEXT UNIQUE, label TEXT, type TEXT);
        CREATE TABLE names (key TEXT, entity INTEGER, surname INTEGER);
        CREATE TABLE kinds (class TEXT, ancestor TEXT);
        CREATE TABLE entity_types (entity INTEGER, class TEXT);
        CREATE VIRTUAL TABLE texts USING fts5 (text, folded, entity UNINDEXED, field UNINDEXED,
                                               source UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
    """)
    ids: dict[str, int] = {}

    def entity(iri: str) -> int:
        found = ids.get(iri)
        if found is None:
            found = ids[iri] = len(ids) + 1
        return found

    def rows(query: str) -> ox.QuerySolutions:
        return cast("ox.QuerySolutions", store.query(query, prefixes=PREFIXES))

    not_derived = f"FILTER (?g != <{INFERRED_GRAPH}>)"
    # --- names: in every graph, the ontology's too (kg describe "meeting name")
    values = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
    labels: dict[str, str] = {}
    alternatives: dict[str, list[str]] = {}
    names = set()
    for row in rows(f"SELECT DISTINCT ?e ?p ?l WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?e ?p ?l }} "
                    f"{not_derived} FILTER (isIRI(?e) && isLiteral(?l)) }}"):
        iri, prop, text = row[0].value, row[1].value, row[2].value
        names.add((fold(text), entity(iri), 0))
        if prop == PREF_LABEL:
            labels.setdefault(iri, text)
        elif prop == ALT_LABEL:
            alternatives.setdefault(iri, []).append(text)
    for row in rows("SELECT DISTINCT ?e WHERE { ?e a ap:Person FILTER isIRI(?e) }"):
        iri = row[0].value
        if iri in labels:
            names.update((fold(s), entity(iri), 1) for s in person_surnames(labels[iri], alternatives.get(iri, [])))
    db.executemany("INSERT INTO names VALUES (?, ?, ?)", sorted(names))
    db.execute("CREATE INDEX names_by_key ON names (key)")

    # --- text: what the sources state, the ontology left out
    texts = []
    values = " ".join(f"<{p}>" for p in TEXT_PROPERTIES)
    for row in rows(f"SELECT ?e ?p ?t ?g WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?e ?p ?t }} "
                    f"{not_derived} FILTER (?g != <{ONTOLOGY_IRI}> && isIRI(?e) && isLiteral(?t)) }}"):
        texts.append((row[2].value, entity(row[0].value), row[1].value, row[3].value))
    for row in rows(f"""SELECT ?e ?t ?g ?document WHERE {{
                GRAPH ?g {{ ?e ap:evidence ?evidence . ?evidence ap:quote ?t
                           OPTIONAL {{ ?evidence prov:wasQuotedFrom ?document }} }}
                {not_derived} FILTER (isIRI(?e)) }}"""):
        source = row[3] if row[3] is not None else row[2]
        texts.append((row[1].value, entity(row[0].value), QUOTE, source.value))
    db.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?)",
                   ((text, fold(text) if needs_base_letters(text) else "", number, field, source)
                    for text, number, field, source in dict.fromkeys(texts)))

    # --- classes: asserted ones per entity, and the hierarchy for --type
    kinds = {(row[0].value, row[1].value) for row in rows(
        "SELECT ?c ?a WHERE { ?c rdfs:subClassOf ?a FILTER (isIRI(?c) && isIRI(?a)) }")}
    types: dict[int, set[str]] = {}
    for row in rows(f"SELECT DISTINCT ?e ?t WHERE {{ GRAPH ?g {{ ?e a ?t }} {not_derived} "
                    f"FILTER (?g != <{ONTOLOGY_IRI}> && isIRI(?e) && isIRI(?t)) }}"):
        number = ids.get(row[0].value)
        if number is not None:
            types.setdefault(number, set()).add(row[1].value)
    kinds |= {(c, c) for classes in types.values() for c in classes}
    db.executemany("INSERT INTO kinds VALUES (?, ?)", sorted(kinds))
    db.execute("CREATE INDEX kinds_by_ancestor ON kinds (ancestor)")
    db.executemany("INSERT INTO entity_types VALUES (?, ?)",
                   ((number, c) for number, classes in types.items() for c in classes))
    db.execute("CREATE INDEX entity_types_by_class ON entity_types (class)")
    ancestors: dict[str, set[str]] = {}
    for child, ancestor in kinds:
        if child != ancestor:
            ancestors.setdefault(child, set()).add(ancestor)
    db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)",
                   ((number, iri, labels.get(iri, ""), _most_specific(types.get(number, set()), ancestors))
                    for iri, number in ids.items()))
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("code", code_digest())])
    return {"names": len(names), "texts": len(texts)}


def _most_specific(classes: set[str], ancestors: dict[str, set[str]]) -> str:
    """The asserted class no other asserted class is a subclass of (the first such, by IRI)."""
    below = {a for c in classes for a in ancestors.get(c, ())}
    specific = sorted(c for c in classes if c not in below) or sorted(classes)
    return specific[0] if specific else ""


def code_digest() -> str:
    """A hash of the code that writes the index: an index written by other code is written again."""
    digest = hashlib.sha256(sqlite3.sqlite_version.encode())
    for name in ("text_index.py", "names.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:20]


# =============================================================================
# Reading
# =============================================================================

class SearchIndex:
    """The index of one build (see the module's docstring)."""

    def __init__(self, path: Path, rebuild: Callable[[Path], None]):
        self.path = Path(path)
        self._rebuild = rebuild
        self._db = None

    def _connection(self):
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self):
        for attempt in (1, 2):
            try:
                db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
                (code,) = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
                if code == code_digest():
                    return db
                db.close()
            except (sqlite3.Error, TypeError):
                pass  # missing, damaged or cut short
            if attempt == 1:
                self._rebuild(self.path)
        raise InputError(f"{self.path}: the search index cannot be read, even written again")

    def _run(self, sql: str, parameters: tuple | list = ()) -> list:
        try:
            return self._connection().execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            if "fts5" in str(error) or "syntax" in str(error):
                raise  # a bug in the query we wrote, not a damaged file
            self._db = None
        except sqlite3.DatabaseError:
            self._db = None
        # The file was damaged after it was opened: write it again, once.
        self._rebuild(self.path)
        return self._connection().execute(sql, parameters).fetchall()

    # --- names ---------------------------------------------------------------

    def entities_named(self, text: str) -> list[tuple[str, str]]:
        """The (IRI, preferred label) of the entities ``text`` names, compared folded (kg.names.fold):
        those it is a label of, or failing any, the persons it is a surname of."""
        found = self._run("""SELECT DISTINCT e.iri, e.label, n.surname FROM names n JOIN entities e ON e.id = n.entity
                             WHERE n.key = ? ORDER BY n.surname, e.iri""", (fold(text),))
        first = [(iri, label) for iri, label, surname in found if surname == found[0][2]] if found else []
        return first

    def names_like(self, text: str, count: int = 3) -> list[str]:
        """Up to ``count`` labels close to ``text``, for a "did you mean"."""
        import difflib

        labels = {fold(label): label for (label,) in self._run("SELECT DISTINCT label FROM entities WHERE label != ''")}
        return [labels[key] for key in difflib.get_close_matches(fold(text), list(labels), n=count, cutoff=0.6)]

    # --- text ----------------------------------------------------------------

    def search(self, text: str, kind: str | None = None, limit: int | None = 50) -> Result:
        """The texts that contain every word of ``text`` (a word ending in * as a prefix), best first (bm25).

        Rows: entity, type (its asserted class), field (the property), text (around
        the match, if long), source. ``kind``: only entities of this class or a subclass.
        """
        where, parameters = "texts MATCH ?", [match_expression(text)]
        if kind is not None:
            where += (" AND t.entity IN (SELECT et.entity FROM entity_types et JOIN kinds k ON k.class = et.class"
                      " WHERE k.ancestor = ?)")
            parameters.append(self.class_iri(kind))
        sql = (f"SELECT e.iri, e.type, t.field, snippet(texts, 0, '', '', '…', {SNIPPET_TOKENS}), t.source "
               f"FROM texts t JOIN entities e ON e.id = t.entity WHERE {where} "
               f"ORDER BY t.rank, e.iri, t.field, t.source")
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = []
        for iri, type_, field, snippet, source in self._run(sql, parameters):
            row = {"entity": Term.iri(iri), "field": Term.iri(field), "text": Term.literal(snippet),
                   "source": Term.iri(source)}
            if type_:
                row["type"] = Term.iri(type_)
            rows.append(row)
        return Result(form="select", variables=["entity", "type", "field", "text", "source"], rows=rows)

    def class_iri(self, name: str) -> str:
        """The IRI of a class given as an IRI, a prefixed name or an ontology term's local name."""
        name = name.strip()
        iri = name[1:-1] if name.startswith("<") and name.endswith(">") else expand(name)
        if iri is None:
            iri = name if name.startswith(("http://", "https://")) else AP + name
        if not self._run("SELECT 1 FROM kinds WHERE ancestor = ? LIMIT 1", (iri,)):
            import difflib

            known = [shorten(c) for (c,) in self._run("SELECT DISTINCT ancestor FROM kinds")]
            close = difflib.get_close_matches(shorten(iri), known, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise InputError(f"--type: no class {shorten(iri)} has instances with text{hint}")
        return iri


def match_expression(text: str) -> str:
    """An FTS5 query for the words of ``text``, each quoted, so that no user text is FTS5 syntax.

    Every word must occur (AND); a word ending in * matches as a prefix.
    """
    terms = []
    for word in text.split():
        prefix = word.endswith("*")
        word = fold(word.rstrip("*"))
        if any(c.isalnum() for c in word):
            terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not terms:
        raise InputError(f"nothing to search for in {text!r}: give a word (letters or digits)")
    return " ".join(terms)
