"""Generate a synthetic, Astana-like graph of any size, deterministically.

Usage:
    python bench/gen.py OUT_DIR --triples 1000000 [--seed 1] [--violations 0]

OUT_DIR becomes a project tree that ``kg`` can use (KG_ROOT=OUT_DIR): the real
ontology and shapes are copied in, queries/ is a link to this repository's (so
the benchmarks time the queries as they are now, not as they were when the graph
was generated; the store does not depend on them), and the facts are written to
data/sources/gen-NNNN.ttl, one public source and one source document per 50
rounds, each file in N-Triples syntax (which is also Turtle). Every node uses
the ontology's terms and conforms to the shapes: rounds with dates, venues (and
the venue's name of the day), agenda topics and the odd boycott; delegations
with heads and members, the UN's among them; persons; statements, quoted from
the source document; outcomes; and now and then a disagreement between sources.
Every fact has evidence. Each saved query has rows to return: where a query's
default names one of the real graph's entities, OUT_DIR/query-values.json gives
a generated one, which the benchmarks use. ``--violations K`` adds K deliberate
violations (a round without a number, a statement without evidence, an end
before a start, ...).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import random
import re
import shutil
from pathlib import Path

AP = "https://w3id.org/astana-kg/ontology#"
RES = "https://w3id.org/astana-kg/resource/"
ORG = "http://www.w3.org/ns/org#"
SRC = RES + "source/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
QUOTED = "http://www.w3.org/ns/prov#wasQuotedFrom"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ROUNDS_PER_SOURCE = 50
QUERY_VALUES = "query-values.json"  # in the generated project, see write_query_values()
GUARANTORS = ["russia", "turkey", "iran"]
COUNTRIES = ["russia", "turkey", "iran", "syria", "jordan", "lebanon", "iraq", "united-states"]
OBSERVERS = ["jordan", "lebanon", "iraq", "united-nations", "icrc"]
KINDS = ["Remark", "Announcement", "JointStatement", "Declaration"]
OUTCOMES = ["Decision", "Agreement", "WorkingGroup", "Mechanism"]
# The agenda topics of data/reference.ttl, which the generated project copies.
TOPICS = ["confidence-building", "humanitarian-conditions", "missing-persons", "political-solution",
          "political-road-map", "reconstruction", "refugee-return", "syrian-file"]
BOYCOTT_EVERY = 10  # rounds: one in ten is boycotted by a country that stays away
DISAGREEMENT_EVERY = 25  # rounds: one in 25 has sources that disagree on the venue's name
# The capital's name changed twice; a round is recorded under the name of its day.
NUR_SULTAN = (datetime.date(2019, 3, 20), datetime.date(2022, 9, 17))
# Persons' names are made of these parts, so that their lengths are like the real
# delegates' (about 15 characters, four in ten over 15 bytes) and some are not ASCII.
# The length matters: Oxigraph keeps a string of up to 15 bytes inside the quad and
# reads a longer one from disk, so "Person 7" made sorting by name look cheap.
GIVEN_STARTS = ["Ah", "Ser", "Hos", "Ay", "Meh", "Ras", "Na", "Ka", "Le", "Yer",
                "Fa", "Bu", "Ge", "Ol", "Sel", "Di", "Ro", "Za", "Ib", "Ma"]
GIVEN_ENDS = ["mad", "gey", "sein", "mil", "met", "im", "wal", "rim", "la", "zhan",
              "tima", "rak", "ir", "ga", "çuk", "ana", "lan", "ra", "rahim", "riam"]
FAMILY_STARTS = ["Abdra", "Bayra", "Hadda", "Kho", "Yıldı", "Lavre", "Mansu", "Naza", "Rahi", "Sulei",
                 "Tehra", "Öna", "Pede", "Kassa", "Moha", "Dems", "Jaber", "Ashik", "Vassi", "Toma"]
FAMILY_ENDS = ["khmanov", "kov", "dov", "ury", "zoğlu", "ntyev", "ri", "rbayev", "mi", "menov",
               "ni", "l", "rsen", "bi", "mmadi", "ki", "i", "bayev", "lenko", "s"]


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, lang: str | None = "en") -> str:
    return f'"{value}"@{lang}' if lang else f'"{value}"'


def typed(value, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Writer:
    """Collects N-Triples lines for one source file, counting them."""

    def __init__(self):
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def evidence(self, subject: str, source: str, key: str) -> None:
        node = f"_:e{key}"
        self.add(subject, iri(AP + "evidence"), node)
        self.add(node, iri(RDF_TYPE), iri(AP + "Evidence"))
        self.add(node, iri(DERIVED), iri(source))

    def quote(self, subject: str, document: str, key: str, words: str) -> None:
        node = f"_:q{key}"
        self.add(subject, iri(AP + "evidence"), node)
        self.add(node, iri(RDF_TYPE), iri(AP + "Evidence"))
        self.add(node, iri(AP + "quote"), text(words, None))
        self.add(node, iri(QUOTED), iri(document))


def person_name(number: int) -> str:
    """A made-up name, the same for the same person number (a different one for each of the 20,000)."""
    # 7919 is prime to 20**4, so the numbers map to distinct choices of the four parts.
    digits = (number * 7919) % 20 ** 4
    parts = []
    for names in (GIVEN_STARTS, GIVEN_ENDS, FAMILY_STARTS, FAMILY_ENDS):
        digits, index = divmod(digits, 20)
        parts.append(names[index])
    return f"{parts[0]}{parts[1]} {parts[2]}{parts[3]}"


def venue_name(venue: str, day: datetime.date) -> str:
    """The name a source of the day would give the venue."""
    if venue == "sochi":
        return "Sochi"
    return "Nur-Sultan" if NUR_SULTAN[0] <= day < NUR_SULTAN[1] else "Astana"


def person_at(out: Writer, delegation: str, number: int, role: str) -> None:
    """Person ``number`` (of 20,000) as the head or a member of the delegation."""
    person = iri(f"{RES}gen-person-{number % 20000:05d}")
    out.add(person, iri(RDF_TYPE), iri(AP + "Person"))
    out.add(person, iri(PREF), text(person_name(number % 20000)))
    out.add(delegation, iri(AP + role), person)


def round_facts(out: Writer, number: int, source: str, document: str, rng: random.Random) -> dict[str, str]:
    """Write one round and what happened at it; return its first observer and first speaker."""
    r = iri(f"{RES}gen-round-{number:06d}")
    start = datetime.date(2017, 1, 1) + datetime.timedelta(days=7 * number)
    out.add(r, iri(RDF_TYPE), iri(AP + "Round"))
    out.add(r, iri(PREF), text(f"Synthetic round {number}"))
    out.add(r, iri(AP + "roundNumber"), typed(number, "integer"))
    out.add(r, iri(AP + "partOfProcess"), iri(RES + "astana-process"))
    out.add(r, iri(AP + "startDate"), typed(start.isoformat(), "date"))
    out.add(r, iri(AP + "endDate"), typed((start + datetime.timedelta(days=1)).isoformat(), "date"))
    venue = rng.choice(["astana", "sochi"])
    out.add(r, iri(AP + "venue"), iri(RES + venue))
    out.add(r, iri(AP + "venueNameAsStated"), text(venue_name(venue, start)))
    for topic in rng.sample(TOPICS, 2):
        out.add(r, iri(AP + "hasAgendaTopic"), iri(f"{RES}topic-{topic}"))
    for guarantor in GUARANTORS:
        out.add(r, iri(AP + "hasGuarantor"), iri(RES + guarantor))
    out.evidence(r, source, f"r{number}")
    observers = rng.sample(OBSERVERS, 3)
    for observer in observers:
        out.add(r, iri(AP + "hasObserver"), iri(RES + observer))
    parties = rng.sample(COUNTRIES, 5)
    for d, party in enumerate(parties):
        if party not in GUARANTORS and party not in observers:
            # A delegation's party takes part in its meeting (rule delegation-party-absent).
            out.add(r, iri(AP + "hasParticipant"), iri(RES + party))
        delegation = iri(f"{RES}gen-round-{number:06d}-delegation-{party}")
        out.add(delegation, iri(RDF_TYPE), iri(AP + "Delegation"))
        out.add(delegation, iri(PREF), text(f"{party} delegation at synthetic round {number}"))
        out.add(delegation, iri(AP + "delegationAt"), r)
        out.add(delegation, iri(AP + "represents"), iri(RES + party))
        out.evidence(delegation, source, f"d{number}-{d}")
        for m in range(3):
            person_at(out, delegation, number * 7 + d * 3 + m, "hasHead" if m == 0 else "hasMember")
    # The UN's delegation, headed by one person: the offsets 0 to 14 are the other delegations'.
    if "united-nations" not in observers:
        out.add(r, iri(AP + "hasParticipant"), iri(RES + "united-nations"))
    delegation = iri(f"{RES}gen-round-{number:06d}-delegation-united-nations")
    out.add(delegation, iri(RDF_TYPE), iri(AP + "Delegation"))
    out.add(delegation, iri(PREF), text(f"UN delegation at synthetic round {number}"))
    out.add(delegation, iri(AP + "delegationAt"), r)
    out.add(delegation, iri(AP + "represents"), iri(RES + "united-nations"))
    out.evidence(delegation, source, f"d{number}-un")
    person_at(out, delegation, number * 7 + 15, "hasHead")
    # The UN head's post at the round (W3C ORG), as the real rounds record posts.
    post = iri(f"{RES}gen-post-{number:06d}-united-nations")
    out.add(post, iri(RDF_TYPE), iri(ORG + "Post"))
    out.add(post, iri(PREF), text(f"UN envoy at synthetic round {number}"))
    out.add(post, iri(ORG + "postIn"), iri(RES + "united-nations"))
    out.add(post, iri(ORG + "heldBy"), iri(f"{RES}gen-person-{(number * 7 + 15) % 20000:05d}"))
    out.add(post, iri(AP + "heldAt"), r)
    out.evidence(post, source, f"p{number}")
    stayed_away = [c for c in COUNTRIES if c not in GUARANTORS + observers + parties]
    if number % BOYCOTT_EVERY == 1 and stayed_away:
        out.add(r, iri(AP + "boycottedBy"), iri(RES + stayed_away[0]))
    if number % DISAGREEMENT_EVERY == 1:
        disagreement = iri(f"{RES}gen-disagreement-{number:06d}")
        other_name = "Nur-Sultan" if venue_name(venue, start) == "Astana" else "Astana"
        out.add(disagreement, iri(RDF_TYPE), iri(AP + "Disagreement"))
        out.add(disagreement, iri(PREF), text(f"Synthetic round {number}: where was it held?"))
        out.add(disagreement, iri(AP + "disagreementAbout"), r)
        out.add(disagreement, iri(AP + "disputedProperty"), iri(AP + "venueNameAsStated"))
        out.add(disagreement, iri(AP + "recordedValue"), text(venue_name(venue, start)))
        out.add(disagreement, iri(AP + "alternativeValue"), text(other_name))
        out.add(disagreement, iri(AP + "alternativeSource"), iri(source))
        out.evidence(disagreement, source, f"x{number}")
    speakers = []
    for k in range(4):
        statement = iri(f"{RES}gen-statement-{number:06d}-{k}")
        out.add(statement, iri(RDF_TYPE), iri(AP + rng.choice(KINDS)))
        out.add(statement, iri(PREF), text(f"Statement {k} at synthetic round {number}"))
        said = f"What was said, number {k}, at round {number}."
        out.add(statement, iri(AP + "summary"), text(said))
        out.add(statement, iri(AP + "madeAt"), r)
        # A speaker takes part in the meeting (rule speaker-not-participant).
        speaker = rng.choice([c for c in COUNTRIES if c in GUARANTORS or c in observers or c in parties])
        speakers.append(speaker)
        out.add(statement, iri(AP + "statedBy"), iri(RES + speaker))
        if document:
            out.quote(statement, document, f"s{number}-{k}", said)
        else:
            out.evidence(statement, source, f"s{number}-{k}")
    outcome = iri(f"{RES}gen-outcome-{number:06d}")
    out.add(outcome, iri(RDF_TYPE), iri(AP + rng.choice(OUTCOMES)))
    out.add(outcome, iri(PREF), text(f"Outcome of synthetic round {number}"))
    out.add(outcome, iri(AP + "outcomeOf"), r)
    out.evidence(outcome, source, f"o{number}")
    return {"observer": observers[0], "speaker": speakers[0]}


def violations(out: Writer, count: int, source: str) -> None:
    """Deliberate errors, one per kind in turn."""
    for i in range(count):
        bad = iri(f"{RES}gen-bad-{i}")
        kind = i % 3
        if kind == 0:  # a round without a number
            out.add(bad, iri(RDF_TYPE), iri(AP + "Round"))
            out.add(bad, iri(PREF), text(f"Bad round {i}"))
            out.add(bad, iri(AP + "partOfProcess"), iri(RES + "astana-process"))
            out.evidence(bad, source, f"bad{i}")
        elif kind == 1:  # a statement without evidence
            out.add(bad, iri(RDF_TYPE), iri(AP + "Remark"))
            out.add(bad, iri(PREF), text(f"Bad remark {i}"))
            out.add(bad, iri(AP + "summary"), text("No evidence."))
        else:  # an event that ends before it starts
            out.add(bad, iri(RDF_TYPE), iri(AP + "Event"))
            out.add(bad, iri(PREF), text(f"Bad event {i}"))
            out.add(bad, iri(AP + "startDate"), typed("2020-01-02", "date"))
            out.add(bad, iri(AP + "endDate"), typed("2020-01-01", "date"))
            out.evidence(bad, source, f"bad{i}")


def write_query_values(out_dir: Path, first_round: dict[str, str]) -> None:
    """Write QUERY_VALUES: values for the saved queries' parameters that name this graph's own
    entities. Their defaults name the real graph's, which a generated graph does not hold."""
    values = {
        "agenda-of-round": {"round": ["1"]},
        "sources-of-entity": {"entity": ["res:gen-round-000001"]},
        "sources-of-observation": {"round": ["1"], "observer": [f"res:{first_round['observer']}"]},
        "statements-at-meeting": {"meeting": ["res:gen-round-000001"]},
        "heads-at-meeting": {"meeting": ["res:gen-round-000001"]},
        "statements-by-person": {"person": [f"res:{first_round['speaker']}"]},
    }
    (out_dir / QUERY_VALUES).write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")


