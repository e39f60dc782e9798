"""Corpus-level entity resolution: one node per real thing, with a reason for every merge.

Extraction works one abstract at a time, so the same thing arrives under many names ("full
fine-tuning", "full-parameter fine-tuning", "FFT"; "GLUE", "the GLUE benchmark"). The graph needs
one node per real thing, and an analyst needs to see *why* two names became one node and to
correct it. This module runs between ``extract`` and ``rows`` in two passes, so memory grows with
the number of distinct names and never with the corpus (the pipeline spills extractions to disk)::

    r = Resolver(overrides)            # no I/O
    for ex in extractions: r.learn(ex)   # pass 1: names, type votes, acronym definitions, aliases
    r.finalize()                       # evidence graph -> clusters -> canonical names, links
    for ex in extractions: r.apply(ex)   # pass 2: a copy carrying canonical names

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

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from .errors import ResolveError
from .jsonl import read_jsonl_objects
from .normalize import match_key, search_key
from .records import (
    ENTITY_TYPES, CanonicalEntity, Comparison, Entity, EntityLink, Extraction, MergeReason,
    Mention, Proposal, Result,
)

DATA_DIR = Path(__file__).parent / "data" / "resolution"

NodeId = tuple[str, str]  # (entity type, key)

# Edge strengths (see the module docstring).
FORCED, CURATED, CROSS_TYPE, ACRONYM, ARTICLE, SPELLING, ALIAS, HEAD, PLURAL = 100, 90, 80, 70, 60, 60, 50, 45, 40
_WEAK = CROSS_TYPE  # edges below this obey every guard and never touch a generic word


# --------------------------------------------------------------------------- overrides
@dataclass(frozen=True)
class ForcedMerge:
    """Names the user says are one thing; ``canonical`` and ``type`` optionally fix the node."""

    names: tuple[str, ...]
    canonical: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Overrides:
    """The user-editable corrections (``resolution.json``), applied on the next build."""

    merges: tuple[ForcedMerge, ...] = ()
    splits: tuple[tuple[str, str], ...] = ()
    source: str = "resolution.json"  # file name shown in merge reasons


def load_overrides(path: str | Path) -> Overrides:
    """Read a JSON overrides file (format: ``resolution.example.json``); raise ``ResolveError``.

    ``{"merge": [{"names": [...], "canonical": "...", "type": "Method"}], "split": [["A", "B"]]}``.
    A split of two names with the same normalised key, or a pair both merged and split, is refused
    up front: the build could not honour both.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResolveError(f"{p}: cannot read overrides file ({exc.strerror or exc})",
                           hint="see resolution.example.json for the format") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResolveError(f"{p}: line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})") from exc
    return overrides_from_dict(data, source=p.name, where=str(p))


def overrides_from_dict(data: Any, *, source: str = "resolution.json", where: str | None = None) -> Overrides:
    """Validate the parsed overrides document (``load_overrides`` minus the file reading)."""
    where = where or source

    def bad(reason: str) -> ResolveError:
        return ResolveError(f"{where}: {reason}", hint="see resolution.example.json for the format")

    if not isinstance(data, dict):
        raise bad("the top level must be an object with 'merge' and/or 'split'")
    unknown = sorted(k for k in data if k not in ("merge", "split") and not k.startswith("_")
                     and k != "comment")
    if unknown:
        raise bad(f"unknown key(s) {', '.join(map(repr, unknown))} (expected 'merge', 'split')")
    merges: list[ForcedMerge] = []
    raw_merges = data.get("merge", [])
    if not isinstance(raw_merges, list):
        raise bad("'merge' must be a list")
    for i, m in enumerate(raw_merges):
        if isinstance(m, list):
            m = {"names": m}
        if not isinstance(m, dict):
            raise bad(f"merge[{i}] must be an object with 'names'")
        names = m.get("names")
        if (not isinstance(names, list) or not names
                or not all(isinstance(n, str) and match_key(clean_name(n)) for n in names)):
            raise bad(f"merge[{i}].names must be a list of non-empty names")
        canonical = m.get("canonical")
        if canonical is not None and (not isinstance(canonical, str) or not match_key(clean_name(canonical))):
            raise bad(f"merge[{i}].canonical must be a non-empty name")
        etype = m.get("type")
        if etype is not None and etype not in ENTITY_TYPES:
            raise bad(f"merge[{i}].type {etype!r} is not one of {', '.join(ENTITY_TYPES)}")
        extra = sorted(k for k in m if k not in ("names", "canonical", "type") and not k.startswith("_"))
        if extra:
            raise bad(f"merge[{i}] has unknown key(s) {', '.join(map(repr, extra))}")
        all_names = list(names) + ([canonical] if canonical and canonical not in names else [])
        if len({match_key(clean_name(n)) for n in all_names}) < 2 and not canonical and not etype:
            raise bad(f"merge[{i}] names a single thing: nothing to merge")
        merges.append(ForcedMerge(tuple(all_names), canonical, etype))
    splits: list[tuple[str, str]] = []
    raw_splits = data.get("split", [])
    if not isinstance(raw_splits, list):
        raise bad("'split' must be a list")
    for i, s in enumerate(raw_splits):
        if isinstance(s, dict):
            s = s.get("names")
        if not (isinstance(s, list) and len(s) == 2 and all(isinstance(n, str) and match_key(clean_name(n)) for n in s)):
            raise bad(f"split[{i}] must be a pair of names")
        a, b = s
        if name_key(a) == name_key(b):
            raise bad(f"split[{i}]: {a!r} and {b!r} have the same normalised key and cannot be split")
        splits.append((a, b))
    for a, b in splits:
        for m in merges:
            keys = {name_key(n) for n in m.names}
            if name_key(a) in keys and name_key(b) in keys:
                raise bad(f"{a!r} and {b!r} are both force-merged and force-split")
    return Overrides(tuple(merges), tuple(splits), source)


# --------------------------------------------------------------------------- names
_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "infty": "∞",
}
_TEX_CMD = re.compile(r"\\([A-Za-z]+)\s*")
_TEX_DROP = re.compile(r"\\(?:mathrm|mathbf|mathit|mathcal|text|textbf|textit|operatorname|rm|bf|it)\b")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 18)
def clean_name(text: str) -> str:
    """NFKC, TeX leftovers out ("PanGu-$\\alpha$" -> "PanGu-α"), whitespace collapsed.

    TeX markup reaches us from arXiv abstracts: ``$``, braces and backslashes carry no meaning in
    a name, Greek-letter commands become the letter so both spellings share a key.
    """
    text = unicodedata.normalize("NFKC", text)
    if "\\" in text or "$" in text or "{" in text:
        text = _TEX_DROP.sub("", text)
        text = _TEX_CMD.sub(lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), text)
        text = text.replace("$", "").replace("{", "").replace("}", "").replace("\\", "")
    return _SPACES.sub(" ", text).strip(" \t\n,;:")


