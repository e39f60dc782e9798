"""The whole job, streaming: read → extract → resolve → rows → store.

Resolution is corpus-level (an acronym defined in one paper resolves a bare mention in another), so
the pipeline makes two passes without holding the corpus in memory:

1. read and extract each paper (``nlp.pipe`` in batches), spill the full extraction records to a
   temporary file (``spill``), and let a ``ResolutionBuilder`` learn names and definitions;
2. build the ``Resolution``, read the spill back, apply it, and hand each batch on (to ``rows`` +
   a store for ``build``, to a schema JSONL file for ``extract_file``).

Memory grows with the number of distinct names, not with the number of papers.

Incremental builds: ``build`` saves the resolution next to the graph (``store_state_path``) and
the next build into the same graph continues it (see ``kgbuild.resolve``): new papers are added
with names resolved against everything the graph holds, existing entities keep their names, and
only the entities the new papers touch are rewritten.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import kgbuild_home  # the one state location (re-exported for callers)
from .errors import ConfigError, KgbuildError
from .records import Extraction, Paper, Reject
from .spill import Spill

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
    nodes: int = 0  # node rows upserted (one node may be upserted several times)
    relationships: int = 0  # relationship rows upserted
    graph_nodes: int | None = None  # nodes in the graph after the build (what the summary reports)
    graph_relationships: int | None = None
    seconds: float = 0.0
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: str | None = None
    target: str = ""
    incremental: bool = False  # continued the resolution saved with an existing graph
    new_papers: int = 0  # papers not in the graph before this run
    deferred: list[str] = field(default_factory=list)  # changes to existing entities not made (see resolve)
    warnings: list[str] = field(default_factory=list)
    resolution: object = field(default=None, repr=False)  # the final Resolution (exact paper counts)
    stages: dict = field(default_factory=dict)  # seconds per stage, when a command times them

    def summary(self) -> str:
        parts = [f"{self.papers_read} papers read", f"{self.rejected} rejected",
                 f"{self.entities} entities", f"{self.results} results", f"{self.claims} claims"]
        if self.graph_nodes is not None:  # counted in the store: upserts of one node are not new nodes
            parts.append(f"{self.graph_nodes} nodes / {self.graph_relationships} relationships in the graph")
        parts.append(f"{self.seconds:.1f}s")
        line = ", ".join(parts)
        if self.target:
            line += f" → {self.target}"
        if self.rejected and self.rejects_path:
            line += f" (rejects: {self.rejects_path})"
        if self.incremental:
            line += f" ({self.new_papers} new to the existing graph)"
        for w in self.warnings:
            line += f"\nwarning: {w}"
        if self.deferred:
            line += (f"\n{len(self.deferred)} existing entit(y/ies) kept as they are where the corpus now "
                     "suggests a change (nodes never change behind your back; make a change with "
                     "resolution.json, or take them all with a --fresh rebuild):")
            line += "".join(f"\n  {d}" for d in self.deferred[:20])
            if len(self.deferred) > 20:
                line += f"\n  … {len(self.deferred) - 20} more"
        return line

    def resolution_built(self, res) -> None:
        """Record what pass 1 resolved (entity count, changes an incremental build did not make)."""
        self.entities = res.entity_count()
        self.deferred = res.changes()

    def add_applied(self, part) -> None:
        """Add the counts of one applied chunk (``parallel.Applied``) of pass 2."""
        self.results += part.results
        self.claims += part.claims
        self.proposes += part.proposes
        self.new_papers += part.new_papers

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rejects"] = [r.to_dict() for r in self.rejects]
        d.pop("resolution", None)
        return d


class Progress:
    """Papers done so far, on stderr, only when stderr is a terminal and not quiet (stdout stays clean).

    Drawn by rich (a spinner, the count, the rate, the elapsed time; the total is unknown while the
    input streams), started on the first tick and erased on ``close``.
    """

    def __init__(self, label: str, *, quiet: bool = False, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.n = 0
        self.t0 = time.perf_counter()
        self._bar = None
        self._task = None

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}: {task.completed:,.0f} papers"),
                                 TextColumn("({task.fields[rate]:,.0f}/s)"), TimeElapsedColumn(),
                                 console=Console(file=self.stream, stderr=True), transient=True)
        self._task = self._bar.add_task(self.label, total=None, rate=0.0)
        self._bar.start()

    def tick(self, n: int = 1) -> None:
        self.n += n
        if not self.enabled:
            return
        if self._bar is None:
            self._start()
        rate = self.n / max(time.perf_counter() - self.t0, 1e-9)
        self._bar.update(self._task, completed=self.n, rate=rate)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# --------------------------------------------------------------------------- stages wired together
def iter_papers(inputs, *, rejects: list[Reject], fmt: str | None = None) -> Iterator[Paper]:
    """The papers of one input, several, or a glob (``parallel.expand_inputs``), in order."""
    from .parallel import expand_inputs, read_inputs

    return read_inputs(expand_inputs(inputs), fmt=fmt, rejects=rejects)


def iter_extractions(input_path, *, rejects: list[Reject], fmt: str | None = None, nlp=None,
                     batch_size: int = 256) -> Iterator[Extraction]:
    """Read ``input_path`` (a file, a list of files or a glob) and yield one (unresolved)
    ``Extraction`` per good paper."""
    papers = iter_papers(input_path, fmt=fmt, rejects=rejects)
    # a paper that makes extraction raise becomes a reject, not a crash of the whole run
    from .extract import extract_isolated

    yield from extract_isolated(papers, rejects=rejects, nlp=nlp, batch_size=batch_size)


def resolution_builder(overrides: str | Path | None = None):
    """A ``ResolutionBuilder`` with the user's overrides (``./resolution.json`` when present)."""
    from .resolve import ResolutionBuilder, load_overrides

    path = overrides
    if path is None and Path(DEFAULT_OVERRIDES).exists():
        path = DEFAULT_OVERRIDES
    return ResolutionBuilder(overrides=load_overrides(path) if path else None)


