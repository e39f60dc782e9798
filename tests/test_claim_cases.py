"""Case files of real sentences per rule family, the rule-data loaders, the spaCy entry points and
the decision chains ``kgbuild explain`` shows.

``tests/cases/comparisons.jsonl`` and ``tests/cases/proposes.jsonl``: one real sentence per line
(seed papers 1-381 or the development corpus tune part, named in ``source``), the entities a
reader sees in it, and the records expected - exactly those; a case with ``expected: []`` is a
counter-example that must not match. ``decision`` (optional) is a rule id every expected record
must carry in its decision chain.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.errors import ExtractError
from kgbuild.nlp.comparisons import find_comparisons
from kgbuild.nlp.cues import load_cue_patterns
from kgbuild.nlp.proposes import find_proposes
from kgbuild.nlp.rules import PATTERN_DIR, load_rules
from kgbuild.nlp.slots import load_slot_rules

from test_claims import make_entities

CASES = Path(__file__).parent / "cases"


def _cases(name: str):
    for line in (CASES / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            yield pytest.param(case, id=case["id"])


@pytest.fixture(scope="module")
def nlp(claims_nlp):
    return claims_nlp


def _doc_and_entities(nlp, case):
    text = f"{case['title']}\n{case['text']}"
    spec = {name: tuple(v) for name, v in case["entities"].items()}
    return nlp(text), make_entities(text, spec)


def test_case_ids_unique():
    for name in ("comparisons.jsonl", "proposes.jsonl"):
        ids = [json.loads(l)["id"] for l in (CASES / name).read_text(encoding="utf-8").splitlines() if l.strip()]
        assert len(ids) == len(set(ids)), name


@pytest.mark.parametrize("case", list(_cases("comparisons.jsonl")))
def test_comparison_case(nlp, case):
    doc, ents = _doc_and_entities(nlp, case)
    comps = find_comparisons(doc, ents, case.get("proposed", []))
    got = sorted((c.subject, c.relation, c.object) for c in comps)
    assert got == sorted(tuple(e) for e in case["expected"])
    for c in comps:
        chain = c.evidence.decisions
        assert chain and chain[0].startswith("cue:"), chain
        assert any(d.startswith("subject:") for d in chain) and any(d.startswith("object:") for d in chain)
        assert c.evidence.rule == " + ".join(chain)
        if case.get("decision"):
            assert case["decision"] in chain, chain


@pytest.mark.parametrize("case", list(_cases("proposes.jsonl")))
def test_proposes_case(nlp, case):
    doc, ents = _doc_and_entities(nlp, case)
    props = find_proposes(doc, ents)
    assert [p.name for p in props] == case["expected"]
    for p in props:
        assert p.evidence.decisions and p.evidence.decisions[-1] == p.evidence.rule


def test_one_record_per_subject_relation_object(nlp):
    # seed-0032: the same claim on two datasets is one record (the first dataset named)
    case = {"title": "T", "text": "We observe even more impressive gains, surpassing the performance of both full "
            "fine-tuning and adapter tuning by a substantial margin, e.g., 3.5% in MRPC and 5.0% in MNLI. "
            "MerA also surpasses full fine-tuning on MNLI.",
            "entities": {"MerA": ["Method"], "full fine-tuning": ["Method"], "adapter tuning": ["Method"],
                         "MRPC": ["Dataset"], "MNLI": ["Dataset"]}}
    doc, ents = _doc_and_entities(nlp, case)
    comps = find_comparisons(doc, ents, ["MerA"])
    assert sorted((c.subject, c.relation, c.object, c.dataset) for c in comps) == [
        ("MerA", "outperforms", "adapter tuning", "MRPC"), ("MerA", "outperforms", "full fine-tuning", "MRPC")]


# --------------------------------------------------------------------------- rule data loading
def _write(tmp_path: Path, name: str, lines: list[dict]) -> Path:
    p = tmp_path / name
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return p


CUE = {"label": "outperforms", "first": ["beats"], "regex": r"\bbeats\b"}


def test_bundled_rule_files_load():
    assert len(load_cue_patterns()) > 20
    rules = load_slot_rules()
    assert rules.baselines and rules.families and rules.self_reference


def test_cue_without_id_is_rejected_naming_file_and_line(tmp_path):
    p = _write(tmp_path, "claims-cues.jsonl", [{"id": "cue:a", **CUE}, dict(CUE)])
    with pytest.raises(ExtractError, match=r"claims-cues\.jsonl:2: rule without an id"):
        load_cue_patterns(p)


def test_duplicate_cue_id_is_rejected_naming_both_lines(tmp_path):
    p = _write(tmp_path, "claims-cues.jsonl", [{"id": "cue:a", **CUE}, {"id": "cue:b", **CUE}, {"id": "cue:a", **CUE}])
    with pytest.raises(ExtractError, match=r"claims-cues\.jsonl:3: duplicate rule id 'cue:a' \(first used on line 1\)"):
        load_cue_patterns(p)


def test_slot_rule_duplicate_and_missing_fields_rejected(tmp_path):
    p = _write(tmp_path, "claims-slots.jsonl", [{"id": "family:x", "slot": "family", "regex": "X", "name": "x"},
                                                {"id": "family:x", "slot": "family", "regex": "Y", "name": "y"}])
    with pytest.raises(ExtractError, match=r"claims-slots\.jsonl:2: duplicate rule id 'family:x'"):
        load_slot_rules(p)
    p = _write(tmp_path, "claims-slots.jsonl", [{"id": "object:b", "slot": "object", "kind": "baseline", "regex": "FT"}])
    with pytest.raises(ExtractError, match=r"claims-slots\.jsonl:1: rule 'object:b' needs the \"name\""):
        load_slot_rules(p)


def test_bad_regex_and_unknown_label_rejected(tmp_path):
    p = _write(tmp_path, "claims-cues.jsonl", [{"id": "cue:a", "label": "outperforms", "first": ["x"], "regex": "(x"}])
    with pytest.raises(ExtractError, match=r"claims-cues\.jsonl:1: rule 'cue:a': bad regex"):
        load_cue_patterns(p)
    p = _write(tmp_path, "claims-cues.jsonl", [{"id": "cue:a", "label": "beats", "first": ["x"], "regex": "x"}])
    with pytest.raises(ExtractError, match=r"claims-cues\.jsonl:1: rule 'cue:a': unknown label"):
        load_cue_patterns(p)


def test_every_bundled_claims_rule_file_has_unique_ids():
    for name in ("claims-cues.jsonl", "claims-slots.jsonl"):
        ids = [r.id for r in load_rules(PATTERN_DIR / name)]
        assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- spaCy entry points
def test_spacy_factories_entry_points_work_without_importing_kgbuild(tmp_path):
    """``spacy.blank("en").add_pipe("kgbuild_cues")`` in a fresh interpreter that never imported
    kgbuild: spaCy finds the factory through the ``spacy_factories`` entry point."""
    code = ("import sys, spacy\n"
            "nlp = spacy.blank('en')\n"
            "for name in ('kgbuild_sentences', 'kgbuild_numbers', 'kgbuild_cues'):\n"
            "    nlp.add_pipe(name)\n"
            "doc = nlp('T\\nOur method is on par or better than LoRA.')\n"
            "print([(s.label_, s.id_) for s in doc.spans['cues']])\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "('comparable', 'cue:on-par-or-better')" in out.stdout


# --------------------------------------------------------------------------- explain
def test_explain_shows_the_decision_chain_of_each_fact():
    from kgbuild.explain import explain_paper, format_explanation
    from kgbuild.records import Paper

    paper = Paper("t-1", "SparseAdapter: Sparse adapters",
                  "We propose SparseAdapter. SparseAdapter can achieve comparable or better performance than "
                  "standard Adapters when the sparse ratio reaches up to 80%.")
    ex, reports = explain_paper(paper)
    facts = [f for r in reports for f in r.facts if f["kind"] == "comparison"]
    assert facts, "no comparison found"
    for f in facts:
        assert f["decisions"][0] == "cue:on-par-or-better" and f["rule"] == " + ".join(f["decisions"])
    text = format_explanation(paper, ex, reports)
    assert "why: cue:on-par-or-better + subject:named + object:named" in text


# --------------------------------------------------------------------------- proposal shape word lists
def test_bundled_proposes_word_lists_load():
    from kgbuild.nlp.descriptive import load_descriptive_rules
    r = load_descriptive_rules()
    assert "scheme" in r.dropped and "encoder" in r.kept and "novel" in r.evaluative
    assert r.action_end.search("alignment") and "module" in r.action_heads


def test_proposes_word_list_missing_is_rejected_naming_the_file(tmp_path):
    from kgbuild.nlp.descriptive import load_descriptive_rules
    p = _write(tmp_path, "claims-proposes.jsonl", [{"id": "descriptive:heads-dropped", "words": ["method"]}])
    with pytest.raises(ExtractError, match=r"claims-proposes\.jsonl: needs a rule 'descriptive:"):
        load_descriptive_rules(p)


def test_proposes_word_list_duplicate_id_is_rejected(tmp_path):
    from kgbuild.nlp.descriptive import load_descriptive_rules
    p = _write(tmp_path, "claims-proposes.jsonl", [{"id": "descriptive:generic", "words": ["deep"]},
                                                   {"id": "descriptive:generic", "words": ["large"]}])
    with pytest.raises(ExtractError, match=r"claims-proposes\.jsonl:2: duplicate rule id"):
        load_descriptive_rules(p)
