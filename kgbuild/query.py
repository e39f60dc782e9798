"""The named-query catalogue: ``cypher/NAME.cypher`` files, runnable from Python, CLI or Browser.

Each file is one Cypher statement that runs as pasted in Neo4j Browser (one statement, no
semicolons, no client commands, so Browser shows its rows in one frame whatever its
multi-statement setting): a ``//`` header saying what it answers, then a first ``WITH`` clause
that binds each parameter's default value to a variable, one per line::

    // Which methods beat a baseline?
    WITH 'full fine-tuning' AS baseline,
         'GLUE' AS dataset
    MATCH ...

Here the header becomes the description and that clause becomes typed defaults. To run, the
library swaps the literals for ``$parameters`` (``WITH $baseline AS baseline, ...``), so values
always travel as parameters and never as Cypher text; ``paste_text`` renders the same file with
other values written as Cypher literals, which is what ``kgbuild query NAME --show`` prints.
User values are coerced to the default's type, so ``--param limit=5`` sends an integer.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import cypher_dir
from .errors import QueryError

# files in cypher/ that are not catalogue queries
_NOT_QUERIES = {"schema"}
_PARAM_ITEM = re.compile(r"^\s*(?:WITH\s+)?(?P<lit>.+?)\s+AS\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<comma>,)?\s*$",
                         re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}
#: sub-folder of cypher/ with the graph forms (queries returning paths, for Browser's Graph tab)
GRAPH_FOLDER = "browser"


@dataclass(frozen=True)
class QuerySpec:
    """One catalogue query: what it answers, its parameters with defaults, and its Cypher."""

    name: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # the statement to run: parameters as $name, no header comments
    path: Path | None = None
    header: str = ""  # the // comment lines, as written
    body: str = ""  # the statement after the parameter clause

    @property
    def summary(self) -> str:
        """The first line of the description (for listings)."""
        return self.description.splitlines()[0] if self.description else ""

    def paste_text(self, values: dict[str, Any] | None = None) -> str:
        """The file as pasted into Neo4j Browser, with ``values`` (else defaults) as literals."""
        bound = bind_params(self, values) if values else dict(self.params)
        lines = [self.header] if self.header else []
        if self.params:
            lines.append(_with_clause({p: cypher_literal(v) for p, v in bound.items()}))
        lines.append(self.body)
        return "\n".join(lines) + "\n"


def cypher_literal(value: Any) -> str:
    """``value`` written as a Cypher literal (strings single-quoted with backslash escapes)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QueryError(f"Cannot write {value!r} as a Cypher literal")
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
        return f"'{escaped}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    raise QueryError(f"Cannot write {value!r} as a Cypher literal")


def _with_clause(items: dict[str, str]) -> str:
    """``WITH a AS x,`` / ``     b AS y`` one item per line (the catalogue's parameter clause)."""
    parts = [f"{expr} AS {name}" for name, expr in items.items()]
    return "WITH " + ",\n     ".join(parts)


def _literal(raw: str, where: str) -> Any:
    """A parameter default: a Cypher literal (string, number, boolean, null, list)."""
    text = raw.strip()
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise QueryError(f"{where}: cannot read the default value {raw!r}",
                         hint="Use a quoted string, a number, true/false, null or a list") from None
    if not isinstance(value, (str, int, float, list)):
        raise QueryError(f"{where}: unsupported default value {raw!r}")
    return value


def parse_query(text: str, name: str, path: Path | None = None) -> QuerySpec:
    """Split a catalogue file into header, parameter defaults (its first ``WITH``) and body."""
    lines = text.splitlines()
    header: list[str] = []
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("//")):
        if lines[i].strip():
            header.append(lines[i].rstrip())
        i += 1
    for lineno, line in enumerate(lines, 1):
        if line.lstrip().startswith(":"):
            raise QueryError(f"{name}.cypher line {lineno}: Browser client command {line.strip()!r}",
                             hint="Catalogue files are one Cypher statement: give parameters as the first "
                                  "clause, WITH 'value' AS name (see kgbuild/query.py)")
    params: dict[str, Any] = {}
    if i < len(lines) and re.match(r"^\s*WITH\s", lines[i], re.IGNORECASE):
        while i < len(lines):
            m = _PARAM_ITEM.match(lines[i])
            if not m:
                raise QueryError(f"{name}.cypher line {i + 1}: expected  <literal> AS <name>  in the parameter "
                                 f"clause, got {lines[i].strip()!r}",
                                 hint="One parameter per line: WITH 'GLUE' AS dataset,")
            params[m.group("name")] = _literal(m.group("lit"), f"{name}.cypher line {i + 1}")
            i += 1
            if not m.group("comma"):
                break
    body = "\n".join(lines[i:]).strip().rstrip(";").strip()
    if not body:
        raise QueryError(f"{name}.cypher has no query after its header")
    if ";" in body:
        raise QueryError(f"{name}.cypher has a semicolon in its statement",
                         hint="Neo4j Browser would split it into several statements and show no rows")
    run_text = (_with_clause({p: f"${p}" for p in params}) + "\n" + body) if params else body
    description = "\n".join(h.strip()[2:].strip() for h in header).strip()
    return QuerySpec(name=name, description=description, params=params, text=run_text, path=path,
                     header="\n".join(header), body=body)


def list_queries(folder: str | None = None) -> list[QuerySpec]:
    """Every catalogue query, sorted by name; ``folder="browser"`` lists the graph forms instead."""
    base = cypher_dir() / folder if folder else cypher_dir()
    if not base.is_dir():
        raise QueryError(f"No Cypher catalogue at {base}", hint="Set KGBUILD_CYPHER_DIR to the cypher/ folder")
    prefix = f"{folder}/" if folder else ""
    return [load_query(prefix + p.stem) for p in sorted(base.glob("*.cypher")) if p.stem not in _NOT_QUERIES]


