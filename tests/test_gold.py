"""Every gold file in eval/ obeys docs/EXTRACTION-SCHEMA.md and eval/ANNOTATION.md.

Gold mistakes silently distort every score, so the checks are strict: fields and types, the five
entity types and three relations, cross-references inside a record (proposes, result subjects and
datasets, comparison ends are entities of that record), surface forms present in the paper text,
and paper_id/title agreeing with the bundled seed corpus.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kgbuild.normalize import match_key

ROOT = Path(__file__).resolve().parents[1]
GOLD_FILES = sorted((ROOT / "eval").glob("gold-*.jsonl"))
SEED = ROOT / "kgbuild" / "data" / "abstracts-seed.txt"

ENTITY_TYPES = {"Method", "Model", "Dataset", "Task", "Metric"}
RELATIONS = {"outperforms", "comparable", "underperforms"}
UNITS = {"%", "x", None}
KEYS = ["paper_id", "title", "entities", "proposes", "results", "comparisons"]


def seed_corpus() -> dict[str, tuple[str, str]]:
    """paper id -> (title, abstract), parsed directly (2 chrome lines, then title/abstract pairs)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")[2:]
    out = {}
    for n in range(len(lines) // 2):
        title, abstract = lines[2 * n].strip(), lines[2 * n + 1].strip()
        if n == 0 and title.startswith("Subscribe"):
            title = title[len("Subscribe"):]
        out[f"seed-{n + 1:04d}"] = (title, abstract)
    return out


def records():
    for path in GOLD_FILES:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield pytest.param(path.name, lineno, line, id=f"{path.name}:{lineno}")


def test_gold_files_exist():
    assert any(p.name == "gold-tune.jsonl" for p in GOLD_FILES)


def test_paper_ids_unique_per_file():
    for path in GOLD_FILES:
        ids = [json.loads(l)["paper_id"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate paper_id"


def test_tune_and_heldout_do_not_overlap():
    ids: dict[str, set[str]] = {}
    for path in GOLD_FILES:
        ids[path.name] = {json.loads(l)["paper_id"] for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}
    names = list(ids)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not ids[a] & ids[b], f"{a} and {b} share papers"


_CORPUS: dict[str, tuple[str, str]] = {}


@pytest.mark.parametrize("fname,lineno,line", list(records()))
def test_gold_record(fname, lineno, line):
    if not _CORPUS:
        _CORPUS.update(seed_corpus())
    rec = json.loads(line)
    assert list(rec) == KEYS, "keys and their order"
    assert isinstance(rec["paper_id"], str) and rec["paper_id"]
    assert isinstance(rec["title"], str) and rec["title"]
    text = rec["title"]
    if rec["paper_id"].startswith("seed-"):
        assert rec["paper_id"] in _CORPUS, "unknown seed id"
        title, abstract = _CORPUS[rec["paper_id"]]
        assert rec["title"] == title, "title differs from the seed corpus"
        text = title + "\n" + abstract
    text_key = match_key(text)

    # entities
    assert isinstance(rec["entities"], list)
    owner: dict[str, dict] = {}  # match key of every name/alias -> entity
    for e in rec["entities"]:
        assert set(e) == {"type", "name", "aliases"}, e
        assert e["type"] in ENTITY_TYPES, e
        assert isinstance(e["name"], str) and e["name"].strip() == e["name"] and e["name"], e
        assert isinstance(e["aliases"], list) and all(isinstance(a, str) and a for a in e["aliases"]), e
        if rec["paper_id"].startswith("seed-"):
            # aliases are surface forms of this text; the name may be the standard form
            # ("full fine-tuning" for "fully finetuned") as long as some form is written.
            for alias in e["aliases"]:
                assert match_key(alias) in text_key, f"alias {alias!r} does not occur in the paper text"
            # a name reconstructed from a coordination ("SQuAD v1.1/v2.0" -> "SQuAD v2.0",
            # "LLaMA2-7B/13B" -> "LLaMA2-13B") is fine when each of its words is written.
            assert any(match_key(f) in text_key for f in e["aliases"]) or all(
                match_key(w) in text_key for w in re.split(r"[\s/,-]+", e["name"]) if match_key(w)), \
                f"no form of {e['name']!r} occurs in the paper text"
        for form in [e["name"], *e["aliases"]]:
            k = match_key(form)
            assert k, f"empty key: {form!r}"
            assert k not in owner or owner[k] is e, f"{form!r} names two entities"
            owner[k] = e

    def entity(name, types):
        assert isinstance(name, str) and name, name
        e = owner.get(match_key(name))
        assert e is not None, f"{name!r} is not an entity name or alias of this record"
        assert e["type"] in types, f"{name!r} is a {e['type']}, expected {sorted(types)}"

    assert isinstance(rec["proposes"], list)
    assert len({match_key(p) for p in rec["proposes"]}) == len(rec["proposes"]), "duplicate proposal"
    for p in rec["proposes"]:
        entity(p, {"Method", "Model"})

    assert isinstance(rec["results"], list)
    for r in rec["results"]:
        assert set(r) == {"subject", "dataset", "metric", "value", "unit"}, r
        entity(r["subject"], {"Method", "Model"})
        if r["dataset"] is not None:
            entity(r["dataset"], {"Dataset"})
        assert r["metric"] is None or (isinstance(r["metric"], str) and r["metric"]), r
        assert isinstance(r["value"], (int, float)) and not isinstance(r["value"], bool), r
        assert r["unit"] in UNITS, r

    assert isinstance(rec["comparisons"], list)
    for c in rec["comparisons"]:
        assert set(c) == {"subject", "relation", "object", "dataset"}, c
        assert c["relation"] in RELATIONS, c
        entity(c["subject"], {"Method", "Model"})
        entity(c["object"], {"Method", "Model"})
        assert match_key(c["subject"]) != match_key(c["object"]), c
        if c["dataset"] is not None:
            entity(c["dataset"], {"Dataset"})


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_scores_perfectly_against_itself(path):
    """The scorer's one-to-one matching must find every gold item in an identical prediction."""
    from kgbuild.evaluate import load_jsonl, score

    gold = load_jsonl(path)
    s = score(gold, gold)
    assert s.errors == {}, {pid: [e.describe() for e in errs] for pid, errs in list(s.errors.items())[:3]}
    for cat in ("entities", "proposes", "results", "comparisons"):
        assert s[cat].fp == 0 and s[cat].fn == 0
