"""The ``kg`` command line: a thin layer over the library modules.

Each command parses its arguments, calls one library function and prints
what it returns. Exit codes: 0 success, 1 a negative answer (does not
conform, no such entity), 2 unusable input (missing file, syntax error, bad
value), 3 an internal error, 130 interrupted (Ctrl-C, SIGTERM). Errors are
one line on stderr, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from .common import EPILOG, KgGroup, engine_choice, make_workspace

# Each command by the module and name it is defined as: imported when that command runs
# (or --help lists it), see KgGroup.
COMMANDS = {
    # Asking questions
    "queries": "querying:list_queries",
    "query": "querying:run_query",
    "sparql": "querying:sparql",
    "describe": "querying:describe",
    "search": "querying:search",
    "stats": "querying:stats",
    # The graph as a whole
    "reason": "graph:reason",
    "validate": "graph:validate",
    "export": "graph:export",
    "timeline": "graph:timeline",
    # Curating
    "add": "curating:add",
    "report": "curating:report",
    "new": "curating:new",
    # Triple stores
    "load": "stores:load",
    "serve": "stores:serve",
    "site": "stores:site",
}


@click.group(cls=KgGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EPILOG)
@click.version_option(__version__, prog_name="kg")
@click.option("--root", metavar="DIR", envvar="KG_ROOT", type=click.Path(file_okay=False, path_type=Path),
              help="The checkout to work on (ontology/, data/, queries/) [default: the one kg is installed "
                   "from]. Also $KG_ROOT.")
@click.option("--engine", metavar="CHOICE", envvar="KG_ENGINE", default="auto", show_default=True,
              callback=engine_choice, is_eager=True,
              help="Engines for each step: auto (the fast engines), reference (rdflib, owlrl, pySHACL), "
                   "fast (pyoxigraph, compiled OWL RL rules, pyshacl-turbo), or step=engine,... "
                   "with steps parser, query, reasoner, validator. Also $KG_ENGINE.")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, engine: str) -> None:
    """Query, reason over and validate the Astana Process knowledge graph.

    \b
    Examples:
        kg queries                              list the saved questions
        kg query rounds                         all rounds, as a table
        kg query observers-of-round --round 7   a saved query with a parameter
        kg sparql 'SELECT * WHERE { ?r a ap:Round }' --format json
        kg describe "Onal Sedat"                one entity, by any of its names
        kg search demining                      what the graph says in words, ranked
        kg validate                             check the graph against its shapes
        kg --engine fast validate               the same with the engines built for scale
    """
    ctx.obj = make_workspace(root, engine)
