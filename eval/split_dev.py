"""Split the development corpus (eval/dev/annotated/) into tune / validation / locked test parts.

Annotators write, per batch X, ``eval/dev/annotated/papers-X.jsonl`` (one paper per line: ``id``,
``title``, ``abstract``, ``url``, ``year``, ``area``) and ``eval/dev/annotated/gold-X.jsonl`` (one
EXTRACTION-SCHEMA record per paper, same ``paper_id``). This script assigns every paper to a part
by a hash of its id alone (so nobody chooses where a paper goes, and adding papers never moves old
ones), then writes ``eval/dev/{tune,validation,test}.papers.jsonl`` and ``….gold.jsonl``.

    python eval/split_dev.py            # rewrite the split files
    python eval/split_dev.py --check    # fail if they are not current

The rule: sha1(id) mod 10 — 0..5 tune (60%), 6..7 validation (20%), 8..9 test (20%, locked:
nobody reads its text or gold while writing rules; only ``kgbuild eval`` scores it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

DEV = Path(__file__).resolve().parent / "dev"
PARTS = ("tune", "validation", "test")


def part_of(paper_id: str) -> str:
    bucket = int(hashlib.sha1(paper_id.encode("utf-8")).hexdigest(), 16) % 10
    return "tune" if bucket < 6 else "validation" if bucket < 8 else "test"


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def collect() -> tuple[dict[str, dict], dict[str, dict]]:
    papers: dict[str, dict] = {}
    gold: dict[str, dict] = {}
    for path in sorted((DEV / "annotated").glob("papers-*.jsonl")):
        for rec in _read(path):
            if rec["id"] in papers:
                raise SystemExit(f"{path}: duplicate paper id {rec['id']}")
            papers[rec["id"]] = rec
    for path in sorted((DEV / "annotated").glob("gold-*.jsonl")):
        for rec in _read(path):
            if rec["paper_id"] in gold:
                raise SystemExit(f"{path}: duplicate gold record {rec['paper_id']}")
            gold[rec["paper_id"]] = rec
    return papers, gold


def render() -> dict[Path, str]:
    papers, gold = collect()
    out: dict[Path, list[str]] = {}
    for part in PARTS:
        out[DEV / f"{part}.papers.jsonl"] = []
        out[DEV / f"{part}.gold.jsonl"] = []
    for pid in sorted(gold):  # only annotated papers enter a part
        if pid not in papers:
            raise SystemExit(f"gold record {pid} has no paper text")
        part = part_of(pid)
        out[DEV / f"{part}.papers.jsonl"].append(json.dumps(papers[pid], ensure_ascii=False))
        out[DEV / f"{part}.gold.jsonl"].append(json.dumps(gold[pid], ensure_ascii=False))
    return {path: "".join(line + "\n" for line in lines) for path, lines in out.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the split files are not current")
    args = ap.parse_args()
    files = render()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(DEV.parent.parent)}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    for part in PARTS:
        n = files[DEV / f"{part}.gold.jsonl"].count("\n")
        print(f"{part}: {n} papers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
