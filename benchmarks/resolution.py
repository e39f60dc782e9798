"""Measure entity resolution against gold: duplicate rate and wrong-merge rate.

Usage::

    .venv/bin/python benchmarks/resolution.py eval/gold-tune.jsonl                 # resolution only
    .venv/bin/python benchmarks/resolution.py eval/gold-tune.jsonl kgbuild/data/abstracts-seed.txt
    .venv/bin/python benchmarks/resolution.py GOLD.jsonl PRED.jsonl [--overrides resolution.json] [--json]
    .venv/bin/python benchmarks/resolution.py eval/gold-heldout.jsonl kgbuild/data/abstracts-seed.txt \
        eval/heldout-external.jsonl          # several inputs are concatenated

Each INPUT is either a corpus (``kgbuild.read`` formats; its papers with a gold record are extracted
with ``kgbuild.extract`` and then resolved) or a JSON Lines file of *unresolved* predictions
(schema records or full ``Extraction.to_dict`` records; detected by an ``entities`` key). Without
INPUT only the resolution-only figures are printed.

Two measurements:

* **resolution only** - the gold entities themselves are the input (``schema_to_extraction``), so
  extraction errors cannot hide or inflate resolution errors;
* **on predictions** - what the graph really gets: extracted entities, resolved.

* **names only** (stress) - gold entities with their aliases dropped: identity across papers must
  then come from normalisation, the lexicon and variants, never from the annotator's aliases.

Each is also computed for the *unresolved* baseline (one node per ``(type, match_key(name))``), to
show what resolution buys.

Definitions (names compare by ``match_key``, as in EXTRACTION-SCHEMA.md)
----------------------------------------------------------------------
* **Gold thing.** A gold entity's forms are its name and aliases. Gold entities of all papers that
  share a form are one real thing (union-find over forms, type-agnostic). Gold only knows identity
  through shared spellings, so two gold things may still be one real thing (paper A writes "FFT",
  paper B "full-parameter fine-tuning"): see *certain* below.
* **Match.** A (resolved) entity of paper P matches gold entity g of P when any of its name or
  aliases equals one of g's forms. Its **node** is ``(type, match_key(name))`` after resolution.
* **Duplicate rate, within papers** = gold entities matched by two or more entities of their
  paper / gold entities matched at all. ("two predicted names for one real thing in a paper")
* **Duplicate rate, across papers** = gold things whose matched mentions land on two or more
  nodes / gold things matched in two or more papers. ("two nodes for one thing across papers")
* **Wrong-merge rate** = nodes whose matched mentions belong to two or more gold things / nodes
  with any match. *Strict* counts any two gold things; *certain* counts only two gold things that
  some paper lists as separate entities (the annotator said, in one abstract, that they differ).
  Strict is an upper bound: it also counts merges the curated lexicon makes and gold cannot see
  (FFT in one paper, full-parameter fine-tuning in another); certain is a lower bound. Both are
  printed; the wrong nodes are listed so a person can judge them.

* **Near-duplicate node groups** (no gold needed) - resolved nodes of one type whose names agree
  after a crude lexical folding (case, article, trailing generic head, plural "s", "-ed"/"-ing";
  ``_loose_key``, independent of the resolver's own rules). Gold cannot see a plural/singular split
  when no paper aliases the two forms, so this lists such candidates for a person to judge.

Targets (issue "Entity resolution"): duplicates <= 2 %, wrong merges <= 1 %.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kgbuild.normalize import match_key  # noqa: E402
from kgbuild.records import Entity, Extraction  # noqa: E402
from kgbuild.resolve import Overrides, load_overrides, resolve, schema_to_extraction  # noqa: E402


class _UF:
    def __init__(self) -> None:
        self.p: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def _forms(e: dict[str, Any] | Entity) -> set[str]:
    if isinstance(e, Entity):
        names = [e.name, *e.aliases]
    else:
        names = [e["name"], *e.get("aliases", [])]
    return {k for k in (match_key(n) for n in names) if k}


def gold_things(gold: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, list[set[str]]]]:
    """(form -> thing id, paper -> forms of each gold entity)."""
    uf = _UF()
    per_paper: dict[str, list[set[str]]] = {}
    for rec in gold:
        ents = []
        for e in rec.get("entities", []):
            forms = _forms(e)
            if not forms:
                continue
            first = next(iter(sorted(forms)))
            for f in forms:
                uf.union(first, f)
            ents.append(forms)
        per_paper[rec["paper_id"]] = ents
    thing = {f: uf.find(f) for f in uf.p}
    return thing, per_paper


def measure(gold: list[dict[str, Any]], resolved: Iterable[Extraction]) -> dict[str, Any]:
    """The rates defined in the module docstring, with the offending items."""
    thing, gold_ents = gold_things(gold)
    # gold things that some paper lists as two separate entities: known distinct pairs
    distinct_pairs: set[frozenset[str]] = set()
    for ents in gold_ents.values():
        ids = sorted({thing[next(iter(f))] for f in ents})
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                distinct_pairs.add(frozenset((a, b)))
    matched = dup_within = 0
    within_examples: list[str] = []
    thing_nodes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    thing_papers: dict[str, set[str]] = defaultdict(set)
    node_things: dict[tuple[str, str], set[str]] = defaultdict(set)
    node_names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ex in resolved:
        golds = gold_ents.get(ex.paper.id)
        if golds is None:
            continue
        pred = [(e, _forms(e), (e.type, match_key(e.name))) for e in ex.entities]
        for forms in golds:
            t = thing[next(iter(forms))]
            hits = [(e, node) for e, pf, node in pred if pf & forms]
            if not hits:
                continue
            matched += 1
            thing_papers[t].add(ex.paper.id)
            if len(hits) > 1:
                dup_within += 1
                within_examples.append(f"{ex.paper.id}: {' | '.join(e.name for e, _ in hits)}")
            for e, node in hits:
                thing_nodes[t].add(node)
                node_things[node].add(t)
                node_names[node].add(e.name)
    multi = [t for t, ps in thing_papers.items() if len(ps) > 1]
    split = sorted(t for t in multi if len(thing_nodes[t]) > 1)
    strict = sorted(n for n, ts in node_things.items() if len(ts) > 1)
    certain = sorted(n for n in strict if any(frozenset((a, b)) in distinct_pairs
                                                for a in node_things[n] for b in node_things[n] if a < b))

    def rate(n: int, d: int) -> float:
        return round(100.0 * n / d, 2) if d else 0.0

    return {
        "gold_entities_matched": matched,
        "duplicate_within_pct": rate(dup_within, matched), "duplicate_within": dup_within,
        "things_in_2plus_papers": len(multi),
        "duplicate_across_pct": rate(len(split), len(multi)), "duplicate_across": len(split),
        "nodes_matched": len(node_things),
        "wrong_merge_certain_pct": rate(len(certain), len(node_things)), "wrong_merge_certain": len(certain),
        "wrong_merge_strict_pct": rate(len(strict), len(node_things)), "wrong_merge_strict": len(strict),
        "examples": {
            "duplicate_within": within_examples[:20],
            "duplicate_across": [sorted(f"{t}:{k}" for t, k in thing_nodes[t]) for t in split[:20]],
            "wrong_merge_certain": [f"{n[0]}:{n[1]} <- {sorted(node_names[n])}" for n in certain[:20]],
            "wrong_merge_strict": [f"{n[0]}:{n[1]} <- {sorted(node_names[n])}" for n in strict[:30]],
        },
    }


_LOOSE_HEAD = re.compile(r"[\s\-]+(?:methods?|approach(?:es)?|frameworks?|techniques?|modules?|layers?|"
                         r"models?|strateg(?:y|ies)|mechanisms?|benchmarks?|datasets?|tasks?)$")


def _loose_key(name: str) -> str:
    """A deliberately crude lexical key, independent of ``kgbuild.resolve``'s rules: lower case, no
    leading article, no trailing generic head, no plural "s"/"ies", "-ed" read as "-ing"."""
    k = re.sub(r"^(?:the|a|an)\s+", "", name.strip().lower())
    if " " in k or "-" in k:
        k = _LOOSE_HEAD.sub("", k)
    k = match_key(k)
    if k.endswith("ies"):
        k = k[:-3] + "y"
    elif k.endswith("ed") and len(k) > 5:
        k = k[:-2] + "ing"
    elif k.endswith("s") and not k.endswith(("ss", "us", "is")) and len(k) > 3:
        k = k[:-1]
    return k


def near_duplicates(resolved: Iterable[Extraction], paper_ids: set[str] | None = None) -> list[list[str]]:
    """Groups of two or more resolved nodes of one type whose names share ``_loose_key``.

    Gold only links papers through shared spellings, so a plural/singular or "X modules"/"X" split
    across papers is invisible to the duplicate rate; this lexical check lists such candidates for
    a person to judge (some are true distinctions: "Transformers" the library).
    """
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ex in resolved:
        if paper_ids is not None and ex.paper.id not in paper_ids:
            continue
        for e in ex.entities:
            k = _loose_key(e.name)
            if k:
                groups[(e.type, k)].add(e.name)
    out = []
    for (etype, _), names in sorted(groups.items()):
        if len({match_key(n) for n in names}) > 1:
            out.append([f"{etype}:{n}" for n in sorted(names)])
    return out


def _unresolved(extractions: list[Extraction]) -> list[Extraction]:
    """Baseline: no resolution at all (each name its own node)."""
    return extractions


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _predictions(path: Path, gold_ids: set[str]) -> tuple[list[Extraction], str]:
    if path.suffix == ".jsonl":
        first = path.read_text(encoding="utf-8").lstrip().split("\n", 1)[0]
        if first and "entities" in json.loads(first):
            recs = _read_jsonl(path)
            out = [Extraction.from_dict(r) if "paper" in r else schema_to_extraction(r, rule="pred") for r in recs]
            return [ex for ex in out if ex.paper.id in gold_ids], f"predictions from {path}"
    try:
        from kgbuild.extract import extract_papers
        from kgbuild.read import read_papers
    except ImportError as exc:  # extraction not written yet
        raise SystemExit(f"cannot extract {path}: {exc}") from exc
    papers = [p for p in read_papers(path, rejects=[]) if p.id in gold_ids]
    return list(extract_papers(papers)), f"kgbuild.extract on {path}"


def _line(label: str, m: dict[str, Any]) -> str:
    return (f"{label:<34} dup within {m['duplicate_within_pct']:5.2f}% ({m['duplicate_within']}/{m['gold_entities_matched']})"
            f"  dup across {m['duplicate_across_pct']:5.2f}% ({m['duplicate_across']}/{m['things_in_2plus_papers']})"
            f"  wrong merge certain {m['wrong_merge_certain_pct']:4.2f}% ({m['wrong_merge_certain']}/{m['nodes_matched']})"
            f" strict {m['wrong_merge_strict_pct']:4.2f}% ({m['wrong_merge_strict']})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("input", type=Path, nargs="*", help="corpus file(s) or prediction JSONL file(s)")
    ap.add_argument("--overrides", type=Path, default=None)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--examples", action="store_true", help="list the offending items")
    args = ap.parse_args(argv)
    gold = _read_jsonl(args.gold)
    overrides: Overrides | None = load_overrides(args.overrides) if args.overrides else None
    report: dict[str, Any] = {"gold": str(args.gold), "papers": len(gold)}
    t0 = time.perf_counter()
    gold_ex = [schema_to_extraction(r) for r in gold]
    resolved, _ = resolve(gold_ex, overrides=overrides)
    report["resolution_only"] = measure(gold, resolved)
    report["resolution_only_unresolved"] = measure(gold, _unresolved(gold_ex))
    # stress: the same gold entities with every alias dropped, so identity across papers must come
    # from normalisation, the lexicon and other papers' definitions, not from the annotator
    bare = [schema_to_extraction({**r, "entities": [{**e, "aliases": []} for e in r.get("entities", [])]})
            for r in gold]
    report["names_only"] = measure(gold, resolve(bare, overrides=overrides)[0])
    report["names_only_unresolved"] = measure(gold, bare)
    if args.input:
        preds, sources = [], []
        for path in args.input:
            got, source = _predictions(path, {r["paper_id"] for r in gold})
            preds.extend(got)
            sources.append(source)
        report["predictions_source"] = "; ".join(sources)
        resolved_pred, _ = resolve(preds, overrides=overrides)
        report["predicted"] = measure(gold, resolved_pred)
        report["predicted_unresolved"] = measure(gold, _unresolved(preds))
        report["near_duplicates_predicted"] = near_duplicates(resolved_pred)
        report["near_duplicates_predicted_unresolved"] = near_duplicates(preds)
    report["near_duplicates_gold"] = near_duplicates(resolved)
    report["near_duplicates_gold_unresolved"] = near_duplicates(gold_ex)
    report["seconds"] = round(time.perf_counter() - t0, 2)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    print(f"gold: {args.gold} ({len(gold)} papers)   targets: duplicates <= 2%, wrong merges <= 1%")
    for key, label in (("resolution_only", "gold entities, resolved"),
                       ("resolution_only_unresolved", "gold entities, unresolved"),
                       ("names_only", "gold names (no aliases), resolved"),
                       ("names_only_unresolved", "gold names (no aliases), unresolved"),
                       ("predicted", "predictions, resolved"), ("predicted_unresolved", "predictions, unresolved")):
        if key in report:
            print(_line(label, report[key]))
            if args.examples and not key.endswith("unresolved"):
                for kind, items in report[key]["examples"].items():
                    for item in items:
                        print(f"    {kind}: {item}")
    for key, label in (("gold", "gold entities"), ("predicted", "predictions")):
        if f"near_duplicates_{key}" in report:
            groups = report[f"near_duplicates_{key}"]
            print(f"near-duplicate node groups ({label}; lexical check, not gold): resolved {len(groups)}, "
                  f"unresolved {len(report[f'near_duplicates_{key}_unresolved'])}")
            if args.examples:
                for g in groups[:20]:
                    print(f"    near_duplicate: {' | '.join(g)}")
    if "predictions_source" in report:
        print(f"predictions: {report['predictions_source']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
