"""F, the floor the engine-default figures are measured against: the least a query can cost.

Usage:  python bench/floor.py STORE_DIR

Opens a built pyoxigraph store read-only and runs queries/rounds.rq on it, in
ten lines and with nothing of kg imported: what `kg query rounds` would cost if
kg added nothing to pyoxigraph.
"""

import sys
from pathlib import Path

import pyoxigraph

store = pyoxigraph.Store.read_only(sys.argv[1])
text = (Path(__file__).resolve().parent.parent / "queries" / "rounds.rq").read_text(encoding="utf-8")
rows = list(store.query(text))
print(len(rows))
