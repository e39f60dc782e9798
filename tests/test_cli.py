"""CLI tests through click's runner: help text, extract/build/query round trip, errors without tracebacks."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny.jsonl"
TINY_BAD = FIXTURES / "tiny-bad.jsonl"


def _commands(group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        path = prefix + (name,)
        if hasattr(cmd, "commands"):
            yield path, cmd
            yield from _commands(cmd, path)
        else:
            yield path, cmd


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=lambda p: " ".join(p))
def test_commands_have_help(path):
    """Help text is part of the product: a one-line summary and an example for every command."""
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    cmd = cli
    for name in path:
        cmd = cmd.commands[name]
    assert cmd.help and cmd.help.strip().splitlines()[0].strip(), f"{path} has no summary"
    if not hasattr(cmd, "commands"):
        assert "Example" in cmd.help, f"{' '.join(path)} help has no example"


def test_extract_writes_schema_records(tmp_path):
    out = tmp_path / "ex.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(TINY), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["paper_id"] for r in records] == ["tiny-lst", "tiny-lora", "tiny-rasat"]
    for r in records:
        assert set(r) == {"paper_id", "title", "entities", "proposes", "results", "comparisons"}
        for e in r["entities"]:
            assert set(e) == {"type", "name", "aliases"}
            assert e["type"] in {"Method", "Model", "Dataset", "Task", "Metric"}
        for res in r["results"]:
            assert set(res) == {"subject", "dataset", "metric", "value", "unit"}
        for c in r["comparisons"]:
            assert set(c) == {"subject", "relation", "object", "dataset"}
            assert c["relation"] in {"outperforms", "comparable", "underperforms"}
    rasat = records[2]
    found = {(x["dataset"], x["value"]) for x in rasat["results"]}
    assert ("Spider", 75.5) in found
    assert "RASAT" in rasat["proposes"]


def test_extract_counts_and_reports_every_rejected_record(tmp_path):
    out = tmp_path / "ex.jsonl"
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(TINY_BAD), "-o", str(out), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "1 papers read, 3 rejected" in result.stderr
    assert len(out.read_text().splitlines()) == 1
    report = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert sorted(r["line"] for r in report) == [2, 3, 4]
    assert all(r["file"].endswith("tiny-bad.jsonl") and r["reason"] for r in report)


def test_missing_input_is_one_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0
    assert "nope.jsonl" in result.output
    assert "Traceback" not in result.output


def test_build_then_query_on_embedded_store(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("KGBUILD_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(TINY), "--fresh"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["query", "methods-beating", "--param", "baseline=full finetuning",
                                 "--param", "dataset=glue", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert any(r.get("method") == "LST" for r in rows), rows
    assert all(r.get("evidence") and r.get("title") for r in rows)
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0 and "methods-beating" in result.output


def test_unknown_query_and_bad_param_are_clear(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("KGBUILD_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "no-such-query"])
    assert result.exit_code != 0 and "no-such-query" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["query", "top-datasets", "--param", "limit"])
    assert result.exit_code != 0 and "key=value" in result.output


def test_unreachable_neo4j_names_the_uri(tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong")
    uri = "bolt://127.0.0.1:1"
    result = CliRunner().invoke(cli, ["build", str(TINY), "--neo4j-uri", uri])
    assert result.exit_code != 0
    assert uri in result.output
    assert "Traceback" not in result.output


def test_explain_shows_rules(tmp_path):
    result = CliRunner().invoke(cli, ["explain", "tiny-rasat", "--input", str(TINY)])
    assert result.exit_code == 0, result.output
    assert "RASAT" in result.output and "FACT" in result.output and "[" in result.output
    result = CliRunner().invoke(cli, ["explain", "nope", "--input", str(TINY)])
    assert result.exit_code != 0 and "nope" in result.output
