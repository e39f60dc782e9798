"""rows.py: pure row building from the hand-written fixture corpus."""
from __future__ import annotations

import copy

from fixtures.graph_fixture import PAPERS, entities, ev, extractions, links

from kgbuild.normalize import match_key, search_key
from kgbuild.records import CanonicalEntity, Comparison, EntityLink, Extraction, Result
from kgbuild.rows import (
    NODE_LABELS,
    PROPERTY_NAMES,
    REL_IDENTITY,
    entity_rows,
    rel_allowed,
    result_key,
    to_rows,
)

PROVENANCE = {"paper_id", "sentence", "start", "end", "rule"}


def _rel(rows, rtype, start_label, end_label):
    return rows.rels.get((rtype, start_label, end_label), [])


def test_to_rows_is_deterministic():
    a = to_rows(extractions())
    b = to_rows(list(reversed(extractions())))
    assert a == b
    assert a == to_rows(extractions())


def test_only_model_vocabulary_is_emitted():
    rows = to_rows(extractions())
    rows.extend(entity_rows(entities(), links()))
    assert set(rows.nodes) <= set(NODE_LABELS)
    for (rtype, s, e), items in rows.rels.items():
        assert rel_allowed(rtype, s, e), (rtype, s, e)
        for item in items:
            assert set(item) == {"start", "end", "props"}
            assert set(item["props"]) <= PROPERTY_NAMES
    for items in rows.nodes.values():
        for item in items:
            assert set(item) == {"key", "props"}
            assert set(item["props"]) <= PROPERTY_NAMES


def test_every_fact_relationship_carries_provenance():
    rows = to_rows(extractions())
    for (rtype, _, _), items in rows.rels.items():
        for item in items:
            assert PROVENANCE <= set(item["props"]), rtype
            assert item["props"]["sentence"], rtype
            pid = item["props"]["paper_id"]
            text = PAPERS[pid].text
            start, end = item["props"]["start"], item["props"]["end"]
            assert 0 <= start < end <= len(text)
            assert text[start:end] in item["props"]["sentence"]


def test_mentions_count_and_first_evidence():
    rows = to_rows(extractions())
    mentions = {(r["start"], r["end"]): r["props"] for r in _rel(rows, "MENTIONS", "Paper", "Method")}
    lst = mentions[("fx-0001", "lst")]
    assert lst["count"] == 5
    assert lst["start"] == 0  # the title mention comes first in the text
    assert mentions[("fx-0002", "fullfinetuning")]["count"] == 3


def test_result_node_key_and_links():
    rows = to_rows(extractions())
    results = {r["key"]: r["props"] for r in rows.nodes["Result"]}
    x1 = extractions()[0]
    res = x1.results[1]
    key = result_key("fx-0001", "LST", "MNLI", "accuracy", 89.1, "%", res.evidence.start)
    assert results[key]["value"] == 89.1 and results[key]["unit"] == "%"
    assert {"start": key, "end": "mnli"} in [{"start": r["start"], "end": r["end"]}
                                           for r in _rel(rows, "ON", "Result", "Dataset")]
    measured = {(r["start"], r["end"]) for r in _rel(rows, "MEASURED_BY", "Result", "Metric")}
    assert (key, "accuracy") in measured
    # "trainable parameters" is a quantity, not a Metric entity: no MEASURED_BY, kept as property
    param_key = result_key("fx-0001", "LST", None, "trainable parameters", 2.07, "%", x1.results[0].evidence.start)
    assert results[param_key]["metric"] == "trainable parameters"
    assert not any(s == param_key for s, _ in measured)
    assert "Metric" not in {n for n in rows.nodes if any(r["key"] == "trainableparameters" for r in rows.nodes[n])}


