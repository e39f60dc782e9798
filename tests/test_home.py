"""One state location (issue 11, finding 7): ``kgbuild_home()`` decides for every command, the
Python API and the local Neo4j; the working directory never silently gets a new store."""
from __future__ import annotations

import importlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild import config
from kgbuild.config import find_project_home, kgbuild_home, user_home


def _env(tmp_path, **extra):
    env = {"HOME": str(tmp_path / "user"), **extra}
    return env


def test_override_wins(tmp_path):
    assert kgbuild_home(env=_env(tmp_path, KGBUILD_HOME=str(tmp_path / "h")), cwd=tmp_path) == tmp_path / "h"


def test_relative_override_is_taken_from_the_working_directory(tmp_path):
    assert kgbuild_home(env=_env(tmp_path, KGBUILD_HOME="state"), cwd=tmp_path) == tmp_path / "state"


def test_project_store_is_found_by_walking_up_like_git(tmp_path):
    project = tmp_path / "proj"
    (project / ".kgbuild").mkdir(parents=True)
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_home(deep) == project / ".kgbuild"
    assert kgbuild_home(env=_env(tmp_path), cwd=deep) == project / ".kgbuild"


def test_without_a_project_store_the_per_user_store_is_used(tmp_path):
    folder = tmp_path / "somewhere"
    folder.mkdir()
    home = kgbuild_home(env=_env(tmp_path), cwd=folder)
    assert home == tmp_path / "user" / ".local" / "share" / "kgbuild"
    assert kgbuild_home(env=_env(tmp_path, XDG_DATA_HOME=str(tmp_path / "xdg")), cwd=folder) == tmp_path / "xdg" / "kgbuild"
    assert not (folder / ".kgbuild").exists(), "asking for the home must create nothing"


def test_kgbuild_home_is_defined_once():
    """Regression: pipeline.py and config.py each had their own copy."""
    import kgbuild.pipeline as pipeline
    import kgbuild.stores.embedded as embedded

    assert pipeline.kgbuild_home is config.kgbuild_home
    assert embedded.kgbuild_home is config.kgbuild_home
    root = Path(config.__file__).parent
    defs = [p for p in root.rglob("*.py") if "def kgbuild_home" in p.read_text(encoding="utf-8")]
    assert defs == [Path(config.__file__)]


def test_local_neo4j_lives_in_the_same_home(tmp_path):
    from kgbuild import neo4j_local as nl

    cfg = nl.LocalConfig.from_env(_env(tmp_path, KGBUILD_HOME=str(tmp_path / "h")), cwd=tmp_path)
    assert cfg.home == tmp_path / "h" / "neo4j"
    project = tmp_path / "p"
    (project / ".kgbuild").mkdir(parents=True)
    assert nl.LocalConfig.from_env(_env(tmp_path), cwd=project).home == project / ".kgbuild" / "neo4j"
    # the documented sub-override still moves just the server
    cfg = nl.LocalConfig.from_env(_env(tmp_path, KGBUILD_NEO4J_HOME=str(tmp_path / "n")), cwd=tmp_path)
    assert cfg.home == tmp_path / "n"


def test_embedded_store_default_is_the_home(tmp_path, monkeypatch):
    from kgbuild.stores.embedded import EmbeddedStore

    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("KGBUILD_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = EmbeddedStore()
    with store:
        assert store.data_dir == (tmp_path / "xdg" / "kgbuild" / "falkordb").resolve()
    assert not (folder / ".kgbuild").exists(), "the working directory got a new store"


def test_regression_there_is_one_neo4j_cli():
    """The argparse CLI in neo4j_local.py duplicated the click group: it is gone."""
    from kgbuild import neo4j_local as nl

    assert not hasattr(nl, "main")
    assert "argparse" not in Path(nl.__file__).read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kgbuild.neo4j_local", "status"], capture_output=True, text=True)
    assert "Neo4j" not in proc.stdout  # nothing runs as a script any more
