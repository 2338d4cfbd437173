"""The kg command line, end to end with click's CliRunner."""

from click.testing import CliRunner

from kg.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_validate_shipped_graph_conforms():
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout == "Conforms: no violations found.\n"


def test_validate_with_a_bad_file_exits_1(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ap: <https://w3id.org/astana-kg/ontology#> .\n"
        "@prefix res: <https://w3id.org/astana-kg/resource/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "res:round-07 ap:roundNumbr 7 .\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout == (
        "[Violation] res:round-07 ap:roundNumbr: ap:roundNumbr is not a property declared in the ontology"
        ' (value: "7"^^xsd:integer) (aps:DeclaredPropertiesShape)\n')
    assert result.stderr == "Does not conform: 1 violation(s).\n"


def test_validate_missing_file_exits_2(tmp_path):
    result = run("validate", str(tmp_path / "missing.ttl"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'missing.ttl'}: no such file\n"


def test_validate_syntax_error_names_line_and_column(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ap: <https://w3id.org/astana-kg/ontology#> .\nap:a ap:b "open ;\n', encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:2:")
    assert "Turtle syntax error" in result.stderr
    assert "Traceback" not in result.output
