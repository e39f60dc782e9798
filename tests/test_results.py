"""Tests of the results grammar (kgbuild.nlp.results) and its rule file.

``tests/cases/results.jsonl`` holds real sentences (seed papers 1-381 and the development
corpus' tune part only) and constructed counter-examples, one per rule family: each case lists
the results that must be extracted (subject, dataset, value, unit), the ones that must not (a
number given to the wrong subject or dataset), and rule ids that must appear in the decision
chain of some result. They run through the whole pipeline (``build_nlp`` + ``doc_to_extraction``).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgbuild.errors import ExtractError
from kgbuild.extract import doc_to_extraction
from kgbuild.nlp import build_nlp
from kgbuild.nlp.numbers import find_numbers, load_number_patterns
from kgbuild.nlp.results import RESULTS_FILE, _REQUIRED, load_result_rules
from kgbuild.nlp.rules import PATTERN_DIR
from kgbuild.records import Paper

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "results.jsonl").read_text().splitlines()
         if line.strip()]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _extract(nlp, case):
    paper = Paper(id=case["id"], title=case["title"], abstract=case["abstract"])
    return doc_to_extraction(nlp(paper.text), paper)


def _same(r, want) -> bool:
    return (r.subject == want["subject"] and abs(r.value - want["value"]) < 0.051
            and r.dataset == want.get("dataset"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_results_case(nlp, case):
    results = _extract(nlp, case).results
    got = [(r.subject, r.dataset, r.value, r.unit, r.evidence.rule) for r in results]
    if case.get("no_results"):
        assert results == [], got
    for want in case["expect"]:
        match = [r for r in results if _same(r, want)]
        assert match, f"missing {want} in {got}"
        assert match[0].unit == want["unit"], f"unit of {want}: {match[0].unit}"
    for bad in case["reject"]:
        wrong = [r for r in results if r.subject == bad["subject"] and abs(r.value - bad["value"]) < 0.051
                 and r.dataset == bad.get("dataset")]
        assert not wrong, f"must not extract {bad}: {got}"
    chains = [d for r in results for d in r.evidence.decisions]
    for rule_id in case["decisions"]:
        assert rule_id in chains, f"no result decided by {rule_id}: {got}"


def test_every_result_records_its_decision_chain(nlp):
    """Each result names the number rule, the keep rule and the subject and dataset decisions."""
    results = _extract(nlp, CASES[0]).results
    assert results
    for r in results:
        assert r.evidence.decisions[0].startswith("number:")
        assert any(d.startswith("subject:") for d in r.evidence.decisions)
        assert any(d.startswith("dataset:") for d in r.evidence.decisions)
        assert r.evidence.rule == " + ".join(r.evidence.decisions)


def test_case_file_covers_every_family():
    families = {c["id"].split("/")[0] for c in CASES}
    assert {"paren-owner", "vs-pair", "respectively", "parallel-lists", "clause", "dataset", "params",
            "range", "subject"} <= families
    assert len({c["id"] for c in CASES}) == len(CASES)


# --------------------------------------------------------------------------- rule loading
def test_bundled_rules_have_unique_ids_and_cover_the_code():
    rules = load_result_rules()
    assert set(_REQUIRED) <= set(rules)
    lines = (PATTERN_DIR / RESULTS_FILE).read_text().splitlines()
    assert len(rules) == len([line for line in lines if line.strip()])


def test_rule_without_id_is_rejected_with_file_and_line(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text('{"id": "a", "regex": "x"}\n{"regex": "y"}\n')
    with pytest.raises(ExtractError, match=r"results\.jsonl:2: .*id"):
        load_result_rules(p)


def test_duplicate_rule_id_is_rejected_with_both_lines(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text('{"id": "a", "regex": "x"}\n\n{"id": "a", "regex": "y"}\n')
    with pytest.raises(ExtractError, match=r"results\.jsonl:3: duplicate rule id 'a' \(first used on line 1\)"):
        load_result_rules(p)


def test_bad_regex_is_rejected_with_its_id(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text('{"id": "a", "regex": "(x"}\n')
    with pytest.raises(ExtractError, match=r"results\.jsonl:1: rule 'a'"):
        load_result_rules(p)


def test_number_patterns_need_unique_ids(tmp_path):
    p = tmp_path / "claims-numbers.jsonl"
    p.write_text('{"id": "number:a", "unit": "%", "regex": "\\\\d+%"}\n{"id": "number:a", "unit": "x", "regex": "\\\\d+x"}\n')
    with pytest.raises(ExtractError, match=r"claims-numbers\.jsonl:2: duplicate rule id"):
        load_number_patterns(p)
    assert [p.id for p in load_number_patterns()][0] == "number:from-to"


def test_no_number_starts_inside_a_hyphenated_name_but_a_gain_after_a_word_does():
    """"Gemma-6X", "LCWJ-1x": digits after a hyphen inside a name are no figures (they gave bogus
    6x / 1x results); "CTR+2.9%/CPM+2.1%" (dev-D-036) are gains; TeX "\\sim3%" is still read."""
    pats = load_number_patterns()
    values = [(n.value, n.unit) for n in find_numbers("comparable to Gemma-6X and LCWJ-1x, GPT-4 (+5.1%)", pats)]
    assert values == [("+5.1", "%")]
    values = [(n.value, n.unit) for n in find_numbers("the improvement of CTR+2.9%/CPM+2.1%/GMV+1.5% online", pats)]
    assert values == [("2.9", "%"), ("2.1", "%"), ("1.5", "%")]
    assert [(n.value, n.unit) for n in find_numbers("a gain of \\sim3% on X", pats)] == [("3", "%")]


def test_words_prefilter_never_changes_what_a_rule_matches():
    """A rule's ``words`` only spare a regex search: every match of the regex contains one of them.
    Each rule with words is exercised by at least one sample it matches."""
    from kgbuild.nlp.results import _may, _rules
    samples = ["the previous best score of ", "surpassing the prior SOTA accuracy of ", "LoRA+ (", "QuuxNet-2 (",
               "improves the ", "helping a ", "speeds up the ", "training a ", "fine-tuning the ",
               "on the GLUE benchmark", "We propose X. It reaches 80.1% on GLUE", "a strong ResNet baseline model gains ", "with a learning rate of ",
               "accuracy without the ", "We evaluate it on the "]
    with_words = [r for r in _rules().values() if r.words]
    assert {r.id for r in with_words} >= {"skip:previous-score", "subject:unknown-paren-owner", "subject:object-of-verb"}
    for rule in with_words:
        assert all(w == w.lower() for w in rule.words), rule.id
        matched = [s for s in samples if rule.regex.search(s)]
        assert matched, f"no sample exercises {rule.id}"
        for s in matched:
            assert _may(rule.id, s), (rule.id, s)
    assert not _may("subject:object-of-verb", "on the GLUE benchmark")


def test_rule_with_bad_words_is_rejected_with_file_and_line(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text('{"id": "a", "regex": "x", "words": "x"}\n')
    with pytest.raises(ExtractError, match=r"results\.jsonl:1: rule 'a': 'words' must be a list"):
        load_result_rules(p)