def resolved_extractions(input_path: str | Path, *, stats: RunStats, fmt: str | None = None, nlp=None,
                         overrides: str | Path | None = None, batch_size: int = 256, quiet: bool = True,
                         spill_dir: str | Path | None = None, base=None,
                         on_resolution: Callable[[object], None] | None = None) -> Iterator[Extraction]:
    """Two-pass streaming resolution (see module docstring); yields resolved extractions.

    ``base`` (a saved resolution: ``SavedState`` or its path) is continued rather than starting
    afresh. ``on_resolution`` is called with the ``Resolution`` before the first record is yielded,
    so a caller can write entity nodes before the facts that point at them. When the generator is
    exhausted, ``stats.resolution`` holds the resolution with exact paper counts.
    """
    builder = resolution_builder(overrides)
    if base is not None:
        builder.extend(base)
    t0 = time.perf_counter()
    progress = Progress("extracting", quiet=quiet)
    with Spill(spill_dir) as spill:  # an anonymous temporary file: nothing left behind, even on kill -9
        for ex in iter_extractions(input_path, rejects=stats.rejects, fmt=fmt, nlp=nlp, batch_size=batch_size):
            stats.papers_read += 1
            stats.mentions += len(ex.entities)
            builder.learn(ex)
            spill.write(ex)
            progress.tick()
        progress.close()
        _count_rejects(stats)
        res = builder.build()
        stats.resolution_built(res)
        if on_resolution is not None:
            on_resolution(res)
        counts: Counter = Counter()
        for ex in spill.records():
            ex = res.apply(ex)
            if res.is_new_paper(ex.paper.id):
                stats.new_papers += 1
                counts.update(res.count_papers([ex]))
            stats.results += len(ex.results)
            stats.claims += len(ex.comparisons)
            stats.proposes += len(ex.proposes)
            yield ex
    stats.resolution = res.with_paper_counts(counts)
    stats.seconds = time.perf_counter() - t0


def _count_rejects(stats: RunStats) -> None:
    from .read import is_warning

    # a "warning" reject (a dropped non-integer year) kept its paper: not counted as rejected
    stats.rejected = sum(1 for r in stats.rejects if not is_warning(r))


def _parallel(input_path, *, stats: RunStats, fmt, overrides, workers: int, mode: str, quiet: bool,
              out_chunk: int = 500, base=None, on_resolution=None):
    """``parallel.run_parallel`` over the input's papers (``workers`` processes); yields ``Applied``."""
    from .parallel import run_parallel

    t0 = time.perf_counter()
    papers = iter_papers(input_path, fmt=fmt, rejects=stats.rejects)
    yield from run_parallel(papers, stats=stats, workers=workers, mode=mode, overrides=overrides,
                            out_chunk=out_chunk, base=base, on_resolution=on_resolution,
                            progress=Progress("extracting", quiet=quiet))
    _count_rejects(stats)
    stats.seconds = time.perf_counter() - t0


