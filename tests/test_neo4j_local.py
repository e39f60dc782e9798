"""kgbuild.neo4j_local: config, preflight checks and error paths (no server), plus one real
server lifecycle on alternate ports (``@pytest.mark.neo4j``) that never touches the server on
the default ports.

The error-path tests put fake ``java``/``mvn`` scripts first on PATH, so they run in
milliseconds and behave the same on machines with or without a JDK.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild import neo4j_local as nl
from kgbuild.cli.neo4j import neo4j_group
from kgbuild.errors import ServerError

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "neo4j-local"
POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


# --------------------------------------------------------------------------- helpers

def _fake_tool(bindir: Path, name: str, body: str) -> Path:
    bindir.mkdir(parents=True, exist_ok=True)
    path = bindir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


FAKE_JAVA_17 = 'case "$1" in -version) echo \'openjdk version "17.0.9" 2023-10-17\' >&2; exit 0;; esac'


def _project_copy(tmp_path: Path) -> Path:
    """A copy of neo4j-local/ without target/, so the build cache is cold."""
    dest = tmp_path / "neo4j-local"
    shutil.copytree(PROJECT, dest, ignore=shutil.ignore_patterns("target"))
    return dest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(tmp_path: Path, **kw) -> nl.LocalConfig:
    kw.setdefault("bolt_port", _free_port())
    kw.setdefault("http_port", _free_port())
    return nl.LocalConfig(home=tmp_path / "home", **kw)


def _server_processes(home: Path) -> list[int]:
    """Live (non-zombie) processes whose command line names this data dir."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(home).encode() in argv and nl._alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


# --------------------------------------------------------------------------- config

def test_config_defaults_live_in_the_kgbuild_home(tmp_path):
    cfg = nl.LocalConfig.from_env({"KGBUILD_HOME": str(tmp_path / "home")}, cwd=tmp_path)
    assert cfg.home == tmp_path / "home" / "neo4j"
    assert (cfg.bolt_port, cfg.http_port) == (7687, 7474)
    assert cfg.bolt_uri == "bolt://localhost:7687"
    assert cfg.browser_url == "http://localhost:7474/browser/"
    assert cfg.credentials_file == cfg.home / "credentials.env"


def test_config_reads_env_overrides(tmp_path):
    cfg = nl.LocalConfig.from_env({"KGBUILD_NEO4J_HOME": "data/n4j", "KGBUILD_NEO4J_BOLT_PORT": "17687",
                                   "KGBUILD_NEO4J_HTTP_PORT": "17474", "KGBUILD_NEO4J_HEAP": "2G"},
                                  cwd=tmp_path)
    assert cfg.home == tmp_path / "data" / "n4j"  # relative to the working directory
    assert (cfg.bolt_port, cfg.http_port, cfg.heap) == (17687, 17474, "2g")


@pytest.mark.parametrize("name,value", [("KGBUILD_NEO4J_BOLT_PORT", "bolt"),
                                        ("KGBUILD_NEO4J_HTTP_PORT", "70000"),
                                        ("KGBUILD_NEO4J_PAGECACHE", "lots")])
def test_config_rejects_malformed_values(tmp_path, name, value):
    with pytest.raises(ServerError, match=name):
        nl.LocalConfig.from_env({name: value}, cwd=tmp_path)


def test_pom_pins_the_version_the_module_reports():
    root = ET.parse(PROJECT / "pom.xml").getroot()
    props = {el.tag.split("}")[1]: el.text for el in root.find("m:properties", POM_NS)}
    assert props["neo4j.version"] == nl.NEO4J_VERSION
    assert props["neo4j.version"].startswith("5.26.")  # the 5.x LTS line
    assert props["apoc.version"] == props["neo4j.version"]
    deps = {(d.find("m:groupId", POM_NS).text, d.find("m:artifactId", POM_NS).text)
            for d in root.find("m:dependencies", POM_NS)}
    assert {("org.neo4j", "neo4j"), ("org.neo4j.client", "neo4j-browser"),
            ("org.neo4j.procedure", "apoc-core"), ("org.neo4j.procedure", "apoc-common")} <= deps


