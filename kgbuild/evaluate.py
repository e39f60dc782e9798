"""Score extraction records against gold records (the rules of ``docs/EXTRACTION-SCHEMA.md``).

Both sides are schema records (plain dicts, one per paper). The rules, and the choices the schema
leaves open, made once here:

* Strings are compared by ``normalize.match_key`` (case-folded, letters and digits only).
* Papers are paired by ``paper_id``, falling back to ``match_key(title)``. A gold paper without a
  prediction counts all its items as misses; predicted papers absent from gold are not scored
  (listed in ``Scores.unscored``).
* **Entities** are scored per type (Method, Model, Dataset, Task, Metric) and micro-averaged over
  the five. A predicted entity matches a gold entity of the *same type* whose name or any alias
  equals the predicted ``name`` (predicted aliases are not compared: the schema matches names).
  A predicted entity of the wrong type is a false positive of its own type and leaves the gold
  entity missed. A second predicted entity naming a gold entity already matched is a false
  positive (a duplicate node: an entity-resolution miss).
* **proposes**: a predicted name matches a gold proposal when it equals the gold name or an alias
  of the gold entity with that name.
* **results** match on subject, value (``|diff| <= 0.051``) and, where gold gives one, dataset.
  Metric and unit are not compared (the schema does not ask it). Subject and dataset are
  alias-aware through the gold paper's entities: a predicted subject equal to any alias of the
  gold subject's entity matches.
* **comparisons** match on subject, relation and object (alias-aware likewise); the dataset is not
  compared.
* Matching is one-to-one and greedy in record order, so it is deterministic. Results are paired in
  two passes (identical dataset first, then gold-null-dataset as don't-care) so a prediction with
  a dataset does not steal a "don't care" gold item from a stricter one.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgbuild.errors import ReadError
from kgbuild.jsonl import read_jsonl_objects
from kgbuild.normalize import match_key

ENTITY_TYPES = ("Method", "Model", "Dataset", "Task", "Metric")
CATEGORIES = (*ENTITY_TYPES, "entities", "proposes", "results", "comparisons")
VALUE_TOLERANCE = 0.051


@dataclass
class Counts:
    """True positives, false positives and misses of one category, with P/R/F1 derived."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class ErrorItem:
    """One scoring error: ``kind`` is "fp" (spurious prediction) or "fn" (missed gold item)."""

    category: str
    kind: str
    item: dict[str, Any]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "kind": self.kind, "item": self.item, "reason": self.reason}

    def describe(self) -> str:
        return f"{self.kind.upper()} {self.category:<11} {_show(self.item)}  <- {self.reason}"


@dataclass
class Scores:
    """Counts per category (the five entity types, "entities" micro, proposes, results,
    comparisons), errors per gold paper id, and the bookkeeping of paper pairing."""

    counts: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in CATEGORIES})
    errors: dict[str, list[ErrorItem]] = field(default_factory=dict)
    papers: int = 0
    missing: list[str] = field(default_factory=list)  # gold paper ids without a prediction
    unscored: list[str] = field(default_factory=list)  # predicted paper ids absent from gold

    def __getitem__(self, category: str) -> Counts:
        return self.counts[category]

    def to_dict(self) -> dict[str, Any]:
        return {
            "papers": self.papers,
            "missing": list(self.missing),
            "unscored": list(self.unscored),
            "scores": {c: n.to_dict() for c, n in self.counts.items()},
            "errors": {pid: [e.to_dict() for e in errs] for pid, errs in self.errors.items()},
        }

    def to_json(self, **kw: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kw)


# --------------------------------------------------------------------------- loading
def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read one JSON object per non-blank line; a bad line is an error (gold must be exact)."""
    return read_jsonl_objects(path, error=ReadError, what="gold file")


# --------------------------------------------------------------------------- gold lookups
class _GoldIndex:
    """Alias expansion through one gold paper's entities."""

    def __init__(self, entities: list[dict[str, Any]]):
        self.entities = entities
        self.keysets = [_entity_keys(e) for e in entities]

    def expand(self, name: str | None) -> set[str]:
        """All keys that denote the same thing as ``name`` in this paper (itself included)."""
        if name is None:
            return set()
        k = match_key(name)
        keys = {k}
        for ks in self.keysets:
            if k in ks:
                keys |= ks
        return keys


def _entity_keys(entity: dict[str, Any]) -> set[str]:
    keys = {match_key(entity.get("name") or "")}
    keys.update(match_key(a) for a in entity.get("aliases") or [])
    keys.discard("")
    return keys


