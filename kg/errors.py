"""Errors the library raises, each carrying the exit code the CLI returns.

| exit | class                | meaning                                        |
|------|----------------------|------------------------------------------------|
| 0    |                      | success                                        |
| 1    | NegativeResult       | the answer is "no": does not conform, no match |
| 2    | InputError           | a file is missing or does not parse, bad usage |
| 3    | KgError (base)       | an internal error                              |
| 130  | Interrupted          | stopped by Ctrl-C or SIGTERM                   |
"""

from pathlib import Path


class KgError(Exception):
    """Base class: something went wrong inside kg itself."""

    exit_code = 3


class InputError(KgError):
    """The input cannot be used: a missing file, a syntax error, a bad value."""

    exit_code = 2


class NegativeResult(KgError):
    """The command ran, and its answer is negative (e.g. the data does not conform)."""

    exit_code = 1


class Interrupted(KgError):
    """The user stopped the command (Ctrl-C, SIGTERM); 130 is what shells report for Ctrl-C."""

    exit_code = 130


class StoreDamaged(KgError):
    """The cached store cannot be read (a damaged file); the command is run again on a rebuilt one."""

    def __init__(self, directory: Path, reason: str):
        super().__init__(f"the cached graph in {directory} is damaged ({reason})")
        self.directory, self.reason = Path(directory), reason


def is_damage(error: Exception) -> bool:
    """Whether an error from the store is RocksDB finding a damaged or missing file (not, say, a SERVICE failing)."""
    text = str(error)
    return "Corruption" in text or ".sst" in text or "IO error" in text or "CURRENT" in text
