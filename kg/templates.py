"""Turtle skeletons for new facts, printed by ``kg new``.

Each holds every property the shapes require, with a comment; the CAPITALS
are placeholders that do not validate until they are replaced.
"""

from __future__ import annotations

_PREFIXES = """@prefix ap:   <https://w3id.org/astana-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix res:  <https://w3id.org/astana-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src:  <https://w3id.org/astana-kg/resource/source/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

_SOURCE = """
# The public source the facts come from: one per page, cited by its address.
# (To quote one of the five source documents instead, replace the evidence
# with: [ a ap:Evidence ; ap:quote "VERBATIM WORDS" ; prov:wasQuotedFrom doc:NNN_HASH ].)
src:SOURCE-NAME
    a ap:PublicSource ;
    skos:prefLabel "PUBLISHER: TITLE OF THE PAGE"@en ;   # how the source is shown
    ap:address "HOST/PATH/OF/THE/PAGE" .                 # the page's address, host and path
"""

TEMPLATES = {
    "round": """# A new round of the Astana Process. Replace the CAPITALS, then:
#   kg validate THIS-FILE && kg add THIS-FILE
{prefixes}
res:round-{nn}
    a ap:Round ;
    skos:prefLabel "Round {n}"@en ;                      # the round's English label
    ap:roundNumber {n} ;                                 # its number, not yet taken
    ap:partOfProcess res:astana-process ;                # the process it belongs to
    ap:startDate "YYYY-MM-DD"^^xsd:date ;                # its first day
    ap:endDate "YYYY-MM-DD"^^xsd:date ;                  # its last day (not before the first)
    ap:venue res:astana ;                                # where it met: a place of data/reference.ttl
    ap:hasGuarantor res:russia , res:turkey , res:iran ; # the guarantors present
    ap:evidence [ a ap:Evidence ;
        prov:wasDerivedFrom src:SOURCE-NAME ] .          # what says so (below)
{source}""",
    "delegation": """# One party's delegation at round {n}. Replace the CAPITALS, then:
#   kg validate THIS-FILE && kg add THIS-FILE
{prefixes}
res:round-{nn}-delegation-PARTY
    a ap:Delegation ;
    skos:prefLabel "PARTY delegation at round {n}"@en ;  # the delegation's English label
    ap:delegationAt res:round-{nn} ;                     # the meeting it attended
    ap:represents res:PARTY ;                            # the party: a country or organisation that took part
    ap:hasHead res:HEAD-OF-DELEGATION ;                  # its head, a person of data/reference.ttl
    ap:evidence [ a ap:Evidence ;
        prov:wasDerivedFrom src:SOURCE-NAME ] .          # what says so (below)
{source}""",
    "statement": """# A statement: a remark, announcement, joint statement, declaration, ...
# Replace the CAPITALS, then: kg validate THIS-FILE && kg add THIS-FILE
{prefixes}
res:statement-SHORT-NAME
    a ap:Remark ;                                        # or ap:JointStatement, ap:Announcement, ap:Declaration
    skos:prefLabel "SPEAKER: WHAT IT IS ABOUT"@en ;      # a short English label
    ap:summary "WHAT WAS SAID, IN YOUR WORDS."@en ;      # the content; the evidence carries the source
    ap:statedBy res:SPEAKER ;                            # who said it: a person, country or organisation
    ap:madeAt res:round-NN ;                             # the meeting it was made at
    ap:evidence [ a ap:Evidence ;
        prov:wasDerivedFrom src:SOURCE-NAME ] .          # what says so (below)
{source}""",
}


def skeleton(kind: str, number: int | None = None) -> str:
    """The Turtle skeleton for ``kind`` (round, delegation or statement)."""
    n = number or 0
    return TEMPLATES[kind].format(prefixes=_PREFIXES, source=_SOURCE, n=n, nn=f"{n:02d}")
