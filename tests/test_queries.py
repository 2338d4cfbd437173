"""Every saved query: its header, its parameters, and the rows it returns.

The rows are asserted on the engine the command line uses (pyoxigraph over
the cached reasoned graph), and every query must return the same rows on
rdflib's engine, the reference implementation.
"""

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.queries import find_saved_query, load_saved_queries
from kg.store import open_engine

QUERIES = Path(__file__).resolve().parent.parent / "queries"
SAVED = load_saved_queries(QUERIES)

# Long text columns (summaries, quotes) are left out where they would only
# repeat the data files; the identifying columns are compared in full.
EXPECTED_ROWS = {
    "agenda-of-round": (('topic', 'label'), [
        ('res:topic-political-solution', 'comprehensive political solution in Syria'),
        ('res:topic-confidence-building', 'confidence-building measures'),
        ('res:topic-syrian-file', 'developments in the Syrian file'),
        ('res:topic-humanitarian-conditions', 'humanitarian conditions'),
        ('res:topic-missing-persons', 'missing persons'),
        ('res:topic-reconstruction', 'reconstruction'),
        ('res:topic-refugee-return', 'return of Syrian refugees'),
    ]),
    "boycotts": (('meeting', 'number', 'agent', 'name'), [
        ('res:round-15', '15', 'res:united-states', 'United States'),
    ]),
    "delegates": (('person', 'name', 'delegation', 'headed'), [
        ('res:alexander-lavrentyev', 'Alexander Lavrentyev', 'res:round-07-delegation-russia', 'true'),
        ('res:bashar-al-jaafari', 'Bashar al-Jaafari', 'res:round-01-delegation-syria', 'true'),
        ('res:david-satterfield', 'David Satterfield', 'res:round-07-delegation-united-states', 'true'),
        ('res:hossein-jaberi-ansari', 'Hossein Jaberi Ansari', 'res:round-07-delegation-iran', 'true'),
        ('res:milos-strugar', 'Milos Strugar', 'res:round-07-delegation-united-nations', 'true'),
        ('res:nawaf-wasfi-tell', 'Nawaf Wasfi Tell', 'res:round-07-delegation-jordan', 'true'),
        ('res:sedat-onal', 'Sedat Önal', 'res:round-07-delegation-turkey', 'true'),
    ]),
    "documents": (('document', 'kind', 'issued', 'publisher', 'triples'), [
        ('src:astana-times-22nd-syria-talks', 'public source', '', '', '4'),
        ('src:inform-kz-working-group-detainees-agreed', 'public source', '', '', '4'),
        ('src:kznewsline-syrian-peace-talks-open-astana', 'public source', '', '', '7'),
        ('src:oananews-sochi-hosts-astana-meeting', 'public source', '', 'TASS', '6'),
        ('src:tass-1635609', 'public source', '', 'TASS', '8'),
        ('src:turkish-mfa-2017-no-396', 'public source', '', 'Turkish Foreign Ministry', '8'),
        ('src:turkish-mfa-2024-no-15', 'public source', '', 'Turkish Foreign Ministry', '6'),
        ('doc:000_0e61cc64c03283a7', 'source document', '', '', '72'),
        ('doc:001_87cb8ae60c2467c5', 'source document', '', '', '177'),
        ('doc:002_8b71802b9a9b660c', 'source document', '--12-30', 'TASS', '144'),
        ('doc:003_a8f5507ae4aecafe', 'source document', '2024-11-08', '', '143'),
        ('doc:004_30a8c239b98eb082', 'source document', '2017-10-31', '', '195'),
    ]),
    "guarantors": (('guarantor', 'name', 'rounds'), [
        ('res:iran', 'Iran', '2'),
        ('res:russia', 'Russia', '2'),
        ('res:turkey', 'Turkey', '2'),
    ]),
    "heads-of-delegation": (('delegation', 'party', 'head'), [
        ('res:round-07-delegation-iran', 'Iran', 'Hossein Jaberi Ansari'),
        ('res:round-07-delegation-jordan', 'Jordan', 'Nawaf Wasfi Tell'),
        ('res:round-07-delegation-russia', 'Russia', 'Alexander Lavrentyev'),
        ('res:round-07-delegation-turkey', 'Turkey', 'Sedat Önal'),
        ('res:round-07-delegation-united-nations', 'United Nations', 'Milos Strugar'),
        ('res:round-07-delegation-united-states', 'United States', 'David Satterfield'),
    ]),
    "name-variants": (('person', 'preferred', 'variant', 'source'), [
        ('res:david-satterfield', 'David Satterfield', 'David Sutterfield', 'doc:004_30a8c239b98eb082'),
        ('res:hossein-jaberi-ansari', 'Hossein Jaberi Ansari', 'Hussein Jaberi Ansari', 'doc:004_30a8c239b98eb082'),
        ('res:hossein-jaberi-ansari', 'Hossein Jaberi Ansari', 'Jaberi Ansari', 'doc:004_30a8c239b98eb082'),
        ('res:milos-strugar', 'Milos Strugar', 'Strugar Milos', 'doc:004_30a8c239b98eb082'),
        ('res:nawaf-wasfi-tell', 'Nawaf Wasfi Tell', 'Nauaf Uasfi Tel', 'doc:004_30a8c239b98eb082'),
        ('res:recep-tayyip-erdogan', 'Recep Tayyip Erdogan', 'Recep Tayyip Erdoğan', 'graph:reference'),
        ('res:sedat-onal', 'Sedat Önal', 'Onal Sedat', 'doc:004_30a8c239b98eb082'),
    ]),
    "observers-of-round": (('observer', 'name', 'source'), [
        ('res:jordan', 'Jordan', 'doc:004_30a8c239b98eb082'),
        ('res:united-nations', 'United Nations', 'doc:004_30a8c239b98eb082'),
        ('res:united-states', 'United States', 'doc:004_30a8c239b98eb082'),
    ]),
    "outcomes-of-round": (('outcome', 'kind', 'label'), [
        ('res:outcome-separate-terrorist-groups', 'decision', 'Fight against IS and Al-Nusra, separated from the armed opposition'),
        ('res:outcome-negotiations-under-2254', 'decision', 'Start negotiations under UN Security Council Resolution 2254'),
        ('res:outcome-support-geneva-participation', 'decision', "Support for the armed opposition's participation in the Geneva talks"),
        ('res:outcome-tripartite-ceasefire-mechanism', 'mechanism', 'Tripartite mechanism to ensure compliance with the ceasefire'),
    ]),
    "participation": (('agent', 'meeting', 'role'), [
        ('res:alexander-lavrentyev', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:david-satterfield', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:hossein-jaberi-ansari', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:icrc', 'res:round-21', 'participant'),
        ('res:iran', 'res:round-01', 'guarantor'),
        ('res:iran', 'res:round-07', 'delegation'),
        ('res:iran', 'res:round-07', 'participant'),
        ('res:iran', 'res:round-21', 'guarantor'),
        ('res:iraq', 'res:round-21', 'observer'),
        ('res:jordan', 'res:round-07', 'delegation'),
        ('res:jordan', 'res:round-07', 'observer'),
        ('res:jordan', 'res:round-21', 'observer'),
        ('res:lebanon', 'res:round-21', 'observer'),
        ('res:milos-strugar', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:nawaf-wasfi-tell', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:nursultan-nazarbayev', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:russia', 'res:round-01', 'guarantor'),
        ('res:russia', 'res:round-07', 'delegation'),
        ('res:russia', 'res:round-07', 'participant'),
        ('res:russia', 'res:round-21', 'guarantor'),
        ('res:sedat-onal', 'res:nazarbayev-receives-heads-2017-10-31', 'participant'),
        ('res:syria', 'res:round-01', 'delegation'),
        ('res:syria', 'res:round-01', 'participant'),
        ('res:syria', 'res:round-21', 'participant'),
        ('res:syrian-opposition', 'res:opposition-meeting-2015-05', 'participant'),
        ('res:syrian-opposition', 'res:opposition-meeting-2015-10', 'participant'),
        ('res:syrian-opposition', 'res:round-01', 'participant'),
        ('res:syrian-opposition', 'res:round-21', 'participant'),
        ('res:turkey', 'res:round-01', 'guarantor'),
        ('res:turkey', 'res:round-07', 'delegation'),
        ('res:turkey', 'res:round-07', 'participant'),
        ('res:turkey', 'res:round-21', 'guarantor'),
        ('res:united-nations', 'res:round-01', 'participant'),
        ('res:united-nations', 'res:round-07', 'delegation'),
        ('res:united-nations', 'res:round-07', 'observer'),
        ('res:united-nations', 'res:round-21', 'participant'),
        ('res:united-states', 'res:round-07', 'delegation'),
        ('res:united-states', 'res:round-07', 'observer'),
    ]),
    "people": (('person', 'position', 'source'), [
        ('res:alexander-lavrentyev', 'head of the Russian delegation', 'doc:004_30a8c239b98eb082'),
        ('res:bashar-al-jaafari', 'Head of the Syrian delegation', 'doc:001_87cb8ae60c2467c5'),
        ('res:david-satterfield', '', ''),
        ('res:hossein-jaberi-ansari', 'head of the delegation of the Islamic Republic of Iran', 'doc:004_30a8c239b98eb082'),
        ('res:kairat-abdrakhmanov', 'Foreign Minister of Kazakhstan', 'doc:000_0e61cc64c03283a7'),
        ('res:kairat-abdrakhmanov', 'Kazakh Minister of Foreign Affairs', 'doc:001_87cb8ae60c2467c5'),
        ('res:milos-strugar', 'UN chief expert-consultant', 'doc:004_30a8c239b98eb082'),
        ('res:nawaf-wasfi-tell', '', ''),
        ('res:nursultan-nazarbayev', 'Head of State', 'doc:004_30a8c239b98eb082'),
        ('res:nursultan-nazarbayev', 'Kazakh President', 'doc:001_87cb8ae60c2467c5'),
        ('res:nursultan-nazarbayev', 'Kazakhstan’s President', 'doc:002_8b71802b9a9b660c'),
        ('res:nursultan-nazarbayev', 'President of Kazakhstan', 'doc:004_30a8c239b98eb082'),
        ('res:recep-tayyip-erdogan', 'Turkish President', 'doc:002_8b71802b9a9b660c'),
        ('res:sedat-onal', 'head of the delegation of the Turkish Republic', 'doc:004_30a8c239b98eb082'),
        ('res:staffan-de-mistura', 'UN special envoy', 'doc:001_87cb8ae60c2467c5'),
        ('res:vladimir-putin', 'Russian President', 'doc:002_8b71802b9a9b660c'),
        ('res:william-moser', 'US Ambassador to Kazakhstan', 'doc:003_a8f5507ae4aecafe'),
    ]),
    "rounds-observed-by-country": (('round', 'number', 'start'), [
        ('res:round-07', '7', ''),
        ('res:round-21', '21', '2024-01-24'),
    ]),
    "rounds": (('round', 'number', 'start', 'end', 'inProgressOn', 'venue'), [
        ('res:round-01', '1', '2017-01-23', '2017-01-24', '', 'Astana'),
        ('res:round-07', '7', '', '', '2017-10-31', 'Astana'),
        ('res:round-08', '8', '2017-12-21', '2017-12-22', '', 'Astana'),
        ('res:round-15', '15', '2021-02-16', '2021-02-17', '', 'Sochi'),
        ('res:round-20', '20', '2023-06-20', '2023-06-21', '2023-06-21', 'Astana'),
        ('res:round-21', '21', '2024-01-24', '2024-01-25', '', 'Astana'),
        ('res:round-22', '22', '2024-11-11', '2024-11-12', '', 'Astana'),
    ]),
    "sources-of-entity": (('source', 'title', 'statements'), [
        ('doc:004_30a8c239b98eb082', 'Source 004: Meeting with heads of delegations, 31 October 2017', '15'),
    ]),
    "statements-at-meeting": (('statement', 'kind', 'speaker'), [
        ('res:statement-analyst-big-step', 'remark', ''),
        ('res:statement-analyst-main-achievement', 'remark', ''),
        ('res:statement-de-mistura-round-01', 'remark', 'Staffan de Mistura'),
        ('res:statement-de-mistura-round-01', 'remark', 'Staffan de Mistura'),
        ('res:statement-jaafari-round-01', 'remark', 'Bashar al-Jaafari'),
        ('res:statement-round-01-joint-statement', 'joint statement', 'Iran'),
        ('res:statement-round-01-joint-statement', 'joint statement', 'Iran'),
        ('res:statement-round-01-joint-statement', 'joint statement', 'Russia'),
        ('res:statement-round-01-joint-statement', 'joint statement', 'Russia'),
        ('res:statement-round-01-joint-statement', 'joint statement', 'Turkey'),
        ('res:statement-round-01-joint-statement', 'joint statement', 'Turkey'),
        ('res:statement-syrian-government-thanks-kazakhstan', 'remark', 'Syria'),
        ('res:statement-syrian-government-thanks-kazakhstan', 'remark', 'Syria'),
    ]),
    "statements-by-person": (('statement', 'kind', 'occasion'), [
        ('res:statement-era-of-independence-neutral-platform', 'remark', ''),
        ('res:statement-nazarbayev-common-coalition', 'remark', 'Nazarbayev meets the heads of delegations of round 7'),
        ('res:statement-nazarbayev-de-escalation-results', 'remark', 'Nazarbayev meets the heads of delegations of round 7'),
        ('res:statement-nazarbayev-geneva-effectiveness', 'remark', 'Nazarbayev meets the heads of delegations of round 7'),
        ('res:statement-nazarbayev-orders-preparation', 'directive', 'Astana Process'),
        ('res:statement-nazarbayev-upholds-idea', 'remark', 'Putin, Erdogan and Nazarbayev discuss a meeting of the Syrian parties in Astana'),
        ('res:statement-nazarbayev-world-attention', 'remark', 'Nazarbayev meets the heads of delegations of round 7'),
    ]),
    "timeline": (('when', 'what'), [
        ('2015-04', 'res:statement-opposition-request-2015'),
        ('2015-05', 'res:opposition-meeting-2015-05'),
        ('2015-10', 'res:opposition-meeting-2015-10'),
        ('2017-01', 'res:astana-process'),
        ('2017-01-23', 'res:round-01'),
        ('2017-02-08', 'res:geneva-talks-2017-02'),
        ('2017-10-31', 'res:nazarbayev-receives-heads-2017-10-31'),
        ('2017-10-31', 'res:round-07'),
        ('2017-12-21', 'res:round-08'),
        ('2021-02', 'res:round-15'),
        ('2021-02-16', 'res:round-15'),
        ('2023-06-20', 'res:round-20'),
        ('2023-06-21', 'res:round-20'),
        ('2024-01-24', 'res:round-21'),
        ('2024-11-08', 'res:statement-kazakhstan-announces-astana-22'),
        ('2024-11-11', 'res:round-22'),
        ('--01-03', 'res:kazakhstan-joins-security-council'),
        ('--01-25', 'res:round-21'),
        ('--02', 'res:announced-round-february'),
        ('--10-09', 'res:statement-russia-preparing-new-round'),
        ('--12', 'res:round-08'),
        ('--12-30', 'res:statement-nazarbayev-orders-preparation'),
    ]),
    "uncertain-facts": (('node', 'source'), [
        ('res:announced-round-february', 'doc:000_0e61cc64c03283a7'),
        ('res:david-satterfield', 'graph:reference'),
        ('doc:000_0e61cc64c03283a7', 'graph:reference'),
        ('doc:001_87cb8ae60c2467c5', 'graph:reference'),
        ('doc:002_8b71802b9a9b660c', 'graph:reference'),
        ('doc:003_a8f5507ae4aecafe', 'graph:reference'),
        ('doc:004_30a8c239b98eb082', 'graph:reference'),
        ('res:geneva-talks-2017-02', 'doc:001_87cb8ae60c2467c5'),
        ('res:hossein-jaberi-ansari', 'graph:reference'),
        ('res:kazakhstan-joins-security-council', 'doc:001_87cb8ae60c2467c5'),
        ('res:leaders-consultation-december', 'doc:002_8b71802b9a9b660c'),
        ('res:milos-strugar', 'graph:reference'),
        ('res:nawaf-wasfi-tell', 'graph:reference'),
        ('res:opposition-meeting-2015-10', 'doc:002_8b71802b9a9b660c'),
        ('res:round-08', 'doc:000_0e61cc64c03283a7'),
        ('res:round-21', 'doc:003_a8f5507ae4aecafe'),
        ('res:round-22', 'doc:003_a8f5507ae4aecafe'),
        ('res:sedat-onal', 'graph:reference'),
        ('res:statement-analyst-big-step', 'doc:001_87cb8ae60c2467c5'),
        ('res:statement-analyst-main-achievement', 'doc:001_87cb8ae60c2467c5'),
        ('res:statement-de-mistura-round-01', 'doc:001_87cb8ae60c2467c5'),
        ('res:statement-era-of-independence-neutral-platform', 'doc:000_0e61cc64c03283a7'),
        ('res:statement-guarantors-preparing-next-round', 'doc:000_0e61cc64c03283a7'),
        ('res:statement-nazarbayev-orders-preparation', 'doc:002_8b71802b9a9b660c'),
        ('res:statement-russia-preparing-new-round', 'doc:003_a8f5507ae4aecafe'),
        ('res:statement-syrian-government-thanks-kazakhstan', 'doc:001_87cb8ae60c2467c5'),
    ]),
}


@pytest.fixture(scope="module")
def oxigraph():
    return open_engine()


@pytest.fixture(scope="module")
def rdflib_engine():
    return open_engine(engine="rdflib")


def rows(result, columns):
    index = [result.variables.index(c) for c in columns]
    return [tuple(row[i] for i in index) for row in result.row_tuples()]


def test_at_least_fifteen_saved_queries_each_with_expected_rows():
    assert len(SAVED) >= 15
    assert sorted(SAVED) == sorted(EXPECTED_ROWS)


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_rows(name, oxigraph):
    columns, expected = EXPECTED_ROWS[name]
    assert rows(oxigraph.query(SAVED[name].bind({})), columns) == expected


@pytest.mark.parametrize("name", sorted(SAVED))
def test_same_rows_on_rdflib(name, oxigraph, rdflib_engine):
    text = SAVED[name].bind({})
    assert rdflib_engine.query(text).row_tuples() == oxigraph.query(text).row_tuples()


@pytest.mark.parametrize("name", sorted(SAVED))
def test_header(name):
    query = SAVED[name]
    assert query.summary and query.description and query.tags
    assert "ORDER BY" in query.text, "rows must come back in a fixed order"


def test_parameters_are_read_from_grlc_names():
    observers = SAVED["observers-of-round"].parameters
    assert [(p.name, p.variable, p.kind, p.required, p.default) for p in observers] == [
        ("round", "_round_integer", "integer", True, "7")]
    since = SAVED["timeline"].parameters
    assert [(p.name, p.kind, p.required) for p in since] == [("since", "xsd_date", False)]
    country = SAVED["rounds-observed-by-country"].parameters[0]
    assert country.choices == ("res:iraq", "res:jordan", "res:lebanon", "res:united-nations", "res:united-states")


def test_a_parameter_given_twice_becomes_a_values_block(oxigraph):
    text = SAVED["observers-of-round"].bind({"round": ["7", "21"]})
    assert 'VALUES ?_round_integer { "7"^^<http://www.w3.org/2001/XMLSchema#integer> ' \
           '"21"^^<http://www.w3.org/2001/XMLSchema#integer> }' in text
    names = {row[1] for row in oxigraph.query(text).row_tuples()}
    assert names == {"Jordan", "United Nations", "United States", "Lebanon", "Iraq"}


def test_optional_parameter_filters(oxigraph):
    result = oxigraph.query(SAVED["timeline"].bind({"since": ["2024-01-01"]}))
    assert rows(result, ("when", "what")) == [
        ("2024-01-24", "res:round-21"),
        ("2024-11-08", "res:statement-kazakhstan-announces-astana-22"),
        ("2024-11-11", "res:round-22"),
    ]


@pytest.mark.parametrize("name, values, message", [
    ("observers-of-round", {"round": ["seven"]}, "--round: 'seven' is not a valid integer (expected digits)"),
    ("observers-of-round", {"round": ['7 } ; DROP ALL ; SELECT * WHERE {']},
     "--round: '7 } ; DROP ALL ; SELECT * WHERE {' is not a valid integer (expected digits)"),
    ("sources-of-entity", {"entity": ['res:x> } DELETE { ?s ?p ?o } WHERE { <y']},
     "--entity: 'res:x> } DELETE { ?s ?p ?o } WHERE { <y' is not a valid IRI (expected an IRI such as res:russia or https://…)"),
    ("timeline", {"since": ["2017-02-30"]}, "--since: '2017-02-30' is not a valid xsd:date (day is out of range for month)"),
    ("rounds-observed-by-country", {"country": ["res:iran"]},
     "--country: 'res:iran' is not one of res:iraq, res:jordan, res:lebanon, res:united-nations, res:united-states"),
    ("rounds", {"round": ["7"]}, "rounds: no parameter named round"),
])
def test_bad_parameter_values_are_refused_before_running(name, values, message):
    with pytest.raises(InputError) as error:
        SAVED[name].bind(values)
    assert str(error.value) == message


def test_string_values_are_escaped_not_pasted():
    from kg.queries import Parameter

    term = Parameter("name", "_name_en", "en", True).to_term('Astana" } DROP ALL {')
    assert term.n3() == '"Astana\\" } DROP ALL {"@en'


def test_unknown_query_name_suggests_the_closest():
    with pytest.raises(InputError) as error:
        find_saved_query(QUERIES, "observers")
    assert str(error.value) == "no saved query named 'observers'; did you mean observers-of-round?"
