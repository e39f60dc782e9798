"""Load benchmark: write a synthetic graph of >= 100,000 nodes and >= 200,000 relationships.

Prints rows/s (nodes + relationships written per second) for each store and batch size. The
graph uses the real model vocabulary and row shapes of ``kgbuild.rows`` (papers mentioning
methods/models/datasets, results with FOR/ON, claims between methods), generated from a fixed
seed so every run writes the same rows. The target store is CLEARED first.

    .venv/bin/python benchmarks/load.py --store both --batch-size 1000,5000,10000
    NEO4J_PASSWORD=... .venv/bin/python benchmarks/load.py --store neo4j --batch-size 10000
    .venv/bin/python benchmarks/load.py --store neo4j --neo4j-path merge,create --batch-size 10000

``--neo4j-path`` compares Neo4j's plain ``UNWIND … MERGE`` templates (``merge``) with the
new-row fast path (``create``: look up existing keys, CREATE the rest; the default) in one run,
alternating, so a busy machine affects both alike.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgbuild.errors import KgbuildError  # noqa: E402
from kgbuild.normalize import search_key  # noqa: E402
from kgbuild.records import GraphRows  # noqa: E402
from kgbuild.rows import CLAIM_TYPES  # noqa: E402


def synthetic_rows(papers: int = 20_000, seed: int = 7) -> GraphRows:
    """Per 20,000 papers: ~104k nodes and ~232k relationships (see the module docstring)."""
    rnd = random.Random(seed)
    n_methods, n_models, n_datasets = papers * 3 // 2, papers // 2, papers // 4
    rows = GraphRows()

    def ent(label: str, prefix: str, n: int) -> list[str]:
        keys = [f"{prefix}{i}" for i in range(n)]
        rows.nodes[label] = [{"key": k, "props": {"name": k.upper(), "aliases": [k + "-alias"],
                                                  "search_keys": [search_key(k), search_key(k + "-alias")],
                                                  "papers": rnd.randint(1, 50)}} for k in keys]
        return keys

    methods = ent("Method", "method", n_methods)
    models = ent("Model", "model", n_models)
    datasets = ent("Dataset", "dataset", n_datasets)
    sentence = ("We show that the proposed method outperforms strong baselines on several benchmarks "
                "while training only a small fraction of the parameters.")

    def prov(pid: str, start: int) -> dict:
        return {"paper_id": pid, "sentence": sentence, "start": start, "end": start + 11, "rule": "bench:synthetic"}

    papers_rows, results = [], []
    rels: dict[tuple[str, str, str], list[dict]] = {}

    def rel(key: tuple[str, str, str], start: str, end: str, props: dict) -> None:
        rels.setdefault(key, []).append({"start": start, "end": end, "props": props})

    for i in range(papers):
        pid = f"bench-{i:06d}"
        papers_rows.append({"key": pid, "props": {"id": pid, "title": f"Synthetic paper {i}",
                                                  "abstract": sentence * 3, "year": 2015 + i % 10,
                                                  "source": "benchmark"}})
        own = methods[i % n_methods]
        rel(("PROPOSES", "Paper", "Method"), pid, own, prov(pid, 0))
        mentioned_m = {own, *rnd.sample(methods, 2)}
        for k in sorted(mentioned_m):
            rel(("MENTIONS", "Paper", "Method"), pid, k, {**prov(pid, 5), "count": rnd.randint(1, 5)})
        model = rnd.choice(models)
        rel(("MENTIONS", "Paper", "Model"), pid, model, {**prov(pid, 20), "count": 1})
        ds = rnd.sample(datasets, 2)
        for k in ds:
            rel(("MENTIONS", "Paper", "Dataset"), pid, k, {**prov(pid, 30), "count": 2})
        for j in range(2):  # two results per paper
            value = round(rnd.uniform(0.01, 99.9), 2)
            start = 40 + j * 50
            rkey = hashlib.sha1(f"{pid}|{j}".encode()).hexdigest()[:16]
            results.append({"key": rkey, "props": {**prov(pid, start), "value": value, "unit": "%",
                                                   "metric": "accuracy", "subject": own.upper(),
                                                   "dataset": ds[j].upper()}})
            rel(("REPORTS", "Paper", "Result"), pid, rkey, prov(pid, start))
            rel(("FOR", "Result", "Method"), rkey, own, prov(pid, start))
            rel(("ON", "Result", "Dataset"), rkey, ds[j], prov(pid, start))
        rel(("EVALUATES_ON", "Method", "Dataset"), own, ds[0], prov(pid, 40))
        rtype = rnd.choice(sorted(CLAIM_TYPES.values()))
        other = rnd.choice(methods)
        if other != own:
            rel((rtype, "Method", "Method"), own, other,
                {**prov(pid, 200), "dataset": ds[0].upper(), "dataset_key": ds[0]})
    rows.nodes["Paper"] = papers_rows
    rows.nodes["Result"] = results
    rows.rels = dict(sorted(rels.items()))
    return rows


def bench(store, rows: GraphRows, batch_size: int) -> float:
    store.clear()
    stats = store.write(rows, batch_size=batch_size)
    total = stats.nodes + stats.relationships
    written = sum(store.counts().values())
    if written != total:  # e.g. someone else writing to a shared server during the run
        print(f"warning: wrote {total:,} rows but the store now counts {written:,}", file=sys.stderr)
    return total / stats.seconds if stats.seconds else float("inf"), stats.seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", choices=["neo4j", "embedded", "both"], default="both")
    ap.add_argument("--batch-size", default="1000,5000,10000",
                    help="one size or a comma-separated list (default 1000,5000,10000)")
    ap.add_argument("--papers", type=int, default=20_000, help="synthetic papers (20,000 -> ~104k nodes, ~232k rels)")
    ap.add_argument("--neo4j-uri", default=None)
    ap.add_argument("--workers", type=int, default=1, help="concurrent Neo4j write transactions (default 1)")
    ap.add_argument("--neo4j-path", default="create",
                    help="merge, create, or both alternating: merge,create (default create)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat each measurement (default 1)")
    ap.add_argument("--data-dir", default=None, help="embedded store directory (default: a temp dir)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in str(args.batch_size).split(",") if s.strip()]

    t0 = time.perf_counter()
    rows = synthetic_rows(args.papers)
    n_nodes, n_rels = rows.count()
    print(f"synthetic graph: {n_nodes:,} nodes, {n_rels:,} relationships "
          f"({time.perf_counter() - t0:.1f}s to generate)", flush=True)

    from kgbuild.stores import EmbeddedStore, Neo4jStore

    targets = ["neo4j", "embedded"] if args.store == "both" else [args.store]
    tmp = None
    try:
        for target in targets:
            if target == "neo4j":
                store = Neo4jStore.from_env(args.neo4j_uri, write_workers=args.workers)
            else:
                data_dir = args.data_dir
                if data_dir is None:
                    tmp = tempfile.TemporaryDirectory(prefix="kgbuild-bench-")
                    data_dir = tmp.name
                store = EmbeddedStore(data_dir, graph="bench")
            paths = [p.strip() for p in args.neo4j_path.split(",")] if target == "neo4j" else [""]
            with store:
                store.ensure_schema()
                for _ in range(max(1, args.rounds)):
                    for size in sizes:
                        for path in paths:
                            if target == "neo4j":
                                store.create_new = path != "merge"
                            rate, secs = bench(store, rows, size)
                            label = f"{target} x{args.workers}" if target == "neo4j" and args.workers > 1 else target
                            label += f" {path}" if path else ""
                            print(f"{label:16s} batch {size:>6,}: {n_nodes + n_rels:,} rows in {secs:6.1f}s "
                                  f"= {rate:9,.0f} rows/s", flush=True)
                store.clear()
    except KgbuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
