"""Bulk first load into Neo4j: ``neo4j-admin database import full`` from the same ``GraphRows``.

``UNWIND … MERGE`` is right for incremental loads but a first load of a large corpus is limited by
MERGE of new nodes. The offline importer writes store files directly, an order of magnitude
faster, but only into an empty database with the server stopped. This module:

1. ``BulkWriter`` turns the rows the MERGE path would write into importer input: one gzip CSV
   per node label / relationship (type, start label, end label) and column set, with typed
   headers in separate files. The same MERGE semantics are reproduced in memory: rows with the
   same node key are merged (``SET n += props``: later batches win, ``add_entities`` rows win
   last), relationships are de-duplicated on ``rows.REL_IDENTITY``. Paper and Result nodes and
   every fact relationship are per paper, so they stream to disk; only entity nodes and
   entity links (thousands to a few hundred thousand) are held until ``finish()``;
2. ``import_command`` builds the ``neo4j-admin database import full`` arguments;
3. ``load_local`` stops the local server (``kgbuild.neo4j_local``), runs the importer, starts the
   server again; ``docker_commands`` is what to run for a Docker server instead.

Labels, types, keys and identities all come from ``kgbuild.rows`` (checked through
``stores.base.write_plan``): nothing here names a label of its own.
"""
from __future__ import annotations

