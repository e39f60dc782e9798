"""Reads are read-only (issue 11, finding 7): catalogue queries run as read transactions on Neo4j
and ``GRAPH.RO_QUERY`` on FalkorDB, so a ``.cypher`` file that deletes cannot touch the graph."""
from __future__ import annotations

import pytest
from fixtures.graph_fixture import entities, extractions, links

from kgbuild.errors import StoreError
from kgbuild.query import run_query
from kgbuild.rows import entity_rows, to_rows


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


def _fill(store):
    rows = entity_rows(entities(), links())
    rows.extend(to_rows(extractions()))
    store.write(rows)
    return store.counts()


def test_run_read_refuses_writes(store):
    before = _fill(store)
    with pytest.raises(StoreError):
        store.run_read("MATCH (n) DETACH DELETE n", {})
    with pytest.raises(StoreError):
        store.run_read("CREATE (:Paper {key: 'x'})", {})
    assert store.counts() == before
    assert store.run_read("MATCH (n:Paper) RETURN count(n) AS n", {})[0]["n"] == before["Paper"]


def test_regression_catalogue_file_with_detach_delete_cannot_delete(store, tmp_path, monkeypatch):
    before = _fill(store)
    (tmp_path / "wipe.cypher").write_text("// Looks harmless.\nMATCH (n) DETACH DELETE n\n", encoding="utf-8")
    monkeypatch.setenv("KGBUILD_CYPHER_DIR", str(tmp_path))
    with pytest.raises(StoreError):
        run_query(store, "wipe", {})
    import kgbuild.query as q

    with pytest.raises(StoreError):
        q.query("wipe", store=store)
    assert store.counts() == before
