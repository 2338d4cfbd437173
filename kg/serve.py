"""Run a local Oxigraph server (the tests load the graph into one as into any server), and
check that a port is free before ``kg serve`` listens on it (kg.web.app is what it serves).

This is the one place that knows Oxigraph's command line and its URL layout
(/query, /update, /store, and the YASGUI page at /); everything else speaks
the W3C protocols.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .remote import Connection, RemoteError, RemoteSparql


@dataclass
class LocalServer:
    """A running ``oxigraph serve`` process."""

    process: subprocess.Popen
    base_url: str

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def oxigraph_binary() -> str:
    """The ``oxigraph`` server program: beside this Python, or on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("the oxigraph server is not installed; install it with: pip install oxigraph")
    return found


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the process that started it dies, however it dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def check_port_free(host: str, port: int) -> None:
    """InputError naming the port if something already listens there."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_oxigraph(location: Path, port: int | None = None, wait_seconds: float = 30.0) -> LocalServer:
    """Start ``oxigraph serve`` on 127.0.0.1 with its store in ``location``; wait until it answers."""
    if port:  # a server already there would answer the readiness check for this one
        check_port_free("127.0.0.1", port)
    port = port or free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
    server = LocalServer(process=process, base_url=f"http://127.0.0.1:{port}")
    probe = RemoteSparql(server.query_url, Connection(timeout=2, retries=0))
    deadline = time.monotonic() + wait_seconds
    while True:
        if process.poll() is not None:
            assert process.stderr is not None  # stderr=PIPE
            message = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"oxigraph could not start on port {port}: {message[-1] if message else 'no message'}")
        try:
            probe.query("ASK {}")
            if process.poll() is None:  # the answer was ours, not from whatever took the port meanwhile
                return server
        except RemoteError:
            if time.monotonic() > deadline:
                server.stop()
                raise InputError(f"oxigraph did not answer on port {port} within {wait_seconds:g} s") from None
            time.sleep(0.1)