@lru_cache(maxsize=1 << 18)
def name_key(text: str) -> str:
    """The node key of a name: ``match_key`` after ``clean_name`` (cached: names repeat a lot)."""
    return match_key(clean_name(text))


_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-+]{1,11}$")


def is_acronym(text: str) -> bool:
    """Short, no spaces, at least two capitals ("LoRA", "MoE", "EX", "SST-2")."""
    return bool(_ACRONYM.match(text)) and sum(ch.isupper() for ch in text) >= 2


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (tiny inputs: word initials vs acronym letters)."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def acronym_fits(acronym: str, long_form: str) -> bool:
    """Schwartz-Hearst-style check: first letters agree, the letters appear in order, and at
    least two of them start words of the long form.

    Used to tell an in-text definition ("Low-Rank Adaptation (LoRA)") from any other alias pair;
    "LLaMA2-7B/13B" is not a long form of "LLaMA2-13B" (one word start only), nor "LoRA adapters"
    of "LoRA" (it uses the acronym).
    """
    letters = [ch for ch in acronym.lower() if ch.isalpha()]
    words = re.sub(r"^(the|a|an)\s+", "", long_form.strip(), flags=re.I).lower()
    parts = [w for w in re.split(r"[\s\-/]+", words) if w]
    if len(letters) < 2 or len(parts) < 2 or not words or words[0] != letters[0]:
        return False
    if acronym.lower() in parts:
        return False
    initials = _lcs([w[0] for w in parts], letters)
    if initials < min(2, len(letters) - 1):  # "EX" = execution accuracy: one start is enough
        return False
    pos = 0
    for ch in letters:
        pos = words.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


_ARTICLE = re.compile(r"^(?:the|a|an)\s+(.+)$", re.I)
# Heads that name a kind of thing rather than the thing: "GLUE benchmark" is GLUE, "LoRA modules"
# are LoRA, "pruning techniques" are pruning. Stripping one only proposes a form; an edge needs
# that form to be a known name of the same type.
_HEAD = re.compile(
    r"^(.+?)[\s\-]+(benchmarks?|datasets?|data\s+set|corpus|suite|models?|frameworks?|methods?|"
    r"approach(?:es)?|algorithms?|architectures?|metric|score|tasks?|problems?|networks?|challenge|evaluation|"
    r"techniques?|modules?|layers?|strateg(?:y|ies)|mechanisms?|paradigms?|schemes?)$", re.I)
# Heads that add nothing even to a generic word: "adapter modules" are adapters, "the attention
# mechanism" is attention. Others change a generic word's meaning ("LLM framework" is not an LLM,
# "evaluation benchmark" not an evaluation), so they never link to one.
_PACKAGING_HEADS = frozenset({"module", "modules", "layer", "layers", "method", "methods", "technique",
                              "techniques", "approach", "approaches", "mechanism", "mechanisms"})
# Morphological reasons: the variant is the same word, so it may link two generic words
# ("adapters" -> "adapter", "LLMs" -> "LLM") - see ``Resolver.finalize``.
R_ARTICLE, R_LEAD_WORD, R_PLURAL, R_PARTICIPLE, R_SPELLING = (
    "leading article dropped", "leading function word dropped", "plural form", "participle form",
    "British/American spelling")
_MORPH_REASONS = frozenset({R_ARTICLE, R_LEAD_WORD, R_PLURAL, R_PARTICIPLE, R_SPELLING})
# Function words no name starts with, left by a span that began one word too early. Not "in"/"on"
# ("in context learning" is not "context learning").
_LEAD_WORD = re.compile(r"^(?:such\s+as|as|and|or|of|for|with|via|using|by|from)\s+(.+)$", re.I)

# Words ending in "s" that are not plurals (or whose "singular" means something else:
# "statistics" is a field, "statistic" one number). "-ss", "-us", "-is", "-ous" are ruled out by rule.
_NOT_PLURAL = frozenset({
    "bias", "gas", "atlas", "canvas", "alias", "lens", "news", "means", "series", "species", "chaos",
    "ethos", "cosmos", "pathos", "physics", "mathematics", "statistics", "economics", "linguistics",
    "analytics", "robotics", "dynamics", "semantics", "genomics", "proteomics", "kinetics", "ethics",
    "graphics", "logistics", "optics", "electronics", "informatics", "pragmatics", "phonetics",
    "acoustics", "mechanics", "aesthetics", "diagnostics", "forensics", "politics", "athletics",
    "thermodynamics", "biomechanics", "bioinformatics", "metabolomics", "transcriptomics",
    "radiomics", "plus", "has", "was", "its", "yes",
})
_IRREGULAR_PLURAL = {
    "indices": "index", "matrices": "matrix", "vertices": "vertex", "analyses": "analysis",
    "hypotheses": "hypothesis", "syntheses": "synthesis", "criteria": "criterion",
    "phenomena": "phenomenon", "appendices": "appendix", "theses": "thesis",
}


def _singular(word: str, *, title: bool = False) -> str | None:
    """English singular of the last word of a name, or None when it is not a safe plural.

    Lower-case words ("networks" -> "network", "strategies" -> "strategy", "approaches" ->
    "approach"), never "class", "loss", "bias", "analysis", "corpus" or a field name such as
    "robotics". An acronym-like plural needs two capitals and a lower-case "s" ("LLMs", "ViTs"),
    so "MOS" and "Transformers" (a library) stay as they are. ``title`` allows a Title-case word
    ("Networks"), which the caller only sets for the last word of a multi-word title-cased phrase
    ("Graph Neural Networks"), never for a one-word coined name.
    """
    low = word.lower()
    if low in _IRREGULAR_PLURAL and (word.islower() or title):
        sing = _IRREGULAR_PLURAL[low]
        return sing if word.islower() else sing.title()
    if not word.endswith("s") or word.endswith(("ss", "us", "is", "ous")) or len(word) < 3:
        return None
    uppers = sum(ch.isupper() for ch in word)
    if word.islower() or (title and word[0].isupper() and word[1:].islower()):
        if len(word) < 4 or low in _NOT_PLURAL:
            return None
        if low.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        if low.endswith(("sses", "shes", "ches", "xes", "zzes")):
            return word[:-2]
        return word[:-1]
    if uppers >= 2:  # acronym-like plural with a lower-case s: LLMs, ViTs, GANs
        return word[:-1]
    return None


