"""The papers stay true to the code: the command reference is what --help prints."""

from __future__ import annotations

import click

from kg.cli import cli
from kg.cli.reference import REFERENCE_FILE, command_reference


def test_command_reference_is_what_help_prints():
    committed = REFERENCE_FILE.read_text(encoding="utf-8")
    assert committed == command_reference(cli), "docs/commands.md is out of date: run python -m kg.cli.reference"


def test_command_reference_has_every_command_and_its_options():
    text = command_reference(cli)
    context = click.Context(cli)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert f"## kg {name}\n" in text
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("--"):
                    assert flag in text, f"kg {name} {flag}"


def table_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the Markdown table whose header row starts with ``heading``, by their first cell."""
    lines = text[text.index(heading):].splitlines()
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_server_tables_mark_tested_exactly_the_servers_the_tests_start():
    """docs/triple-stores.md: the addresses of the tested rows are those the tests use, the others say no."""
    import urllib.parse
    from pathlib import Path

    from virtuoso import Virtuoso

    from kg.serve import LocalServer

    text = (Path(__file__).resolve().parent.parent / "docs" / "triple-stores.md").read_text(encoding="utf-8")
    servers = table_rows(text, "| server | `--endpoint` |")
    assert {name for name, cells in servers.items() if not cells[-1].startswith("no")} == {"Oxigraph", "Virtuoso 7"}
    assert all(cells[-1] == "no" for name, cells in servers.items() if name not in ("Oxigraph", "Virtuoso 7"))

    oxigraph = LocalServer(process=None, base_url="http://HOST:7878")  # only its addresses are asked
    virtuoso = Virtuoso(process=None, directory=Path(), load_directory=Path(), sql_port=1111, http_port=8890)
    virtuoso_url = urllib.parse.unquote(virtuoso.query_url).replace("127.0.0.1", "HOST")
    assert servers["Oxigraph"][:2] == [f"`{oxigraph.query_url}`", f"`{oxigraph.store_url}`"]
    assert servers["Virtuoso 7"][0] == f"`{virtuoso_url}`"
    assert servers["Virtuoso 7"][1].startswith(f"`{virtuoso.store_url.replace('127.0.0.1', 'HOST')}` (HTTP Digest")
    assert servers["Oxigraph"][-1] == "yes: every saved query, `tests/test_triple_store.py`"
    assert servers["Virtuoso 7"][-1].startswith("yes: every saved query, `tests/test_virtuoso.py`")

    stores = table_rows(text, "| store | commands |")
    assert {name for name, cells in stores.items() if cells[-1].startswith("yes")} == {"Oxigraph", "Virtuoso 7"}
    assert all(cells[-1].startswith(("yes: every saved query, `tests/test_release.py`", "no")) for cells in stores.values())
