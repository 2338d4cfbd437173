"""The graph against the reference compilation, field by field.

One row per meeting, written by hand from ../shared/reference/astana-rounds.md
(the per-round tables of section 2, the 2015 meetings of section 1 and Doha
in section 3, with the second pass of section 8 merged in as the compilation
marks it), never generated from the graph. Each field is compared with the
reasoned graph exactly, so a fact the compilation gives and the graph lacks,
and a fact the graph adds, both fail.

Fields:
  number, start, end   ap:roundNumber, ap:startDate, ap:endDate (ap:date for Doha)
  venue, venue_name    ap:venue and the name the place had at the time
  guarantors           ap:hasGuarantor; Turkey guaranteed every round, also
                       where the compilation does not name its head
  observers            ap:hasObserver, as the compilation's observers column
  others               the other participants: with guarantors and observers
                       they make up ap:hasParticipant exactly
  heads                party -> head of its delegation, every head named
  un                   the head of the UN delegation (the UN representative)
  names                meeting names the compilation gives (a subset check)
"""

from dataclasses import dataclass, field

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from kg.namespace import AP, DOC, RES

RU, TR, IR, SY, OPP = "russia", "turkey", "iran", "syria", "syrian-opposition"
UN, US, JO, IQ, LB = "united-nations", "united-states", "jordan", "iraq", "lebanon"
ICRC, UNHCR, KZ = "icrc", "unhcr", "kazakhstan"
GUARANTORS = frozenset({RU, TR, IR})
LAVRENTYEV, JAFARI, ANSARI, ONAL = "alexander-lavrentyev", "bashar-al-jaafari", "hossein-jaberi-ansari", "sedat-onal"
KHAJI, SOUSAN, UNAL, TOMA = "ali-asghar-khaji", "ayman-sousan", "selcuk-unal", "ahmad-toma"
MISTURA, PEDERSEN, MATAR = "staffan-de-mistura", "geir-pedersen", "khawla-matar"


@dataclass(frozen=True)
class Row:
    meeting: str
    number: int | None
    start: str
    end: str | None
    venue: str
    venue_name: str | None
    guarantors: frozenset
    observers: frozenset
    others: frozenset
    heads: dict = field(default_factory=dict)
    un: str | None = None
    names: frozenset = frozenset()


def row(number, start, end, observers, others, heads, venue="astana", venue_name="Astana", names=(),
        guarantors=GUARANTORS):
    return Row(f"round-{number:02d}", number, start, end, venue, venue_name, frozenset(guarantors),
               frozenset(observers), frozenset(others), heads, heads.get(UN), frozenset(names))


