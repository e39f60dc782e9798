"""The whole job, streaming: read → extract → resolve → rows → store.

Resolution is corpus-level (an acronym defined in one paper resolves a bare mention in another), so
the pipeline makes two passes without holding the corpus in memory:

1. read and extract each paper (``nlp.pipe`` in batches), spill the full extraction records to a
   temporary JSON Lines file, and let the ``Resolver`` learn names and definitions;
2. read the spill back, apply the resolver, and hand each batch on (to ``rows`` + a store for
   ``build``, to a schema JSONL file for ``extract_file``).

Memory grows with the number of distinct names, not with the number of papers.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import kgbuild_home  # the one state location (re-exported for callers)
from .errors import ConfigError, KgbuildError
from .records import Extraction, Reject

DEFAULT_OVERRIDES = "resolution.json"


# --------------------------------------------------------------------------- stats
@dataclass
class RunStats:
    """What a run did; ``summary()`` is the one line the CLI prints."""

    papers_read: int = 0
    rejected: int = 0
    entities: int = 0  # canonical entities after resolution
    mentions: int = 0  # per-paper entities before corpus resolution
    results: int = 0
    claims: int = 0
    proposes: int = 0
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: str | None = None
    target: str = ""

    def summary(self) -> str:
        parts = [f"{self.papers_read} papers read", f"{self.rejected} rejected",
                 f"{self.entities} entities", f"{self.results} results", f"{self.claims} claims"]
        if self.nodes or self.relationships:
            parts.append(f"{self.nodes} nodes / {self.relationships} relationships written")
        parts.append(f"{self.seconds:.1f}s")
        line = ", ".join(parts)
        if self.target:
            line += f" → {self.target}"
        if self.rejected and self.rejects_path:
            line += f" (rejects: {self.rejects_path})"
        return line

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rejects"] = [r.to_dict() for r in self.rejects]
        return d


class Progress:
    """A counter on stderr, only when stderr is a terminal and not quiet (stdout stays clean)."""

    def __init__(self, label: str, *, quiet: bool = False, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.n = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def tick(self, n: int = 1) -> None:
        self.n += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last >= 0.2:
            self._last = now
            rate = self.n / max(now - self.t0, 1e-9)
            self.stream.write(f"\r{self.label}: {self.n:,} papers ({rate:,.0f}/s)")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


# --------------------------------------------------------------------------- stages wired together
def iter_extractions(input_path: str | Path, *, rejects: list[Reject], fmt: str | None = None, nlp=None,
                     batch_size: int = 256) -> Iterator[Extraction]:
    """Read ``input_path`` and yield one (unresolved) ``Extraction`` per good paper."""
    from .extract import extract_papers
    from .read import read_papers

    papers = read_papers(input_path, format=fmt, rejects=rejects)
    yield from extract_papers(papers, nlp=nlp, batch_size=batch_size)


def _load_resolver(overrides: str | Path | None):
    from .resolve import Resolver, load_overrides

    path = overrides
    if path is None and Path(DEFAULT_OVERRIDES).exists():
        path = DEFAULT_OVERRIDES
    return Resolver(overrides=load_overrides(path) if path else None)


def resolved_extractions(input_path: str | Path, *, stats: RunStats, fmt: str | None = None, nlp=None,
                         overrides: str | Path | None = None, batch_size: int = 256, quiet: bool = True,
                         spill_dir: str | Path | None = None,
                         on_resolver: Callable[[object], None] | None = None) -> Iterator[Extraction]:
    """Two-pass streaming resolution (see module docstring); yields resolved extractions.

    ``on_resolver`` is called with the finalised resolver before the first record is yielded, so a
    caller can write entity nodes before the facts that point at them.
    """
    resolver = _load_resolver(overrides)
    t0 = time.perf_counter()
    progress = Progress("extracting", quiet=quiet)
    with tempfile.NamedTemporaryFile("w+", encoding="utf-8", suffix=".jsonl", prefix="kgbuild-spill-",
                                     dir=spill_dir, delete=True) as spill:
        for ex in iter_extractions(input_path, rejects=stats.rejects, fmt=fmt, nlp=nlp, batch_size=batch_size):
            stats.papers_read += 1
            stats.mentions += len(ex.entities)
            resolver.learn(ex)
            spill.write(json.dumps(ex.to_dict(), ensure_ascii=False))
            spill.write("\n")
            progress.tick()
        progress.close()
        from .read import is_warning

        # a "warning" reject (a dropped non-integer year) kept its paper: not counted as rejected
        stats.rejected = sum(1 for r in stats.rejects if not is_warning(r))
        resolver.finalize()
        stats.entities = len(resolver.entities())
        if on_resolver is not None:
            on_resolver(resolver)
        spill.flush()
        spill.seek(0)
        for line in spill:
            ex = resolver.apply(Extraction.from_dict(json.loads(line)))
            stats.results += len(ex.results)
            stats.claims += len(ex.comparisons)
            stats.proposes += len(ex.proposes)
            yield ex
    stats.seconds = time.perf_counter() - t0


def _write_rejects(stats: RunStats, rejects_path: str | Path | None) -> None:
    if not stats.rejects:
        return
    from .read import write_rejects

    path = Path(rejects_path) if rejects_path else kgbuild_home() / "rejects.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rejects(stats.rejects, path)
    stats.rejects_path = str(path)


def extract_file(input_path: str | Path, output: str | Path, *, fmt: str | None = None, nlp=None,
                 overrides: str | Path | None = None, rejects_path: str | Path | None = None,
                 full: bool = False, quiet: bool = True) -> RunStats:
    """``kgbuild extract``: write one EXTRACTION-SCHEMA.md record per paper (names after resolution).

    ``full=True`` writes the full records with provenance (evidence sentences, offsets, rule ids)
    instead of the bare schema record. ``output`` may be ``"-"`` for stdout.
    """
    stats = RunStats(target=str(output))
    out = sys.stdout if str(output) == "-" else None
    if out is None:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    tmp = None if out is not None else Path(str(output) + ".part")
    fh = out if out is not None else open(tmp, "w", encoding="utf-8")
    try:
        for ex in resolved_extractions(input_path, stats=stats, fmt=fmt, nlp=nlp, overrides=overrides, quiet=quiet):
            fh.write(json.dumps(ex.to_dict() if full else ex.to_schema(), ensure_ascii=False))
            fh.write("\n")
    finally:
        if out is None:
            fh.close()
    if tmp is not None:
        tmp.replace(output)  # the output appears whole or not at all
    _write_rejects(stats, rejects_path or (None if out is not None else Path(str(output) + ".rejects.jsonl")))
    return stats


def build(input_path: str | Path, *, store=None, neo4j_uri: str | None = None, fmt: str | None = None,
          nlp=None, overrides: str | Path | None = None, rejects_path: str | Path | None = None,
          batch_size: int = 1000, papers_per_batch: int = 500, fresh: bool = False,
          quiet: bool = True) -> RunStats:
    """``kgbuild build``: read → extract → resolve → write to Neo4j (``neo4j_uri``) or the embedded store.

    The write is idempotent (MERGE on key constraints): building the same input twice leaves the
    same graph. ``fresh=True`` empties the graph first.
    """
    from .rows import entity_rows, to_rows
    from .stores import open_store

    own_store = store is None
    if own_store:
        store = open_store(neo4j_uri)
    stats = RunStats()
    try:
        if own_store:
            store.open()
        stats.target = store.describe()
        if fresh:
            store.clear()
        store.ensure_schema()

        seen: list = []

        def write_entities(resolver) -> None:
            # Entity nodes go first: the facts written next MATCH them as endpoints.
            seen.append(resolver)
            ws = store.write(entity_rows(resolver.entities(), resolver.links()), batch_size=batch_size)
            stats.nodes += ws.nodes
            stats.relationships += ws.relationships

        batch: list[Extraction] = []
        for ex in resolved_extractions(input_path, stats=stats, fmt=fmt, nlp=nlp, overrides=overrides,
                                       quiet=quiet, on_resolver=write_entities):
            batch.append(ex)
            if len(batch) >= papers_per_batch:
                ws = store.write(to_rows(batch), batch_size=batch_size)
                stats.nodes += ws.nodes
                stats.relationships += ws.relationships
                batch = []
        if batch:
            ws = store.write(to_rows(batch), batch_size=batch_size)
            stats.nodes += ws.nodes
            stats.relationships += ws.relationships
        if seen:
            # Paper counts are exact only once pass 2 has applied every paper: MERGE them again
            # (same keys, so nothing is duplicated; only ``papers`` can change).
            store.write(entity_rows(seen[0].entities(), seen[0].links()), batch_size=batch_size)
    finally:
        if own_store:
            store.close()
    _write_rejects(stats, rejects_path)
    return stats


def extract(papers: Iterable, *, nlp=None, overrides: str | Path | None = None) -> list[Extraction]:
    """In-memory convenience for notebooks: extract and resolve a small list of ``Paper`` records."""
    from .extract import extract_papers
    from .resolve import resolve

    resolver_overrides = None
    if overrides:
        from .resolve import load_overrides
        resolver_overrides = load_overrides(overrides)
    exs = list(extract_papers(papers, nlp=nlp))
    resolved, _ = resolve(exs, overrides=resolver_overrides)
    return resolved


__all__ = ["RunStats", "build", "extract", "extract_file", "kgbuild_home", "resolved_extractions",
           "ConfigError", "KgbuildError"]