import csv
import gzip
import io
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..records import GraphRows
from ..rows import ENTITY_LABELS, REL_IDENTITY
from .base import write_plan

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never in normalised text
_NEO4J_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _type_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        inner = {_type_of(v) for v in value if v is not None}
        if len(inner) > 1:
            raise StoreError(f"Mixed types in list property value {value!r}")
        return (inner.pop() if inner else "string") + "[]"
    t = _NEO4J_TYPES.get(type(value))
    if t is None:
        raise StoreError(f"Cannot bulk-import property value of type {type(value).__name__}: {value!r}")
    return t


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: Any) -> str:
    """One CSV field: null is an empty unquoted field, every string is quoted (so "" stays "")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
        if any(ARRAY_DELIMITER in v for v in items):
            raise StoreError(f"List value contains the array delimiter U+001F: {value!r}")
        return _quote(ARRAY_DELIMITER.join(items))
    if isinstance(value, float):
        return repr(value)
    return str(value)


class _Group:
    """One importer input group: a header file and gzip CSV data, for one label/type and column set."""

    def __init__(self, path: Path, kind: str, name: str, id_spec: tuple[str, ...], columns: tuple[str, ...]):
        self.path, self.kind, self.name, self.id_spec, self.columns = path, kind, name, id_spec, columns
        self.types: dict[str, str] = {}
        self.rows = 0
        self._fh = gzip.open(path.with_suffix(".csv.gz"), "wt", encoding="utf-8", newline="", compresslevel=1)
        self.multiline = False

    def write(self, ids: list[str], props: dict[str, Any], empty_lists: dict | None = None) -> None:
        cells = [_quote(i) for i in ids]
        for col in self.columns:
            v = props.get(col)
            if isinstance(v, (list, tuple)) and not v:
                # the importer reads an empty array field as null; the MERGE path stores []
                if empty_lists is None:
                    raise StoreError(f"{self.name}.{col}: empty list on a relationship cannot be bulk-imported")
                empty_lists.setdefault(ids[0], {})[col] = []
            t = _type_of(v)
            if t is not None:
                old = self.types.setdefault(col, t)
                if old != t:
                    if {old, t} == {"long", "double"}:
                        self.types[col] = "double"
                    else:
                        raise StoreError(f"{self.name}.{col}: values of types {old} and {t} in one import")
            if isinstance(v, str) and ("\n" in v or "\r" in v):
                self.multiline = True
            cells.append(_cell(v))
        self._fh.write(",".join(cells) + "\n")
        self.rows += 1

    def close(self) -> None:
        self._fh.close()
        header = list(self.id_spec) + [f"{c}:{self.types.get(c, 'string')}" for c in self.columns]
        with open(self.path.with_suffix(".header.csv"), "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerow(header)

    @property
    def files(self) -> str:
        return f"{self.path.with_suffix('.header.csv')},{self.path.with_suffix('.csv.gz')}"


@dataclass
class BulkFiles:
    """What ``BulkWriter.finish`` wrote: importer arguments and counts."""

    directory: Path
    nodes: list[tuple[str, str]] = field(default_factory=list)  # (label, "header,data")
    relationships: list[tuple[str, str]] = field(default_factory=list)  # (type, "header,data")
    node_count: int = 0
    relationship_count: int = 0
    multiline: bool = False
    seconds: float = 0.0
    #: written with MERGE after the import: empty-list properties (the importer makes them null)
    after: GraphRows = field(default_factory=GraphRows)


class BulkWriter:
    """Collect ``GraphRows`` batches into neo4j-admin import files under ``directory``.

    Call ``add(rows)`` for fact batches in write order and ``add_entities(rows)`` for the canonical
    entity rows (the last call wins, as the MERGE path's final entity write does), then
    ``finish()``. The graph imported equals the graph the MERGE path writes from the same calls.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._groups: dict[tuple, _Group] = {}
        self._entity_nodes: dict[str, dict[str, dict[str, Any]]] = {}  # label -> key -> props
        self._entity_rels: dict[tuple[str, str, str], dict[tuple, dict[str, Any]]] = {}
        self._empty_lists: dict[str, dict[str, dict[str, list]]] = {}  # label -> key -> {prop: []}
        self._t0 = time.perf_counter()
        self._opened = False

    def _open(self) -> None:
        if not self._opened:
            self.directory.mkdir(parents=True, exist_ok=True)
            for old in list(self.directory.glob("*.csv.gz")) + list(self.directory.glob("*.header.csv")):
                old.unlink()
            self._opened = True

    def _group(self, kind: str, key: tuple, name: str, id_spec: tuple[str, ...], columns: tuple[str, ...]) -> _Group:
        gkey = (kind, key, columns)
        g = self._groups.get(gkey)
        if g is None:
            stem = f"{kind}-{'-'.join(key)}-{len(self._groups):03d}"
            g = self._groups[gkey] = _Group(self.directory / stem, kind, name, id_spec, columns)
        return g

    def _node_row(self, label: str, key: str, props: dict[str, Any]) -> None:
        cols = tuple(sorted(c for c in props if c != "key"))
        g = self._group("nodes", (label,), label, (f"key:ID({label})",), cols)
        g.write([key], props, self._empty_lists.setdefault(label, {}))

    def _rel_row(self, rtype: str, s: str, e: str, row: dict[str, Any]) -> None:
        cols = tuple(sorted(row["props"]))
        g = self._group("rels", (rtype, s, e), rtype, (f":START_ID({s})", f":END_ID({e})"), cols)
        g.write([row["start"], row["end"]], row["props"])

    def add(self, rows: GraphRows) -> None:
        """A batch of fact rows (``rows.to_rows``), in the order the MERGE path would write it."""
        self._open()
        write_plan(rows)  # validates labels and types against rows.py before anything is written
        for label, items in rows.nodes.items():
            if label in ENTITY_LABELS:
                bucket = self._entity_nodes.setdefault(label, {})
                for r in items:
                    bucket.setdefault(r["key"], {}).update(r["props"])  # SET n += row.props
            else:  # Paper / Result: one per paper, never repeated across batches
                for r in items:
                    self._node_row(label, r["key"], r["props"])
        for (rtype, s, e), items in rows.rels.items():
            for r in items:
                self._rel_row(rtype, s, e, r)

    def add_entities(self, rows: GraphRows) -> None:
        """Canonical entity nodes and links (``rows.entity_rows``); later calls win."""
        self._open()
        write_plan(rows)
        for label, items in rows.nodes.items():
            bucket = self._entity_nodes.setdefault(label, {})
            for r in items:
                bucket.setdefault(r["key"], {}).update(r["props"])
        for (rtype, s, e), items in rows.rels.items():
            bucket = self._entity_rels.setdefault((rtype, s, e), {})
            for r in items:
                ident = (r["start"], r["end"]) + tuple(r["props"].get(p) for p in REL_IDENTITY[rtype])
                bucket.setdefault(ident, {"start": r["start"], "end": r["end"], "props": {}})["props"].update(r["props"])

    def finish(self) -> BulkFiles:
        """Write the held entity nodes and links, close every file, write the headers."""
        self._open()
        for label in sorted(self._entity_nodes):
            for key, props in sorted(self._entity_nodes[label].items()):
                self._node_row(label, key, props)
        for (rtype, s, e) in sorted(self._entity_rels):
            for row in self._entity_rels[(rtype, s, e)].values():
                self._rel_row(rtype, s, e, row)
        out = BulkFiles(self.directory)
        out.after = GraphRows(nodes={label: [{"key": k, "props": p} for k, p in sorted(keys.items())]
                                     for label, keys in sorted(self._empty_lists.items()) if keys})
        for g in self._groups.values():
            g.close()
            out.multiline |= g.multiline
            if g.kind == "nodes":
                out.nodes.append((g.name, g.files))
                out.node_count += g.rows
            else:
                out.relationships.append((g.name, g.files))
                out.relationship_count += g.rows
        out.seconds = time.perf_counter() - self._t0
        return out


# --------------------------------------------------------------------------- the importer
def import_args(files: BulkFiles, *, database: str = "neo4j", overwrite: bool = True,
                path_prefix: str | None = None, threads: int | None = None,
                max_off_heap: str | None = "2G") -> list[str]:
    """``database import full`` arguments for ``files`` (paths re-rooted at ``path_prefix`` if given)."""

    def where(spec: str) -> str:
        if path_prefix is None:
            return spec
        return ",".join(f"{path_prefix.rstrip('/')}/{Path(p).name}" for p in spec.split(","))

    # the database goes first: --nodes/--relationships take any number of values after them
    args = ["database", "import", "full", database, f"--overwrite-destination={'true' if overwrite else 'false'}",
            f"--array-delimiter=U+001F", "--id-type=string", "--skip-bad-relationships=true",
            "--bad-tolerance=1000000000",  # relationships to missing nodes are dropped, as MATCH drops them
            f"--multiline-fields={'true' if files.multiline else 'false'}"]
    if threads:
        args.append(f"--threads={threads}")
    if max_off_heap:
        args.append(f"--max-off-heap-memory={max_off_heap}")
    args += [f"--nodes={label}={where(spec)}" for label, spec in files.nodes]
    args += [f"--relationships={rtype}={where(spec)}" for rtype, spec in files.relationships]
    return args


@dataclass
class ImportReport:
    seconds: float  # the neo4j-admin run alone
    nodes: int
    relationships: int
    output: str
    stop_seconds: float = 0.0
    start_seconds: float = 0.0  # restart, constraints and empty-list fix-up

    @property
    def rows_per_second(self) -> float:
        return (self.nodes + self.relationships) / self.seconds if self.seconds else float("inf")


def run_import(files: BulkFiles, *, database: str = "neo4j", config=None, heap: str = "1g",
               threads: int | None = None, max_off_heap: str | None = "2G") -> ImportReport:
    """Run ``neo4j-admin database import full`` for the local server's home (server stopped)."""
    from .. import neo4j_local

    cmd, env = neo4j_local.admin_command(
        import_args(files, database=database, threads=threads, max_off_heap=max_off_heap),
        config=config, heap=heap)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=files.directory)
    seconds = time.perf_counter() - t0
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-20:])
        raise StoreError(f"neo4j-admin database import failed (exit {proc.returncode}):\n{tail}",
                         hint=f"the import files are in {files.directory}")
    return ImportReport(seconds, files.node_count, files.relationship_count, output)