REFERENCE = [
    Row("opposition-meeting-2015-05", None, "2015-05-25", "2015-05-27", "astana", None, frozenset(), frozenset(),
        frozenset({OPP, "randa-kassis"})),
    Row("opposition-meeting-2015-10", None, "2015-10-02", "2015-10-04", "astana", None, frozenset(), frozenset(),
        frozenset({OPP, "askar-mussinov", "fabien-baussart", "gulshara-abdykalikova"}), names=frozenset({"Astana-2"})),
    row(1, "2017-01-23", "2017-01-24", {US}, {SY, OPP, UN},
        {RU: LAVRENTYEV, TR: ONAL, IR: ANSARI, SY: JAFARI, OPP: "mohammad-alloush", UN: MISTURA, US: "george-krol"},
        names={"International Meeting on Syrian Settlement"}),
    # The UN sent a technical team (no head); the Turkish delegation was small and late.
    row(2, "2017-02-15", "2017-02-16", {JO, US}, {SY, OPP, UN},
        {RU: LAVRENTYEV, IR: ANSARI, SY: JAFARI, OPP: "mohammad-alloush"}),
    # The armed opposition did not attend; the US was invited, not present.
    row(3, "2017-03-14", "2017-03-15", {UN, JO}, {SY},
        {RU: LAVRENTYEV, IR: ANSARI, SY: JAFARI}, names={"International Meeting on Syrian Settlement"}),
    row(4, "2017-05-03", "2017-05-04", {US, JO}, {SY, OPP, UN},
        {RU: LAVRENTYEV, TR: ONAL, IR: ANSARI, SY: JAFARI, OPP: "mohammad-alloush", UN: MISTURA, US: "stuart-jones"},
        names={"Fourth International Meeting on the Syrian Settlement"}),
    row(5, "2017-07-04", "2017-07-05", {US, JO, UN}, {SY, OPP},
        {RU: LAVRENTYEV, IR: ANSARI, SY: JAFARI, OPP: "ahmad-berri", UN: MISTURA}, names={"Astana 5"}),
    row(6, "2017-09-14", "2017-09-15", {UN, JO, US}, {SY, OPP},
        {RU: LAVRENTYEV, IR: ANSARI, TR: ONAL, SY: JAFARI, UN: MISTURA, US: "david-satterfield"},
        names={"6th International High-Level Meeting on Syria in Astana"}),
    row(7, "2017-10-30", "2017-10-31", {US, JO, UN}, {SY, OPP},
        {RU: LAVRENTYEV, TR: ONAL, IR: ANSARI, SY: JAFARI, US: "david-satterfield", JO: "nawaf-wasfi-tell",
         UN: "milos-strugar"}, names={"7th international high-level meeting on Syria"}),
    row(8, "2017-12-21", "2017-12-22", {UN, US, JO}, {SY, OPP},
        {RU: LAVRENTYEV, IR: ANSARI, SY: JAFARI, OPP: TOMA, UN: MISTURA}, names={"8th High Level Astana Meeting"}),
    # The US was absent.
    row(9, "2018-05-14", "2018-05-15", {UN, JO}, {SY, OPP},
        {RU: LAVRENTYEV, TR: ONAL, IR: ANSARI, SY: JAFARI, OPP: TOMA, UN: MISTURA},
        names={"Ninth International High-Level Meeting on Syria"}),
    # In Sochi; the US declined the invitation; no observers listed.
    row(10, "2018-07-30", "2018-07-31", set(), {SY, OPP, UN},
        {RU: LAVRENTYEV, IR: ANSARI, TR: ONAL, SY: JAFARI, OPP: TOMA, UN: MISTURA}, venue="sochi", venue_name="Sochi",
        names={"10th Astana international meeting on Syria"}),
    # UNHCR and ICRC were only expected.
    row(11, "2018-11-28", "2018-11-29", {UN, JO}, {SY, OPP},
        {RU: LAVRENTYEV, TR: ONAL, IR: ANSARI, SY: JAFARI, OPP: TOMA, UN: MISTURA},
        names={"11th International Meeting on Syria"}),
    # Iraq and Lebanon were invited here and first attended round 13 (section 5, item 4).
    row(12, "2019-04-25", "2019-04-26", {JO, UNHCR, ICRC}, {SY, OPP, UN},
        {RU: LAVRENTYEV, IR: KHAJI, TR: ONAL, SY: JAFARI, UN: PEDERSEN}, venue_name="Nur-Sultan",
        names={"International Meeting on Syria in Astana (Nur-Sultan)"}),
    row(13, "2019-08-01", "2019-08-02", {JO, IQ, LB, ICRC}, {SY, OPP, UN},
        {RU: LAVRENTYEV, TR: ONAL, IR: KHAJI, SY: JAFARI, OPP: TOMA, UN: MATAR}, venue_name="Nur-Sultan",
        names={"13th International High-Level Meeting on Syria"}),
    row(14, "2019-12-10", "2019-12-11", {UN, JO, LB, IQ}, {SY, OPP},
        {RU: LAVRENTYEV, TR: ONAL, IR: KHAJI, SY: JAFARI, UN: PEDERSEN}, venue_name="Nur-Sultan",
        names={"14th International High-Level Meeting on Syria"}),
    # In Sochi, with a Kazakh Foreign Ministry representative; the US declined.
    row(15, "2021-02-16", "2021-02-17", {JO, IQ, LB, UN}, {SY, OPP, KZ},
        {RU: LAVRENTYEV, TR: UNAL, IR: KHAJI, SY: SOUSAN, UN: PEDERSEN}, venue="sochi", venue_name="Sochi",
        names={"15th International Meeting on Syria within Astana Format"}),
    row(16, "2021-07-07", "2021-07-08", {LB, JO, IQ, UN}, {SY, OPP},
        {RU: LAVRENTYEV, IR: KHAJI, TR: ONAL, SY: SOUSAN, OPP: TOMA, UN: PEDERSEN}, venue_name="Nur-Sultan",
        names={"16th International Meeting on Syria in Astana format"}),
    # The ICRC is named with the working group ("ICRC (WG)"), not as an observer of the meeting.
    row(17, "2021-12-21", "2021-12-22", {UN, JO, LB, IQ}, {SY, OPP, ICRC},
        {RU: LAVRENTYEV, TR: UNAL, IR: KHAJI, SY: SOUSAN, OPP: TOMA, UN: MATAR}, venue_name="Nur-Sultan",
        names={"17th International Meeting on Syria in the Astana format"}),
    row(18, "2022-06-15", "2022-06-16", {UN, JO, UNHCR, ICRC}, {SY, OPP},
        {RU: LAVRENTYEV, TR: UNAL, IR: KHAJI, SY: SOUSAN, OPP: TOMA, UN: "robert-dunn"}, venue_name="Nur-Sultan",
        names={"18th International Meeting on Syria in Astana format"}),
    row(19, "2022-11-22", "2022-11-23", {UN, JO, LB, IQ, UNHCR, ICRC}, {SY, OPP},
        {RU: LAVRENTYEV, IR: KHAJI, TR: UNAL, SY: SOUSAN, UN: PEDERSEN},
        names={"19th International Meeting on Syria in the Astana Format"}),
    # Kazakhstan, the host, proposed at it to make the 20th meeting the last in Astana.
    row(20, "2023-06-20", "2023-06-21", {UN, JO, LB, IQ}, {SY, OPP, KZ},
        {RU: "mikhail-bogdanov", IR: KHAJI, SY: SOUSAN, TR: "burak-akcapar", OPP: TOMA, UN: PEDERSEN}),
    row(21, "2024-01-24", "2024-01-25", {JO, IQ, LB, UN, UNHCR, ICRC}, {SY, OPP},
        {TR: "ahmet-yildiz", RU: LAVRENTYEV, IR: KHAJI, SY: "bassam-sabbagh", OPP: TOMA, UN: "najat-rochdi"},
        names={"21st round of High-Level Meetings on Syria within the Astana format"}),
    row(22, "2024-11-11", "2024-11-12", {JO, LB, IQ, UN, UNHCR, ICRC}, {SY, OPP},
        {RU: LAVRENTYEV, TR: "mustafa-yurdakul", IR: KHAJI, SY: "ayman-raad", OPP: TOMA, UN: PEDERSEN},
        names={"22nd High-Level Meeting on Syria in the Astana format"}),
    Row("doha-ministers-meeting-2024", None, "2024-12-07", None, "doha", None, GUARANTORS, frozenset(),
        frozenset({UN}), {RU: "sergey-lavrov", TR: "hakan-fidan", IR: "abbas-araghchi", UN: PEDERSEN}, PEDERSEN,
        frozenset({"Astana Format Foreign Ministers' Meeting"})),
]