def test_conf_template_has_no_stray_dollar(tmp_path):
    """Regression: a '$name' in a template comment made Template.substitute raise KeyError."""
    cfg = _config(tmp_path, bolt_port=17687, http_port=17474)
    nl.prepare_home(cfg, classpath=[])
    text = cfg.conf_file.read_text()
    assert "server.bolt.listen_address=:17687" in text
    assert "server.http.listen_address=:17474" in text
    assert "server.default_listen_address=127.0.0.1" in text  # loopback only
    assert "dbms.security.auth_enabled=true" in text
    assert "$" not in text


def test_prepare_home_installs_apoc_as_plugins(tmp_path):
    m2 = tmp_path / "m2" / "org" / "neo4j" / "procedure" / "apoc-core" / "5.26.19"
    m2.mkdir(parents=True)
    jar = m2 / "apoc-core-5.26.19.jar"
    jar.write_bytes(b"PK fake")
    other = tmp_path / "m2" / "other.jar"
    other.write_bytes(b"x")
    cfg = _config(tmp_path)
    (cfg.home / "plugins").mkdir(parents=True)
    (cfg.home / "plugins" / "apoc-core-5.26.12.jar").write_bytes(b"old")  # from a previous pin
    nl.prepare_home(cfg, classpath=[str(other), str(jar)])
    assert sorted(p.name for p in (cfg.home / "plugins").iterdir()) == ["apoc-core-5.26.19.jar"]


# --------------------------------------------------------------------------- credentials

def test_password_comes_from_env_first(tmp_path):
    cfg = _config(tmp_path)
    (tmp_path / ".env").write_text("NEO4J_PASSWORD=from-dotenv-file\n")
    assert nl.resolve_password(cfg, {"NEO4J_PASSWORD": "from-environment"}, cwd=tmp_path) == (
        "from-environment", "NEO4J_PASSWORD")
    assert nl.resolve_password(cfg, {}, cwd=tmp_path)[0] == "from-dotenv-file"


def test_generated_password_is_stored_private_and_reused(tmp_path):
    cfg = _config(tmp_path)
    password, source = nl.resolve_password(cfg, {}, cwd=tmp_path)
    assert source == "generated" and len(password) >= nl.MIN_PASSWORD_LENGTH
    nl._write_credentials(cfg, password)
    assert stat.S_IMODE(cfg.credentials_file.stat().st_mode) == 0o600
    assert nl.local_credentials(cfg) == {"uri": cfg.bolt_uri, "username": "neo4j", "password": password}
    assert nl.resolve_password(cfg, {}, cwd=tmp_path) == (password, str(cfg.credentials_file))


def test_local_credentials_none_before_first_start(tmp_path):
    assert nl.local_credentials(_config(tmp_path)) is None


def test_short_password_is_refused_up_front(tmp_path):
    with pytest.raises(ServerError, match="at least 8"):
        nl.resolve_password(_config(tmp_path), {"NEO4J_PASSWORD": "neo4j"}, cwd=tmp_path)


def test_no_password_literal_in_code():
    for path in (REPO / "kgbuild" / "neo4j_local.py", REPO / "kgbuild" / "cli" / "neo4j.py",
                 PROJECT / "src" / "main" / "java" / "kgbuild" / "neo4jlocal" / "Launcher.java"):
        text = path.read_text()
        assert "kgbuild-dev" not in text
        assert not re.search(r"(?i)password\s*=\s*[\"'](?!\$\()[^\"']+[\"']", text), path


# --------------------------------------------------------------------------- preflight

def test_missing_java_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    cfg = _config(tmp_path)
    with pytest.raises(ServerError) as err:
        nl.start(config=cfg, env={"PATH": str(empty)})
    assert "`java` was not found on PATH" in str(err.value)
    assert "openjdk" in str(err.value)  # the hint says what to install
    assert not cfg.pid_file.exists()


def test_old_java_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bindir = tmp_path / "bin"
    _fake_tool(bindir, "java", "echo 'openjdk version \"11.0.2\"' >&2")
    with pytest.raises(ServerError, match="needs Java 17 or 21"):
        nl.start(config=_config(tmp_path), env={"PATH": str(bindir)})


