"""Names for blank nodes that stay the same from one build of the graph to the next.

A parser gives every blank node a fresh label, so two builds of the same
sources label the same evidence item differently: their exports differ byte
for byte, and a server sent both would hold the item twice. Naming a blank
node after a hash of what it says and what points at it (RDF 1.1 Concepts,
section 3.5) gives the same name every time (exports and loads). The build
names them more cheaply, after their file and their order in it
(label_blank_nodes_in_order), which is as stable while the file is unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

# A blank node label in N-Triples; rename_blank_nodes() renames those in the subject or object position.
BLANK_NODE = re.compile(rb"_:(\S+)")


def blank_node_digests(lines: Iterable[bytes]) -> dict[bytes, str]:
    """A stable hex digest for every blank node of a graph given as N-Triples lines, by label.

    The digest covers the node's own triples and the links that point at it,
    so two equal evidence items of two facts stay two. A blank node it links
    to counts as ``_:`` whatever its label: labels are what is being replaced.
    """
    # Bytes throughout: sorted UTF-8 bytes are in the order of the text's code points, so
    # the digests are those of the text, found in about half the time (docs/design-figures.md).
    described: dict[bytes, list[bytes]] = {}
    for line in lines:
        if b"_:" not in line:
            continue
        subject, predicate, value = line.rstrip()[:-2].split(b" ", 2)
        if subject[:2] == b"_:":
            described.setdefault(subject[2:], []).append(predicate + (b" _:" if value[:2] == b"_:" else b" " + value))
        elif value[:2] == b"_:":
            described.setdefault(value[2:], []).append(b"^" + predicate + b" " + subject)
    return {label: hashlib.sha256(b"\n".join(sorted(about))).hexdigest()[:24] for label, about in described.items()}


def rename_blank_nodes(text: bytes, names: dict[bytes, bytes]) -> bytes:
    """Whole N-Triples lines with each blank node (by label) replaced by its entry in ``names``.

    Only a term in the subject or object position is renamed: ``_:`` inside
    a literal is text.
    """
    if b"_:" not in text:
        return text

    def rename(match):
        whole, (start, end) = match.string, match.span()
        subject = start == 0 or whole[start - 1] == 0x0A  # at the start of a line
        obj = whole[start - 1] == 0x20 and whole[end:end + 3] == b" .\n"  # the last term of a line
        return names.get(match.group(1), match.group(0)) if subject or obj else match.group(0)

    return BLANK_NODE.sub(rename, text)


def label_blank_nodes_in_order(statements: list[str], seed: str) -> list[str]:
    """N-Triples statements (without the final " .") with each blank node labelled after ``seed`` and
    its order of first appearance: the build's labels (kg.build), which keep a file's blank nodes
    as they were while the file is unchanged, so the build after an edit finds them in the
    previous store. Labels are unique to a seed (a file's graph); two versions of a file share
    them, but a store only ever holds one.
    """
    prefix = "_:b" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16] + "n"
    labels: dict[str, str] = {}

    def label(term: str) -> str:
        found = labels.get(term)
        if found is None:
            found = labels[term] = f"{prefix}{len(labels)}"
        return found

    relabelled = []
    for line in statements:
        if "_:" in line:
            subject, predicate, value = line.split(" ", 2)  # a literal is only ever the value
            if subject.startswith("_:"):
                subject = label(subject)
            if value.startswith("_:"):
                value = label(value)
            line = f"{subject} {predicate} {value}"
        relabelled.append(line)
    return relabelled