def test_every_round_has_a_row():
    assert sorted(r.number for r in REFERENCE if r.number) == list(range(1, 23))


def local(term) -> str:
    return str(term).removeprefix(str(RES))


def locals_of(graph, subject, predicate) -> set[str]:
    return {local(o) for o in graph.objects(subject, predicate)}


def delegations(graph, meeting) -> dict[str, str]:
    heads = {}
    for delegation in graph.subjects(AP.delegationAt, meeting):
        head = graph.value(delegation, AP.hasHead)
        if head is not None:
            heads[local(graph.value(delegation, AP.represents))] = local(head)
    return heads


@pytest.mark.parametrize("ref", REFERENCE, ids=lambda r: r.meeting)
def test_meeting_agrees_with_the_compilation(ref, shipped_closure):
    graph, meeting = shipped_closure, RES[ref.meeting]
    if ref.number is not None:
        assert graph.value(meeting, AP.roundNumber) == Literal(ref.number)
    if ref.end is None:  # a one-day meeting, dated with ap:date
        assert list(graph.objects(meeting, AP.date)) == [Literal(ref.start, datatype=XSD.date)]
    else:
        assert graph.value(meeting, AP.startDate) == Literal(ref.start, datatype=XSD.date)
        assert graph.value(meeting, AP.endDate) == Literal(ref.end, datatype=XSD.date)
    assert locals_of(graph, meeting, AP.venue) == {ref.venue}
    if ref.venue_name is not None:
        assert {str(n) for n in graph.objects(meeting, AP.venueNameAsStated)} == {ref.venue_name}
    assert locals_of(graph, meeting, AP.hasGuarantor) == ref.guarantors
    assert locals_of(graph, meeting, AP.hasObserver) == ref.observers
    assert locals_of(graph, meeting, AP.hasParticipant) == ref.guarantors | ref.observers | ref.others
    assert delegations(graph, meeting) == ref.heads
    assert delegations(graph, meeting).get(UN) == ref.un
    assert ref.names <= {str(n) for n in graph.objects(meeting, AP.meetingName)}