def _write_rejects(stats: RunStats, rejects_path: str | Path | None) -> None:
    """Write this run's rejects report; with none, remove a stale report from an earlier run."""
    path = Path(rejects_path) if rejects_path else kgbuild_home() / "rejects.jsonl"
    if not stats.rejects:
        try:
            path.unlink()  # a report left by an earlier run would describe the wrong input
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise KgbuildError(f"{path}: cannot remove the stale rejects report: {exc.strerror or exc}") from None
        return
    from .config import private_dir
    from .read import write_rejects

    if not rejects_path:
        private_dir(path.parent)
    write_rejects(stats.rejects, path)
    stats.rejects_path = str(path)


def _check_output(input_path: str | Path, output: str | Path) -> Path:
    """The ``.part`` file to write before renaming onto ``output``; refuse to overwrite the input."""
    out = Path(output)
    inputs = [input_path] if isinstance(input_path, (str, os.PathLike)) else list(input_path)
    try:
        same = out.exists() and any(Path(i).exists() and out.resolve() == Path(i).resolve() for i in inputs)
    except OSError:
        same = False
    if same:
        raise ConfigError(f"{output}: the output file is the input file; refusing to overwrite it",
                          hint="pass another -o/--output")
    if out.is_dir():
        raise ConfigError(f"{output}: is a directory, expected an output file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{output}: cannot create its folder: {exc.strerror or exc}") from None
    tmp = Path(str(output) + ".part")
    try:
        tmp.open("w", encoding="utf-8").close()
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write here: {exc.strerror or exc}",
                          hint="choose a writable -o/--output") from None
    return tmp


