"""The smaller defects of issue 11 (finding 7), one regression test each."""
from __future__ import annotations

import glob
import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.errors import StoreUnavailable
from kgbuild.read import read_papers

TINY = Path(__file__).parent / "fixtures" / "tiny.jsonl"


def test_regression_extract_refuses_to_overwrite_its_input(tmp_path):
    src = tmp_path / "papers.jsonl"
    src.write_bytes(TINY.read_bytes())
    result = CliRunner().invoke(cli, ["extract", str(src), "-o", str(src)])
    assert result.exit_code != 0
    assert "is the input file" in result.output and "Traceback" not in result.output
    assert src.read_bytes() == TINY.read_bytes()


def test_regression_unwritable_output_is_one_clear_error(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        result = CliRunner().invoke(cli, ["extract", str(TINY), "-o", str(locked / "out.jsonl")])
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 1, result.output
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_regression_output_in_missing_unwritable_place_no_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["extract", str(TINY), "-o", str(blocker / "out.jsonl")])
    assert result.exit_code == 1 and "Traceback" not in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)


def test_regression_http_neo4j_uri_is_a_clear_error_not_module_not_found():
    from kgbuild.stores.neo4j import Neo4jStore

    with pytest.raises(StoreUnavailable, match="Bolt"):
        Neo4jStore("http://localhost:7474", password="x" * 10).open()
    result = CliRunner().invoke(cli, ["query", "top-datasets", "--neo4j-uri", "http://localhost:7474"])
    assert result.exit_code == 1 and "Bad Neo4j URI" in result.output
    assert "aiohttp" not in result.output and "Traceback" not in result.output


def test_regression_short_csv_rows_are_rejected_not_shifted(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,title,abstract,year\n"
                 "a,Good Title,Good abstract text here.,2020\n"
                 "b,Short Row Title,2021\n", encoding="utf-8")
    rejects = []
    papers = list(read_papers(f, rejects=rejects))
    assert [p.id for p in papers] == ["a"]
    assert [(r.line, r.reason) for r in rejects] == [(3, "malformed CSV record: 3 fields, header has 4")]


def test_regression_stale_rejects_report_is_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(TINY.read_text() + "not json\n", encoding="utf-8")
    report = tmp_path / "home" / "rejects.jsonl"
    assert CliRunner().invoke(cli, ["build", str(bad), "-q"]).exit_code == 0
    assert report.is_file()
    assert CliRunner().invoke(cli, ["build", str(TINY), "-q"]).exit_code == 0
    assert not report.exists(), "the rejects report of the previous run was left behind"
    # extract's default report too
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(cli, ["extract", str(bad), "-o", str(out)]).exit_code == 0
    assert Path(str(out) + ".rejects.jsonl").is_file()
    assert CliRunner().invoke(cli, ["extract", str(TINY), "-o", str(out)]).exit_code == 0
    assert not Path(str(out) + ".rejects.jsonl").exists()


def test_regression_failed_extract_leaves_no_part_file_and_no_spill(tmp_path, monkeypatch):
    from kgbuild.records import Extraction

    real = Extraction.to_schema
    calls = {"n": 0}

    def failing(self):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom while writing")
        return real(self)

    spill_dir = tmp_path / "tmp"
    spill_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_dir))
    monkeypatch.setattr(Extraction, "to_schema", failing)
    out = tmp_path / "out.jsonl"
    from kgbuild.pipeline import extract_file

    with pytest.raises(RuntimeError):
        extract_file(TINY, out)
    assert not out.exists() and not Path(str(out) + ".part").exists()
    assert glob.glob(str(spill_dir / "kgbuild-spill-*")) == []


def test_a_paper_that_makes_extraction_raise_becomes_a_reject(tmp_path, monkeypatch):
    import kgbuild.extract as extract_mod
    from kgbuild.pipeline import RunStats, resolved_extractions

    real = extract_mod.doc_to_extraction

    def picky(doc, paper):
        if "LoRA" in paper.title:
            raise ValueError("an unforeseen bug")
        return real(doc, paper)

    monkeypatch.setattr(extract_mod, "doc_to_extraction", picky)
    stats = RunStats()
    out = list(resolved_extractions(TINY, stats=stats))
    assert [x.paper.id for x in out] == ["tiny-lst", "tiny-rasat"]
    assert stats.rejected == 1
    [r] = stats.rejects
    assert (Path(r.file).name, r.line) == ("tiny.jsonl", 2)
    assert r.reason == "extraction failed: ValueError: an unforeseen bug"


def test_spill_file_has_no_name_while_running(tmp_path, monkeypatch):
    """Even a kill -9 mid-run leaves no /tmp/kgbuild-spill-*: the spill file is anonymous."""
    spill_dir = tmp_path / "tmp"
    spill_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_dir))
    from kgbuild.pipeline import RunStats, resolved_extractions

    it = resolved_extractions(TINY, stats=RunStats())
    next(it)  # pass 1 done, spill open
    assert os.listdir(spill_dir) == []
    it.close()