def test_turkey_guaranteed_all_22_rounds(shipped_closure):
    rounds = {s for s in shipped_closure.subjects(AP.hasGuarantor, RES.turkey)
              if shipped_closure.value(s, AP.roundNumber) is not None}
    assert len(rounds) == 22


def test_round_3_joint_statement_was_issued_by_a_guarantor_of_round_3(shipped_closure):
    statement = RES["statement-round-03-joint-statement"]
    assert locals_of(shipped_closure, statement, AP.statedBy) == set(GUARANTORS)
    assert RES.turkey in set(shipped_closure.objects(RES["round-03"], AP.hasGuarantor))


def test_an_unnamed_head_is_not_an_absence(shipped_closure):
    """Rounds 2, 3, 5 and 8 name no Turkish head: Turkey still took part."""
    for number in (2, 3, 5, 8):
        meeting = RES[f"round-{number:02d}"]
        assert RES.turkey in set(shipped_closure.objects(meeting, AP.hasParticipant)), number
        assert "turkey" not in delegations(shipped_closure, meeting), number



# -----------------------------------------------------------------------------
# Facts the compilation gives in its notes and prose (issue 20, part 5)
# -----------------------------------------------------------------------------

ORG = "http://www.w3.org/ns/org#"


def posts_at(graph, meeting) -> set[tuple[str, str]]:
    """(holder, the post's label) for every post held at the meeting."""
    return {(local(graph.value(post, URIRef(ORG + "heldBy"))), str(graph.value(post, SKOS.prefLabel)))
            for post in graph.subjects(AP.heldAt, RES[meeting])}


@pytest.mark.parametrize("meeting, holder, label", [
    ("round-04", "stuart-jones", "Stuart Jones, Acting Assistant Secretary of State (United States)"),
    ("round-04", ONAL, "Sedat Önal, Deputy Foreign Minister (Turkey)"),
    ("round-06", "david-satterfield", "David Satterfield, Acting Assistant Secretary of State (United States)"),
    ("round-13", MATAR, "Khawla Matar, Deputy of the UN Special Envoy for Syria (United Nations)"),
    ("round-14", "sergei-vershinin", "Sergei Vershinin, Deputy Foreign Minister (Russia)"),
    ("round-15", UNAL, "Selçuk Ünal, Director for Syria at the Foreign Ministry (Turkey)"),
    ("round-20", "burak-akcapar", "Burak Akçapar, Deputy Foreign Minister (Turkey)"),
    ("round-21", "najat-rochdi", "Najat Rochdi, Deputy Special Envoy for Syria (United Nations)"),
    ("round-22", "mustafa-yurdakul",
     "Mustafa Yurdakul, Director General of the Syria Department at the Foreign Ministry (Turkey)"),
    ("doha-ministers-meeting-2024", "sergey-lavrov", "Sergey Lavrov, Foreign Minister (Russia)"),
    ("opposition-meeting-2015-10", "askar-mussinov", "Askar Mussinov, Deputy Foreign Minister (Kazakhstan)"),
])
def test_post_held_at_a_meeting(meeting, holder, label, shipped_closure):
    assert (holder, label) in posts_at(shipped_closure, meeting)
    post = next(p for p in shipped_closure.subjects(AP.heldAt, RES[meeting])
                if str(shipped_closure.value(p, SKOS.prefLabel)) == label)
    assert (RES[holder], URIRef(ORG + "holds"), post) in shipped_closure  # derived from org:heldBy


def test_sedat_onal_is_deputy_foreign_minister_at_every_round_the_compilation_says_so(shipped_closure):
    post = RES["post-sedat-onal-deputy-foreign-minister-turkey"]
    assert locals_of(shipped_closure, post, AP.heldAt) == {
        f"round-{n:02d}" for n in (4, 10, 11, 12, 13, 14, 16)}


