"""The graph store interface and the batched, idempotent writer both backends share.

A store receives ``GraphRows`` (pure data from ``kgbuild.rows``) and writes them with the
templates in ``cypher/write/``: nodes first (``MERGE`` on the key, ``SET n += row.props``), then
relationships (``MATCH`` both endpoints by key, ``MERGE`` on the type's identity properties).
Because every write is a MERGE on deterministic keys, writing the same rows twice, or re-running
a write that failed half way, leaves exactly the same graph.

Labels and relationship types cannot be Cypher parameters, so they are spliced into the
templates, but only after checking them against the fixed vocabulary of ``kgbuild.rows``; every
value travels as a ``$parameter``.
"""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from abc import ABC, abstractmethod
from contextlib import contextmanager
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import builtin_cypher_dir
from ..errors import StoreError
from ..records import GraphRows, WriteStats
from ..rows import NODE_LABELS, PROPERTY_NAMES, REL_IDENTITY, rel_allowed

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def strip_cypher(text: str) -> str:
    """Drop whole-line ``//`` comments and Neo4j Browser ``:param`` lines; keep the statement."""
    keep = [ln for ln in text.splitlines()
            if not ln.lstrip().startswith("//") and not ln.lstrip().startswith(":")]
    return "\n".join(keep).strip().rstrip(";").strip()


def read_cypher(relpath: str, base: Path | None = None) -> str:
    """The statement in ``cypher/<relpath>`` with comments stripped."""
    path = (base or builtin_cypher_dir()) / relpath
    try:
        return strip_cypher(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"Cannot read Cypher file {path}: {exc.strerror or exc}") from None


@lru_cache(maxsize=None)
def _template(name: str, base: str) -> str:
    return read_cypher(f"write/{name}", Path(base))


def node_write_cypher(label: str, template: str = "merge-nodes.cypher") -> str:
    """The node upsert statement (or another ``cypher/write/`` template) for ``label`` (which
    must be in ``rows.NODE_LABELS``)."""
    if label not in NODE_LABELS or not _IDENT.match(label):
        raise StoreError(f"Refusing to write unknown node label {label!r}")
    return _template(template, str(builtin_cypher_dir())).replace("__LABEL__", label)


def rel_write_cypher(rtype: str, start_label: str, end_label: str, template: str = "merge-rels.cypher") -> str:
    """The relationship upsert statement (or another ``cypher/write/`` template) for one (type,
    start label, end label) of the model."""
    if not rel_allowed(rtype, start_label, end_label) or not all(
            _IDENT.match(x) for x in (rtype, start_label, end_label)):
        raise StoreError(f"Refusing to write unknown relationship {rtype} {start_label}->{end_label}")
    ident = REL_IDENTITY[rtype]
    for prop in ident:
        if prop not in PROPERTY_NAMES or not _IDENT.match(prop):  # pragma: no cover - model bug
            raise StoreError(f"Identity property {prop!r} of {rtype} is not in the model")
    ident_map = "{" + ", ".join(f"{p}: row.props.{p}" for p in ident) + "}" if ident else ""
    return (_template(template, str(builtin_cypher_dir()))
            .replace("__TYPE__", rtype).replace("__START__", start_label)
            .replace("__END__", end_label).replace(" __IDENTITY__", " " + ident_map if ident_map else ""))


