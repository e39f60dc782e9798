"""``build --fresh`` replaces the graph only when the new one is ready (issue 11, finding 2).

It used to empty the graph before reading the input: a typo in the path, a CSV without an
``abstract`` column or a crash later left an empty graph, on both stores.
"""
from __future__ import annotations

import pytest

from kgbuild.errors import KgbuildError, ReadError, StoreError
from kgbuild.pipeline import build
from kgbuild.read import SAMPLE_CORPUS


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


def _corpus(tmp_path, lo: int, hi: int, name: str):
    lines = [ln.removeprefix("Subscribe") for ln in SAMPLE_CORPUS.read_text(encoding="utf-8").splitlines()[2:]
             if ln.strip()]
    path = tmp_path / name
    path.write_text("\n".join(lines[2 * lo: 2 * hi]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def built(store, tmp_path):
    build(_corpus(tmp_path, 0, 3, "old.txt"), store=store, fresh=True)
    before = store.counts()
    assert before["Paper"] == 3
    return store, before


def _bad_inputs(tmp_path):
    no_abstract = tmp_path / "no_abstract.csv"
    no_abstract.write_text("id,title,summary\n1,A Title,Some text.\n", encoding="utf-8")
    all_bad = tmp_path / "all_bad.jsonl"
    all_bad.write_text('{"title": "x"}\nnot json\n', encoding="utf-8")
    return {"typo in the path": tmp_path / "no-such-file.txt", "CSV without abstract": no_abstract,
            "no good record": all_bad}


@pytest.mark.parametrize("case", ["typo in the path", "CSV without abstract", "no good record"])
def test_regression_failed_fresh_build_keeps_previous_graph(built, tmp_path, case):
    store, before = built
    with pytest.raises(ReadError):
        build(_bad_inputs(tmp_path)[case], store=store, fresh=True)
    assert store.counts() == before


def test_crash_before_writing_keeps_previous_graph(built, tmp_path, monkeypatch):
    store, before = built
    from kgbuild.resolve import ResolutionBuilder

    def crash(self, *a, **kw):
        raise RuntimeError("boom in resolution")

    monkeypatch.setattr(ResolutionBuilder, "build", crash)
    with pytest.raises(RuntimeError, match="boom"):
        build(_corpus(tmp_path, 3, 6, "new.txt"), store=store, fresh=True)
    assert store.counts() == before


def test_fresh_build_that_succeeds_replaces_the_graph(built, tmp_path):
    store, _ = built
    stats = build(_corpus(tmp_path, 3, 5, "new.txt"), store=store, fresh=True)
    titles = {r["t"] for r in store.run_read("MATCH (p:Paper) RETURN p.title AS t", {})}
    assert len(titles) == 2 and stats.papers_read == 2
    from kgbuild.rows import NODE_LABELS

    assert stats.graph_nodes == sum(v for k, v in store.counts().items() if k in NODE_LABELS)


def test_embedded_crash_while_writing_keeps_previous_graph(tmp_path, monkeypatch):
    """The embedded store builds into a staging graph and swaps it in only when complete."""
    from kgbuild.stores.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "db") as store:
        build(_corpus(tmp_path, 0, 3, "old.txt"), store=store)
        before = store.counts()
        calls = {"n": 0}
        real = EmbeddedStore._write_batch

        def failing(self, cypher, batch):
            calls["n"] += 1
            if calls["n"] == 4:
                raise StoreError("disk full (simulated)")
            return real(self, cypher, batch)

        monkeypatch.setattr(EmbeddedStore, "_write_batch", failing)
        with pytest.raises(StoreError, match="simulated"):
            build(_corpus(tmp_path, 3, 6, "new.txt"), store=store, fresh=True)
        assert store.counts() == before
        assert not store._db.connection.exists("kgbuild.staging")
    with EmbeddedStore(tmp_path / "db") as again:  # and after a restart
        assert again.counts() == before


def test_summary_counts_nodes_in_the_graph_not_upserts(embedded_store, tmp_path):
    """Regression: the summary reported every upserted row as a node written (2,955 vs 1,838)."""
    path = _corpus(tmp_path, 0, 20, "c.txt")
    stats = build(path, store=embedded_store)
    counts = embedded_store.counts()
    from kgbuild.rows import NODE_LABELS

    in_graph = sum(v for k, v in counts.items() if k in NODE_LABELS)
    assert stats.graph_nodes == in_graph < stats.nodes
    assert f"{in_graph} nodes / {stats.graph_relationships} relationships in the graph" in stats.summary()
