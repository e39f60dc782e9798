"""Entity spans of ``kgbuild.nlp.build_nlp()`` against SciERC (Luan et al., 2018), exact match.

SciERC is the public yardstick closest to kgbuild's entities: 100 test abstracts from AI papers,
entity spans typed Task, Method, Metric, Material, OtherScientificTerm, Generic. The data is in
the repository (``data/scierc/``, DyGIE format: token lists per sentence, ``ner`` spans with
document-level, inclusive token offsets; see ``data/scierc/README.md``).

How the comparison is made, and why it is only a yardstick:

* The tokens of a document are joined with single spaces (PTB escapes such as ``-LRB-`` mapped
  back to brackets) so every token has known character offsets; the text goes through the
  kgbuild pipeline and each span of ``doc.spans["entities"]`` is mapped to the tokens it covers.
* kgbuild types are mapped to SciERC's: Model -> Method, Dataset -> Material, Method/Task/Metric
  unchanged. kgbuild annotates *named* things (LoRA, GLUE, BLEU); SciERC annotates every
  scientific noun phrase ("a statistical approach", "this task"), so recall is bounded by design.
* Precision/recall/F1 are exact-span and exact-type, per type and micro over the four types
  kgbuild can produce. The "all six types" row adds Generic and OtherScientificTerm to the gold
  set (kgbuild never predicts them); that is the setting of the published figures, which come
  from supervised models trained on SciERC's 350 training abstracts: SciIE 64.2, DyGIE++ 68.6,
  PURE 69.5, PL-Marker 69.9 (entity F1, test split). kgbuild is not trained on SciERC. A
  perfect four-type predictor would score 70.7 F1 there (recall 54.7%, test split): the ceiling.
* "span only" ignores the type (four-type gold spans vs all predicted spans), to separate
  boundary errors from typing errors; "overlap, typed" counts a prediction overlapping a gold
  span of its type (tp column = gold spans found), since SciERC marks maximal noun phrases
  ("statistical machine translation ( MT )") where kgbuild marks the name inside.

Examples::

    .venv/bin/python benchmarks/scierc.py
    .venv/bin/python benchmarks/scierc.py --split dev --json
    .venv/bin/python benchmarks/scierc.py --errors 20
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data" / "scierc"

PTB_ESCAPES = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
               "``": '"', "''": '"'}
TYPE_MAP = {"Method": "Method", "Model": "Method", "Task": "Task", "Metric": "Metric",
            "Dataset": "Material"}
FOUR = ("Method", "Task", "Metric", "Material")
SIX = (*FOUR, "OtherScientificTerm", "Generic")
PUBLISHED = (("SciIE (Luan et al. 2018)", 64.2), ("DyGIE++ (Wadden et al. 2019)", 68.6),
             ("PURE (Zhong & Chen 2021)", 69.5), ("PL-Marker (Ye et al. 2022)", 69.9))

Span = tuple[str, int, int, str]  # doc_key, first token, last token (inclusive), type


@dataclass
class DocText:
    """A SciERC document rendered as text, with each token's character offsets."""

    key: str
    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)


def load_docs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def render(doc: dict) -> DocText:
    """Join the document's tokens with spaces, unescaping PTB brackets, keeping offsets."""
    out = DocText(key=doc["doc_key"], text="")
    parts: list[str] = []
    pos = 0
    for sentence in doc["sentences"]:
        for tok in sentence:
            tok = PTB_ESCAPES.get(tok, tok)
            if parts:
                parts.append(" ")
                pos += 1
            out.starts.append(pos)
            parts.append(tok)
            pos += len(tok)
            out.ends.append(pos)
    out.text = "".join(parts)
    return out


def gold_spans(doc: dict, types: tuple[str, ...]) -> set[Span]:
    return {(doc["doc_key"], s, e, t) for sent in doc["ner"] for s, e, t in sent if t in types}


def char_to_tokens(dt: DocText, start_char: int, end_char: int) -> tuple[int, int] | None:
    """Tokens covered by a character span (any overlap), or None when it covers no token."""
    covered = [i for i, (s, e) in enumerate(zip(dt.starts, dt.ends)) if s < end_char and e > start_char]
    return (covered[0], covered[-1]) if covered else None


def predict(nlp, docs: list[DocText]) -> set[Span]:
    """kgbuild entity spans, typed in SciERC's scheme."""
    pred: set[Span] = set()
    for dt, sdoc in zip(docs, nlp.pipe(d.text for d in docs)):
        for span in sdoc.spans.get("entities", []):
            mapped = TYPE_MAP.get(span.label_)
            tokens = char_to_tokens(dt, span.start_char, span.end_char)
            if mapped and tokens:
                pred.add((dt.key, tokens[0], tokens[1], mapped))
    return pred


