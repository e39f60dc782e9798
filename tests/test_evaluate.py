"""The scoring rules of docs/EXTRACTION-SCHEMA.md, one hand-written gold/pred pair per rule."""
from __future__ import annotations

import json

import pytest

from kgbuild.errors import ReadError
from kgbuild.evaluate import Scores, format_scores, load_jsonl, score


def ent(type_, name, *aliases):
    return {"type": type_, "name": name, "aliases": list(aliases)}


def rec(pid="p1", title="A paper", entities=(), proposes=(), results=(), comparisons=()):
    return {"paper_id": pid, "title": title, "entities": list(entities), "proposes": list(proposes),
            "results": list(results), "comparisons": list(comparisons)}


def res(subject, value, dataset=None, metric=None, unit="%"):
    return {"subject": subject, "dataset": dataset, "metric": metric, "value": value, "unit": unit}


def cmp_(subject, relation, obj, dataset=None):
    return {"subject": subject, "relation": relation, "object": obj, "dataset": dataset}


GOLD_ENTS = [ent("Method", "RASAT"), ent("Model", "T5"), ent("Dataset", "Spider"),
             ent("Task", "text-to-SQL"), ent("Metric", "EX", "execution accuracy")]


def errs(s: Scores, cat: str, kind: str = "fp"):
    return [e for e in s.errors.get("p1", []) if e.category == cat and e.kind == kind]


def counts(s: Scores, cat: str):
    c = s[cat]
    return c.tp, c.fp, c.fn


def test_exact_entities_score_perfect():
    s = score([rec(entities=GOLD_ENTS)], [rec(entities=GOLD_ENTS)])
    assert counts(s, "entities") == (5, 0, 0)
    assert s["entities"].f1 == 1.0
    assert s.errors == {}


def test_case_and_punctuation_ignored():
    g = rec(entities=[ent("Method", "Fine-tuning")])
    p = rec(entities=[ent("Method", "finetuning")])
    assert counts(score([g], [p]), "Method") == (1, 0, 0)


def test_predicted_name_matches_gold_alias():
    p = rec(entities=[ent("Metric", "Execution Accuracy")])
    s = score([rec(entities=GOLD_ENTS)], [p])
    assert counts(s, "Metric") == (1, 0, 0)


def test_predicted_alias_is_not_compared():
    """Only the predicted name counts: a right alias under a wrong name is still wrong."""
    g = rec(entities=[ent("Metric", "EX")])
    p = rec(entities=[ent("Metric", "exact score", "EX")])
    assert counts(score([g], [p]), "Metric") == (0, 1, 1)


def test_duplicate_entity_counts_against_precision():
    p = rec(entities=[ent("Metric", "EX"), ent("Metric", "execution accuracy")])
    s = score([rec(entities=GOLD_ENTS)], [p])
    assert counts(s, "Metric") == (1, 1, 0)
    assert "duplicate" in errs(s, "Metric")[0].reason


def test_type_mismatch_is_fp_and_fn():
    g = rec(entities=[ent("Model", "T5")])
    p = rec(entities=[ent("Method", "T5")])
    s = score([g], [p])
    assert counts(s, "Method") == (0, 1, 0)
    assert counts(s, "Model") == (0, 0, 1)
    assert counts(s, "entities") == (0, 1, 1)
    reasons = {e.kind: e.reason for e in s.errors["p1"]}
    assert "wrong type" in reasons["fp"] and "predicted as Method" in reasons["fn"]


def test_proposes_alias_aware_and_one_to_one():
    g = rec(entities=[ent("Method", "LST", "Ladder Side-Tuning")], proposes=["LST"])
    p = rec(proposes=["ladder side tuning", "LST", "Other"])
    s = score([g], [p])
    assert counts(s, "proposes") == (1, 2, 0)


