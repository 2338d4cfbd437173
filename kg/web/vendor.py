"""YASGUI, the query page's SPARQL editor, brought from the npm registry into ``static/yasgui/``.

Not committed (a megabyte of minified JavaScript): the package's build step
(setup.py) runs :func:`vendor_yasgui`, so ``pip install`` of a clean clone
brings it, and ``python -m kg.web.vendor`` does it by hand. The tarball is
checked against the integrity hash the registry published for this version.
Only the standard library is used: this runs before kg's dependencies are
installed.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
INTEGRITY = "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
FILES = ("yasgui.min.js", "yasgui.min.css")
TARGET = Path(__file__).resolve().parent / "static" / "yasgui"


def vendored(target: Path = TARGET) -> bool:
    """Whether this version of YASGUI is in place."""
    return all((target / name).is_file() for name in FILES) and \
        (target / "VERSION").is_file() and (target / "VERSION").read_text().strip() == f"{PACKAGE}@{VERSION}"


def vendor_yasgui(target: Path = TARGET) -> None:
    """``npm pack`` this version of YASGUI, check its integrity, and copy its built files to ``target``.

    Raises RuntimeError with one line saying what went wrong (no npm, no network, a bad tarball).
    """
    if vendored(target):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is not installed, so {PACKAGE} cannot be fetched for the query page "
                           "(apt-get install npm, then python -m kg.web.vendor)")
    with tempfile.TemporaryDirectory(prefix="kg-yasgui-") as scratch:
        done = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", scratch],
                              capture_output=True, text=True, timeout=300)
        tarballs = list(Path(scratch).glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(f"npm pack {PACKAGE}@{VERSION} failed: {last}")
        data = tarballs[0].read_bytes()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != INTEGRITY:
            raise RuntimeError(f"{tarballs[0].name}: its sha512 is not the one published for {PACKAGE}@{VERSION}")
        staging = target.with_name(target.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        with tarfile.open(tarballs[0]) as archive:
            for name in FILES:
                member = archive.extractfile(f"package/build/{name}")
                if member is None:
                    raise RuntimeError(f"{tarballs[0].name}: package/build/{name} is not a file")
                (staging / name).write_bytes(member.read())
        (staging / "VERSION").write_text(f"{PACKAGE}@{VERSION}\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)


if __name__ == "__main__":
    try:
        vendor_yasgui()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        print(f"kg: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"{PACKAGE}@{VERSION} is in {TARGET}")
