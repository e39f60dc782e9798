"""End-to-end first load of a large corpus into the local Neo4j via the bulk path, with figures.

Runs ``kgbuild.pipeline.build_bulk`` (read → extract on all cores → resolve → rows → neo4j-admin
import files → stop server → ``neo4j-admin database import full`` → start → constraints) and
prints the time of each stage and the peak memory of the kgbuild processes: the driver plus its
worker processes, sampled every 0.2 s (the sum of their resident sets, which over-counts pages the
forked workers share with the driver, so it is an upper bound).

The target database is REPLACED (``--overwrite``). Needs the local server running
(``kgbuild neo4j start``) with the same ``KGBUILD_NEO4J_*`` settings.

    .venv/bin/python benchmarks/corpus.py 100000 -o /tmp/corpus-100k.jsonl
    .venv/bin/python benchmarks/bulk_run.py /tmp/corpus-100k.jsonl --workers 2
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class PeakRSS:
    """Peak of (this process + its children) resident memory, sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self.peak_driver = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        try:
            own = self.proc.memory_info().rss
            total = own
            for child in self.proc.children(recursive=True):
                try:
                    if "java" in child.name():  # neo4j-admin: a separate tool, reported by itself
                        continue
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            return
        self.peak = max(self.peak, total)
        self.peak_driver = max(self.peak_driver, own)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="corpus file(s) or a quoted glob")
    ap.add_argument("--workers", type=int, default=None, help="default: the number of cores")
    ap.add_argument("--import-dir", default=None)
    ap.add_argument("--neo4j-uri", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from kgbuild.parallel import default_workers
    from kgbuild.pipeline import build_bulk

    workers = args.workers or default_workers()
    log_t0 = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - log_t0:7.1f}s] {msg}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    with PeakRSS() as mem:
        stats = build_bulk(args.inputs, neo4j_uri=args.neo4j_uri, import_dir=args.import_dir, overwrite=True,
                           workers=workers, quiet=False, log=log)
    total = time.perf_counter() - t0
    import_s = stats.stages.get("neo4j_admin_import", 0.0)
    rows = stats.nodes + stats.relationships
    out = {
        "papers": stats.papers_read, "rejected": stats.rejected, "entities": stats.entities,
        "nodes": stats.nodes, "relationships": stats.relationships, "workers": workers,
        "seconds_total": round(total, 1), "stages": stats.stages,
        "import_rows_per_second": round(rows / import_s) if import_s else None,
        "peak_rss_mib_driver_plus_workers": round(mem.peak / 2**20),
        "peak_rss_mib_driver": round(mem.peak_driver / 2**20),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:34s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
