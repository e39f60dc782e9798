"""One renderer for every command that prints records (``--format table|csv|json|jsonl``).

stdout stays machine-readable (CSV, one JSON array, or JSON Lines); progress bars and summaries
go to stderr. The table is drawn by rich (already installed with spaCy), which wraps long cells
(evidence sentences, titles) onto continuation lines instead of cutting them.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from typing import Any, Iterable, Sequence

import click

FORMATS = ("table", "csv", "json", "jsonl")


def output_options(f):
    """The shared ``--format`` option (sqlite-utils' ``output_options`` habit)."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="Output format: an aligned table, CSV, one JSON array, or JSON Lines (one object a line).",
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
    """Render a list of dicts as table, CSV, JSON or JSON Lines text (no trailing newline)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    cols = list(columns) if columns is not None else _columns(rows)
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=2, default=str)
    if fmt == "jsonl":
        return "\n".join(json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False, default=str) for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in cols])
        return buf.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    return _rich_table(rows, cols, max_width or max(80, shutil.get_terminal_size((160, 20)).columns))


# prose columns share the width left by the short ones, the evidence sentence getting the most
_PROSE = {"evidence": 4, "answers": 4, "title": 2, "aliases": 2, "claim": 2}
_SHORT = 30  # a column whose cells are all at most this long is kept whole


def _rich_table(rows: Sequence[dict[str, Any]], cols: list[str], width: int) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                  collapse_padding=True)
    cells = [[_cell(r.get(c)).replace("\n", " ") for c in cols] for r in rows]
    for i, c in enumerate(cols):
        longest = max([len(c)] + [len(row[i]) for row in cells])
        if c in _PROSE or longest > _SHORT:
            # prose (evidence sentences, titles, alias lists) shares the width left and wraps
            table.add_column(c, overflow="fold", ratio=_PROSE.get(c, 1), min_width=min(longest, 12))
        else:
            # names, ids and numbers keep their full width: never cut an answer
            table.add_column(c, overflow="fold", no_wrap=True, min_width=longest)
    for row in cells:
        table.add_row(*row)
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False,
                      emoji=False, markup=False, soft_wrap=False)
    console.print(table)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols
