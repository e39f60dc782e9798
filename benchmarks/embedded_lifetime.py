"""Embedded store over many builds: start-up time and on-disk size must stay flat.

Issue 11 found the append-only file never rewritten: every start replayed all history (start
0.7 s -> 7.2 s after ~70 builds) and after ~22 fresh builds the server no longer started within
its timeout. This writes the seed corpus's graph rows N times the way ``kgbuild build --fresh``
does (open, staging graph, schema, write, swap, close) into one data dir, timing each open()
(server start + AOF load) and recording the persistence files' size.

    .venv/bin/python benchmarks/embedded_lifetime.py --builds 100
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgbuild.pipeline import RunStats, resolved_extractions  # noqa: E402
from kgbuild.read import SAMPLE_CORPUS  # noqa: E402
from kgbuild.rows import entity_rows, to_rows  # noqa: E402
from kgbuild.stores.embedded import EmbeddedStore  # noqa: E402


def seed_rows(papers: int | None):
    """GraphRows of the seed corpus (first ``papers`` of it), extracted once."""
    holder = {}
    exs = []
    for ex in resolved_extractions(SAMPLE_CORPUS, stats=RunStats(), on_resolver=lambda r: holder.setdefault("r", r)):
        exs.append(ex)
        if papers and len(exs) >= papers:
            break
    rows = entity_rows(holder["r"].entities(), holder["r"].links())
    rows.extend(to_rows(exs))
    return rows


def persisted_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file() and "appendonly" in str(p) or p.suffix == ".rdb")


def fresh_build(store: EmbeddedStore, rows) -> None:
    if hasattr(store, "begin_fresh"):
        store.begin_fresh()
    else:  # older kgbuild
        store.clear()
    store.ensure_schema()
    store.write(rows)
    if hasattr(store, "commit_fresh"):
        store.commit_fresh()


def run(builds: int, papers: int | None, data_dir: Path) -> list[tuple[int, float, int]]:
    rows = seed_rows(papers)
    out = []
    for i in range(1, builds + 1):
        store = EmbeddedStore(data_dir, start_timeout=60)
        t0 = time.perf_counter()
        store.open()
        opened = time.perf_counter() - t0
        try:
            fresh_build(store, rows)
        finally:
            store.close()
        out.append((i, opened, persisted_bytes(data_dir)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--builds", type=int, default=100)
    ap.add_argument("--papers", type=int, default=None, help="first N seed papers only (default: all)")
    ap.add_argument("--dir", type=Path, default=None, help="data dir (default: a new temporary one)")
    args = ap.parse_args()
    data_dir = args.dir or Path(tempfile.mkdtemp(prefix="kgbuild-lifetime-")) / "falkordb"
    res = run(args.builds, args.papers, data_dir)
    first = [t for _, t, _ in res[:5]]
    last = [t for _, t, _ in res[-5:]]
    for i, t, size in res:
        if i in (1, 2, 5) or i % max(1, args.builds // 10) == 0 or i == args.builds:
            print(f"build {i:4d}: open {t:6.2f} s, persistence files {size / 1e6:7.2f} MB")
    print(f"median open, first 5: {statistics.median(first):.2f} s; last 5: {statistics.median(last):.2f} s; "
          f"ratio {statistics.median(last) / max(statistics.median(first), 1e-9):.2f}")


if __name__ == "__main__":
    main()
