"""Keeper of one embedded FalkorDB server: stops it when its last user is gone.

Run as a script (``python -I _keeper.py DATA_DIR SERVER_PID SOCKET``), so it imports nothing of
kgbuild but ``procs.py`` (loaded by path) and starts in milliseconds. Every process using the server holds a *shared* ``flock``
on ``DATA_DIR/users.lock`` while its store is open; this keeper blocks on an *exclusive* lock on
the same file, which the kernel grants only once every user has released it: by ``close()``,
by exiting, or by being killed (even ``kill -9``). Then it stops the server (SIGTERM: redis
fsyncs its append-only file and exits; SIGKILL after 15 s) and exits, releasing the lock.

Why not "the starter stops it": a query that started the server used to stop it on exit while
a build in another process was still writing (issue 11, finding 5). Why not a timer: the lock
is exact and costs nothing while it waits.
"""
from __future__ import annotations

import fcntl
import os
import signal
import sys
import time


def _procs():
    """``kgbuild/procs.py`` loaded by path (this script runs isolated: no package imports)."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "procs.py")
    spec = importlib.util.spec_from_file_location("_kgbuild_procs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PROCS = _procs()
_alive = _PROCS.pid_alive


def _same_server(pid: int, sock: str) -> bool:
    title = " ".join(_PROCS.cmdline(pid))
    return "redis-server" in title and sock in title


def main(data_dir: str, pid: int, sock: str) -> int:
    fd = os.open(os.path.join(data_dir, "users.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # blocks until no store of any process uses the server
    try:
        if not (_alive(pid) and _same_server(pid, sock)):
            return 0  # already stopped (by its last user's close) or replaced
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        return 0
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
