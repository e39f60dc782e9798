"""Graph stores: idempotent batched writes on both backends, embedded server lifecycle, errors."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from fixtures.graph_fixture import entities, extractions, links

from kgbuild.config import neo4j_settings
from kgbuild.errors import StoreError, StoreUnavailable
from kgbuild.records import GraphRows
from kgbuild.rows import entity_rows, to_rows
from kgbuild.stores import EmbeddedStore, Neo4jStore, make_store
from kgbuild.stores.base import node_write_cypher, rel_write_cypher, write_plan

DUMP_NODES = "MATCH (n) RETURN labels(n) AS labels, n.key AS key, properties(n) AS props"
DUMP_RELS = ("MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a) AS sl, a.key AS s, "
             "labels(b) AS el, b.key AS e, properties(r) AS props")


def fixture_rows() -> GraphRows:
    rows = entity_rows(entities(), links())
    rows.extend(to_rows(extractions()))
    return rows


def snapshot(store) -> tuple[list, list]:
    """Every node and relationship with all properties, in a canonical order."""
    nodes = sorted((repr(r["labels"]), r["key"], repr(sorted(r["props"].items()))) for r in store.run(DUMP_NODES, {}))
    rels = sorted((r["type"], repr(r["sl"]), r["s"], repr(r["el"]), r["e"], repr(sorted(r["props"].items())))
                  for r in store.run(DUMP_RELS, {}))
    return nodes, rels


def expected_counts(rows: GraphRows) -> dict[str, int]:
    out: dict[str, int] = {}
    for label, items in rows.nodes.items():
        out[label] = out.get(label, 0) + len({i["key"] for i in items})
    for (rtype, _, _), items in rows.rels.items():
        out[rtype] = out.get(rtype, 0) + len(items)
    return dict(sorted(out.items()))


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


# --------------------------------------------------------------------------- both backends
def test_write_then_counts_match_rows(store):
    rows = fixture_rows()
    stats = store.write(rows, batch_size=3)
    assert (stats.nodes, stats.relationships) == rows.count()
    assert stats.batches > 10
    assert store.counts() == expected_counts(rows)


def test_rebuilding_same_rows_gives_identical_graph(store):
    rows = fixture_rows()
    store.write(rows, batch_size=4)
    first = snapshot(store)
    counts = store.counts()
    store.write(rows, batch_size=7)
    assert store.counts() == counts
    assert snapshot(store) == first


def test_write_failing_half_way_then_rerun_has_no_duplicates(store, monkeypatch):
    rows = fixture_rows()
    store.write(rows, batch_size=5)
    clean = snapshot(store)
    store.clear()
    assert store.counts() == {}

    total = sum(-(-len(items) // 5) for _, _, items in write_plan(rows))
    real = type(store)._write_batch
    calls = {"n": 0}

    def flaky(self, cypher, batch):
        calls["n"] += 1
        if calls["n"] > total // 2:
            raise StoreError("simulated crash half way")
        return real(self, cypher, batch)

    monkeypatch.setattr(type(store), "_write_batch", flaky)
    with pytest.raises(StoreError, match="half way"):
        store.write(rows, batch_size=5)
    partial = store.counts()
    assert 0 < sum(partial.values()) < sum(expected_counts(rows).values())
    monkeypatch.setattr(type(store), "_write_batch", real)
    store.write(rows, batch_size=5)
    assert snapshot(store) == clean


def test_relationship_to_missing_endpoint_is_dropped_not_invented(store):
    rows = GraphRows(nodes={"Method": [{"key": "a", "props": {"name": "A"}}]},
                     rels={("OUTPERFORMS", "Method", "Method"): [
                         {"start": "a", "end": "ghost", "props": {"paper_id": "p", "dataset_key": "", "start": 1,
                                                                "end": 2, "sentence": "s", "rule": "r"}}]})
    store.write(rows)
    assert store.counts() == {"Method": 1}


def test_unknown_label_is_refused_before_writing(store):
    rows = GraphRows(nodes={"Method": [{"key": "a", "props": {}}], "Evil`) DETACH DELETE n //": [{"key": "x"}]})
    with pytest.raises(StoreError, match="unknown node label"):
        store.write(rows)
    assert store.counts() == {}


def test_run_returns_plain_values(store):
    store.write(fixture_rows())
    rows = store.run("MATCH (m:Method {key: $k}) RETURN m.name AS name, m.aliases AS aliases, m.papers AS papers, "
                     "m AS node", {"k": "fullfinetuning"})
    assert rows == [{"name": "full fine-tuning", "aliases": ["FT", "fine-tuning", "full finetuning"], "papers": 3,
                     "node": rows[0]["node"]}]
    assert isinstance(rows[0]["node"], dict) and rows[0]["node"]["key"] == "fullfinetuning"
    res = store.run("MATCH (r:Result) RETURN r.value AS v ORDER BY v", {})
    assert [r["v"] for r in res] == [0.08, 0.5, 2.07, 88.5, 89.1]


def test_text_with_quotes_and_backslashes_round_trips(store):
    store.write(fixture_rows())
    rows = store.run("MATCH (p:Paper {key: 'fx-0004'}) RETURN p.title AS t", {})
    assert rows == [{"t": 'A survey of "efficient" tuning \\ backslashes and quotes'}]


def test_ensure_schema_is_idempotent(store):
    store.ensure_schema()
    store.ensure_schema()
    rows = GraphRows(nodes={"Paper": [{"key": "p1", "props": {"title": "x"}}]})
    store.write(rows)
    store.write(rows)
    assert store.counts() == {"Paper": 1}


# --------------------------------------------------------------------------- templates
def test_write_templates_only_take_vocabulary():
    assert "MERGE (n:Paper {key: row.key})" in node_write_cypher("Paper")
    with pytest.raises(StoreError):
        node_write_cypher("Paper) DETACH DELETE n //")
    with pytest.raises(StoreError):
        rel_write_cypher("OUTPERFORMS", "Paper", "Method")  # not in the model
    claim = rel_write_cypher("OUTPERFORMS", "Method", "Model")
    assert "[r:OUTPERFORMS {paper_id: row.props.paper_id, dataset_key: row.props.dataset_key, " \
           "start: row.props.start}]" in claim
    assert "[r:PROPOSES]" in rel_write_cypher("PROPOSES", "Paper", "Method")
    assert "__" not in claim


def test_write_plan_orders_nodes_before_relationships():
    kinds = [k for k, _, _ in write_plan(fixture_rows())]
    assert kinds == sorted(kinds, key=lambda k: k != "node")


# --------------------------------------------------------------------------- embedded lifecycle
def test_embedded_persists_across_restart(tmp_path):
    rows = fixture_rows()
    with EmbeddedStore(tmp_path / "db") as s:
        s.ensure_schema()
        s.write(rows)
        before = snapshot(s)
        pid = s._owned_pid
    assert pid is not None and not _alive(pid)
    with EmbeddedStore(tmp_path / "db") as s:
        assert snapshot(s) == before


def test_embedded_recovers_from_dead_pidfile_and_stale_socket(tmp_path):
    data = tmp_path / "db"
    data.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (data / "falkordb.pid").write_text(f"{dead.pid}\n")
    (data / "falkordb.sock").write_text("not a socket")
    with EmbeddedStore(data) as s:
        assert s.run("RETURN 1 AS one", {}) == [{"one": 1}]
        assert int((data / "falkordb.pid").read_text()) == s._owned_pid != dead.pid


def test_embedded_reuses_live_orphan_and_stops_it(tmp_path):
    """A server whose keeper died (kill -9) and whose users are gone is reused, and stopped after."""
    data = tmp_path / "db"
    first = EmbeddedStore(data).open()
    pid = first.server_pid
    keeper = int((data / "keeper.pid").read_text())
    os.kill(keeper, 9)
    deadline = time.monotonic() + 10
    while _alive(keeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    first._db.connection.close()
    first._leave(stop=False)  # a crashed user: lock released, server left running, no keeper
    assert _alive(pid)
    second = EmbeddedStore(data)
    try:
        second.open()
        assert second.server_pid == pid  # reused, not a second server
        assert second.run("RETURN 2 AS two", {}) == [{"two": 2}]
    finally:
        second.close()
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):  # never leave the orphan behind, even when the test fails
            os.kill(pid, 9)
            pytest.fail("the reused orphan server was not stopped by close()")


def test_embedded_not_open_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="not open"):
        EmbeddedStore(tmp_path).run("RETURN 1", {})


def test_constructors_do_no_io(tmp_path):
    EmbeddedStore(tmp_path / "never")
    assert not (tmp_path / "never").exists()
    Neo4jStore("bolt://localhost:1", "neo4j", "x")  # no connection attempted


def _alive(pid: int) -> bool:
    from kgbuild.stores.embedded import _pid_alive

    return _pid_alive(pid)


# --------------------------------------------------------------------------- neo4j errors / config
def test_unreachable_neo4j_is_one_clear_error():
    store = Neo4jStore("bolt://127.0.0.1:1", "neo4j", "secret")
    with pytest.raises(StoreUnavailable) as info:
        store.open()
    err = info.value
    assert "bolt://127.0.0.1:1" in err.message
    assert "kgbuild neo4j start" in (err.hint or "")
    assert err.__cause__ is None and err.__suppress_context__


def test_missing_password_is_one_clear_error():
    with pytest.raises(StoreUnavailable, match="No Neo4j password"):
        Neo4jStore("bolt://127.0.0.1:1", "neo4j", None).open()


@pytest.mark.neo4j
def test_wrong_password_is_one_clear_error(neo4j_store):
    bad = Neo4jStore(neo4j_store.uri, neo4j_store.user, "definitely-wrong-password", neo4j_store.database)
    with pytest.raises(StoreUnavailable, match="refused the credentials") as info:
        bad.open()
    assert info.value.__cause__ is None
    assert "definitely-wrong-password" not in str(info.value)


def test_settings_precedence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / ".env").write_text("NEO4J_URI=bolt://dotenv:7687\nNEO4J_PASSWORD=from-dotenv\n")
    s = neo4j_settings()
    assert (s.uri, s.password, s.source) == ("bolt://dotenv:7687", "from-dotenv", ".env")
    monkeypatch.setenv("NEO4J_PASSWORD", "from-env")
    assert neo4j_settings().password == "from-env"
    assert neo4j_settings("bolt://arg:1").uri == "bolt://arg:1"
    assert "from-env" not in repr(neo4j_settings())


def test_make_store_picks_backend(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert isinstance(make_store(data_dir=tmp_path / "x"), EmbeddedStore)
    assert isinstance(make_store("bolt://somewhere:7687"), Neo4jStore)
    monkeypatch.setenv("NEO4J_URI", "bolt://envhost:7687")
    chosen = make_store()
    assert isinstance(chosen, Neo4jStore) and chosen.uri == "bolt://envhost:7687"


def test_query_dir_override_does_not_change_write_templates(embedded_store, tmp_path, monkeypatch):
    """Regression: KGBUILD_CYPHER_DIR (custom queries) must not hide the stores' own templates."""
    monkeypatch.setenv("KGBUILD_CYPHER_DIR", str(tmp_path))
    rows = fixture_rows()
    embedded_store.write(rows)
    assert embedded_store.counts() == expected_counts(rows)


