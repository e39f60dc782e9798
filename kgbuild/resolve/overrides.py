"""The user's corrections (``resolution.json``): forced merges and splits, validated up front."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ResolveError
from ..normalize import match_key
from ..records import ENTITY_TYPES
from .names import clean_name, name_key


@dataclass(frozen=True)
class ForcedMerge:
    """Names the user says are one thing; ``canonical`` and ``type`` optionally fix the node."""

    names: tuple[str, ...]
    canonical: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Overrides:
    """The user-editable corrections (``resolution.json``), applied on the next build."""

    merges: tuple[ForcedMerge, ...] = ()
    splits: tuple[tuple[str, str], ...] = ()
    source: str = "resolution.json"  # file name shown in merge reasons


def load_overrides(path: str | Path) -> Overrides:
    """Read a JSON overrides file (format: ``resolution.example.json``); raise ``ResolveError``.

    ``{"merge": [{"names": [...], "canonical": "...", "type": "Method"}], "split": [["A", "B"]]}``.
    A split of two names with the same normalised key, or a pair both merged and split, is refused
    up front: the build could not honour both.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResolveError(f"{p}: cannot read overrides file ({exc.strerror or exc})",
                           hint="see resolution.example.json for the format") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResolveError(f"{p}: line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})") from exc
    return overrides_from_dict(data, source=p.name, where=str(p))


def overrides_from_dict(data: Any, *, source: str = "resolution.json", where: str | None = None) -> Overrides:
    """Validate the parsed overrides document (``load_overrides`` minus the file reading)."""
    where = where or source

    def bad(reason: str) -> ResolveError:
        return ResolveError(f"{where}: {reason}", hint="see resolution.example.json for the format")

    if not isinstance(data, dict):
        raise bad("the top level must be an object with 'merge' and/or 'split'")
    unknown = sorted(k for k in data if k not in ("merge", "split") and not k.startswith("_")
                     and k != "comment")
    if unknown:
        raise bad(f"unknown key(s) {', '.join(map(repr, unknown))} (expected 'merge', 'split')")
    merges: list[ForcedMerge] = []
    raw_merges = data.get("merge", [])
    if not isinstance(raw_merges, list):
        raise bad("'merge' must be a list")
    for i, m in enumerate(raw_merges):
        if isinstance(m, list):
            m = {"names": m}
        if not isinstance(m, dict):
            raise bad(f"merge[{i}] must be an object with 'names'")
        names = m.get("names")
        if (not isinstance(names, list) or not names
                or not all(isinstance(n, str) and match_key(clean_name(n)) for n in names)):
            raise bad(f"merge[{i}].names must be a list of non-empty names")
        canonical = m.get("canonical")
        if canonical is not None and (not isinstance(canonical, str) or not match_key(clean_name(canonical))):
            raise bad(f"merge[{i}].canonical must be a non-empty name")
        etype = m.get("type")
        if etype is not None and etype not in ENTITY_TYPES:
            raise bad(f"merge[{i}].type {etype!r} is not one of {', '.join(ENTITY_TYPES)}")
        extra = sorted(k for k in m if k not in ("names", "canonical", "type") and not k.startswith("_"))
        if extra:
            raise bad(f"merge[{i}] has unknown key(s) {', '.join(map(repr, extra))}")
        all_names = list(names) + ([canonical] if canonical and canonical not in names else [])
        if len({match_key(clean_name(n)) for n in all_names}) < 2 and not canonical and not etype:
            raise bad(f"merge[{i}] names a single thing: nothing to merge")
        merges.append(ForcedMerge(tuple(all_names), canonical, etype))
    splits: list[tuple[str, str]] = []
    raw_splits = data.get("split", [])
    if not isinstance(raw_splits, list):
        raise bad("'split' must be a list")
    for i, s in enumerate(raw_splits):
        if isinstance(s, dict):
            s = s.get("names")
        if not (isinstance(s, list) and len(s) == 2 and all(isinstance(n, str) and match_key(clean_name(n)) for n in s)):
            raise bad(f"split[{i}] must be a pair of names")
        a, b = s
        if name_key(a) == name_key(b):
            raise bad(f"split[{i}]: {a!r} and {b!r} have the same normalised key and cannot be split")
        splits.append((a, b))
    for a, b in splits:
        for m in merges:
            keys = {name_key(n) for n in m.names}
            if name_key(a) in keys and name_key(b) in keys:
                raise bad(f"{a!r} and {b!r} are both force-merged and force-split")
    return Overrides(tuple(merges), tuple(splits), source)

