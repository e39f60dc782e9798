"""A real Neo4j 5.26 LTS Community server for machines without Docker.

Why this exists: the tests and the analyst workflow need a genuine Neo4j (Bolt, Cypher, APOC,
Neo4j Browser), but CI machines and many laptops have Java and Maven yet no Docker. So the
server is assembled from Maven Central artifacts by the small Maven project in ``neo4j-local/``
(pinned versions in its pom.xml) and run as a plain background ``java`` process:

* first start: ``mvn -q -B compile dependency:build-classpath`` downloads the artifacts into the
  usual ``~/.m2`` cache, compiles the one launcher class and writes ``target/classpath.txt``;
  the result is keyed on the pom and launcher source, so later starts skip Maven entirely;
* every start: render ``neo4j.conf`` into the data dir, check the ports, start
  ``java ... kgbuild.neo4jlocal.Launcher`` in its own session (process group), wait for its
  ready line, then for Bolt to accept our credentials.

The data dir (``<kgbuild home>/neo4j``, see :func:`kgbuild.config.kgbuild_home`; the sub-override
``KGBUILD_NEO4J_HOME`` puts one server elsewhere, e.g. the test server) is a Neo4j home: it
holds ``conf/``, ``data/``, ``logs/`` (``neo4j.log``, ``debug.log``, ``console.log``),
``plugins/`` (APOC), ``run/neo4j.pid`` and ``credentials.env``. Data survives restarts unless
``start(fresh=True)``.

Password: ``NEO4J_PASSWORD`` from the environment or a ``.env`` file in the working directory;
without one, a random password is generated once and kept in ``credentials.env`` (mode 600),
which :func:`local_credentials` reads so clients can connect without configuration. The
launcher sets the ``neo4j`` user's password to that value on every start, so changing
``NEO4J_PASSWORD`` and restarting changes the server's password.

Usage: ``kgbuild neo4j start [--fresh] | stop | status`` (the click group in
``kgbuild/cli/neo4j.py``) or the functions :func:`start`, :func:`stop`, :func:`status`.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Iterator, Mapping

from .config import kgbuild_home
from .errors import ServerError
from .procs import pid_alive

NEO4J_VERSION = "5.26.19"
"""Pinned Neo4j Community version; must match ``neo4j.version`` in neo4j-local/pom.xml."""

USERNAME = "neo4j"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
# 1 GiB heap + 1 GiB page cache: the kgbuild graph is thousands of nodes, so this is ample,
# and ~2.5 GiB resident leaves most of a 24 GiB, 2-core machine to the other processes.
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "1g"
DEFAULT_TX_MEMORY = "512m"
MIN_PASSWORD_LENGTH = 8  # Neo4j 5 default for dbms.security.auth_minimum_password_length

LAUNCHER_CLASS = "kgbuild.neo4jlocal.Launcher"
READY_MARK = "KGBUILD-NEO4J-READY"
FAILED_MARK = "KGBUILD-NEO4J-FAILED"
MAVEN_TIMEOUT_S = 900

PACKAGED_PROJECT_DIR = Path(__file__).resolve().parent / "_neo4j_local"
"""Where an installed wheel keeps ``neo4j-local/`` (package data, see setup.py)."""
PROJECT_DIR = (PACKAGED_PROJECT_DIR if PACKAGED_PROJECT_DIR.is_dir()
               else Path(__file__).resolve().parent.parent / "neo4j-local")
"""The launcher's Maven project: the packaged copy in a wheel install, else the checkout's folder."""

# Flags the official `neo4j` script passes (5.x), minus the ones that only slow a dev start
# (AlwaysPreTouch touches the whole heap up front).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

_SIZE_RE = re.compile(r"^\d+[kmgKMG]$")


@dataclass(frozen=True)
class LocalConfig:
    """Where and how the local server runs. Build it with :meth:`from_env`; no I/O here."""

    home: Path
    bolt_port: int = DEFAULT_BOLT_PORT
    http_port: int = DEFAULT_HTTP_PORT
    heap: str = DEFAULT_HEAP
    pagecache: str = DEFAULT_PAGECACHE
    tx_memory: str = DEFAULT_TX_MEMORY
    project_dir: Path = PROJECT_DIR

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> "LocalConfig":
        """Read ``KGBUILD_NEO4J_*`` settings; raise ``ServerError`` on a malformed value."""
        env = os.environ if env is None else env
        cwd = Path.cwd() if cwd is None else cwd
        # one state location: <kgbuild home>/neo4j; KGBUILD_NEO4J_HOME is a documented sub-override
        home = Path(env.get("KGBUILD_NEO4J_HOME") or kgbuild_home(env=env, cwd=cwd) / "neo4j")
        if not home.is_absolute():
            home = cwd / home
        return cls(
            home=home,
            bolt_port=_port(env, "KGBUILD_NEO4J_BOLT_PORT", DEFAULT_BOLT_PORT),
            http_port=_port(env, "KGBUILD_NEO4J_HTTP_PORT", DEFAULT_HTTP_PORT),
            heap=_size(env, "KGBUILD_NEO4J_HEAP", DEFAULT_HEAP),
            pagecache=_size(env, "KGBUILD_NEO4J_PAGECACHE", DEFAULT_PAGECACHE),
            tx_memory=_size(env, "KGBUILD_NEO4J_TX_MEMORY", DEFAULT_TX_MEMORY),
            project_dir=Path(env.get("KGBUILD_NEO4J_PROJECT") or PROJECT_DIR),
        )

    @property
    def bolt_uri(self) -> str:
        return f"bolt://localhost:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://localhost:{self.http_port}"

    @property
    def browser_url(self) -> str:
        return f"{self.http_url}/browser/"

    @property
    def conf_file(self) -> Path:
        return self.home / "conf" / "neo4j.conf"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        """Neo4j's user log; the launcher's READY/FAILED lines land here too."""
        return self.home / "logs" / "neo4j.log"

    @property
    def console_log(self) -> Path:
        """The JVM's stdout/stderr: errors from before Neo4j's logging starts."""
        return self.home / "logs" / "console.log"

    @property
    def credentials_file(self) -> Path:
        return self.home / "credentials.env"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise ServerError(f"{name}={raw!r} is not a TCP port (1-65535)")
    return port


def _size(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name) or default
    if not _SIZE_RE.match(raw):
        raise ServerError(f"{name}={raw!r} is not a size like 512m or 2g")
    return raw.lower()


@dataclass(frozen=True)
class ServerInfo:
    """A running local server, as :func:`start` and :func:`status` report it."""

    pid: int
    bolt_uri: str
    http_url: str
    home: Path
    username: str = USERNAME
    version: str = NEO4J_VERSION
    already_running: bool = False
    startup_seconds: float | None = field(default=None, compare=False)

    @property
    def browser_url(self) -> str:
        return f"{self.http_url}/browser/"

    def describe(self) -> str:
        return (f"Neo4j {self.version} running (pid {self.pid})\n"
                f"  bolt:    {self.bolt_uri}  (user {self.username})\n"
                f"  browser: {self.browser_url}\n"
                f"  data:    {self.home}")


# --------------------------------------------------------------------------- credentials

def _read_env_file(path: Path) -> dict[str, str]:
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def local_credentials(config: LocalConfig | None = None) -> dict[str, str] | None:
    """``{"uri", "username", "password"}`` of the local server, or None if it never started.

    Read from ``<data dir>/credentials.env``, so a client can connect to the dev server with
    no settings of its own. The file exists even while the server is stopped.
    """
    cfg = config or LocalConfig.from_env()
    path = cfg.credentials_file
    if not path.is_file():
        return None
    values = _read_env_file(path)
    if not values.get("NEO4J_PASSWORD"):
        return None
    return {"uri": values.get("NEO4J_URI", cfg.bolt_uri),
            "username": values.get("NEO4J_USERNAME", USERNAME),
            "password": values["NEO4J_PASSWORD"]}


def resolve_password(cfg: LocalConfig, env: Mapping[str, str] | None = None,
                     cwd: Path | None = None) -> tuple[str, str]:
    """(password, where it came from): env, then ./.env, then credentials.env, else a new one."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    candidates = [("NEO4J_PASSWORD", env.get("NEO4J_PASSWORD"))]
    dotenv_path = cwd / ".env"
    if dotenv_path.is_file():
        candidates.append((f"{dotenv_path}", _read_env_file(dotenv_path).get("NEO4J_PASSWORD")))
    if cfg.credentials_file.is_file():
        candidates.append((str(cfg.credentials_file),
                           _read_env_file(cfg.credentials_file).get("NEO4J_PASSWORD")))
    for source, value in candidates:
        if value:
            if len(value) < MIN_PASSWORD_LENGTH:
                raise ServerError(
                    f"the Neo4j password from {source} is {len(value)} characters; "
                    f"Neo4j 5 requires at least {MIN_PASSWORD_LENGTH}",
                    hint="set a longer NEO4J_PASSWORD, or unset it to get a generated one")
            return value, source
    return secrets.token_urlsafe(18), "generated"


