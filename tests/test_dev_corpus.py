"""The development corpus (eval/dev/): sources kept, gold valid, split current and by hash.

The locked test part is only ever scored; these checks read the files as data, never to tune.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "dev"
sys.path.insert(0, str(ROOT / "eval"))

from check_gold import check_record  # noqa: E402
from split_dev import part_of  # noqa: E402


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


PAPERS = {p["id"]: p for path in sorted((DEV / "annotated").glob("papers-*.jsonl")) for p in _read(path)}
GOLD = [g for path in sorted((DEV / "annotated").glob("gold-*.jsonl")) for g in _read(path)]


def test_corpus_size_spread_and_sources():
    assert len(GOLD) >= 200
    areas = Counter(PAPERS[g["paper_id"]]["area"] for g in GOLD)
    assert len(areas) >= 10, areas
    for p in PAPERS.values():
        assert p["url"].startswith(("http://", "https://")), p["id"]
        assert len(p["abstract"]) > 200, p["id"]


def test_not_in_the_seed_corpus():
    from kgbuild.normalize import match_key
    from kgbuild.read import SAMPLE_CORPUS, read_papers

    seed = {match_key(p.title) for p in read_papers(SAMPLE_CORPUS)}
    assert not [p["id"] for p in PAPERS.values() if match_key(p["title"]) in seed]


@pytest.mark.parametrize("rec", GOLD, ids=lambda r: r["paper_id"])
def test_gold_record_is_valid(rec):
    paper = PAPERS[rec["paper_id"]]
    assert rec["title"] == paper["title"]
    assert check_record(rec, paper["title"] + "\n" + paper["abstract"]) == []


def test_split_files_are_current_and_follow_the_hash_rule():
    res = subprocess.run([sys.executable, str(ROOT / "eval" / "split_dev.py"), "--check"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    for part in ("tune", "validation", "test"):
        for rec in _read(DEV / f"{part}.gold.jsonl"):
            assert part_of(rec["paper_id"]) == part
    sizes = {part: len(_read(DEV / f"{part}.gold.jsonl")) for part in ("tune", "validation", "test")}
    assert sizes["test"] >= 0.15 * len(GOLD) and sizes["tune"] >= 0.5 * len(GOLD), sizes
