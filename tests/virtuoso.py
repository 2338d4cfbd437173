"""A real Virtuoso Open Source 7 server for the tests (Debian's virtuoso-opensource).

Its own database directory and virtuoso.ini, both ports on 127.0.0.1, the
default administrator (dba/dba, the credentials of a fresh database); stopped
by PID. ``.ci/run`` installs the package where ``virtuoso-t`` is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from kg.remote import Connection, RemoteError, RemoteSparql
from kg.serve import free_port

SERVER, ISQL = "virtuoso-t", "isql-vt"
USER, PASSWORD = "dba", "dba"
# Where kg load puts the merged graph on a server that has no default graph of its own.
MERGED_GRAPH = "https://w3id.org/astana-kg/resource/graph/merged"

INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa

[TempDatabase]
DatabaseFile    = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort        = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers   = 10000
MaxDirtyBuffers   = 6000
ThreadsPerQuery   = 2
DirsAllowed       = ., {db}, {load}

[HTTPServer]
ServerPort    = 127.0.0.1:{http_port}
ServerRoot    = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 4

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 120
"""


def missing() -> str | None:
    """Why a Virtuoso server cannot be started here, or None."""
    for program in (SERVER, ISQL):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian: apt-get install virtuoso-opensource; .ci/run installs it)"
    return None


@dataclass
class Virtuoso:
    process: subprocess.Popen
    directory: Path
    load_directory: Path  # the bulk loader reads files from here only (DirsAllowed)
    sql_port: int
    http_port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        """The public endpoint, reading the merged graph as its default graph."""
        return f"{self.base_url}/sparql?" + urllib.parse.urlencode({"default-graph-uri": MERGED_GRAPH})

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint that asks for HTTP Digest authentication."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    def isql(self, *statements: str, timeout: float = 300) -> str:
        """Run SQL statements with Virtuoso's own client; its output, or an AssertionError with it."""
        script = "".join(f"{statement};\n" for statement in statements)
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", USER, PASSWORD, "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"], input=script,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise AssertionError(f"isql failed on {script!r}: {done.stdout}{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_virtuoso(directory: Path, wait_seconds: float = 120.0) -> Virtuoso:
    """Start virtuoso-t in the foreground on a fresh database in ``directory``; wait until SPARQL answers."""
    from kg.serve import _die_with_parent

    database, load = directory / "db", directory / "load"
    database.mkdir(parents=True)
    load.mkdir()
    sql_port, http_port = free_port(), free_port()
    (database / "virtuoso.ini").write_text(INI.format(db=database, load=load, sql_port=sql_port,
                                                      http_port=http_port), encoding="utf-8")
    log = (database / "stdout.log").open("wb")
    process = subprocess.Popen([SERVER, "+foreground", "+configfile", "virtuoso.ini"], cwd=database,
                               stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
    server = Virtuoso(process, directory, load, sql_port, http_port)
    probe = RemoteSparql(f"{server.base_url}/sparql", Connection(timeout=5, retries=0))
    deadline = time.monotonic() + wait_seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t stopped at startup: {(database / 'stdout.log').read_text()[-500:]}")
        try:
            probe.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            return server
        except RemoteError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"virtuoso-t did not answer on port {http_port} within {wait_seconds:g} s") from None
            time.sleep(0.25)