def prf(gold: set, pred: set) -> dict[str, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": len(gold), "pred": len(pred), "tp": tp, "precision": p, "recall": r, "f1": f}


def evaluate(raw: list[dict], pred: set[Span]) -> dict[str, dict[str, float]]:
    gold4 = set().union(*(gold_spans(d, FOUR) for d in raw))
    gold6 = set().union(*(gold_spans(d, SIX) for d in raw))
    rows = {t: prf({g for g in gold4 if g[3] == t}, {p for p in pred if p[3] == t}) for t in FOUR}
    rows["four types"] = prf(gold4, pred)
    rows["all six types"] = prf(gold6, pred)
    rows["span only"] = prf({g[:3] for g in gold4}, {p[:3] for p in pred})
    rows["overlap, typed"] = overlap(gold4, pred)
    return rows


def overlap(gold: set[Span], pred: set[Span]) -> dict[str, float]:
    """Lenient figure: a prediction counts when it overlaps a gold span of its type, a gold span
    is found when some prediction of its type overlaps it (SciERC spans are maximal noun phrases,
    "statistical machine translation ( MT )", where kgbuild marks the name inside)."""
    by_doc: dict[tuple[str, str], list[Span]] = {}
    for g in gold:
        by_doc.setdefault((g[0], g[3]), []).append(g)

    def hits(a: Span, pool: list[Span]) -> bool:
        return any(b[1] <= a[2] and b[2] >= a[1] for b in pool)

    pred_by_doc: dict[tuple[str, str], list[Span]] = {}
    for p in pred:
        pred_by_doc.setdefault((p[0], p[3]), []).append(p)
    p_ok = sum(hits(p, by_doc.get((p[0], p[3]), [])) for p in pred)
    g_ok = sum(hits(g, pred_by_doc.get((g[0], g[3]), [])) for g in gold)
    prec = p_ok / len(pred) if pred else 0.0
    rec = g_ok / len(gold) if gold else 0.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"gold": len(gold), "pred": len(pred), "tp": g_ok, "precision": prec, "recall": rec, "f1": f}


def format_table(rows: dict[str, dict[str, float]], n_docs: int, seconds: float) -> str:
    head = f"{'type':<16} {'gold':>5} {'pred':>5} {'tp':>5} {'P':>6} {'R':>6} {'F1':>6}"
    lines = [f"SciERC entities, {n_docs} documents, exact spans ({seconds:.2f}s)", head, "-" * len(head)]
    for name, r in rows.items():
        if name in ("four types", "span only"):
            lines.append("-" * len(head))
        lines.append(f"{name:<16} {r['gold']:>5} {r['pred']:>5} {r['tp']:>5} "
                     f"{100 * r['precision']:>6.1f} {100 * r['recall']:>6.1f} {100 * r['f1']:>6.1f}")
    lines.append("")
    lines.append("Published entity F1, all six types (supervised on SciERC train):")
    for name, f1 in PUBLISHED:
        lines.append(f"  {name:<30} {f1:>5.1f}")
    lines.append(f"  {'kgbuild (rules, untrained)':<30} {100 * rows['all six types']['f1']:>5.1f}")
    return "\n".join(lines)


def error_sample(raw: list[dict], docs: list[DocText], pred: set[Span], n: int) -> str:
    """The most frequent false-positive and missed surface strings (for rule authors)."""
    by_key = {d.key: d for d in docs}
    gold4 = set().union(*(gold_spans(d, FOUR) for d in raw))

    def surface(s: Span) -> str:
        dt = by_key[s[0]]
        return f"{dt.text[dt.starts[s[1]]:dt.ends[s[2]]]} [{s[3]}]"

    fp = Counter(surface(s) for s in pred - gold4)
    fn = Counter(surface(s) for s in gold4 - pred)
    lines = [f"top false positives ({sum(fp.values())}):"]
    lines += [f"  {c:>3} {s}" for s, c in fp.most_common(n)]
    lines.append(f"top misses ({sum(fn.values())}):")
    lines += [f"  {c:>3} {s}" for s, c in fn.most_common(n)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="also list the N most common errors")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from kgbuild.nlp import build_nlp  # lazy: the benchmark is importable without the pipeline

    raw = load_docs(args.data_dir / f"{args.split}.json")
    docs = [render(d) for d in raw]
    nlp = build_nlp()
    t0 = time.perf_counter()
    pred = predict(nlp, docs)
    seconds = time.perf_counter() - t0
    rows = evaluate(raw, pred)
    if args.json:
        print(json.dumps({"split": args.split, "documents": len(raw), "seconds": round(seconds, 3),
                          "scores": rows, "published_f1_six_types": dict(PUBLISHED)}, indent=2))
    else:
        print(format_table(rows, len(raw), seconds))
        if args.errors:
            print()
            print(error_sample(raw, docs, pred, args.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
