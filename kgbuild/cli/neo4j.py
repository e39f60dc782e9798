"""``kgbuild neo4j start|stop|status``: the local Neo4j server without Docker.

Thin over :mod:`kgbuild.neo4j_local`; see docs/neo4j.md for what the server is and where its
data, logs and credentials live.
"""
from __future__ import annotations

import click

from .base import KgbuildGroup


def _say(msg: str) -> None:
    click.echo(msg, err=True)


@click.group("neo4j", cls=KgbuildGroup)
def neo4j_group() -> None:
    """Run a local Neo4j 5 server (Bolt 7687, Browser http://localhost:7474/browser/).

    Built from Maven Central with Java 17 + Maven, no Docker needed. Data lives in
    <kgbuild home>/neo4j (the home is $KGBUILD_HOME, else the nearest .kgbuild/ folder
    up from here, else ~/.local/share/kgbuild; $KGBUILD_NEO4J_HOME overrides just this
    server's folder); the password is $NEO4J_PASSWORD (or .env), else a generated one
    stored in the data dir's credentials.env.

    \b
    Example:
      kgbuild neo4j start && kgbuild build --neo4j-uri bolt://localhost:7687
    """


def _load_dotenv() -> None:
    from ..neo4j_local import _load_dotenv as load

    load()


@neo4j_group.command("start")
@click.option("--fresh", is_flag=True, help="Delete the database (not the password) before starting.")
@click.option("--wait", default=180, show_default=True, type=float,
              help="Seconds to wait for Bolt to answer.")
def start_cmd(fresh: bool, wait: float) -> None:
    """Start the server in the background and wait until Bolt answers.

    Already running: says so and succeeds. The first run downloads Neo4j from Maven Central
    into ~/.m2 (a minute or two); later starts reuse it.

    \b
    Example:
      NEO4J_PASSWORD=change-me-please kgbuild neo4j start --fresh
    """
    from .. import neo4j_local

    _load_dotenv()
    info = neo4j_local.start(fresh=fresh, wait=wait, log=_say)
    if info.already_running:
        click.echo("Already running: " + info.describe())
    else:
        click.echo(info.describe())
    click.echo("  " + neo4j_local.password_hint())
    if not info.already_running:
        _say(f"Started in {info.startup_seconds:.1f} s. Stop with: kgbuild neo4j stop")


@neo4j_group.command("stop")
@click.option("--timeout", default=60, show_default=True, type=float,
              help="Seconds to wait after SIGTERM before SIGKILL.")
def stop_cmd(timeout: float) -> None:
    """Stop the server cleanly (its data stays).

    \b
    Example:
      kgbuild neo4j stop
    """
    from .. import neo4j_local

    _load_dotenv()
    click.echo("Stopped." if neo4j_local.stop(timeout=timeout) else "Not running.")


@neo4j_group.command("status")
def status_cmd() -> None:
    """Say whether the server runs, with its pid, Bolt URI and data dir. Exit 3 when stopped.

    \b
    Example:
      kgbuild neo4j status
    """
    from .. import neo4j_local

    _load_dotenv()
    info = neo4j_local.status()
    if info is None:
        cfg = neo4j_local.LocalConfig.from_env()
        click.echo(f"Neo4j is not running (data dir {cfg.home}, bolt {cfg.bolt_uri}).")
        click.echo("  " + neo4j_local.password_hint(cfg))
        raise SystemExit(3)
    click.echo(info.describe())
    click.echo("  " + neo4j_local.password_hint())


@neo4j_group.command("password")
def password_cmd() -> None:
    """Print the local server's password for user neo4j (stdout; where it is kept on stderr).

    The password is never shown by start or status; this command is how to ask for it, e.g. to
    log in to Neo4j Browser or to export it for another client.

    \b
    Example:
      kgbuild neo4j password
      export NEO4J_PASSWORD=$(kgbuild neo4j password)
    """
    from .. import neo4j_local
    from ..errors import ServerError

    _load_dotenv()
    found = neo4j_local.current_password()
    if found is None:
        raise ServerError("The local Neo4j has no password yet",
                          hint="kgbuild neo4j start generates one (or set NEO4J_PASSWORD)")
    password, where = found
    _say(f"(user neo4j, password from {where})")
    click.echo(password)
