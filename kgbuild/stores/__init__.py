"""Graph stores: Neo4j (server) or an embedded FalkorDB child process (no setup).

``open_store()`` picks the backend the way the CLI does: Neo4j when a URI is given or
``NEO4J_URI`` is set (environment or ``.env``), otherwise the embedded store.
"""
from __future__ import annotations

from typing import Any

from ..config import neo4j_uri_configured
from .base import GraphStore
from .embedded import EmbeddedStore
from .neo4j import Neo4jStore

__all__ = ["GraphStore", "EmbeddedStore", "Neo4jStore", "open_store", "make_store"]


def make_store(neo4j_uri: str | None = None, **kw: Any) -> GraphStore:
    """The store to use, not yet opened (constructors do no I/O)."""
    uri = neo4j_uri_configured(neo4j_uri)
    if uri:
        return Neo4jStore.from_env(uri, **kw)
    return EmbeddedStore(**kw)


def open_store(neo4j_uri: str | None = None, **kw: Any) -> GraphStore:
    """An opened store (Neo4j if configured, else embedded); close it or use ``with``.

    Keyword arguments go to the chosen store's constructor (``data_dir``/``graph`` for the
    embedded store, ``user``/``password``/``database`` for Neo4j).
    """
    return make_store(neo4j_uri, **kw).open()
