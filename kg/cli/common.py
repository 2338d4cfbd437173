"""What every command shares: one-line errors with exit codes, output, shared options."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import InputError, Interrupted, KgError
from ..formats import OTHER_SPELLINGS, RESULT_FORMATS, canonical_format

if TYPE_CHECKING:
    from ..remote import RemoteSparql
    from ..sparql import OxigraphSparql, RdflibSparql
    from ..workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = "Exit codes: 0 ok, 1 negative result, 2 bad input, 3 internal error, 130 interrupted."


class KgCommandError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, error: KgError):
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click sets it per class; ours differ per error


class KgGroup(click.Group):
    """Turns every library error raised by a command into one clean line; and imports each command
    given in ``lazy_commands`` (name: "module:attribute" in kg.cli) only when it runs or --help lists
    it, so that a cached query does not pay for every other command's imports (click's own
    lazy-loading hooks, list_commands and get_command)."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy_commands:
            import importlib

            module, attribute = self.lazy_commands[name].split(":")
            self.add_command(getattr(importlib.import_module(f"kg.cli.{module}"), attribute), name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:  # the shell passed bytes that are not UTF-8 (Python keeps them as surrogates)
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise KgCommandError(InputError(f"the argument '{shown}' is not UTF-8 text; "
                                                "give names and queries in UTF-8")) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from ..build import discard_damaged
        from ..errors import StoreDamaged

        # invoke() consumes the subcommand's arguments; a second run needs them back
        arguments = [*(getattr(ctx, "_protected_args", None) or ctx.protected_args), *ctx.args]
        try:
            with sigterm_as_interrupt():
                try:
                    return super().invoke(ctx)
                except StoreDamaged as damage:  # rebuilt once, then the command runs again
                    discard_damaged(damage, notice=tell)
                    if hasattr(ctx, "_protected_args"):  # click 8.2
                        ctx._protected_args, ctx.args = arguments[:1], arguments[1:]
                    else:
                        ctx.protected_args, ctx.args = arguments[:1], arguments[1:]  # type: ignore[misc]  # click < 8.2
                    return super().invoke(ctx)
        except KgError as error:
            raise KgCommandError(error) from None
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, which means "no" here
            raise KgCommandError(Interrupted("interrupted")) from None
        except BrokenPipeError:  # the reader went away (kg ... | head): not an error
            sys.stdout = open(os.devnull, "w")
            sys.exit(0)
        except OSError as error:  # a file we could not write, a full disk
            reason = error.strerror or str(error) or type(error).__name__  # some carry no strerror ("Error: None")
            raise KgCommandError(InputError(f"{error.filename or ''}: {reason}".lstrip(": "))) from None


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM stops the command as Ctrl-C does (exit 130), so that its cleanup runs
    (a half-built store, spool files, a server); the handler before is put back after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set one
        yield
        return

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def engine_choice(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check ``--engine`` (or $KG_ENGINE) as it is given; the workspace is made from it."""
    from ..engine import parse_choice

    try:
        parse_choice(value or "auto")
    except KgError as error:
        raise click.BadParameter(str(error).removeprefix("--engine: ")) from None
    return value


def tell(message: str) -> None:
    """A notice of the library: one line on stderr."""
    click.echo(f"kg: {message}", err=True)


def show_progress(message: str) -> None:
    """What a long step is doing, on a terminal only: a script reads stderr for errors."""
    if sys.stderr.isatty():
        click.echo(f"kg: {message}", err=True)


def make_workspace(root: Path | None, engine: str | None) -> Workspace:
    """The one Workspace of a command, from the group's options and the environment."""
    from ..workspace import Workspace

    return Workspace.from_environment(root=root, engine=engine, progress=show_progress, notice=tell)


def workspace() -> Workspace:
    """The workspace the kg group made for this command (or, outside one, the environment's)."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    if root is not None and root.obj is not None:
        return root.obj
    return make_workspace(None, None)


class FormatChoice(click.Choice):
    """A --format choice that takes a format's other spellings too (turtle for ttl), and gives its one name."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return super().convert(canonical_format(value) if isinstance(value, str) else value, param, ctx)


def spellings_note(choices: Sequence[str]) -> str:
    """What --help says about the other spellings of the formats in ``choices``."""
    accepted = sorted((other, name) for other, name in OTHER_SPELLINGS.items() if name in choices)
    return "; also " + ", ".join(f"{other} for {name}" for other, name in accepted) if accepted else ""


def default_format() -> str:
    """An aligned table on a terminal, CSV when the output goes to a script."""
    return "table" if sys.stdout.isatty() else "csv"


def format_option(choices: Sequence[str] = RESULT_FORMATS) -> Callable[[F], F]:
    return click.option("--format", "-f", "fmt", type=FormatChoice(choices), default=None,
                        help="Output format [default: table on a terminal, csv otherwise]. "
                             "json/xml/csv/tsv are the W3C SPARQL results formats" + spellings_note(choices) + ".")


reason_option = click.option("--no-reason", is_flag=True,
                             help="Query the asserted facts only, without the OWL RL closure.")


def remote_options(command: F) -> F:
    """--endpoint, --timeout, --retries and --allow-service: where the query runs, and its bounds."""
    command = click.option("--allow-service", is_flag=True,
                           help="Let a SERVICE clause reach the server it names (bounded by --timeout).")(command)
    command = click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True,
                           help="Retries after a connection failure or a 5xx answer.")(command)
    command = click.option("--timeout", type=click.FloatRange(0.1, 86400), default=60.0, show_default=True,
                           help="Seconds the query may take in all: on the embedded graph, or at the "
                                "endpoint, retries included.")(command)
    return click.option("--endpoint", metavar="URL",
                        help="Query this SPARQL 1.1 endpoint instead of the embedded graph.")(command)


def sparql_from_options(endpoint: str | None, timeout: float, retries: int, no_reason: bool,
                        allow_service: bool = False) -> OxigraphSparql | RdflibSparql | RemoteSparql:
    """What a command queries: the embedded graph (within --timeout and the memory bound), or an endpoint."""
    if endpoint:
        from ..remote import Connection, RemoteSparql

        return RemoteSparql(endpoint, Connection(timeout=timeout, retries=retries,
                                                 credentials=workspace().credentials))
    from ..limits import Limits
    from ..store import open_sparql

    here = workspace()
    return open_sparql(here, reasoned=not no_reason, limits=Limits(timeout=timeout, memory_mb=here.query_memory_mb),
                       allow_service=allow_service)


def echo_text(text: str | bytes) -> None:
    """Print a command's output as it is (it already ends with a newline)."""
    if isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    else:
        click.echo(text, nl=False)



def write_output(path: Path, data: bytes) -> None:
    """Write a command's output file atomically."""
    from ..files import write_atomically

    write_atomically(path, data)
