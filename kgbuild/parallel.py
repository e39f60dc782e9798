"""Extraction and row building on all cores, with corpus-level resolution kept on the driver.

The pipeline's two passes (see ``pipeline``) split into map and reduce steps:

1. **map** (worker processes): extract a chunk of papers; return the full extraction records as
   spill frames (``kgbuild.spill``; written to disk by the driver as they arrive, in input order) and
   the chunk's *name statistics* (``learn_names``: a ``NameStats`` over its distinct names, type
   votes, acronym definitions and aliases; no mentions, no facts);
2. **reduce** (driver): ``merger`` adds the chunks' statistics in input order (the same statistics
   as learning paper by paper) and builds the ``Resolution`` from distinct names only;
3. **map** (worker processes, which receive the ``Resolution`` once): apply it to a chunk of
   spilled records and return what the caller writes (schema JSON Lines for ``extract``,
   ``GraphRows`` for ``build``), plus per-entity paper counts.

Reading stays on the driver (one stream, so rejects keep their file and line and duplicate ids are
caught across files); chunks go out in order and come back in order, with a bounded number in
flight, so memory does not grow with the corpus and the output is identical to one worker's.
Small inputs (at most one chunk per worker) run in this process: starting workers would cost more
than it saves.

Resolution is reached only through ``learn_names``/``merger`` (or ``resolve_names``/``learner``
paper by paper), ``apply_resolution`` and ``entity_papers`` below (the seam).
"""
from __future__ import annotations

import glob
import json
import os
from collections import Counter, deque
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .errors import ReadError
from .normalize import match_key
from .records import CanonicalEntity, Entity, Extraction, GraphRows, Paper, Reject
from .spill import Spill, frame, unframe


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- inputs
def expand_inputs(inputs: str | os.PathLike | Sequence[str | os.PathLike]) -> list[Path]:
    """Input files in the order given; a glob pattern (``data/*.jsonl``) expands, sorted.

    A pattern that matches nothing, or a named file that does not exist, raises ``ReadError``.
    """
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    if not items:
        raise ReadError("No input files given")
    out: list[Path] = []
    for item in items:
        text = str(item)
        if glob.has_magic(text) and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                raise ReadError(f"No input file matches {text!r}")
            out.extend(files)
        else:
            out.append(Path(text))
    return out


def read_inputs(paths: Sequence[Path], *, fmt: str | None = None, rejects: list[Reject]) -> Iterator[Paper]:
    """The papers of every file in turn; an id already read from an earlier file is rejected.

    Each file is opened (and checked: missing file, unknown format) only when its turn comes,
    so ``ReadError`` names the file.
    """
    from .read import DUPLICATE_ID, read_papers

    if len(paths) == 1:
        yield from read_papers(paths[0], format=fmt, rejects=rejects)
        return
    first_seen: dict[str, tuple[str, int]] = {}
    for path in paths:
        for paper in read_papers(path, format=fmt, rejects=rejects):
            where = first_seen.get(paper.id)
            if where is not None:
                rejects.append(Reject(paper.source, paper.line,
                                      f"{DUPLICATE_ID} {paper.id} (first in {where[0]} line {where[1]})",
                                      paper.title[:80]))
                continue
            first_seen[paper.id] = (paper.source, paper.line)
            yield paper


# --------------------------------------------------------------------------- the resolution seam
def names_only(ex: Extraction) -> Extraction:
    """What resolution learns from one paper: its id and its entities' types, names and aliases."""
    return Extraction(paper=Paper(id=ex.paper.id, title="", abstract=""),
                      entities=[Entity(type=e.type, name=e.name, aliases=list(e.aliases)) for e in ex.entities])


def resolve_names(name_records: Iterable[Extraction], *, overrides: str | Path | None = None, base=None):
    """THE SEAM (reduce): learn from name-only extractions in corpus order; the ``Resolution``.

    Everything parallel/distributed code needs from resolution goes through this function,
    ``learner``, ``apply_resolution`` and ``entity_papers``. The statistics are mergeable
    (``kgbuild.resolve.NameStats.merge``), so partitions may also learn on their own and be reduced.
    """
    learn, finish = learner(overrides, base=base)
    for rec in name_records:
        learn(rec)
    return finish()


def learner(overrides: str | Path | None = None, *, base=None):
    """An incremental form of ``resolve_names``: ``(learn(record), finish() -> Resolution)``;
    ``base`` (a saved resolution) is continued (incremental builds)."""
    from .pipeline import resolution_builder

    builder = resolution_builder(overrides)
    if base is not None:
        builder.extend(base)
    return builder.learn, builder.build


