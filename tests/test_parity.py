"""Every catalogue query gives the same rows on Neo4j and on the embedded FalkorDB store.

Both stores get the same fixture graph (tests/fixtures/graph_fixture.py); each query runs with its
default parameters and with parameter sets chosen so that every query returns rows. Some exact
answers are asserted too, so "both empty" or "both wrong" cannot pass.
"""
from __future__ import annotations

import pytest
from fixtures.graph_fixture import entities, extractions, links

from kgbuild.query import list_queries, run_query
from kgbuild.rows import entity_rows, to_rows

pytestmark = pytest.mark.neo4j

# (query, params, expect_rows)
CASES = [
    ("methods-beating", {}, True),
    ("methods-beating", {"baseline": "FT", "dataset": "GLUE", "include_parts": True}, True),
    ("methods-beating", {"baseline": "fine-tuning", "dataset": ""}, True),
    ("methods-beating", {"baseline": "full fine-tuning", "dataset": "ImageNet"}, False),
    ("comparable-to", {}, True),
    ("comparable-to", {"baseline": "adapters"}, True),
    ("underperforming", {}, True),
    ("underperforming", {"baseline": "LoRA"}, True),
    ("results-on", {}, True),
    ("results-on", {"dataset": "MNLI"}, True),
    ("parameter-efficiency", {}, True),
    ("parameter-efficiency", {"max_percent": 5}, True),
    ("top-datasets", {}, True),
    ("top-datasets", {"limit": 2}, True),
    ("papers-using-model", {}, True),
    ("papers-using-model", {"model": "T5-large"}, True),
    ("entity", {}, True),
    ("entity", {"name": "full finetuning"}, True),
    ("entity", {"name": "prefix-tuning"}, True),
    ("paper", {"paper_id": "fx-0001"}, True),
    ("paper", {"paper_id": "fx-0004"}, True),
    ("leaderboard", {}, True),
    ("leaderboard", {"dataset": "MNLI", "metric": "acc"}, True),
    ("head-to-head", {}, True),
    ("head-to-head", {"method_a": "LoRA", "method_b": "prefix-tuning"}, True),
    ("claims-about", {}, True),
    ("claims-about", {"method": "full fine-tuning"}, True),
    ("proposed-in", {}, True),
    ("proposed-in", {"year_from": 2022}, True),
    ("proposed-in", {"year_from": 2030}, False),
]


def _load(store):
    store.write(entity_rows(entities(), links()), batch_size=3)
    store.write(to_rows(extractions()), batch_size=3)


@pytest.fixture
def both(embedded_store, neo4j_store):
    _load(embedded_store)
    _load(neo4j_store)
    return embedded_store, neo4j_store


def test_cases_cover_every_query():
    assert {name for name, _, _ in CASES} == {spec.name for spec in list_queries()}


def test_same_counts(both):
    embedded, neo4j = both
    assert embedded.counts() == neo4j.counts()


def test_every_query_same_rows_on_both_stores(both):
    embedded, neo4j = both
    for name, params, expect_rows in CASES:
        a = run_query(embedded, name, params)
        b = run_query(neo4j, name, params)
        assert a == b, f"{name} {params}: embedded != neo4j"
        assert bool(a) == expect_rows, f"{name} {params}: {len(a)} rows"


def test_exact_answers_on_both_stores(both):
    for store in both:
        beating = run_query(store, "methods-beating", {"baseline": "FT", "dataset": "GLUE", "include_parts": True})
        assert [(r["method"], r["via"]) for r in beating] == [("BitFit", "part of GLUE"), ("LST", "direct")]
        eff = run_query(store, "parameter-efficiency", {"max_percent": 1})
        assert [(r["subject"], r["percent"]) for r in eff] == [("BitFit", 0.08), ("LoRA", 0.5)]
        using = run_query(store, "papers-using-model", {"model": "T5"})
        assert [(r["paper_id"], r["model"]) for r in using] == [("fx-0001", "T5-large"), ("fx-0003", "T5")]
        top = run_query(store, "top-datasets", {"limit": 2})
        assert [(r["dataset"], r["papers"]) for r in top] == [("GLUE", 2), ("MNLI", 2)]
        comp = run_query(store, "comparable-to", {})
        assert [(r["method"], r["dataset"]) for r in comp] == [("LoRA", "GLUE")]
