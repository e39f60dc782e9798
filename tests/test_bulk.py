"""Bulk first load: neo4j-admin import files from GraphRows, and the same graph as the MERGE path."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from graph_dump import dump_graph
from kgbuild.errors import StoreError
from kgbuild.read import SAMPLE_CORPUS, read_papers
from kgbuild.records import GraphRows
from kgbuild.stores.bulk import ARRAY_DELIMITER, BulkWriter, docker_commands, import_args


def _papers_file(tmp_path: Path, n: int = 80) -> Path:
    """Seed papers plus one whose text has quotes, commas, a backslash and non-ASCII (CSV edge cases)."""
    path = tmp_path / "papers.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(read_papers(SAMPLE_CORPUS)):
            if i == n:
                break
            fh.write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n")
        fh.write(json.dumps({"id": "csv-edge", "title": 'Q-LoRA, "quoted" \\ back\\slash: ünïcode',
                             "abstract": 'We propose "QLoRA", which beats LoRA by 2.5% on GLUE, '
                                         'with a \\ backslash and a comma.', "year": 2023}) + "\n")
    return path


def test_writer_merges_like_merge_path_and_types_headers(tmp_path):
    w = BulkWriter(tmp_path / "imp")
    w.add_entities(GraphRows(nodes={"Method": [{"key": "lora", "props": {
        "name": "LoRA", "aliases": [], "search_keys": ["lora"], "papers": 1}}]}))
    w.add(GraphRows(
        nodes={"Paper": [{"key": "p1", "props": {"id": "p1", "title": 'A "B", C', "abstract": "", "year": None}}],
               "Method": [{"key": "lora", "props": {"name": "Lora"}}]},
        rels={("MENTIONS", "Paper", "Method"): [{"start": "p1", "end": "lora", "props": {
            "paper_id": "p1", "count": 2, "start": 0, "end": 4, "rule": "r", "sentence": "s"}}]}))
    w.add_entities(GraphRows(nodes={"Method": [{"key": "lora", "props": {
        "name": "LoRA", "aliases": ["low-rank adaptation", "LoRa"], "search_keys": ["lora"], "papers": 3}}]}))
    files = w.finish()
    assert (files.node_count, files.relationship_count) == (2, 1)
    method_data = next((tmp_path / "imp").glob("nodes-Method-*.csv.gz"))
    line = gzip.open(method_data, "rt", encoding="utf-8").read()
    assert line == f'"lora","low-rank adaptation{ARRAY_DELIMITER}LoRa","LoRA",3,"lora"\n'  # last entity write wins
    header = method_data.with_name(method_data.name.replace(".csv.gz", ".header.csv")).read_text()
    assert header.strip() == "key:ID(Method),aliases:string[],name:string,papers:long,search_keys:string[]"
    paper = gzip.open(next((tmp_path / "imp").glob("nodes-Paper-*.csv.gz")), "rt").read()
    assert paper == '"p1","","p1","A ""B"", C",\n'  # "" stays an empty string, None an empty field
    assert files.after.nodes == {}  # the last aliases list was not empty
    rel_header = next((tmp_path / "imp").glob("rels-MENTIONS-*.header.csv")).read_text()
    assert rel_header.startswith(":START_ID(Paper),:END_ID(Method),count:long,")


def test_empty_lists_are_restored_after_import(tmp_path):
    w = BulkWriter(tmp_path)
    w.add_entities(GraphRows(nodes={"Task": [{"key": "qa", "props": {"name": "QA", "aliases": [], "papers": 1}}]}))
    files = w.finish()
    assert files.after.nodes == {"Task": [{"key": "qa", "props": {"aliases": []}}]}


def test_writer_refuses_labels_outside_the_model(tmp_path):
    with pytest.raises(StoreError, match="unknown node label"):
        BulkWriter(tmp_path).add(GraphRows(nodes={"Person": [{"key": "x", "props": {}}]}))


def test_import_args_and_docker_commands(tmp_path):
    w = BulkWriter(tmp_path / "imp")
    w.add(GraphRows(nodes={"Paper": [{"key": "p1", "props": {"id": "p1"}}]}))
    files = w.finish()
    args = import_args(files, overwrite=False)
    assert args[:4] == ["database", "import", "full", "neo4j"]  # database before the greedy file lists
    assert "--overwrite-destination=false" in args
    assert any(a.startswith("--nodes=Paper=") and a.endswith(".csv.gz") for a in args)
    cmds = docker_commands(files)
    assert "neo4j-admin database import full neo4j" in cmds
    assert "/import/nodes-Paper-000.header.csv,/import/nodes-Paper-000.csv.gz" in cmds
    assert cmds.splitlines()[0] == "docker compose stop neo4j"


def test_cli_bulk_docker_prints_commands(tmp_path):
    from click.testing import CliRunner

    from kgbuild.cli import cli

    src = _papers_file(tmp_path, n=5)
    res = CliRunner().invoke(cli, ["build", str(src), "--bulk", "--docker", "--workers", "1", "-q",
                                   "--import-dir", str(tmp_path / "imp")])
    assert res.exit_code == 0, res.output
    assert "neo4j-admin database import full neo4j" in res.output
    assert list((tmp_path / "imp").glob("nodes-Paper-*.csv.gz"))


def test_cli_bulk_options_need_bulk():
    from click.testing import CliRunner

    from kgbuild.cli import cli

    res = CliRunner().invoke(cli, ["build", "--overwrite"])
    assert res.exit_code != 0 and "go with --bulk" in res.output


@pytest.mark.neo4j
@pytest.mark.slow
def test_bulk_graph_equals_merge_graph(tmp_path, neo4j_store):
    from kgbuild.pipeline import build, build_bulk
    from kgbuild.stores.bulk import _local_server_for

    if _local_server_for(neo4j_store.uri) is None:
        pytest.skip("the bulk import needs the kgbuild-managed local server (scripts/run-tests.sh starts one)")
    src = _papers_file(tmp_path)
    build(src, store=neo4j_store)
    merged = dump_graph(neo4j_store)
    assert len(merged[0]) > 300 and len(merged[1]) > 500

    with pytest.raises(StoreError, match="not empty"):
        build_bulk(src, import_dir=tmp_path / "imp", neo4j_uri=neo4j_store.uri)
    try:
        stats = build_bulk(src, import_dir=tmp_path / "imp", neo4j_uri=neo4j_store.uri, overwrite=True, workers=2)
    finally:
        # a new driver: the old one's bookmarks point past the transaction ids of the imported store
        neo4j_store.close()
        neo4j_store.open()
    assert stats.nodes == len(merged[0]) and stats.relationships == len(merged[1])
    bulk = dump_graph(neo4j_store)
    assert bulk[0] == merged[0]
    assert bulk[1] == merged[1]
    names = {r["name"] for r in neo4j_store.run("SHOW CONSTRAINTS YIELD name RETURN name", {})}
    assert {"paper_key", "method_key", "result_key"} <= names
    # idempotent afterwards: the MERGE path writing the same rows changes nothing
    build(src, store=neo4j_store)
    assert dump_graph(neo4j_store) == bulk
