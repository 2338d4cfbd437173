"""Saved queries: ``queries/*.rq`` files with a grlc decorator header.

A file opens with comment lines in grlc's format, which grlc and kg read the
same (docs/grlc.md)::

    #+ summary: Observers of a given round
    #+ description: >
    #+   Longer text ...
    #+ tags:
    #+   - rounds
    #+ defaults:
    #+   - round: 7
    #+ enumerate:
    #+   - country:
    #+     - https://w3id.org/astana-kg/resource/jordan
    #+ pinned: true
    #+ endpoint: http://127.0.0.1:7878/sparql

(``pinned`` is ours, not grlc's: the answer to the query run without parameters
is computed once per build of the store, see kg.pinned; so a pinned query has
no required parameter and no default. ``endpoint`` is grlc's, the address of
``kg serve``; kg itself answers from its own store unless given --endpoint.)

and names its parameters by grlc's convention: ``?_round_integer`` is the
required parameter ``round`` of type integer, ``?__since_xsd_date`` the
optional parameter ``since`` of type xsd:date, ``?_country_iri`` an IRI.

Values are checked against their type and bound as RDF terms in a VALUES
block at the top of the WHERE clause, never pasted into the query text (grlc
pastes them in place of the variable). So an optional parameter is copied
into a variable of its own, ``BIND (?__since_xsd_date AS ?since)``, and tested
with ``!BOUND(?since)``: pasted into ``BOUND()``, a value is a syntax error.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .prefixes import PREFIXES, expand, shorten
from .terms import XSD, Term

_PARAMETER = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*)_(iri|integer|number|string|literal|xsd_[A-Za-z]+|[a-z]{2})\b")
_FORBIDDEN_IN_IRI = re.compile(r'[\s<>"{}|^`\\]')


@dataclass(frozen=True)
class Parameter:
    """One parameter of a saved query."""

    name: str  # as the user types it: --round
    variable: str  # as the query names it: _round_integer
    kind: str  # iri, integer, number, string, literal, xsd_<type>, or a language tag
    required: bool
    default: str | None = None
    choices: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        return {"iri": "IRI", "integer": "integer", "number": "number"}.get(
            self.kind, self.kind.replace("xsd_", "xsd:") if self.kind.startswith("xsd_") else
            ("string" if self.kind in ("string", "literal") else f"text@{self.kind}"))

    def allows(self, value: str) -> bool:
        """Whether the value is one of the choices (an IRI in any of the forms parse_iri reads)."""
        if not self.choices or value in self.choices:
            return True
        if self.kind != "iri":
            return False
        try:
            return parse_iri(value.strip()) in {parse_iri(choice) for choice in self.choices}
        except ValueError:
            return False

    def to_term(self, value: str) -> Term:
        """The RDF term for a value typed on the command line; InputError if it does not fit."""
        try:
            return self._convert(value.strip())
        except ValueError as error:
            raise InputError(f"--{self.name}: {value!r} is not a valid {self.type_label} ({error})") from None

    def _convert(self, value: str) -> Term:
        if self.kind == "iri":
            return Term.iri(parse_iri(value))
        if self.kind == "integer" or self.kind == "xsd_integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise ValueError("expected digits")
            return Term.literal(str(int(value)), XSD + "integer")
        if self.kind == "number" or self.kind == "xsd_decimal":
            float(value)
            return Term.literal(value, XSD + "decimal")
        if self.kind == "xsd_date":
            datetime.date.fromisoformat(value)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError("expected YYYY-MM-DD")
            return Term.literal(value, XSD + "date")
        if self.kind == "xsd_gYear":
            if not re.fullmatch(r"\d{4}", value):
                raise ValueError("expected YYYY")
            return Term.literal(value, XSD + "gYear")
        if self.kind == "xsd_boolean":
            if value not in ("true", "false"):
                raise ValueError("expected true or false")
            return Term.literal(value, XSD + "boolean")
        if self.kind in ("string", "literal", "xsd_string"):
            return Term.literal(value)
        if self.kind.startswith("xsd_"):
            return Term.literal(value, XSD + self.kind[4:])
        return Term.literal(value, lang=self.kind)


def parse_iri(value: str) -> str:
    """An IRI from ``<iri>``, ``http(s)://…``, a prefixed name, or a bare resource name."""
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    iri: str | None
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        iri = value
    else:
        iri = expand(value) or (PREFIXES["res"] + value if re.fullmatch(r"[A-Za-z0-9_.-]+", value) else None)
    if not iri or _FORBIDDEN_IN_IRI.search(iri):
        raise ValueError("expected an IRI such as res:russia or https://…")
    return iri


