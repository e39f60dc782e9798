"""kgbuild: rule-based knowledge graphs from ML paper abstracts.

The library behind the ``kgbuild`` CLI, for notebooks::

    import kgbuild
    kgbuild.build()                                    # bundled sample corpus -> embedded store
    df = kgbuild.query("methods-beating", baseline="full fine-tuning", dataset="GLUE")

Stages, importable one by one: ``kgbuild.read.read_papers`` -> ``kgbuild.extract.extract_papers``
-> ``kgbuild.resolve.resolve`` -> ``kgbuild.rows.to_rows`` -> ``kgbuild.stores.open_store``.
"""
from __future__ import annotations

import types as _types

from . import query as _query_module
from .errors import KgbuildError
from .records import (CanonicalEntity, Comparison, Entity, EntityLink, Evidence, Extraction, GraphRows, Paper,
                      Proposal, Reject, Result, WriteStats)

__version__ = "0.1.0"


def build(input_path=None, store=None, **kwargs):
    """Build the graph from ``input_path`` (default: the bundled sample corpus). See ``pipeline.build``.

    ``store`` says where to write, as for :func:`query`: an opened store, a ``bolt://`` URI, or
    the embedded graph's folder; without it, the one documented default location (Neo4j when
    ``NEO4J_URI`` is configured, else ``<kgbuild home>/falkordb``, see ``kgbuild.config``).
    """
    from .pipeline import build as _build
    from .query import store_at
    from .read import SAMPLE_CORPUS

    source = input_path or SAMPLE_CORPUS
    if store is None or hasattr(store, "run_read"):
        return _build(source, store=store, **kwargs)
    with store_at(store).open() as opened:
        return _build(source, store=opened, **kwargs)


def extract_resolved(papers, **kwargs):
    """Extract and resolve a list of ``Paper`` records in memory. See ``pipeline.extract``."""
    from .pipeline import extract as _extract

    return _extract(papers, **kwargs)


def read_papers(path=None, **kwargs):
    """Read papers from ``path`` (default: the bundled sample corpus). See ``read.read_papers``."""
    from .read import SAMPLE_CORPUS, read_papers as _read

    return _read(path or SAMPLE_CORPUS, **kwargs)


class _CallableModule(_types.ModuleType):
    """``kgbuild.query`` is both the module and the notebook function.

    A function named like its sibling module used to shadow it (``import kgbuild.query as q`` gave
    the function, so ``q.load_query`` failed) and its ``name`` argument clashed with the entity
    query's own ``name`` parameter. Making the module callable keeps one object for both.
    """

    def __call__(self, name, /, store=None, **params):
        """Run the named query from ``cypher/`` and return a pandas DataFrame. See ``query.query``."""
        return self.query(name, store=store, **params)


_query_module.__class__ = _CallableModule
query = _query_module


def open_store(neo4j_uri=None, **kwargs):
    """Neo4j when a URI is given (or ``NEO4J_URI`` is set), else the embedded FalkorDB store."""
    from .stores import open_store as _open

    return _open(neo4j_uri, **kwargs)


__all__ = ["build", "extract_resolved", "query", "read_papers", "open_store", "KgbuildError", "CanonicalEntity",
           "Comparison", "Entity", "EntityLink", "Evidence", "Extraction", "GraphRows", "Paper", "Proposal",
           "Reject", "Result", "WriteStats"]
