"""How many abstracts per second one core turns into extractions, against the bare tokenizer.

kgbuild promises thousands of abstracts per second on one core. The honest yardstick for a
rule-based spaCy pipeline is the tokenizer alone (``spacy.blank("en")``): nothing built on a Doc
can be faster, so each measurement is also printed as a ratio to it. Measurements, all in this
one process (one core):

* ``tokenizer``: ``spacy.blank("en").pipe`` over ``Paper.text`` (needs only spaCy and
  ``kgbuild.read``);
* ``tok-warm``: the same tokenizer with its chunk cache working (``warm_chunks``, a workaround
  for spaCy issue #13950; the warming is paid inside the timed loop), to show what the
  tokenizer costs once that bug is out of the way;
* ``extract``: ``kgbuild.nlp.build_nlp()`` + ``kgbuild.extract.extract_papers`` (pipeline
  construction is timed separately and not counted);
* ``build`` (with ``--build``): ``kgbuild.pipeline.build`` of the same papers into a fresh
  embedded FalkorDB store in a temporary directory (the store's own process is not counted in
  CPU time, so its rate uses wall-clock time).

The bundled seed corpus is repeated (ids made unique) up to ``--n`` abstracts (default 10,000).
Rates per core are abstracts / CPU seconds of this process (``time.process_time``), which stays
meaningful on a busy machine; wall-clock seconds are printed alongside. ``--repeat K`` keeps
the best of K runs.

Examples::

    .venv/bin/python benchmarks/extract_speed.py
    .venv/bin/python benchmarks/extract_speed.py --n 20000 --repeat 3 --json
    .venv/bin/python benchmarks/extract_speed.py --only tokenizer
    .venv/bin/python benchmarks/extract_speed.py --build
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

from kgbuild.read import SAMPLE_CORPUS, read_papers  # noqa: E402
from kgbuild.records import Paper  # noqa: E402


@dataclasses.dataclass
class Measurement:
    name: str
    abstracts: int
    cpu_seconds: float
    wall_seconds: float
    setup_seconds: float = 0.0
    rate_basis: str = "cpu"  # which clock the per-core rate divides by
    extra: dict = dataclasses.field(default_factory=dict)
    ratio_to_tokenizer: float | None = None

    @property
    def per_core(self) -> float:
        seconds = self.cpu_seconds if self.rate_basis == "cpu" else self.wall_seconds
        return self.abstracts / seconds if seconds > 0 else float("inf")

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["abstracts_per_second_per_core"] = round(self.per_core, 1)
        return d

    def line(self) -> str:
        ratio = ""
        if self.ratio_to_tokenizer is not None and self.name != "tokenizer":
            r = self.ratio_to_tokenizer
            how = f"{r:.1f}x faster" if r >= 1 else f"{1 / r if r else float('inf'):.1f}x slower"
            ratio = f"  = {r:.3f} x tokenizer ({how})"
        setup = f", setup {self.setup_seconds:.2f}s" if self.setup_seconds else ""
        extra = "  [" + ", ".join(f"{k}={v:,}" for k, v in self.extra.items()) + "]" if self.extra else ""
        return (f"{self.name:<9} {self.abstracts:>7,} abstracts  {self.per_core:>9,.0f} abstracts/s/core "
                f"({self.rate_basis}: {self.cpu_seconds:.2f}s cpu, {self.wall_seconds:.2f}s wall{setup}){ratio}{extra}")


def corpus(n: int, source: Path = SAMPLE_CORPUS) -> list[Paper]:
    """The source papers repeated to ``n``, each copy with a unique id (``seed-0001~r2``)."""
    base = list(read_papers(source))
    if not base:
        raise SystemExit(f"no papers in {source}")
    out: list[Paper] = []
    for i in range(n):
        p = base[i % len(base)]
        rep = i // len(base)
        out.append(dataclasses.replace(p, id=p.id if rep == 0 else f"{p.id}~r{rep}"))
    return out


def timed(fn: Callable[[], int]) -> tuple[int, float, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    count = fn()
    return count, time.process_time() - cpu0, time.perf_counter() - wall0


def best_of(repeat: int, name: str, fn: Callable[[], int], **kw) -> Measurement:
    runs = [timed(fn) for _ in range(max(1, repeat))]
    basis = kw.get("rate_basis", "cpu")
    count, cpu, wall = min(runs, key=lambda r: r[1] if basis == "cpu" else r[2])
    return Measurement(name, count, cpu, wall, **kw)


def measure_tokenizer(papers: list[Paper], *, batch_size: int, repeat: int) -> Measurement:
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.blank("en")
    setup = time.perf_counter() - t0
    texts = [p.text for p in papers]
    for _ in nlp.pipe(texts[:200]):  # warm-up: import-time and first-call costs are not throughput
        pass

    def run() -> int:
        return sum(1 for _ in nlp.pipe(texts, batch_size=batch_size))

    return best_of(repeat, "tokenizer", run, setup_seconds=setup)


def warm_chunks(tokenizer, texts: list[str], seen: set[str]) -> None:
    """Tokenize each new whitespace chunk of ``texts`` on its own so the tokenizer caches it.

    Works around spaCy issue #13950 (open for 3.8): inside one ``Tokenizer.__call__`` the
    ``has_special`` flag is never reset, so after the first special case in a text ("e.g.",
    "vs.", "n't", ...) no later chunk of that text is cached, and abstracts almost always contain
    one. A chunk tokenized alone is cached unless it is itself special, and cached chunks are
    looked up by exact string, so the tokens produced are unchanged (``measure_tokenizer``
    checks this). ``max_cache_size`` must be raised too: spaCy's default of 10,000 chunks is
    smaller than the vocabulary of a few hundred abstracts.
    """
    for text in texts:
        for chunk in text.split():
            if chunk not in seen:
                seen.add(chunk)
                tokenizer(chunk)


def measure_tokenizer_warm(papers: list[Paper], *, batch_size: int, repeat: int) -> Measurement:
    """The same tokenizer with the #13950 workaround, warming paid inside the timed loop."""
    import spacy

    texts = [p.text for p in papers]
    reference = [[t.text for t in doc] for doc in spacy.blank("en").pipe(texts[:500])]
    runs = []
    for _ in range(max(1, repeat)):
        nlp = spacy.blank("en")  # fresh, empty cache for every run
        nlp.tokenizer.max_cache_size = 10_000_000
        seen: set[str] = set()

        def run() -> int:
            n = 0
            for i in range(0, len(texts), batch_size):
                batch = texts[i:i + batch_size]
                warm_chunks(nlp.tokenizer, batch, seen)
                n += sum(1 for _ in nlp.pipe(batch, batch_size=batch_size))
            return n

        runs.append(timed(run))
        if [[t.text for t in doc] for doc in nlp.pipe(texts[:500])] != reference:
            raise AssertionError("cache warming changed the tokenization")
    count, cpu, wall = min(runs, key=lambda r: r[1])
    return Measurement("tok-warm", count, cpu, wall, extra={"distinct_chunks": len(seen)})