def extract_file(input_path: str | Path, output: str | Path, *, fmt: str | None = None, nlp=None,
                 overrides: str | Path | None = None, rejects_path: str | Path | None = None,
                 full: bool = False, quiet: bool = True, workers: int = 1) -> RunStats:
    """``kgbuild extract``: write one EXTRACTION-SCHEMA.md record per paper (names after resolution).

    ``full=True`` writes the full records with provenance (evidence sentences, offsets, rule ids)
    instead of the bare schema record. ``output`` may be ``"-"`` for stdout. ``workers > 1``
    extracts in that many processes (``kgbuild.parallel``); the output is identical.
    """
    stats = RunStats(target=str(output))
    out = sys.stdout if str(output) == "-" else None
    tmp = None if out is not None else _check_output(input_path, output)
    ok = False
    try:
        fh = out if out is not None else open(tmp, "w", encoding="utf-8")
        try:
            if workers > 1:
                for part in _parallel(input_path, stats=stats, fmt=fmt, overrides=overrides, workers=workers,
                                      mode="full" if full else "schema", quiet=quiet):
                    fh.write(part.output)
            else:
                for ex in resolved_extractions(input_path, stats=stats, fmt=fmt, nlp=nlp, overrides=overrides,
                                               quiet=quiet):
                    fh.write(json.dumps(ex.to_dict() if full else ex.to_schema(), ensure_ascii=False))
                    fh.write("\n")
        finally:
            if out is None:
                fh.close()
        if tmp is not None:
            tmp.replace(output)  # the output appears whole or not at all
        ok = True
    except OSError as exc:
        raise KgbuildError(f"{output}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and not ok:
            tmp.unlink(missing_ok=True)  # no OUT.part left behind by a failed run
    _write_rejects(stats, rejects_path or (None if out is not None else Path(str(output) + ".rejects.jsonl")))
    return stats


def row_batches(input_path, *, stats: RunStats, fmt: str | None = None, nlp=None,
                overrides: str | Path | None = None, quiet: bool = True, papers_per_batch: int = 500,
                workers: int = 1, base=None, scheduler: str | None = None, n_workers: int | None = None,
                partition_size: int = 2000,
                on_resolution: Callable[[object], None] | None = None) -> Iterator["GraphRows"]:
    """``GraphRows`` of each batch of ``papers_per_batch`` resolved papers, in input order.

    ``on_resolution`` gets the ``Resolution`` before the first batch; ``stats.resolution`` holds
    it with exact paper counts once the batches are exhausted. The rows are the same for any
    number of ``workers``, and on a Dask cluster (``scheduler``: an address, or ``"local"`` for a
    LocalCluster of ``n_workers``). ``base`` continues a saved resolution (incremental builds).
    """
    from .rows import to_rows

    if scheduler:
        from .distributed import dask_client, distributed_batches

        t0 = time.perf_counter()
        with dask_client(scheduler, n_workers=n_workers) as client:
            papers = iter_papers(input_path, fmt=fmt, rejects=stats.rejects)
            for part in distributed_batches(papers, client=client, stats=stats, overrides=overrides, base=base,
                                            partition_size=partition_size, papers_per_batch=papers_per_batch,
                                            on_resolution=on_resolution):
                yield part.output
        _count_rejects(stats)
        stats.seconds = time.perf_counter() - t0
        return
    if workers > 1:
        for part in _parallel(input_path, stats=stats, fmt=fmt, overrides=overrides, workers=workers,
                              mode="rows", quiet=quiet, out_chunk=papers_per_batch, base=base,
                              on_resolution=on_resolution):
            yield part.output
        return
    batch: list[Extraction] = []
    for ex in resolved_extractions(input_path, stats=stats, fmt=fmt, nlp=nlp, overrides=overrides,
                                   quiet=quiet, base=base, on_resolution=on_resolution):
        batch.append(ex)
        if len(batch) >= papers_per_batch:
            yield to_rows(batch)
            batch = []
    if batch:
        yield to_rows(batch)


def store_state_path(store) -> Path:
    """Where the resolution of ``store``'s graph is saved: ``resolution.json.gz`` in the embedded
    store's folder, or one file per Neo4j server and database under the kgbuild home."""
    data_dir = getattr(store, "data_dir", None)
    if data_dir is not None:
        return Path(data_dir) / "resolution.json.gz"
    import hashlib

    ident = store.describe().encode("utf-8")
    return kgbuild_home() / "resolution" / f"{hashlib.sha1(ident).hexdigest()[:16]}.json.gz"


def _saved_base(store, stats: RunStats):
    """The saved resolution this build continues, or None for an empty graph (or none saved)."""
    from .resolve import SavedState

    path = store_state_path(store)
    papers = store.counts().get("Paper", 0)
    if papers == 0:
        return None  # an empty graph starts afresh (a stale file is replaced at the end)
    if not path.exists():
        stats.warnings.append(
            f"the graph holds {papers} papers but no saved resolution ({path}); the new papers are "
            "resolved among themselves only (rebuild everything with --fresh to resolve the whole corpus)")
        return None
    base = SavedState.read(path)
    if len(base.stats.papers) != papers:
        stats.warnings.append(f"the saved resolution knows {len(base.stats.papers)} papers, the graph "
                              f"holds {papers} (changed by another tool?); continuing with the saved one")
    return base


def build(input_path: str | Path, *, store=None, neo4j_uri: str | None = None, fmt: str | None = None,
          nlp=None, overrides: str | Path | None = None, rejects_path: str | Path | None = None,
          batch_size: int = 1000, papers_per_batch: int = 500, fresh: bool = False,
          quiet: bool = True, workers: int = 1, scheduler: str | None = None,
          n_workers: int | None = None, partition_size: int = 2000) -> RunStats:
    """``kgbuild build``: read → extract → resolve → write to Neo4j (``neo4j_uri``) or the embedded store.

    The write is idempotent (MERGE on key constraints): building the same input twice leaves the
    same graph. Into a graph that already holds papers, the build is incremental: resolution
    continues the one saved with the graph (see the module docstring). ``input_path`` may be a
    list of files or a glob; ``workers > 1`` extracts and builds rows in that many processes,
    ``scheduler`` on a Dask cluster (``kgbuild.distributed``); the graph is the same.

    ``fresh=True`` replaces the graph and starts a new resolution, but only once the input has
    been read, extracted and resolved without error (pass 1): a bad path, a CSV without an
    ``abstract`` column, an input with no good record or a crash before then leaves the previous
    graph (and its saved resolution) as it was. The embedded store then builds into a staging
    graph and swaps it in atomically at the end (``GraphStore.begin_fresh``/``commit_fresh``); see
    docs/robustness.md for Neo4j.

    One writer per graph: a second build on the same store waits for nothing and fails with
    "another build is running" (``GraphStore.writer_lock``). No good record at all raises
    ``ReadError`` (after writing the rejects report), so the CLI exits non-zero.
    """
    from .errors import ReadError
    from .rows import entity_rows
    from .stores import open_store

    own_store = store is None
    if own_store:
        store = open_store(neo4j_uri)
    stats = RunStats()
    staged: list[bool] = []
    try:
        if own_store:
            store.open()
        stats.target = store.describe()
        with store.writer_lock():
            if not fresh:
                store.ensure_schema()
            base = None if fresh else _saved_base(store, stats)
            stats.incremental = base is not None
            base_keys = {(c.type, c.key) for c in base.clusters} if base is not None else None

            def entities_to_write(res, touched=None):
                if base_keys is None:
                    return res.entities()
                return res.entities(only=lambda t, k: (t, k) not in base_keys or (touched is not None and (t, k) in touched))

            def write_entities(res) -> None:
                # Pass 1 is complete here: the whole input was read, extracted and resolved.
                if stats.papers_read == 0:
                    raise ReadError(f"{input_path}: no paper could be read ({stats.rejected} rejected); "
                                    "the graph was left as it was",
                                    hint="see the rejects report for each record's file, line and reason")
                if fresh:  # only now is the previous graph replaced
                    store.begin_fresh()
                    staged.append(True)
                    store.ensure_schema()
                # Entity nodes go first: the facts written next MATCH them as endpoints. In an
                # incremental build only the entities new to the graph (counts come at the end).
                ws = store.write(entity_rows(entities_to_write(res), res.links()), batch_size=batch_size)
                stats.nodes += ws.nodes
                stats.relationships += ws.relationships

            for rows in row_batches(input_path, stats=stats, fmt=fmt, nlp=nlp, overrides=overrides,
                                    quiet=quiet, papers_per_batch=papers_per_batch, workers=workers, base=base,
                                    scheduler=scheduler, n_workers=n_workers, partition_size=partition_size,
                                    on_resolution=write_entities):
                ws = store.write(rows, batch_size=batch_size)
                stats.nodes += ws.nodes
                stats.relationships += ws.relationships
            res = stats.resolution
            if res is not None:
                # Paper counts are exact only once pass 2 has applied every paper: MERGE them again
                # (same keys, so nothing is duplicated; only ``papers`` can change).
                touched = set(res.paper_counts or ())
                store.write(entity_rows(entities_to_write(res, touched), res.links()), batch_size=batch_size)
            if staged:
                store.commit_fresh()
                staged.clear()
            if res is not None:
                res.save(store_state_path(store))  # after the swap: the file always matches the graph
            stats.graph_nodes, stats.graph_relationships = store.graph_size()
    except BaseException:
        if staged:
            store.abort_fresh()  # the previous graph stays (embedded); see docs/robustness.md
        raise
    finally:
        if own_store:
            store.close()
        _write_rejects(stats, rejects_path)
    return stats


def build_bulk(input_path, *, neo4j_uri: str | None = None, fmt: str | None = None,
               overrides: str | Path | None = None, rejects_path: str | Path | None = None,
               import_dir: str | Path | None = None, overwrite: bool = False, docker: bool = False,
               papers_per_batch: int = 500, workers: int = 1, scheduler: str | None = None, quiet: bool = True,
               log=lambda msg: None) -> RunStats:
    """``kgbuild build --bulk``: the same rows as ``build``, loaded with ``neo4j-admin database import``.

    Checks the target first (the local server, empty unless ``overwrite``), writes the import
    files to ``import_dir`` (default ``$KGBUILD_HOME/import``), then stops the server, imports,
    restarts it and creates the constraints (``stores.bulk``). ``docker=True`` only writes the
    files and puts the commands to run in ``stats.target``.
    """
    from .rows import entity_rows
    from .stores.bulk import BulkWriter, LocalBulkLoad, docker_commands

    target = None if docker else LocalBulkLoad(neo4j_uri, overwrite=overwrite)
    if target is not None:
        target.check()
    stats = RunStats()
    writer = BulkWriter(import_dir or kgbuild_home() / "import")

    def entities(res) -> None:
        writer.add_entities(entity_rows(res.entities(), res.links()))

    for rows in row_batches(input_path, stats=stats, fmt=fmt, overrides=overrides, quiet=quiet,
                            papers_per_batch=papers_per_batch, workers=workers, scheduler=scheduler,
                            on_resolution=entities):
        writer.add(rows)
    res = stats.resolution
    if res is not None:  # exact paper counts
        writer.add_entities(entity_rows(res.entities(), res.links()))
    files = writer.finish()
    stats.nodes, stats.relationships = files.node_count, files.relationship_count
    stats.stages = {"extract_resolve_rows_files": round(files.seconds, 1)}
    if target is None:
        stats.target = "import files in " + str(files.directory) + "; run:\n" + docker_commands(files)
    else:
        report = target.load(files, log=log)
        stats.stages["server_stop"] = round(report.stop_seconds, 1)
        if res is not None:  # the next (incremental) build into this database continues it
            from .stores import make_store

            res.save(store_state_path(make_store(neo4j_uri)))
        stats.stages["neo4j_admin_import"] = round(report.seconds, 1)
        stats.stages["server_start_constraints"] = round(report.start_seconds, 1)
        stats.target = f"Neo4j {target.uri} via neo4j-admin import ({report.rows_per_second:,.0f} rows/s)"
    stats.seconds = sum(stats.stages.values())
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