def query_values(root: Path) -> dict[str, dict[str, list[str]]]:
    """The parameter values to run each saved query with on the project at ``root``: those
    the generator wrote for a generated graph, none (the defaults) for any other."""
    path = root / QUERY_VALUES
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def generate(out_dir: Path, triples: int, seed: int = 1, violation_count: int = 0) -> int:
    """Write the project tree; return the number of fact triples written."""
    repo = Path(__file__).resolve().parent.parent
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(repo / "ontology", out_dir / "ontology")
    (out_dir / "data" / "sources").mkdir(parents=True)
    (out_dir / "queries").symlink_to(repo / "queries", target_is_directory=True)
    shutil.copy(repo / "data" / "reference.ttl", out_dir / "data" / "reference.ttl")
    rng = random.Random(seed)
    per_round = 154  # about, measured on the generator's own output
    rounds = max(1, triples // per_round)
    written = 0
    for first in range(1, rounds + 1, ROUNDS_PER_SOURCE):
        slug = f"gen-{first // ROUNDS_PER_SOURCE:04d}"
        source = SRC + slug
        out = Writer()
        out.add(iri(source), iri(RDF_TYPE), iri(AP + "PublicSource"))
        out.add(iri(source), iri(PREF), text(f"Synthetic source {slug}"))
        out.add(iri(source), iri(AP + "address"), text(f"example.org/{slug}", None))
        # The statements are quoted from a source document, as the real ones are.
        document = f"{RES}document/{slug}"
        file_number = first // ROUNDS_PER_SOURCE
        out.add(iri(document), iri(RDF_TYPE), iri(AP + "SourceDocument"))
        out.add(iri(document), iri(PREF), text(f"Synthetic source document {slug}"))
        out.add(iri(document), iri(DCTERMS + "title"), text(f"Synthetic report {file_number}", None))
        out.add(iri(document), iri(DCTERMS + "identifier"),
                text(f"{file_number % 1000:03d}_{hashlib.sha256(slug.encode()).hexdigest()[:16]}.txt", None))
        for number in range(first, min(first + ROUNDS_PER_SOURCE, rounds + 1)):
            at_round = round_facts(out, number, source, document, rng)
            if number == 1:
                write_query_values(out_dir, at_round)
        if first == 1:
            for process in ("astana-process", "geneva-process"):  # their evidence is in the real documents
                out.evidence(iri(RES + process), source, process)
            violations(out, violation_count, source)
        (out_dir / "data" / "sources" / f"{slug}.ttl").write_text("".join(out.lines), encoding="utf-8")
        written += len(out.lines)
    return written


# The prefixes a curator's file declares; new_facts_file() writes the IRIs under them as prefixed names.
TURTLE_PREFIXES = {"ap": AP, "res": RES, "src": SRC, "org": ORG, "prov": "http://www.w3.org/ns/prov#",
                   "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": DCTERMS, "xsd": XSD,
                   "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def as_turtle(lines: list[str]) -> str:
    """N-Triples lines as the Turtle a curator writes: prefixes, one block per subject, prefixed names."""
    names = sorted(TURTLE_PREFIXES.items(), key=lambda item: -len(item[1]))
    local = re.compile(r"<(" + "|".join(re.escape(ns) for _, ns in names) + r")([A-Za-z0-9_-]*)>")
    prefix_of = {ns: prefix for prefix, ns in names}

    def short(term: str) -> str:
        return local.sub(lambda m: f"{prefix_of[m.group(1)]}:{m.group(2)}", term)

    blocks: dict[str, list[str]] = {}
    for line in lines:
        s, p, o = line[:-3].split(" ", 2)
        blocks.setdefault(s, []).append(f"{'a' if p == iri(RDF_TYPE) else short(p)} {short(o)}")
    out = [f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in TURTLE_PREFIXES.items()]
    for s, statements in blocks.items():
        out.append(f"\n{short(s)} " + " ;\n    ".join(statements) + " .\n")
    return "".join(out)


def new_facts_file(path: Path, triples: int, first_round: int = 1001, seed: int = 1, quoted: bool = True) -> int:
    """Write one curator's file of about ``triples`` new facts for the real project: rounds numbered
    from ``first_round`` (the real rounds are 1 to 22) with their delegations, persons, posts,
    statements, outcomes and evidence, all from a new public source; the statements quoted from a
    new source document too, if ``quoted`` (kg add takes the facts of one document only, so a file
    to add is not quoted). Return the number of triples written."""
    rng = random.Random(seed)
    slug = f"gen-new-{first_round}"
    source, document = SRC + slug, f"{RES}document/{slug}"
    out = Writer()
    out.add(iri(source), iri(RDF_TYPE), iri(AP + "PublicSource"))
    out.add(iri(source), iri(PREF), text(f"Synthetic source {slug}"))
    out.add(iri(source), iri(AP + "address"), text(f"example.org/{slug}", None))
    if quoted:
        out.add(iri(document), iri(RDF_TYPE), iri(AP + "SourceDocument"))
        out.add(iri(document), iri(PREF), text(f"Synthetic source document {slug}"))
        out.add(iri(document), iri(DCTERMS + "title"), text(f"Synthetic report {slug}", None))
        out.add(iri(document), iri(DCTERMS + "identifier"),
                text(f"999_{hashlib.sha256(slug.encode()).hexdigest()[:16]}.txt", None))
    number, with_evidence, seen = first_round, set(), set(out.lines)
    while number == first_round or len(out.lines) < triples:  # one round at least
        start = len(out.lines)
        round_facts(out, number, source, document if quoted else None, rng)
        number += 1
        # A person is at several rounds: each triple is written once.
        fresh = [line for line in dict.fromkeys(out.lines[start:]) if line not in seen]
        out.lines[start:] = fresh
        seen.update(fresh)
        # A new file states nothing without evidence in it: the persons get theirs too.
        for line in fresh:
            person = line.split(" ", 1)[0]
            if person.startswith(f"<{RES}gen-person-") and person not in with_evidence:
                with_evidence.add(person)
                out.evidence(person, source, person[len(RES) + 1:-1])
    path.write_text(as_turtle(out.lines), encoding="utf-8")
    return len(out.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--violations", type=int, default=0)
    args = parser.parse_args()
    written = generate(args.out_dir, args.triples, args.seed, args.violations)
    print(f"wrote {written} triples to {args.out_dir}/data/sources/")


if __name__ == "__main__":
    main()