def measure_extract(papers: list[Paper], *, batch_size: int, repeat: int) -> Measurement:
    from kgbuild.extract import extract_papers
    from kgbuild.nlp import build_nlp

    t0 = time.perf_counter()
    nlp = build_nlp()
    setup = time.perf_counter() - t0
    for _ in extract_papers(papers[:50], nlp=nlp, batch_size=batch_size):  # warm-up
        pass
    totals = {"entities": 0, "results": 0, "comparisons": 0, "proposes": 0}

    def run() -> int:
        n = 0
        for k in totals:
            totals[k] = 0
        for ex in extract_papers(papers, nlp=nlp, batch_size=batch_size):
            n += 1
            totals["entities"] += len(ex.entities)
            totals["results"] += len(ex.results)
            totals["comparisons"] += len(ex.comparisons)
            totals["proposes"] += len(ex.proposes)
        return n

    m = best_of(repeat, "extract", run, setup_seconds=setup)
    m.extra = dict(totals)
    return m


def measure_build(papers: list[Paper]) -> Measurement:
    """One whole build (read → extract → resolve → rows → embedded store), wall clock."""
    from kgbuild.pipeline import build
    from kgbuild.stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory(prefix="kgbuild-bench-") as tmp:
        src = Path(tmp) / "papers.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for p in papers:
                f.write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}, ensure_ascii=False) + "\n")
        with EmbeddedStore(data_dir=str(Path(tmp) / "falkordb"), graph="bench") as store:
            holder: dict = {}

            def run() -> int:
                holder["stats"] = build(src, store=store, fresh=True, quiet=True)
                return holder["stats"].papers_read

            m = best_of(1, "build", run, rate_basis="wall")
        stats = holder["stats"]
        m.extra = {"nodes": stats.nodes, "relationships": stats.relationships, "rejected": stats.rejected}
        return m


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="abstracts to process (seed corpus repeated), default 10000")
    ap.add_argument("--input", type=Path, default=SAMPLE_CORPUS, help="papers file to repeat (default: bundled seed)")
    ap.add_argument("--batch-size", type=int, default=256, help="nlp.pipe batch size (default 256)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement, best kept (default 1)")
    ap.add_argument("--only", choices=["tokenizer", "extract", "build"], help="run just this measurement")
    ap.add_argument("--build", action="store_true", help="also time a whole build into the embedded store")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text lines")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if args.n < 1:
        ap.error("--n must be positive")

    import spacy

    papers = corpus(args.n, args.input)
    results: list[Measurement] = []
    skipped: dict[str, str] = {}

    def report(m: Measurement) -> None:
        if results and results[0].name == "tokenizer":
            m.ratio_to_tokenizer = m.per_core / results[0].per_core
        results.append(m)
        if not args.json:
            print(m.line(), flush=True)

    if args.only in (None, "tokenizer"):
        report(measure_tokenizer(papers, batch_size=args.batch_size, repeat=args.repeat))
        report(measure_tokenizer_warm(papers, batch_size=args.batch_size, repeat=args.repeat))
    if args.only in (None, "extract"):
        try:
            report(measure_extract(papers, batch_size=args.batch_size, repeat=args.repeat))
        except ImportError as exc:  # kgbuild.nlp / kgbuild.extract not there yet
            skipped["extract"] = f"{type(exc).__name__}: {exc}"
    if args.build or args.only == "build":
        try:
            report(measure_build(papers))
        except ImportError as exc:
            skipped["build"] = f"{type(exc).__name__}: {exc}"

    if args.json:
        print(json.dumps({
            "n": args.n, "input": str(args.input), "batch_size": args.batch_size, "repeat": args.repeat,
            "python": platform.python_version(), "spacy": spacy.__version__, "machine": platform.machine(),
            "measurements": [m.to_dict() for m in results], "skipped": skipped,
        }, indent=2))
    else:
        for name, why in skipped.items():
            print(f"{name:<9} skipped: {why}", file=sys.stderr)
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
