"""grlc (PyPI) serving queries/ for the tests, in a virtual environment of its own.

grlc 1.3.11 pins rdflib, Flask and others at versions that clash with kg's, so
it lives in its own venv: $KG_GRLC_VENV, or ~/.cache/astana-kg/grlc-venv. It is
made once (``.ci/run`` makes it before the tests: ``python tests/grlc.py``) and
reused. The server is grlc's Flask app under gunicorn, as grlc-server runs it,
but bound to 127.0.0.1 with two workers and stopped by PID.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VERSION = "1.3.11"


def venv_directory() -> Path:
    return Path(os.environ.get("KG_GRLC_VENV") or Path.home() / ".cache" / "astana-kg" / "grlc-venv")


def ensure_venv() -> Path:
    """The venv's python, with grlc installed; made (from PyPI) when missing, once even when asked twice at once."""
    directory = venv_directory()
    python = directory / "bin" / "python"
    marker = directory / f".grlc-{VERSION}-installed"
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f".{directory.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(directory)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"grlc=={VERSION}"], check=True)
            marker.touch()
    return python


@dataclass
class Grlc:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def swagger(self) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/api-local/swagger", timeout=60) as answer:
            return json.load(answer)

    def call(self, name: str, arguments: dict[str, str], content: str = "json") -> tuple[int, str, bytes]:
        """(status, content type, body) of grlc's API for one saved query (``content``: json or csv)."""
        address = f"{self.base_url}/api-local/{name}.{content}?" + urllib.parse.urlencode(arguments)
        asked = urllib.request.Request(address, headers={"Accept": "*/*"})  # grlc fails without one
        try:
            with urllib.request.urlopen(asked, timeout=60) as answer:
                return answer.status, answer.headers.get("Content-Type", ""), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_grlc(queries: Path, directory: Path, port: int, wait_seconds: float = 60.0) -> Grlc:
    """grlc over the folder ``queries`` on 127.0.0.1:``port``; its config.ini in ``directory``.

    grlc reads config.ini from its working directory. Its default endpoint is
    left empty: the queries' ``#+ endpoint`` or a call's ``endpoint=`` names one.
    """
    python = ensure_venv()
    (directory / "config.ini").write_text(
        "[local]\n"
        f"local_sparql_dir = {queries.resolve()}/\n"
        "[defaults]\n"
        "sparql_endpoint =\n"
        "server_name = 127.0.0.1\n"
        "debug = False\n", encoding="utf-8")
    log = directory / "grlc.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(python), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "90",
             "--no-control-socket", "grlc.server:app"], cwd=directory, stdout=output, stderr=subprocess.STDOUT)
    server = Grlc(process, port, log)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            server.swagger()
            return server
        except (OSError, ValueError) as error:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"grlc did not start ({error}):\n{log.read_text(errors='replace')[-2000:]}") from None
            time.sleep(0.3)


if __name__ == "__main__":  # .ci/run: make the venv before the tests
    print(ensure_venv())
