"""kg search: full-text search over the graph's labels, notes, summaries and quotes (SQLite FTS5)."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.search import search
from kg.text_index import match_expression


def run(*args):
    return CliRunner().invoke(cli, ["search", *args])


def rows(*args):
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_demining_finds_the_statements_that_mention_it_with_their_sources():
    found = [(r["entity"], r["type"], r["field"], r["source"]) for r in rows("demining")]
    res, ap, skos = ("https://w3id.org/astana-kg/resource/", "https://w3id.org/astana-kg/ontology#",
                     "http://www.w3.org/2004/02/skos/core#")
    document_000 = res + "document/000_0e61cc64c03283a7"
    assert sorted(found) == sorted([
        (res + "statement-round-08-demining", ap + "JointStatement", skos + "prefLabel", document_000),
        (res + "statement-round-08-demining", ap + "JointStatement", ap + "quote", document_000),
        (res + "statement-round-08-demining", ap + "JointStatement", ap + "summary", document_000),
        (res + "statement-round-07-joint-statement", ap + "JointStatement", ap + "summary",
         res + "source/compilation-round-07"),
    ])
    quote = next(r for r in rows("demining") if r["field"].endswith("#quote"))
    assert quote["text"] == ("The participants have also made a joint statement on the humanitarian demining "
                             "process in Syria.")


def test_pedersen_ranks_his_own_labels_first_then_the_notes_that_name_him():
    found = rows("Pedersen")
    assert [(r["entity"], r["text"]) for r in found[:2]] == [
        ("https://w3id.org/astana-kg/resource/geir-pedersen", "Geir Pedersen"),
        ("https://w3id.org/astana-kg/resource/geir-pedersen", "Geir O. Pedersen"),
    ]
    entities = {r["entity"].rsplit("/", 1)[1] for r in found}
    assert {"round-12", "round-13", "round-18", "round-21", "doha-ministers-meeting-2024"} <= entities


def test_words_match_without_diacritics_and_in_any_case():
    assert {r["entity"] for r in rows("AKCAPAR")} >= {"https://w3id.org/astana-kg/resource/burak-akcapar"}
    # The person, and the post the compilation names him in at round 21 (its label holds his name).
    assert sorted(r["text"] for r in rows("yildiz")) == ["Ahmet Yıldız", "Ahmet Yıldız, Deputy Foreign Minister (Turkey)"]


def test_type_keeps_entities_of_that_class_or_a_subclass():
    persons = rows("Pedersen", "--type", "Person")
    assert [r["entity"] for r in persons] == ["https://w3id.org/astana-kg/resource/geir-pedersen"] * 2
    agents = rows("Pedersen", "--type", "ap:Agent")  # a Person is an Agent
    assert [r["entity"] for r in agents] == [r["entity"] for r in persons]


def test_a_prefix_and_several_words():
    found = {r["entity"].rsplit("/", 1)[1] for r in rows("de-escal*", "--type", "ap:Remark")}
    assert found == {"statement-lavrentyev-de-escalation-zones", "statement-nazarbayev-de-escalation-results"}
    assert {r["entity"].rsplit("/", 1)[1] for r in rows("humanitarian", "demining")} == {"statement-round-08-demining"}


def test_table_and_json_as_other_commands_give_them():
    table = run("demining", "--format", "table", "--limit", "1")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["entity", "type", "field", "text", "source"]
    assert lines[2].startswith("res:statement-round-08-demining  ap:JointStatement  ")
    assert lines[-1] == "(1 row)"
    answer = json.loads(run("demining", "--format", "json").stdout)
    assert answer["head"]["vars"] == ["entity", "type", "field", "text", "source"]
    assert len(answer["results"]["bindings"]) == 4


@pytest.mark.parametrize("text", ['"', "*", "()", "-", "NEAR(", '"unclosed'])
def test_fts5_syntax_in_the_text_is_not_syntax(text):
    result = run(text)
    assert result.exit_code in (0, 1, 2)  # found as words, nothing found, or no word in it
    assert isinstance(result.exception, (SystemExit, type(None)))
    if result.exit_code:
        assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1


def test_fts5_operators_are_searched_as_words():
    assert match_expression('AND OR NOT "x" y*') == '"and" "or" "not" """x""" "y"*'
    assert run("AND").exit_code == 0  # the word "and" is everywhere
    with pytest.raises(InputError):
        match_expression("* ( )")


def test_no_match_exits_1_and_an_unknown_class_2():
    nothing = run("xyzzy")
    assert (nothing.exit_code, nothing.stderr) == (1, "Error: nothing in the graph says 'xyzzy'\n")
    unknown = run("Pedersen", "--type", "Persn")
    assert unknown.exit_code == 2
    assert unknown.stderr == "Error: --type: no class ap:Persn has instances with text; did you mean ap:Person or ap:Proposal or ap:Decision?\n"


def test_the_library_returns_rows(project):
    result = search("Akçapar", kind="ap:Person", project=project)
    assert [row["entity"].display() for row in result.rows] == ["res:burak-akcapar"]
    assert result.rows[0]["text"].value == "Burak Akçapar"
