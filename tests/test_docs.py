"""The papers stay true to the code: the command reference is what --help prints."""

from __future__ import annotations

from kg.cli import cli
from kg.cli.reference import REFERENCE_FILE, command_reference


def test_command_reference_is_what_help_prints():
    committed = REFERENCE_FILE.read_text(encoding="utf-8")
    assert committed == command_reference(cli), "docs/commands.md is out of date: run python -m kg.cli.reference"


def test_command_reference_has_every_command_and_its_options():
    text = command_reference(cli)
    for name, command in cli.commands.items():
        assert f"## kg {name}\n" in text
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("--"):
                    assert flag in text, f"kg {name} {flag}"
