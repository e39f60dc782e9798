"""Tests of kgbuild.nlp.abbreviations (Schwartz & Hearst acronym definitions).

Positive sentences come from the seed corpus (papers 1-381 only); counter-examples are the
parenthesised asides an abbreviation detector must not take for definitions.
"""
from __future__ import annotations

import pytest
import spacy

from kgbuild.nlp.abbreviations import (RULE_ID, doc_text, find_abbreviations, find_best_long_form,
                                       is_short_form_candidate)


@pytest.fixture(scope="module")
def nlp():
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    n.add_pipe("kgbuild_abbreviations")
    return n


def pairs(nlp, text):
    return [(long.text, short.text) for long, short in find_abbreviations(nlp(text))]


@pytest.mark.parametrize("short, long, expected", [
    ("LoRA", "we use Low-Rank Adaptation", "Low-Rank Adaptation"),
    ("EX", "measured by execution accuracy", "execution accuracy"),
    ("IAT", "a lightweight fast Illumination Adaptive Transformer", "Illumination Adaptive Transformer"),
    ("MoE", "sparse Mixture-of-Experts", "Mixture-of-Experts"),
    ("XYZ", "nothing matches here", None),
])
def test_find_best_long_form(short, long, expected):
    start = find_best_long_form(short, long)
    assert (None if start is None else long[start:]) == expected


@pytest.mark.parametrize("text, expected", [
    # seed-0017
    ("By decomposing ISP pipeline into local and global image components, we propose a lightweight "
     "fast Illumination Adaptive Transformer (IAT) to restore the normal lit sRGB image.",
     [("Illumination Adaptive Transformer", "IAT")]),
    # seed-0035
    ("TPTT employs techniques such as Memory as Gate (MaG) and mixed linearized attention (LiZA).",
     [("Memory as Gate", "MaG"), ("linearized attention", "LiZA")]),
    # seed-0053
    ("CauKer combines Gaussian Process (GP) kernel composition with Structural Causal Models (SCM) to "
     "produce data.", [("Gaussian Process", "GP"), ("Structural Causal Models", "SCM")]),
    # glued parenthesis (seed-0034 title) is split by the kgbuild tokenizer, not the blank one
    ("Parameter-efficient fine-tuning (PEFT) adapts models.", [("Parameter-efficient fine-tuning", "PEFT")]),
])
def test_definitions_from_the_seed(nlp, text, expected):
    assert pairs(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "It generalises to other encoders (e.g., BERT) without retraining.",
    "Results are summarised in the main comparison (Table 1).",
    "RASAT reaches state-of-the-art results (75.5% EX on Spider).",
    "The approach improves accuracy (75.5%) on Spider.",
    "We compare against our strongest variant (ours).",
    "explored promptable NeRF generation (e.g., text prompt or single image prompt)",
    "two visual question answering datasets (i.e., VQA and GQA)",
    "fine-tuning all parameters (i.e., the entire translation model)",
    "an earlier study (2023) reported the same",
    "the second stage (II) repeats the first",
    "use only a fraction (0.08%) of the pretrained parameters",
])
def test_asides_are_not_abbreviations(nlp, text):
    assert pairs(nlp, text) == []


@pytest.mark.parametrize("candidate, ok", [
    ("LoRA", True), ("EX", True), ("SFTMs", True), ("e.g.", False), ("ours", False),
    ("75.5%", False), ("Table 1", False), ("2023", False), ("II", False), ("A1", False),
    ("this is far too long", False),
])
def test_short_form_candidate(candidate, ok):
    assert is_short_form_candidate(candidate) is ok


def test_long_form_must_start_with_the_short_forms_first_letter(nlp):
    # "across all tasks (EX)" has no word starting with "e" before the parenthesis
    assert pairs(nlp, "It is strong across all tasks (EX) here.") == []


def test_component_writes_span_groups(nlp):
    doc = nlp("We adopt Low-Rank Adaptation (LoRA) for speed.")
    (short,) = doc.spans["abbreviations"]
    (long,) = doc.spans["abbreviations_long"]
    assert (short.text, short.label_, short.kb_id_, short.id_) == ("LoRA", "ABBR", "Low-Rank Adaptation", RULE_ID)
    assert (long.text, long.kb_id_) == ("Low-Rank Adaptation", "LoRA")


def test_doc_text_is_cached(nlp):
    doc = nlp.make_doc("Spider and SParC")
    assert doc_text(doc) == "Spider and SParC"
    assert doc.user_data["kgbuild_text"] == "Spider and SParC"


def test_short_form_written_before_its_long_form(nlp):
    # seed-0103 and seed-0146: the coined name first, its expansion in parentheses
    assert ("Matrix Atom Sharing in Attention", "MASA") in pairs(
        nlp, "We propose MASA (Matrix Atom Sharing in Attention), a novel structured parameter sharing method.")
    assert ("Drop And REscale", "DARE") in pairs(nlp, "We introduce DARE (Drop And REscale) as a tool.")
    # a citation, a year or a description after a name is no definition
    assert pairs(nlp, "We use BERT (Devlin et al.) and GPT-4 (OpenAI, 2023).") == []
    assert pairs(nlp, "We compare with GPT (a strong baseline model).") == []
    assert pairs(nlp, "It matches ViT (the vision transformer).") == []
