"""One renderer for every listing command (``--format table|csv|json``).

stdout stays machine-readable; progress and summaries go to stderr.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
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
    width = max_width or max(60, shutil.get_terminal_size((160, 20)).columns)
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    # Cap wide columns (evidence sentences) so a table stays readable; CSV/JSON keep everything.
    cap = max(24, width // max(1, len(cols)))
    budget = width - 2 * (len(cols) - 1)
    if sum(widths) > budget:
        widths = [min(w, cap) if w > cap else w for w in widths]

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[: max(1, w - 1)] + "…"

    lines = ["  ".join(c.ljust(w)[:w] for c, w in zip(cols, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(fit(v, w).ljust(w) for v, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols
