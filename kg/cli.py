"""The ``kg`` command line: a thin layer over the library modules.

Exit codes: 0 success, 1 a negative answer (does not conform, no such
entity), 2 unusable input (missing file, syntax error, bad value), 3 an
internal error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import KgError
from .validate import validate_project


class KgCommandError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, error: KgError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


class KgGroup(click.Group):
    """Turns every library error raised by a command into one clean line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as error:
            raise KgCommandError(error) from None


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli():
    """Query, reason over and validate the Astana Process knowledge graph.

    \b
    Exit codes: 0 ok, 1 negative result (does not conform, not found),
                2 bad input (missing file, syntax error, bad value), 3 internal error.
    """


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def validate(files):
    """Check the shipped graph, plus any extra Turtle FILES, against the shapes.

    Prints one line per finding, then a count; exits 1 when a violation is found.

    \b
    Example:
        kg validate
        kg validate new-round.ttl
    """
    report = validate_project(extra_files=files)
    for finding in report.findings:
        click.echo(finding.line())
    if report.conforms:
        click.echo("Conforms: no violations found.")
        return
    violations = sum(f.severity == "Violation" for f in report.findings)
    click.echo(f"Does not conform: {violations} violation(s).", err=True)
    sys.exit(1)
