"""Check gold records against their paper texts (the rules of eval/ANNOTATION.md §5).

    python eval/check_gold.py GOLD.jsonl PAPERS.jsonl     # papers: id, title, abstract, ...

Prints one line per problem (paper id and what is wrong) and exits 1 if there is any. Used by
annotators while writing the development gold and by tests/test_gold.py.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

KEYS = ["paper_id", "title", "entities", "proposes", "results", "comparisons"]
ENTITY_TYPES = {"Method", "Model", "Dataset", "Task", "Metric"}
RELATIONS = {"outperforms", "comparable", "underperforms"}
UNITS = {"%", "x", None}


def match_key(text: str) -> str:
    """The schema's key (same as kgbuild.normalize.match_key): NFKD, case-folded, letters and digits."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return "".join(ch for ch in folded.casefold() if ch.isalnum())


def check_record(rec: dict, text: str | None) -> list[str]:
    """Every problem of one gold record; ``text`` is title + newline + abstract (or None)."""
    problems: list[str] = []
    if list(rec) != KEYS:
        return [f"keys must be {KEYS} in that order, got {list(rec)}"]
    text_key = match_key(text) if text is not None else None
    owner: dict[str, dict] = {}
    for e in rec["entities"]:
        if set(e) != {"type", "name", "aliases"} or e.get("type") not in ENTITY_TYPES:
            problems.append(f"bad entity {e}")
            continue
        if not isinstance(e["name"], str) or not e["name"] or e["name"].strip() != e["name"]:
            problems.append(f"bad entity name {e}")
            continue
        if text_key is not None:
            for alias in e["aliases"]:
                if match_key(alias) not in text_key:
                    problems.append(f"alias {alias!r} of {e['name']!r} does not occur in the text")
            if not (any(match_key(f) in text_key for f in e["aliases"]) or all(
                    match_key(w) in text_key for w in re.split(r"[\s/,-]+", e["name"]) if match_key(w))):
                problems.append(f"no form of {e['name']!r} occurs in the text")
        for form in [e["name"], *e["aliases"]]:
            k = match_key(form)
            if not k:
                problems.append(f"empty key: {form!r}")
            elif k in owner and owner[k] is not e:
                problems.append(f"{form!r} names two entities")
            owner[k] = e

    def entity(name, types, what):
        e = owner.get(match_key(name)) if isinstance(name, str) and name else None
        if e is None:
            problems.append(f"{what} {name!r} is not an entity name or alias of this record")
        elif e["type"] not in types:
            problems.append(f"{what} {name!r} is a {e['type']}, expected one of {sorted(types)}")

    keys = [match_key(p) for p in rec["proposes"]]
    if len(set(keys)) != len(keys):
        problems.append("duplicate proposal")
    for p in rec["proposes"]:
        entity(p, {"Method", "Model"}, "proposal")
    for r in rec["results"]:
        if set(r) != {"subject", "dataset", "metric", "value", "unit"}:
            problems.append(f"bad result keys {r}")
            continue
        entity(r["subject"], {"Method", "Model"}, "result subject")
        if r["dataset"] is not None:
            entity(r["dataset"], {"Dataset"}, "result dataset")
        if not (r["metric"] is None or (isinstance(r["metric"], str) and r["metric"])):
            problems.append(f"bad metric {r}")
        if not isinstance(r["value"], (int, float)) or isinstance(r["value"], bool):
            problems.append(f"value must be a number {r}")
        if r["unit"] not in UNITS:
            problems.append(f"unit must be '%', 'x' or null {r}")
    seen = set()
    for c in rec["comparisons"]:
        if set(c) != {"subject", "relation", "object", "dataset"} or c.get("relation") not in RELATIONS:
            problems.append(f"bad comparison {c}")
            continue
        entity(c["subject"], {"Method", "Model"}, "comparison subject")
        entity(c["object"], {"Method", "Model"}, "comparison object")
        if match_key(c["subject"]) == match_key(c["object"]):
            problems.append(f"subject equals object {c}")
        triple = (match_key(c["subject"]), c["relation"], match_key(c["object"]))
        if triple in seen:
            problems.append(f"(subject, relation, object) listed twice {c}")
        seen.add(triple)
        if c["dataset"] is not None:
            entity(c["dataset"], {"Dataset"}, "comparison dataset")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    gold_path, papers_path = map(Path, argv)
    papers = {}
    for line in papers_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            papers[p["id"]] = p
    bad = 0
    for lineno, line in enumerate(gold_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        paper = papers.get(rec.get("paper_id"))
        problems = [] if paper else [f"no paper with id {rec.get('paper_id')!r} in {papers_path}"]
        if paper and rec.get("title") != paper["title"]:
            problems.append("title differs from the paper's title")
        problems += check_record(rec, paper["title"] + "\n" + paper["abstract"] if paper else None)
        for p in problems:
            print(f"{gold_path}:{lineno} {rec.get('paper_id')}: {p}")
        bad += bool(problems)
    print(f"{bad} record(s) with problems", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
