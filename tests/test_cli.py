"""The kg command line, end to end with click's CliRunner: what the user sees."""

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.query import Result as RdflibResult

from kg.cli import cli

# Each observer of round 7 is recorded by document 004 and by the compilation's round 7 row.
ROUND_7_OBSERVERS = [
    ("https://w3id.org/astana-kg/resource/jordan", "Jordan"),
    ("https://w3id.org/astana-kg/resource/jordan", "Jordan"),
    ("https://w3id.org/astana-kg/resource/united-nations", "United Nations"),
    ("https://w3id.org/astana-kg/resource/united-nations", "United Nations"),
    ("https://w3id.org/astana-kg/resource/united-states", "United States"),
    ("https://w3id.org/astana-kg/resource/united-states", "United States"),
]


def run(*args, input=None):
    # CliRunner's stdout turns CSV's \r\n line ends into \n.
    return CliRunner().invoke(cli, list(args), input=input)


# --- help ------------------------------------------------------------------------

@pytest.mark.parametrize("command", cli.list_commands(click.Context(cli)))
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert ("Exit codes: 0 ok, 1 negative result, 2 bad input, 3 internal error, 130 interrupted."
            in " ".join(result.stdout.split()))  # as click wraps it to the terminal


def test_saved_query_help_shows_its_typed_parameter():
    result = run("query", "observers-of-round", "--help")
    assert result.exit_code == 0
    assert "Observers of a given round" in result.stdout
    assert "--round INTEGER" in result.stdout
    assert "kg query observers-of-round --round 7" in result.stdout


# --- kg queries and kg query -------------------------------------------------------

def test_queries_lists_every_saved_query_with_its_parameters():
    result = run("queries")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("absences-and-boycotts ")
    agenda = next(number for number, line in enumerate(lines) if line.startswith("agenda-of-round "))
    assert lines[agenda].endswith("Agenda topics of a given round")
    assert lines[agenda + 1].split() == ["[rounds,", "agenda]", "--round", "integer", "(default", "22)"]
    assert any(line.startswith("timeline ") for line in lines)
    delegates = next(number for number, line in enumerate(lines) if line.startswith("delegates "))
    assert lines[delegates + 1].split() == ["[people,", "delegations]", "pinned"]


def test_a_pinned_query_says_so_in_its_help():
    result = run("query", "delegates", "--help")
    assert result.exit_code == 0
    assert "Pinned: answered once when the graph is built" in " ".join(result.stdout.split())


def test_query_table():
    result = run("query", "observers-of-round", "--round", "7", "--format", "table")
    assert result.exit_code == 0
    assert result.stdout == (
        "observer            name            source\n"
        "──────────────────  ──────────────  ────────────────────────\n"
        "res:jordan          Jordan          doc:004_30a8c239b98eb082\n"
        "res:jordan          Jordan          src:compilation-round-07\n"
        "res:united-nations  United Nations  doc:004_30a8c239b98eb082\n"
        "res:united-nations  United Nations  src:compilation-round-07\n"
        "res:united-states   United States   doc:004_30a8c239b98eb082\n"
        "res:united-states   United States   src:compilation-round-07\n"
        "(6 rows)\n")


def test_query_json_is_w3c_sparql_results():
    result = run("query", "observers-of-round", "--round", "7", "--format", "json")
    assert result.exit_code == 0
    parsed = RdflibResult.parse(io.StringIO(result.stdout), format="json")
    assert [(str(r.observer), str(r.name)) for r in parsed] == ROUND_7_OBSERVERS
    assert json.loads(result.stdout)["head"]["vars"] == ["observer", "name", "source"]


def test_query_xml_is_w3c_sparql_results():
    result = run("query", "observers-of-round", "--round", "7", "--format", "xml")
    assert result.exit_code == 0
    parsed = RdflibResult.parse(io.BytesIO(result.stdout.encode()), format="xml")
    assert [(str(r.observer), str(r.name)) for r in parsed] == ROUND_7_OBSERVERS


