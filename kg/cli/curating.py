"""Curating: adding new facts, the quality report, templates."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NegativeResult
from .common import EPILOG, KgCommandError, echo_text, workspace


@click.command(epilog=EPILOG)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as-document", metavar="IRI", help="The document the facts come from, if the file does not say.")
@click.option("--dry-run", is_flag=True, help="Show the change it would make to data/, and write nothing.")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="Also check the file's quotes against the source texts in DIR.")
def add(file: Path, as_document: str | None, dry_run: bool, sources: Path | None) -> None:
    """Add the facts of a Turtle FILE to data/, only if the whole graph stays valid.

    The new facts are appended to the data file of the document they cite
    (a new file for a new public source), leaving the existing text as it
    was, so a git diff shows only them. The write is atomic: data/ is
    either as before or fully updated. Invalid input changes nothing.

    \b
    Examples:
        kg new round --number 23 > round-23.ttl     (fill it in)
        kg add round-23.ttl --dry-run
        kg add round-23.ttl
    """
    from ..curate import CurationFailed, add_file

    try:
        addition = add_file(file, workspace(), as_document=as_document, dry_run=dry_run, sources_dir=sources)
    except CurationFailed as failure:
        echo_text(failure.report.to_text())
        raise
    if not addition.triples:
        click.echo(f"Nothing to add: {addition.target} already holds every fact of {file}.")
        return
    if dry_run:
        echo_text(addition.diff)
        click.echo(f"Dry run: would add {addition.triples} triples to {addition.target}.", err=True)
        return
    verb = "Created" if addition.created else "Added to"
    click.echo(f"{verb} {addition.target}: {addition.triples} new triples.")


@click.command(epilog=EPILOG)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "tsv", "json", "md"]), default="text",
              show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "none"]), default="error",
              show_default=True, help="Exit 1 if a finding of this level or worse is present.")
def report(fmt: str, fail_on: str) -> None:
    """A quality report of the whole graph (the checks in queries/report/).

    \b
    Examples:
        kg report
        kg report --fail-on warning --format tsv
    """
    from ..store import open_sparql
    from ..validate import SEVERITIES, format_report, load_checks, run_checks

    results = run_checks(open_sparql(workspace()), load_checks(workspace().queries_dir / "report"))
    echo_text(format_report(results, fmt))
    if fail_on != "none":
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        found = sum(len(r.rows) for r in results if r.check.severity in worst)
        if found:
            raise KgCommandError(NegativeResult(f"{found} finding(s) at level {fail_on} or worse"))


@click.command(epilog=EPILOG)
@click.argument("kind", type=click.Choice(["round", "statement", "delegation"]))
@click.option("--number", type=click.IntRange(1), help="The round number (round, delegation).")
def new(kind: str, number: int | None) -> None:
    """Print a Turtle skeleton for a new round, statement or delegation.

    Every required property is there with a comment; replace the CAPITALS,
    then check it with kg validate and add it with kg add.

    \b
    Examples:
        kg new round --number 23 > round-23.ttl
        kg new delegation --number 23 > round-23-delegation.ttl
        kg new statement > statement.ttl
    """
    from ..templates import skeleton

    if kind in ("round", "delegation") and number is None:
        raise click.UsageError(f"kg new {kind} needs --number N")
    echo_text(skeleton(kind, number))