def batched(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows."""
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def write_plan(rows: GraphRows) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(kind, cypher, rows) per label/type, in write order: nodes by label, then relationships.

    Validates every label and type before anything is written, so a bad row set fails whole.
    """
    plan: list[tuple[str, str, list[dict[str, Any]]]] = []
    unknown = sorted(set(rows.nodes) - set(NODE_LABELS))
    if unknown:
        raise StoreError(f"Refusing to write unknown node labels: {', '.join(unknown)}")
    for label in NODE_LABELS:
        if rows.nodes.get(label):
            plan.append(("node", node_write_cypher(label), rows.nodes[label]))
    for (rtype, s, e) in sorted(rows.rels):
        if rows.rels[(rtype, s, e)]:
            plan.append(("rel", rel_write_cypher(rtype, s, e), rows.rels[(rtype, s, e)]))
    return plan


class GraphStore(ABC):
    """A graph database kgbuild can write rows to and run catalogue queries on.

    Constructors only store their arguments; ``open()`` connects (starting a server if the
    backend needs one) and ``close()`` releases it. Use as a context manager.
    """

    name = "store"

    def describe(self) -> str:
        """Where the graph lives, for the one-line run summary."""
        return self.name

    # -- lifecycle ---------------------------------------------------------------
    @abstractmethod
    def open(self) -> "GraphStore":
        """Connect (idempotent). Raises ``StoreUnavailable`` with a hint when it cannot."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (idempotent)."""

    def __enter__(self) -> "GraphStore":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- backend primitives --------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the key constraints / indexes (idempotent)."""

    @abstractmethod
    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement; rows as dicts of plain Python values (same shape on every backend)."""

    def run_read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Like ``run``, but in read-only mode: a statement that writes fails with ``StoreError``
        and changes nothing (catalogue queries use this, so a ``.cypher`` file that deletes
        cannot touch the graph). Backends override it with their read-only primitive."""
        raise StoreError(f"{type(self).__name__} has no read-only query mode")

    @abstractmethod
    def _write_batch(self, cypher: str, batch: Sequence[dict[str, Any]]) -> None:
        """Run one write template on one batch as one (retried) transaction."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (the schema stays)."""

    # -- shared behaviour --------------------------------------------------------------
    #: concurrent write transactions; >1 only pays off on a server with spare cores (Neo4j)
    write_workers: int = 1

    def write(self, rows: GraphRows, *, batch_size: int = 1000) -> WriteStats:
        """Upsert ``rows`` in batches: all nodes first, then all relationships.

        With ``write_workers > 1`` the batches of one phase run concurrently (nodes, then a
        barrier, then relationships); lock conflicts between them are transient errors the
        driver retries, which is safe because every batch is an idempotent MERGE.
        """
        if batch_size < 1:
            raise StoreError(f"batch_size must be at least 1 (got {batch_size})")
        plan = write_plan(rows)
        stats = WriteStats()
        t0 = time.perf_counter()
        for phase in ("node", "rel"):
            jobs = [(cypher, batch) for kind, cypher, items in plan if kind == phase
                    for batch in batched(items, batch_size)]
            if self.write_workers > 1 and len(jobs) > 1:
                with ThreadPoolExecutor(max_workers=self.write_workers) as pool:
                    for fut in [pool.submit(self._write_batch, c, b) for c, b in jobs]:
                        fut.result()  # re-raises the first failure after the pool drains
            else:
                for cypher, batch in jobs:
                    self._write_batch(cypher, batch)
            stats.batches += len(jobs)
            n = sum(len(b) for _, b in jobs)
            if phase == "node":
                stats.nodes += n
            else:
                stats.relationships += n
        stats.seconds = time.perf_counter() - t0
        return stats

    # -- replacing the whole graph (build --fresh) ---------------------------------------
    def begin_fresh(self) -> None:
        """Start replacing the whole graph; ``commit_fresh`` finishes, ``abort_fresh`` gives up.

        The pipeline calls this only after the input was read, extracted and resolved. This
        default, for a server with one database (Neo4j Community), empties the graph now; a
        backend that can build aside and swap (the embedded store) overrides all three.
        """
        self.clear()

    def commit_fresh(self) -> None:
        """The new graph is complete: make it the graph (no-op when ``begin_fresh`` cleared)."""

    def abort_fresh(self) -> None:
        """The new graph failed half way: drop it and keep the previous one, where possible."""

    # -- one writer at a time -------------------------------------------------------------
    def lock_path(self) -> Path:
        """The file whose lock marks "a build is writing to this graph" (per graph, per machine)."""
        import hashlib

        from ..config import kgbuild_home

        digest = hashlib.sha1(self.describe().encode("utf-8")).hexdigest()[:16]
        return kgbuild_home() / "locks" / f"{self.name}-{digest}.lock"

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the writer lock for the duration of a build, or fail at once naming the holder.

        An advisory ``flock`` on ``lock_path()``: released by the kernel when the holder exits,
        even by kill -9, so a crashed build never leaves the graph locked.
        """
        import fcntl
        import os

        from ..config import private_dir

        path = self.lock_path()
        private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                raise StoreError(f"Another build is running on {self.describe()} (pid {holder})",
                                 hint="wait for it to finish, then run this build again") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def graph_size(self) -> tuple[int, int]:
        """(nodes, relationships) in the graph now."""
        counts = self.counts()
        nodes = sum(n for k, n in counts.items() if k in NODE_LABELS)
        return nodes, sum(counts.values()) - nodes

    def counts(self) -> dict[str, int]:
        """Node count per label and relationship count per type, in one flat sorted dict."""
        out: dict[str, int] = {}
        for row in self.run_read(read_cypher("admin/count-nodes.cypher"), {}):
            out[row["label"]] = int(row["n"])
        for row in self.run_read(read_cypher("admin/count-rels.cypher"), {}):
            out[row["type"]] = int(row["n"])
        return dict(sorted(out.items()))
