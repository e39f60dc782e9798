"""Files holding graph data or secrets are private, and the password marker is salted and slow
(issue 11, finding 7): the embedded AOF, its log and Neo4j's data files were world-readable, and
``kgbuild-password.sha256`` was an unsalted SHA-256 of the password."""
from __future__ import annotations

import base64
import hashlib
import stat
from pathlib import Path

import pytest

from kgbuild import neo4j_local as nl

LAUNCHER = Path(nl.PROJECT_DIR) / "src" / "main" / "java" / "kgbuild" / "neo4jlocal" / "Launcher.java"


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_launcher_no_longer_writes_an_unsalted_fast_hash():
    src = LAUNCHER.read_text(encoding="utf-8")
    assert "PBKDF2WithHmacSHA256" in src and "SecureRandom" in src
    assert 'getInstance("SHA-256")' not in src


def test_prepare_home_makes_the_data_dir_private(tmp_path):
    cfg = nl.LocalConfig(home=tmp_path / "n4j", bolt_port=17001, http_port=17002)
    (cfg.home / "data" / "databases").mkdir(parents=True)
    old = cfg.home / "data" / "databases" / "store.db"
    old.write_text("graph")
    old.chmod(0o644)
    nl.prepare_home(cfg, classpath=[])
    assert _mode(cfg.home) == 0o700
    assert _mode(old) == 0o600 and _mode(cfg.home / "data") == 0o700


def _b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.neo4j
def test_running_local_server_files_are_private_and_marker_is_pbkdf2(neo4j_store):
    cfg = nl.LocalConfig.from_env()
    if nl.status(cfg) is None:
        pytest.skip("the Neo4j under test is not a kgbuild neo4j server (docker or remote)")
    assert _mode(cfg.home) == 0o700
    assert _mode(cfg.credentials_file) == 0o600
    loose = [p for p in (cfg.home / "data").rglob("*") if p.is_file() and _mode(p) & 0o077]
    assert loose == [], loose[:5]
    dbms = cfg.home / "data" / "dbms"
    assert not (dbms / "kgbuild-password.sha256").exists()
    marker = dbms / "kgbuild-password.pbkdf2"
    assert _mode(marker) == 0o600
    scheme, iterations, salt, digest = marker.read_text().strip().split("$")
    assert scheme == "pbkdf2-sha256" and int(iterations) >= 100_000 and len(_b64(salt)) == 16
    password = nl.local_credentials(cfg)["password"]
    assert hashlib.pbkdf2_hmac("sha256", password.encode(), _b64(salt), int(iterations)) == _b64(digest)