def test_query_csv_and_tsv():
    csv_out = run("query", "observers-of-round", "--round", "7", "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(csv_out)))[:2] == [
        ["observer", "name", "source"],
        ["https://w3id.org/astana-kg/resource/jordan", "Jordan",
         "https://w3id.org/astana-kg/resource/document/004_30a8c239b98eb082"]]
    tsv_out = run("query", "observers-of-round", "--round", "7", "--format", "tsv").stdout
    assert tsv_out.splitlines()[:2] == [
        "?observer\t?name\t?source",
        '<https://w3id.org/astana-kg/resource/jordan>\t"Jordan"@en\t'
        "<https://w3id.org/astana-kg/resource/document/004_30a8c239b98eb082>"]


def test_query_markdown():
    result = run("query", "boycotts", "--format", "md")
    assert result.stdout == ("| meeting | number | agent | name |\n|---|---|---|---|\n"
                             "| res:round-10 | 10 | res:united-states | United States |\n"
                             "| res:round-15 | 15 | res:united-states | United States |\n")


def test_query_without_reasoning_has_no_derived_roles():
    assert run("query", "guarantors", "--format", "csv").stdout.count("\n") == 4
    assert run("query", "guarantors", "--format", "csv", "--no-reason").stdout == "guarantor,name,rounds\n"


def test_query_parameter_repeated():
    result = run("query", "heads-of-delegation", "--round", "1", "--round", "7", "--format", "csv")
    assert result.exit_code == 0
    assert "Bashar al-Jaafari" in result.stdout and "Milos Strugar" in result.stdout


def test_query_bad_parameter_exits_2_with_one_line():
    result = run("query", "observers-of-round", "--round", "seven")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: --round: 'seven' is not a valid integer (expected digits)\n"


def test_query_unknown_name_suggests():
    result = run("query", "observrs")
    assert result.exit_code == 2
    assert result.stderr == ("Error: no saved query named 'observrs'; did you mean observers-of-round or "
                             "observers-by-round or observer-attendance?\n")


# --- kg sparql -----------------------------------------------------------------------

def test_sparql_select_with_predeclared_prefixes():
    result = run("sparql", "SELECT ?n WHERE { ?r a ap:Round ; ap:roundNumber ?n } ORDER BY ?n", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout == "n\n" + "".join(f"{n}\n" for n in range(1, 23))


def test_sparql_ask_json():
    result = run("sparql", "ASK { res:russia a ap:Guarantor }", "--format", "json")
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_sparql_construct_gives_rdf():
    result = run("sparql", "CONSTRUCT { ?r ap:roundNumber ?n } WHERE { ?r ap:roundNumber ?n }", "--format", "nt")
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout, format="nt")
    assert len(graph) == 22


def test_sparql_describe_turtle_by_default():
    result = run("sparql", "DESCRIBE res:round-15")
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 5


def test_sparql_from_file(tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a ap:SourceDocument }", encoding="utf-8")
    result = run("sparql", "--file", str(query), "--format", "csv")
    assert result.stdout == "n\n5\n"


def test_sparql_update_is_refused():
    result = run("sparql", "INSERT DATA { res:a res:b res:c }")
    assert result.exit_code == 2
    assert result.stderr == "Error: updates are refused: kg answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)\n"


def test_sparql_syntax_error_names_the_place():
    result = run("sparql", "SELEC ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: SPARQL syntax error: error at 1:1")


def test_sparql_needs_a_query():
    result = run("sparql")
    assert result.exit_code == 2
    assert "give a QUERY or --file FILE" in result.stderr


# --- kg describe ----------------------------------------------------------------------

def test_describe_by_misspelt_alternative_label():
    result = run("describe", "onal sedat")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "res:sedat-onal  Sedat Önal"
    assert "types:        ap:Person" in lines
    assert "inferred:     prov:Agent, ap:Agent, ap:Delegate" in lines
    assert "  ap:heads  res:round-07-delegation-turkey" in lines
    assert "  res:statement-onal-significance  ap:statedBy" in lines
    assert "  doc:004_30a8c239b98eb082" in lines


