"""Tests of kgbuild.extract: grouping entity spans into Entity records, evidence, streaming.

Texts are real seed papers (1-381 only) or small hand-made ones.
"""
from __future__ import annotations

import pytest

from kgbuild.errors import ExtractError
from kgbuild.extract import doc_to_extraction, extract_papers
from kgbuild.nlp import build_nlp
from kgbuild.normalize import match_key
from kgbuild.records import Paper

RASAT = Paper(
    id="seed-0001",
    title="RASAT: Integrating Relational Structures into Pretrained Seq2Seq Model for Text-to-SQL",
    abstract=(
        "Relational structures such as schema linking and schema encoding have been validated as a key component "
        "to qualitatively translating natural language into SQL queries. However, introducing these structural "
        "relations comes with prices: they often result in a specialized model structure, which largely prohibits "
        "using large pretrained models in text-to-SQL. To address this problem, we propose RASAT: a Transformer "
        "seq2seq architecture augmented with relation-aware self-attention that could leverage a variety of "
        "relational structures while inheriting the pretrained parameters from the T5 model effectively. Our model "
        "can incorporate almost all types of existing relations in the literature, and in addition, we propose "
        "introducing co-reference relations for the multi-turn scenario. Experimental results on three widely used "
        "text-to-SQL datasets, covering both single-turn and multi-turn scenarios, have shown that RASAT could "
        "achieve state-of-the-art results across all three benchmarks (75.5% EX on Spider, 52.6% IEX on SParC, and "
        "37.4% IEX on CoSQL)."),
)


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def extract(nlp, paper):
    return doc_to_extraction(nlp(paper.text), paper)


def test_rasat_end_to_end(nlp):
    ext = extract(nlp, RASAT)
    got = {(e.type, e.name) for e in ext.entities}
    assert {("Method", "RASAT"), ("Model", "T5"), ("Dataset", "Spider"), ("Dataset", "SParC"),
            ("Dataset", "CoSQL"), ("Task", "text-to-SQL"), ("Metric", "EX"), ("Metric", "IEX")} <= got
    # one entity per thing: RASAT (title + 2 mentions), text-to-SQL (title + 2 mentions)
    assert len({match_key(e.name) for e in ext.entities}) == len(ext.entities)
    rasat = next(e for e in ext.entities if e.name == "RASAT")
    assert len(rasat.mentions) == 3
    task = next(e for e in ext.entities if e.name == "text-to-SQL")
    assert task.aliases == []  # "Text-to-SQL" differs only in case
    # no generic phrases
    assert not {"our model", "large pretrained models", "Our model"} & {e.name for e in ext.entities}


def test_evidence_points_into_paper_text(nlp):
    ext = extract(nlp, RASAT)
    for e in ext.entities:
        for m in e.mentions:
            ev = m.evidence
            assert RASAT.text[ev.start:ev.end] == m.text
            assert m.text in ev.sentence and ev.sentence in RASAT.text
            assert ev.rule.split(":")[0] in {"lexicon", "pattern", "context"}
    first = ext.entities[0]
    assert first.name == "RASAT" and first.mentions[0].evidence.rule == "pattern:title-prefix"
    assert first.mentions[0].evidence.start == 0


def test_first_mention_order(nlp):
    ext = extract(nlp, RASAT)
    starts = [e.mentions[0].evidence.start for e in ext.entities]
    assert starts == sorted(starts)


def test_acronym_long_form_becomes_alias(nlp):
    paper = Paper(id="t1", title="A study", abstract=(
        "We propose a lightweight fast Illumination Adaptive Transformer (IAT) to restore images. "
        "IAT runs in real time."))
    ext = extract(nlp, paper)
    (iat,) = [e for e in ext.entities if e.name == "IAT"]
    assert iat.type == "Method" and iat.aliases == ["Illumination Adaptive Transformer"]
    assert [m.text for m in iat.mentions] == ["Illumination Adaptive Transformer", "IAT", "IAT"]


def test_lexicon_canonical_name_and_written_aliases(nlp):
    paper = Paper(id="t2", title="Adapting with LoRA", abstract=(
        "Low-Rank Adaptation (LoRA) freezes the weights. We compare LoRA with full fine-tuning."))
    ext = extract(nlp, paper)
    lora = next(e for e in ext.entities if e.name == "LoRA")
    assert lora.type == "Method" and lora.aliases == ["Low-Rank Adaptation"]
    assert ("Method", "full fine-tuning") in {(e.type, e.name) for e in ext.entities}