def test_result_value_tolerance():
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 75.5, "Spider", "EX")])
    ok = score([g], [rec(results=[res("RASAT", 75.55, "Spider", "EX")])])
    assert counts(ok, "results") == (1, 0, 0)
    bad = score([g], [rec(results=[res("RASAT", 75.56, "Spider", "EX")])])
    assert counts(bad, "results") == (0, 1, 1)
    assert "value" in errs(bad, "results")[0].reason


def test_result_metric_and_unit_not_compared():
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 75.5, "Spider", "EX", "%")])
    p = rec(results=[res("RASAT", 75.5, "Spider", None, None)])
    assert counts(score([g], [p]), "results") == (1, 0, 0)


def test_result_gold_null_dataset_is_dont_care():
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 0.5, None, unit="%")])
    p = rec(results=[res("RASAT", 0.5, "Spider")])
    assert counts(score([g], [p]), "results") == (1, 0, 0)


def test_result_wrong_or_missing_dataset_when_gold_gives_one():
    g = rec(entities=GOLD_ENTS + [ent("Dataset", "SParC")], results=[res("RASAT", 75.5, "Spider")])
    assert counts(score([g], [rec(results=[res("RASAT", 75.5, "SParC")])]), "results") == (0, 1, 1)
    assert counts(score([g], [rec(results=[res("RASAT", 75.5, None)])]), "results") == (0, 1, 1)


def test_result_subject_alias_expansion_through_gold_entities():
    g = rec(entities=[ent("Method", "LST", "ladder side-tuning"), ent("Dataset", "GLUE", "General Language Understanding Evaluation")],
            results=[res("LST", 2.7, "GLUE")])
    p = rec(results=[res("Ladder Side Tuning", 2.7, "general language understanding evaluation")])
    assert counts(score([g], [p]), "results") == (1, 0, 0)


def test_result_wrong_subject():
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 75.5, "Spider")])
    s = score([g], [rec(results=[res("T5", 75.5, "Spider")])])
    assert counts(s, "results") == (0, 1, 1)
    assert "wrong subject" in errs(s, "results")[0].reason


def test_result_one_to_one_duplicate_prediction():
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 75.5, "Spider")])
    p = rec(results=[res("RASAT", 75.5, "Spider"), res("RASAT", 75.5, "Spider")])
    assert counts(score([g], [p]), "results") == (1, 1, 0)


def test_result_strict_pass_keeps_dont_care_gold_for_loose_prediction():
    """Greedy order must not let a dataset-less prediction steal the gold item with a dataset."""
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 1.0, None), res("RASAT", 1.0, "Spider")])
    p = rec(results=[res("RASAT", 1.0, "Spider"), res("RASAT", 1.0, None)])
    assert counts(score([g], [p]), "results") == (2, 0, 0)


def test_comparison_match_and_alias():
    g = rec(entities=[ent("Method", "LST", "ladder side-tuning"), ent("Method", "full fine-tuning")],
            comparisons=[cmp_("LST", "outperforms", "full fine-tuning", "GLUE")])
    p = rec(comparisons=[cmp_("Ladder side tuning", "outperforms", "Full Finetuning", None)])
    assert counts(score([g], [p]), "comparisons") == (1, 0, 0)


def test_comparison_wrong_relation():
    g = rec(entities=[ent("Method", "LST"), ent("Method", "full fine-tuning")],
            comparisons=[cmp_("LST", "outperforms", "full fine-tuning")])
    s = score([g], [rec(comparisons=[cmp_("LST", "comparable", "full fine-tuning")])])
    assert counts(s, "comparisons") == (0, 1, 1)
    assert "wrong relation" in errs(s, "comparisons")[0].reason


def test_comparison_swapped_direction():
    g = rec(entities=[ent("Method", "LST"), ent("Method", "LoRA")],
            comparisons=[cmp_("LST", "outperforms", "LoRA")])
    s = score([g], [rec(comparisons=[cmp_("LoRA", "outperforms", "LST")])])
    assert counts(s, "comparisons") == (0, 1, 1)
    assert "swapped" in errs(s, "comparisons")[0].reason


