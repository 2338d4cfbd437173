"""Every saved query: its header, its parameters, and the rows it returns.

The rows are asserted on the engine the command line uses (pyoxigraph over
the cached reasoned graph), and every query must return the same rows on
rdflib's engine, the reference implementation.
"""

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.queries import find_saved_query, load_saved_queries
from kg.store import open_sparql
from kg.workspace import Workspace

QUERIES = Path(__file__).resolve().parent.parent / "queries"
SAVED = load_saved_queries(QUERIES)

# Expected rows live in tests/expected_rows/NAME.tsv, one file per saved query,
# reviewed like code; `pytest --update-expected` rewrites them from the current
# graph. Long text columns (summaries, quotes) are left out where they would
# only repeat the data files; the identifying columns are compared in full.
EXPECTED = Path(__file__).resolve().parent / "expected_rows"
COLUMNS = {
    "statements-at-meeting": ("statement", "kind", "speaker", "reader"),
    "statements-by-person": ("statement", "kind", "occasion"),
    "uncertain-facts": ("node", "source"),
    "documents": ("document", "kind", "issued", "publisher", "triples"),
    "timeline": ("when", "what"),
    "people": ("person", "position", "source"),
    "participation": ("agent", "meeting", "role"),
    "disagreements": ("about", "property", "alternativeSource"),
}


def read_expected(name):
    lines = (EXPECTED / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    return tuple(lines[0].split("\t")), [tuple(line.split("\t")) for line in lines[1:]]


def write_expected(name, columns, rows):
    text = "\n".join("\t".join(row) for row in [columns, *rows]) + "\n"
    (EXPECTED / f"{name}.tsv").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def oxigraph():
    return open_sparql(Workspace.from_environment())


def rows(result, columns):
    index = [result.variables.index(c) for c in columns]
    return [tuple(row[i] for i in index) for row in result.row_tuples()]


def test_at_least_fifteen_saved_queries_each_with_expected_rows():
    assert len(SAVED) >= 15
    assert sorted(SAVED) == sorted(p.stem for p in EXPECTED.glob("*.tsv"))


@pytest.mark.parametrize("name", sorted(SAVED))
def test_saved_query_rows(name, oxigraph, request):
    text = SAVED[name].bind({})
    result = oxigraph.query(text, pin=SAVED[name].pins(text))  # as `kg query` answers it
    if request.config.getoption("--update-expected"):
        columns = COLUMNS.get(name, tuple(result.variables))
        write_expected(name, columns, rows(result, columns))
    columns, expected = read_expected(name)
    assert rows(result, columns) == expected


@pytest.mark.parametrize("name", sorted(SAVED))
def test_same_rows_on_rdflib(name, oxigraph, reference_rows):
    text = SAVED[name].bind({})
    assert reference_rows(text) == oxigraph.query(text).row_tuples()


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
    assert names == {"Jordan", "United Nations", "United States", "Lebanon", "Iraq",
                     "International Committee of the Red Cross", "UNHCR"}


def test_optional_parameter_filters(oxigraph):
    result = oxigraph.query(SAVED["timeline"].bind({"since": ["2024-01-01"]}))
    assert rows(result, ("when", "what")) == [
        ("2024-01-24", "res:round-21"),
        ("2024-11-08", "res:statement-kazakhstan-announces-astana-22"),
        ("2024-11-11", "res:round-22"),
        ("2024-12-07", "res:doha-ministers-meeting-2024"),
        ("2024-12-07", "res:doha-eight-state-meeting-2024"),
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
    assert str(error.value) == ("no saved query named 'observers'; did you mean observers-of-round or "
                                "observers-by-round or observer-attendance?")


def test_a_query_is_sent_with_only_the_prefixes_it_uses_and_does_not_declare():
    from kg.prefixes import PREFIXES, prologue_for

    text = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n'
            'SELECT * WHERE { ?r a ap:Round ; skos:prefLabel "rdfs:label" ; <http://x/owl:y> res:a . }  # prov:x\n'
            'ORDER BY xsd:string(?r)')
    assert prologue_for(text, PREFIXES) == (f"PREFIX ap: <{PREFIXES['ap']}>\nPREFIX res: <{PREFIXES['res']}>\n"
                                            f"PREFIX xsd: <{PREFIXES['xsd']}>\n")
    assert prologue_for(SAVED["rounds"].text, PREFIXES) == ""


def test_an_error_page_in_plain_text_is_its_first_paragraph():
    from kg.remote import server_words

    answer = b"Parse error: line 2: unexpected 'ADJUST'\n\nSPARQL query:\n" + b"PREFIX x: <y>\n" * 40
    assert server_words(answer, "text/plain") == "Parse error: line 2: unexpected 'ADJUST'"
    assert server_words(b"x" * 400, "text/plain") == "x" * 299 + "…"


def test_a_choice_is_read_in_full_and_may_be_given_either_way(oxigraph):
    saved = SAVED["rounds-observed-by-country"]
    assert "#+     - https://w3id.org/astana-kg/resource/iraq\n" in saved.text
    full = oxigraph.query(saved.bind({"country": ["https://w3id.org/astana-kg/resource/iraq"]})).row_tuples()
    assert full == oxigraph.query(saved.bind({"country": ["res:iraq"]})).row_tuples()
    assert [row[1] for row in full] == ["13", "14", "15", "16", "17", "19", "20", "21", "22"]


def test_a_default_that_is_not_an_iri_names_the_file(tmp_path):
    from kg.queries import read_saved_query

    path = tmp_path / "broken.rq"
    path.write_text("#+ defaults:\n#+   - country: not an IRI\n\nSELECT ?r WHERE { ?_country_iri ?p ?r }\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_saved_query(path)
    assert str(error.value) == f"{path}: 'not an IRI' is not an IRI (expected an IRI such as res:russia or https://…)"
