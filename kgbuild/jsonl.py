"""One reader for the JSON Lines data files kgbuild ships or is given (lexicons, patterns,
resolution data, gold records).

Each caller passes the error class of its own stage, so a bad line stays an ``ExtractError`` in
the NLP stage, a ``ResolveError`` in resolution and a ``ReadError`` for gold files — always naming
the file and line.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from .errors import KgbuildError


def iter_jsonl_objects(path: str | Path, *, error: type[KgbuildError] = KgbuildError,
                       what: str = "data") -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank line of ``path``; the first bad line raises
    ``error`` ("FILE:LINE: ...")."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise error(f"{p}: cannot read {what} ({exc.strerror or exc})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{p}:{n}: invalid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise error(f"{p}:{n}: expected a JSON object per line")
        yield n, row


def read_jsonl_objects(path: str | Path, *, error: type[KgbuildError] = KgbuildError,
                       what: str = "data") -> list[dict[str, Any]]:
    """Every non-blank line of ``path`` as a JSON object; the first bad line raises ``error``."""
    return [row for _, row in iter_jsonl_objects(path, error=error, what=what)]
