"""A plain (non-editable) install works (issue 11, finding 6).

``pip install .`` used to give a ``kgbuild`` whose ``query`` and ``build`` failed (``No Cypher
catalogue at …/site-packages/cypher``; ``neo4j-local/`` missing too), printed three setuptools
licence-deprecation banners, and let ``neo4j`` resolve to an untested major version.

The test builds the wheel, installs it into a fresh venv (no system site-packages), and runs
``kgbuild query --list``, a build and a query from another folder. To stay fast and offline the
fresh venv borrows the already installed dependencies through a ``.pth`` line pointing at this
venv's site-packages (that adds the folder only: its editable-install hook is not run, so the
``kgbuild`` imported is the wheel's; the test checks that).
"""
from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-v", "-w", str(dist)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [wheel] = dist.glob("kgbuild-*.whl")
    return wheel, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def installed(wheel_build, tmp_path_factory):
    wheel, _ = wheel_build
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    py = env_dir / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "_kgbuild_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return env_dir


def _run(env_dir: Path, args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KGBUILD_", "NEO4J_", "XDG_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{env_dir / 'bin'}:{env.get('PATH', '')}")
    return subprocess.run([str(env_dir / "bin" / "kgbuild"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_wheel_builds_without_licence_banners(wheel_build):
    _, log = wheel_build
    assert "Deprecat" not in log and "deprecat" not in log, [ln for ln in log.splitlines() if "eprecat" in ln]
    assert "is absent from the `packages` configuration" not in log


def test_wheel_metadata_spdx_licence_and_pinned_driver(wheel_build):
    import zipfile

    wheel, _ = wheel_build
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "Requires-Dist: neo4j<7,>=6.0" in meta
    assert "kgbuild/_cypher/methods-beating.cypher" in names and "kgbuild/_cypher/write/merge-nodes.cypher" in names
    assert "kgbuild/_neo4j_local/pom.xml" in names and "kgbuild/stores/_keeper.py" in names
    assert not any("/target/" in n for n in names)


def test_installed_wheel_lists_builds_and_queries_from_another_folder(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import kgbuild, kgbuild.config as c, kgbuild.neo4j_local as n; "
                            "print(kgbuild.__file__); print(c.builtin_cypher_dir()); print(n.PROJECT_DIR)"],
                           cwd=elsewhere, capture_output=True, text=True, check=True).stdout.split()
    assert all(str(installed) in w for w in where), where  # the wheel's copy, not the checkout
    assert (Path(where[2]) / "pom.xml").is_file()

    listed = _run(installed, ["query", "--list", "--format", "json"], elsewhere, home)
    assert listed.returncode == 0, listed.stderr
    assert "methods-beating" in {q["name"] for q in json.loads(listed.stdout)}

    built = _run(installed, ["build"], elsewhere, home)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "420 papers read" in built.stderr

    answered = _run(installed, ["query", "top-datasets", "--format", "json"], elsewhere, home)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout), "no rows from the graph just built"
    assert not (elsewhere / ".kgbuild").exists(), "the working folder got a store"
    assert (home / ".local" / "share" / "kgbuild" / "falkordb").is_dir()

    check = subprocess.run([str(installed / "bin" / "python"), "-m", "pip", "check"], capture_output=True, text=True)
    # the tested driver is inside the pinned range (other lines may name dependencies this venv lacks)
    assert [ln for ln in check.stdout.splitlines() if "neo4j" in ln] == [], check.stdout
