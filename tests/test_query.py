"""query.py: catalogue parsing, parameter binding, and the queries' answers on the fixture graph."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from fixtures.graph_fixture import entities, extractions, links

from kgbuild.config import cypher_dir
from kgbuild.errors import QueryError
from kgbuild.query import (_columns, bind_params, cypher_literal, list_queries, load_query, parse_query, query,
                           run_query)
from kgbuild.rows import entity_rows, to_rows

CATALOGUE = {"methods-beating", "comparable-to", "underperforming", "results-on", "parameter-efficiency",
             "top-datasets", "papers-using-model", "entity", "paper", "leaderboard", "head-to-head",
             "claims-about", "proposed-in"}
GRAPH_FORMS = {"browser/claims-around", "browser/method-neighbourhood", "browser/dataset-leaderboard"}


@pytest.fixture
def graph(embedded_store):
    embedded_store.write(entity_rows(entities(), links()))
    embedded_store.write(to_rows(extractions()))
    return embedded_store


def test_catalogue_is_complete_and_documented():
    specs = {s.name: s for s in list_queries()}
    assert set(specs) == CATALOGUE
    assert {s.name for s in list_queries("browser")} == GRAPH_FORMS
    for spec in specs.values():
        assert spec.description, spec.name
        assert spec.params, spec.name
        assert "ORDER BY" in spec.text, f"{spec.name} needs a deterministic ORDER BY"
        cols = _columns(spec.text)
        # the answer first, then the evidence sentence, then the paper id and title
        assert cols[-3:] == ["evidence", "paper_id", "title"] or cols[cols.index("evidence"):][:3] == [
            "evidence", "paper_id", "title"], f"{spec.name}: columns {cols}"
        assert cols.index("evidence") > 0, spec.name
        for p in spec.params:
            assert re.search(rf"\b{p}\b", spec.body), f"{spec.name}: parameter {p} unused"


def test_every_file_is_one_browser_statement():
    """Regression (issue 10): a pasted file must give its rows in one frame in Neo4j Browser.

    Browser splits the editor on every ';' (even in comments) into a multi-statement frame that
    shows no rows, and runs ':' lines as client commands; so a file is one statement whose
    parameters are literals in its first WITH clause, and the body uses no $parameters.
    """
    for spec in list_queries() + list_queries("browser"):
        raw = spec.path.read_text(encoding="utf-8")
        assert len([part for part in raw.split(";") if part.strip()]) == 1, f"{spec.name}: ';' found"
        assert not any(line.lstrip().startswith(":") for line in raw.splitlines()), spec.name
        assert "$" not in raw, f"{spec.name}: Browser would need :param for a $parameter"
        assert spec.paste_text() == raw, f"{spec.name}: --show must print the file as is"
        # what runs is the same statement with $parameters in place of the literals
        assert spec.text.startswith("WITH $"), spec.name
        assert spec.text.endswith(spec.body)


def test_paste_text_writes_values_as_cypher_literals():
    spec = load_query("methods-beating")
    text = spec.paste_text({"baseline": "it's \\ odd", "dataset": "", "include_parts": "yes"})
    assert "WITH 'it\\'s \\\\ odd' AS baseline,\n     '' AS dataset,\n     true AS include_parts\n" in text
    reparsed = parse_query(text, "again")
    assert reparsed.params == {"baseline": "it's \\ odd", "dataset": "", "include_parts": True}
    assert reparsed.body == spec.body
    with pytest.raises(QueryError, match="Unknown parameter"):
        spec.paste_text({"nope": 1})


def test_cypher_literal_round_trips():
    for value in ["plain", "quote ' and \\ backslash", "line\nbreak", 3, 0.5, True, False, None, ["a", 1]]:
        spec = parse_query(f"WITH {cypher_literal(value)} AS v\nRETURN v", "lit")
        assert spec.params == {"v": value}, value


def test_catalogue_avoids_constructs_falkordb_lacks():
    for spec in list_queries():
        upper = spec.text.upper()
        assert "EXISTS {" not in upper and "EXISTS{" not in upper, spec.name
        assert "SHORTESTPATH" not in upper, spec.name


def test_name_matching_uses_the_search_key_expression():
    """The in-Cypher normalisation must strip exactly normalize.SEARCH_STRIP, like search_key()."""
    from kgbuild.normalize import SEARCH_STRIP

    seen = 0
    for spec in list_queries() + list_queries("browser"):
        for m in re.finditer(r"toLower\(((?:replace\()+)(\w+)((?:,'[^']*',''\))+)\)", spec.body):
            stripped = re.findall(r",'([^']*)',''\)", m.group(3))
            assert tuple(stripped) == SEARCH_STRIP, spec.name
            assert m.group(2) in spec.params, spec.name
            seen += 1
    assert seen >= 12


def test_parse_query_reads_header_params_body():
    spec = parse_query("// What beats X?\n// second line\nWITH 'full fine-tuning' AS baseline,\n"
                       "     5 AS limit,\n     0.5 AS frac,\n     true AS on\nMATCH (n) RETURN n\n", "demo")
    assert spec.description == "What beats X?\nsecond line"
    assert spec.params == {"baseline": "full fine-tuning", "limit": 5, "frac": 0.5, "on": True}
    assert spec.body == "MATCH (n) RETURN n"
    assert spec.text == ("WITH $baseline AS baseline,\n     $limit AS limit,\n     $frac AS frac,\n     $on AS on\n"
                         "MATCH (n) RETURN n")
    assert spec.summary == "What beats X?"


def test_parse_query_rejects_bad_files():
    with pytest.raises(QueryError, match="client command"):
        parse_query(":param x => 3;\nRETURN $x", "old")
    with pytest.raises(QueryError, match="default value"):
        parse_query("WITH datetime() AS x\nRETURN x", "bad")
    with pytest.raises(QueryError, match="semicolon"):
        parse_query("WITH 1 AS x\nRETURN x; RETURN 2", "two")
    with pytest.raises(QueryError, match="no query"):
        parse_query("// only a header\n", "empty")


def test_bind_params_coerces_and_rejects():
    spec = load_query("top-datasets")
    assert bind_params(spec, {}) == {"limit": 10}
    assert bind_params(spec, {"limit": "3"}) == {"limit": 3}
    with pytest.raises(QueryError, match="whole number"):
        bind_params(spec, {"limit": "three"})
    with pytest.raises(QueryError, match="Unknown parameter"):
        bind_params(spec, {"limt": 3})
    mb = load_query("methods-beating")
    assert bind_params(mb, {"include_parts": "yes"})["include_parts"] is True
    with pytest.raises(QueryError, match="true or false"):
        bind_params(mb, {"include_parts": "maybe"})
    pe = load_query("parameter-efficiency")
    assert bind_params(pe, {"max_percent": "2"}) == {"max_percent": 2.0}


def test_missing_required_param():
    spec = parse_query("WITH null AS who\nRETURN who", "req")
    with pytest.raises(QueryError, match="Missing parameter"):
        bind_params(spec, {})


def test_unknown_query_names_known_ones():
    with pytest.raises(QueryError) as info:
        load_query("no-such-query")
    assert "methods-beating" in (info.value.hint or "")
    with pytest.raises(QueryError):
        load_query("../kgbuild/x")
    with pytest.raises(QueryError):
        load_query("schema")


def test_cypher_dir_override(tmp_path, monkeypatch):
    (tmp_path / "hello.cypher").write_text("// Says hello.\nWITH 'world' AS who\nRETURN 'hello ' + who AS g\n")
    monkeypatch.setenv("KGBUILD_CYPHER_DIR", str(tmp_path))
    assert cypher_dir() == tmp_path
    assert [s.name for s in list_queries()] == ["hello"]


def test_methods_beating_answers(graph):
    rows = run_query(graph, "methods-beating", {"baseline": "fine-tuning", "dataset": "GLUE"})
    assert [(r["method"], r["dataset"], r["via"]) for r in rows] == [("LST", "GLUE", "direct")]
    assert rows[0]["title"].startswith("LST:") and "outperforms full fine-tuning" in rows[0]["evidence"]


def test_methods_beating_include_parts_is_explicit(graph):
    rows = run_query(graph, "methods-beating", {"baseline": "FT", "dataset": "glue", "include_parts": True})
    assert [(r["method"], r["dataset"], r["via"]) for r in rows] == [
        ("BitFit", "MNLI", "part of GLUE"), ("LST", "GLUE", "direct")]


def test_methods_beating_any_dataset(graph):
    rows = run_query(graph, "methods-beating", {"baseline": "Full Fine_Tuning", "dataset": ""})
    assert [r["method"] for r in rows] == ["BitFit", "LST"]
    assert run_query(graph, "methods-beating", {"baseline": "full fine-tuning", "dataset": "ImageNet"}) == []


def test_comparable_and_underperforming(graph):
    comp = run_query(graph, "comparable-to", {"baseline": "full finetuning"})
    assert [(r["method"], r["claim_subject"]) for r in comp] == [("LoRA", "LoRA")]
    # symmetric: adapters are comparable to LST because LST is comparable to adapters
    assert [r["method"] for r in run_query(graph, "comparable-to", {"baseline": "adapters"})] == ["LST"]
    under = run_query(graph, "underperforming", {"baseline": "full fine-tuning"})
    assert [(r["method"], r["dataset"]) for r in under] == [("BitFit", "SQuAD")]
    lora = run_query(graph, "underperforming", {"baseline": "Low-Rank Adaptation"})
    assert sorted(r["claim"] for r in lora) == ["LoRA outperforms prefix-tuning",
                                                "prefix-tuning underperforms LoRA"]


def test_parameter_efficiency(graph):
    rows = run_query(graph, "parameter-efficiency", {"max_percent": 1})
    assert [(r["subject"], r["percent"]) for r in rows] == [("BitFit", 0.08), ("LoRA", 0.5)]
    rows = run_query(graph, "parameter-efficiency", {"max_percent": 5})
    assert [r["subject"] for r in rows] == ["BitFit", "LoRA", "LST"]  # 88.5 % accuracy is not a parameter share


def test_results_on_and_top_datasets(graph):
    rows = run_query(graph, "results-on", {"dataset": "mnli"})
    assert [(r["subject"], r["metric"], r["value"], r["unit"]) for r in rows] == [("LST", "accuracy", 89.1, "%")]
    top = run_query(graph, "top-datasets", {"limit": 3})
    assert [(r["dataset"], r["papers"], r["results"]) for r in top] == [("GLUE", 2, 1), ("MNLI", 2, 1), ("SQuAD", 2, 0)]
    assert top[0]["paper_id"] == "fx-0001" and "GLUE" in top[0]["evidence"]


def test_papers_using_model_follows_variants(graph):
    rows = run_query(graph, "papers-using-model", {"model": "T5"})
    assert [(r["paper_id"], r["model"], r["methods"]) for r in rows] == [
        ("fx-0001", "T5-large", ["LST"]), ("fx-0003", "T5", ["LoRA"])]
    rows = run_query(graph, "papers-using-model", {"model": "t5 large"})
    assert [r["paper_id"] for r in rows] == ["fx-0001"]


def test_entity_and_paper(graph):
    rows = run_query(graph, "entity", {"name": "ladder side tuning"})
    assert [(r["type"], r["name"], r["papers"], r["paper_id"]) for r in rows] == [("Method", "LST", 1, "fx-0001")]
    # a claim endpoint the resolver never saw is still findable by its key
    assert [r["name"] for r in run_query(graph, "entity", {"name": "prefix-tuning"})] == ["prefix-tuning"]
    facts = run_query(graph, "paper", {"paper_id": "fx-0002"})
    kinds = {r["fact"] for r in facts}
    assert {"PROPOSES", "MENTIONS", "REPORTS", "FOR", "OUTPERFORMS", "UNDERPERFORMS", "EVALUATES_ON"} <= kinds
    assert [r["start"] for r in facts] == sorted(r["start"] for r in facts)
    assert all(r["evidence"] and r["title"].startswith("BitFit") for r in facts)


def test_query_returns_dataframe(graph):
    df = query("top-datasets", store=graph, limit=2)
    assert isinstance(df, pd.DataFrame)
    assert list(df["dataset"]) == ["GLUE", "MNLI"]
    empty = query("results-on", store=graph, dataset="nothing-like-this")
    assert empty.empty and "subject" in empty.columns and "evidence" in empty.columns


def test_query_opens_default_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("KGBUILD_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    df = query("entity", name="LoRA")
    assert df.empty and list(df.columns)[:2] == ["type", "name"]
    assert (tmp_path / "xdg" / "kgbuild" / "falkordb").is_dir()  # the per-user home
    assert not (tmp_path / ".kgbuild").exists()  # the working directory gets no new store


def test_query_checks_params_before_opening_a_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KGBUILD_HOME", str(tmp_path / ".kgbuild"))
    with pytest.raises(QueryError):
        query("top-datasets", limit="lots")
    assert not (tmp_path / ".kgbuild").exists()


def test_query_param_called_name_does_not_clash(graph):
    """Regression: query(name, **params) used to reject the entity query's own `name` parameter."""
    df = query("entity", store=graph, name="LoRA")
    assert list(df["name"]) == ["LoRA"]


def test_query_and_build_take_an_explicit_store_location(tmp_path, monkeypatch):
    """Issue 10: the notebook names its graph; nothing goes to the default home or the working dir."""
    import kgbuild
    from kgbuild.query import store_at
    from kgbuild.stores import EmbeddedStore, Neo4jStore

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("KGBUILD_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    where = tmp_path / "my-graph"
    stats = kgbuild.build(str(Path(__file__).parent / "fixtures" / "tiny.jsonl"), store=where, quiet=True)
    assert stats.papers_read == 3 and (where).is_dir()
    df = kgbuild.query("top-datasets", store=str(where), limit=2)
    assert list(df.columns) == ["dataset", "papers", "results", "evidence", "paper_id", "title"]
    assert len(df) == 2 and df["evidence"].str.len().min() > 0
    assert not (tmp_path / "xdg").exists() and not (tmp_path / ".kgbuild").exists()
    assert isinstance(store_at("bolt://localhost:1"), Neo4jStore)
    assert isinstance(store_at(where), EmbeddedStore)
    with pytest.raises(QueryError, match="Empty store location"):
        store_at(" ")
