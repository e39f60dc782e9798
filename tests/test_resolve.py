"""Tests for kgbuild.resolve: the golden fixture corpus (over-merge traps), overrides, units.

Golden files: ``tests/fixtures/resolve/expected.json`` pins the clusters, links and resolved
records of ``corpus.jsonl`` resolved with ``resolution.json``. Regenerate after a deliberate change
with ``KGBUILD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_resolve.py`` and review the diff.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from kgbuild.errors import ResolveError
from kgbuild.normalize import match_key
from kgbuild.records import Entity, Evidence, Extraction, Mention, Paper, Proposal
from kgbuild.resolve import (
    Overrides, ForcedMerge, Resolution, ResolutionBuilder, acronym_fits, clean_name, entity_table, is_acronym,
    load_overrides, parse_variant, resolve, schema_to_extraction, variant_forms,
)

FIX = Path(__file__).parent / "fixtures" / "resolve"
REPO = Path(__file__).parent.parent


def _corpus() -> list[Extraction]:
    return [schema_to_extraction(json.loads(line)) for line in (FIX / "corpus.jsonl").read_text().splitlines() if line]


def _resolved():
    return resolve(_corpus(), overrides=load_overrides(FIX / "resolution.json"))


def _snapshot(out: list[Extraction], r: Resolution) -> dict:
    corpus_names: set[str] = set()
    for ex in _corpus():
        for e in ex.entities:
            corpus_names.update([clean_name(e.name), *(clean_name(a) for a in e.aliases)])
    clusters = []
    for e in r.entities():
        members = sorted({e.name, *e.aliases} & corpus_names)
        clusters.append({"type": e.type, "key": e.key, "name": e.name, "members": members, "papers": e.papers})
    return {
        "clusters": clusters,
        "links": [[l.kind, l.source, l.target] for l in r.links()],
        "records": [ex.to_schema() for ex in out],
    }


def test_golden_fixture_clusters_links_and_records():
    out, r = _resolved()
    got = _snapshot(out, r)
    path = FIX / "expected.json"
    if os.environ.get("KGBUILD_UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got["clusters"] == want["clusters"]
    assert got["links"] == want["links"]
    assert got["records"] == want["records"]


def _cluster_of(r: Resolution, etype: str, name: str) -> str | None:
    c = r.canonical(etype, name)
    return c.name if c else None


def test_full_fine_tuning_spellings_are_one_node():
    _, r = _resolved()
    names = ["full fine-tuning", "full finetuning", "full-parameter fine-tuning", "FFT", "fine-tuning all parameters"]
    assert {_cluster_of(r, "Method", n) for n in names} == {"full fine-tuning"}
    node = r.canonical("Method", "FFT")
    assert node is not None and node.papers == 4


def test_glue_superglue_codexglue_stay_apart():
    _, r = _resolved()
    assert _cluster_of(r, "Dataset", "the GLUE benchmark") == "GLUE"
    assert _cluster_of(r, "Dataset", "SuperGLUE benchmark") == "SuperGLUE"
    assert _cluster_of(r, "Dataset", "CodeXGLUE") == "CodeXGLUE"
    assert len({_cluster_of(r, "Dataset", n) for n in ("GLUE", "SuperGLUE", "CodeXGLUE")}) == 3


def test_bert_roberta_distilbert_and_gpt_versions_stay_apart():
    _, r = _resolved()
    assert len({_cluster_of(r, "Model", n) for n in ("BERT", "RoBERTa", "DistilBERT")}) == 3
    assert _cluster_of(r, "Model", "GPT-3.5") != _cluster_of(r, "Model", "GPT-4")
    assert _cluster_of(r, "Model", "LLaMA") != _cluster_of(r, "Model", "LLaMA-2 7B")


def test_t5_sizes_are_variants_not_merges():
    _, r = _resolved()
    links = {(l.kind, l.source, l.target) for l in r.links()}
    assert ("VARIANT_OF", "t5base", "t5") in links
    assert ("VARIANT_OF", "t5large", "t5") in links
    assert ("VARIANT_OF", "flant5xxl11b", "flant5") in links
    assert ("VARIANT_OF", "flant5", "t5") in links
    assert ("VARIANT_OF", "llama27b", "llama2") in links
    assert _cluster_of(r, "Model", "T5-base") == "T5-base"
    flan = r.canonical("Model", "Flan-T5")
    assert flan is not None and flan.papers == 0  # created so the link has an end


def test_suite_tasks_part_of_their_suites():
    _, r = _resolved()
    links = {(l.kind, l.source, l.target) for l in r.links()}
    assert ("PART_OF", "mnli", "glue") in links
    assert ("PART_OF", "boolq", "superglue") in links
    assert all(r.link_label(l) == "Dataset" for l in r.links() if l.kind == "PART_OF")


def test_acronym_defined_in_one_paper_resolves_long_form_in_another():
    out, r = _resolved()
    # SODA is in no lexicon: only the definition in fix-01 can link the bare long form in fix-02
    assert _cluster_of(r, "Method", "spectral orthogonal decomposition adaptation") == "SODA"
    assert any("acronym defined in fix-01" in m.reason for m in r.explain("SODA"))
    assert out[1].entities[0].name == "LoRA"  # bare "low-rank adaptation"
    assert out[1].comparisons[0].subject == "LoRA"


def test_conflicting_acronym_keeps_majority_and_local_meaning():
    out, r = _resolved()
    assert _cluster_of(r, "Method", "SFT") == "SFT"
    assert _cluster_of(r, "Method", "sparse fine-tuning") == "sparse fine-tuning"
    fix07 = out[6]
    assert fix07.entities[0].name == "sparse fine-tuning" and fix07.entities[0].aliases == ["SFT"]
    assert [p.name for p in fix07.proposes] == ["sparse fine-tuning"]


def test_chain_of_lora_cola_does_not_swallow_glue_task_cola():
    out, r = _resolved()
    assert r.canonical("Method", "COLA").type == "Method"
    assert r.canonical("Dataset", "CoLA").type == "Dataset"
    cmp_ = out[7].comparisons[0]
    assert (cmp_.subject, cmp_.object, cmp_.dataset) == ("COLA", "LoRA", "CoLA")


def test_forced_merge_and_forced_split_from_overrides_file():
    out, r = _resolved()
    assert _cluster_of(r, "Method", "MUSE-Net") == "MUSE"
    assert any(m.reason == "forced merge (resolution.json)" for m in r.canonical("Method", "MUSE").merges)
    assert _cluster_of(r, "Method", "soft prompting") != _cluster_of(r, "Method", "prompt tuning")
    assert any(m.reason.startswith("not merged: forced split") for m in r.explain("soft prompting"))
    # the paper's alias is dropped from the entity it was split from
    assert out[7].entities[2].name == "prompt tuning" and out[7].entities[2].aliases == []
    # without the overrides file, the per-paper alias merges them
    _, plain = resolve(_corpus())
    assert _cluster_of(plain, "Method", "soft prompting") == _cluster_of(plain, "Method", "prompt tuning")
    assert _cluster_of(plain, "Method", "MUSE-Net") == "MUSE-Net"


def test_tex_and_unicode_leftovers_share_a_node():
    _, r = _resolved()
    assert _cluster_of(r, "Model", "PanGu-$\\alpha$") == "PanGu-α"
    assert clean_name("PanGu-$α$") == "PanGu-α"
    assert clean_name("ﬁne-tuning") == "fine-tuning"


def test_type_votes_merge_same_name_across_types():
    out, r = _resolved()
    assert r.canonical("Task", "GLUE").type == "Dataset"
    fix04 = out[3]
    assert [e.type for e in fix04.entities if e.name == "GLUE"] == ["Dataset"]


def test_generic_words_merge_with_their_own_forms_but_chain_nothing():
    """"adapters" and "adapter" are one thing (fix-10); a paper aliasing "adapters" to its own
    method must still not pull that method into every adapter of the corpus."""
    _, r = _resolved()
    assert _cluster_of(r, "Method", "adapters") == _cluster_of(r, "Method", "adapter") == "adapter"
    exs = [_paper("a", ("Method", "adapters", ["FooNet"])), _paper("b", ("Method", "adapter")),
           _paper("c", ("Method", "adapter modules", ["BarNet"])), _paper("d", ("Method", "LLMs", ["BazLM"]))]
    _, r = resolve(exs)
    assert {_cluster_of(r, "Method", n) for n in ("adapters", "adapter", "adapter modules")} == {"adapter"}
    assert _cluster_of(r, "Method", "FooNet") == "FooNet" and _cluster_of(r, "Method", "BarNet") == "BarNet"
    assert _cluster_of(r, "Method", "BazLM") == "BazLM"


def _paper(pid: str, *ents: tuple) -> Extraction:
    return Extraction(Paper(pid, "t", "x"), entities=[Entity(e[0], e[1], list(e[2]) if len(e) > 2 else [])
                                                      for e in ents])


def _same(etype: str, a: str, b: str) -> bool:
    """Do names ``a`` (paper p1) and ``b`` (paper p2) resolve to one node?"""
    out, _ = resolve([_paper("p1", (etype, a)), _paper("p2", (etype, b))])
    return out[0].entities[0].name == out[1].entities[0].name


def test_regression_plural_and_singular_across_papers_are_one_node():
    """held-back categories 1: "convolutional neural networks" vs "... network", "adapters" vs
    "adapter", title-cased phrases, acronym plurals of generic words."""
    assert _same("Method", "convolutional neural networks", "convolutional neural network")
    assert _same("Method", "Graph Attention Networks", "graph attention network")
    assert _same("Method", "adapters", "adapter")
    assert _same("Model", "LLMs", "LLM")
    assert _same("Method", "prompting strategies", "prompting strategy")
    assert not _same("Model", "Transformers", "Transformer")  # one-word coined name (a library)
    assert not _same("Metric", "GPS", "GP")


def test_singular_leaves_non_plurals_alone():
    def plural(name: str) -> str | None:
        return next((f for f, why, _ in variant_forms(name) if why == "plural form"), None)

    for word in ("class", "loss", "bias", "process", "analysis", "gas", "corpus", "robotics", "statistics",
                 "series", "k-means", "MOS", "Transformers", "focal loss", "attention bias"):
        assert plural(word) is None, word
    assert plural("strategies") == "strategy" and plural("approaches") == "approach"
    assert plural("indices") == "index" and plural("ViTs") == "ViT" and plural("metrics") == "metric"
    assert plural("Graph Neural Networks") == "Graph Neural Network" and plural("ResNets") == "ResNet"
    assert plural("Matrices") is None and plural("Sparse Matrices") == "Sparse Matrix"


def test_regression_generic_head_dropped_adapter_modules_vs_adapters():
    """held-back category 2: "adapter modules" / "adapters", "X techniques" / "X"."""
    assert _same("Method", "adapter modules", "adapters")
    assert _same("Method", "pruning techniques", "pruning")
    assert _same("Method", "LoRA modules", "LoRA")
    assert _same("Method", "the attention mechanism", "attention")
    # heads that change a generic word's meaning never link to it
    assert not _same("Method", "LLM framework", "LLM")
    assert not _same("Dataset", "evaluation benchmark", "evaluation")


def test_regression_participle_and_gerund_are_one_method():
    """held-back category 4: "continued pretrained" vs "continued pretraining"."""
    assert _same("Method", "continued pretrained", "continued pretraining")
    assert _same("Method", "fine-tuned", "fine-tuning")
    assert not any(why == "participle form" for _, why, _ in variant_forms("speed"))
    assert not any(why == "participle form" for _, why, _ in variant_forms("Pre-Trained"))


def test_regression_curated_synonyms_petl_peft_mlm_cpt():
    """held-back category 3: well-known acronym / long-form and synonym pairs."""
    assert _same("Method", "PETL", "parameter-efficient fine-tuning")
    assert _same("Method", "parameter-efficient transfer learning", "PEFT")
    assert _same("Method", "MLM", "masked language modelling")
    assert _same("Method", "CPT", "continual pre-training")
    assert _same("Method", "continued pretraining", "continual pre-training")
    assert _same("Method", "GNNs", "graph neural networks")
    assert _same("Metric", "PSNR", "peak signal-to-noise ratio")
    # documented as distinct: using prompts at all vs hand-designing them, even if a paper aliases them
    out, r = resolve([_paper("p1", ("Method", "prompting", ["prompt engineering"])),
                      _paper("p2", ("Method", "prompt engineering"))])
    assert r.canonical("Method", "prompting").name != r.canonical("Method", "prompt engineering").name
    # a paper defining CPT otherwise keeps its own meaning
    out, _ = resolve([_paper("p1", ("Method", "CPT", ["contrastive prompt tuning"])),
                      _paper("p2", ("Method", "continued pre-training"))])
    assert out[0].entities[0].name != out[1].entities[0].name


def test_apply_merges_entities_of_one_paper_and_unions_aliases_and_mentions():
    ev1, ev2 = Evidence("s", 10, 14, "t"), Evidence("s", 0, 5, "t")
    ex = Extraction(Paper("p1", "t", "a"), entities=[
        Entity("Method", "LoRA", [], [Mention("LoRA", ev1)]),
        Entity("Method", "low-rank adaptation", ["Low Rank Adaptation"], [Mention("low-rank adaptation", ev2)]),
    ], proposes=[Proposal("LoRA", ev1), Proposal("low-rank adaptation", ev2)])
    out, r = resolve([ex])
    (ent,) = out[0].entities
    assert ent.name == "LoRA"
    assert ent.aliases == ["low-rank adaptation", "Low Rank Adaptation"]
    assert [m.evidence.start for m in ent.mentions] == [0, 10]
    assert [p.name for p in out[0].proposes] == ["LoRA"]
    assert ex.entities[0].name == "LoRA" and len(ex.entities) == 2  # input untouched
    assert r.canonical("Method", "LoRA").papers == 1


def test_entity_table_filters_by_type_and_search():
    _, r = _resolved()
    rows = entity_table(r, type="method", search="full-parameter")
    assert [row["name"] for row in rows] == ["full fine-tuning"]
    row = rows[0]
    assert "FFT" in row["aliases"] and row["papers"] == 4
    assert any(reason.startswith("full finetuning: ") for reason in row["reasons"])
    t5 = entity_table(r, search="t5-large")
    assert t5[0]["links"] == ["VARIANT_OF t5"]


def test_unit_helpers():
    assert is_acronym("LoRA") and is_acronym("MoE") and not is_acronym("Wala") and not is_acronym("low rank")
    assert acronym_fits("LoRA", "Low-Rank Adaptation") and acronym_fits("EX", "execution accuracy")
    assert not acronym_fits("SFT", "prompt tuning") and not acronym_fits("LoRA", "LoRA adapters")
    assert ("GLUE", "generic head 'benchmark' dropped", 45) in variant_forms("the GLUE benchmark")
    assert ("LLM", "plural form", 40) in variant_forms("LLMs")
    assert not any(r == "plural form" for _, r, _ in variant_forms("MOS"))
    assert not any(r == "plural form" for _, r, _ in variant_forms("Transformers"))
    assert parse_variant("Flan-T5-XXL (11B)") == ("Flan-T5", "XXL (11B)")
    assert parse_variant("Llama-2-7b-chat-hf")[0] == "Llama-2"
    assert parse_variant("DeBERTa-v3") is None and parse_variant("GPT-3.5") is None


def test_load_overrides_rejects_bad_files(tmp_path):
    bad = tmp_path / "resolution.json"
    bad.write_text('{"merge": [{"names": ["A", "B"]}],\n "split": [["A"]]}')
    with pytest.raises(ResolveError, match=r"resolution.json: split\[0\]"):
        load_overrides(bad)
    bad.write_text('{"merge": [ }')
    with pytest.raises(ResolveError, match="line 1 column 13: invalid JSON"):
        load_overrides(bad)
    bad.write_text('{"merge": [{"names": ["X", "Y"]}], "split": [["x", "y"]]}')
    with pytest.raises(ResolveError, match="both force-merged and force-split"):
        load_overrides(bad)
    bad.write_text('{"merge": [{"names": ["X", "Y"], "type": "Thing"}]}')
    with pytest.raises(ResolveError, match="not one of"):
        load_overrides(bad)
    bad.write_text('{"split": [["Fine-tuning", "finetuning"]]}')
    with pytest.raises(ResolveError, match="same normalised key"):
        load_overrides(bad)
    with pytest.raises(ResolveError, match="cannot read"):
        load_overrides(tmp_path / "missing.json")


def test_example_overrides_file_loads():
    ov = load_overrides(REPO / "resolution.example.json")
    assert ov.merges and ov.splits and ov.source == "resolution.example.json"


def test_builder_returns_a_frozen_resolution_and_learns_each_paper_once():
    import dataclasses

    b = ResolutionBuilder()
    ex = Extraction(Paper("p", "t", "a"), entities=[Entity("Method", "LoRA")])
    assert b.learn(ex) is True
    assert b.learn(ex) is False  # the same paper again counts once
    res = b.build()
    assert isinstance(res, Resolution)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.clusters = ()  # type: ignore[misc]
    assert res.canonical("Method", "LoRA").papers == 1
    res.apply(ex)
    assert res.canonical("Method", "LoRA").papers == 1  # apply is pure


def test_forced_merge_with_type_creates_node_and_overrides_blocklist():
    ex = Extraction(Paper("p", "t", "a"), entities=[Entity("Model", "BERT"), Entity("Model", "RoBERTa")])
    ov = Overrides(merges=(ForcedMerge(("BERT", "RoBERTa"), "BERT-family", "Model"),), source="mine.json")
    out, r = resolve([ex], overrides=ov)
    assert [e.name for e in out[0].entities] == ["BERT-family"]
    assert r.canonical("Model", "RoBERTa").key == match_key("BERT-family")


def test_ten_thousand_abstracts_resolve_in_seconds():
    """Speed and memory shape: 10k synthetic papers over a few thousand distinct names."""
    exs = []
    for i in range(10_000):
        ents = [Entity("Method", f"Method{i % 1500}", [f"method number {i % 1500}"] if i % 7 == 0 else []),
                Entity("Model", f"Model-{i % 300}-base"), Entity("Model", f"Model-{i % 300}"),
                Entity("Dataset", ["GLUE", "the GLUE benchmark", "MNLI", "SuperGLUE"][i % 4]),
                Entity("Metric", "accuracy"), Entity("Method", "full finetuning"),
                Entity("Task", f"task {i % 200}s")]
        exs.append(Extraction(Paper(f"p{i}", "t", "a"), entities=ents))
    t0 = time.perf_counter()
    _, r = resolve(exs)
    elapsed = time.perf_counter() - t0
    assert elapsed < 20, elapsed
    assert r.canonical("Method", "full fine-tuning").papers == 10_000
    assert r.canonical("Dataset", "the GLUE benchmark").papers == 5_000


def test_unknown_entity_type_is_inconsistent_input():
    r = ResolutionBuilder()
    with pytest.raises(ResolveError, match="p9: entity 'X' has unknown type 'Thing'"):
        r.learn(Extraction(Paper("p9", "t", "a"), entities=[Entity("Thing", "X")]))


def test_regression_lexicon_acronym_not_captured_by_a_local_definition():
    """seed-dev: "piecewise power law (PPL)" merged into perplexity, whose lexicon alias is PPL."""
    exs = [Extraction(Paper("a", "t", "x"), entities=[Entity("Metric", "PPL", ["piecewise power law"])]),
           Extraction(Paper("b", "t", "x"), entities=[Entity("Metric", "perplexity")])]
    out, r = resolve(exs)
    assert r.canonical("Metric", "piecewise power law").name == "piecewise power law"
    assert out[0].entities[0].name == "piecewise power law"  # the paper's own meaning
    assert out[1].entities[0].name == "perplexity"


def test_regression_generic_word_seen_only_in_titles_is_lower_cased():
    exs = [Extraction(Paper(f"p{i}", "t", "x"), entities=[Entity("Method", n)])
           for i, n in enumerate(["Fine-Tuning", "Fine-tuning", "Fine-tuning"])]
    _, r = resolve(exs)
    assert r.canonical("Method", "fine tuning").name == "fine-tuning"


def test_regression_cross_type_plural_definitions_do_not_conflict():
    """seed-dev: OPT = "Open Pre-trained Transformers" (Model) / "Open Pretrained Transformer" (Method)."""
    exs = [Extraction(Paper("a", "t", "x"), entities=[Entity("Model", "OPT", ["Open Pre-trained Transformers"])]),
           Extraction(Paper("b", "t", "x"), entities=[Entity("Method", "OPT", ["Open Pretrained Transformer"])]),
           Extraction(Paper("c", "t", "x"), entities=[Entity("Model", "OPT")])]
    _, r = resolve(exs)
    assert r.canonical("Method", "OPT") == r.canonical("Model", "OPT")
    assert r.canonical("Method", "OPT").type == "Model"


def test_blocked_alias_pairs_are_explained_not_merged():
    exs = [Extraction(Paper("a", "t", "x"), entities=[Entity("Dataset", "GLUE", ["SuperGLUE"]),
                                                    Entity("Model", "GPT-3", ["GPT-3.5"]),
                                                    Entity("Model", "T5", ["T5-base"])])]
    out, r = resolve(exs)
    assert r.canonical("Dataset", "SuperGLUE").name == "SuperGLUE"
    assert r.canonical("Model", "GPT-3.5").name == "GPT-3.5"
    assert r.canonical("Model", "T5-base").name == "T5-base"
    reasons = [m.reason for m in r.explain("GLUE")]
    assert "not merged: known distinct (distinct.jsonl) [alias in a]" in reasons
    assert out[0].entities[0].aliases == []  # the wrong alias does not travel into the graph


def test_papers_count_is_pass_one_estimate_until_counts_are_given():
    exs = [Extraction(Paper("a", "t", "x"), entities=[Entity("Dataset", "GLUE"), Entity("Dataset", "the GLUE benchmark")]),
           Extraction(Paper("b", "t", "x"), entities=[Entity("Dataset", "GLUE")])]
    b = ResolutionBuilder()
    for ex in exs:
        b.learn(ex)
    r = b.build()
    assert r.canonical("Dataset", "GLUE").papers == 3  # upper bound: paper a named it twice
    exact = r.with_paper_counts(r.count_papers([r.apply(ex) for ex in exs]))
    assert exact.canonical("Dataset", "GLUE").papers == 2
    assert r.canonical("Dataset", "GLUE").papers == 3  # the original is unchanged


def test_explain_unknown_name_is_empty_and_rename_by_forced_canonical():
    ex = Extraction(Paper("a", "t", "x"), entities=[Entity("Model", "Gemini-2.5 Flash")])
    ov = load_overrides_from_text('{"merge": [{"names": ["Gemini-2.5 Flash"], "canonical": "Gemini 2.5 Flash"}]}')
    out, r = resolve([ex], overrides=ov)
    assert r.explain("no such thing") == []
    assert out[0].entities[0].name == "Gemini 2.5 Flash"


def load_overrides_from_text(text: str) -> Overrides:
    from kgbuild.resolve import overrides_from_dict

    return overrides_from_dict(json.loads(text))


def test_bad_curated_data_file_names_file_and_line(tmp_path):
    import shutil

    from kgbuild.resolve import DATA_DIR

    for f in DATA_DIR.glob("*.jsonl"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "distinct.jsonl").write_text('{"names": ["A", "B"]}\n{"names": [\n', encoding="utf-8")
    r = ResolutionBuilder(data_dir=tmp_path)
    r.learn(Extraction(Paper("a", "t", "x")))
    with pytest.raises(ResolveError, match=r"distinct.jsonl:2: invalid JSON"):
        r.build()


def test_evidence_graph_components_are_the_clusters():
    import networkx as nx

    _, r = _resolved()
    g = r.evidence()
    accepted = nx.Graph((u, v) for u, v, d in g.edges(data=True) if d["accepted"])
    fft = nx.node_connected_component(accepted, ("Method", "fft"))
    assert ("Method", "fullfinetuning") in fft and ("Method", "finetuningallparameters") in fft
    assert any(not d["accepted"] and "forced split" in d["reason"] for _, _, d in g.edges(data=True))


def test_regression_size_list_alias_is_not_an_acronym_definition():
    """seed-0034: both LLaMA2-7B and LLaMA2-13B carried the alias "LLaMA2-7B/13B"; it was taken
    as a definition of "LLaMA2-13B" and pulled LLaMA2-7B into the 13B node."""
    assert not acronym_fits("LLaMA2-13B", "LLaMA2-7B/13B")
    ex = Extraction(Paper("seed-0034", "t", "x"), entities=[
        Entity("Model", "LLaMA2-7B", ["LLaMA2-7B/13B"]), Entity("Model", "LLaMA2-13B", ["LLaMA2-7B/13B"])])
    out, r = resolve([ex])
    assert [e.name for e in out[0].entities] == ["LLaMA2-7B", "LLaMA2-13B"]


def test_generic_acronym_joins_its_generic_long_form_only():
    """"LLMs" = "large language models" is one generic thing; "CLIP, a VLM" never makes CLIP a VLM."""
    out, r = resolve([_paper("a", ("Model", "LLMs", ["large language models"]), ("Model", "CLIP", ["VLM"])),
                      _paper("b", ("Model", "large language model"), ("Model", "BLIP", ["VLM"]),
                             ("Model", "VLMs"))])
    assert _cluster_of(r, "Model", "large language model") == _cluster_of(r, "Model", "LLMs")
    assert {_cluster_of(r, "Model", n) for n in ("CLIP", "BLIP", "VLMs")} == {"CLIP", "BLIP", "VLM"}
    assert out[0].entities[1].aliases == []