def test_embedded_default_dir_follows_kgbuild_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_HOME", str(tmp_path / "home"))
    with EmbeddedStore() as s:
        assert s.data_dir == (tmp_path / "home" / "falkordb").resolve()
        assert s.run("RETURN 1 AS one", {}) == [{"one": 1}]


def test_concurrent_batches_give_the_same_graph(store):
    rows = fixture_rows()
    store.write(rows, batch_size=4)
    sequential = snapshot(store)
    store.clear()
    store.write_workers = 2
    try:
        stats = store.write(rows, batch_size=4)
    finally:
        store.write_workers = 1
    assert (stats.nodes, stats.relationships) == rows.count()
    assert snapshot(store) == sequential


def test_two_stores_on_one_dir_in_one_process_share_the_server(tmp_path):
    """Regression: query() opening+closing the default store must not stop a notebook's open store."""
    data = tmp_path / "db"
    outer = EmbeddedStore(data).open()
    try:
        pid = outer._owned_pid
        with EmbeddedStore(data) as inner:
            assert inner.run("RETURN 1 AS one", {}) == [{"one": 1}]
        assert _alive(pid)
        assert outer.run("RETURN 2 AS two", {}) == [{"two": 2}]
    finally:
        outer.close()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_embedded_server_dies_with_a_killed_owner(tmp_path):
    """Regression: a notebook kernel killed without close() left its redis-server running."""
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from kgbuild.stores.embedded import EmbeddedStore
        s = EmbeddedStore({str(tmp_path / 'db')!r}).open()
        print(s._owned_pid, flush=True)
        time.sleep(60)
    """)
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(owner.stdout.readline())
        assert _alive(pid)
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, 9)
        pytest.fail("the server outlived its SIGKILLed owner")