def test_missing_paper_counts_every_item_as_miss():
    g = rec(entities=GOLD_ENTS, proposes=["RASAT"], results=[res("RASAT", 75.5, "Spider")],
            comparisons=[cmp_("RASAT", "outperforms", "T5")])
    s = score([g], [rec(pid="other", title="Something else")])
    assert s.missing == ["p1"] and s.unscored == ["other"]
    assert counts(s, "entities") == (0, 0, 5)
    assert counts(s, "proposes") == (0, 0, 1)
    assert counts(s, "results") == (0, 0, 1)
    assert counts(s, "comparisons") == (0, 0, 1)
    assert {e.reason for e in s.errors["p1"]} == {"no prediction for this paper"}


def test_paper_paired_by_title_when_id_differs():
    g = rec(pid="seed-0001", title="RASAT: Integrating Relational Structures", entities=GOLD_ENTS)
    p = rec(pid="rasat-abc123", title="rasat integrating relational structures", entities=GOLD_ENTS)
    s = score([g], [p])
    assert s.missing == [] and counts(s, "entities") == (5, 0, 0)


def test_micro_average_over_types_and_f1():
    g = rec(entities=GOLD_ENTS)
    p = rec(entities=[ent("Method", "RASAT"), ent("Model", "T5"), ent("Task", "parsing")])
    s = score([g], [p])
    assert counts(s, "entities") == (2, 1, 3)
    assert s["entities"].precision == pytest.approx(2 / 3)
    assert s["entities"].recall == pytest.approx(2 / 5)
    assert s["entities"].f1 == pytest.approx(2 * (2 / 3) * 0.4 / (2 / 3 + 0.4))


def test_scores_render_to_json_and_table():
    g = rec(entities=GOLD_ENTS, results=[res("RASAT", 75.5, "Spider")])
    s = score([g], [rec(entities=GOLD_ENTS[:2])])
    d = json.loads(s.to_json())
    assert d["scores"]["entities"]["tp"] == 2 and d["scores"]["results"]["fn"] == 1
    assert d["errors"]["p1"][0]["kind"] == "fn"
    table = format_scores(s)
    assert "entities" in table and "comparisons" in table and "FN" not in table
    assert "FN results" in format_scores(s, show_errors=True)


def test_load_jsonl(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text(json.dumps(rec()) + "\n\n" + json.dumps(rec(pid="p2")) + "\n")
    assert [r["paper_id"] for r in load_jsonl(f)] == ["p1", "p2"]
    f.write_text("{not json}\n")
    with pytest.raises(ReadError):
        load_jsonl(f)
    with pytest.raises(ReadError):
        load_jsonl(tmp_path / "missing.jsonl")


def test_evaluate_file_scores_only_gold_papers(tmp_path, monkeypatch):
    """evaluate_file runs the whole input (corpus-level resolution, as `kgbuild extract` does)
    but scores only the papers that are in gold; gold papers absent from INPUT are not misses."""
    from kgbuild.evaluate import evaluate_file
    from kgbuild.records import Entity, Extraction

    seen: list[str] = []

    def fake_extract_papers(papers, **kw):
        for p in papers:
            seen.append(p.id)
            yield Extraction(paper=p, entities=[Entity(type="Method", name="RASAT")])

    import kgbuild.extract

    monkeypatch.setattr(kgbuild.extract, "extract_papers", fake_extract_papers)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "title": t, "abstract": "Some abstract text."})
                             for i, t in [("a", "RASAT paper"), ("b", "Other paper")]) + "\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(rec(pid="a", title="RASAT paper", entities=GOLD_ENTS[:2])) + "\n"
                    + json.dumps(rec(pid="elsewhere", title="A paper in another input", entities=GOLD_ENTS[:2])) + "\n")
    s = evaluate_file(gold, src)
    assert seen == ["a", "b"]
    assert counts(s, "entities") == (1, 0, 1) and s.missing == []
