"""CLI conventions (issue 10): one --format option on every command that prints records, full
summaries in `kgbuild --help`, `query --show` prints the paste-ready file with --param values."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.cli.render import FORMATS, render_rows
from kgbuild.query import load_query, parse_query

ROWS = [{"method": "LST", "evidence": "On GLUE, LST outperforms full fine-tuning. " * 4, "paper_id": "fx-0001",
         "title": "LST: Ladder Side-Tuning", "score": 0.5, "aliases": ["a", "b"]},
        {"method": "BitFit", "evidence": None, "paper_id": "fx-0002", "title": "BitFit", "score": 1.0,
         "aliases": []}]


def test_render_rows_every_format():
    assert FORMATS == ("table", "csv", "json", "jsonl")
    table = render_rows(ROWS, "table", max_width=100)
    assert table.splitlines()[0].split() == ["method", "evidence", "paper_id", "title", "score", "aliases"]
    assert all(len(line) <= 100 for line in table.splitlines())
    assert "outperforms" in table and "fx-0002" in table  # long cells wrap, nothing is cut off
    assert table.count("outperforms") == 4
    parsed = list(csv.DictReader(io.StringIO(render_rows(ROWS, "csv"))))
    assert parsed[0]["aliases"] == "a; b" and parsed[1]["evidence"] == ""
    assert json.loads(render_rows(ROWS, "json")) == ROWS
    assert [json.loads(line) for line in render_rows(ROWS, "jsonl").splitlines()] == ROWS
    assert render_rows([], "table") == "(no rows)" and render_rows([], "jsonl") == ""


@pytest.mark.parametrize("args", [["query", "--list"], ["explain", "seed-0001"],
                                  ["entities", "tests/fixtures/tiny.jsonl", "--type", "Dataset"]])
def test_record_commands_take_every_format(args):
    runner = CliRunner()
    for fmt in FORMATS:
        result = runner.invoke(cli, [*args, "--format", fmt])
        assert result.exit_code == 0, (args, fmt, result.output)
        out = result.stdout
        if fmt == "json":
            json.loads(out)
        elif fmt == "jsonl":
            assert all(json.loads(line) for line in out.splitlines())
        elif fmt == "csv":
            assert len(list(csv.reader(io.StringIO(out)))) >= 2


def test_eval_takes_every_format():
    runner = CliRunner()
    args = ["eval", "eval/gold-heldout.jsonl", "kgbuild/data/abstracts-seed.txt"]
    rows = [json.loads(line) for line in runner.invoke(cli, [*args, "--format", "jsonl"]).stdout.splitlines()]
    assert {"category", "precision", "recall", "f1"} <= set(rows[0])
    old = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)  # the old spelling still works
    assert old == json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)


def test_help_lists_whole_summaries():
    """Regression: click cut summaries at 45 characters ("Read, extract, resolve and write the graph (the bundled...")."""
    out = " ".join(CliRunner().invoke(cli, ["--help"]).output.split("Commands:")[1].split())
    assert "..." not in out
    assert "(the bundled sample corpus by default)." in out
    neo = " ".join(CliRunner().invoke(cli, ["neo4j", "--help"]).output.split("Commands:")[1].split())
    assert "..." not in neo and "password" in neo


def test_show_prints_the_paste_ready_file_with_param_values():
    """Regression: --show printed the query without its parameters and ignored --param."""
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "results-on", "--show", "--param", "dataset=Spider"])
    assert result.exit_code == 0, result.output
    spec = load_query("results-on")
    assert result.stdout == spec.paste_text({"dataset": "Spider"})
    assert "WITH 'Spider' AS dataset\n" in result.stdout and "$" not in result.stdout
    assert parse_query(result.stdout, "again").params == {"dataset": "Spider"}
    plain = runner.invoke(cli, ["query", "results-on", "--show"]).stdout
    assert plain == spec.path.read_text()
    bad = runner.invoke(cli, ["query", "top-datasets", "--show", "--param", "limit=lots"])
    assert bad.exit_code == 1 and "whole number" in bad.output


def test_progress_is_drawn_by_rich_on_a_terminal_only():
    from kgbuild.pipeline import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    bar = Progress("extracting", stream=term)
    for _ in range(5):
        bar.tick()
    bar.close()
    assert bar.n == 5 and "extracting: 5 papers" in term.getvalue()
    assert term.getvalue().endswith("\x1b[2K")  # erased when done: the summary line follows cleanly
    piped = io.StringIO()
    quiet = Progress("extracting", stream=piped)
    quiet.tick(3)
    quiet.close()
    assert piped.getvalue() == "" and quiet.n == 3
    muted = Terminal()
    off = Progress("extracting", quiet=True, stream=muted)
    off.tick()
    off.close()
    assert muted.getvalue() == ""
