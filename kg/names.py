"""Names as people type them: folded for matching, and a person's surname.

The names themselves are data (skos:prefLabel, skos:altLabel, skos:hiddenLabel,
ap:meetingName); what is code is only how two spellings of one name are
recognised as the same: case, diacritics and spacing do not count, so
"onal" matches "Önal" and "AKCAPAR" matches "Akçapar".
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark, as
# people type them on a keyboard without the letter: Turkish dotless i above all.
_BASE_LETTERS = str.maketrans({"ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ħ": "h"})


def fold(text: str) -> str:
    """``text`` for comparison: compatibility-decomposed (NFKD), without marks, case-folded, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def needs_base_letters(text: str) -> bool:
    """Whether ``text`` has a letter that only :func:`fold` (not SQLite's unicode61) takes to its base letter."""
    return text != text.translate(_BASE_LETTERS)


# Articles written joined to a surname: "al-Jaafari" is also said "Jaafari".
_JOINED_ARTICLES = ("al-", "el-", "as-", "ash-", "ad-", "ar-")


def surnames(label: str) -> list[str]:
    """What a person of this name may be called by surname alone: the words after the given name.

    "Staffan de Mistura" gives "de Mistura" and "Mistura"; "Bashar al-Jaafari"
    gives "al-Jaafari" and "Jaafari"; a one-word name gives none.
    """
    words = label.split()
    found = [" ".join(words[start:]) for start in range(1, len(words))]
    if found and words[-1].casefold().startswith(_JOINED_ARTICLES):
        found.append(words[-1].split("-", 1)[1])
    return [name for name in found if name]


def person_surnames(preferred: str, alternatives: list[str]) -> set[str]:
    """The surnames of a person from the preferred label and the alternative labels written in the same
    order (the same given name first): "Onal Sedat", surname first as document 004 writes it, gives none."""
    given = fold(preferred.split()[0]) if preferred.split() else ""
    names = set(surnames(preferred))
    for label in alternatives:
        words = label.split()
        if words and fold(words[0]) == given:
            names.update(surnames(label))
    return names