def test_describe_shows_quotes():
    result = run("describe", "res:round-22", "--format", "json")
    description = json.loads(result.stdout)
    assert description["label"] == "Round 22"
    assert ["doc:003_a8f5507ae4aecafe", "Kazakhstan has set the dates for the “Astana 22” Conference for November 11 and 12"] \
        in description["evidence"]
    assert "src:astana-times-22nd-syria-talks" in description["sources"]


def test_describe_unknown_name_exits_1_with_a_suggestion():
    result = run("describe", "Nazarbaev")
    assert result.exit_code == 1
    assert result.stderr == "Error: no entity is named 'Nazarbaev'; did you mean 'Nursultan Nazarbayev'?\n"


# --- kg reason, kg export, kg stats, kg validate ------------------------------------------

def test_reason_counts_and_writes_the_closure(tmp_path):
    output = tmp_path / "closure.nt"
    result = run("reason", "--output", str(output))
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("OWL RL reasoning added ") and "asserted" in first
    closure = Graph().parse(output, format="nt")
    assert len(closure) > 2000


def test_export_nquads_keeps_one_graph_per_document():
    result = CliRunner().invoke(cli, ["export", "--format", "nq"])
    assert result.exit_code == 0
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {f"https://w3id.org/astana-kg/resource/document/{n}" for n in (
        "000_0e61cc64c03283a7", "001_87cb8ae60c2467c5", "002_8b71802b9a9b660c",
        "003_a8f5507ae4aecafe", "004_30a8c239b98eb082")} <= names
    assert "https://w3id.org/astana-kg/resource/graph/inferred" not in names


def test_export_reasoned_trig_has_the_inferred_graph(tmp_path):
    output = tmp_path / "kg.trig"
    result = run("export", "--format", "trig", "--reasoned", "-o", str(output))
    assert result.exit_code == 0
    dataset = Dataset()
    dataset.parse(output, format="trig")
    assert "https://w3id.org/astana-kg/resource/graph/inferred" in {str(g.identifier) for g in dataset.graphs()}


def test_export_triples_are_the_documents_graphs_merged_sorted_each_once():
    triples = run("export", "--format", "nt").stdout.splitlines()
    quads = run("export", "--format", "nq").stdout.splitlines()
    assert triples == sorted(set(triples))
    assert quads == sorted(quads)
    import pyoxigraph as ox

    parsed = list(ox.parse("\n".join(quads).encode(), format=ox.RdfFormat.N_QUADS))
    in_default = {q.triple for q in parsed if isinstance(q.graph_name, ox.DefaultGraph)}
    in_named = {q.triple for q in parsed if not isinstance(q.graph_name, ox.DefaultGraph)}
    # the default graph is the merge of the named graphs, and it is what nt holds
    assert in_default == in_named == {q.triple for q in ox.parse("\n".join(triples).encode(), format=ox.RdfFormat.N_TRIPLES)}


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdfxml", "xml"), ("nt", "nt")])
def test_export_triples_formats_parse_back(fmt, parser):
    result = run("export", "--format", fmt)
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format=parser)) > 1000


def test_stats():
    result = run("stats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "named graphs: 5 source documents, 7 public sources, 27 compilations, 3 other"
    assert lines[2] == "documents:    5 source documents, 174 public sources, 27 compilations"
    assert any(line.split() == ["ap:Round", "22"] for line in lines)


def test_validate_shipped_graph_conforms():
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout == "Conforms: no violations found.\n"


def test_validate_json():
    result = run("validate", "--format", "json")
    assert json.loads(result.stdout) == {"conforms": True, "violations": 0, "findings": []}


def test_validate_with_a_bad_file_exits_1(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ap: <https://w3id.org/astana-kg/ontology#> .\n"
        "@prefix res: <https://w3id.org/astana-kg/resource/> .\n"
        "res:round-07 ap:roundNumbr 7 .\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{bad}:3: error: res:round-07: ap:roundNumbr is not a property declared in the ontology; "
        "did you mean ap:roundNumber?\n"
        f"{bad}:3: error: res:round-07: states facts without evidence in this file; add ap:evidence "
        "[ a ap:Evidence ; ... ] citing the document they come from\n")
    assert result.stderr == "Error: 1 of 1 file(s) not valid\n"


def test_validate_turtle_report():
    result = run("validate", "--format", "turtle")
    assert result.exit_code == 0
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, None, None) in report
    assert "sh:conforms true" in result.stdout


