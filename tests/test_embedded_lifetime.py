"""The embedded store lasts and is shared safely (issue 11, findings 4 and 5).

Its append-only file used to grow with every build (start 0.7 s -> 7.2 s after ~70 runs, then no
start at all), the process that started the server stopped it under other processes' builds, and
two ``--fresh`` builds on one home both failed, leaving an empty graph.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.graph_fixture import entities, extractions, links

from kgbuild.errors import StoreError
from kgbuild.rows import entity_rows, to_rows
from kgbuild.stores.embedded import EmbeddedStore, _pid_alive

ROOT = Path(__file__).resolve().parents[1]


def _rows():
    rows = entity_rows(entities(), links())
    rows.extend(to_rows(extractions()))
    return rows


def _persisted(data: Path) -> int:
    return sum(p.stat().st_size for p in (data / "appendonlydir").iterdir())


def _wait_dead(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _pid_alive(pid)


def _fresh_build(data: Path, rows, copies: int) -> None:
    """What ``build --fresh`` does to the store, with ``copies`` rounds of writes (history)."""
    with EmbeddedStore(data) as store:
        store.begin_fresh()
        store.ensure_schema()
        for _ in range(copies):
            store.write(rows)
        store.commit_fresh()


def test_regression_log_is_compacted_so_many_builds_do_not_grow_the_store(tmp_path, monkeypatch):
    from kgbuild.stores import embedded

    # the fixture graph is tiny: scale the threshold down with it (the real one is 256 KB)
    monkeypatch.setattr(embedded, "COMPACT_MIN_BYTES", 8 * 1024)
    data = tmp_path / "db"
    rows = _rows()
    _fresh_build(data, rows, copies=10)
    after_one = _persisted(data)
    for _ in range(12):
        _fresh_build(data, rows, copies=10)
    after_many = _persisted(data)
    # without compaction every build appends its whole history: 13 builds = 13 times the bytes
    assert after_many < 2 * after_one, (after_one, after_many)
    with EmbeddedStore(data) as store:
        assert store.counts()["Paper"] == len({r["key"] for r in rows.nodes["Paper"]})
    log = (data / "falkordb.log").read_text(errors="replace")
    assert "Constraint already exists" not in log and "CRITICAL" not in log, "per-start constraint noise"


def test_graph_data_files_are_private(tmp_path):
    data = tmp_path / "db"
    with EmbeddedStore(data) as store:
        store.ensure_schema()
        store.write(_rows())
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert files and all(mode(p) & 0o077 == 0 for p in files), {str(p): oct(mode(p)) for p in files}
    assert mode(data / "appendonlydir") & 0o077 == 0


def _holder(data: Path, ready: Path, *, seconds: float, lock: bool) -> subprocess.Popen:
    """Another process with the store open (a build in progress), writing until told to stop."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'tests')!r})
        from pathlib import Path
        from fixtures.graph_fixture import entities, extractions, links
        from kgbuild.rows import entity_rows, to_rows
        from kgbuild.stores.embedded import EmbeddedStore
        rows = entity_rows(entities(), links()); rows.extend(to_rows(extractions()))
        with EmbeddedStore({str(data)!r}) as s:
            s.ensure_schema()
            with (s.writer_lock() if {lock!r} else open('/dev/null')):
                Path({str(ready)!r}).write_text(str(s.server_pid))
                t = time.monotonic()
                while time.monotonic() - t < {seconds!r}:
                    s.write(rows)
                    time.sleep(0.05)
                print("BUILD-OK", s.counts()["Paper"], flush=True)
    """)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _await(path: Path, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the holder never opened the store"
        time.sleep(0.05)
    time.sleep(0.05)
    return int(path.read_text())


def test_regression_a_query_never_kills_a_build_in_another_process(tmp_path):
    data = tmp_path / "db"
    ready = tmp_path / "ready"
    build = _holder(data, ready, seconds=3, lock=True)
    try:
        pid = _await(ready, build)
        for _ in range(3):  # queries come and go while the build writes
            with EmbeddedStore(data) as query:
                assert query.server_pid == pid
                query.run_read("MATCH (n) RETURN count(n) AS n", {})
        assert _pid_alive(pid), "closing the query stopped the server under the build"
        out, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0 and "BUILD-OK" in out, err[-2000:]
    assert _wait_dead(pid), "the server outlived its last user"


def test_regression_second_build_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    home = tmp_path / "home"
    data = home / "falkordb"
    ready = tmp_path / "ready"
    build = _holder(data, ready, seconds=4, lock=True)
    try:
        _await(ready, build)
        with EmbeddedStore(data) as store, pytest.raises(StoreError, match="Another build is running"):
            with store.writer_lock():
                pass
        monkeypatch.setenv("KGBUILD_HOME", str(home))
        monkeypatch.delenv("NEO4J_URI", raising=False)
        tiny = Path(__file__).parent / "fixtures" / "tiny.jsonl"
        from kgbuild.cli import cli

        result = CliRunner().invoke(cli, ["build", str(tiny), "--fresh", "-q"])
        assert result.exit_code == 1
        assert "Another build is running" in result.output and f"pid {build.pid}" in result.output
        assert "Traceback" not in result.output
        out, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    assert "BUILD-OK" in out, err[-2000:]
    with EmbeddedStore(data) as store:  # the running build's graph was not emptied
        assert store.counts().get("Paper", 0) > 0


def test_writer_lock_is_released_by_a_killed_build(tmp_path):
    data = tmp_path / "db"
    ready = tmp_path / "ready"
    build = _holder(data, ready, seconds=60, lock=True)
    try:
        _await(ready, build)
    finally:
        build.kill()
        build.wait()
    with EmbeddedStore(data) as store:
        with store.writer_lock():  # the kernel released the dead build's lock
            assert store.run("RETURN 1 AS one", {}) == [{"one": 1}]
