"""Inter-annotator agreement on the doubly annotated development papers: the ceiling to compare
kgbuild's scores with.

    python eval/agreement.py            # table per category
    python eval/agreement.py --json

``eval/dev/annotated/second-annotator.gold.jsonl`` was written by a second annotator, blind to the
first annotation (``eval/dev/annotated/gold-*.jsonl``), for 30 papers chosen by a hash of their id
(10 per batch). Agreement is the F1 of one annotation scored against the other with the very rules
``kgbuild eval`` uses, in both directions (the scorer compares a predicted name with the gold
name and aliases, so the two directions can differ slightly); F1 is reported per direction and
averaged.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgbuild.evaluate import CATEGORIES, load_jsonl, score  # noqa: E402

ANNOTATED = ROOT / "eval" / "dev" / "annotated"


def agreement() -> dict:
    second = load_jsonl(ANNOTATED / "second-annotator.gold.jsonl")
    ids = {r["paper_id"] for r in second}
    first = [r for path in sorted(ANNOTATED.glob("gold-*.jsonl")) for r in load_jsonl(path) if r["paper_id"] in ids]
    if len(first) != len(second):
        raise SystemExit(f"first annotation has {len(first)} of the {len(second)} doubly annotated papers")
    a, b = score(first, second), score(second, first)
    out = {"papers": len(second), "categories": {}}
    for cat in CATEGORIES:
        if cat not in a.counts:
            continue
        f_ab, f_ba = a[cat].f1, b[cat].f1
        out["categories"][cat] = {"first_as_gold": round(f_ab, 3), "second_as_gold": round(f_ba, 3),
                                  "f1": round((f_ab + f_ba) / 2, 3),
                                  "items_first": a[cat].tp + a[cat].fn, "items_second": a[cat].tp + a[cat].fp}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description="inter-annotator agreement on the doubly annotated papers")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = agreement()
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"papers annotated twice: {res['papers']}")
    print(f"{'category':<12} {'F1':>6} {'A→B':>6} {'B→A':>6} {'items A':>8} {'items B':>8}")
    for cat, r in res["categories"].items():
        print(f"{cat:<12} {r['f1']:>6.3f} {r['first_as_gold']:>6.3f} {r['second_as_gold']:>6.3f} "
              f"{r['items_first']:>8} {r['items_second']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
