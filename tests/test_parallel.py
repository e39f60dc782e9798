"""--workers N: identical extraction output and identical rows as one worker; inputs as lists/globs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import kgbuild.parallel as parallel
from kgbuild.errors import ReadError
from kgbuild.pipeline import RunStats, extract_file, row_batches
from kgbuild.read import SAMPLE_CORPUS, read_papers
from kgbuild.rows import entity_rows

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 40 papers, so even a small input goes through the worker pool."""
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 40)


@pytest.fixture(scope="module")
def seed_jsonl(tmp_path_factory) -> Path:
    """The first 160 seed papers as JSON Lines."""
    path = tmp_path_factory.mktemp("seed") / "seed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(read_papers(SAMPLE_CORPUS)):
            if i == 160:
                break
            fh.write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n")
    return path


def _rows_and_entities(path, workers: int):
    stats = RunStats()
    batches = list(row_batches(path, stats=stats, workers=workers, papers_per_batch=50))
    res = stats.resolution  # exact paper counts once the batches are consumed
    return batches, entity_rows(res.entities(), res.links()), stats


@pytest.mark.slow
def test_two_workers_extract_output_identical(tmp_path, seed_jsonl, small_chunks):
    one, two = tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"
    s1 = extract_file(seed_jsonl, one, workers=1, full=True)
    s2 = extract_file(seed_jsonl, two, workers=2, full=True)
    assert one.read_bytes() == two.read_bytes()
    assert s1.papers_read == s2.papers_read == 160
    assert (s1.entities, s1.results, s1.claims) == (s2.entities, s2.results, s2.claims)


@pytest.mark.slow
def test_two_workers_rows_identical(seed_jsonl, small_chunks):
    """Same batches of rows (so the same graph) and the same entity nodes, paper counts included."""
    b1, e1, _ = _rows_and_entities(seed_jsonl, 1)
    b2, e2, _ = _rows_and_entities(seed_jsonl, 2)
    assert len(b1) == len(b2) == 4
    assert [b.nodes for b in b1] == [b.nodes for b in b2]
    assert [b.rels for b in b1] == [b.rels for b in b2]
    assert e1.nodes == e2.nodes and e1.rels == e2.rels
    assert any(r["props"]["papers"] > 1 for rows in e2.nodes.values() for r in rows)


def test_rejects_keep_file_and_line_with_workers(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 1)  # 3 good papers > 1 chunk per worker: the pool runs
    src = tmp_path / "papers.jsonl"
    lines = (FIXTURES / "tiny-bad.jsonl").read_text(encoding="utf-8").splitlines()
    lines.append(json.dumps({"id": "ok-2", "title": "QLoRA", "abstract": "We propose QLoRA. It beats LoRA on MMLU."}))
    lines.append(json.dumps({"id": "ok-3", "title": "DoRA", "abstract": "We propose DoRA."}))
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = extract_file(src, out, workers=2)
    assert stats.papers_read == 3
    assert {(r.file, r.line) for r in stats.rejects} >= {(str(src), 2), (str(src), 3), (str(src), 4)}
    assert [json.loads(x)["paper_id"] for x in out.read_text().splitlines()] == ["ok-1", "ok-2", "ok-3"]


def test_a_paper_that_makes_extraction_raise_is_a_reject_with_workers(tmp_path, monkeypatch):
    """As in one process: the paper is reported (file, line, reason), every other paper is kept."""
    import kgbuild.extract as extract_mod

    monkeypatch.setattr(parallel, "CHUNK_SIZE", 1)  # the pool runs (forked after the patch)
    real = extract_mod.doc_to_extraction

    def picky(doc, paper):
        if paper.id == "p-2":
            raise ValueError("an unforeseen bug")
        return real(doc, paper)

    monkeypatch.setattr(extract_mod, "doc_to_extraction", picky)
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps({"id": f"p-{i}", "title": f"Paper {i}", "abstract": "We propose DoRA. It beats LoRA."})
                           + "\n" for i in range(1, 6)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = extract_file(src, out, workers=2)
    assert [json.loads(x)["paper_id"] for x in out.read_text().splitlines()] == ["p-1", "p-3", "p-4", "p-5"]
    assert stats.papers_read == 4 and stats.rejected == 1
    [r] = stats.rejects
    assert (r.file, r.line) == (str(src), 2)
    assert r.reason == "extraction failed: ValueError: an unforeseen bug"


def test_many_files_and_glob(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "p1", "title": "LoRA", "abstract": "We propose LoRA."}) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"id": "p2", "title": "QLoRA", "abstract": "We propose QLoRA."}) + "\n"
                 + json.dumps({"id": "p1", "title": "Again", "abstract": "Same id as in a.jsonl."}) + "\n",
                 encoding="utf-8")
    assert parallel.expand_inputs(str(tmp_path / "*.jsonl")) == [a, b]
    rejects: list = []
    ids = [p.id for p in parallel.read_inputs([a, b], rejects=rejects)]
    assert ids == ["p1", "p2"]
    assert len(rejects) == 1 and rejects[0].file == str(b) and rejects[0].line == 2
    assert str(a) in rejects[0].reason
    with pytest.raises(ReadError, match="No input file matches"):
        parallel.expand_inputs(str(tmp_path / "*.csv"))


def test_ordered_map_keeps_order_with_bounded_window():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        got = list(parallel.ordered_map(pool, lambda x, k: x * k, range(50), window=4, args=(3,)))
    assert got == [x * 3 for x in range(50)]
