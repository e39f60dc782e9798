"""Settings read from the environment: Neo4j connection and the Cypher catalogue location.

Credentials never live in code or in the repository. They come, in this order, from explicit
arguments, the process environment (``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``), a ``.env`` file in the current directory, and finally the local development
server's credentials (``kgbuild.neo4j_local.local_credentials()``, when that module exists).
Reading settings does no network I/O; the store connects in ``open()``.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_NEO4J_URI = "bolt://localhost:7687"
DEFAULT_NEO4J_USER = "neo4j"
DEFAULT_NEO4J_DATABASE = "neo4j"


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect. ``source`` says where the password came from (for messages)."""

    uri: str
    user: str
    password: str | None
    database: str = DEFAULT_NEO4J_DATABASE
    source: str = "defaults"

    def __repr__(self) -> str:  # never print the password
        return (f"Neo4jSettings(uri={self.uri!r}, user={self.user!r}, password={'***' if self.password else None}, "
                f"database={self.database!r}, source={self.source!r})")


def dotenv_settings(path: Path | None = None) -> dict[str, str]:
    """Values of ``.env`` in the current directory (not exported to ``os.environ``)."""
    path = Path.cwd() / ".env" if path is None else Path(path)
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _local_credentials() -> dict[str, Any]:
    """Credentials of the dev server started by ``kgbuild neo4j start``, if that module exists."""
    try:
        mod = importlib.import_module("kgbuild.neo4j_local")
    except ImportError:
        return {}
    fn = getattr(mod, "local_credentials", None)
    if fn is None:
        return {}
    try:
        creds = fn()
    except Exception:  # a missing/unstarted local server simply means "no local credentials"
        return {}
    if creds is None:
        return {}
    if not isinstance(creds, dict):
        creds = {k: getattr(creds, k) for k in ("uri", "user", "username", "password", "database")
                 if hasattr(creds, k)}
    out = {}
    for ours, theirs in (("uri", "uri"), ("user", "user"), ("user", "username"),
                         ("password", "password"), ("database", "database")):
        if creds.get(theirs) and ours not in out:
            out[ours] = str(creds[theirs])
    return out


def neo4j_uri_configured(uri: str | None = None) -> str | None:
    """The Neo4j URI the user asked for (argument, ``NEO4J_URI`` or ``.env``), else None."""
    return uri or os.environ.get("NEO4J_URI") or dotenv_settings().get("NEO4J_URI") or None


def neo4j_settings(uri: str | None = None, *, user: str | None = None, password: str | None = None,
                   database: str | None = None) -> Neo4jSettings:
    """Resolve Neo4j settings: arguments, environment, ``.env``, local dev server, defaults."""
    env = os.environ
    dot = dotenv_settings()
    local = _local_credentials()

    def pick(arg: str | None, name: str, local_name: str, default: str | None) -> tuple[str | None, str]:
        if arg:
            return arg, "argument"
        for alt in (name, name.replace("USERNAME", "USER")):
            if env.get(alt):
                return env[alt], "environment"
            if dot.get(alt):
                return dot[alt], ".env"
        if local.get(local_name):
            return local[local_name], "kgbuild neo4j (local server)"
        return default, "defaults"

    uri_v, _ = pick(uri, "NEO4J_URI", "uri", DEFAULT_NEO4J_URI)
    user_v, _ = pick(user, "NEO4J_USERNAME", "user", DEFAULT_NEO4J_USER)
    pw_v, pw_src = pick(password, "NEO4J_PASSWORD", "password", None)
    db_v, _ = pick(database, "NEO4J_DATABASE", "database", DEFAULT_NEO4J_DATABASE)
    return Neo4jSettings(uri=uri_v or DEFAULT_NEO4J_URI, user=user_v or DEFAULT_NEO4J_USER,
                         password=pw_v, database=db_v or DEFAULT_NEO4J_DATABASE, source=pw_src)


HOME_ENV = "KGBUILD_HOME"
PROJECT_MARKER = ".kgbuild"


def user_home(env=None) -> Path:
    """The per-user default state folder: ``$XDG_DATA_HOME/kgbuild`` or ``~/.local/share/kgbuild``."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base).expanduser() / "kgbuild"


def find_project_home(start: Path | None = None) -> Path | None:
    """The nearest existing ``.kgbuild/`` folder in ``start`` or one of its parents (like git's ``.git``)."""
    here = (Path.cwd() if start is None else Path(start)).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_MARKER
        if candidate.is_dir():
            return candidate
    return None


def kgbuild_home(*, env=None, cwd: Path | None = None) -> Path:
    """The one folder holding kgbuild's state (embedded graph, local Neo4j, rejects reports).

    Every command, the Python API and the local Neo4j server ask this function, in this order:

    1. ``$KGBUILD_HOME`` (relative values are taken from the working directory);
    2. a **project** store: the nearest ``.kgbuild/`` folder in the working directory or one of its
       parents, found the way git finds ``.git`` (create one with ``mkdir .kgbuild`` to keep a
       project's graph beside its files);
    3. the **per-user** store ``$XDG_DATA_HOME/kgbuild`` (``~/.local/share/kgbuild``).

    Why this order: a working directory never silently gets a new store (the old rule made
    ``./.kgbuild`` wherever a command happened to run, so ``cd`` lost your graph); a project that
    wants its own store opts in once and any sub-folder finds it; without one, every folder sees
    the same per-user graph. Nothing is created here: callers create what they write.
    """
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else Path(cwd)
    override = env.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
        return path if path.is_absolute() else cwd / path
    project = find_project_home(cwd)
    if project is not None:
        return project
    return user_home(env)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it ``0700``: it holds graph data or secrets."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass  # not ours (e.g. a shared mount): leave its mode alone
    return path


def builtin_cypher_dir() -> Path:
    """The schema, write templates, admin statements and catalogue queries the stores run.

    An installed wheel carries the top-level ``cypher/`` folder as the package data
    ``kgbuild/_cypher`` (setup.py maps it); a source checkout (editable install) uses
    ``<repo>/cypher`` itself, so there is one copy to edit.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "_cypher"
    return packaged if packaged.is_dir() else here.parent / "cypher"


def cypher_dir() -> Path:
    """The query catalogue: ``<repo>/cypher``, or ``$KGBUILD_CYPHER_DIR`` when set.

    The override only changes where named queries are looked up; the stores keep using the
    built-in schema and write templates (``builtin_cypher_dir``), so a folder of custom
    queries cannot break a build.
    """
    override = os.environ.get("KGBUILD_CYPHER_DIR")
    return Path(override) if override else builtin_cypher_dir()
