"""The graph as a whole: reasoning, validation, export."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NegativeResult
from .common import EPILOG, FormatChoice, KgCommandError, echo_text, spellings_note, workspace, write_output


@click.command(epilog=EPILOG)
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write the reasoned graph to FILE; the format follows the extension (.ttl, .nt, .nq, .trig, .jsonld).")
def reason(output: Path | None) -> None:
    """Compute the OWL RL closure and say how many triples it added.

    \b
    Examples:
        kg reason
        kg reason --output closure.ttl
    """
    from ..store import reasoning_counts

    asserted, inferred = reasoning_counts(workspace())
    click.echo(f"OWL RL reasoning added {inferred} triples about this graph's terms and "
               f"individuals to the {asserted} asserted ({asserted + inferred} in all).")
    if output is not None:
        from ..export import export_graph, format_for_path

        data = export_graph(format_for_path(str(output)), reasoned=True, project=workspace())
        write_output(output, data)
        click.echo(f"Wrote {output}.")


@click.command(epilog=EPILOG)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=FormatChoice(["text", "json", "ttl"]), default="text",
              show_default=True, help="text: one line per finding; json for tools; ttl: the SHACL report in Turtle"
                                      + spellings_note(["ttl"]) + ".")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="Also check every quote against the source texts in DIR.")
def validate(files: tuple[Path, ...], fmt: str, sources: Path | None) -> None:
    """Check the shipped graph, or new Turtle FILES together with it.

    Without FILES: the shipped graph against the shapes and the rules of
    queries/rules/. With FILES: each file merged with the whole graph, its
    syntax, shapes, terms and rules, reported at file:line in plain words;
    several FILES are checked one by one, then together. Exits 1 when
    anything is wrong.

    \b
    Examples:
        kg validate
        kg validate new-round.ttl
        kg validate --sources ../shared/sources
        kg validate --format json new-round.ttl
    """
    if files:
        from ..validate import check_new_file, check_new_files

        if fmt == "ttl":
            raise click.UsageError("--format ttl is for the shipped graph; use text or json with FILES")
        failed = 0
        for path in files:
            report = check_new_file(path, workspace(), sources_dir=sources)
            valid = f"{path}: valid: its facts conform to the shapes and pass every rule."
            echo_text(report.to_json() if fmt == "json" else report.to_text(valid) if len(files) > 1 else report.to_text())
            failed += 0 if report.conforms else 1
        if failed:
            raise KgCommandError(NegativeResult(f"{failed} of {len(files)} file(s) not valid"))
        if len(files) > 1:  # each may be valid alone and clash with another (two rounds numbered 23)
            together = check_new_files(list(files), workspace(), sources_dir=sources)
            valid = f"Together: the {len(files)} files conform to the shapes and pass every rule."
            echo_text(together.to_json() if fmt == "json" else together.to_text(valid))
            if not together.conforms:
                raise KgCommandError(NegativeResult(f"the {len(files)} files are valid one by one, not together"))
        return
    from ..validate import validate_shipped

    report = validate_shipped(workspace(), sources_dir=sources, keep_report_graph=fmt == "ttl")
    echo_text({"text": report.to_text, "json": report.to_json, "ttl": report.to_turtle}[fmt]())
    if not report.conforms:
        raise KgCommandError(NegativeResult(f"does not conform: {report.violations} violation(s)"))




@click.command(epilog=EPILOG)
@click.option("--format", "-f", "fmt", type=FormatChoice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]),
              default="ttl", show_default=True,
              help="nq and trig keep one named graph per source document and the merge in the default graph"
                   + spellings_note(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]) + ".")
@click.option("--reasoned", is_flag=True, help="Include the OWL RL entailments (in their own named graph for nq/trig).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE instead of standard output.")
@click.option("--bundle", type=click.Path(path_type=Path), metavar="DIR",
              help="Write a release bundle into DIR: graph, reasoned graph, ontology, shapes, VoID/DCAT.")
@click.option("--endpoint", metavar="URL", help="With --bundle: the SPARQL endpoint to name in the VoID description.")
def export(fmt: str, reasoned: bool, output: Path | None, bundle: Path | None, endpoint: str | None) -> None:
    """Write the graph in a standard RDF serialization, or a release bundle.

    \b
    Examples:
        kg export --format trig -o astana.trig
        kg export --format nq --reasoned > astana-reasoned.nq
        kg export --bundle release/
    """
    from ..export import export_graph, write_bundle

    if bundle is not None:
        written = write_bundle(bundle, endpoint=endpoint, project=workspace())
        click.echo(f"Wrote {len(written)} files to {bundle}: {', '.join(written)}")
        return

    data = export_graph(fmt, reasoned=reasoned, project=workspace())
    if output is None:
        echo_text(data)
    else:
        write_output(output, data)
        click.echo(f"Wrote {output}.", err=True)



@click.command(epilog=EPILOG)
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("timeline.svg"), show_default=True,
              help="Where to write the picture: FILE.svg, or FILE.png (needs ImageMagick's convert).")
def timeline(output: Path) -> None:
    """Draw the rounds on a time axis: venue, observers, the US boycott, the Sochi rounds.

    \b
    Examples:
        kg timeline --output timeline.svg
        kg timeline --output timeline.png
    """
    from ..store import open_sparql
    from ..timeline import rounds_for_timeline, timeline_svg

    svg = timeline_svg(rounds_for_timeline(open_sparql(workspace())))
    if output.suffix.lower() == ".svg":
        write_output(output, svg.encode("utf-8"))
    elif output.suffix.lower() == ".png":
        _svg_to_png(svg, output)
    else:
        raise click.UsageError("--output must end in .svg or .png")
    click.echo(f"Wrote {output}.")


def _svg_to_png(svg: str, output: Path) -> None:
    import shutil
    import subprocess
    import tempfile

    from ..errors import InputError

    convert = shutil.which("convert")
    if convert is None:
        raise KgCommandError(InputError("a PNG needs ImageMagick's convert; write FILE.svg instead"))
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "timeline.svg"
        source.write_text(svg, encoding="utf-8")
        done = subprocess.run([convert, str(source), str(output)], capture_output=True, text=True)
        if done.returncode != 0 or not output.exists():
            message = (done.stderr or "no output").strip().splitlines()[0]
            raise KgCommandError(InputError(f"{output}: convert could not write the PNG: {message}"))