def _show(item: dict[str, Any]) -> str:
    if "type" in item:
        return f"{item.get('name')!r}"
    if "relation" in item:
        ds = f" [{item['dataset']}]" if item.get("dataset") else ""
        return f"{item.get('subject')!r} {item.get('relation')} {item.get('object')!r}{ds}"
    if "value" in item:
        parts = [repr(item.get("subject")), f"{item.get('value')}{item.get('unit') or ''}"]
        if item.get("metric"):
            parts.append(str(item["metric"]))
        if item.get("dataset"):
            parts.append(f"on {item['dataset']}")
        return " ".join(parts)
    return repr(item.get("name"))


# --------------------------------------------------------------------------- per category
def _score_entities(gold: list[dict], pred: list[dict], counts: dict[str, Counts],
                    errors: list[ErrorItem]) -> None:
    keysets = [_entity_keys(g) for g in gold]
    matched = [False] * len(gold)
    for p in pred:
        ptype, pkey = p.get("type"), match_key(p.get("name") or "")
        if ptype not in ENTITY_TYPES:
            ptype = str(ptype)
            counts.setdefault(ptype, Counts())
        cands = [i for i, g in enumerate(gold) if g.get("type") == ptype and pkey in keysets[i]]
        free = [i for i in cands if not matched[i]]
        item = {"type": ptype, "name": p.get("name")}
        if free:
            matched[free[0]] = True
            counts[ptype].tp += 1
            continue
        counts[ptype].fp += 1
        if cands:
            reason = f"duplicate of gold {gold[cands[0]]['name']!r} (entity-resolution miss)"
        else:
            other = [g for i, g in enumerate(gold) if pkey in keysets[i]]
            reason = (f"wrong type: gold has {other[0]['name']!r} as {other[0]['type']}"
                      if other else "not a gold entity")
        errors.append(ErrorItem(ptype, "fp", item, reason))
    for i, g in enumerate(gold):
        if matched[i]:
            continue
        gtype = g.get("type")
        counts.setdefault(gtype, Counts()).fn += 1
        wrong = [p for p in pred if p.get("type") != gtype and match_key(p.get("name") or "") in keysets[i]]
        reason = f"predicted as {wrong[0]['type']}" if wrong else "missed"
        errors.append(ErrorItem(gtype, "fn", {"type": gtype, "name": g.get("name")}, reason))


def _one_to_one(gold: list, pred: list, passes: list[Callable[[Any, Any], bool]]) -> tuple[list[int | None], list[bool]]:
    """Greedy matching in record order; each pass only considers still-unmatched items.

    Returns, for each predicted item, the index of its gold partner (or None), and the gold
    matched flags."""
    pred_to_gold: list[int | None] = [None] * len(pred)
    gold_used = [False] * len(gold)
    for ok in passes:
        for j, p in enumerate(pred):
            if pred_to_gold[j] is not None:
                continue
            for i, g in enumerate(gold):
                if not gold_used[i] and ok(g, p):
                    gold_used[i] = True
                    pred_to_gold[j] = i
                    break
    return pred_to_gold, gold_used


def _score_proposes(gold: list, pred: list, index: _GoldIndex, counts: Counts,
                    errors: list[ErrorItem]) -> None:
    gold_keys = [index.expand(g) for g in gold]
    gold_names = list(gold)

    def ok(i_g: int, p: str) -> bool:
        return match_key(p or "") in gold_keys[i_g]

    p2g, used = _one_to_one(list(range(len(gold))), list(pred), [ok])
    for p, gi in zip(pred, p2g):
        if gi is not None:
            counts.tp += 1
        else:
            counts.fp += 1
            dup = any(match_key(p or "") in ks for ks in gold_keys)
            errors.append(ErrorItem("proposes", "fp", {"name": p},
                                    "duplicate proposal" if dup else "not proposed in gold"))
    for g, u in zip(gold_names, used):
        if not u:
            counts.fn += 1
            errors.append(ErrorItem("proposes", "fn", {"name": g}, "missed"))


def _value(x: Any) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _value_ok(g: dict, p: dict) -> bool:
    gv, pv = _value(g.get("value")), _value(p.get("value"))
    return gv is not None and pv is not None and abs(gv - pv) <= VALUE_TOLERANCE