def learn_names(records: Iterable[Extraction], known: Iterable[str] = frozenset()):
    """THE SEAM (map): the ``NameStats`` of one partition. Papers in ``known`` (already in the
    graph an incremental build continues) are skipped, as ``ResolutionBuilder.learn`` skips them."""
    from .resolve import NameStats

    stats = NameStats()
    for rec in records:
        if rec.paper.id not in known:
            stats.learn(rec)
    return stats


def merger(overrides: str | Path | None = None, *, base=None):
    """THE SEAM (reduce) for partition statistics: ``(known, merge(stats), finish() -> Resolution)``.

    ``known`` is the set of paper ids the continued resolution (``base``) holds already: each
    partition's ``learn_names`` must skip them. ``merge`` must be called in input order."""
    from .pipeline import resolution_builder

    builder = resolution_builder(overrides)
    if base is not None:
        builder.extend(base)
    return frozenset(builder.stats.papers), builder.merge, builder.build


def apply_resolution(resolution, ex: Extraction) -> Extraction:
    """THE SEAM (map): one paper with canonical names."""
    return resolution.apply(ex)


def entity_papers(resolved: Extraction) -> set[tuple[str, str]]:
    """(type, key) of each canonical entity ``resolved`` mentions (counted once per paper)."""
    return {(e.type, match_key(e.name)) for e in resolved.entities}


# --------------------------------------------------------------------------- map steps (run in workers)
_STATE: dict[str, Any] = {}
#: papers per extraction task; inputs of at most CHUNK_SIZE × workers papers run in this process
CHUNK_SIZE = 200


def init_extract(known: frozenset = frozenset()) -> None:
    """Worker start-up for step 1: build the spaCy pipeline once per process; ``known``: the
    paper ids already in the graph (see ``merger``)."""
    _STATE["known"] = known
    if "nlp" not in _STATE:
        from .nlp import build_nlp

        _STATE["nlp"] = build_nlp()


def init_apply(resolution) -> None:
    """Worker start-up for step 3: keep the ``Resolution``."""
    _STATE["resolution"] = resolution


@dataclass
class Extracted:
    """Step-1 output for one chunk: spill frames (one full record per paper) and name statistics."""

    frames: bytes
    stats: Any  # kgbuild.resolve.NameStats
    papers: int = 0
    mentions: int = 0
    rejects: list[Reject] = field(default_factory=list)  # papers whose extraction raised


def extract_chunk(papers: list[Paper], batch_size: int = 256, known: frozenset | None = None) -> Extracted:
    """Step 1 for one chunk (in a worker): extract, serialise, and learn the names. A paper that
    makes extraction raise becomes a reject (file, line, reason), as in one process. ``known``:
    paper ids to leave out of the statistics (default: those given to ``init_extract``)."""
    from .extract import extract_isolated

    if "nlp" not in _STATE:
        init_extract(known or frozenset())
    parts: list[bytes] = []
    names: list[Extraction] = []
    rejects: list[Reject] = []
    mentions = 0
    for ex in extract_isolated(papers, rejects=rejects, nlp=_STATE["nlp"], batch_size=batch_size):
        parts.append(frame(ex))
        names.append(names_only(ex))
        mentions += len(ex.entities)
    stats = learn_names(names, _STATE.get("known", frozenset()) if known is None else known)
    return Extracted(b"".join(parts), stats, len(parts), mentions, rejects)


@dataclass
class Applied:
    """Step-3 output for one chunk: the writer's input and counts."""

    output: Any  # str (JSON Lines) for "schema"/"full", GraphRows for "rows", list[Extraction] for "records"
    papers: int = 0
    results: int = 0
    claims: int = 0
    proposes: int = 0
    new_papers: int = 0
    entity_papers: Counter = field(default_factory=Counter)


def apply_chunk(frames: Sequence[bytes], mode: str) -> Applied:
    """Step 3 for one chunk (in a worker): resolve each spilled record and shape the output."""
    resolution = _STATE["resolution"]
    resolved = [apply_resolution(resolution, unframe(fr)) for fr in frames]
    return shape_output(resolved, mode, is_new=resolution.is_new_paper)


