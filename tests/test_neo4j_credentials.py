"""Credentials without hunting (issue 10): start/status say where the password is, never what it is;
`kgbuild neo4j password` prints it when asked."""
from __future__ import annotations

from click.testing import CliRunner

from kgbuild import neo4j_local
from kgbuild.cli import cli

SECRET = "s3cret-password-xyz"


def _cfg(tmp_path):
    return neo4j_local.LocalConfig.from_env({"KGBUILD_NEO4J_HOME": str(tmp_path / "neo4j")}, cwd=tmp_path)


def test_password_hint_names_the_place_not_the_password(tmp_path):
    cfg = _cfg(tmp_path)
    assert "none yet" in neo4j_local.password_hint(cfg, env={}, cwd=tmp_path)
    neo4j_local._write_credentials(cfg, SECRET)
    hint = neo4j_local.password_hint(cfg, env={}, cwd=tmp_path)
    assert str(cfg.credentials_file) in hint and "kgbuild neo4j password" in hint and SECRET not in hint
    env_hint = neo4j_local.password_hint(cfg, env={"NEO4J_PASSWORD": "from-the-env-123"}, cwd=tmp_path)
    assert "$NEO4J_PASSWORD" in env_hint and "from-the-env-123" not in env_hint
    assert neo4j_local.current_password(cfg, env={}, cwd=tmp_path) == (SECRET, str(cfg.credentials_file))


def test_status_when_stopped_says_where_the_password_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("KGBUILD_NEO4J_HOME", str(tmp_path / "neo4j"))
    neo4j_local._write_credentials(_cfg(tmp_path), SECRET)
    result = CliRunner().invoke(cli, ["neo4j", "status"])
    assert result.exit_code == 3
    assert "credentials.env" in result.output and SECRET not in result.output


def test_password_command_prints_it_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("KGBUILD_NEO4J_HOME", str(tmp_path / "neo4j"))
    runner = CliRunner()
    missing = runner.invoke(cli, ["neo4j", "password"])
    assert missing.exit_code == 1 and "no password yet" in missing.output
    neo4j_local._write_credentials(_cfg(tmp_path), SECRET)
    shown = runner.invoke(cli, ["neo4j", "password"])
    assert shown.exit_code == 0 and shown.stdout.strip() == SECRET