def test_validate_missing_file_exits_2(tmp_path):
    result = run("validate", str(tmp_path / "missing.ttl"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'missing.ttl'}: no such file\n"


def test_validate_syntax_error_names_line_and_column(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ap: <https://w3id.org/astana-kg/ontology#> .\nap:a ap:b "open ;\n', encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {bad}:2:18: Turtle syntax error: newline found in string literal\n"


@pytest.mark.parametrize("command", cli.list_commands(click.Context(cli)))
def test_every_command_is_documented_in_the_readme(command):
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"`kg {command}" in readme


def test_timeline_draws_every_round_and_the_committed_picture_is_current(tmp_path):
    from pathlib import Path

    output = tmp_path / "timeline.svg"
    result = run("timeline", "--output", str(output))
    assert result.exit_code == 0
    svg = output.read_text(encoding="utf-8")
    assert svg.count("<title>Round ") == 22
    assert "<title>Round 10: 2018-07-30, Sochi</title>" in svg
    assert "<title>Round 12: 2019-04-25, Nur-Sultan</title>" in svg
    assert "US boycott from round 15 on" in svg
    committed = Path(__file__).resolve().parent.parent / "docs" / "timeline.svg"
    assert committed.read_text(encoding="utf-8") == svg


def test_timeline_refuses_an_unknown_extension(tmp_path):
    result = run("timeline", "--output", str(tmp_path / "timeline.gif"))
    assert result.exit_code == 2
    assert "--output must end in .svg or .png" in result.stderr


# --- one name per format --------------------------------------------------------------------------

ROUND_7 = "CONSTRUCT { res:round-07 ?p ?o } WHERE { res:round-07 ?p ?o FILTER (!isBlank(?o)) }"


@pytest.mark.parametrize("command, name, other", [
    (["export", "--format"], "ttl", "turtle"),
    (["export", "--format"], "nt", "n-triples"),
    (["sparql", ROUND_7, "--format"], "ttl", "turtle"),
    (["sparql", ROUND_7, "--format"], "jsonld", "json-ld"),
    (["validate", "--format"], "ttl", "turtle"),
], ids=lambda value: value[0] if isinstance(value, list) else value)
def test_a_format_has_one_name_in_every_command_and_the_other_spelling_gives_the_same(command, name, other):
    by_name, by_other = run(*command, name), run(*command, other)
    assert (by_name.exit_code, by_other.exit_code) == (0, 0)
    assert by_other.stdout == by_name.stdout and len(by_name.stdout) > 100
    listed = run(command[0], "--help").stdout
    choices = listed.split("--format [", 1)[1].split("]", 1)[0].split("|")
    assert name in choices and other not in choices
    assert f"{other} for {name}" in " ".join(listed.split())


# --- the workspace: made once by the kg group, never left in the environment ----------------------

def test_the_engine_option_is_not_left_in_the_environment(monkeypatch):
    import os

    monkeypatch.delenv("KG_ENGINE", raising=False)
    result = CliRunner().invoke(cli, ["--engine", "fast", "queries"])
    assert result.exit_code == 0
    assert "KG_ENGINE" not in os.environ


def test_root_names_the_checkout_a_command_works_on(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    (tmp_path / "queries").mkdir()
    shutil.copy(Path(__file__).resolve().parent.parent / "queries" / "rounds.rq", tmp_path / "queries")
    by_option = run("--root", str(tmp_path), "queries")
    monkeypatch.setenv("KG_ROOT", str(tmp_path))
    by_environment = run("queries")
    assert by_option.exit_code == by_environment.exit_code == 0
    assert [line.split()[0] for line in by_option.stdout.splitlines() if not line.startswith(" ")] == ["rounds"]
    assert by_environment.stdout == by_option.stdout
