"""The Neo4j new-row fast path (lookup, CREATE the rest) writes exactly what UNWIND … MERGE writes."""
from __future__ import annotations

import pytest

from graph_dump import dump_graph
from kgbuild.read import SAMPLE_CORPUS, read_papers
from kgbuild.records import GraphRows
from kgbuild.rows import entity_rows
from kgbuild.stores.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def seed_rows() -> list[GraphRows]:
    """Entity rows and two fact batches of 60 seed papers (so the second batch updates shared entities)."""
    from kgbuild.extract import extract_papers
    from kgbuild.resolve import resolve
    from kgbuild.rows import to_rows

    papers = [p for _, p in zip(range(60), read_papers(SAMPLE_CORPUS))]
    resolved, resolver = resolve(extract_papers(papers))
    return [entity_rows(resolver.entities(), resolver.links()), to_rows(resolved[:30]), to_rows(resolved[30:])]


def _half(rows: GraphRows) -> GraphRows:
    return GraphRows(nodes={k: v[::2] for k, v in rows.nodes.items()}, rels={k: v[::2] for k, v in rows.rels.items()})


def _write_all(store, batches, *, create_new: bool, batch_size: int = 7) -> None:
    store.create_new = create_new
    try:
        for rows in batches:
            store.write(rows, batch_size=batch_size)
    finally:
        store.create_new = True


def test_fast_path_equals_merge_path_on_empty_and_half_written_graphs(neo4j_store, seed_rows):
    _write_all(neo4j_store, seed_rows, create_new=False)
    reference = dump_graph(neo4j_store)
    assert len(reference[0]) > 100 and len(reference[1]) > 100

    neo4j_store.clear()
    _write_all(neo4j_store, seed_rows, create_new=True)
    assert dump_graph(neo4j_store) == reference

    # half written (every other row of every batch), then the whole load again: no duplicates
    neo4j_store.clear()
    _write_all(neo4j_store, [_half(r) for r in seed_rows], create_new=False)
    _write_all(neo4j_store, seed_rows, create_new=True, batch_size=5)
    assert dump_graph(neo4j_store) == reference

    # and re-running the whole load changes nothing
    _write_all(neo4j_store, seed_rows, create_new=True, batch_size=11)
    assert dump_graph(neo4j_store) == reference


def test_concurrent_creation_falls_back_to_merge(neo4j_store, monkeypatch):
    """A key another writer created after the lookup: the constraint fails the batch, MERGE redoes it."""
    import kgbuild.stores.neo4j as mod

    rows = GraphRows(nodes={"Method": [{"key": "lora", "props": {"name": "LoRA"}},
                                       {"key": "dora", "props": {"name": "DoRA"}}]})
    neo4j_store.write(GraphRows(nodes={"Method": [{"key": "lora", "props": {"name": "old"}}]}))
    real = mod.node_write_cypher

    def blind_lookup(label, template="merge-nodes.cypher"):
        if template == "existing-node-keys.cypher":  # a lookup that misses the existing key
            return "UNWIND $keys AS k RETURN [] AS existing LIMIT 1"
        return real(label, template)

    monkeypatch.setattr(mod, "node_write_cypher", blind_lookup)
    neo4j_store.write(rows)
    got = {r["key"]: r["name"] for r in neo4j_store.run("MATCH (m:Method) RETURN m.key AS key, m.name AS name", {})}
    assert got == {"lora": "LoRA", "dora": "DoRA"}


def test_repeated_relationship_to_a_new_node_is_merged_not_duplicated(neo4j_store):
    """Two rows with one identity in one write: the first is CREATEd, the second MERGEs onto it."""
    rel = ("OUTPERFORMS", "Method", "Method")
    props = {"paper_id": "p", "dataset": None, "dataset_key": "", "start": 3, "end": 9, "sentence": "s", "rule": "r"}
    rows = GraphRows(nodes={"Method": [{"key": "a", "props": {"name": "A"}}, {"key": "b", "props": {"name": "B"}}]},
                     rels={rel: [{"start": "a", "end": "b", "props": props},
                                 {"start": "a", "end": "b", "props": {**props, "rule": "r2"}}]})
    neo4j_store.write(rows, batch_size=1)
    got = neo4j_store.run("MATCH (:Method {key: 'a'})-[r:OUTPERFORMS]->(:Method {key: 'b'}) RETURN r.rule AS rule", {})
    assert got == [{"rule": "r2"}]  # one relationship, the later row's properties (as MERGE + SET)
