"""String keys shared by every stage.

Two functions, two purposes:

* ``match_key`` is the scoring key of ``EXTRACTION-SCHEMA.md``: case-folded, every character that
  is not a letter or a digit dropped ("Fine-tuning" == "finetuning"). Canonical node keys use it.
* ``search_key`` is what Cypher can compute too (see ``cypher/*.cypher``): lower-case with spaces,
  hyphens, underscores, dots, slashes and dashes removed. Nodes store ``search_keys`` (one per
  name and alias) so that a query parameter matches case-, hyphen- and alias-insensitively, and
  the very same expression pasted in Neo4j Browser gives the same answer.
"""
from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Characters the Cypher side strips with nested replace(); keep the two lists in sync.
SEARCH_STRIP = (" ", "-", "_", ".", "/")


def fold(text: str) -> str:
    """NFKD-fold Unicode and drop combining marks (TeX/Unicode leftovers like "α" stay letters)."""
    if text.isascii():
        return text.lower()  # NFKD leaves ASCII alone, it has no combining marks, casefold == lower
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def match_key(text: str) -> str:
    """The schema's comparison key: case-fold, keep only letters and digits."""
    if text.isascii():  # the common case, without a generator per character (a hot spot in to_schema)
        return _NON_ALNUM.sub("", text.lower())
    return "".join(ch for ch in fold(text) if ch.isalnum())


def search_key(text: str) -> str:
    """The key a Cypher query computes from a user parameter (see module docstring)."""
    out = text.lower()
    for ch in SEARCH_STRIP:
        out = out.replace(ch, "")
    return out
