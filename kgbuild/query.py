"""The named-query catalogue: ``cypher/NAME.cypher`` files, runnable from Python, CLI or Browser.

Each file is paste-ready in Neo4j Browser: a ``//`` header saying what it answers, ``:param``
lines with defaults, then one query. Here the header becomes the description, the ``:param``
lines become typed defaults (and are stripped before running), and user values are coerced to
the default's type, so ``kgbuild query top-datasets --param limit=5`` sends an integer.
Only values vary between runs; the Cypher text never includes user input.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import cypher_dir
from .errors import QueryError

# files in cypher/ that are not catalogue queries
_NOT_QUERIES = {"schema"}
_PARAM_LINE = re.compile(r"^\s*:param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.*?)\s*;?\s*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


@dataclass(frozen=True)
class QuerySpec:
    """One catalogue query: what it answers, its parameters with defaults, and its Cypher."""

    name: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # the statement without header comments and :param lines
    path: Path | None = None

    @property
    def summary(self) -> str:
        """The first line of the description (for listings)."""
        return self.description.splitlines()[0] if self.description else ""


def _literal(raw: str, where: str) -> Any:
    """A ``:param`` default: a Cypher literal (string, number, boolean, null, list)."""
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
    """Split a catalogue file into header description, ``:param`` defaults and body."""
    header: list[str] = []
    params: dict[str, Any] = {}
    body: list[str] = []
    in_header = True
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(":param"):
            m = _PARAM_LINE.match(line)
            if not m:
                raise QueryError(f"{name}.cypher line {lineno}: malformed :param line {stripped!r}",
                                 hint="Write it as  :param name => 'value';")
            params[m.group(1)] = _literal(m.group(2), f"{name}.cypher line {lineno}")
            in_header = False
            continue
        if in_header and stripped.startswith("//"):
            header.append(stripped[2:].strip())
            continue
        if stripped or body:
            in_header = False
            body.append(line)
    stmt = "\n".join(body).strip().rstrip(";").strip()
    if not stmt:
        raise QueryError(f"{name}.cypher has no query after its header")
    return QuerySpec(name=name, description="\n".join(h for h in header).strip(), params=params,
                     text=stmt, path=path)


def list_queries() -> list[QuerySpec]:
    """Every catalogue query, sorted by name (``schema.cypher`` and sub-folders excluded)."""
    base = cypher_dir()
    if not base.is_dir():
        raise QueryError(f"No Cypher catalogue at {base}", hint="Set KGBUILD_CYPHER_DIR to the cypher/ folder")
    return [load_query(p.stem) for p in sorted(base.glob("*.cypher")) if p.stem not in _NOT_QUERIES]


def load_query(name: str) -> QuerySpec:
    """The query ``cypher/<name>.cypher``; ``QueryError`` naming the known queries if absent."""
    base = cypher_dir()
    path = base / f"{name}.cypher"
    if not _NAME.match(name or "") or name in _NOT_QUERIES or not path.is_file():
        known = ", ".join(p.stem for p in sorted(base.glob("*.cypher")) if p.stem not in _NOT_QUERIES)
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


def query(name: str, /, store: Any = None, **params: Any) -> "Any":
    """Run a catalogue query and return a ``pandas.DataFrame`` (the notebook entry point).

    ``name`` is positional-only so a query parameter may itself be called ``name``
    (``query("entity", name="LoRA")``). Without ``store`` it opens the default one (Neo4j when
    configured, else embedded) and closes it afterwards. Parameters are checked before any
    store is opened.
    """
    import pandas as pd

    spec = load_query(name)
    bound = bind_params(spec, params)
    if store is None:
        from .stores import open_store

        with open_store() as opened:
            rows = opened.run_read(spec.text, bound)
    else:
        rows = store.run_read(spec.text, bound)
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