def test_claims_have_dataset_and_dataset_key():
    rows = to_rows(extractions())
    outp = {(r["start"], r["end"], r["props"]["paper_id"]): r["props"]
            for r in _rel(rows, "OUTPERFORMS", "Method", "Method")}
    assert outp[("lst", "fullfinetuning", "fx-0001")]["dataset"] == "GLUE"
    assert outp[("lst", "fullfinetuning", "fx-0001")]["dataset_key"] == "glue"
    under = _rel(rows, "UNDERPERFORMS", "Method", "Method")
    no_dataset = [r for r in under if r["start"] == "prefixtuning"]
    assert no_dataset and no_dataset[0]["props"]["dataset"] is None
    assert no_dataset[0]["props"]["dataset_key"] == ""
    assert len(_rel(rows, "COMPARABLE_TO", "Method", "Method")) == 2


def test_name_outside_entities_is_typed_and_stubbed():
    rows = to_rows(extractions())
    methods = {r["key"]: r["props"] for r in rows.nodes["Method"]}
    assert methods["prefixtuning"] == {"name": "prefix-tuning"}  # stub: a claim endpoint only
    assert "prefixtuning" not in {r["key"] for r in rows.nodes.get("Model", [])}


def test_resolver_types_names_outside_the_paper():
    """A claim object that is a Model in the corpus stays a Model even if this paper lists nothing."""

    class FakeResolver:
        def entities(self):
            return [CanonicalEntity(key="gpt3", type="Model", name="GPT-3")]

        def links(self):
            return []

    x = copy.deepcopy(extractions()[0])
    x.comparisons.append(Comparison("LST", "outperforms", "GPT-3", None, ev("fx-0001", "On GLUE", "outperforms")))
    plain = to_rows([x])
    typed = to_rows([x], FakeResolver())
    assert ("OUTPERFORMS", "Method", "Method") in plain.rels
    assert any(r["end"] == "gpt3" for r in typed.rels[("OUTPERFORMS", "Method", "Model")])


def test_evaluates_on_from_results_and_claims():
    rows = to_rows(extractions())
    pairs = {(r["start"], r["end"], r["props"]["paper_id"]) for r in _rel(rows, "EVALUATES_ON", "Method", "Dataset")}
    assert ("lst", "mnli", "fx-0001") in pairs  # from the result
    assert ("lst", "glue", "fx-0001") in pairs  # from the claim
    assert ("bitfit", "squad", "fx-0002") in pairs


def test_duplicate_facts_collapse_on_identity():
    x = copy.deepcopy(extractions()[1])
    x.comparisons = x.comparisons + x.comparisons
    x.results = x.results + x.results
    rows = to_rows([x])
    assert len(_rel(rows, "OUTPERFORMS", "Method", "Method")) == 1
    assert len(rows.nodes["Result"]) == 1


def test_entity_rows_search_keys_and_links():
    rows = entity_rows(entities(), links())
    ft = next(r for r in rows.nodes["Method"] if r["key"] == "fullfinetuning")
    assert ft["props"]["search_keys"] == sorted({search_key(s) for s in ["full fine-tuning", "FT", "fine-tuning",
                                                                       "full finetuning"]})
    assert ft["props"]["papers"] == 3
    assert rows.rels[("VARIANT_OF", "Model", "Model")] == [
        {"start": "t5large", "end": "t5", "props": {"reason": "size variant of T5"}}]
    assert rows.rels[("PART_OF", "Dataset", "Dataset")][0]["start"] == "mnli"


def test_entity_rows_accepts_a_resolver():
    class FakeResolver:
        def entities(self):
            return entities()

        def links(self):
            return links()

    assert entity_rows(FakeResolver()) == entity_rows(entities(), links())


def test_link_between_unknown_keys_is_dropped():
    rows = entity_rows(entities(), [EntityLink("VARIANT_OF", "gpt3", "t5", "bogus")])
    assert ("VARIANT_OF", "Model", "Model") not in rows.rels


def test_node_keys_are_match_keys():
    rows = to_rows(extractions())
    for label in ("Method", "Model", "Dataset", "Task", "Metric"):
        for r in rows.nodes.get(label, []):
            assert r["key"] == match_key(r["props"]["name"])


