"""Extraction speed on text the process has not seen, against the bare tokenizer, in one run.

The yardstick for a rule-based spaCy pipeline is the tokenizer alone (``spacy.blank("en")``):
nothing built on a Doc can be faster. Both are measured on the same *distinct* abstracts from
the benchmark corpus generator (``benchmarks/corpus.py``: recombined seed sentences, renamed
entities, changed numbers), never on repeats, because spaCy's tokenizer caches whitespace chunks
and a repeated corpus is a cache hit after its first pass. Each measurement builds a fresh
pipeline, so no cache is warm from an earlier one.

* ``tokenizer``: ``spacy.blank("en").pipe`` over ``Paper.text`` of the papers;
* ``extract``: what ``kgbuild extract FILE -o OUT`` does (``pipeline.extract_file``: read,
  extract, resolve, write schema JSON Lines), one process; pipeline construction included;
* ``extract xN`` (``--workers 1,2``): the same with ``--workers N``; its speed-up over one worker
  is wall-clock time (the work happens in child processes).

Per-core rates divide by this process's CPU time (``time.process_time``), which stays meaningful
on a busy machine; wall-clock seconds are printed alongside. ``--repeat K`` keeps the best of K.

    .venv/bin/python benchmarks/extract_speed.py --n 20000
    .venv/bin/python benchmarks/extract_speed.py --n 20000 --workers 1,2 --json
    .venv/bin/python benchmarks/extract_speed.py --input /tmp/corpus-100k.jsonl --workers 2
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from kgbuild.read import read_papers  # noqa: E402


@dataclass
class Measurement:
    name: str
    abstracts: int
    cpu_seconds: float
    wall_seconds: float
    basis: str = "cpu"
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        s = self.cpu_seconds if self.basis == "cpu" else self.wall_seconds
        return self.abstracts / s if s > 0 else float("inf")

    def line(self, tokenizer: "Measurement | None", one_worker: "Measurement | None") -> str:
        unit = "abstracts/s/core" if self.basis == "cpu" else "abstracts/s (wall)"
        text = (f"{self.name:<12} {self.abstracts:>8,} abstracts {self.rate:>9,.0f} {unit:<18} "
                f"({self.cpu_seconds:.1f}s cpu, {self.wall_seconds:.1f}s wall)")
        if tokenizer is not None and self is not tokenizer and self.basis == "cpu":
            text += f"  = {self.rate / tokenizer.rate:.3f} x tokenizer"
        if one_worker is not None and self is not one_worker and self.name.startswith("extract x"):
            text += f"  = {one_worker.wall_seconds / self.wall_seconds:.2f} x one worker (wall)"
            kids = self.extra.get("worker_cpu_seconds")
            if kids:
                text += f"; cpu: driver {self.cpu_seconds:.1f}s + workers {kids:.1f}s vs {one_worker.cpu_seconds:.1f}s"
        return text


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(fn) -> tuple[int, float, float, float]:
    cpu0, wall0, kids0 = time.process_time(), time.perf_counter(), _children_cpu()
    n = fn()
    return n, time.process_time() - cpu0, time.perf_counter() - wall0, _children_cpu() - kids0


def best(name: str, fn, repeat: int, basis: str = "cpu") -> Measurement:
    runs = [timed(fn) for _ in range(max(1, repeat))]
    n, cpu, wall, kids = min(runs, key=lambda r: r[1] if basis == "cpu" else r[2])
    m = Measurement(name, n, cpu, wall, basis)
    if kids:
        # the driver's own CPU is the serial part; workers' CPU is reaped when the pool shuts down
        m.extra["worker_cpu_seconds"] = round(kids, 1)
    return m


def measure_tokenizer(path: Path, repeat: int) -> Measurement:
    import spacy

    texts = [p.text for p in read_papers(path)]

    def run() -> int:
        nlp = spacy.blank("en")  # fresh: empty tokenizer cache
        return sum(1 for _ in nlp.pipe(texts, batch_size=256))

    return best("tokenizer", run, repeat)


def measure_extract(path: Path, out_dir: Path, workers: int, repeat: int) -> Measurement:
    from kgbuild.pipeline import extract_file

    holder: dict = {}

    def run() -> int:
        import kgbuild.parallel as parallel

        parallel._STATE.clear()  # no pipeline (and no tokenizer cache) kept from an earlier run
        holder["stats"] = extract_file(path, out_dir / f"out-{workers}.jsonl", workers=workers)
        return holder["stats"].papers_read

    name = "extract" if workers == 1 else f"extract x{workers}"
    m = best(name, run, repeat, basis="cpu" if workers == 1 else "wall")
    s = holder["stats"]
    m.extra.update({"entities": s.entities, "results": s.results, "claims": s.claims})
    return m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="abstracts to generate (default 20000)")
    ap.add_argument("--input", type=Path, default=None, help="a corpus file instead (e.g. from benchmarks/corpus.py)")
    ap.add_argument("--seed", type=int, default=13, help="generator seed (default 13)")
    ap.add_argument("--workers", default="1", help="worker counts to time, e.g. 1,2 (default 1)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement, best kept")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of text lines")
    args = ap.parse_args(argv)
    counts = sorted({int(w) for w in args.workers.split(",") if w.strip()})
    if 1 not in counts:
        counts.insert(0, 1)

    import spacy

    with tempfile.TemporaryDirectory(prefix="kgbuild-speed-") as tmp:
        tmp_dir = Path(tmp)
        path = args.input
        if path is None:
            from corpus import write_corpus

            path = tmp_dir / "corpus.jsonl"
            write_corpus(args.n, path, seed=args.seed, log=None)
        results = [measure_tokenizer(path, args.repeat)]
        tokenizer = results[0]
        if not args.json:
            print(results[0].line(None, None), flush=True)
        one = None
        for w in counts:
            m = measure_extract(path, tmp_dir, w, args.repeat)
            if w == 1:
                one = m
            results.append(m)
            if not args.json:
                print(m.line(tokenizer, one), flush=True)
    if args.json:
        print(json.dumps({"input": str(args.input or f"generated n={args.n} seed={args.seed}"),
                          "python": platform.python_version(), "spacy": spacy.__version__,
                          "measurements": [{**asdict(m), "rate": round(m.rate, 1)} for m in results],
                          "ratio_to_tokenizer": round(one.rate / tokenizer.rate, 3) if one else None,
                          "speedup": {f"x{m.name.split('x')[-1]}": round(one.wall_seconds / m.wall_seconds, 2)
                                      for m in results if m.name.startswith("extract x")}},
                         indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