def _score_results(gold: list[dict], pred: list[dict], index: _GoldIndex, counts: Counts,
                   errors: list[ErrorItem]) -> None:
    subj = [index.expand(g.get("subject")) for g in gold]
    dset = [index.expand(g.get("dataset")) if g.get("dataset") else None for g in gold]
    pos = {id(g): i for i, g in enumerate(gold)}

    def subject_ok(g: dict, p: dict) -> bool:
        return p.get("subject") is not None and match_key(p["subject"]) in subj[pos[id(g)]]

    def dataset_same(g: dict, p: dict) -> bool:
        ds = dset[pos[id(g)]]
        if ds is None:
            return not p.get("dataset")
        return bool(p.get("dataset")) and match_key(p["dataset"]) in ds

    def strict(g: dict, p: dict) -> bool:
        return subject_ok(g, p) and _value_ok(g, p) and dataset_same(g, p)

    def relaxed(g: dict, p: dict) -> bool:
        return subject_ok(g, p) and _value_ok(g, p) and (dset[pos[id(g)]] is None or dataset_same(g, p))

    p2g, used = _one_to_one(gold, pred, [strict, relaxed])
    for p, gi in zip(pred, p2g):
        if gi is not None:
            counts.tp += 1
            continue
        counts.fp += 1
        errors.append(ErrorItem("results", "fp", _result_item(p), _result_reason(p, gold, subject_ok, dataset_same)))
    for g, u in zip(gold, used):
        if not u:
            counts.fn += 1
            errors.append(ErrorItem("results", "fn", _result_item(g), "missed"))


def _result_item(r: dict) -> dict[str, Any]:
    return {k: r.get(k) for k in ("subject", "dataset", "metric", "value", "unit")}


def _result_reason(p: dict, gold: list[dict], subject_ok: Callable, dataset_same: Callable) -> str:
    same_value = [g for g in gold if _value_ok(g, p)]
    if not same_value:
        near = [g for g in gold if subject_ok(g, p)]
        if near:
            return "value not in gold for this subject (gold: " + ", ".join(str(g.get("value")) for g in near) + ")"
        return "no gold result with this value"
    if not any(subject_ok(g, p) for g in same_value):
        return f"wrong subject (gold: {same_value[0].get('subject')!r})"
    if not any(subject_ok(g, p) and (not g.get("dataset") or dataset_same(g, p)) for g in same_value):
        return f"wrong dataset (gold: {same_value[0].get('dataset')!r})"
    return "duplicate of a result already matched"


def _score_comparisons(gold: list[dict], pred: list[dict], index: _GoldIndex, counts: Counts,
                       errors: list[ErrorItem]) -> None:
    subj = [index.expand(g.get("subject")) for g in gold]
    obj = [index.expand(g.get("object")) for g in gold]
    pos = {id(g): i for i, g in enumerate(gold)}

    def ends_ok(g: dict, p: dict) -> bool:
        i = pos[id(g)]
        return match_key(p.get("subject") or "") in subj[i] and match_key(p.get("object") or "") in obj[i]

    def ok(g: dict, p: dict) -> bool:
        return ends_ok(g, p) and match_key(g.get("relation") or "") == match_key(p.get("relation") or "")

    p2g, used = _one_to_one(gold, pred, [ok])
    for p, gi in zip(pred, p2g):
        if gi is not None:
            counts.tp += 1
            continue
        counts.fp += 1
        same_ends = [g for g in gold if ends_ok(g, p)]
        if same_ends and not any(ok(g, p) for g in same_ends):
            reason = f"wrong relation (gold: {same_ends[0].get('relation')})"
        elif same_ends:
            reason = "duplicate of a comparison already matched"
        elif any(match_key(p.get("object") or "") in subj[i] and match_key(p.get("subject") or "") in obj[i]
                 for i in range(len(gold))):
            reason = "subject and object swapped"
        else:
            reason = "not a gold comparison"
        item = {k: p.get(k) for k in ("subject", "relation", "object", "dataset")}
        errors.append(ErrorItem("comparisons", "fp", item, reason))
    for g, u in zip(gold, used):
        if not u:
            counts.fn += 1
            item = {k: g.get(k) for k in ("subject", "relation", "object", "dataset")}
            errors.append(ErrorItem("comparisons", "fn", item, "missed"))


