"""One renderer for every listing command (``--format table|csv|json``).

stdout stays machine-readable; progress and summaries go to stderr.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from typing import Any, Iterable, Sequence

import click

FORMATS = ("table", "csv", "json")


def output_options(f):
    """The shared ``--format`` option (sqlite-utils' ``output_options`` habit)."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="Output format: an aligned table, CSV, or JSON (one array).",
    )(f)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_rows(rows: Sequence[dict[str, Any]], fmt: str = "table", *, columns: Iterable[str] | None = None,
                max_width: int | None = None) -> str:
    """Render a list of dicts as table, CSV or JSON text (no trailing newline for table)."""
    cols = list(columns) if columns is not None else _columns(rows)
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in cols])
        return buf.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    width = max_width or max(80, shutil.get_terminal_size((160, 20)).columns)
    cells = [[_cell(r.get(c)).replace("\n", " ") for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    # Too wide for the terminal: shrink the widest columns (evidence sentences, titles) and wrap
    # their text onto continuation lines, so nothing an analyst needs is cut off. CSV/JSON are raw.
    budget = width - 2 * (len(cols) - 1)
    while sum(widths) > budget:
        i = max(range(len(widths)), key=widths.__getitem__)
        if widths[i] <= 12:
            break
        widths[i] -= 1

    lines = ["  ".join(c[:w].ljust(w) for c, w in zip(cols, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        wrapped = [textwrap.wrap(v, w, break_long_words=True, break_on_hyphens=False) or [""]
                   for v, w in zip(row, widths)]
        for k in range(max(len(x) for x in wrapped)):
            lines.append("  ".join((x[k] if k < len(x) else "").ljust(w)
                                   for x, w in zip(wrapped, widths)).rstrip())
    return "\n".join(lines)


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols
