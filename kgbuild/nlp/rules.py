"""Rule data for the claims stage: where it lives, and the one loader that validates it.

Every line of a claims pattern file (``patterns/claims-*.jsonl``) is one rule with its own unique
``id``. The code only interprets rules; each fact records the ids of the rules that made it (see
``Evidence.decisions``), so ``kgbuild explain`` can answer "why this fact?" by id. Loading rejects
a line without an ``id``, a repeated ``id``, a missing required field or a regex that does not
compile with one ``ExtractError`` naming the file and the line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from kgbuild.errors import ExtractError
from kgbuild.jsonl import iter_jsonl_objects, read_jsonl_objects

PATTERN_DIR = Path(__file__).parent / "patterns"
NUMBERS_FILE = "claims-numbers.jsonl"
CUES_FILE = "claims-cues.jsonl"
SLOTS_FILE = "claims-slots.jsonl"
NUMBERS_KEY = "numbers"
CUES_KEY = "cues"
SYSTEM_TYPES = ("Method", "Model")
RELATION_LABELS = ("outperforms", "comparable", "underperforms")


@dataclass(frozen=True)
class RuleLine:
    """One validated line of a rule file: its fields, and where it came from (for messages)."""

    id: str
    fields: dict[str, Any]
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def regex(self, key: str = "regex", flags: int = re.I) -> re.Pattern[str]:
        """``fields[key]`` compiled; a bad regex is an ``ExtractError`` naming file, line and id."""
        try:
            return re.compile(self.fields[key], flags)
        except re.error as exc:
            raise ExtractError(f"{self.where()}: rule {self.id!r}: bad regex in {key!r} ({exc})") from exc


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every object of a pattern file (no id checks: the number patterns keep their own shape)."""
    return read_jsonl_objects(path, error=ExtractError, what="pattern file")


def pattern_file(pattern_dir: str | Path | None, name: str) -> Path:
    """``pattern_dir/name`` when that file exists, else the bundled one: a pattern_dir made for the
    entity components (test fixtures) need not carry the claims patterns too."""
    if pattern_dir:
        candidate = Path(pattern_dir) / name
        if candidate.is_file():
            return candidate
    return PATTERN_DIR / name


def load_rules(path: str | Path, *, required: Iterable[str] = ()) -> list[RuleLine]:
    """The rules of ``path`` in file order.

    Raises ``ExtractError`` ("FILE:LINE: ...") for a line that is not a JSON object, has no
    non-empty string ``id``, repeats an earlier ``id`` (the message names both lines) or lacks
    one of ``required``."""
    p = Path(path)
    need = tuple(required)
    out: list[RuleLine] = []
    first_line: dict[str, int] = {}
    for n, rec in iter_jsonl_objects(p, error=ExtractError, what="rule file"):
        rid = rec.get("id")
        if not isinstance(rid, str) or not rid.strip():
            raise ExtractError(f"{p}:{n}: rule without an id (every pattern line needs its own unique \"id\")")
        if rid in first_line:
            raise ExtractError(f"{p}:{n}: duplicate rule id {rid!r} (first used on line {first_line[rid]})")
        missing = [k for k in need if rec.get(k) in (None, "", [])]
        if missing:
            raise ExtractError(f"{p}:{n}: rule {rid!r} lacks {', '.join(missing)}")
        first_line[rid] = n
        out.append(RuleLine(rid, rec, p, n))
    return out


__all__ = ["CUES_FILE", "CUES_KEY", "NUMBERS_FILE", "NUMBERS_KEY", "PATTERN_DIR", "RELATION_LABELS",
           "SLOTS_FILE", "SYSTEM_TYPES", "RuleLine", "literal_alternation", "load_rules", "pattern_file",
           "read_jsonl"]


def literal_alternation(keys: Iterable[str]) -> str:
    """A regex group for the literal ``keys``, written as a prefix tree ("(?:c(?:omp|los)|s(?:imi|upe))").

    Same matches as ``"(?:" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + ")"``,
    also with a lookahead after it: at a position the longest key that lets the rest of the
    pattern match wins (greedy ``?`` tries the longer branch first and backtracks to a key ending
    earlier). ``re`` does not factor alternations: the flat form tries every key at every
    position, the tree one branch per character (flat trigger/head alternations of 100+ words
    were among the largest costs of ``find_cues`` and the entity head scans)."""
    trie: dict = {}
    for k in keys:
        node = trie
        for ch in k:
            node = node.setdefault(ch, {})
        node[""] = {}  # a key ends here

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a key ends here: a longer key through a branch wins (greedy ``?``)
            return "(?:" + body + ")?"
        return body

    return "(?:" + build(trie) + ")"