def _participle_to_gerund(word: str) -> str | None:
    """ "pretrained" -> "pretraining", "fine-tuned"'s "tuned" -> "tuning" (lower-case only).

    A name ending in a participle ("continued pretrained") is the same method as its gerund
    ("continued pretraining"); a wrong guess ("supervised" -> "supervising") is harmless because
    an edge needs the gerund to be a known name.
    """
    if not word.islower() or len(word) < 5 or not word.endswith("ed") or word.endswith("eed"):
        return None
    return word[:-2] + "ing"


def variant_forms(surface: str) -> list[tuple[str, str, int]]:
    """Other spellings a name may be a variant of: ``(form, reason, strength)``.

    Only proposals: an edge is made when the form is itself a known name of the same type.
    """
    out: list[tuple[str, str, int]] = []
    m = _ARTICLE.match(surface)
    if m:
        out.append((m.group(1), R_ARTICLE, ARTICLE))
        surface = m.group(1)
    m = _LEAD_WORD.match(surface)
    if m:  # an extraction leftover: "such as speech recognition (ASR)" -> "as speech recognition"
        out.append((m.group(1), R_LEAD_WORD, ARTICLE))
        surface = m.group(1)
    m = _HEAD.match(surface)
    if m:
        out.append((m.group(1), f"generic head {m.group(2)!r} dropped", HEAD))
    parts = re.split(r"([\s\-]+)", surface)
    words = surface.split()
    title = len(words) >= 2 and all(w[:1].isupper() and (w[1:].islower() or not w[1:].isalpha()) or w.islower()
                                    for w in words) and parts[-1][:1].isupper()
    sing = _singular(parts[-1], title=title)
    if sing:
        out.append(("".join(parts[:-1]) + sing, R_PLURAL, PLURAL))
    ger = _participle_to_gerund(parts[-1])
    if ger:
        out.append(("".join(parts[:-1]) + ger, R_PARTICIPLE, PLURAL))
    us = _american(surface)
    if us != surface:
        out.append((us, R_SPELLING, SPELLING))
    return out


def is_morphological(reason: str) -> bool:
    """True for a variant edge that keeps the word (plural, article, participle, spelling, or a
    packaging head such as "modules"): such an edge may join two forms of a generic word."""
    if reason in _MORPH_REASONS:
        return True
    m = re.fullmatch(r"generic head '(.+)' dropped", reason)
    return bool(m) and m.group(1).lower() in _PACKAGING_HEADS


_BRITISH = [
    (re.compile(r"(?<=[a-z])is(ation|ations|ed|ing|er|ers)\b"), r"iz\1"),  # quantisation, optimiser
    (re.compile(r"\b(model|label|signal|channel|travel|cancel|fuel|tunnel)l(ing|ed|er|ers)\b", re.I), r"\1\2"),
    (re.compile(r"(?<=[a-z])our\b"), "or"),  # behaviour, colour
    (re.compile(r"\bcentre"), "center"),
]


def _american(text: str) -> str:
    """American spelling of a British one ("language modelling" -> "language modeling").

    A wrong guess ("supervised" -> "supervized") is harmless: an edge needs the form to exist.
    """
    for rx, rep in _BRITISH:
        text = rx.sub(rep, text)
    return text


_SIZE_TOKEN = re.compile(
    r"(?:small|base|large|xl|xxl|xxxl|medium|tiny|mini|huge|giant|nano|micro|lite|turbo|instruct|"
    r"chat|it|hf|uncased|cased|\d+(?:\.\d+)?[bmkt](?:/\d+(?:\.\d+)?[bmkt])+|\d+(?:\.\d+)?\s?[bmkt]|\d+x\d+[bm]|[bslhgt]i?/\d+|v\d+(?:\.\d+)*)", re.I)
_VERSION = re.compile(r"v\d+(?:\.\d+)*", re.I)
_PAREN = re.compile(r"\s*\([^()]*\)\s*$")


def parse_variant(name: str, *, letter_families: frozenset[str] = frozenset(),
                  suffix_patterns: dict[str, re.Pattern[str]] | None = None) -> tuple[str, str] | None:
    """Split a model checkpoint name into ``(family, suffix)``: "LLaMA-2 7B" -> ("LLaMA-2", "7B").

    Strips a trailing parenthesis ("(11B)") and then size/flavour tokens from the end (base, large,
    xxl, 7B, 350M, Instruct, Chat, B/16 ...). A version alone ("DeBERTa-v3") is a family of its
    own, not a size. Single-letter sizes ("ViT-B") only count for families flagged
    ``letter_sizes``; family-specific suffixes ("ResNet-50") come from ``families.jsonl``.
    """
    s = clean_name(name)
    suffix: list[str] = []
    m = _PAREN.search(s)
    if m and m.start() > 0:
        suffix.append(s[m.start():].strip())
        s = s[:m.start()]
    while True:
        m = re.match(r"^(.*[A-Za-z0-9.+])[\s\-_]+([^\s\-_]+)$", s)
        if not m:
            break
        tok = m.group(2)
        fam_key = match_key(m.group(1))
        if _SIZE_TOKEN.fullmatch(tok):
            pass
        elif fam_key in letter_families and re.fullmatch(r"(?:[BSLHGT]|Ti)", tok):
            pass
        elif suffix_patterns and fam_key in suffix_patterns and suffix_patterns[fam_key].fullmatch(tok):
            pass
        else:
            break
        suffix.insert(0, tok)
        s = m.group(1)
    real = [t for t in suffix if not _VERSION.fullmatch(t) and not t.startswith("(")]
    if not real and not any(t.startswith("(") and _SIZE_TOKEN.search(t) for t in suffix):
        return None
    if len(match_key(s)) < 2 or not any(ch.isalpha() for ch in s):
        return None
    return s, " ".join(suffix)


def _letters_digits(key: str) -> tuple[str, str]:
    return "".join(ch for ch in key if not ch.isdigit()), "".join(ch for ch in key if ch.isdigit())


def _sentence_case_fold(surfaces: Counter[str]) -> Counter[str]:
    """Count "Fine-tuning" (sentence start) for "fine-tuning" when the lower-case form exists."""
    out: Counter[str] = Counter()
    for s, n in surfaces.items():
        low = s[:1].lower() + s[1:]
        if s != low and not any(ch.isupper() for ch in s[1:]) and low in surfaces:
            out[low] += n
        else:
            out[s] += n
    return out


# --------------------------------------------------------------------------- curated data
@dataclass
class ResolutionData:
    """The curated files of ``data/resolution/``, parsed (see each file's first lines)."""

    aliases: list[dict[str, Any]] = field(default_factory=list)
    families: list[dict[str, Any]] = field(default_factory=list)
    suites: list[dict[str, Any]] = field(default_factory=list)
    distinct: list[dict[str, Any]] = field(default_factory=list)
    generic: frozenset[str] = frozenset()