def shape_output(resolved: list[Extraction], mode: str, is_new: Callable[[str], bool] = lambda pid: True) -> Applied:
    """``Applied`` for resolved extractions: ``schema``/``full`` JSON Lines, ``rows`` or ``records``.

    Paper counts (``entity_papers``, ``new_papers``) cover the papers ``is_new`` to the graph."""
    out = Applied(output=None, papers=len(resolved))
    for ex in resolved:
        out.results += len(ex.results)
        out.claims += len(ex.comparisons)
        out.proposes += len(ex.proposes)
        if is_new(ex.paper.id):
            out.new_papers += 1
            out.entity_papers.update(entity_papers(ex))
    if mode == "rows":
        from .rows import to_rows

        out.output = to_rows(resolved)
    elif mode in ("schema", "full"):
        out.output = "".join(json.dumps(ex.to_dict() if mode == "full" else ex.to_schema(), ensure_ascii=False)
                             + "\n" for ex in resolved)
    elif mode == "records":
        out.output = resolved
    else:  # pragma: no cover - programming error
        raise ValueError(f"unknown output mode {mode!r}")
    return out


# --------------------------------------------------------------------------- driver
def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    buf: list[Any] = []
    for item in items:
        buf.append(item)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def ordered_map(pool: Executor | None, fn: Callable, items: Iterable[Any], *, window: int,
                args: tuple = ()) -> Iterator[Any]:
    """``fn(item, *args)`` for each item, results in input order, at most ``window`` in flight.

    ``pool=None`` runs in this process.
    """
    if pool is None:
        for item in items:
            yield fn(item, *args)
        return
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(fn, item, *args))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _pool(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    import multiprocessing as mp

    method = "fork" if "fork" in mp.get_all_start_methods() else None  # fork: workers inherit imports
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                               initializer=initializer, initargs=initargs)


def run_parallel(papers: Iterable[Paper], *, stats, workers: int, mode: str, overrides=None,
                 chunk_size: int | None = None, out_chunk: int = 500, spill_dir=None, base=None,
                 on_resolution: Callable[[Any], None] | None = None,
                 progress=None) -> Iterator[Applied]:
    """The map / reduce / map above over ``papers``; yields one ``Applied`` per ``out_chunk`` papers.

    ``stats`` (a ``pipeline.RunStats``) is filled in as the run goes; ``on_resolution`` is called
    with the ``Resolution`` before the first output, and ``stats.resolution`` holds it with exact
    paper counts at the end. ``base`` continues a saved resolution. ``out_chunk`` sets the output
    batches (500 papers = the pipeline's write batches, so rows are cut as one worker cuts them).
    """
    workers = max(1, int(workers))
    chunk_size = chunk_size or CHUNK_SIZE
    window = 2 * workers
    stream = iter(papers)
    head: list[Paper] = []
    for p in stream:
        head.append(p)
        if len(head) > chunk_size * workers:
            break
    small = len(head) <= chunk_size * workers or workers == 1

    def all_papers() -> Iterator[Paper]:
        yield from head
        yield from stream

    known, merge, finish = merger(overrides, base=base)
    counts: Counter = Counter()
    with Spill(spill_dir) as spill:
        init_extract(known)  # built once here: forked workers inherit it instead of building their own
        pool = None if small else _pool(workers, init_extract, (known,))
        try:
            for part in ordered_map(pool, extract_chunk, chunks(all_papers(), chunk_size), window=window):
                spill.write_frames(part.frames, part.papers)
                stats.rejects.extend(part.rejects)
                merge(part.stats)
                stats.papers_read += part.papers
                stats.mentions += part.mentions
                if progress is not None:
                    progress.tick(part.papers)
        finally:
            if pool is not None:
                pool.shutdown()
        if progress is not None:
            progress.close()
        res = finish()
        stats.resolution_built(res)
        if on_resolution is not None:
            on_resolution(res)
        pool = None if small else _pool(workers, init_apply, (res,))
        if pool is None:
            init_apply(res)
        try:
            for part in ordered_map(pool, apply_chunk, chunks(spill.frames(), out_chunk), window=window, args=(mode,)):
                stats.add_applied(part)
                counts.update(part.entity_papers)
                yield part
        finally:
            if pool is not None:
                pool.shutdown()
            _STATE.pop("resolution", None)
            _STATE.pop("known", None)
    stats.resolution = res.with_paper_counts(counts)


__all__ = ["Applied", "Extracted", "apply_chunk", "apply_resolution", "entity_papers", "learn_names", "learner", "merger",
           "chunks", "default_workers", "expand_inputs", "extract_chunk", "names_only", "ordered_map",
           "read_inputs", "resolve_names", "run_parallel", "shape_output"]
