"""Dask path: a 2-worker LocalCluster gives the same rows (so the same graph) as one process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from kgbuild.pipeline import RunStats, build, row_batches  # noqa: E402
from kgbuild.read import SAMPLE_CORPUS, read_papers  # noqa: E402
from kgbuild.rows import entity_rows  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    """120 seed papers split over two JSON Lines files."""
    d = tmp_path_factory.mktemp("dask")
    files = [d / "a.jsonl", d / "b.jsonl"]
    handles = [f.open("w", encoding="utf-8") for f in files]
    for i, p in enumerate(read_papers(SAMPLE_CORPUS)):
        if i == 120:
            break
        handles[i // 70].write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n")
    for h in handles:
        h.close()
    return files


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
                      dashboard_address=None) as lc, Client(lc) as client:
        yield client


def test_local_cluster_rows_equal_single_process(inputs, cluster):
    from kgbuild.distributed import distributed_batches
    from kgbuild.pipeline import iter_papers

    s1 = RunStats()
    single = list(row_batches(inputs, stats=s1, papers_per_batch=20))
    s2 = RunStats()
    dist = [a.output for a in distributed_batches(iter_papers(inputs, rejects=s2.rejects), client=cluster, stats=s2,
                                                  partition_size=30, papers_per_batch=20)]
    assert len(cluster.scheduler_info()["workers"]) == 2
    assert len(single) == len(dist) == 6
    assert [b.nodes for b in single] == [b.nodes for b in dist]
    assert [b.rels for b in single] == [b.rels for b in dist]
    r1, r2 = s1.resolution, s2.resolution  # paper counts summed from the workers
    e1 = entity_rows(r1.entities(), r1.links())
    e2 = entity_rows(r2.entities(), r2.links())
    assert e1.nodes == e2.nodes and e1.rels == e2.rels
    assert (s1.papers_read, s1.entities, s1.results, s1.claims) == (s2.papers_read, s2.entities, s2.results, s2.claims)


def test_build_distributed_graph_equals_build(inputs, tmp_path, cluster):
    """The whole command path on the embedded store: same node and relationship counts and nodes."""
    from kgbuild.distributed import build_distributed
    from kgbuild.stores.embedded import EmbeddedStore

    address = cluster.scheduler.address
    with EmbeddedStore(tmp_path / "one") as one, EmbeddedStore(tmp_path / "dask") as dask_store:
        build(inputs, store=one)
        stats = build_distributed([str(inputs[0].parent / "*.jsonl")], scheduler=address, store=dask_store,
                                  partition_size=40)
        assert stats.papers_read == 120
        q = "MATCH (n) RETURN labels(n)[0] AS label, n.key AS key, n.name AS name, n.papers AS papers ORDER BY label, key"
        assert one.run(q, {}) == dask_store.run(q, {})
        assert one.counts() == dask_store.counts()


def test_incremental_dask_build_equals_one_process(tmp_path, cluster):
    """A Dask build into an existing graph continues its resolution as one process does, and
    papers the graph holds already (sent again) count once: the workers' statistics skip them."""
    from kgbuild.distributed import build_distributed
    from kgbuild.stores.embedded import EmbeddedStore

    papers = list(read_papers(SAMPLE_CORPUS))[:120]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    for path, part in ((first, papers[:70]), (second, papers[50:])):  # 20 papers in both
        path.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
                                for p in part), encoding="utf-8")
    address = cluster.scheduler.address
    q = "MATCH (n) RETURN labels(n)[0] AS label, n.key AS key, n.name AS name, n.papers AS papers ORDER BY label, key"
    with EmbeddedStore(tmp_path / "one") as one, EmbeddedStore(tmp_path / "dask") as dask_store:
        build(first, store=one)
        s1 = build(second, store=one)
        build(first, store=dask_store)
        s2 = build_distributed([str(second)], scheduler=address, store=dask_store, partition_size=20)
        assert (s1.incremental, s1.new_papers) == (s2.incremental, s2.new_papers) == (True, 50)
        assert s1.deferred == s2.deferred
        assert one.run(q, {}) == dask_store.run(q, {})
        assert one.counts() == dask_store.counts()


def test_unreachable_scheduler_is_one_clear_error():
    from kgbuild.distributed import dask_client
    from kgbuild.errors import KgbuildError

    with pytest.raises(KgbuildError, match="Cannot reach the Dask scheduler"):
        with dask_client("tcp://127.0.0.1:1"):
            pass


def test_cli_scheduler_unreachable_is_one_message(tmp_path):
    from click.testing import CliRunner

    from kgbuild.cli import cli

    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"id": "p1", "title": "LoRA", "abstract": "We propose LoRA."}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(src), "--scheduler", "tcp://127.0.0.1:1", "-q"],
                             env={"KGBUILD_HOME": str(tmp_path / "home"), "NEO4J_URI": ""})
    assert res.exit_code != 0
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:1" in res.output
    assert "Traceback" not in res.output