def _read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = read_jsonl_objects(path, error=ResolveError, what="resolution data")
    for i, row in enumerate(rows, 1):  # i counts records (blank lines skipped)
        missing = [k for k in required if k not in row]
        if missing:
            raise ResolveError(f"{path}: record {i}: missing {', '.join(missing)}")
        if "type" in row and row["type"] not in ENTITY_TYPES:
            raise ResolveError(f"{path}: record {i}: unknown type {row['type']!r}")
    return rows


@lru_cache(maxsize=4)
def load_data(data_dir: str | None = None) -> ResolutionData:
    """Parse the curated lexicons once per process (raises ``ResolveError`` on a bad line)."""
    d = Path(data_dir) if data_dir else DATA_DIR
    generic: set[str] = set()
    for row in _read_jsonl(d / "generic.jsonl", ("words",)):
        generic.update(name_key(w) for w in row["words"])
    return ResolutionData(
        aliases=_read_jsonl(d / "aliases.jsonl", ("type", "name", "aliases")),
        families=_read_jsonl(d / "families.jsonl", ("type", "family")),
        suites=_read_jsonl(d / "suites.jsonl", ("suite", "tasks")),
        distinct=_read_jsonl(d / "distinct.jsonl", ("names",)),
        generic=frozenset(generic),
    )


# --------------------------------------------------------------------------- resolver
@dataclass
class _Node:
    surfaces: Counter = field(default_factory=Counter)  # cleaned spelling -> times seen
    votes: int = 0  # times seen as a name or alias with this type
    papers: int = 0  # papers whose entity is *named* this (pass-1 estimate of coverage)
    curated: str | None = None  # curated entry id ("Method:lora"), shared by its aliases
    curated_name: str | None = None  # set on the node that is the curated canonical name
    curated_reason: str = ""


@dataclass
class _Edge:
    u: NodeId
    v: NodeId
    strength: int
    count: int
    reason: str


@dataclass
class _Cluster:
    nodes: list[NodeId]
    type: str
    name: str = ""
    key: str = ""
    observed: bool = True
    forced_type: str | None = None


