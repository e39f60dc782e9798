"""Is a process alive, and what is its command line (Linux ``/proc``; standard library only).

One definition for every server kgbuild starts and watches: the embedded FalkorDB, its keeper
(``stores/_keeper.py`` loads this file by path: it runs isolated and imports nothing of kgbuild)
and the local Neo4j.
"""
from __future__ import annotations

import os


def proc_state(pid: int) -> str | None:
    """The process state letter from ``/proc`` (R, S, Z, ...), or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[0]


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie (a zombie still answers ``kill(pid, 0)``)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    state = proc_state(pid)
    if state is None:  # gone since, or no /proc here: then kill(0) is all we know
        return not os.path.isdir("/proc/self")
    return state != "Z"


def cmdline(pid: int) -> list[str]:
    """The argv of ``pid`` (empty if it is gone or unreadable)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [p.decode(errors="replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        return []


__all__ = ["cmdline", "pid_alive", "proc_state"]