def test_claim_identity_separates_datasets():
    """Two claims between the same pair in one paper on different datasets are two relationships."""
    x = copy.deepcopy(extractions()[1])
    first = x.comparisons[0]
    x.comparisons.append(Comparison(first.subject, "outperforms", first.object, "SQuAD", first.evidence))
    rows = to_rows([x])
    assert len(_rel(rows, "OUTPERFORMS", "Method", "Method")) == 2
    assert REL_IDENTITY["OUTPERFORMS"] == ("paper_id", "dataset_key", "start")


def test_empty_extraction_gives_only_a_paper():
    rows = to_rows([Extraction(paper=PAPERS["fx-0004"])])
    assert list(rows.nodes) == ["Paper"] and rows.rels == {}
    assert rows.nodes["Paper"][0]["props"]["title"].startswith("A survey")


def test_result_key_is_stable_for_equal_values():
    assert result_key("p", "A", None, None, 75.5, "%", 3) == result_key("p", "A", None, None, 75.50, "%", 3)
    assert result_key("p", "A", None, None, 75.5, "%", 3) != result_key("p", "A", None, None, 75.5, "%", 4)
    assert len(result_key("p", None, None, None, 1, None, 0)) == 16


def test_result_without_subject_has_no_for():
    x = Extraction(paper=PAPERS["fx-0004"], results=[
        Result(None, "SQuAD", None, 3.0, "x", ev("fx-0004", "We review", "SQuAD"))])
    rows = to_rows([x])
    assert ("FOR", "Result", "Method") not in rows.rels
    assert rows.rels[("ON", "Result", "Dataset")][0]["end"] == "squad"


def test_entity_listed_twice_adds_mentions():
    x = copy.deepcopy(extractions()[1])
    x.entities.append(copy.deepcopy(x.entities[0]))  # BitFit again
    rows = to_rows([x])
    bitfit = [r for r in rows.rels[("MENTIONS", "Paper", "Method")] if r["end"] == "bitfit"]
    assert len(bitfit) == 1 and bitfit[0]["props"]["count"] == 8
    assert bitfit[0]["props"]["start"] == 0


def test_display_properties_for_browser_captions():
    """Issue 10: Papers were captioned by a cut title ("Effective…") and Results by a cut sentence."""
    from kgbuild.rows import result_display, short_title

    assert short_title("LoRA: Low-Rank Adaptation of Large Language Models") == "LoRA"
    assert short_title("Effective and Parameter-Efficient Reusing Fine-Tuned Models") == \
        "Effective and Parameter-Efficient\u2026"
    assert short_title("Effective Structured Prompting by Meta-Learning") != \
        short_title("Effective and Parameter-Efficient Reusing Fine-Tuned Models")
    assert short_title("A Survey") == "A Survey" and short_title("  ", "p-1") == "p-1"
    assert result_display(88.5, "%", "accuracy") == "88.5% accuracy"
    assert result_display(62.0, "ms", "latency") == "62 ms latency"
    assert result_display(3.0, None, None) == "3"
    rows = to_rows(extractions())
    papers = {r["key"]: r["props"] for r in rows.nodes["Paper"]}
    assert papers["fx-0001"]["short_title"] == "LST"
    results = {r["props"]["display"] for r in rows.nodes["Result"]}
    assert {"88.5% accuracy", "89.1% accuracy", "0.08% tuned parameters"} <= results


def test_claim_edges_have_a_caption_with_their_dataset():
    from kgbuild.rows import claim_display

    rows = to_rows(extractions())
    shown = {r["props"]["display"] for rel in ("OUTPERFORMS", "COMPARABLE_TO", "UNDERPERFORMS")
             for r in rows.rels.get((rel, "Method", "Method"), [])}
    assert {"outperforms \u00b7 GLUE", "comparable to \u00b7 GLUE", "underperforms"} <= shown
    assert claim_display("UNDERPERFORMS", None) == "underperforms"