class Resolver:
    """Two-pass corpus resolver (see the module docstring). The constructor does no I/O."""

    def __init__(self, overrides: Overrides | str | Path | None = None, *, data_dir: str | Path | None = None):
        self._overrides_arg = overrides
        self._data_dir = str(data_dir) if data_dir else None
        self._overrides: Overrides | None = None
        self._data: ResolutionData | None = None
        self._nodes: dict[NodeId, _Node] = {}
        self._alias_pairs: Counter = Counter()  # (NodeId, NodeId) -> papers
        self._defs: dict[NodeId, Counter] = defaultdict(Counter)  # acronym node -> long key -> papers
        self._first_paper: dict[tuple, str] = {}  # evidence pair -> first paper id, for reasons
        self._finalized = False
        self._clusters: list[_Cluster] = []
        self._node_cluster: dict[NodeId, int] = {}
        self._by_key: dict[str, list[NodeId]] = defaultdict(list)
        self._tree: nx.Graph = nx.Graph()
        self._rejected: list[tuple[NodeId, NodeId, str]] = []
        self._links: list[EntityLink] = []
        self._applied: Counter = Counter()  # cluster -> papers, counted in pass 2
        self._applied_n = 0
        self._learnt = 0

    # ------------------------------------------------------------------ pass 1
    def _setup(self) -> None:
        if self._data is None:
            self._data = load_data(self._data_dir)
            ov = self._overrides_arg
            self._overrides = load_overrides(ov) if isinstance(ov, (str, Path)) else (ov or Overrides())

    def _node(self, nid: NodeId) -> _Node:
        node = self._nodes.get(nid)
        if node is None:
            node = self._nodes[nid] = _Node()
        return node

    def learn(self, extraction: Extraction) -> None:
        """Pass 1: record names, type votes, acronym definitions and per-paper aliases."""
        if self._finalized:
            raise ResolveError("Resolver.learn() called after finalize(): build a new Resolver")
        self._setup()
        self._learnt += 1
        pid = extraction.paper.id
        named: set[NodeId] = set()
        pairs: set[tuple[NodeId, NodeId]] = set()
        defs: set[tuple[NodeId, str]] = set()
        for ent in extraction.entities:
            if ent.type not in ENTITY_TYPES:
                raise ResolveError(f"{pid}: entity {ent.name!r} has unknown type {ent.type!r} "
                                   f"(expected one of {', '.join(ENTITY_TYPES)})")
            name = clean_name(ent.name)
            key = match_key(name)
            if not key:
                continue
            nid = (ent.type, key)
            node = self._node(nid)
            node.surfaces[name] += 1
            node.votes += 1
            named.add(nid)
            for alias in ent.aliases:
                a = clean_name(alias)
                akey = match_key(a)
                if not akey:
                    continue
                if akey == key:
                    node.surfaces[a] += 1
                    continue
                aid = (ent.type, akey)
                anode = self._node(aid)
                anode.surfaces[a] += 1
                anode.votes += 1
                if is_acronym(name) and acronym_fits(name, a):
                    defs.add((nid, akey))
                elif is_acronym(a) and acronym_fits(a, name):
                    defs.add((aid, key))
                else:
                    pairs.add((min(nid, aid), max(nid, aid)))
        for nid in named:
            self._nodes[nid].papers += 1
        for pair in pairs:
            self._alias_pairs[pair] += 1
            self._first_paper.setdefault(pair, pid)
        for nid, lkey in defs:
            self._defs[nid][lkey] += 1
            self._first_paper.setdefault((nid, lkey), pid)

    # ------------------------------------------------------------------ finalize
    def _curate(self) -> list[_Edge]:
        """Add the curated names as nodes; return their edges."""
        assert self._data is not None
        edges: list[_Edge] = []
        self._curated_alias_keys: dict[str, set[str]] = {}  # curated id -> alias keys

        def entry(etype: str, name: str, aliases: Iterable[str], reason: str) -> NodeId:
            nid = (etype, name_key(name))
            node = self._node(nid)
            cid = f"{etype}:{nid[1]}"
            node.curated = node.curated or cid
            if node.curated_name is None:
                node.curated_name, node.curated_reason = clean_name(name), reason
            node.surfaces.setdefault(clean_name(name), 0)
            for a in aliases:
                aid = (etype, name_key(a))
                if not aid[1] or aid == nid:
                    continue
                self._curated_alias_keys.setdefault(cid, set()).add(aid[1])
                anode = self._node(aid)
                anode.curated = anode.curated or cid
                anode.surfaces.setdefault(clean_name(a), 0)
                edges.append(_Edge(nid, aid, CURATED, 0, reason))
            return nid

        for row in self._data.aliases:
            entry(row["type"], row["name"], row["aliases"], "alias lexicon")
        for row in self._data.families:
            entry(row["type"], row["family"], row.get("aliases", []), "model family (families.jsonl)")
        for row in self._data.suites:
            entry("Dataset", row["suite"], row.get("aliases", []), "benchmark suite (suites.jsonl)")
            for task in row["tasks"]:
                entry("Dataset", task["name"], task.get("aliases", []), "suite task (suites.jsonl)")
        return edges

    def finalize(self) -> None:
        """Build the evidence graph, cut it into clusters, name them and link families/suites."""
        if self._finalized:
            return
        self._setup()
        assert self._data is not None and self._overrides is not None
        edges = self._curate()
        ov = self._overrides
        forced_type: dict[NodeId, str] = {}
        forced_canonical: dict[NodeId, str] = {}
        by_key: dict[str, list[NodeId]] = defaultdict(list)
        for nid in self._nodes:
            by_key[nid[1]].append(nid)
        for m in ov.merges:
            group: list[NodeId] = []
            for n in m.names:
                k = name_key(n)
                nids = [nid for nid in by_key.get(k, []) if self._nodes[nid].votes or m.type is None]
                if m.type and (m.type, k) not in nids:
                    nid = (m.type, k)
                    self._node(nid).surfaces.setdefault(clean_name(n), 0)
                    if nid not in by_key[k]:
                        by_key[k].append(nid)
                    nids.append(nid)
                group.extend(nids)
            for nid in group[1:]:
                edges.append(_Edge(group[0], nid, FORCED, 0, f"forced merge ({ov.source})"))
            for nid in group:
                if m.type:
                    forced_type[nid] = m.type
                if m.canonical:
                    forced_canonical[nid] = clean_name(m.canonical)
        self._forced_canonical = forced_canonical
        self._forced_type = forced_type
        self._split = {frozenset((name_key(a), name_key(b))) for a, b in ov.splits}
        self._distinct_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for gi, row in enumerate(self._data.distinct):
            for mi, n in enumerate(row["names"]):
                self._distinct_group[name_key(n)].append((gi, mi))
        self._letter_families = frozenset(name_key(r["family"]) for r in self._data.families if r.get("letter_sizes"))
        self._suffix_patterns = {name_key(r["family"]): re.compile(r["suffix_pattern"], re.I)
                                 for r in self._data.families if r.get("suffix_pattern")}
        self._parse_cache: dict[NodeId, tuple[str, str] | None] = {}
        generic = self._data.generic

        # same key, different types
        for key, nids in by_key.items():
            if len(nids) < 2:
                continue
            for i, a in enumerate(nids):
                for b in nids[i + 1:]:
                    if self._cross_type_ok(a, b):
                        edges.append(_Edge(a, b, CROSS_TYPE, min(self._nodes[a].votes, self._nodes[b].votes),
                                           f"same name typed {a[0]} and {b[0]}"))
        # spelling variants: article, generic head, plural
        for nid, node in list(self._nodes.items()):
            if not node.votes:
                continue
            seen: set[str] = set()
            for surface in node.surfaces:
                for form, reason, strength in variant_forms(surface):
                    vid = (nid[0], match_key(form))
                    if vid not in self._nodes and strength == HEAD and form[-1:].islower():
                        # "adapter modules" -> "adapter", seen only as "adapters"
                        vid = next((p for p in ((nid[0], k) for k in _plural_keys(vid[1])) if p in self._nodes), vid)
                    if vid[1] in seen or vid == nid or vid not in self._nodes:
                        continue
                    seen.add(vid[1])
                    edges.append(_Edge(nid, vid, strength, node.votes, reason))
        # per-paper aliases
        for (a, b), n in self._alias_pairs.items():
            first = self._first_paper.get((a, b), "")
            more = f" (+{n - 1} more)" if n > 1 else ""
            edges.append(_Edge(a, b, ALIAS, n, f"alias in {first}{more}"))
        generic = _generic_closure(generic, edges)
        edges = [e for e in edges if e.strength >= _WEAK or is_morphological(e.reason)
                 or (e.u[1] not in generic and e.v[1] not in generic)]

        # stage 1 without acronym definitions -> provisional meanings of each acronym
        uf1, _, _ = self._kruskal(edges)
        acr_edges: list[_Edge] = []
        self._defined: set[NodeId] = set()
        for acr, longs in self._defs.items():
            # a generic acronym may only mean a generic long form ("LLMs" = "large language
            # models": one generic thing, chaining nothing); a specific one never a generic one
            acr_generic = acr[1] in generic
            groups: dict[Any, Counter] = defaultdict(Counter)
            for lkey, n in longs.items():
                lid = (acr[0], lkey)
                if (lkey in generic) != acr_generic:
                    continue
                groups[uf1.find(lid)][lid] += n
            if not groups:
                continue
            total = sum(sum(c.values()) for c in groups.values())
            own = uf1.find(acr)
            ranked = sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), min(kv[1])))
            if own in groups or self._nodes[acr].curated in self._curated_alias_keys:
                winner = own  # the lexicon's meaning (or one already linked) outranks any vote
            elif sum(ranked[0][1].values()) * 2 > total:
                winner = ranked[0][0]
            else:
                winner = None
            for root, c in ranked:
                lid, n = c.most_common(1)[0]
                if root == winner:
                    self._defined.add(acr)
                    if root != own:
                        ex = self._first_paper.get((acr, lid[1]), "")
                        nn = sum(c.values())
                        acr_edges.append(_Edge(acr, lid, ACRONYM, nn,
                                               f"acronym defined in {ex}" + (f" (+{nn - 1} more)" if nn > 1 else "")))
                else:
                    why = ("acronym has another majority meaning" if winner is not None
                           else "acronym defined with conflicting long forms, no majority")
                    self._rejected.append((acr, lid, why))
        uf, tree, rejected = self._kruskal(edges + acr_edges)
        self._tree = tree
        self._rejected.extend(rejected)
        self._build_clusters(uf)
        self._finalized = True

    def _cross_type_ok(self, a: NodeId, b: NodeId) -> bool:
        na, nb = self._nodes[a], self._nodes[b]
        if not (na.votes or nb.votes):
            return False
        sa, sb = set(na.surfaces), set(nb.surfaces)
        plain = all(not any(ch.isupper() for ch in s[1:]) for s in sa | sb)
        if not (sa & sb or plain):
            return False
        da = set(self._defs.get(a, ())) | (self._curated_aliases(a) if na.curated else set())
        db = set(self._defs.get(b, ())) | (self._curated_aliases(b) if nb.curated else set())
        da, db = {k.rstrip("s") for k in da}, {k.rstrip("s") for k in db}  # "Transformer(s)"
        return not (da and db and not (da & db))

    def _curated_aliases(self, nid: NodeId) -> set[str]:
        return self._curated_alias_keys.get(self._nodes[nid].curated or "", set()) - {nid[1]}

    def _parse(self, nid: NodeId) -> tuple[str, str] | None:
        if nid not in self._parse_cache:
            node = self._nodes[nid]
            surface = node.curated_name or (max(node.surfaces, key=lambda s: (node.surfaces[s], s)) if node.surfaces else nid[1])
            p = parse_variant(surface, letter_families=self._letter_families, suffix_patterns=self._suffix_patterns)
            self._parse_cache[nid] = (match_key(p[0]), match_key(p[1])) if p else None
        return self._parse_cache[nid]

    def _distinct(self, a: NodeId, b: NodeId, strength: int) -> str | None:
        """Why ``a`` and ``b`` must stay apart at this edge strength, or None."""
        ka, kb = a[1], b[1]
        if ka == kb:
            return None
        if frozenset((ka, kb)) in self._split:
            return f"forced split ({self._overrides.source if self._overrides else 'overrides'})"
        if strength >= FORCED:
            return None
        for gi, mi in self._distinct_group.get(ka, ()):
            for gj, mj in self._distinct_group.get(kb, ()):
                if gi == gj and mi != mj:
                    return "known distinct (distinct.jsonl)"
        ca, cb = self._nodes[a].curated, self._nodes[b].curated
        if ca and cb and ca != cb:
            return "two different curated entries"
        if strength >= CURATED:
            return None
        if a[0] == "Model" and b[0] == "Model":
            pa, pb = self._parse(a), self._parse(b)
            if (pa and pa[0] == kb) or (pb and pb[0] == ka):
                return "a model and its own size variant"
            if pa and pb and pa[0] == pb[0] and pa[1] != pb[1]:
                return "different sizes of one family"
        la, da = _letters_digits(ka)
        lb, db = _letters_digits(kb)
        if la == lb and da != db and la:
            return "names differ only in their version numbers"
        return None

    def _kruskal(self, edges: list[_Edge]) -> tuple["_UnionFind", nx.Graph, list[tuple[NodeId, NodeId, str]]]:
        uf = _UnionFind()
        tree = nx.Graph()
        rejected: list[tuple[NodeId, NodeId, str]] = []
        for e in sorted(edges, key=lambda e: (-e.strength, -e.count, e.u, e.v)):
            ru, rv = uf.find(e.u), uf.find(e.v)
            if ru == rv:
                continue
            why = None
            for a in uf.members(ru):
                for b in uf.members(rv):
                    why = self._distinct(a, b, e.strength)
                    if why:
                        break
                if why:
                    break
            if why:
                rejected.append((e.u, e.v, f"{why} [{e.reason}]"))
                continue
            uf.union(ru, rv)
            tree.add_edge(e.u, e.v, reason=e.reason, strength=e.strength,
                          variant=e.u if e.strength in (HEAD, PLURAL) or e.reason in (R_ARTICLE, R_LEAD_WORD) else None)
        return uf, tree, rejected

    # ------------------------------------------------------------------ clusters
    def _build_clusters(self, uf: "_UnionFind") -> None:
        groups: dict[NodeId, list[NodeId]] = defaultdict(list)
        for nid in self._nodes:
            groups[uf.find(nid)].append(nid)
        clusters: list[_Cluster] = []
        for members in groups.values():
            members.sort()
            votes: Counter = Counter()
            for nid in members:
                node = self._nodes[nid]
                votes[nid[0]] += node.votes + (2 if node.curated_name else 0)
            forced = [self._forced_type[n] for n in members if n in self._forced_type]
            etype = forced[0] if forced else max(ENTITY_TYPES, key=lambda t: (votes[t], -ENTITY_TYPES.index(t)))
            observed = any(self._nodes[n].votes for n in members)
            clusters.append(_Cluster(members, etype, observed=observed, forced_type=forced[0] if forced else None))
        for c in clusters:
            c.name = self._pick_name(c)
            c.key = match_key(c.name)
        self._clusters = clusters
        self._node_cluster = {nid: i for i, c in enumerate(clusters) for nid in c.nodes}
        self._by_key = defaultdict(list)
        for nid in self._nodes:
            self._by_key[nid[1]].append(nid)
        self._make_links()

    def _pick_name(self, c: _Cluster) -> str:
        for nid in c.nodes:
            if nid in self._forced_canonical:
                return self._forced_canonical[nid]
        typed = [n for n in c.nodes if n[0] == c.type] or c.nodes
        curated = [n for n in typed if self._nodes[n].curated_name]
        if curated:
            best = max(curated, key=lambda n: (self._nodes[n].votes, n[1]))
            return self._nodes[best].curated_name  # type: ignore[return-value]
        if c.type != "Task":
            acr = [n for n in typed if n in self._defined and self._nodes[n].votes]
            if acr:
                best = max(acr, key=lambda n: (self._nodes[n].votes, n[1]))
                return self._best_surface(best)
        members = set(c.nodes)
        penalised: set[NodeId] = set()
        for _, _, d in self._tree.edges(c.nodes, data=True):
            if d.get("variant") in members:
                penalised.add(d["variant"])  # "the GLUE benchmark", "AxLSTMs": a variant of a member
        long_first = c.type == "Task"  # tasks are named by their long form
        best = min(typed, key=lambda n: (n in penalised, long_first and is_acronym(self._best_surface(n)),
                                         -self._nodes[n].papers, -self._nodes[n].votes, len(n[1]), n[1]))
        return self._best_surface(best)

    def _best_surface(self, nid: NodeId) -> str:
        """Most frequent spelling; a generic word seen only capitalised (titles) is lower-cased."""
        node = self._nodes[nid]
        if node.curated_name:
            return node.curated_name
        counts = _sentence_case_fold(node.surfaces)
        if not counts:
            return nid[1]
        best = max(counts, key=lambda s: (counts[s], not _ARTICLE.match(s), s))
        if self._data is not None and nid[1] in self._data.generic and not is_acronym(best):
            best = best.lower()
        return best

    def _make_links(self) -> None:
        """VARIANT_OF (model sizes, curated families) and PART_OF (suite tasks) between clusters."""
        assert self._data is not None
        links: dict[tuple[str, int, int], str] = {}
        parent_of: dict[str, tuple[str, str]] = {}  # family key -> (parent key, note)
        for row in self._data.families:
            if row.get("variant_of"):
                parent_of[f"{row['type']}:{name_key(row['family'])}"] = (name_key(row["variant_of"]), row.get("note", ""))
        suites_of: dict[str, list[str]] = defaultdict(list)
        for row in self._data.suites:
            for t in row["tasks"]:
                suites_of[name_key(t["name"])].append(name_key(row["suite"]))

        def cluster_of(etype: str, key: str) -> int | None:
            nid = (etype, key)
            return self._node_cluster.get(nid)

        work = [i for i, c in enumerate(self._clusters) if c.observed]
        done: set[int] = set()
        while work:
            i = work.pop()
            if i in done:
                continue
            done.add(i)
            c = self._clusters[i]
            targets: list[tuple[str, int, str]] = []
            if c.type in ("Model", "Method"):
                if c.type == "Model":
                    p = parse_variant(c.name, letter_families=self._letter_families, suffix_patterns=self._suffix_patterns)
                    if p:
                        j = cluster_of("Model", match_key(p[0]))
                        if j is not None and j != i and (self._clusters[j].observed or self._nodes[("Model", match_key(p[0]))].curated):
                            targets.append(("VARIANT_OF", j, f"size/variant suffix {p[1]!r}"))
                for nid in c.nodes:
                    node = self._nodes[nid]
                    if node.curated_name and node.curated in parent_of:
                        pkey, note = parent_of[node.curated]
                        j = cluster_of(nid[0], pkey)
                        if j is not None and j != i:
                            targets.append(("VARIANT_OF", j, f"families.jsonl: {note}" if note else "families.jsonl"))
            if c.type == "Dataset":
                for nid in c.nodes:
                    if nid[0] == "Dataset" and self._nodes[nid].curated_name:
                        for skey in suites_of.get(nid[1], ()):
                            j = cluster_of("Dataset", skey)
                            if j is not None and j != i:
                                targets.append(("PART_OF", j, "suite task (suites.jsonl)"))
            for kind, j, reason in targets:
                if self._clusters[j].type != c.type:
                    continue
                links.setdefault((kind, i, j), reason)
                if not self._clusters[j].observed:
                    self._clusters[j].observed = True  # a curated parent gets a node so the link has an end
                work.append(j)
        made = {EntityLink(kind, self._clusters[i].key, self._clusters[j].key, reason): self._clusters[i].type
                for (kind, i, j), reason in links.items()}
        self._links = sorted(made, key=lambda l: (l.kind, l.source, l.target))
        self._link_label = made

    # ------------------------------------------------------------------ lookups
    def _require(self) -> None:
        if not self._finalized:
            raise ResolveError("the resolver is not finalised: call learn() on every extraction, then finalize()")

    def _cluster_index(self, etype: str | None, name: str) -> int | None:
        key = name_key(name)
        if etype is not None:
            i = self._node_cluster.get((etype, key))
            if i is not None and self._clusters[i].observed:
                return i
        cands = [self._node_cluster[n] for n in self._by_key.get(key, ()) if n in self._node_cluster]
        cands = [i for i in cands if self._clusters[i].observed]
        if not cands:
            return None
        if etype is not None:
            same = [i for i in cands if self._clusters[i].type == etype]
            if same:
                return same[0]
            if (etype, key) in self._node_cluster:
                return None
        return max(cands, key=lambda i: sum(self._nodes[n].votes for n in self._clusters[i].nodes if n[1] == key))

    def canonical(self, type: str | None, name: str) -> CanonicalEntity | None:
        """The canonical entity ``name`` resolves to (``type`` first, then any type), or None."""
        self._require()
        i = self._cluster_index(type, name)
        return self._entity(i) if i is not None else None

    def _entity_cluster(self, ent: Entity) -> int | None:
        i = self._cluster_index(ent.type, ent.name)
        name = clean_name(ent.name)
        if is_acronym(name):  # a local definition wins over the corpus meaning
            for alias in ent.aliases:
                a = clean_name(alias)
                if acronym_fits(name, a):
                    j = self._cluster_index(ent.type, a)
                    if j is not None and j != i:
                        return j
        return i

    def _alias_fits(self, ent: Entity, alias: str, i: int | None) -> bool:
        """Keep a paper's alias unless resolution put it in another node (a forced split, a
        blocked pair such as GLUE/SuperGLUE); a local acronym definition always stays."""
        if i is None or alias == ent.name:
            return True
        j = self._cluster_index(ent.type, alias)
        if j is None or j == i:
            return True
        a, n = clean_name(alias), clean_name(ent.name)
        return (is_acronym(a) and acronym_fits(a, n)) or (is_acronym(n) and acronym_fits(n, a))

    # ------------------------------------------------------------------ pass 2
    def apply(self, extraction: Extraction) -> Extraction:
        """Pass 2: a copy of ``extraction`` with canonical names, one entity per canonical entity.

        Entities of the paper that share a canonical entity become one (aliases unioned, mentions
        in text order); proposals, result and comparison names are renamed, this paper's own
        entities first (so "CoLA" as a dataset stays the GLUE task even where "COLA" is a method).
        The input is not modified; frozen records (Paper, Evidence) are shared, not copied.
        """
        self._require()
        merged: dict[Any, Entity] = {}
        local: dict[str, dict[str, str]] = defaultdict(dict)  # key -> type -> canonical name
        for ent in extraction.entities:
            i = self._entity_cluster(ent)
            if i is None:
                gid: Any = ("?", ent.type, name_key(ent.name))
                canon, etype = ent.name, ent.type
            else:
                c = self._clusters[i]
                gid, canon, etype = i, c.name, c.type
            for n in [ent.name, *ent.aliases]:
                local[name_key(n)].setdefault(etype, canon)
            m = merged.get(gid)
            if m is None:
                m = merged[gid] = Entity(type=etype, name=canon, aliases=[], mentions=[])
            for n in [ent.name, *ent.aliases]:
                if n != canon and n not in m.aliases and self._alias_fits(ent, n, i):
                    m.aliases.append(n)
            m.mentions.extend(Mention(mm.text, mm.evidence) for mm in ent.mentions)
        for m in merged.values():
            m.mentions.sort(key=lambda mm: (mm.evidence.start, mm.evidence.end))
        for gid in merged:
            if isinstance(gid, int):
                self._applied[gid] += 1
        self._applied_n += 1

        def rename(name: str | None, types: tuple[str, ...]) -> str | None:
            if name is None:
                return None
            key = name_key(name)
            here = local.get(key, {})
            for t in types:  # this paper's own entities first, of a fitting type
                if t in here:
                    return here[t]
            for t in types:
                i = self._node_cluster.get((t, key))
                if i is not None and self._clusters[i].observed:
                    return self._clusters[i].name
            if here:  # typed otherwise in this paper (a metric named like a dataset, say)
                return next(iter(here.values()))
            return name

        subj = ("Method", "Model")
        seen: set[str] = set()
        proposes: list[Proposal] = []
        for p in extraction.proposes:
            name = rename(p.name, subj) or p.name
            if name not in seen:
                seen.add(name)
                proposes.append(Proposal(name=name, evidence=p.evidence))
        results = [Result(subject=rename(r.subject, subj), dataset=rename(r.dataset, ("Dataset",)),
                          metric=rename(r.metric, ("Metric",)), value=r.value, unit=r.unit, evidence=r.evidence)
                   for r in extraction.results]
        comparisons = [Comparison(subject=rename(c.subject, subj) or c.subject, relation=c.relation,
                                  object=rename(c.object, subj) or c.object,
                                  dataset=rename(c.dataset, ("Dataset",)), evidence=c.evidence)
                       for c in extraction.comparisons]
        return Extraction(paper=extraction.paper, entities=list(merged.values()), proposes=proposes,
                          results=results, comparisons=comparisons)

    # ------------------------------------------------------------------ output
    def _merges(self, i: int) -> list[MergeReason]:
        c = self._clusters[i]
        canon_key = c.key
        root = next((n for n in c.nodes if n[1] == canon_key and n[0] == c.type),
                    next((n for n in c.nodes if n[1] == canon_key), c.nodes[0]))
        reason_of: dict[NodeId, str] = {root: "normalised key"}
        if root in self._tree:
            for u, v in nx.bfs_edges(self._tree, root):
                reason_of[v] = self._tree.edges[u, v]["reason"]
        merges: list[MergeReason] = []
        seen = {c.name}
        for nid in sorted(c.nodes, key=lambda n: (n != root, -self._nodes[n].votes, n)):
            node = self._nodes[nid]
            for s, _ in sorted(node.surfaces.items(), key=lambda kv: (-kv[1], kv[0])):
                if s in seen:
                    continue
                seen.add(s)
                merges.append(MergeReason(alias=s, reason=reason_of.get(nid, "normalised key")))
        return merges

    def _entity(self, i: int) -> CanonicalEntity:
        c = self._clusters[i]
        merges = self._merges(i)
        if self._applied_n and self._applied_n >= self._learnt:
            papers = self._applied[i]  # exact once pass 2 has seen every paper
        else:  # pass-1 estimate: a paper naming one thing under two spellings counts twice
            papers = sum(self._nodes[n].papers for n in c.nodes)
        return CanonicalEntity(key=c.key, type=c.type, name=c.name, aliases=[m.alias for m in merges],
                               merges=merges, papers=papers)

    def entities(self) -> list[CanonicalEntity]:
        """One canonical entity per cluster that a paper mentions (plus curated link parents)."""
        self._require()
        out: dict[tuple[str, str], CanonicalEntity] = {}
        for i, c in enumerate(self._clusters):
            if c.observed:
                out.setdefault((c.type, c.key), self._entity(i))
        return sorted(out.values(), key=lambda e: (e.type, e.key))

    def links(self) -> list[EntityLink]:
        """VARIANT_OF and PART_OF links between canonical keys (sorted)."""
        self._require()
        return list(self._links)

    def explain(self, name: str) -> list[MergeReason]:
        """Why ``name`` resolves as it does: its cluster's merges, then refused merges touching it."""
        self._require()
        key = name_key(name)
        out: list[MergeReason] = []
        clusters = sorted({self._node_cluster[n] for n in self._by_key.get(key, ()) if n in self._node_cluster})
        for i in clusters:
            c = self._clusters[i]
            if not c.observed:
                continue
            out.append(MergeReason(alias=c.name, reason=f"canonical {c.type} name"))
            out.extend(self._merges(i))
            members = set(c.nodes)
            for u, v, why in self._rejected:
                if u in members and v not in members:
                    other = v
                elif v in members and u not in members:
                    other = u
                else:
                    continue
                out.append(MergeReason(alias=self._best_surface(other), reason=f"not merged: {why}"))
        return out

    def evidence(self) -> nx.Graph:
        """The "same as" evidence as a networkx graph, for notebooks and debugging.

        Nodes are ``(type, key)``; accepted edges (``accepted=True``) are the spanning forest whose
        components are the clusters, refused ones (``accepted=False``) say why in ``reason``.
        """
        self._require()
        g = nx.Graph()
        g.add_edges_from(self._tree.edges(data=True), accepted=True)
        for u, v, why in self._rejected:
            if not g.has_edge(u, v):
                g.add_edge(u, v, reason=why, accepted=False)
        return g

    def link_label(self, link: EntityLink) -> str:
        """The node label of both ends of ``link`` (Model or Method for VARIANT_OF, Dataset for PART_OF).

        ``EntityLink`` carries keys only and a key may exist under two labels, so ``rows.py`` asks.
        """
        self._require()
        return self._link_label[link]