@dataclass
class SavedQuery:
    """A saved query read from its file."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    pinned: bool = False

    def pins(self, text: str) -> bool:
        """Whether this bound text is answered from the pin: a pinned query run without its optional parameters."""
        return self.pinned and text == self.text

    def bind(self, values: dict[str, list[str]]) -> str:
        """The query text with the given parameter values bound in a VALUES block.

        ``values`` maps a parameter name to the values given for it (several
        values become several rows). Defaults fill what is not given; a
        missing required parameter or a value of the wrong type is an
        InputError raised before anything runs.
        """
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise InputError(f"{self.name}: no parameter named {', '.join(sorted(unknown))}")
        columns = []
        for parameter in self.parameters:
            given = [v for v in values.get(parameter.name, []) if v is not None]
            if not given and parameter.default is not None:
                given = [parameter.default]
            if not given:
                if parameter.required:
                    raise InputError(f"{self.name}: --{parameter.name} is required ({parameter.type_label})")
                continue
            if parameter.choices:
                for value in given:
                    if not parameter.allows(value):
                        raise InputError(f"--{parameter.name}: {value!r} is not one of {', '.join(parameter.choices)}")
            columns.append((parameter, [parameter.to_term(v) for v in given]))
        if not columns:
            return self.text
        block = _values_block(columns)
        return _insert_into_where(self.text, block, self.name)


def _values_block(columns: list[tuple[Parameter, list[Term]]]) -> str:
    """One VALUES block per parameter, so that several values of each multiply out."""
    return "".join(
        f"    VALUES ?{parameter.variable} {{ {' '.join(term.n3() for term in terms)} }}\n"
        for parameter, terms in columns
    )


def _insert_into_where(text: str, block: str, name: str) -> str:
    match = re.search(r"\bWHERE\s*\{", _blank_comments_and_strings(text), re.IGNORECASE)
    if not match:
        raise InputError(f"{name}: the query has no WHERE {{ … }} to bind its parameters in")
    return text[: match.end()] + "\n" + block + text[match.end():]


def _blank_comments_and_strings(text: str) -> str:
    """The text with comments and string literals blanked out, same length."""
    return re.sub(r'#[^\n]*|"(?:[^"\\\n]|\\.)*"', lambda m: " " * len(m.group()), text)


# --- reading the files -------------------------------------------------------------

def read_saved_query(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    header = _parse_header(text)
    defaults = _mapping_list(header.get("defaults", []))
    choices = _mapping_list(header.get("enumerate", []))
    seen, parameters = set(), []
    for match in _PARAMETER.finditer(_blank_comments_and_strings(text)):
        optional, name, kind = match.group(1) == "__", match.group(2), match.group(3)
        if name in seen:
            continue
        seen.add(name)
        parameters.append(Parameter(
            name=name,
            variable=match.group(0)[1:],
            kind=kind,
            required=not optional,
            default=None if defaults.get(name) is None else _as_shown(kind, defaults[name], path),
            choices=tuple(_as_shown(kind, c, path) for c in choices.get(name, [])),
        ))
    pinned = str(header.get("pinned", "false")).lower()
    if pinned not in ("true", "false"):
        raise InputError(f"{path}: 'pinned' is true or false, not {header['pinned']!r}")
    unpinnable = [p for p in parameters if p.required or p.default is not None]
    if pinned == "true" and unpinnable:
        raise InputError(f"{path}: a pinned query is answered once per build, without parameters, "
                         f"but --{unpinnable[0].name} {'is required' if unpinnable[0].required else 'has a default'}")
    return SavedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary", "")),
        description=str(header.get("description", "")),
        tags=[str(t) for t in header.get("tags", [])],
        parameters=parameters,
        pinned=pinned == "true",
    )


def load_saved_queries(directory: Path) -> dict[str, SavedQuery]:
    """Every saved query in a folder, by name."""
    return {path.stem: read_saved_query(path) for path in sorted(directory.glob("*.rq"))}


def find_saved_query(directory: Path, name: str) -> SavedQuery:
    """The saved query of that name; an unknown name suggests the closest ones."""
    path = directory / f"{name}.rq"
    if path.is_file():
        return read_saved_query(path)
    names = [p.stem for p in sorted(directory.glob("*.rq"))]
    import difflib  # only for a name that is not found

    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; 'kg queries' lists them"
    raise InputError(f"no saved query named {name!r}{hint}")


def _parse_header(text: str) -> dict:
    """The small YAML subset grlc headers use: scalars, folded text, lists, lists of maps."""
    lines = [line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines()
             if line.startswith("#+")]
    header: dict = {}
    key = None
    for line in lines:
        top = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
        if top:
            key, value = top.group(1), top.group(2).strip()
            header[key] = "" if value in (">", "|") else (value if value else [])
            continue
        if key is None:
            continue
        stripped = line.strip()
        if isinstance(header[key], str):
            header[key] = (header[key] + " " + stripped).strip()
        elif stripped.startswith("- ") and line.startswith("  - "):
            item = stripped[2:]
            pair = re.match(r"^([A-Za-z_]+):\s*(.*)$", item)
            header[key].append({pair.group(1): pair.group(2) or []} if pair else item)
        elif stripped.startswith("- ") and header[key] and isinstance(header[key][-1], dict):
            last = header[key][-1]
            inner = next(reversed(last))
            last[inner].append(stripped[2:])
    return header


def _as_shown(kind: str, value: object, path: Path) -> str:
    """A default or choice as kg shows it: an IRI as a prefixed name where one fits.

    The files give IRIs in full, since grlc pastes a value between < and >
    as it stands (a prefixed name would become ``<res:jordan>``).
    """
    value = str(value)
    if kind != "iri":
        return value
    try:
        return shorten(parse_iri(value)).removeprefix("<").removesuffix(">")
    except ValueError as error:
        raise InputError(f"{path}: {value!r} is not an IRI ({error})") from None


def _mapping_list(items: object) -> dict:
    merged: dict = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            merged.update(item)
    return merged
