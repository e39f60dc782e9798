"""The analyst questions added in issue 10 (leaderboard, head-to-head, claims-about, proposed-in)
and the graph forms in cypher/browser/, with exact answers on the fixture graph, on both stores.

The fixture graph (tests/fixtures/graph_fixture.py) gets one more invented paper, fx-0005, in
which BitFit and LST both report on MNLI and BitFit reports an error rate, so that head-to-head
has a shared dataset and leaderboard has a lower-is-better metric.
"""
from __future__ import annotations

import pytest
from fixtures.graph_fixture import entities, extractions, links

from kgbuild.query import list_queries, run_query
from kgbuild.records import Evidence, Extraction, Paper, Result
from kgbuild.rows import entity_rows, to_rows

X5_TEXT = ("Revisiting BitFit on MNLI\n"
           "BitFit reaches 84.0% accuracy on MNLI. BitFit has a 16.0% error rate on MNLI.")


def _fx5() -> Extraction:
    paper = Paper(id="fx-0005", title="Revisiting BitFit on MNLI",
                  abstract=X5_TEXT.split("\n", 1)[1], year=2023, source="fixture")

    def ev(sentence: str, fact: str) -> Evidence:
        start = X5_TEXT.index(fact, X5_TEXT.index(sentence))
        return Evidence(sentence=sentence, start=start, end=start + len(fact), rule="fixture:hand")

    s1, s2 = "BitFit reaches 84.0% accuracy on MNLI.", "BitFit has a 16.0% error rate on MNLI."
    return Extraction(paper=paper, results=[
        Result("BitFit", "MNLI", "accuracy", 84.0, "%", ev(s1, "84.0%")),
        Result("BitFit", "MNLI", "error rate", 16.0, "%", ev(s2, "16.0%")),
    ])


def _load(store) -> None:
    store.write(entity_rows(entities(), links()))
    store.write(to_rows(extractions() + [_fx5()]))


@pytest.fixture
def graph(embedded_store):
    _load(embedded_store)
    return embedded_store


def check_answers(store) -> None:
    """Exact answers; shared by the embedded test below and the Neo4j test."""
    board = run_query(store, "leaderboard", {"dataset": "mnli"})
    assert [(r["metric"], r["method"], r["value"], r["lower_better"]) for r in board] == [
        ("accuracy", "LST", 89.1, False), ("accuracy", "BitFit", 84.0, False), ("error rate", "BitFit", 16.0, True)]
    assert board[0]["paper_id"] == "fx-0001" and "89.1%" in board[0]["evidence"]
    assert [r["method"] for r in run_query(store, "leaderboard", {"dataset": "MNLI", "metric": "error"})] == ["BitFit"]
    # parameter shares are not a leaderboard
    assert all("param" not in (r["metric"] or "") for r in run_query(store, "leaderboard", {"dataset": "GLUE"}))

    h2h = run_query(store, "head-to-head", {"method_a": "LST", "method_b": "BitFit"})
    assert [(r["kind"], r["subject"], r["metric"], r["value"]) for r in h2h] == [
        ("result", "BitFit", "accuracy", 84.0), ("result", "LST", "accuracy", 89.1),
        ("result", "BitFit", "error rate", 16.0)]
    assert all(r["dataset"] == "MNLI" and r["evidence"] and r["title"] for r in h2h)
    claims = run_query(store, "head-to-head", {"method_a": "Low-Rank Adaptation", "method_b": "prefix tuning"})
    assert [(r["subject"], r["relation"], r["object"], r["dataset"]) for r in claims] == [
        ("LoRA", "OUTPERFORMS", "prefix-tuning", "SuperGLUE"), ("prefix-tuning", "UNDERPERFORMS", "LoRA", None)]

    about = run_query(store, "claims-about", {"method": "FT"})
    assert [(r["stance"], r["other"], r["dataset"]) for r in about] == [
        ("beats", "BitFit", "SQuAD"), ("matches", "LoRA", "GLUE"), ("trails", "BitFit", "MNLI"),
        ("trails", "LST", "GLUE")]
    assert about[0]["claim"] == "BitFit underperforms full fine-tuning"

    assert [(r["method"], r["year"]) for r in run_query(store, "proposed-in", {})] == [
        ("LST", 2022), ("BitFit", 2021), ("LoRA", 2021)]
    assert [r["method"] for r in run_query(store, "proposed-in", {"year_from": 2022, "year_to": 2023})] == ["LST"]
    assert [r["method"] for r in run_query(store, "proposed-in", {"year_to": 2021})] == ["BitFit", "LoRA"]
    assert [r["method"] for r in run_query(store, "proposed-in", {"paper_id": "fx-0003"})] == ["LoRA"]


def check_graph_forms(store) -> None:
    """Each graph form returns paths (a list of nodes on the embedded store, Path objects on Neo4j)."""
    counts = {spec.name: len(run_query(store, spec.name, {})) for spec in list_queries("browser")}
    assert counts == {"browser/claims-around": 4, "browser/dataset-leaderboard": 1,
                      "browser/method-neighbourhood": 8}, counts
    # no MENTIONS in a method's neighbourhood
    for row in run_query(store, "browser/method-neighbourhood", {"method": "LoRA"}):
        assert set(row) == {"path"}


def test_new_questions_on_embedded(graph):
    check_answers(graph)


def test_graph_forms_on_embedded(graph):
    check_graph_forms(graph)


@pytest.mark.neo4j
def test_new_questions_and_graph_forms_on_neo4j(neo4j_store):
    _load(neo4j_store)
    check_answers(neo4j_store)
    check_graph_forms(neo4j_store)
    # a path row from Neo4j is [node, relationship type, node]: the neighbourhood leaves MENTIONS out
    types = {row["path"][1] for row in run_query(neo4j_store, "browser/method-neighbourhood", {"method": "LoRA"})}
    assert types and "MENTIONS" not in types
    assert {"PROPOSES", "COMPARABLE_TO", "OUTPERFORMS", "UNDERPERFORMS", "FOR"} <= types