def test_java_version_parses_legacy_scheme(tmp_path):
    java = _fake_tool(tmp_path, "java", "echo 'java version \"1.8.0_402\"' >&2")
    assert nl.java_major_version(str(java)) == 8


def test_port_in_use_detects_a_listener():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        assert nl.port_in_use(port)
    assert not nl.port_in_use(port)


def test_taken_bolt_port_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bindir = tmp_path / "bin"
    _fake_tool(bindir, "java", FAKE_JAVA_17)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        cfg = _config(tmp_path, bolt_port=sock.getsockname()[1])
        with pytest.raises(ServerError) as err:
            nl.start(config=cfg, env={"PATH": str(bindir)})
    assert f"Bolt port {cfg.bolt_port} is already in use" in str(err.value)
    assert "KGBUILD_NEO4J_BOLT_PORT" in str(err.value)


def test_missing_maven_is_a_clear_error_on_a_cold_cache(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bindir = tmp_path / "bin"
    _fake_tool(bindir, "java", FAKE_JAVA_17)
    cfg = _config(tmp_path, project_dir=_project_copy(tmp_path))
    with pytest.raises(ServerError, match="`mvn` was not found on PATH"):
        nl.start(config=cfg, env={"PATH": str(bindir), "NEO4J_PASSWORD": "long-enough-pw"})


def test_maven_failure_shows_its_output(tmp_path):
    bindir = tmp_path / "bin"
    _fake_tool(bindir, "mvn", "echo 'Could not resolve org.neo4j:neo4j: boom' >&2; exit 1")
    cfg = _config(tmp_path, project_dir=_project_copy(tmp_path))
    with pytest.raises(ServerError) as err:
        nl.ensure_built(cfg, path=str(bindir))
    assert "exit 1" in str(err.value) and "boom" in str(err.value)


def _warm_fake_build(project: Path) -> None:
    """Make ensure_built() believe the Maven build is current (no jars needed)."""
    target = project / "target"
    (target / "classes" / "kgbuild" / "neo4jlocal").mkdir(parents=True)
    (target / "classes" / "kgbuild" / "neo4jlocal" / "Launcher.class").write_bytes(b"")
    (target / "classpath.txt").write_text("")
    (target / "kgbuild-build.key").write_text(nl._build_key(project) + "\n")


def test_server_dying_during_start_reports_the_log_tail(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bindir = tmp_path / "bin"
    _fake_tool(bindir, "java", FAKE_JAVA_17 + "\necho 'ERROR Unable to bind: simulated crash'; exit 7")
    project = _project_copy(tmp_path)
    _warm_fake_build(project)
    cfg = _config(tmp_path, project_dir=project)
    with pytest.raises(ServerError) as err:
        nl.start(config=cfg, env={"PATH": str(bindir), "NEO4J_PASSWORD": "long-enough-pw"}, wait=30)
    message = str(err.value)
    assert "exited with status 7" in message
    assert "simulated crash" in message  # the console log tail is shown
    assert not cfg.pid_file.exists()


def test_build_key_changes_with_the_pom(tmp_path):
    project = _project_copy(tmp_path)
    before = nl._build_key(project)
    pom = project / "pom.xml"
    pom.write_text(pom.read_text().replace("<version>0.1.0</version>", "<version>0.1.1</version>"))
    assert nl._build_key(project) != before


# --------------------------------------------------------------------------- status/stop

def test_status_ignores_a_stale_pid_file(tmp_path):
    cfg = _config(tmp_path)
    cfg.pid_file.parent.mkdir(parents=True)
    cfg.pid_file.write_text(f"{os.getpid()}\n")  # alive, but not a Neo4j launcher
    assert nl.status(cfg) is None
    assert nl.stop(config=cfg) is False
    assert not cfg.pid_file.exists()


def test_cli_status_when_stopped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(neo4j_group, ["status"],
                                env={"KGBUILD_NEO4J_HOME": str(tmp_path / "n4j"),
                                     "KGBUILD_NEO4J_BOLT_PORT": "17999"})
    assert result.exit_code == 3, result.output
    assert "not running" in result.output and "bolt://localhost:17999" in result.output


def test_cli_start_without_java_prints_error_not_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(neo4j_group, ["start"],
                                env={"KGBUILD_NEO4J_HOME": str(tmp_path / "n4j"),
                                     "PATH": str(tmp_path / "empty")})
    assert result.exit_code == 1
    assert "Error: `java` was not found on PATH" in result.output
    assert "Traceback" not in result.output


def test_cli_commands_have_help():
    for name in ("start", "stop", "status"):
        result = CliRunner().invoke(neo4j_group, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


# --------------------------------------------------------------------------- real server

@pytest.mark.neo4j
@pytest.mark.slow
def test_lifecycle_on_alternate_ports(tmp_path, monkeypatch):
    """Start a second server (never the shared one on 7687), use it, restart, stop."""
    if not (shutil.which("java") and (shutil.which("mvn") or (PROJECT / "target" / "classpath.txt").exists())):
        if os.environ.get("KGBUILD_REQUIRE_NEO4J") == "1":
            pytest.fail("java/mvn missing and KGBUILD_REQUIRE_NEO4J=1")
        pytest.skip("java or mvn not installed")
    from neo4j import GraphDatabase

    monkeypatch.chdir(tmp_path)  # no ./.env from the repo
    bolt = int(os.environ.get("KGBUILD_TEST_ALT_BOLT_PORT", "17687"))
    http = int(os.environ.get("KGBUILD_TEST_ALT_HTTP_PORT", "17474"))
    cfg = nl.LocalConfig(home=tmp_path / "neo4j", bolt_port=bolt, http_port=http,
                         heap="512m", pagecache="256m", tx_memory="256m")
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    try:
        info = nl.start(config=cfg, env=env)
        assert info.bolt_uri == f"bolt://localhost:{bolt}" and not info.already_running
        creds = nl.local_credentials(cfg)  # generated, since NEO4J_PASSWORD was unset
        with GraphDatabase.driver(info.bolt_uri, auth=(creds["username"], creds["password"])) as drv:
            assert drv.execute_query("RETURN 1 AS one").records[0]["one"] == 1
            drv.execute_query("CREATE (:Probe {name: $name})", name="survives-restart")
        again = nl.start(config=cfg, env=env)
        assert again.already_running and again.pid == info.pid
        assert nl.status(cfg).pid == info.pid

        assert nl.stop(config=cfg) is True
        assert nl.status(cfg) is None and not cfg.pid_file.exists()
        assert _server_processes(cfg.home) == []

        # Restart with a different password: the server must switch to it, data must survive.
        info2 = nl.start(config=cfg, env={**env, "NEO4J_PASSWORD": "changed-password-42"})
        with GraphDatabase.driver(info2.bolt_uri, auth=("neo4j", "changed-password-42")) as drv:
            rows = drv.execute_query("MATCH (p:Probe) RETURN p.name AS name").records
            assert [r["name"] for r in rows] == ["survives-restart"]
            assert drv.execute_query("RETURN apoc.coll.sum([1, 2]) AS s").records[0]["s"] == 3
        assert nl.local_credentials(cfg)["password"] == "changed-password-42"
    finally:
        nl.stop(config=cfg)
    assert _server_processes(cfg.home) == []
    assert nl.status(cfg) is None


def test_cached_classpath_with_deleted_jars_is_rebuilt_once(tmp_path):
    """A cleaned ~/.m2 must trigger one Maven run, not reuse a classpath of missing jars."""
    project = _project_copy(tmp_path)
    _warm_fake_build(project)
    (project / "target" / "classpath.txt").write_text(str(tmp_path / "gone.jar"))
    bindir = tmp_path / "bin"
    calls = tmp_path / "mvn-calls"
    # A fake Maven that "succeeds" but still lists the missing jar.
    _fake_tool(bindir, "mvn", f"echo run >> {calls}; exit 0")
    with pytest.raises(ServerError, match="do not exist"):
        nl.ensure_built(_config(tmp_path, project_dir=project), path=str(bindir))
    assert calls.read_text().count("run") == 1