# --------------------------------------------------------------------------- public API
def score(gold: Iterable[dict[str, Any]], pred: Iterable[dict[str, Any]]) -> Scores:
    """Score predicted records against gold records (see the module docstring for the rules)."""
    gold = list(gold)
    pred = list(pred)
    by_id: dict[str, dict] = {}
    by_title: dict[str, dict] = {}
    for p in pred:
        if p.get("paper_id") is not None:
            by_id.setdefault(str(p["paper_id"]), p)
        if p.get("title"):
            by_title.setdefault(match_key(p["title"]), p)
    scores = Scores()
    used: set[int] = set()
    for g in gold:
        gid = str(g.get("paper_id"))
        p = by_id.get(gid)
        if p is None and g.get("title"):
            p = by_title.get(match_key(g["title"]))
        scores.papers += 1
        if p is None:
            scores.missing.append(gid)
            p = {}
        else:
            used.add(id(p))
        errs: list[ErrorItem] = []
        index = _GoldIndex(g.get("entities") or [])
        paper_counts: dict[str, Counts] = {t: Counts() for t in ENTITY_TYPES}
        _score_entities(g.get("entities") or [], p.get("entities") or [], paper_counts, errs)
        for t, c in paper_counts.items():
            scores.counts.setdefault(t, Counts()).add(c)
            scores.counts["entities"].add(c)  # an unknown predicted type still costs precision
        _score_proposes(g.get("proposes") or [], p.get("proposes") or [], index, scores.counts["proposes"], errs)
        _score_results(g.get("results") or [], p.get("results") or [], index, scores.counts["results"], errs)
        _score_comparisons(g.get("comparisons") or [], p.get("comparisons") or [], index,
                           scores.counts["comparisons"], errs)
        if gid in scores.missing:
            for e in errs:
                e.reason = "no prediction for this paper"
        if errs:
            scores.errors[gid] = errs
    scores.unscored = [str(p.get("paper_id")) for p in pred if id(p) not in used]
    return scores


def format_scores(scores: Scores, show_errors: bool = False) -> str:
    """A plain-text table (one row per category); with ``show_errors``, the errors per paper."""
    head = f"{'category':<12} {'tp':>5} {'fp':>5} {'fn':>5} {'P':>7} {'R':>7} {'F1':>7}"
    lines = [f"papers scored: {scores.papers}" + (f" (no prediction for {len(scores.missing)})" if scores.missing else ""),
             head, "-" * len(head)]
    order = [c for c in CATEGORIES if c in scores.counts] + [c for c in scores.counts if c not in CATEGORIES]
    for c in order:
        n = scores.counts[c]
        if c == "entities":
            lines.append("-" * len(head))
        lines.append(f"{c:<12} {n.tp:>5} {n.fp:>5} {n.fn:>5} {n.precision:>7.3f} {n.recall:>7.3f} {n.f1:>7.3f}")
        if c == "entities":
            lines.append("-" * len(head))
    if show_errors:
        for pid, errs in scores.errors.items():
            lines.append("")
            lines.append(f"== {pid}")
            lines.extend("  " + e.describe() for e in errs)
    return "\n".join(lines)


def evaluate_file(gold_path: str | Path, input_path: str | Path, *, show_errors: bool = False,
                  resolve: bool = True, quiet: bool = True) -> Scores:
    """Score what ``kgbuild extract INPUT`` would emit against the gold records of ``gold_path``.

    The whole INPUT goes through the pipeline (extraction, then corpus-level resolution, as
    ``kgbuild extract`` does), and only papers present in both gold and INPUT are scored: one gold
    file may cover several inputs (the held-back set spans the seed corpus and an external file).
    Raises ``KgbuildError`` when no gold paper is in INPUT. ``resolve=False`` scores the raw
    per-paper extraction. ``show_errors`` is accepted for CLI symmetry; errors are always on
    ``Scores.errors``. ``quiet=False`` shows extraction progress on stderr (terminals only)."""
    from kgbuild.errors import KgbuildError
    from kgbuild.pipeline import RunStats, iter_extractions, resolved_extractions

    gold = load_jsonl(gold_path)
    ids = {str(g.get("paper_id")) for g in gold}
    titles = {match_key(g.get("title") or "") for g in gold} - {""}
    stats = RunStats()
    stream = (resolved_extractions(input_path, stats=stats, quiet=quiet) if resolve
              else iter_extractions(input_path, rejects=stats.rejects))
    pred = []
    for x in stream:
        if x.paper.id in ids or x.paper.alias in ids or match_key(x.paper.title) in titles:
            rec = x.to_schema()
            if x.paper.alias in ids:  # gold for the bundled corpus names papers by their seed-NNNN alias
                rec["paper_id"] = x.paper.alias
            pred.append(rec)
    found_ids = {p["paper_id"] for p in pred}
    found_titles = {match_key(p["title"]) for p in pred}
    gold = [g for g in gold if str(g.get("paper_id")) in found_ids or match_key(g.get("title") or "") in found_titles]
    if not gold:
        raise KgbuildError(f"None of the gold papers in {gold_path} is in {input_path}",
                           hint="gold and input are matched by paper_id, then by title")
    return score(gold, pred)
