"""The curated resolution data of ``kgbuild/data/resolution/`` (aliases, families, suites,
distinct names, generic words), parsed once per process."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ResolveError
from ..jsonl import read_jsonl_objects
from ..records import ENTITY_TYPES
from .names import name_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "resolution"


@dataclass
class ResolutionData:
    """The curated files of ``data/resolution/``, parsed (see each file's first lines)."""

    aliases: list[dict[str, Any]] = field(default_factory=list)
    families: list[dict[str, Any]] = field(default_factory=list)
    suites: list[dict[str, Any]] = field(default_factory=list)
    distinct: list[dict[str, Any]] = field(default_factory=list)
    generic: frozenset[str] = frozenset()


def _read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = read_jsonl_objects(path, error=ResolveError, what="resolution data")
    for i, row in enumerate(rows, 1):  # i counts records (blank lines skipped)
        missing = [k for k in required if k not in row]
        if missing:
            raise ResolveError(f"{path}: record {i}: missing {', '.join(missing)}")
        if "type" in row and row["type"] not in ENTITY_TYPES:
            raise ResolveError(f"{path}: record {i}: unknown type {row['type']!r}")
    return rows


@lru_cache(maxsize=4)
def load_data(data_dir: str | None = None) -> ResolutionData:
    """Parse the curated lexicons once per process (raises ``ResolveError`` on a bad line)."""
    d = Path(data_dir) if data_dir else DATA_DIR
    generic: set[str] = set()
    for row in _read_jsonl(d / "generic.jsonl", ("words",)):
        generic.update(name_key(w) for w in row["words"])
    return ResolutionData(
        aliases=_read_jsonl(d / "aliases.jsonl", ("type", "name", "aliases")),
        families=_read_jsonl(d / "families.jsonl", ("type", "family")),
        suites=_read_jsonl(d / "suites.jsonl", ("suite", "tasks")),
        distinct=_read_jsonl(d / "distinct.jsonl", ("names",)),
        generic=frozenset(generic),
    )