# Who read each statement out, from the outcomes columns and section 8.2.
READERS = {
    "statement-round-01-joint-statement": "kairat-abdrakhmanov",
    "statement-round-08-final-statement": "kairat-abdrakhmanov",
    "statement-round-09-joint-statement": "yerzhan-ashikbayev",
    "statement-round-12-joint-statement": "mukhtar-tleuberdi",
    "statement-round-13-joint-statement": "roman-vassilenko",
    "statement-round-21-joint-statement": "alibek-bakayev",
}


def test_who_read_each_statement(shipped_closure):
    read = {local(s): local(p) for s, p in shipped_closure.subject_objects(AP.readBy)}
    assert read == READERS
    for statement, reader in READERS.items():  # reading out is making public on the issuers' behalf
        assert RES[reader] in set(shipped_closure.objects(RES[statement], AP.reportedBy))


def test_outcome_dates(shipped_closure):
    memorandum = RES["outcome-de-escalation-memorandum"]
    assert shipped_closure.value(memorandum, AP.signedOn) == Literal("2017-05-04", datatype=XSD.date)
    assert shipped_closure.value(memorandum, AP.inForceFrom) == Literal("2017-05-04", datatype=XSD.date)
    assert shipped_closure.value(RES["outcome-round-06-zones-six-months"], AP.validFor) == \
        Literal("P6M", datatype=XSD.duration)


def test_absences_are_facts_a_source_states(shipped_closure):
    absent = {(local(m), local(a)) for m, a in shipped_closure.subject_objects(AP.absentParty)}
    assert absent == {
        ("round-02", MISTURA),                 # the UN sent a technical team instead
        ("round-03", "syrian-armed-opposition"),
        ("round-09", US), ("round-10", US), ("round-13", US), ("round-15", US),
    }
    for meeting, agent in absent:  # an absent party never takes part as well
        assert RES[agent] not in set(shipped_closure.objects(RES[meeting], AP.hasParticipant))


def test_the_us_boycott_holds_from_round_15_and_moser_speaks_to_it(shipped_closure):
    boycott = RES["us-boycott-of-astana-process"]
    assert locals_of(shipped_closure, boycott, AP.boycottingParty) == {US}
    assert locals_of(shipped_closure, boycott, AP.fromRound) == {"round-15"}
    assert boycott in set(shipped_closure.objects(RES["statement-moser-no-return"], AP.concerns))
    assert boycott in set(shipped_closure.objects(RES["statement-us-boycott"], AP.concerns))


def test_yearless_dates_are_resolved_and_the_words_kept(shipped_closure):
    document, statement = DOC["002_8b71802b9a9b660c"], RES["statement-nazarbayev-orders-preparation"]
    for node, stated in ((document, DCTERMS.issued), (statement, AP.date)):
        assert list(shipped_closure.objects(node, stated)) == [Literal("--12-30", datatype=XSD.gMonthDay)]
        assert list(shipped_closure.objects(node, AP.resolvedDate)) == [Literal("2016-12-30", datatype=XSD.date)]
    assert list(shipped_closure.objects(RES["round-21"], AP.resolvedDate)) == [Literal("2024-01-25", datatype=XSD.date)]


def test_publishers_of_documents_003_and_004(shipped_closure):
    assert locals_of(shipped_closure, DOC["003_a8f5507ae4aecafe"], DCTERMS.publisher) == {"enab-baladi"}
    assert locals_of(shipped_closure, DOC["004_30a8c239b98eb082"], DCTERMS.publisher) == {"akorda"}


# -----------------------------------------------------------------------------
# Wikidata links: exactly the identifiers of the compilation's section 4
# -----------------------------------------------------------------------------

WIKIDATA = {
    RU: "Q159", TR: "Q43", IR: "Q794", SY: "Q858", KZ: "Q232", US: "Q30", JO: "Q810", LB: "Q822", IQ: "Q796",
    UN: "Q1065", "astana": "Q1520", "vladimir-putin": "Q7747", "recep-tayyip-erdogan": "Q39259",
}


def test_wikidata_links_are_exactly_those_the_compilation_lists(shipped_graph):
    links = {local(s): str(o).removeprefix("http://www.wikidata.org/entity/")
             for s, o in shipped_graph.subject_objects(SKOS.exactMatch)}
    # Kassym-Jomart Tokayev (Q200881) is not in the graph; the ICRC's identifier is uncertain.
    assert links == WIKIDATA
