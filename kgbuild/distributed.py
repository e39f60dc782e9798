"""Extraction and row building as Dask tasks, for corpora beyond one machine.

The same map / reduce / map as ``kgbuild.parallel``, with ``dask.distributed`` instead of a local
process pool:

1. **map** — the driver reads the inputs (one stream: rejects keep file and line, duplicate ids
   are caught across files) and submits partitions of ``partition_size`` papers. Each task
   extracts its partition (``parallel.extract_chunk``) and *keeps the result on the worker* as
   spill frames (``kgbuild.spill``: pickled records); a second, tiny task per partition returns
   only the partition's name statistics (``parallel.learn_names``: a ``NameStats`` over its
   distinct names) to the driver. The driver never holds Docs or full extractions, only one
   partition of papers on its way out;
2. **reduce** — the driver merges the statistics in input order and builds the ``Resolution``
   from distinct names only (``parallel.merger``, the seam shared with the process-pool path; an
   incremental build continues the saved one, and the ids of the papers it holds go to the
   workers once, so their statistics skip them), then broadcasts it to every worker once;
3. **map** — per partition, a task applies the resolution and builds ``GraphRows`` for each batch
   of ``papers_per_batch`` papers (the same batches as a one-process build, so the same graph);
   the driver gathers them in order, a few partitions at a time, and releases the partition.

Writing stays ``pipeline.build``'s (``build(..., scheduler=ADDRESS)``; ``pipeline.row_batches``
yields these batches), so a Dask build has the same safe ``--fresh``, writer lock and incremental
updates as a local one.

Workers need kgbuild installed (the same version as the driver) and nothing else: papers travel
with the tasks, so workers need no access to the input files. See ``docs/scale.md``.
"""
from __future__ import annotations

import time
from collections import Counter, deque
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import ConfigError, KgbuildError
from .parallel import (
    Applied,
    chunks,
    default_workers,
    extract_chunk,
    merger,
    shape_output,
)
from .records import Extraction, GraphRows, Paper, Reject


# --------------------------------------------------------------------------- tasks (run on workers)
def task_extract(papers: list[Paper], known: frozenset = frozenset()):
    """Map 1: the partition's extraction (spill frames and name statistics); it stays on the worker."""
    return extract_chunk(papers, known=known)


def task_names(part) -> tuple[object, int, int, list[Reject]]:
    """What the driver needs of a partition for resolution: its name statistics (``NameStats``),
    paper and mention counts, and the papers whose extraction raised (rejects with file and line)."""
    return part.stats, part.papers, part.mentions, part.rejects


def task_rows(part, resolution, papers_per_batch: int, mode: str = "rows") -> list[Applied]:
    """Map 2: apply the resolution to the partition and shape each batch (``GraphRows`` by default)."""
    from .parallel import apply_resolution
    from .spill import frames_of, unframe

    out = []
    for batch in chunks(frames_of(part.frames), papers_per_batch):
        resolved = [apply_resolution(resolution, unframe(fr)) for fr in batch]
        out.append(shape_output(resolved, mode, is_new=resolution.is_new_paper))
    return out


# --------------------------------------------------------------------------- driver
@contextmanager
def dask_client(scheduler: str, *, n_workers: int | None = None, memory_limit: str = "2GiB"):
    """A ``distributed.Client``: to the scheduler at ``scheduler``, or a LocalCluster for ``"local"``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise ConfigError("--scheduler needs dask.distributed", hint="pip install 'dask[distributed]'") from exc
    if scheduler == "local":
        cluster = LocalCluster(n_workers=n_workers or default_workers(), threads_per_worker=1, processes=True,
                               memory_limit=memory_limit, dashboard_address=None)
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise KgbuildError(f"Cannot reach the Dask scheduler at {scheduler}: {exc}",
                           hint="start one with `dask scheduler` (workers: `dask worker ADDRESS`), "
                                "or use --scheduler local") from None
    try:
        yield client
    finally:
        client.close()


def distributed_batches(papers: Iterator[Paper], *, client, stats, overrides=None, partition_size: int = 2000,
                        papers_per_batch: int = 500, window: int | None = None, mode: str = "rows",
                        base=None, on_resolution: Callable[[object], None] | None = None) -> Iterator[Applied]:
    """The three steps above on ``client``; yields one ``Applied`` per batch, in input order.

    ``on_resolution`` gets the ``Resolution`` before the first batch; ``stats.resolution`` holds it
    with exact paper counts at the end (as ``parallel.run_parallel``).

    ``partition_size`` is rounded up to a multiple of ``papers_per_batch`` so batches never
    straddle partitions (the rows are then cut exactly as one process cuts them).
    """
    partition_size = max(1, -(-partition_size // papers_per_batch)) * papers_per_batch
    window = window or 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
    parts = []
    known, merge, finish = merger(overrides, base=base)
    known_fut: object = frozenset()
    if known:  # (a list of one: scatter sends a bare set element by element)
        [known_fut] = client.scatter([known], broadcast=True, hash=False)
    name_futs: deque = deque()

    def drain(limit: int) -> None:
        while len(name_futs) > limit:
            part_stats, n, mentions, rejects = name_futs.popleft().result()
            stats.rejects.extend(rejects)
            merge(part_stats)  # in input order: the same statistics as learning paper by paper
            stats.papers_read += n
            stats.mentions += mentions

    for part_papers in chunks(papers, partition_size):
        fut = client.submit(task_extract, part_papers, known_fut, pure=False)
        parts.append(fut)
        name_futs.append(client.submit(task_names, fut, pure=False))
        drain(window)
    drain(0)
    from .pipeline import _count_rejects

    _count_rejects(stats)  # before on_resolution: build() refuses an input with no good record
    res = finish()
    stats.resolution_built(res)
    if on_resolution is not None:
        on_resolution(res)
    res_fut = client.scatter(res, broadcast=True, hash=False)
    counts: Counter = Counter()
    pending: deque = deque()
    parts_left = deque(parts)
    parts.clear()
    while parts_left or pending:
        while parts_left and len(pending) < window:
            part = parts_left.popleft()
            pending.append((part, client.submit(task_rows, part, res_fut, papers_per_batch, mode, pure=False)))
        part, fut = pending.popleft()
        applied = fut.result()
        part.release()
        fut.release()
        for a in applied:
            stats.add_applied(a)
            counts.update(a.entity_papers)
            yield a
    stats.resolution = res.with_paper_counts(counts)


def build_distributed(inputs, *, scheduler: str, **kw):
    """``kgbuild build INPUT... --scheduler ADDRESS``: ``pipeline.build`` with extraction and rows on Dask.

    The graph equals ``pipeline.build``'s for the same input (``tests/test_distributed.py``).
    """
    from .pipeline import build

    return build(inputs, scheduler=scheduler, **kw)


__all__ = ["build_distributed", "dask_client", "distributed_batches", "task_extract", "task_names", "task_rows"]