def _plural_keys(key: str) -> list[str]:
    """Keys of the likely plurals of a lower-case key ("adapter" -> "adapters")."""
    out = [key + "s", key + "es"]
    if key.endswith("y"):
        out.insert(0, key[:-1] + "ies")
    return out


def _generic_closure(generic: frozenset[str], edges: list[_Edge]) -> frozenset[str]:
    """The generic words plus every name that is only a morphological variant of one.

    "adapters", "adapter modules" and "the adapter" are as generic as "adapter": their
    morphological edges join them to it, and they must then obey the same guard (no per-paper
    alias or acronym edge), or "adapter modules" would chain a paper's method name to every
    adapter in the corpus.
    """
    out = set(generic)
    morph = [e for e in edges if e.strength < _WEAK and is_morphological(e.reason)]
    changed = True
    while changed:
        changed = False
        for e in morph:
            if (e.u[1] in out) != (e.v[1] in out):
                out.update((e.u[1], e.v[1]))
                changed = True
    return frozenset(out)


class _UnionFind:
    """Union-find that also keeps each set's members (for the pairwise distinct check)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}
        self._members: dict[Any, list[Any]] = {}

    def find(self, x: Any) -> Any:
        if x not in self.parent:
            self.parent[x] = x
            self._members[x] = [x]
            return x
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def members(self, root: Any) -> list[Any]:
        return self._members[root]

    def union(self, a: Any, b: Any) -> Any:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        return ra


# --------------------------------------------------------------------------- conveniences
def resolve(extractions: Iterable[Extraction], *, overrides: Overrides | str | Path | None = None,
            ) -> tuple[list[Extraction], Resolver]:
    """In-memory two passes (tests, notebooks); the pipeline streams the same calls from disk."""
    items = list(extractions)
    r = Resolver(overrides)
    for ex in items:
        r.learn(ex)
    r.finalize()
    return [r.apply(ex) for ex in items], r


def entity_table(resolver: Resolver, type: str | None = None, search: str | None = None) -> list[dict[str, Any]]:
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
    from .records import Evidence, Paper

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