def docker_commands(files: BulkFiles, *, service: str = "neo4j", database: str = "neo4j") -> str:
    """The commands that load ``files`` into the docker-compose Neo4j (printed, not run)."""
    args = import_args(files, database=database, path_prefix="/import", max_off_heap=None)
    mount = f"{files.directory.resolve()}:/import:ro"
    return "\n".join([
        f"docker compose stop {service}",
        f"docker compose run --rm --no-deps -v {shlex.quote(mount)} {service} neo4j-admin "
        + " ".join(shlex.quote(a) for a in args),
        f"docker compose start {service}",
        f"docker compose exec -T {service} cypher-shell -u neo4j -p \"$NEO4J_PASSWORD\" < cypher/schema.cypher",
    ])


def _local_server_for(uri: str):
    """The local kgbuild-managed server answering at ``uri``, or None (Docker, remote, stopped)."""
    from urllib.parse import urlparse

    from .. import neo4j_local

    cfg = neo4j_local.LocalConfig.from_env()
    info = neo4j_local.status(cfg)
    u = urlparse(uri)
    if info is None or u.hostname not in ("localhost", "127.0.0.1", "::1") or (u.port or 7687) != cfg.bolt_port:
        return None
    return cfg


class LocalBulkLoad:
    """Load ``BulkFiles`` into the local server's database: check, stop, import, start, constrain.

    ``check()`` (before any extraction work) refuses a server kgbuild does not manage, and a
    database that already holds nodes unless ``overwrite``. ``load()`` stops the server, runs the
    importer, starts the server again and creates the key constraints.
    """

    def __init__(self, uri: str | None = None, *, overwrite: bool = False, database: str = "neo4j"):
        self.uri = uri
        self.overwrite = overwrite
        self.database = database
        self.config = None

    def _store(self):
        from .neo4j import Neo4jStore

        return Neo4jStore.from_env(self.uri, database=self.database)

    def check(self) -> int:
        """Nodes now in the target database (0 unless ``overwrite``); raises when it cannot load."""
        store = self._store()
        self.uri = store.uri
        self.config = _local_server_for(store.uri)
        if self.config is None:
            raise StoreError(f"--bulk loads only into the local server that `kgbuild neo4j start` runs; "
                             f"{store.uri} is not it (or it is stopped)",
                             hint="for the Docker server use `kgbuild build INPUT --bulk --docker`, "
                                  "which writes the files and prints the commands to run")
        with store:
            n = int(store.run("MATCH (n) RETURN count(n) AS n")[0]["n"])
        if n and not self.overwrite:
            raise StoreError(f"Neo4j database {self.database!r} at {store.uri} is not empty ({n:,} nodes): "
                             f"a bulk import replaces the whole database",
                             hint="add --overwrite to replace it, or load incrementally without --bulk")
        return n

    def load(self, files: BulkFiles, *, log=lambda msg: None) -> ImportReport:
        from .. import neo4j_local

        if self.config is None:
            self.check()
        log(f"stopping Neo4j to import {files.node_count:,} nodes and {files.relationship_count:,} relationships")
        t0 = time.perf_counter()
        neo4j_local.stop(config=self.config)
        stopped = time.perf_counter() - t0
        try:
            log("running neo4j-admin database import full")
            report = run_import(files, database=self.database, config=self.config)
        finally:
            log("starting Neo4j again")
            t1 = time.perf_counter()
            neo4j_local.start(config=self.config)
        with self._store() as store:
            store.ensure_schema()
            if any(files.after.nodes.values()):
                store.write(files.after, batch_size=10_000)
        report.stop_seconds, report.start_seconds = stopped, time.perf_counter() - t1
        return report


__all__ = ["LocalBulkLoad", "ARRAY_DELIMITER", "BulkFiles", "BulkWriter", "ImportReport", "docker_commands", "import_args",
           "run_import"]
