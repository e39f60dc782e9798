"""Neo4j store over the official driver.

Every write batch is one ``driver.execute_query`` call: a managed transaction that the driver
retries on transient errors (leader switch, deadlock), which is safe because the write
templates are MERGEs on deterministic keys. Connection problems surface once, in ``open()``, as
``StoreUnavailable`` with the URI and a next step, never as a driver traceback.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..config import Neo4jSettings, builtin_cypher_dir, neo4j_settings
from ..errors import StoreError, StoreUnavailable
from ..records import GraphRows, WriteStats
from ..rows import NODE_LABELS, REL_IDENTITY, REL_SCHEMA
from .base import GraphStore, node_write_cypher, read_cypher, rel_write_cypher, strip_cypher

_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})
START_HINT = "Try: kgbuild neo4j start (or set NEO4J_URI / NEO4J_PASSWORD, e.g. in .env)"


def _schema_statements() -> list[str]:
    """The statements of ``cypher/schema.cypher`` (comment lines dropped, split on ``;``)."""
    path = builtin_cypher_dir() / "schema.cypher"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror or exc}") from None
    body = strip_cypher(text)
    return [s.strip() for s in body.split(";") if s.strip()]


@lru_cache(maxsize=1)
def _merge_targets() -> dict[str, tuple[str, tuple[str, ...]]]:
    """MERGE template text -> ("node", (label,)) or ("rel", (type, start, end)), for the model."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for label in NODE_LABELS:
        out[node_write_cypher(label)] = ("node", (label,))
    for rtype, pairs in REL_SCHEMA.items():
        for start, end in pairs:
            out[rel_write_cypher(rtype, start, end)] = ("rel", (rtype, start, end))
    return out


def _short(exc: BaseException) -> str:
    """The first line of a driver error, without the Python class path."""
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(msg).strip().splitlines()[0][:300]


