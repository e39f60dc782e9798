"""Incremental updates: add M new papers to a graph of N, vs building it from scratch.

    .venv/bin/python benchmarks/corpus.py 101000 -o /tmp/corpus-101k.jsonl
    .venv/bin/python benchmarks/incremental.py /tmp/corpus-101k.jsonl --base 100000 --add 1000

Builds the first N papers of CORPUS into a fresh embedded store (``--store-dir``, reused with
``--reuse`` so the increment can be re-measured), then builds the next M papers into the same
store and prints the time of each, the time spent loading/continuing the saved resolution, how
many entities the increment rewrote, and the size of the saved resolution. Both builds run in
this one process on text it has not seen before (the increment's papers are new).
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kgbuild.pipeline import build, store_state_path  # noqa: E402
from kgbuild.resolve import ResolutionBuilder, SavedState  # noqa: E402
from kgbuild.stores.embedded import EmbeddedStore  # noqa: E402


def _slice(src: Path, dst: Path, start: int, n: int) -> int:
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        k = 0
        for line in itertools.islice(fin, start, start + n):
            fout.write(line)
            k += 1
    return k


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="JSON Lines corpus (benchmarks/corpus.py)")
    ap.add_argument("--base", type=int, default=100_000, help="papers in the existing graph")
    ap.add_argument("--add", type=int, default=1_000, help="new papers added to it")
    ap.add_argument("--store-dir", type=Path, default=None, help="embedded store folder (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="the store already holds the base: only add")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kgbuild-incr-"))
    store_dir = args.store_dir or work / "falkordb"
    base_file, add_file = work / "base.jsonl", work / "add.jsonl"
    nb = _slice(args.corpus, base_file, 0, args.base)
    na = _slice(args.corpus, add_file, args.base, args.add)
    if na == 0:
        print(f"{args.corpus} has no papers after the first {args.base}", file=sys.stderr)
        return 2

    with EmbeddedStore(store_dir) as store:
        if not args.reuse:
            t0 = time.perf_counter()
            s = build(base_file, store=store, fresh=True)
            t_base = time.perf_counter() - t0
            print(f"base build: {nb:,} papers in {t_base:,.1f} s ({nb / t_base:,.0f} papers/s); "
                  f"{s.entities:,} entities")
        state = store_state_path(store)
        t0 = time.perf_counter()
        saved = SavedState.read(state)
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        ResolutionBuilder().extend(saved).build()
        t_cluster = time.perf_counter() - t0
        t0 = time.perf_counter()
        s = build(add_file, store=store)
        t_add = time.perf_counter() - t0
        print(f"increment: {na:,} new papers in {t_add:,.1f} s ({s.new_papers:,} new, incremental={s.incremental}); "
              f"of which reading the saved resolution ≈ {t_read:.1f} s and re-clustering all names ≈ {t_cluster:.1f} s")
        print(f"saved resolution: {state.stat().st_size / 1e6:,.1f} MB for {len(saved.stats.papers):,} papers, "
              f"{len(saved.stats.nodes):,} names; entities now {s.entities:,}; "
              f"{len(s.deferred)} existing entities kept where a fresh build would differ")
        if not args.reuse:
            print(f"ratio: adding {na:,} papers took {t_add / t_base:.1%} of building the {nb:,}-paper graph")
    return 0


if __name__ == "__main__":
    sys.exit(main())