def load_query(name: str) -> QuerySpec:
    """The query ``cypher/<name>.cypher`` (``browser/<name>`` for a graph form); ``QueryError`` if absent."""
    base = cypher_dir()
    path = base / f"{name}.cypher"
    if not _NAME.match(name or "") or name in _NOT_QUERIES or not path.is_file():
        known = ", ".join([p.stem for p in sorted(base.glob("*.cypher")) if p.stem not in _NOT_QUERIES]
                          + [f"{GRAPH_FOLDER}/{p.stem}" for p in sorted((base / GRAPH_FOLDER).glob("*.cypher"))])
        raise QueryError(f"Unknown query {name!r}", hint=f"Known queries: {known}")
    return parse_query(path.read_text(encoding="utf-8"), name, path)


def _coerce(spec: QuerySpec, pname: str, value: Any) -> Any:
    default = spec.params[pname]
    where = f"parameter {pname!r} of {spec.name}"
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise QueryError(f"{where} must be true or false (got {value!r})")
    if isinstance(default, int):
        try:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                return int(value)
            return int(str(value).strip())
        except ValueError:
            raise QueryError(f"{where} must be a whole number (got {value!r})") from None
    if isinstance(default, float):
        try:
            if isinstance(value, bool):
                raise ValueError
            out = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
        except ValueError:
            raise QueryError(f"{where} must be a number (got {value!r})") from None
        if out != out or out in (float("inf"), float("-inf")):
            raise QueryError(f"{where} must be a finite number (got {value!r})")
        return out
    if isinstance(default, str):
        if isinstance(value, (list, dict)):
            raise QueryError(f"{where} must be text (got {value!r})")
        return str(value)
    if isinstance(default, list):
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return list(value)
    return value  # null default: required, any type


def bind_params(spec: QuerySpec, params: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults filled in, values coerced to the defaults' types; unknown or missing -> ``QueryError``."""
    params = dict(params or {})
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        expected = ", ".join(spec.params) or "none"
        raise QueryError(f"Unknown parameter(s) for {spec.name}: {', '.join(unknown)}",
                         hint=f"Parameters of {spec.name}: {expected}")
    out: dict[str, Any] = {}
    for pname, default in spec.params.items():
        if pname in params and params[pname] is not None:
            out[pname] = _coerce(spec, pname, params[pname])
        elif default is None:
            raise QueryError(f"Missing parameter {pname!r} for {spec.name}",
                             hint=f"Pass it, e.g. --param {pname}=...")
        else:
            out[pname] = default
    return out


def run_query(store: Any, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run catalogue query ``name`` on an open store; rows as dicts in the query's column order."""
    spec = load_query(name)
    return store.run_read(spec.text, bind_params(spec, params))  # read-only: a catalogue query cannot write


def store_at(location: Any) -> Any:
    """The store a ``store=`` argument names, not yet opened (an existing store object is returned as is).

    * a store object (anything with ``run_read``): used as it is, opened or not;
    * ``bolt://``, ``neo4j://`` (``+s``/``+ssc``) URI: that Neo4j server, credentials as usual;
    * a path: the embedded graph's folder (what ``EmbeddedStore(data_dir)`` takes; the default
      one is ``<kgbuild home>/falkordb``, see ``kgbuild.config.kgbuild_home``).
    """
    if hasattr(location, "run_read"):
        return location
    text = str(location)
    if re.match(r"^(bolt|neo4j)(\+s|\+ssc)?://", text):
        from .stores import Neo4jStore

        return Neo4jStore.from_env(text)
    if not text.strip():
        raise QueryError("Empty store location", hint="Pass a folder path or a bolt:// URI, or None for the default")
    from .stores import EmbeddedStore

    return EmbeddedStore(Path(text).expanduser())


def query(name: str, /, store: Any = None, **params: Any) -> "Any":
    """Run a catalogue query and return a ``pandas.DataFrame`` (the notebook entry point).

    ``name`` is positional-only so a query parameter may itself be called ``name``
    (``query("entity", name="LoRA")``). ``store`` says where the graph is: an opened store, a
    ``bolt://`` URI, or the embedded graph's folder (see :func:`store_at`). Without it, the one
    documented default: Neo4j when ``NEO4J_URI`` is configured, else the embedded graph in the
    kgbuild home (``kgbuild.config.kgbuild_home``), never a new store in the working directory.
    A store this function opens, it closes. Parameters are checked before any store is opened.
    """
    import pandas as pd

    spec = load_query(name)
    bound = bind_params(spec, params)
    if store is not None and hasattr(store, "run_read"):
        rows = store.run_read(spec.text, bound)  # the caller's store: the caller opens and closes it
    else:
        if store is None:
            from .stores import make_store

            target = make_store()
        else:
            target = store_at(store)
        with target.open() as opened:
            rows = opened.run_read(spec.text, bound)
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=_columns(spec.text))


def _columns(text: str) -> list[str]:
    """Column names of the final RETURN (for an empty DataFrame with the right header)."""
    idx = text.upper().rfind("RETURN")
    if idx < 0:
        return []
    tail = text[idx + 6:]
    tail = re.split(r"\bORDER\s+BY\b|\bLIMIT\b|\bSKIP\b", tail, flags=re.IGNORECASE)[0]
    cols, depth, cur = [], 0, ""
    for ch in tail:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            cols.append(cur)
            cur = ""
        else:
            cur += ch
    cols.append(cur)
    out = []
    for c in cols:
        m = re.search(r"\bAS\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", c.strip(), flags=re.IGNORECASE)
        out.append(m.group(1) if m else c.strip())
    return [c for c in out if c]