def current_password(cfg: LocalConfig | None = None, env: Mapping[str, str] | None = None,
                     cwd: Path | None = None) -> tuple[str, str] | None:
    """(password, where it is) as the server uses it, or None before the first start.

    Same order as :func:`resolve_password` (environment, ./.env, credentials.env), but never
    generates one: this is what ``kgbuild neo4j password`` prints and ``start``/``status`` point to.
    """
    cfg = cfg or LocalConfig.from_env(env, cwd)
    try:
        password, source = resolve_password(cfg, env, cwd)
    except ServerError:
        return None
    if source == "generated":
        return None
    where = "$NEO4J_PASSWORD (environment)" if source == "NEO4J_PASSWORD" else source
    return password, where


def password_hint(cfg: LocalConfig | None = None, env: Mapping[str, str] | None = None,
                  cwd: Path | None = None) -> str:
    """One line saying where the password is (never the password itself)."""
    found = current_password(cfg, env, cwd)
    if found is None:
        return "password: none yet (the first `kgbuild neo4j start` generates one)"
    return f"password: in {found[1]}  (print it: kgbuild neo4j password)"


def _write_credentials(cfg: LocalConfig, password: str) -> None:
    cfg.home.mkdir(parents=True, exist_ok=True)
    path = cfg.credentials_file
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("# Written by kgbuild neo4j start: credentials of the local dev server.\n"
                 f"NEO4J_URI={cfg.bolt_uri}\nNEO4J_USERNAME={USERNAME}\nNEO4J_PASSWORD={password}\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- preflight

def find_tool(name: str, path: str | None = None) -> str:
    """Absolute path of ``java``/``mvn`` on PATH, or a ServerError saying how to get it."""
    found = shutil.which(name, path=path)
    if found:
        return found
    hints = {"java": "install a Java 17+ JDK/JRE, e.g. `apt-get install openjdk-17-jre-headless`",
             "mvn": "install Maven 3.6+, e.g. `apt-get install maven`"}
    raise ServerError(f"`{name}` was not found on PATH; the local Neo4j server needs it",
                      hint=hints.get(name) + " (or use docker compose up -d, see docs/neo4j.md)")


def java_major_version(java: str) -> int:
    """Major version of a ``java`` binary (17 for "17.0.15")."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ServerError(f"could not run `{java} -version`: {exc}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise ServerError(f"could not read the Java version from `{java} -version`")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True if something already listens on (or holds) ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def check_ports(cfg: LocalConfig) -> None:
    """Refuse to start when Bolt or HTTP port is taken: Neo4j would die with a vaguer error."""
    if cfg.bolt_port == cfg.http_port:
        raise ServerError(f"Bolt and HTTP ports are both {cfg.bolt_port}")
    for name, port, var in (("Bolt", cfg.bolt_port, "KGBUILD_NEO4J_BOLT_PORT"),
                            ("HTTP", cfg.http_port, "KGBUILD_NEO4J_HTTP_PORT")):
        if port_in_use(port):
            raise ServerError(
                f"{name} port {port} is already in use (another Neo4j, or a Docker container?)",
                hint=f"stop whatever listens there, or pick another port with {var}=...")


# --------------------------------------------------------------------------- build

def _build_key(project_dir: Path) -> str:
    digest = hashlib.sha256()
    files = [project_dir / "pom.xml", *sorted((project_dir / "src").rglob("*.java"))]
    for path in files:
        digest.update(path.relative_to(project_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _build_copy(packaged: Path) -> Path:
    """A copy of the packaged launcher project under the kgbuild home, where Maven may write
    ``target/``; refreshed when the packaged sources change (a kgbuild upgrade)."""
    dest = kgbuild_home() / "neo4j-launcher"
    with _file_lock(kgbuild_home() / "neo4j-launcher.lock"):
        if not (dest / "pom.xml").is_file() or _build_key(dest) != _build_key(packaged):
            for name in ("pom.xml", "neo4j.conf.template"):
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copy2(packaged / name, dest / name)
            shutil.rmtree(dest / "src", ignore_errors=True)
            shutil.copytree(packaged / "src", dest / "src")
    return dest


def ensure_built(cfg: LocalConfig, *, path: str | None = None,
                 log=lambda msg: None, _retry: bool = True) -> list[str]:
    """Classpath entries (launcher classes first), running Maven only when pom/source changed.

    Why cache: resolving ~220 jars through Maven takes 10-30 s even offline; a cached
    classpath file makes a warm start pure ``java``.
    """
    project = cfg.project_dir
    if not (project / "pom.xml").is_file():
        raise ServerError(f"the launcher project is missing: {project / 'pom.xml'}",
                          hint="reinstall kgbuild, or set KGBUILD_NEO4J_PROJECT to a neo4j-local/ folder")
    if project.resolve() == PACKAGED_PROJECT_DIR.resolve():
        project = _build_copy(project)  # never build inside site-packages
    target = project / "target"
    cp_file = target / "classpath.txt"
    key_file = target / "kgbuild-build.key"
    launcher = target / "classes" / "kgbuild" / "neo4jlocal" / "Launcher.class"
    key = _build_key(project)
    with _file_lock(target / ".build.lock"):
        fresh = (cp_file.is_file() and launcher.is_file() and key_file.is_file()
                 and key_file.read_text().strip() == key)
        if not fresh:
            mvn = find_tool("mvn", path)
            log("Resolving Neo4j from Maven Central (first run downloads ~150 MB into ~/.m2) ...")
            cmd = [mvn, "-q", "-B", "compile", "dependency:build-classpath",
                   f"-Dmdep.outputFile={cp_file}"]
            try:
                proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True,
                                      timeout=MAVEN_TIMEOUT_S, start_new_session=True)
            except subprocess.TimeoutExpired as exc:
                raise ServerError(f"Maven did not finish within {MAVEN_TIMEOUT_S} s",
                                  hint="check network access to Maven Central") from exc
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
                raise ServerError(f"Maven could not build the Neo4j launcher "
                                  f"(exit {proc.returncode}):\n{tail}",
                                  hint="check network access to Maven Central and ~/.m2")
            key_file.write_text(key + "\n")
        entries = [e for e in cp_file.read_text().strip().split(os.pathsep) if e]
    missing = [e for e in entries if not Path(e).exists()]
    if missing and _retry:  # ~/.m2 was cleaned since the classpath was cached: rebuild once
        key_file.unlink(missing_ok=True)
        return ensure_built(cfg, path=path, log=log, _retry=False)
    if missing:
        raise ServerError(f"Maven's classpath names {len(missing)} jar(s) that do not exist, "
                          f"e.g. {missing[0]}", hint="delete neo4j-local/target and ~/.m2 caches")
    return [str(target / "classes"), *entries]


def _apoc_jars(classpath: list[str]) -> list[Path]:
    return [Path(e) for e in classpath if "/org/neo4j/procedure/apoc-" in e.replace(os.sep, "/")]


def _make_private(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            if not path.is_symlink():
                os.chmod(path, 0o700 if path.is_dir() else 0o600)


def prepare_home(cfg: LocalConfig, classpath: list[str]) -> None:
    """Render neo4j.conf and install APOC into ``plugins/``.

    Why both classpath and plugins/: Neo4j loads extension factories (APOC's config) from the
    classpath but scans only ``plugins/`` for @Procedure classes, exactly as the official
    distribution does with ``-cp lib/*:plugins/*``.
    """
    from .config import private_dir

    private_dir(cfg.home)  # graph data, logs and credentials: this user only (0700)
    for sub in ("conf", "data", "logs", "plugins", "run", "import"):
        (cfg.home / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("data", "logs"):  # files an older kgbuild left world-readable
        _make_private(cfg.home / sub)
    template = Template((cfg.project_dir / "neo4j.conf.template").read_text())
    from .browser import post_connect_cmd

    cfg.conf_file.write_text(template.substitute(
        bolt_port=cfg.bolt_port, http_port=cfg.http_port,
        post_connect_cmd=post_connect_cmd(cfg.http_url),
        pagecache=cfg.pagecache, tx_memory=cfg.tx_memory))
    plugins = cfg.home / "plugins"
    wanted = {jar.name for jar in _apoc_jars(classpath)}
    for old in plugins.glob("apoc-*.jar"):
        if old.name not in wanted:
            old.unlink()
    for jar in _apoc_jars(classpath):
        dest = plugins / jar.name
        if not dest.exists() or dest.stat().st_size != jar.stat().st_size:
            shutil.copy2(jar, dest)


# --------------------------------------------------------------------------- processes

def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _alive(pid: int) -> bool:
    _reap(pid)  # a child of this very process stays a zombie until reaped
    return pid_alive(pid)


def _is_our_server(pid: int, cfg: LocalConfig) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return LAUNCHER_CLASS.encode() in argv and str(cfg.home).encode() in argv


def _read_pid(cfg: LocalConfig) -> int | None:
    try:
        return int(cfg.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def status(config: LocalConfig | None = None) -> ServerInfo | None:
    """The running server for this data dir, or None when it is stopped."""
    cfg = config or LocalConfig.from_env()
    pid = _read_pid(cfg)
    if pid is None or not _alive(pid) or not _is_our_server(pid, cfg):
        return None
    return ServerInfo(pid=pid, bolt_uri=cfg.bolt_uri, http_url=cfg.http_url, home=cfg.home,
                      already_running=True)


def _tail(path: Path, lines: int = 25, since: int = 0) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(since)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _failure_report(cfg: LocalConfig, log_from: int, console_from: int) -> str:
    parts = []
    for path, since in ((cfg.console_log, console_from), (cfg.log_file, log_from)):
        tail = _tail(path, since=since)
        if tail:
            parts.append(f"--- {path} (last lines) ---\n{tail}")
    debug = cfg.home / "logs" / "debug.log"
    errors = [ln for ln in _tail(debug, lines=400).splitlines() if " ERROR " in ln][-5:]
    if errors:
        parts.append(f"--- {debug} (errors) ---\n" + "\n".join(errors))
    return "\n".join(parts) or "(no log output)"


def _bolt_ready(uri: str, password: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

    try:
        with GraphDatabase.driver(uri, auth=(USERNAME, password),
                                  connection_timeout=5) as driver:
            driver.verify_connectivity()
        return True
    except AuthError as exc:
        raise ServerError(
            f"the server at {uri} is running but refused the password: {exc}",
            hint="was it changed inside Neo4j? Set NEO4J_PASSWORD to it and run `kgbuild neo4j "
                 "stop` then `start` (see docs/neo4j.md, Password)") from exc
    except (ServiceUnavailable, SessionExpired, TransientError, OSError):
        return False


def start(*, fresh: bool = False, wait: float = 180, config: LocalConfig | None = None,
          env: Mapping[str, str] | None = None, log=lambda msg: None) -> ServerInfo:
    """Start the local server in the background and return once Bolt accepts our password.

    ``wait`` counts from the launch of the server, after any first-run Maven download.

    Already running: returns its info (``already_running=True``), unless ``fresh``, which
    stops it, wipes the database and starts again. Raises ServerError with the log tail when
    the server cannot start.
    """
    t0 = time.monotonic()
    env = dict(os.environ if env is None else env)
    cfg = config or LocalConfig.from_env(env)
    lock = cfg.home / "run" / "start.lock"
    with _file_lock(lock):
        running = status(cfg)
        if running and not fresh:
            return running
        if running:
            log(f"Stopping the running server (pid {running.pid}) for --fresh ...")
            stop(config=cfg)
        java = find_tool("java", env.get("PATH"))
        major = java_major_version(java)
        if major < 17:
            raise ServerError(f"Neo4j {NEO4J_VERSION} needs Java 17 or 21; `{java}` is Java {major}",
                              hint="install openjdk-17 and put it first on PATH")
        check_ports(cfg)
        password, source = resolve_password(cfg, env)
        classpath = ensure_built(cfg, path=env.get("PATH"), log=log)
        if fresh:
            for sub in ("data", "logs"):
                shutil.rmtree(cfg.home / sub, ignore_errors=True)
        prepare_home(cfg, classpath)
        _write_credentials(cfg, password)
        if source == "generated":
            log(f"Generated a password for user neo4j; stored in {cfg.credentials_file}")

        # The classpath (~20 KB) goes into an @argfile so `ps` stays readable.
        argfile = cfg.home / "run" / "java.args"
        argfile.write_text(f'-cp "{os.pathsep.join(classpath)}"\n')
        from .browser import browser_dir

        # the folder the Browser-files extension serves at /kgbuild/ (style and guide)
        cmd = [java, f"-Xms{cfg.heap}", f"-Xmx{cfg.heap}", *JVM_FLAGS,
               f"-Dkgbuild.browser.dir={browser_dir()}", f"@{argfile}",
               LAUNCHER_CLASS, str(cfg.home), str(cfg.conf_file)]
        child_env = {**env, "NEO4J_PASSWORD": password}
        log_from, console_from = _log_size(cfg.log_file), _log_size(cfg.console_log)
        with os.fdopen(os.open(cfg.console_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as console:
            proc = subprocess.Popen(cmd, cwd=cfg.home, env=child_env, stdin=subprocess.DEVNULL,
                                    stdout=console, stderr=subprocess.STDOUT,
                                    start_new_session=True, umask=0o077)  # data files 0600
        cfg.pid_file.write_text(f"{proc.pid}\n")
        log(f"Starting Neo4j {NEO4J_VERSION} (pid {proc.pid}), data in {cfg.home} ...")

        def give_up(reason: str) -> ServerError:
            report = _failure_report(cfg, log_from, console_from)
            _kill_group(proc.pid, timeout=30)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            cfg.pid_file.unlink(missing_ok=True)
            return ServerError(f"Neo4j did not start: {reason}\n{report}",
                               hint=f"full logs in {cfg.home / 'logs'}")

        deadline = time.monotonic() + wait  # from launch: a cold Maven run is not counted
        ready_line = False
        while True:
            code = proc.poll()
            if code is not None:
                raise give_up(f"the server process exited with status {code}")
            if not ready_line:
                new = _tail(cfg.log_file, lines=10_000, since=log_from)
                if FAILED_MARK in new or FAILED_MARK in _tail(cfg.console_log, since=console_from):
                    raise give_up("the launcher reported a failure")
                ready_line = READY_MARK in new
            if ready_line and _bolt_ready(cfg.bolt_uri, password):
                break
            if time.monotonic() > deadline:
                raise give_up(f"Bolt did not answer at {cfg.bolt_uri} within {wait:.0f} s")
            time.sleep(0.5)
    return ServerInfo(pid=proc.pid, bolt_uri=cfg.bolt_uri, http_url=cfg.http_url, home=cfg.home,
                      startup_seconds=round(time.monotonic() - t0, 1))


def _kill_group(pgid: int, *, timeout: float) -> None:
    """SIGTERM the process group, wait, then SIGKILL whatever is left of it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pgid) and not _group_members(pgid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (_alive(pgid) or _group_members(pgid)):
        time.sleep(0.1)


def stop(*, timeout: float = 60, config: LocalConfig | None = None) -> bool:
    """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout``); False if not running."""
    cfg = config or LocalConfig.from_env()
    info = status(cfg)
    if info is None:
        cfg.pid_file.unlink(missing_ok=True)  # stale pid file from a crash or reboot
        return False
    # The server was started with start_new_session, so its pid is also its process group:
    # signalling the group also ends any child the JVM may have spawned.
    _kill_group(info.pid, timeout=timeout)
    cfg.pid_file.unlink(missing_ok=True)
    return True


# --------------------------------------------------------------------------- .env

def _load_dotenv() -> None:
    """Let a ./.env set NEO4J_PASSWORD and KGBUILD_NEO4J_* like the real environment does."""
    path = Path.cwd() / ".env"
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


# --------------------------------------------------------------------------- neo4j-admin
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
"""``neo4j-admin``'s main class; it is in the same Maven artifacts as the server."""


def admin_command(args: list[str], *, config: LocalConfig | None = None, heap: str = "1g",
                  env: Mapping[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The ``neo4j-admin ARGS`` command line for the local server's home, and its environment.

    Runs ``org.neo4j.cli.AdminTool`` on the server's classpath with ``NEO4J_HOME`` and
    ``NEO4J_CONF`` pointing at the data dir, exactly what the distribution's script does.
    """
    env = dict(os.environ if env is None else env)
    cfg = config or LocalConfig.from_env(env)
    java = find_tool("java", env.get("PATH"))
    classpath = ensure_built(cfg, path=env.get("PATH"))
    prepare_home(cfg, classpath)
    argfile = cfg.home / "run" / "admin.args"
    argfile.write_text(f'-cp "{os.pathsep.join(classpath)}"\n')
    cmd = [java, f"-Xmx{heap}", *JVM_FLAGS, f"@{argfile}", ADMIN_CLASS, *args]
    return cmd, {**env, "NEO4J_HOME": str(cfg.home), "NEO4J_CONF": str(cfg.home / "conf")}