class Neo4jStore(GraphStore):
    """A Neo4j 5 database reached with ``neo4j.GraphDatabase.driver``."""

    name = "neo4j"

    def __init__(self, uri: str, user: str = "neo4j", password: str | None = None,
                 database: str = "neo4j", *, source: str = "argument", write_workers: int = 1):
        self.write_workers = max(1, int(write_workers))
        self.uri = uri
        self.user = user
        self.password = password
        self.database = database
        self.source = source
        self._driver: Any = None

    @classmethod
    def from_env(cls, uri: str | None = None, **kw: Any) -> "Neo4jStore":
        """Settings from arguments, environment, ``.env`` or the local dev server (no I/O)."""
        s: Neo4jSettings = neo4j_settings(uri, user=kw.pop("user", None), password=kw.pop("password", None),
                                          database=kw.pop("database", None))
        workers = kw.pop("write_workers", 1)
        if kw:
            raise StoreError(f"Unknown Neo4j store option(s): {', '.join(sorted(kw))}")
        return cls(s.uri, s.user, s.password, s.database, source=s.source, write_workers=workers)

    def __repr__(self) -> str:
        return f"Neo4jStore(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"

    def describe(self) -> str:
        return f"Neo4j {self.uri} (database {self.database})"

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> "Neo4jStore":
        if self._driver is not None:
            return self
        from neo4j import GraphDatabase
        from neo4j import exceptions as nx

        scheme = self.uri.split("://", 1)[0].lower() if "://" in self.uri else ""
        if scheme not in _SCHEMES:  # http:// made the driver import aiohttp and crash
            raise StoreUnavailable(f"Bad Neo4j URI {self.uri!r}: kgbuild talks Bolt, not {scheme or 'a bare host'}",
                                   hint="Use e.g. bolt://localhost:7687 or neo4j://host:7687")
        if not self.password:
            raise StoreUnavailable(
                f"No Neo4j password for {self.user}@{self.uri}", hint=
                "Set NEO4J_PASSWORD (environment or .env), or run: kgbuild neo4j start")
        try:
            driver = GraphDatabase.driver(self.uri, auth=(self.user, self.password),
                                          connection_timeout=10, warn_notification_severity="OFF",
                                          telemetry_disabled=True)
        except (nx.ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"Bad Neo4j URI {self.uri!r}: {_short(exc)}",
                                   hint="Use e.g. bolt://localhost:7687 or neo4j://host:7687") from None
        try:
            driver.verify_connectivity()
        except nx.AuthError:
            driver.close()
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials of user {self.user!r} "
                f"(password from {self.source})",
                hint="Check NEO4J_USERNAME / NEO4J_PASSWORD (environment or .env)") from None
        except (nx.ServiceUnavailable, nx.SessionExpired, OSError) as exc:
            driver.close()
            raise StoreUnavailable(f"Cannot reach Neo4j at {self.uri}: {_short(exc)}",
                                   hint=START_HINT) from None
        except nx.Neo4jError as exc:  # e.g. the database does not exist
            driver.close()
            raise StoreUnavailable(f"Neo4j at {self.uri} cannot serve database {self.database!r}: "
                                   f"{_short(exc)}", hint=START_HINT) from None
        self._driver = driver
        return self

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- primitives -----------------------------------------------------------------------
    def _require(self) -> Any:
        if self._driver is None:
            raise StoreError("The Neo4j store is not open (call open() or use it as a context manager)")
        return self._driver

    def _translate(self, exc: Exception) -> StoreError:
        from neo4j import exceptions as nx

        if isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired)):
            return StoreUnavailable(f"Lost the connection to Neo4j at {self.uri}: {_short(exc)}",
                                    hint=START_HINT, transient=True)
        if isinstance(exc, nx.TransientError):
            return StoreError(f"Neo4j transient error: {_short(exc)}", transient=True)
        return StoreError(f"Neo4j rejected the query: {_short(exc)}")

    def _execute(self, cypher: str, params: dict[str, Any] | None, *, read: bool = False) -> Any:
        from neo4j import RoutingControl
        from neo4j import exceptions as nx

        driver = self._require()
        try:
            # READ routing runs a read transaction (access mode READ): the server refuses writes
            return driver.execute_query(cypher, params or {}, database_=self.database,
                                        routing_=RoutingControl.READ if read else RoutingControl.WRITE)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._translate(exc) from None

    def ensure_schema(self) -> None:
        for stmt in _schema_statements():
            self._execute(stmt, None)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        records = self._execute(cypher, params).records
        return [r.data() for r in records]

    def run_read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """``run`` in a read transaction: Neo4j refuses any write in it."""
        records = self._execute(cypher, params, read=True).records
        return [r.data() for r in records]

    #: False: every batch runs the plain UNWIND … MERGE templates (the reference path)
    create_new: bool = True

    def write(self, rows: GraphRows, *, batch_size: int = 1000) -> WriteStats:
        """``GraphStore.write`` with the new-row fast path (see ``_write_batch``).

        Node keys this call creates are remembered until it returns: a relationship with a
        just-created endpoint cannot exist yet, so it is CREATEd without any existence check.
        """
        self._created: dict[str, set[str]] = {}
        self._rel_seen: dict[tuple[str, ...], set[tuple]] = {}
        self._lock = threading.Lock()
        try:
            return super().write(rows, batch_size=batch_size)
        finally:
            self._created, self._rel_seen = {}, {}

    def _write_batch(self, cypher: str, batch: Sequence[dict[str, Any]]) -> None:
        """One batch of ``write``: the new-row fast path for the model's MERGE templates.

        Nodes, in one transaction: look up which keys of the batch exist, ``CREATE`` the rest,
        ``MERGE`` (update) the existing ones. Relationships: those with an endpoint created by
        this ``write`` call are new by construction and are ``CREATE``d; the others go through
        the MERGE template. Why: ``MERGE`` of a row that does not exist yet pays for a locked
        existence check, and a first load or a batch of new papers is almost all new rows (every
        relationship of a new Paper or Result). The graph is the one the MERGE templates write
        (same keys, same properties); it stays idempotent (a re-run finds the nodes, so nothing is
        "new" and everything MERGEs) and atomic per batch (a half-written build re-runs cleanly).
        A concurrent writer creating the same node key in between makes the key constraint fail
        the batch, which is then redone with MERGE alone.
        """
        target = _merge_targets().get(cypher) if self.create_new and hasattr(self, "_created") else None
        if target is None:
            self._execute(cypher, {"rows": list(batch)})
        elif target[0] == "node":
            self._upsert_nodes(target[1][0], batch)
        else:
            self._upsert_rels(target[1], batch)

    def _in_session(self, work, fallback=None) -> None:
        from neo4j import exceptions as nx

        driver = self._require()
        try:
            # the bookmark manager execute_query uses, so later reads see these writes on a cluster
            with driver.session(database=self.database,
                                bookmark_manager=driver.execute_query_bookmark_manager) as session:
                try:
                    session.execute_write(work)
                except nx.ConstraintError:  # another writer created one of these keys meanwhile
                    if fallback is None:
                        raise
                    session.execute_write(fallback)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._translate(exc) from None

    def _upsert_nodes(self, label: str, batch: Sequence[dict[str, Any]]) -> None:
        lookup = node_write_cypher(label, "existing-node-keys.cypher")
        create = node_write_cypher(label, "create-nodes.cypher")
        merge = node_write_cypher(label)
        rows = list(batch)
        created: list[str] = []

        def work(tx) -> None:
            found = set(tx.run(lookup, keys=[r["key"] for r in rows]).single()["existing"])
            new = [r for r in rows if r["key"] not in found]
            old = [r for r in rows if r["key"] in found]
            if new:
                tx.run(create, rows=new).consume()
            if old:
                tx.run(merge, rows=old).consume()
            created[:] = [r["key"] for r in new]

        def fallback(tx) -> None:
            created.clear()
            tx.run(merge, rows=rows).consume()

        self._in_session(work, fallback)
        with self._lock:
            self._created.setdefault(label, set()).update(created)

    def _upsert_rels(self, what: tuple[str, str, str], batch: Sequence[dict[str, Any]]) -> None:
        rtype, start_label, end_label = what
        create = rel_write_cypher(*what, template="create-rels.cypher")
        merge = rel_write_cypher(*what)
        ident_props = REL_IDENTITY[rtype]
        new, old = [], []
        with self._lock:
            new_starts = self._created.get(start_label, set())
            new_ends = self._created.get(end_label, set())
            seen = self._rel_seen.setdefault(what, set())
            for r in batch:
                if r["start"] in new_starts or r["end"] in new_ends:
                    ident = (r["start"], r["end"]) + tuple(r["props"].get(p) for p in ident_props)
                    if ident not in seen:  # a repeated identity in one call MERGEs onto the first
                        seen.add(ident)
                        new.append(r)
                        continue
                old.append(r)

        def work(tx) -> None:
            if new:
                tx.run(create, rows=new).consume()
            if old:
                tx.run(merge, rows=old).consume()

        self._in_session(work)

    def clear(self) -> None:
        """Delete all data in batches (an auto-commit transaction, as ``IN TRANSACTIONS`` needs)."""
        from neo4j import exceptions as nx

        driver = self._require()
        try:
            with driver.session(database=self.database) as session:
                session.run(read_cypher("admin/clear-neo4j.cypher")).consume()
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._translate(exc) from None