def test_name_is_a_form_written_in_the_text(nlp):
    # the lexicon's canonical "parameter-efficient fine-tuning" is not written; "PEFT" is
    paper = Paper(id="t3", title="On PEFT", abstract="PEFT methods train few parameters.")
    (peft,) = extract(nlp, paper).entities
    assert peft.name == "PEFT"


def test_size_lists_name_one_checkpoint_each(nlp):
    # seed-0034
    paper = Paper(id="t4", title="PMSS", abstract=(
        "It helps on DROP benchmark(+3.4%/+5.9% on LLaMA2-7B/13B) and math reasoning."))
    got = [(e.type, e.name) for e in extract(nlp, paper).entities]
    assert ("Model", "LLaMA2-7B") in got and ("Model", "LLaMA2-13B") in got
    assert ("Dataset", "DROP") in got and ("Task", "math reasoning") in got


def test_mismatched_doc_is_an_error(nlp):
    with pytest.raises(ExtractError):
        doc_to_extraction(nlp("other text"), RASAT)


def test_extract_papers_streams_in_order(nlp):
    papers = [RASAT, Paper(id="t5", title="Nothing here", abstract="We study things."),
              Paper(id="t6", title="BERT", abstract="We fine-tune BERT on GLUE.")]
    out = list(extract_papers(papers, nlp=nlp, batch_size=2))
    assert [x.paper_id for x in out] == ["seed-0001", "t5", "t6"]
    assert out[1].entities == []
    assert {(e.type, e.name) for e in out[2].entities} == {("Model", "BERT"), ("Dataset", "GLUE")}
    schema = out[2].to_schema()
    assert schema["paper_id"] == "t6" and {"type": "Dataset", "name": "GLUE", "aliases": []} in schema["entities"]


def test_extract_papers_is_deterministic(nlp):
    a = [x.to_dict() for x in extract_papers([RASAT], nlp=nlp)]
    b = [x.to_dict() for x in extract_papers([RASAT], nlp=nlp)]
    assert a == b


def test_defined_acronym_is_the_name(nlp):
    # seed-0056: "Graph Neural Networks (GNNs)" - the paper's acronym is the standard name here
    paper = Paper(id="t7", title="Graph Language Models", abstract=(
        "Approaches use Graph Neural Networks (GNNs) to preserve structure, unlike GNN-based baselines."))
    (gnn,) = [e for e in extract(nlp, paper).entities if e.type == "Method"]
    assert gnn.name == "GNNs" and "Graph Neural Networks" in gnn.aliases


def test_own_variant_of_a_known_technique_is_a_new_entity(nlp):
    # seed-0035
    paper = Paper(id="t8", title="TPTT", abstract=(
        "TPTT employs techniques such as Memory as Gate (MaG) and mixed linearized attention (LiZA)."))
    got = {(e.type, e.name) for e in extract(nlp, paper).entities}
    assert {("Method", "LiZA"), ("Method", "linearized attention"), ("Method", "MaG")} <= got


def test_a_proposed_name_no_entity_rule_found_becomes_a_method_entity(nlp):
    # the proposal's shape ("introduces Long Form (ACRONYM)") names the method; the entity rules
    # alone do not find SegKC, so the extraction adds it, with its long form and every mention
    paper = Paper(id="p-segkc", title="Semi-supervised semantic segmentation",
                  abstract="This work revisits Cross Pseudo Supervision with dual heterogeneous backbones and "
                           "introduces Knowledge Consultation (SegKC) to further enhance segmentation performance. "
                           "SegKC reaches a new state of the art.")
    ext = extract(nlp, paper)
    assert [p.name for p in ext.proposes] == ["SegKC"]
    assert ext.proposes[0].evidence.decisions == ("cue:this-paper-proposes", "propose:long-form-acronym")
    ent = next(e for e in ext.entities if e.name == "SegKC")
    assert ent.type == "Method" and ent.aliases == ["Knowledge Consultation"]
    assert len(ent.mentions) == 2
    for m in ent.mentions:
        assert paper.text[m.evidence.start:m.evidence.end] == "SegKC"
        assert m.text == "SegKC" and m.evidence.rule == "propose:long-form-acronym"
        assert "SegKC" in m.evidence.sentence


def test_a_dataset_introduced_with_an_acronym_is_not_proposed(nlp):
    paper = Paper(id="p-inx", title="Robustness benchmarks",
                  abstract="We introduce a new benchmark, Robust Vision Evaluation (RoVE), for robustness evaluation.")
    ext = extract(nlp, paper)
    assert ext.proposes == []  # (its entity type comes from the entity rules, not from here)
