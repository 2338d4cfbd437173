"""The workspace a command works in: which checkout, which engine, where the cache is, where credentials come from.

The command line makes one :class:`Workspace` from its options and the
environment (:meth:`Workspace.from_environment`) and passes it down; the
library reads no environment variable itself. This is the one module outside
kg.cli that reads ``os.environ``:

| variable             | what it sets                                         |
|----------------------|------------------------------------------------------|
| KG_ROOT              | the checkout (``kg --root DIR``)                     |
| KG_ENGINE            | the engine (``kg --engine CHOICE``)                  |
| KG_CACHE_DIR         | where builds are kept (default: ROOT/.kg-cache)      |
| KG_SOURCES           | the source documents' texts (default: ROOT/../shared/sources) |
| KG_SPARQL_USER, KG_SPARQL_PASSWORD | a SPARQL server's credentials (else ~/.netrc) |
| KG_QUERY_MEMORY_MB   | what one query may add to the process's memory       |
| SOURCE_DATE_EPOCH    | the release date of ``kg export --bundle`` (reproducible builds) |

A library function given a plain :class:`~kg.project.Project` (a script, a
test) works in the workspace the environment describes for that checkout
(:meth:`Workspace.of`); given a Workspace, it uses exactly that one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .engine import FAST, Engine, choose
from .errors import InputError
from .limits import DEFAULT_MEMORY_MB
from .project import Project

# This checkout: the one kg is installed from.
INSTALLED_ROOT = Path(__file__).resolve().parent.parent


def silent(message: str) -> None:
    """A progress or notice callback that says nothing: the library's default."""


@dataclass(frozen=True)
class Credentials:
    """Where a SPARQL server's user name and password come from: given here, else ~/.netrc by host."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    netrc: bool = True

    def for_url(self, url: str) -> tuple[str, str] | None:
        """The (user, password) for the server at ``url``, or None."""
        import netrc
        import urllib.parse

        if self.user and self.password is not None:
            return self.user, self.password
        if not self.netrc:
            return None
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc().authenticators(host)
        except (FileNotFoundError, netrc.NetrcParseError, OSError):
            return None
        if entry and entry[0]:
            return entry[0], entry[2] or ""
        return None


@dataclass(frozen=True)
class Workspace(Project):
    """A checkout (it is a Project) and how to work on it: engine, cache, credentials, bounds, and
    where progress and notices go."""

    engine: Engine = FAST
    cache_root: Path | None = None  # None: ROOT/.kg-cache
    credentials: Credentials = field(default_factory=Credentials)
    query_memory: str | None = None  # $KG_QUERY_MEMORY_MB as given: checked when a query is bounded by it
    source_date_epoch: str | None = None
    progress: Callable[[str], None] = field(default=silent, compare=False)  # what a long step is doing
    notice: Callable[[str], None] = field(default=silent, compare=False)  # something the user should know

    @property
    def cache_dir(self) -> Path:
        return self.cache_root if self.cache_root is not None else self.root / ".kg-cache"

    @property
    def query_memory_mb(self) -> int:
        """What one query may add to the process's memory, in megabytes."""
        if self.query_memory is None:
            return DEFAULT_MEMORY_MB
        try:
            return max(1, int(self.query_memory))
        except ValueError:
            raise InputError(f"$KG_QUERY_MEMORY_MB: {self.query_memory!r} is not a number of megabytes") from None

    @classmethod
    def of(cls, project: Project) -> Workspace:
        """``project`` if it is a Workspace; else the workspace the environment describes for that
        checkout."""
        if isinstance(project, Workspace):
            return project
        found = cls.from_environment(root=project.root)
        return replace(found, sources=project.sources) if project.sources is not None else found

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, root: Path | None = None,
                         engine: str | None = None, progress: Callable[[str], None] = silent,
                         notice: Callable[[str], None] = silent) -> Workspace:
        """The workspace the options (``root``, ``engine``) and the environment describe."""
        environ = os.environ if environ is None else environ
        root = Path(root or environ.get("KG_ROOT") or INSTALLED_ROOT)
        sources, cache = environ.get("KG_SOURCES"), environ.get("KG_CACHE_DIR")
        return cls(root=root, sources=Path(sources) if sources else None,
                   engine=choose(engine if engine is not None else environ.get("KG_ENGINE", "")),
                   cache_root=Path(cache) if cache else None,
                   credentials=Credentials(environ.get("KG_SPARQL_USER"), environ.get("KG_SPARQL_PASSWORD")),
                   query_memory=environ.get("KG_QUERY_MEMORY_MB"), source_date_epoch=environ.get("SOURCE_DATE_EPOCH"),
                   progress=progress, notice=notice)
