"""Corpus-level entity resolution: one node per real thing, with a reason for every merge.

Extraction works one abstract at a time, so the same thing arrives under many names ("full
fine-tuning", "full-parameter fine-tuning", "FFT"; "GLUE", "the GLUE benchmark"). The graph needs
one node per real thing, and an analyst needs to see *why* two names became one node and to
correct it. This module runs between ``extract`` and ``rows`` in two passes, so memory grows with
the number of distinct names and never with the corpus (the pipeline spills extractions to disk)::

    b = ResolutionBuilder(overrides)       # no I/O
    for ex in extractions: b.learn(ex)     # pass 1: names, type votes, acronym definitions, aliases
    res = b.build()                        # evidence graph -> clusters -> canonical names, links
    for ex in extractions: res.apply(ex)   # pass 2: a copy carrying canonical names (pure)

The package, one module per step: ``names`` (normalisation: keys, acronyms, variants, sizes),
``overrides`` (the user's ``resolution.json``), ``data`` (the curated lexicons), ``evidence``
(``NameStats``: the mergeable pass-1 statistics), ``cluster`` (``build_resolution``: the algorithm
below), ``resolution`` (the frozen ``Resolution``: apply, entities, links, explain, save).

Incremental builds: a build saves its resolution next to the graph (``Resolution.save``). The
next build of new papers starts from it (``ResolutionBuilder.extend``): the saved statistics, so
an acronym defined in an old paper resolves a mention in a new one; every existing entity kept
whole under its canonical name and type; merges of two existing entities that the new papers
would make refused and reported (``Resolution.deferred``). Papers already learnt count once.

How clusters are built
----------------------
Nodes of the evidence graph are ``(type, key)`` pairs, ``key`` = ``match_key`` of the name after
TeX/Unicode clean-up (``clean_name``): names that differ only in case, hyphens, spaces or TeX
leftovers ("PanGu-$\\alpha$" == "PanGu-α") share a node. Edges are "same as" links, each with a
reason and a strength:

===== ==================================================================================
 100  forced merge from the user's overrides file (``resolution.json``)
  90  curated: ``data/resolution/aliases.jsonl``, ``suites.jsonl``, ``families.jsonl``
  80  same key seen under two entity types (only when the spellings agree, see below)
  70  acronym defined in the corpus ("Low-Rank Adaptation (LoRA)") - majority meaning only
  60  leading article dropped ("the GLUE benchmark" -> "GLUE benchmark") or a leading function
      word an extraction span kept ("as speech recognition"); British/American spelling
      ("language modelling" -> "language modeling")
  50  alias given for one entity of one paper
  45  generic head dropped ("GLUE benchmark" -> "GLUE", "adapter modules" -> "adapter(s)",
      "pruning techniques" -> "pruning") when the rest is a known name
  40  plural form ("networks" -> "network", "LLMs" -> "LLM"), participle form ("continued
      pretrained" -> "continued pretraining") when that form is a known name
===== ==================================================================================

Clusters are the connected components of the accepted edges. Edges are added strongest first
(Kruskal-style) and an edge is refused when it would put two *known distinct* names in one
component, which is the same as cutting the weakest edges of a component holding such a pair.
Known distinct: a forced split; two names of one ``distinct.jsonl`` group (GLUE / SuperGLUE /
CodeXGLUE, BERT / RoBERTa, LoRA / QLoRA / DoRA ...); two different curated entries; for weak edges
also a model and its own size variant (T5 / T5-base, T5-base / T5-large) and names that differ
only in their digits (GPT-3 / GPT-3.5 / GPT-4, LLaMA / LLaMA-2, SST / SST-2). Edges weaker than 80
never touch a generic word (``generic.jsonl``: "fine-tuning", "adapter", "LLMs" ...), so nothing
chains through one - except *morphological* edges (article, function word, plural, participle,
spelling, and the "packaging" heads module(s)/layer(s)/method(s)/technique(s)/approach(es)/
mechanism(s)): they join forms of the same word ("adapters", "adapter modules" -> "adapter";
"LLMs" -> "LLM"), and every name so joined to a generic word counts as generic itself, so its
per-paper aliases and acronym definitions are dropped too. Other heads never reach a generic word
("LLM framework" is not an LLM). Likewise a generic acronym joins only a generic long form
("LLMs" = "large language models") and a specific acronym never a generic one. Forced merges
ignore every guard except forced splits.

Decisions worth knowing
-----------------------
* Types: weak edges only join nodes of one type. The same key under two types is merged when the
  spellings agree case-sensitively (or both are plain lower-case words) and the two do not carry
  different acronym definitions: "GLUE" typed Task once and Dataset fifty times becomes one
  Dataset node, but "COLA" (Chain of LoRA, a Method) stays apart from "CoLA" (the GLUE task) and
  "SAM" (sharpness-aware minimisation) apart from "SAM" (Segment Anything Model). A merged
  cluster takes the majority type (a curated type counts as two votes).
* Acronyms: an acronym whose long forms, across the corpus, fall into different clusters ("SFT" =
  supervised / sparse fine-tuning) links only to the strict majority meaning (or the curated one);
  with no majority it stays its own node. Either way a paper that defines it locally keeps its own
  meaning: ``apply`` sends an entity named "SFT" with alias "sparse fine-tuning" to the
  sparse-fine-tuning node.
* Plurals: only the last word: a lower-case word ("networks", "strategies", "approaches",
  "indices"; never "class", "loss", "bias", "analysis", "corpus", "robotics", "series"), the last
  word of a multi-word Title-case phrase ("Graph Neural Networks"), or an acronym-like token with a
  lower-case "s" ("LLMs", "ViTs"; never "MOS", "GPS" or the one-word coined "Transformers"); and
  only when the singular is itself a known name of the same type. A stripped head may meet the
  plural ("adapter modules" -> "adapters"). Participles likewise ("fine-tuned" -> "fine-tuning").
* Curated synonyms (``aliases.jsonl``) hold well-known pairs: acronym and long form (MLM, CPT,
  GNN, PSNR ...) and synonyms used interchangeably (PETL = PEFT; continued = continual
  pre-training; ChatGPT = GPT-3.5-Turbo). Look-alikes that differ stay in ``distinct.jsonl``:
  prompting / prompt engineering / prompt tuning, CPT / DAPT / SFT, MT / NMT, MSE / RMSE / MAE.
* Canonical name: the forced canonical name, else the curated name, else - for every type but
  Task - an acronym defined in the corpus ("LoRA" over "Low-Rank Adaptation", "EX" over
  "execution accuracy"), else the most frequent spelling of the most mentioned node (spellings
  with a leading article or a strippable head/plural lose; "Fine-tuning" at a sentence start
  counts for "fine-tuning"). Tasks prefer their long form ("aspect-based sentiment analysis").
* Families and suites are links, never merges: "T5-large" -[VARIANT_OF]-> "T5", "Flan-T5-XXL (11B)"
  -> "Flan-T5" -> "T5" (Flan-T5 is instruction-tuned T5 checkpoints, its own family); "MNLI"
  -[PART_OF]-> "GLUE", "RTE" -> GLUE and SuperGLUE. A curated parent that no paper mentions is
  still created (``papers`` = 0) so that the link has an end.
* ``CanonicalEntity.papers``: before pass 2 it is the pass-1 count, an upper bound (a paper that
  names one thing under two spellings counts twice); once ``apply`` has seen every learnt paper it
  is exact. Curated aliases no paper uses are still listed in ``aliases`` so queries find them.

Outputs: ``entities()``, ``links()`` (label of both ends: ``link_label``), ``canonical()``,
``explain()`` (merges, then refused merges as "not merged: ..."), ``entity_table()`` for
``kgbuild entities``; ``schema_to_extraction`` feeds gold records in (``benchmarks/resolution.py``).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from ..errors import ResolveError
from ..normalize import search_key
from ..records import Comparison, Entity, Extraction, Proposal, Result
from .cluster import build_resolution
from .data import DATA_DIR, ResolutionData, load_data
from .evidence import NameStats, NodeId
from .names import (
    acronym_fits, clean_name, is_acronym, is_morphological, name_key, parse_variant, variant_forms,
)
from .overrides import ForcedMerge, Overrides, load_overrides, overrides_from_dict
from .resolution import Resolution, SavedState


class ResolutionBuilder:
    """Collects pass-1 statistics and builds a ``Resolution``. The constructor does no I/O.

    ``learn`` each extraction (or ``merge`` the statistics of other partitions), then ``build``.
    ``extend(saved)`` first, to continue the resolution saved with an existing graph.
    """

    def __init__(self, overrides: Overrides | str | Path | None = None, *, data_dir: str | Path | None = None):
        self.overrides = overrides
        self.data_dir = str(data_dir) if data_dir else None
        self.stats = NameStats()
        self.base: SavedState | None = None

    def learn(self, extraction: Extraction) -> bool:
        """Pass 1 for one paper; False when the paper was learnt already (see ``NameStats.learn``)."""
        return self.stats.learn(extraction)

    def merge(self, stats: NameStats) -> "ResolutionBuilder":
        """Add the statistics of another part of the corpus (learnt elsewhere, e.g. a Dask task)."""
        self.stats.merge(stats)
        return self

    def extend(self, saved: SavedState | str | Path) -> "ResolutionBuilder":
        """Continue a saved resolution: its statistics, and its entities kept as they are."""
        if self.stats.papers:
            raise ResolveError("ResolutionBuilder.extend() must come before any learn() or merge()")
        base = saved if isinstance(saved, SavedState) else SavedState.read(saved)
        self.base = base
        self.stats = base.stats.copy()
        return self

    def build(self) -> Resolution:
        """Cluster what was learnt into canonical entities (raises ``ResolveError`` on bad data)."""
        ov = self.overrides
        overrides = load_overrides(ov) if isinstance(ov, (str, Path)) else (ov or Overrides())
        return build_resolution(self.stats, overrides=overrides, data=load_data(self.data_dir), base=self.base)


def load_resolution(path: str | Path, *, overrides: Overrides | str | Path | None = None,
                    data_dir: str | Path | None = None) -> Resolution:
    """A saved resolution as a ``Resolution`` (rebuilt from its statistics, its entities kept)."""
    return ResolutionBuilder(overrides, data_dir=data_dir).extend(path).build()


def resolve(extractions: Iterable[Extraction], *, overrides: Overrides | str | Path | None = None,
            ) -> tuple[list[Extraction], Resolution]:
    """In-memory two passes (tests, notebooks); the pipeline streams the same calls from disk.

    The returned resolution carries exact paper counts.
    """
    items = list(extractions)
    b = ResolutionBuilder(overrides)
    for ex in items:
        b.learn(ex)
    res = b.build()
    out = [res.apply(ex) for ex in items]
    return out, res.with_paper_counts(res.count_papers(out))


def entity_table(resolver: Resolution, type: str | None = None, search: str | None = None) -> list[dict[str, Any]]:
    """Rows for ``kgbuild entities``: name, type, aliases, papers, reasons (one per merge), links.

    ``type`` is case-insensitive; ``search`` matches any name or alias by ``search_key`` substring,
    the way graph queries match names.
    """
    wanted = type.lower() if type else None
    needle = search_key(search) if search else None
    by_source: dict[str, list[str]] = defaultdict(list)
    for link in resolver.links():
        by_source[link.source].append(f"{link.kind} {link.target}")
    rows: list[dict[str, Any]] = []
    for e in resolver.entities():
        if wanted and e.type.lower() != wanted:
            continue
        if needle and not any(needle in search_key(n) for n in [e.name, *e.aliases]):
            continue
        rows.append({"name": e.name, "type": e.type, "key": e.key, "aliases": list(e.aliases),
                     "papers": e.papers, "reasons": [f"{m.alias}: {m.reason}" for m in e.merges],
                     "links": by_source.get(e.key, [])})
    return rows


def schema_to_extraction(record: dict[str, Any], *, rule: str = "gold") -> Extraction:
    """An ``Extraction`` from an EXTRACTION-SCHEMA.md record (gold files, golden fixtures).

    Lets resolution be measured on gold entities alone, without running extraction; evidence is
    empty (offsets 0) because schema records carry none.
    """
    from ..records import Evidence, Paper

    ev = Evidence(sentence="", start=0, end=0, rule=rule)
    paper = Paper(id=record["paper_id"], title=record.get("title", ""), abstract=record.get("abstract", ""))
    return Extraction(
        paper=paper,
        entities=[Entity(type=e["type"], name=e["name"], aliases=list(e.get("aliases", [])))
                  for e in record.get("entities", [])],
        proposes=[Proposal(name=p, evidence=ev) for p in record.get("proposes", [])],
        results=[Result(subject=r.get("subject"), dataset=r.get("dataset"), metric=r.get("metric"),
                        value=float(r["value"]), unit=r.get("unit"), evidence=ev)
                 for r in record.get("results", [])],
        comparisons=[Comparison(subject=c["subject"], relation=c["relation"], object=c["object"],
                                dataset=c.get("dataset"), evidence=ev) for c in record.get("comparisons", [])],
    )


__all__ = [
    "DATA_DIR", "ForcedMerge", "NameStats", "NodeId", "Overrides", "Resolution", "ResolutionBuilder",
    "ResolutionData", "SavedState", "acronym_fits", "clean_name", "entity_table", "is_acronym",
    "is_morphological", "load_data", "load_overrides", "load_resolution", "name_key", "overrides_from_dict",
    "parse_variant", "resolve", "schema_to_extraction", "variant_forms",
]
