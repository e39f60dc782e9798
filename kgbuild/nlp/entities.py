"""Entity components: lexicon matching and rule patterns, writing ``doc.spans["entities"]``.

Two registered factories, run after the sentencizer and the abbreviation detector:

* ``kgbuild_lexicon`` - PhraseMatcher over the JSONL lexicons in ``nlp/lexicons/`` (one
  ``{"name", "type", "aliases"}`` per line). Phrase-like aliases ("low-rank adaptation",
  "text-to-SQL", "accuracy") match case-insensitively; names with capitals ("ARC", "MATH",
  "Spider") match exactly, so the ordinary words "arc", "math", "spider" never match. Writes
  the raw (possibly overlapping) matches to ``doc.spans["entity_candidates"]``.
* ``kgbuild_entity_patterns`` - names that no lexicon lists, then overlap resolution (longest
  wins, then rule priority) into the final ``doc.spans["entities"]``: label = entity type,
  ``kb_id_`` = canonical name (lexicon name, in-text acronym, or the name itself), ``id_`` = rule:

  ============================  ===================================================================
  ``lexicon:<file>``            a lexicon name or alias, or a spelling variant of one (hyphen/space,
                                British/American, plural of a Method noun: ``spelling_variants``)
  ``pattern:acronym-def``       "Low-Rank Adaptation (LoRA)": both forms, typed by the lexicon or
                                by the long form's head word ("... Tuning" -> Method)
  ``pattern:title-prefix``      the title's "X: ..." (RASAT, SegVG; a plain word such as "Liger"
                                when the abstract reuses it), typed by the subtitle's head
  ``pattern:versioned-name``    a lexicon model + version/size ("LLaMA-2 7B", "Flan-T5-XXL")
  ``pattern:sized-name``        any "Name-7B" checkpoint
  ``pattern:suffix-shape``      "X-Adapter", "XFormer", "XLoRA" (Method), "XBERT", "XGPT" (Model)
  ``pattern:title-case-name``   "Memory Decoder", "Task-Adaptive Distillation" in the abstract
  ``pattern:technique-phrase``  lower-case modifier + method head ("counterfactual regularization",
                                "low-rank decomposition"), or a modifier refining a lexicon task
                                ("customized music generation")
  ``context:proposal``          a coined name after "we propose/introduce/...", "called X"
  ``context:cue-word``          a coined name next to "benchmark", "dataset", "framework", ...
  ``context:coined-mention``    later mentions of a name established by the rules above
  ============================  ===================================================================

A proposed name is a Method unless a cue says otherwise ("X, a novel vision-language model",
"the text-to-NeRF model X", "X: Arabic GPT Models"). Precision first: generic classes ("LLMs",
"PLMs"), tools and hardware, descriptions ("image-to-NeRF", "CauKer-generated") are skipped, and
"accuracy" counts only where it measures something (a number or "average accuracy" nearby).

Everything is regex over the doc text or PhraseMatcher, mapped back to tokens with
``Doc.char_span``, so the cost grows with the number of candidates, not tokens. The rules are
data (``patterns/entities*.jsonl``); the decisions live in plain functions below.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..errors import ExtractError
from ..jsonl import read_jsonl_objects
from ..normalize import match_key
from .abbreviations import char_span_bounds, doc_text, token_boundaries
from .rules import literal_alternation, load_rules

LEXICON_DIR = Path(__file__).parent / "lexicons"
PATTERN_DIR = Path(__file__).parent / "patterns"
SPANS_KEY = "entities"
CANDIDATES_KEY = "entity_candidates"

# Lower number = preferred when two spans cover the same tokens.
RULE_PRIORITY = {
    "pattern:acronym-def": 1,
    "lexicon": 2,
    "pattern:title-prefix": 2.5,
    "pattern:versioned-name": 3,
    "pattern:dataset-version": 3,
    "pattern:sized-name": 3,
    "pattern:suffix-shape": 5,
    "pattern:title-case-name": 5.5,
    "pattern:technique-phrase": 5.7,
    "pattern:task-phrase": 5.8,
    "pattern:task-title-case": 5.8,
    "pattern:technique-title-case": 5.7,
    "pattern:metric-at-k": 3,
    "pattern:metric-qualified": 3,
    "context:proposal": 6,
    "context:cue-word": 7,
    "context:dataset-list": 7.5,
    "context:coordination": 7.6,
    "context:dataset-cue-plain": 7.5,
    "context:coined-mention": 8,
}


@lru_cache(maxsize=1024)  # a handful of rule ids, asked once per candidate span
def rule_priority(rule_id: str) -> int:
    return RULE_PRIORITY.get(rule_id, RULE_PRIORITY.get(rule_id.split(":")[0], 9))


# --------------------------------------------------------------------------- data loading
def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read one JSONL data file; a malformed line is an ``ExtractError`` naming file and line."""
    return read_jsonl_objects(path, error=ExtractError, what="pattern data")


@dataclass(frozen=True)
class LexiconEntry:
    name: str
    type: str
    aliases: tuple[str, ...]
    source: str  # file stem, used in the rule id ("lexicon:models")


def load_lexicons(lexicon_dir: Path | str | None = None) -> list[LexiconEntry]:
    """All entries of every ``*.jsonl`` under ``lexicon_dir`` (sorted by file name)."""
    d = Path(lexicon_dir) if lexicon_dir else LEXICON_DIR
    files = sorted(d.glob("*.jsonl"))
    if not files:
        raise ExtractError(f"No lexicon files (*.jsonl) in {d}")
    entries = []
    for path in files:
        for n, row in enumerate(read_jsonl(path), 1):
            if not isinstance(row, dict) or "name" not in row or "type" not in row:
                raise ExtractError(f"{path}:{n}: a lexicon line needs 'name' and 'type'")
            entries.append(LexiconEntry(row["name"], row["type"], tuple(row.get("aliases", ())), path.stem))
    return entries


# A one-word name of five or more letters/digits with a capital inside and a lower-case letter
# ("AudioSet", "ALFWorld", "HumanEval"): papers vary its inner capitals ("Audioset", "AlfWorld").
_CAMEL_NAME = re.compile(r"(?=[A-Za-z0-9]*[a-z])[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]{2,}")
_CAPITAL_RUN = re.compile(r"(?<=[A-Z])[A-Z]+(?=[A-Z][a-z])")


def is_case_insensitive(alias: str) -> bool:
    """Phrase-like forms match case-insensitively; names match exactly.

    "text-to-SQL", "low-rank adaptation", "accuracy", "Gaussian process" read as phrases (they
    start lower-case or contain a lower-case word), so "Low-Rank Adaptation" in a title matches
    too. "ARC", "MATH", "Spider", "Natural Questions" are names: exact case, so the ordinary
    words "arc", "math", "spider", "natural questions" never match.
    """
    if alias[:1].islower():
        return len(alias) >= 5 or " " in alias or "-" in alias
    words = re.split(r"[\s\-]+", alias)
    return len(words) > 1 and any(len(w) >= 4 and w.isalpha() and w.islower() for w in words[1:])


def case_variants(alias: str) -> list[str]:
    """Exact-case forms to add for an alias: a lower-case word also matches at sentence start; a
    camel-case name also with its inner capitals lowered ("AudioSet" -> "Audioset", "ALFWorld" ->
    "AlfWorld", "Alfworld"), as papers write them; the all-lower form stays unmatched."""
    out = [alias]
    if alias[:1].islower() and not is_case_insensitive(alias):
        out.append(alias[:1].upper() + alias[1:])
    elif _CAMEL_NAME.fullmatch(alias):
        for v in (alias[0] + alias[1:].lower(), _CAPITAL_RUN.sub(lambda m: m.group().lower(), alias)):
            if v not in out:
                out.append(v)
    return out


_SPELLING = ((r"isation\b", "ization"), (r"ise\b", "ize"), (r"elling\b", "eling"), (r"\bdialogue\b", "dialog"),
             (r"\bmodelling\b", "modeling"), (r"\bbehaviour", "behavior"))
_JOINABLE_PREFIX = re.compile(r"\b(pre|multi|co|re|non|fine)-(?=[a-z])")


def spelling_variants(form: str, etype: str = "") -> list[str]:
    """Lower-case forms of a phrase-like lexicon alias that mean the same thing when written.

    Papers vary hyphenation ("text-to-speech" / "Text to Speech", "pre-training" /
    "pretraining", "question-answering"), British and American spelling ("optimisation", "dialogue" / "dialog") and,
    for Method phrases whose head is a count noun, number ("data augmentations", "adapters",
    "message passing neural networks").
    Generating these once at load time makes every lexicon entry match its unlisted variants,
    which matters on unseen text more than adding single names.
    """
    out = [form]
    if form.count(" ") == 1 and "-" not in form:
        out.append(form.replace(" ", "-"))  # "question-answering tasks"
    if "-" in form:
        out.append(form.replace("-", " "))
        if _JOINABLE_PREFIX.search(form):
            out.append(_JOINABLE_PREFIX.sub(r"\1", form))
    for a, b in _SPELLING:
        for f in list(out):
            if re.search(a, f):
                out.append(re.sub(a, b, f))
    if etype == "Method" and re.search(r"(?:tion|er|or|network|machine|model)$", form):
        out.extend([f + "s" for f in out])
    return list(dict.fromkeys(out))


_MODEL_VERSION = re.compile(r"^([A-Za-z][A-Za-z\-]*[A-Za-z])[ \-]?(\d+(?:\.\d+)?)$")


def model_variants(form: str) -> list[str]:
    """Written variants of a model name: the version glued, hyphenated or spaced ("Llama 3.1",
    "Llama-3.1", "Llama3.1"), and an all-capitals name of five or more letters in title case
    ("BLOOM" / "Bloom", as papers write it next to a size: "Bloom 7B")."""
    out = []
    m = _MODEL_VERSION.match(form)
    if m:
        name, ver = m.groups()
        out += [f"{name} {ver}", f"{name}-{ver}", f"{name}{ver}"]
    if len(form) >= 5 and form.isalpha() and form.isupper():
        out.append(form.capitalize())
    return [v for v in out if v != form]


# --------------------------------------------------------------------------- lexicon component
class LexiconMatcher:
    """Match lexicon names and aliases; write candidate spans to ``doc.spans["entity_candidates"]``.

    Construction stores settings only; ``add_entries`` (called by the factory with the loaded
    lexicon) builds the matchers.
    """

    def __init__(self, nlp: Language, name: str = "kgbuild_lexicon", *,
                 spans_key: str = CANDIDATES_KEY):
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entries: dict[str, LexiconEntry] = {}

    def add_entries(self, entries: Iterable[LexiconEntry]) -> None:
        exact: dict[str, list[Doc]] = {}
        lower: dict[str, list[Doc]] = {}
        seen: dict[tuple[str, bool], str] = {}
        for e in entries:
            key = f"{e.type}|{e.name}|{e.source}"
            self.entries[key] = e
            for form in (e.name, *e.aliases):
                ci = is_case_insensitive(form)
                forms = spelling_variants(form.lower(), e.type) if ci else case_variants(form)
                if not ci and e.type == "Model":
                    forms = forms + [v for v in model_variants(form) if v not in forms]
                for f in forms:
                    k = (f, ci)
                    if k in seen:
                        continue  # first entry wins (files load in name order)
                    seen[k] = key
                    (lower if ci else exact).setdefault(key, []).append(self.nlp.make_doc(f))
        for key, docs in exact.items():
            self.exact.add(key, docs)
        for key, docs in lower.items():
            self.lower.add(key, docs)

    def match(self, doc: Doc) -> list[Span]:
        spans = []
        strings = doc.vocab.strings
        text = doc_text(doc)
        starts, ends = token_boundaries(doc)
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                # previous token is a "-" glued to this one (char offsets: no Token objects)
                if start > 0 and ends[start - 1] == starts[start] and text[starts[start - 1]:ends[start - 1]] == "-" \
                        and text[starts[start]].islower():
                    continue  # tail of a hyphenated compound: "out-of-domain generalization"
                e = self.entries[strings[match_id]]
                spans.append(Span(doc, start, end, label=e.type, kb_id=e.name, span_id=f"lexicon:{e.source}"))
        return spans

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        doc.spans[self.spans_key] = spans

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory(
    "kgbuild_lexicon",
    assigns=["doc.spans"],
    default_config={"lexicon_dir": None, "spans_key": CANDIDATES_KEY},
)
def make_lexicon_matcher(nlp: Language, name: str, lexicon_dir: str | None, spans_key: str) -> LexiconMatcher:
    comp = LexiconMatcher(nlp, name, spans_key=spans_key)
    comp.add_entries(load_lexicons(lexicon_dir))
    return comp


# --------------------------------------------------------------------------- pattern rules
@dataclass
class PatternRules:
    """The rule data of ``patterns/entities*.jsonl``, compiled."""

    generic: frozenset[str] = frozenset()
    generic_long_words: frozenset[str] = frozenset()
    shape_regexes: list[tuple[str, str, re.Pattern]] = field(default_factory=list)  # (rule, label, rx)
    versioned_suffix: str = ""
    versioned_space_ok: str = ""
    versioned_not_after: frozenset[str] = frozenset()
    cue_after: dict[str, str] = field(default_factory=dict)  # word -> label
    cue_before: dict[str, str] = field(default_factory=dict)
    propose_verbs: frozenset[str] = frozenset()
    title_heads: dict[str, str] = field(default_factory=dict)  # head word -> label
    abbrev_heads: dict[str, str] = field(default_factory=dict)
    common_prefixes: frozenset[str] = frozenset()
    title_case_rx: re.Pattern | None = None
    title_case_head: re.Pattern | None = None  # a head after a space: no match of title_case_rx without one
    technique_rx: re.Pattern | None = None  # a technique head after a word
    technique_word: re.Pattern | None = None  # one modifier
    technique_hyphen_heads: frozenset[str] = frozenset()
    technique_stop: frozenset[str] = frozenset()
    technique_task_heads: frozenset[str] = frozenset()
    title_case_label: str = "Method"
    title_case_stop_first: frozenset[str] = frozenset()
    title_case_stop_next: frozenset[str] = frozenset()
    needs_metric_context: frozenset[str] = frozenset()
    abstract_only: frozenset[str] = frozenset()
    metric_before: frozenset[str] = frozenset()
    metric_after: frozenset[str] = frozenset()
    dataset_item: re.Pattern | None = None  # one member of a dataset list
    dataset_gap: re.Pattern | None = None  # between members
    dataset_back: re.Pattern | None = None  # a member and a gap right before a known member
    dataset_lead: re.Pattern | None = None  # what introduces a list of datasets
    dataset_stop: frozenset[str] = frozenset()
    dataset_min_items: int = 2
    dataset_cue_plain: re.Pattern | None = None  # "the Tmall datasets"
    dataset_version: re.Pattern | None = None  # " v1.2", " val2017" after a dataset name
    task_not_before: frozenset[str] = frozenset()  # "... prediction model": no task
    task_title_word: re.Pattern | None = None  # one capitalised modifier of a Title Case task
    task_title_rx: re.Pattern | None = None  # a capitalised task head
    task_title_stop: frozenset[str] = frozenset()
    task_title_stop_suffixes: tuple[str, ...] = ()
    metric_at_k: re.Pattern | None = None  # "Recall@40"
    metric_qualifier: re.Pattern | None = None  # "average", "top-1", "zero-shot" before a score word
    metric_qualifier_word: re.Pattern | None = None
    metric_qualified_heads: frozenset[str] = frozenset()
    acronym_thing_heads: frozenset[str] = frozenset()  # "(CXR)" of "Chest X-ray": no entity
    task_rx: re.Pattern | None = None  # a task head after a word
    task_word: re.Pattern | None = None  # one modifier
    task_stop: frozenset[str] = frozenset()
    task_allow: frozenset[str] = frozenset()
    cue_skip: frozenset[str] = frozenset()  # "X validation dataset": words between a name and its cue

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> "PatternRules":
        r = cls()
        for row in rows:
            kind = row.get("kind")
            try:
                if kind == "generic":
                    r.generic = r.generic | frozenset(row["words"])
                elif kind == "generic_long_words":
                    r.generic_long_words = r.generic_long_words | frozenset(w.lower() for w in row["words"])
                elif kind == "regex":  # the span's rule is the family: "pattern:suffix-shape/model-suffix"
                    r.shape_regexes.append((row["id"].split("/")[0], row["label"], re.compile(row["regex"])))
                elif kind == "versioned":
                    r.versioned_suffix = row["suffix"]
                    r.versioned_space_ok = row["space_ok"]
                    r.versioned_not_after = frozenset(row.get("not_after", ()))
                elif kind == "cue_after":
                    r.cue_after.update({w: row["label"] for w in row["words"]})
                elif kind == "cue_before":
                    r.cue_before.update({w: row["label"] for w in row["words"]})
                elif kind == "title_case_names":
                    heads = "|".join(re.escape(h) for h in sorted(row["heads"], key=len, reverse=True))
                    r.title_case_rx = re.compile(
                        r"(?<![\w\-])((?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*[ ]){1,3}(?:" + heads + r"))(?![\w\-])")
                    r.title_case_head = re.compile(r" (?:" + literal_alternation(row["heads"]) + r")(?![\w\-])")
                    r.title_case_label = row["label"]
                    r.title_case_stop_first = frozenset(row.get("stop_first", ()))
                    r.title_case_stop_next = frozenset(row.get("stop_next", ()))
                elif kind == "technique_phrases":
                    all_heads = [*row["heads"], *row.get("task_heads", ())]
                    heads = literal_alternation(all_heads)  # the longest head first, as a prefix tree
                    r.technique_word = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
                    r.technique_rx = re.compile(rf"\b({heads})(?![\w\-])")
                    r.technique_hyphen_heads = frozenset(row.get("need_hyphen", ()))
                    r.technique_stop = frozenset(row.get("stop_modifiers", ()))
                    r.technique_task_heads = frozenset(row.get("task_heads", ()))
                elif kind == "dataset_list":
                    r.dataset_item = re.compile(row["item"])
                    r.dataset_gap = re.compile(row["gap"])
                    r.dataset_back = re.compile(rf"(?<![\w.+\-])({row['item']}){row['gap']}$")
                    r.dataset_lead = re.compile(row["lead"])  # matched on lower-cased text
                    r.dataset_stop = frozenset(row.get("stop", ()))
                    r.dataset_min_items = int(row.get("min_items", 2))
                elif kind == "task_title_case":
                    heads = literal_alternation(row["heads"])
                    r.task_title_rx = re.compile(rf"(?<![\w\-])({heads})(?![\w\-])")
                    r.task_title_word = re.compile(r"(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|\d[Dd])")
                    r.task_title_stop = r.task_title_stop | frozenset(w.lower() for w in row["stop"])
                    r.task_title_stop_suffixes = tuple(row.get("stop_suffixes", ()))
                elif kind == "metric_at_k":
                    r.metric_at_k = re.compile(r"(?<![\w\-@])(?:" + literal_alternation(row["names"]) + r")@\d+(?![\w@])", re.I)
                elif kind == "metric_qualified":
                    r.metric_qualifier = re.compile(row["qualifier"], re.I)
                    r.metric_qualifier_word = re.compile(r"[A-Za-z0-9][\w@\-]*")
                    r.metric_qualified_heads = frozenset(h.lower() for h in row["heads"])
                elif kind == "acronym_thing_heads":
                    r.acronym_thing_heads = r.acronym_thing_heads | frozenset(w.lower() for w in row["words"])
                elif kind == "dataset_version":
                    r.dataset_version = re.compile(row["regex"])
                elif kind == "dataset_cue_plain":
                    r.dataset_cue_plain = re.compile(row["regex"])
                elif kind == "cue_skip":
                    r.cue_skip = r.cue_skip | frozenset(w.lower() for w in row["words"])
                elif kind == "task_phrases":
                    heads = literal_alternation(row["heads"])  # the longest head first, as a prefix tree
                    r.task_word = re.compile(rf"(?:[A-Za-z][a-z0-9]*(?:-[a-z0-9]+)*|{row['acronym']})")
                    r.task_rx = re.compile(rf"\b({heads})(?![\w\-])")
                    r.task_stop = frozenset(row.get("stop", ()))
                    r.task_allow = frozenset(row.get("allow", ()))
                    r.task_not_before = frozenset(row.get("not_before", ()))
                elif kind == "abstract_only":
                    r.abstract_only = r.abstract_only | frozenset(row["names"])
                elif kind == "metric_context":
                    r.needs_metric_context = r.needs_metric_context | frozenset(row["names"])
                    r.metric_before = r.metric_before | frozenset(row.get("before", ()))
                    r.metric_after = r.metric_after | frozenset(row.get("after", ()))
                elif kind == "common_prefixes":
                    r.common_prefixes = r.common_prefixes | frozenset(w.lower() for w in row["words"])
                elif kind == "propose_verbs":
                    r.propose_verbs = r.propose_verbs | frozenset(row["words"])
                elif kind in ("title_heads", "abbrev_heads"):
                    target = r.title_heads if kind == "title_heads" else r.abbrev_heads
                    for label in ("Method", "Model", "Dataset", "Task", "Metric"):
                        target.update({w.lower(): label for w in row.get(label, ())})
                else:
                    raise ExtractError(f"Unknown pattern kind {kind!r} in entity patterns")
            except (KeyError, re.error) as exc:
                raise ExtractError(f"Bad entity pattern row {row.get('id')!r}: {exc}") from exc
        return r


def load_pattern_rules(pattern_dir: Path | str | None = None) -> PatternRules:
    d = Path(pattern_dir) if pattern_dir else PATTERN_DIR
    files = sorted(d.glob("entities*.jsonl"))
    if not files:
        raise ExtractError(f"No entity pattern files (entities*.jsonl) in {d}")
    rows: list[dict[str, Any]] = []
    first: dict[str, str] = {}
    for p in files:
        for rule in load_rules(p):  # every line has its own unique id (file and line on error)
            if rule.id in first:
                raise ExtractError(f"{rule.where()}: duplicate rule id {rule.id!r} (first in {first[rule.id]})")
            first[rule.id] = rule.where()
            rows.append(rule.fields)
    return PatternRules.from_rows(rows)


# A coined name: letters/digits with optional internal hyphens/dots, e.g. "RASAT", "SegVG",
# "Ctrl-Adapter", "xTrimoPGLM", "eP-ALM", "GLM-130B".
COINED_RX = re.compile(
    r"(?<![\w\-/@.])(?=[A-Za-z0-9\-.]*?(?:[A-Z][A-Za-z0-9\-.]*?[A-Z]|[a-z0-9][A-Z]))"
    r"([A-Za-z0-9](?:[A-Za-z0-9]|[\-.](?=[A-Za-z0-9]))*\+{0,2})(?![\w\-/@])")
# Starts of letter/digit/hyphen/dot runs with a capital after their first character: the only
# places COINED_RX can match (its lookbehind puts a match at a run start, its lookahead needs a
# second capital or a capital after a lower-case letter/digit in that run).
_COINED_START = re.compile(r"(?<![A-Za-z0-9\-.])[A-Za-z0-9\-.]+?[A-Z]")


def coined_matches(text: str) -> list[re.Match]:
    """``list(COINED_RX.finditer(text))``, with the regex tried only where it can match.

    Same matches (``tests/test_speed_invariants.py``); scanning every position with the
    lookahead of COINED_RX was the largest single cost of ``context_spans``."""
    out = []
    last = 0
    match = COINED_RX.match
    for c in _COINED_START.finditer(text):
        pos = c.start()
        if pos < last:
            continue
        m = match(text, pos)
        if m is not None:
            out.append(m)
            last = m.end()
    return out


_PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Z0-9\-]*[A-Z]s$")  # "LLMs", "PLMs", "GNNs"
_EXPANSION_STYLE = re.compile(r"^(?:[a-z]+[A-Z][a-z]+[A-Z][a-z]*|[a-z][A-Z][a-z])$")
_UNIT = re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{1,3}$")  # "349GB", "7B"
_ORDINARY_PART = re.compile(r"^(?:[A-Z]?[a-z]+|[a-z]+|\d+(?:\.\d+)?[a-zA-Z]?|[A-Z])$")


def is_coined_name(text: str, generic: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` looks like an invented name (RASAT, SegVG, AdaMix), not a word.

    Coined = some hyphen part has a capital after its first character ("SegVG", "MUSE") or mixes
    digits and capitals; ordinary words and hyphen compounds of words ("Fine-Tuning", "Zero-Shot")
    are not; generic acronyms ("LLM", "NLP") and their plurals ("LLMs") are not.
    """
    if len(text) < 2 or text in generic or text.rstrip("s") in generic:
        return False
    if _PLURAL_ACRONYM.match(text) or text.isdigit() or _UNIT.match(text):
        return False
    if not any(c.isalpha() for c in text):
        return False
    parts = text.split("-")
    if all(_ORDINARY_PART.match(p) for p in parts):
        return False
    if len(parts) == 1 and _EXPANSION_STYLE.match(text):
        return False  # "evaLuatIon", "fOr": letters capitalised to spell an acronym
    if re.fullmatch(r"[A-Z]\d+|\d+[A-Za-z]|[A-Z]{1,2}\d?", text):  # "T5"? handled by lexicon; "A1", "3D", "MS"
        return False
    return any(sum(c.isupper() for c in p) >= 2 or (p[:1].isalpha() and any(c.isupper() for c in p[1:])) for p in parts)


_NEXT_TOKEN = re.compile(r"\s*(\(|[\w\-]+)")
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_PREV_WORD = re.compile(r"([A-Za-z]+)\s+(?:the\s+|a\s+|an\s+|new\s+)?$")
_CLAUSE_SPLIT = re.compile(r"[.;!?]\s")
_NAMED_BEFORE = re.compile(r"\b(?:called|named|namely|termed|dubbed|coined)\s*[,:]?\s*$")
# "a robust fine-tuning approach, namely Rein," - a plain capitalised word named by the text
_NAMED_CAP = re.compile(r"\b(?:called|named|namely|termed|dubbed|coined)\s*[,:]?\s*[\"'“]?([A-Z][a-z0-9]+(?:-[A-Za-z0-9]+)*)\b")
_WE = re.compile(r"\b(?:[Ww]e|[Tt]his (?:paper|work)|[Hh]ere)\b")
_LIST_BEFORE = re.compile(r"\b(?:and|or|with|than|like|such as|including|from|on|over|to|using|use|uses|via|of|for|in|by)\s+$")
_PREPOSITIONS = frozenset("for of on with to from using by in into via over than as at which that who where".split())
_LOWER_WORD = re.compile(r"\b([a-z]+)\b")


# a word right after these is a verb ("can simplify forecasting", "we guide image segmentation")
_VERB_SLOT = re.compile(r"\b(?:can|could|may|might|will|would|should|must|we|they|it|helps?|does|do|did)\s+$", re.I)
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten single double multiple".split())
_ADJ_SUFFIX = re.compile(r"(?:al|ive|ed|ic|ous|ary|ar|ent|ant|able|ible|ian|wise)$")


def _words_before(text: str, pos: int, n: int, word: re.Pattern) -> list[str]:
    """Up to ``n`` words right before ``pos`` (a head preceded by one space), nearest last, each
    a whole ``word`` separated by single spaces; the farthest may follow punctuation
    ("(self-supervised learning")."""
    out: list[str] = []
    end = pos - 1  # the space before the head
    while len(out) < n and end > 0 and text[end] == " ":
        start = text.rfind(" ", max(0, end - 60), end) + 1
        tok = text[start:end]
        if word.fullmatch(tok):
            out.insert(0, tok)
            end = start - 1
            continue
        m = word.search(tok)
        while m is not None and m.end() != len(tok):
            m = word.search(tok, m.end())
        if m is not None and m.start() > 0 and not (tok[m.start() - 1].isalnum() or tok[m.start() - 1] in "-_"):
            out.insert(0, m.group())
        break
    return out


def _technique_modifier_ok(word: str, stop: frozenset[str], *, outer: bool = False) -> bool:
    """Whether ``word`` can modify a technique head ("low-rank", "counterfactual", "weight").

    Rejects stop words (function words, verbs, evaluative adjectives), numbers ("four-stage"),
    adverbs (also "carefully-designed"), gerunds and plurals. An outer modifier (the second word from the head) must look
    like a modifier by itself: a hyphen compound or an adjective suffix.
    """
    if word in stop or len(word) < 3:
        return False
    if "-" in word:
        first = word.split("-")[0]
        return not (word[0].isdigit() or first in _NUMBER_WORDS or first.endswith("ly")
                    or word.endswith(("-stage", "-step")))
    if word.endswith(("ly", "ing")) or (word.endswith("s") and not word.endswith(("ss", "us", "is"))):
        return False
    return not outer or bool(_ADJ_SUFFIX.search(word))


def is_model_shaped(name: str) -> bool:
    """Names that are released models by their shape: "...GPT", "...BERT", "...LLM", a size "-7B"."""
    return bool(
        re.search(r"(?:GPT|BERT|BERTa|T5|LLaMA|Llama|GLM|CLIP|ViT)(?:[-\s.]?\d+(?:\.\d+)?)?$", name)
        or re.search(r"[-\s]\d+(?:\.\d+)?[BM]\b", name)
    )


def head_label(words: list[str], heads: dict[str, str]) -> str | None:
    """Label of a phrase by its last word (its head), lower-cased; hyphen parts tried last-first."""
    if not words:
        return None
    last = words[-1].lower().strip(".,;:")
    if last in heads:
        return heads[last]
    part = last.split("-")[-1]
    return heads.get(part)


def initials_cover(short: str, long: str) -> bool:
    """Whether the capitals of ``short`` are, in order, initials of words of ``long``.

    "SFT" / "sparse fine-tuning" and "FFT" / "Fast Fourier Transform" do; "LoRA" / "LLM through
    parameter-efficient fine-tuning" does not (a Schwartz & Hearst match across word middles).
    """
    initials = [w[0].lower() for w in re.split(r"[\s\-]+", long) if w]
    i = 0
    for c in (ch.lower() for ch in short if ch.isupper()):
        while i < len(initials) and initials[i] != c:
            i += 1
        if i == len(initials):
            return False
        i += 1
    return True


def classify_long_form(long_text: str, rules: PatternRules) -> str | None:
    """Type of an in-text acronym by its long form's head ("... Tuning" -> Method), else None."""
    words = long_text.split()
    if all(w.lower().strip(",.") in rules.generic_long_words or
           all(p in rules.generic_long_words for p in w.lower().split("-")) for w in words):
        return None
    label = head_label(words, rules.abbrev_heads)
    if label == "Model" and not re.search(r"[A-Z]", long_text):
        return None  # "... model (XYZ)" in lower case is a description, not a name
    return label


_SUBTITLE_STOP = re.compile(
    r"\s+(?:for|of|with|in|on|to|via|from|that|towards?|and|by|at|as|using|through|beyond|into)\b|\s*[,:;.?!]|\s*$",
    re.I)
_HEAD_LABELS = {
    "model": "Model", "models": "Model", "llm": "Model", "llms": "Model", "family": "Model",
    "framework": "Method", "method": "Method", "approach": "Method", "technique": "Method",
    "algorithm": "Method", "module": "Method", "strategy": "Method", "paradigm": "Method",
    "architecture": "Method", "mechanism": "Method", "pipeline": "Method", "scheme": "Method",
    "dataset": "Dataset", "datasets": "Dataset", "benchmark": "Dataset", "benchmarks": "Dataset",
    "corpus": "Dataset", "corpora": "Dataset", "metric": "Metric", "measure": "Metric",
    "testbed": "Dataset", "suite": "Dataset",
}
_HEADS_RX = "|".join(sorted(_HEAD_LABELS, key=len, reverse=True))
# "X (long form), a novel vision-language model" / "X is a family of ... models"
# The words before the head stay inside one noun phrase: a relative clause or a prepositional
# phrase ends it ("RecMind, an LLM-enhanced graph recommender that treats the language model as
# ..." is not a model), and a head glued to a hyphen is a modifier ("LLM-Centric Agents").
_APPOSITIVE = re.compile(
    r"\s*(?:\([^()]{0,160}\))?\s*(?:,\s*|\s+is\s+|\s+as\s+|\s*:\s*)(?:a|an|the|our)\s+"
    r"((?:(?!(?:that|which|who|whose|where|when|while|to|for|with|by|from|in|on)\s)[\w\-'/]+\s+){0,8}?)"
    r"(" + _HEADS_RX + r")(?![\w\-])", re.I)
# "the text-to-NeRF model DreamFusion", "foundation model, YingLong", "framework ERNIE-Tiny"
_BEFORE_HEAD = re.compile(
    r"\b(" + _HEADS_RX + r")\s*,?\s*(?:(?:that|which)\s+we\s+(?:call|name|term|dub)\s+|(?:called|named|namely|termed|dubbed)\s+)?$",
    re.I)


_PP_BEFORE_HEAD = re.compile(r"\b(?:on|in|across|over|for|with|from|at|to|than)\s+(?:[\w\-.]+\s+){0,5}\w+$", re.I)


def cue_label(text: str, start: int, end: int) -> str | None:
    """Type named by the words around one mention of a coined name, else None.

    An appositive right after the name ("X, a novel vision-language model") or the head noun
    right before it ("the benchmark TAC", "the text-to-NeRF model DreamFusion").
    """
    m = _APPOSITIVE.match(text, end, min(len(text), end + 260))
    if m:
        return _HEAD_LABELS[m.group(2).lower()]
    m = _BEFORE_HEAD.search(text, max(0, start - 30), start)
    if m and "," in m.group() and _PP_BEFORE_HEAD.search(text, max(0, m.start() - 50), m.end(1)):
        m = None  # "on the VTAB-1K benchmark, CVPT achieves": the head ends a prepositional phrase
    if m:  # "the text-to-NeRF model DreamFusion", "a model that we call X": the name of a model
        return _HEAD_LABELS[m.group(1).lower()]
    return None


def title_subject_label(subtitle: str, rules: PatternRules, name: str) -> str | None:
    """Type of a title prefix "X: subtitle" from the head of the subtitle's first noun phrase.

    "X: A Benchmark for ..." -> Dataset, "X: Arabic GPT Models for ..." -> Model,
    "X: Integrating ..." (a verb phrase) -> None (the caller defaults to Method).
    """
    words = subtitle.split()
    if not words or words[0].lower().endswith("ing"):
        return None
    stop = _SUBTITLE_STOP.search(subtitle)
    np_words = subtitle[:stop.start()].split() if stop else words
    if not np_words or len(np_words) > 8:
        return None
    tail = " ".join(np_words).lower()
    for phrase in ("language model", "language models", "foundation model", "foundation models"):
        if tail.endswith(phrase):
            return "Model"
    return rules.title_heads.get(np_words[-1].lower())


_NUMBER_NEAR = re.compile(r"\d+(?:\.\d+)?\s*%|(?<![\w.-])\d+\.\d+(?![\w.])")


def has_metric_context(text: str, span: Span, rules: "PatternRules") -> bool:
    """Whether a generic metric word ("accuracy") is used as a measure here, not as a quality.

    True when a number (a percentage or a decimal) is in the same sentence within 60 characters,
    or a neighbouring word marks a measurement ("average accuracy", "accuracy scores").
    """
    doc = span.doc
    lo = max(span.sent.start_char if doc.has_annotation("SENT_START") else 0, span.start_char - 60)
    hi = min(span.sent.end_char if doc.has_annotation("SENT_START") else len(text), span.end_char + 60)
    if _NUMBER_NEAR.search(text, lo, hi):
        return True
    prev = doc[span.start - 1].lower_ if span.start > 0 else ""
    nxt = doc[span.end].lower_ if span.end < len(doc) else ""
    return prev in rules.metric_before or nxt in rules.metric_after


_UNSEEN = object()
_MEMO_LIMIT = 200_000  # per-word memo tables are cleared when they reach this size


class EntityPatterns:
    """Rule-based entity spans + final overlap resolution into ``doc.spans["entities"]``.

    ``match(doc)`` is pure (reads the abbreviation and lexicon span groups, returns spans);
    ``set_annotations`` writes them. Construction stores settings; ``add_rules`` compiles data.
    """

    def __init__(self, nlp: Language, name: str = "kgbuild_entity_patterns", *,
                 spans_key: str = SPANS_KEY, candidates_key: str = CANDIDATES_KEY,
                 abbreviations_key: str = "abbreviations", abbreviations_long_key: str = "abbreviations_long"):
        self.name = name
        self.spans_key = spans_key
        self.candidates_key = candidates_key
        self.abbreviations_key = abbreviations_key
        self.abbreviations_long_key = abbreviations_long_key
        self.rules = PatternRules()
        self._versioned_rx: re.Pattern | None = None
        self._shape_cache: dict[str, tuple[str, str, str] | None] = {}
        self._coined_cache: dict[str, bool] = {}
        self._coined: tuple[str, list[re.Match]] | None = None  # (doc text, its coined_matches)

    def add_rules(self, rules: PatternRules) -> None:
        self.rules = rules
        self._shape_cache = {}
        self._coined_cache = {}
        if rules.versioned_suffix:
            self._versioned_rx = re.compile(
                rf"(?:[-_]{rules.versioned_suffix}(?![A-Za-z0-9])|\s{rules.versioned_space_ok}(?![\w\-]))+")

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _span(doc: Doc, start: int, end: int, label: str, kb: str, rule: str) -> Span | None:
        """A span for chars [start, end) when they fall on token boundaries (else None).

        Same result as ``doc.char_span(start, end, alignment_mode="strict")``, looked up in the
        doc's token-boundary lists instead (no throw-away Span per candidate)."""
        bounds = char_span_bounds(doc, start, end)
        if bounds is None:
            return None
        return Span(doc, bounds[0], bounds[1], label=label, kb_id=kb, span_id=rule)

    # ---------------------------------------------------------------- rules
    def acronym_spans(self, doc: Doc, lexicon: list[Span]) -> tuple[list[Span], set[str], set[str]]:
        """Entities from "long form (SHORT)" definitions.

        Returns (spans, overridden, weak): ``overridden`` are short forms whose in-text
        definition contradicts the lexicon sense ("Fast Fourier Transform (FFT)" is not full
        fine-tuning) or is generic; ``weak`` are short forms typed by default (a Title Case
        long form with no telling head word), which context cues may retype.
        """
        out: list[Span] = []
        overridden: set[str] = set()
        weak: set[str] = set()
        shorts = doc.spans[self.abbreviations_key] if self.abbreviations_key in doc.spans else []
        longs = doc.spans[self.abbreviations_long_key] if self.abbreviations_long_key in doc.spans else []
        by_pos = {(s.start, s.end): s for s in lexicon}
        rules = self.rules

        def add(short: Span, long: Span, label: str, kb: str) -> None:
            out.append(Span(doc, short.start, short.end, label=label, kb_id=kb, span_id="pattern:acronym-def"))
            out.append(Span(doc, long.start, long.end, label=label, kb_id=kb, span_id="pattern:acronym-def"))

        for short, long in zip(shorts, longs):
            s_lex = by_pos.get((short.start, short.end))
            l_lex = by_pos.get((long.start, long.end))
            tail_lex = next((s for s in lexicon if s.end == long.end and s.start > long.start), None)
            if s_lex is not None and l_lex is not None:
                if s_lex.kb_id_ != l_lex.kb_id_ or s_lex.label_ != l_lex.label_:
                    overridden.add(short.text)  # the text says which sense; trust the long form
                    add(short, long, l_lex.label_, l_lex.kb_id_)
                continue
            if l_lex is not None:
                if is_coined_name(short.text, rules.generic) and not initials_cover(short.text, long.text):
                    # "mixed linearized attention (LiZA)": the paper names its own variant of a
                    # known technique; the short form is a new thing, the long form stays lexical
                    out.append(Span(doc, short.start, short.end, label=l_lex.label_, kb_id=short.text,
                                    span_id="pattern:acronym-def"))
                    continue
                add(short, long, l_lex.label_, l_lex.kb_id_)
                continue
            label = classify_long_form(long.text, rules)
            if s_lex is not None:
                # The lexicon knows this short form. A long form it does not list overrides that sense
                # only when the lexicon has an expansion of its own ("full fine-tuning" for FFT) and
                # the text's long form plainly spells the acronym ("Fast Fourier Transform (FFT)",
                # "sparse fine-tuning (SFT)"); a bare name (CLAP) keeps its lexicon type.
                entry_has_long = match_key(s_lex.kb_id_) != match_key(short.text)
                if entry_has_long and initials_cover(short.text, long.text):
                    overridden.add(short.text)
                    if label is not None:
                        add(short, long, label, short.text)
                continue
            if any(w in rules.generic or _PLURAL_ACRONYM.match(w) for w in (short.text, *short.text.split())):
                overridden.add(short.text)  # "LLMs", "Code LLMs": classes of things, not names
                continue
            if label is None and tail_lex is not None and tail_lex.label_ in ("Method", "Model"):
                label = tail_lex.label_  # "Viewpoint Neural Textual Inversion (ViewNeTI)"
            if label is None and rules.acronym_thing_heads and \
                    long.text.lower().split()[-1] in rules.acronym_thing_heads:
                overridden.add(short.text)  # "Chest X-ray (CXR)", "Unmanned Aerial Vehicle (UAV)": a thing, not a technique
                continue
            if label is None and _is_title_case_name(long.text) and is_coined_name(short.text, rules.generic):
                label = "Model" if is_model_shaped(short.text) else "Method"
                weak.add(short.text)
            if label is None:
                overridden.add(short.text)
                continue
            if label == "Model" and not is_model_shaped(short.text) and not _is_title_case_name(long.text):
                continue
            add(short, long, label, short.text)
        return out, overridden, weak

    def title_prefix_span(self, doc: Doc) -> tuple[Span | None, bool]:
        """The title's "X: ..." prefix when X is a coined name (RASAT, SegVG, Ctrl-Adapter).

        Returns (span, weak): weak when the subtitle did not say what X is.
        """
        text = self._text
        nl = text.find("\n")
        title = text if nl < 0 else text[:nl]
        m = _TITLE_PREFIX.match(title)
        if not m:
            return None, False
        name = m.group(1)
        words = name.split()
        if len(words) > 3:
            return None, False
        if len(words) == 1:
            if not is_coined_name(name, self.rules.generic) and not self._plain_title_name(text, nl, name, m.group(2)):
                return None, False
        elif not (is_coined_name(words[0], self.rules.generic) or _TITLE_NAME.match(name)):
            return None, False
        elif not all(w[:1].isupper() or w[:1].isdigit() for w in words):
            return None, False
        elif not is_coined_name(words[0], self.rules.generic) and text.find(name, nl + 1 if nl >= 0 else 0) < 0:
            return None, False  # "Memory Decoder: ..." counts only when the abstract uses the name
        label = title_subject_label(m.group(2), self.rules, name)
        weak = label is None
        if label is None:
            label = "Model" if is_model_shaped(name) else "Method"
        return self._span(doc, m.start(1), m.end(1), label, name, "pattern:title-prefix"), weak

    def _plain_title_name(self, text: str, nl: int, name: str, subtitle: str) -> bool:
        """A capitalised ordinary-looking word before the title's colon ("Liger: Linearizing
        ...", "Polyhistor: Parameter-Efficient ...", "Igea: a Decoder-Only Language Model") is
        the paper's name when the abstract uses it again or the subtitle says what it is.

        Why: most new names are words, not camel-case acronyms; in the seed corpus nearly every
        one-word title prefix is the paper's system. Generic words ("Transformers", "LLMs") and
        common prefixes stay out.
        """
        rules = self.rules
        if not name[:1].isupper() or len(name) < 3 or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", name):
            return False
        if name in rules.generic or name.rstrip("s") in rules.generic or name.lower() in rules.common_prefixes:
            return False
        if name.lower() in rules.generic_long_words or name.lower() in rules.technique_stop:
            return False
        if nl >= 0:
            # used again inside a sentence (a sentence-initial "Scaling ..." proves nothing)
            for m in re.compile(r"(?<![\w\-])" + re.escape(name) + r"(?![\w\-])").finditer(text, nl + 1):
                if m.start() > nl + 1 and not text[max(0, m.start() - 2):m.start()].endswith((". ", "? ", "! ", "\n")):
                    return True
        return title_subject_label(subtitle, rules, name) is not None

    def versioned_spans(self, doc: Doc, lexicon: list[Span]) -> list[Span]:
        """Extend Model lexicon names by versions/sizes ("LLaMA-2 7B", "Flan-T5-XXL", "T5-large") and
        architecture families by a hyphen-joined size into a checkpoint, a Model ("MobileNetV3-Large",
        "ResNet-50", "RT-DETR-R50")."""
        out = []
        rx = self._versioned_rx
        if rx is None:
            return out
        text = self._text
        for s in lexicon:
            if s.label_ not in ("Model", "Method"):
                continue
            m = rx.match(text, s.end_char)
            if not m or m.end() == s.end_char:
                continue
            if s.label_ == "Method" and not text.startswith("-", s.end_char):
                continue  # an architecture family names a checkpoint only hyphen-joined: "MobileNetV3-Large"
            span = self._span(doc, s.start_char, m.end(), "Model", text[s.start_char:m.end()], "pattern:versioned-name")
            if span is not None:
                out.append(span)
        return out

    def shape_spans(self, doc: Doc) -> list[Span]:
        """Names by shape: "X-Adapter", "XFormer", "XBERT", "Name-7B" (regexes from the data)."""
        out = []
        text = self._text
        shape_of = self._shape_of
        cache = self._shape_cache
        for m in _CAPWORD.finditer(text):
            word = m.group(0).rstrip(".")
            found = cache.get(word, _UNSEEN)
            if found is _UNSEEN:
                found = shape_of(word)
            if found is None:
                continue
            label, rule, word = found
            if rule == "pattern:sized-name":
                nxt = _NEXT_WORD.match(text, m.start() + len(word))
                if nxt and self.rules.cue_after.get(nxt.group(1).lower()) == "Dataset":
                    label = "Dataset"  # "a curated CXR-1M dataset": the size names a dataset
            span = self._span(doc, m.start(), m.start() + len(word), label, word, rule)
            if span is not None:
                out.append(span)
        return out

    def _shape_of(self, raw: str) -> tuple[str, str, str] | None:
        """(label, rule, name) of the first shape regex the word ``raw`` matches, None when no rule
        names it; the name drops a description after the last hyphen ("Llama2-7B-based" ->
        "Llama2-7B").

        Depends on the word alone, so it is memoised per component (words repeat within and
        across abstracts; the shape regexes were a hot spot)."""
        rules = self.rules
        word = raw
        if "-" in word and word.rsplit("-", 1)[1].lower() in rules.versioned_not_after:
            word = word.rsplit("-", 1)[0]  # "the Llama2-7B-based Open-RAG": the name is "Llama2-7B"
        found = None
        if word not in rules.generic:
            for rule, label, rx in rules.shape_regexes:
                if not rx.fullmatch(word):
                    continue
                head = word.split("-")[0]
                if "-" in word and head.lower() in rules.common_prefixes:
                    break
                if rule == "pattern:suffix-shape" and "-" not in word and not is_coined_name(word, rules.generic):
                    break
                if word.endswith("s") and re.search(r"(?:LM|LLM|Net|Former|Adapter)s$", word):
                    break  # plural: a class of things ("SpeechLMs"), not one name
                found = (label, rule, word)
                break
        if len(self._shape_cache) >= _MEMO_LIMIT:
            self._shape_cache.clear()
        self._shape_cache[raw] = found
        return found

    def title_case_spans(self, doc: Doc) -> list[Span]:
        """Capitalised multi-word names ending in a method head: "Memory Decoder", "Task-Adaptive
        Distillation", "Bottleneck Adapters" (abstract only; not at a sentence start, not the start
        of a longer capitalised phrase, not an acronym's long form - that rule handles those)."""
        rules = self.rules
        rx = rules.title_case_rx
        if rx is None:
            return []
        text = self._text
        body = text.find("\n") + 1
        out = []
        head = rules.title_case_head
        if head is not None and head.search(text, body) is None:
            return out  # every name this rule finds ends in a head after a space
        for m in rx.finditer(text, body):
            name = m.group(1)
            start, end = m.start(1), m.end(1)
            words = name.split()
            if words[0] in rules.title_case_stop_first or any(w in rules.generic for w in words):
                continue
            before = text[max(body, start - 2):start]
            if start == body or before.endswith((". ", "? ", "! ", ": ", "\n")) or before.endswith(("(", '"')):
                continue
            nxt = _NEXT_TOKEN.match(text, end)
            if nxt and (nxt.group(1)[:1].isupper() or nxt.group(1) in rules.title_case_stop_next or nxt.group(1) == "("):
                continue
            span = self._span(doc, start, end, rules.title_case_label, name, "pattern:title-case-name")
            if span is not None:
                out.append(span)
        return out

    def technique_spans(self, doc: Doc, lexicon: list[Span]) -> list[Span]:
        """Lower-case technique phrases: a specific modifier + a method head ("counterfactual
        regularization", "low-rank decomposition", "differentiable weight masking", "prompt-based
        learning").

        Why: unseen papers name their techniques with new modifiers far more often than with
        lexicon names, so a lexicon alone misses them. Precision guards (all data): the modifier
        next to the head must not be a function word, verb or evaluative adjective ("efficient
        pruning", "propose distillation"), not an adverb (-ly), gerund (-ing) or plural; a second,
        outer modifier must itself look like a modifier (a hyphen compound or an adjective
        suffix); broad heads ("learning", "attention") need a hyphenated modifier
        ("self-supervised learning", "relation-aware self-attention"), and a phrase ending in a
        lexicon Task ("cross-lingual few-shot learning") is left to the lexicon, as is a lexicon
        Method with a noun in front; a hyphen compound or an adjective in front names the
        paper's variant ("relation-aware self-attention", "asymmetric knowledge distillation").
        """
        rules = self.rules
        rx = rules.technique_rx
        if rx is None:
            return []
        text = self._text
        stop = rules.technique_stop
        tails = {s.end_char: s for s in lexicon}
        out = []
        word = rules.technique_word
        for m in rx.finditer(text):  # heads are rare: find them, then read the words before
            if m.start() < 2 or text[m.start() - 1] != " " or not text[m.start() - 2].isalnum():
                continue
            head = m.group(1)
            mods = _words_before(text, m.start(), 2, word)
            keep: list[str] = []
            for i, w in enumerate(reversed(mods)):
                if not _technique_modifier_ok(w, stop, outer=i > 0):
                    break
                keep.insert(0, w)
            if not keep or keep[-1][:5] == head[:5]:
                continue  # "decoder decoding", "encoder encoding": no technique named
            if head in rules.technique_hyphen_heads and not any("-" in w for w in keep):
                continue
            label = "Task" if head in rules.technique_task_heads else "Method"
            start = m.end() - len(head) - sum(len(w) + 1 for w in keep)
            end = m.end()
            lex = tails.get(end)
            if label == "Task" and (lex is None or lex.label_ != "Task" or lex.start_char <= start):
                continue  # task phrases only refine a lexicon task ("customized music generation")
            if lex is not None and lex.start_char >= start:
                if lex.label_ != label or lex.start_char == start:
                    continue  # a Task ("few-shot learning") or exactly a lexicon name
                extra = text[start:lex.start_char].split()
                if not all("-" in w or _ADJ_SUFFIX.search(w) for w in extra):
                    continue  # "model knowledge distillation": the lexicon name stands
            span = self._span(doc, start, end, label, text[start:end], "pattern:technique-phrase")
            if span is not None:
                out.append(span)
        return out

    def task_spans(self, doc: Doc) -> list[Span]:
        """Settings and problems named by modifiers + a task head ("brain tumor segmentation",
        "3D medical image segmentation", "next-item prediction"): the longest phrase wins over a
        lexicon task inside it ("whole-slide image classification" over "image classification").

        Modifiers are read from the head outwards and stop at a function word, an evaluative
        adjective ("accurate", "robust"), an adverb, a gerund or a plural (rules' ``stop``), so
        "achieves accurate segmentation" names no task."""
        rx = self.rules.task_rx
        if rx is None:
            return []
        text = self._text
        stop = self.rules.task_stop | (self.rules.technique_stop - self.rules.task_allow)
        word = self.rules.task_word
        out = []
        for m in rx.finditer(text):  # heads are rare: find them, then read the words before
            if m.start() < 2 or text[m.start() - 1] != " " or not text[m.start() - 2].isalnum():
                continue
            head = m.group(1)
            mods = _words_before(text, m.start(), 3, word)
            keep: list[str] = []
            for w in reversed(mods):
                low = w.lower()
                if low in stop or (low.endswith(("ly", "ing")) or (
                        low.endswith("s") and not low.endswith(("ss", "us", "is", "series")))) and not w.isupper():
                    break
                if w[:1].isupper() and not w.isupper() and not w[:1].isdigit():
                    # a capitalised word is a modifier only as the first word of a sentence
                    # ("Real-time object detection needs ..."), not inside Title Case text
                    at = m.start() - sum(len(x) + 1 for x in keep) - len(w) - 1
                    if not (at == 0 or text[at - 1] == "\n" or text[max(0, at - 2):at] in (". ", "? ", "! ")):
                        break
                    keep.insert(0, w)
                    break
                keep.insert(0, w)
            start = m.start() - sum(len(w) + 1 for w in keep)
            if keep and _VERB_SLOT.search(text, max(0, start - 12), start):
                start += len(keep.pop(0)) + 1  # "can simplify forecasting": the first word is a verb
            if not keep:
                continue
            if self.rules.task_not_before:
                nxt = _NEXT_WORD.match(text, m.end())
                if nxt and nxt.group(1).lower() in self.rules.task_not_before:
                    continue  # "a wind power generation prediction model": it names a system, not a task
            span = self._span(doc, start, m.end(), "Task", text[start:m.end()], "pattern:task-phrase")
            if span is not None:
                out.append(span)
        return out

    def metric_spans(self, doc: Doc, lexicon: list[Span]) -> list[Span]:
        """Metrics named by shape or by a qualifier: a ranking/generation metric at a cut-off
        ("Recall@40", "NDCG@40", "BLEU@4"), and a score word with the qualifier that says which
        score ("average accuracy", "zero-shot accuracy", "top-1 accuracy", "worst-case test
        accuracy", "LC win rate", "mean AUC").

        Why: papers report the qualified score, and annotators name the metric as written; the
        bare lexicon word ("accuracy") inside it is then a wrong entity and the qualified one a
        miss. Qualifiers are data (``metric_qualified``); a word outside the list ("the model
        accuracy") leaves the bare metric alone."""
        rules = self.rules
        text = self._text
        out = []
        if rules.metric_at_k is not None and "@" in text:
            for m in rules.metric_at_k.finditer(text):
                span = self._span(doc, m.start(), m.end(), "Metric", m.group(), "pattern:metric-at-k")
                if span is not None:
                    out.append(span)
        if rules.metric_qualifier is None:
            return out
        heads = [(s.start_char, s.end_char) for s in lexicon
                 if s.label_ == "Metric" and s.kb_id_.lower() in rules.metric_qualified_heads]
        heads.extend((s.start_char, s.end_char) for s in out)
        for a, b in heads:
            if a < 2 or text[a - 1] != " ":
                continue
            mods = _words_before(text, a, 2, rules.metric_qualifier_word)
            keep: list[str] = []
            for w in reversed(mods):
                if not rules.metric_qualifier.fullmatch(w):
                    break
                keep.insert(0, w)
            if not keep:
                continue
            start = a - sum(len(w) + 1 for w in keep)
            span = self._span(doc, start, b, "Metric", text[start:b], "pattern:metric-qualified")
            if span is not None:
                out.append(span)
        return out

    def title_task_spans(self, doc: Doc, lexicon: list[Span]) -> list[Span]:
        """Tasks and techniques written in Title Case, as titles name them: capitalised modifiers +
        a task head or a lexicon task ("for Real-time Object Detection", "Unsupervised Monocular
        Depth Estimation", "Semi-Supervised Semantic Segmentation") or a lexicon technique ("Dynamic
        Early Exiting", "One-Shot Federated Learning", "Post-Training Quantization"; rule
        ``pattern:technique-title-case``), when the paper names the longer phrase again.

        Why: the lower-case rule reads only lower-case modifiers, so in a title the lexicon matched
        the bare "Object Detection" inside the longer task the paper is about. Modifiers are read
        from the head outwards and stop at a function word, a verb-like word ("Enhancing",
        "Towards"), an evaluative adjective ("Accurate", "Efficient"), a plural or a coined name
        ("YOLOv8", "nuScenes"); ``task_title_case`` holds the extra stop words."""
        rules = self.rules
        word = rules.task_title_word
        if word is None:
            return []
        text = self._text
        stop = rules.task_title_stop
        nl = text.find("\n")
        title_end = nl if nl >= 0 else len(text)  # Title Case is the title's style: heads are looked up there
        heads: list[tuple[int, int, str]] = [(s.start_char, s.end_char, s.label_) for s in lexicon
                                             if s.start_char < title_end and s.label_ in ("Task", "Method")
                                             and text[s.start_char:s.start_char + 1].isupper()
                                             and text[s.start_char + 1:s.start_char + 2].islower()]
        if rules.task_title_rx is not None:
            heads.extend((m.start(1), m.end(1), "Task") for m in rules.task_title_rx.finditer(text, 0, title_end))
        lowered = None
        out = []
        seen: set[tuple[int, int]] = set()
        for a, b, label in heads:
            if a < 2 or text[a - 1] != " " or not text[a - 2].isalnum():
                continue
            mods = _words_before(text, a, 4, word)
            keep: list[str] = []
            for w in reversed(mods):
                low = w.lower()
                if low in stop or low.endswith(("ing", "ly")) or (
                        low.endswith("s") and not low.endswith(("ss", "us", "is", "series"))):
                    break
                if w in rules.generic or low.endswith(rules.task_title_stop_suffixes):
                    break  # "LLM-based Program Repair": the system, not the task
                if "-" not in w and (is_coined_name(w, rules.generic) or (w.isupper() and len(w) > 1)) \
                        and not re.fullmatch(r"\d[Dd]", w):
                    break  # "YOLOv8 Object Detection", "MRI Brain Tumor Segmentation": a name, not a modifier
                keep.insert(0, w)
            if not keep:
                continue
            start = a - sum(len(w) + 1 for w in keep)
            if (start, b) in seen:
                continue
            seen.add((start, b))
            name = text[start:b]
            if lowered is None:
                lowered = _HYPHEN_SPACE.sub(" ", text.lower())  # same length: offsets stay valid
            if lowered.count(_HYPHEN_SPACE.sub(" ", name.lower())) < 2:
                continue  # the text never repeats the phrase (a cheap test before the exact one)
            again = [m for m in re.finditer(
                r"(?<![\w\-])" + r"[\s\-]+".join(map(re.escape, re.split(r"[\s\-]+", name))) + r"(?![\w\-])",
                text, re.I)]
            if len(again) < 2:
                continue  # a one-off title phrasing; the paper's task is the one it keeps naming
            rule = "pattern:task-title-case" if label == "Task" else "pattern:technique-title-case"
            for m in again:  # every mention, so the bare lexicon name inside it is no entity of its own
                span = self._span(doc, m.start(), m.end(), label, name, rule)
                if span is not None:
                    out.append(span)
        return out

    def context_spans(self, doc: Doc, known: dict[str, tuple[str, str]]) -> list[Span]:
        """Coined names made credible by a proposal verb or a cue word next to them."""
        out = []
        rules = self.rules
        text = self._text
        longs = doc.spans[self.abbreviations_long_key] if self.abbreviations_long_key in doc.spans else []
        inside = [(s.start_char, s.end_char) for s in longs]
        coined_cache = self._coined_cache  # is_coined_name depends on the name alone: memoised
        multi = [k for k in known if " " in k]  # multi-word known names, listed once per doc
        for m in self._coined_matches():
            if inside and any(a <= m.start(1) < b for a, b in inside):
                continue  # "REcurrent ADaption (READ)": the long form is not a name of its own
            name = m.group(1).rstrip(".")
            if name in known:
                continue
            coined = coined_cache.get(name)
            if coined is None:
                if len(coined_cache) >= _MEMO_LIMIT:
                    coined_cache.clear()
                coined = coined_cache[name] = is_coined_name(name, rules.generic)
            if not coined:
                continue
            start = m.start(1)
            if multi and any(k.startswith(name + " ") and text.startswith(k, start) for k in multi):
                continue  # "OpenVision" inside the known "OpenVision 2"
            parts = name.split("-")
            if len(parts) > 1 and (parts[0].islower() or parts[-1].lower() in rules.versioned_not_after):
                continue  # "image-to-NeRF", "CauKer-generated": descriptions, not names
            start, end = m.start(1), m.start(1) + len(name)
            label = rule = None
            wa = _NEXT_WORD.match(text, end)
            if wa and wa.group(1).lower() in rules.cue_skip:
                wa2 = _NEXT_WORD.match(text, wa.end())
                if wa2 and rules.cue_after.get(wa2.group(1).lower()) == "Dataset":
                    wa = wa2  # "the BraTS2021 validation dataset"
            wb = _PREV_WORD.search(text[max(0, start - 40):start])
            if wa and wa.group(1).lower() in rules.cue_after:
                label, rule = rules.cue_after[wa.group(1).lower()], "context:cue-word"
            elif wb and wb.group(1).lower() in rules.cue_before:
                label, rule = rules.cue_before[wb.group(1).lower()], "context:cue-word"
            elif self._is_proposed(text, start, name):
                label = "Model" if is_model_shaped(name) else "Method"
                rule = "context:proposal"
            else:
                m2 = _APPOSITIVE.match(text, end, min(len(text), end + 260))
                if m2 and not re.match(r"\W*our\b", text[end:m2.end()], re.I):  # "X, the largest collection of ... corpora"
                    label, rule = _HEAD_LABELS[m2.group(2).lower()], "context:cue-word"
            if label is None:
                continue
            span = self._span(doc, start, end, label, name, rule)
            if span is not None:
                out.append(span)
        for m in _NAMED_CAP.finditer(text):
            name = m.group(1)
            if name in known or name in rules.generic or name.lower() in rules.common_prefixes:
                continue
            nxt = _NEXT_TOKEN.match(text, m.end(1))
            if nxt and (nxt.group(1)[:1].isupper() or nxt.group(1) == "("):
                continue  # first word of a longer name ("called Parameter-Inverted Image ...")
            if len(re.findall(r"(?<![\w\-])" + re.escape(name) + r"(?![\w\-])", text)) < 2:
                continue  # a name the paper keeps using, not a one-off capitalised word
            label = "Model" if is_model_shaped(name) else "Method"
            span = self._span(doc, m.start(1), m.end(1), label, name, "context:proposal")
            if span is not None:
                out.append(span)
        return out

    def _is_proposed(self, text: str, start: int, name: str) -> bool:
        """"we propose X", "we introduce a novel framework, X,", "... called X" before ``start``."""
        before = text[max(0, start - 120):start]
        clause = _CLAUSE_SPLIT.split(before)[-1]
        if _NAMED_BEFORE.search(clause):
            return True
        if not _WE.search(clause) or _LIST_BEFORE.search(clause) or len(clause.split()) > 16:
            return False
        words = _LOWER_WORD.findall(clause)
        for i, w in enumerate(words):
            if w in self.rules.propose_verbs:
                # "we propose TWIST, a method for training SpeechLMs": SpeechLMs is not proposed
                return not any(x in _PREPOSITIONS for x in words[i + 1:])
        return False

    def retype(self, name: str, label: str) -> str:
        """Type for a coined name from cue words around any of its mentions (first cue wins)."""
        text = self._text
        i = text.find(name)
        while i >= 0:
            end = i + len(name)
            if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "-/")) and (
                    end >= len(text) or not text[end].isalnum()):
                nxt = _NEXT_WORD.match(text, end + 1 if text.startswith(")", end) else end)
                if nxt and self.rules.cue_after.get(nxt.group(1).lower()) == "Dataset":
                    return "Dataset"  # "Room2Room Last (R2R-Last) datasets"
                cue = cue_label(text, i, end)
                if cue is not None:
                    return cue
            i = text.find(name, end)
        return label

    def mention_spans(self, doc: Doc, known: dict[str, tuple[str, str]]) -> list[Span]:
        """Every occurrence of a name this doc established (title prefix, proposal, acronym)."""
        out = []
        text = self._text
        lower = text.lower()
        for name, (label, kb) in known.items():
            hay, needle = (lower, name.lower()) if len(name) >= 4 else (text, name)
            i = hay.find(needle)
            while i >= 0:
                end = i + len(name)
                ok_left = i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "-/")
                ok_right = end >= len(text) or not (text[end].isalnum() or text[end] in "/" or
                                                    (text[end] == "-" and end + 1 < len(text) and text[end + 1].isalnum()))
                if ok_left and ok_right and (hay is text or any(c.isupper() for c in text[i:end])):
                    span = self._span(doc, i, end, label, kb, "context:coined-mention")
                    if span is not None:
                        out.append(span)
                i = hay.find(needle, end)
        return out

    def dataset_list_spans(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Unrecognised names in a list with a known dataset ("on both CAMELYON16 and BRACS
        datasets", BRACS typed by its cue word), or in a list introduced as datasets ("evaluated on
        Cora, Citeseer, and PubMed", "datasets: Earnings-22, Tedlium and Rev16"), are Datasets.

        A list with a recognised Method/Model member is not a dataset list ("on LLaMA-7B and
        Mistral-7B"); only name-shaped members (capital or digit first) are taken."""
        rules = self.rules
        item, gap, lead = rules.dataset_item, rules.dataset_gap, rules.dataset_lead
        if item is None or gap is None or lead is None:
            return []
        text = self._text
        body = text.find("\n") + 1
        by_start: dict[int, Span] = {}  # the longest candidate starting at each offset
        for s in spans:
            old = by_start.get(s.start_char)
            if old is None or s.end_char > old.end_char:
                by_start[s.start_char] = s
        datasets = [s for s in by_start.values() if s.label_ == "Dataset" and s.start_char >= body]
        starts: list[int] = [s.start_char for s in datasets]
        low = text.lower()  # the lead rule is lower-case: case-insensitive scanning costs more
        if len(low) == len(text):
            starts.extend(m.end() for m in lead.finditer(low, body))  # where a list is introduced
        else:
            starts.extend(body + m.end() for m in re.finditer(lead.pattern, text[body:], re.I))
        out: list[Span] = []
        seen: set[int] = set()
        plain = rules.dataset_cue_plain
        if plain is not None:
            for m in plain.finditer(text, body):
                name = m.group(1)
                if m.start() in by_start or name in rules.dataset_stop or name in rules.generic or (
                        "-" in name and name.rsplit("-", 1)[1].islower()):
                    continue  # "CauKer-generated datasets": a description, not a name
                span = self._span(doc, m.start(), m.end(), "Dataset", name, "context:dataset-cue-plain")
                if span is not None:
                    out.append(span)
                    by_start[m.start()] = span
                    starts.append(m.start())
        seen_plain = {sp.start_char for sp in out}
        for first in sorted(set(starts)):
            if first in seen:
                continue
            # walk back to the list's first member, then collect members forward
            members: list[tuple[int, int]] = []
            back = rules.dataset_back
            while back is not None and first in by_start:
                prev = back.search(text, max(body, first - 60), first)
                if prev is None or prev.start(1) in seen:
                    break
                first = prev.start(1)
            pos, last = first, False
            while True:
                known = by_start.get(pos)
                m = item.match(text, pos)
                end = known.end_char if known is not None else (m.end() if m else -1)
                if end <= pos:
                    break
                members.append((pos, end))
                if last:
                    break  # "A, B and C": the member after "and" / "or" ends the list
                g = gap.match(text, end)
                if g is None:
                    break
                last = bool(re.search(r"\b(?:and|or)\b", g.group()))
                pos = g.end()
            if len(members) < rules.dataset_min_items and not any(by_start.get(a) is not None for a, _ in members):
                continue
            labels = [by_start[a].label_ if a in by_start else None for a, _ in members]
            if any(lb in ("Method", "Model") for lb in labels) or not (
                    "Dataset" in labels or len(members) >= rules.dataset_min_items):
                continue
            for (a, b), lb in zip(members, labels):
                seen.add(a)
                name = text[a:b]
                if (lb is not None or name in rules.dataset_stop or name in rules.generic or a in seen_plain
                        or ("-" in name and name.rsplit("-", 1)[1].islower())):
                    continue
                span = self._span(doc, a, b, "Dataset", name, "context:dataset-list")
                if span is not None:
                    out.append(span)
        return out

    def coordination_spans(self, doc: Doc, spans: list[Span], coined: dict[str, tuple[str, str]]) -> list[Span]:
        """A coined name coordinated with a known Method/Model takes its type: "GAE and SEAL",
        "ChatGPT, Self-RAG, and Command R+", "outperforms LoRA, VeRA and PiSSA".

        Why: comparisons and baselines list systems side by side, and unseen names there have no
        cue word of their own. Only coined shapes ("SEAL", "Self-RAG"; ``is_coined_name``) next
        to a member the rules already typed, and only when every typed neighbour agrees."""
        text = self._text
        body = text.find("\n") + 1
        typed: dict[int, str] | None = None  # span start -> label, built at the first candidate
        ends: dict[int, str] = {}
        generic = self.rules.generic
        out = []
        for m in self._coined_matches():
            start = m.start(1)
            if start < body:
                continue
            name = m.group(1).rstrip(".")
            end = start + len(name)
            # cheap look at the neighbours first: a comma or "and"/"or" on one side
            if not (text[start - 2:start] == ", " or text[start - 4:start] in ("and ", " or ")
                    or text[end:end + 1] == "," or text[end:end + 5] in (" and ", " or ") or text[end:end + 4] == " or "):
                continue
            if typed is None:
                typed = {}
                for sp in spans:
                    typed[sp.start_char] = sp.label_
                    ends[sp.end_char] = sp.label_
                if "Method" not in typed.values() and "Model" not in typed.values():
                    return out
            if start in typed or name in coined:
                continue
            ok = self._coined_cache.get(name)
            if ok is None:
                ok = is_coined_name(name, generic)
            if not ok:
                continue
            labels = set()
            before = _COORD_BEFORE.search(text, max(0, start - 12), start)
            if before is not None and before.start() in ends:
                labels.add(ends[before.start()])
            after = _COORD_AFTER.match(text, end)
            if after is not None and after.end() in typed:
                labels.add(typed[after.end()])
            if len(labels) != 1 or not labels <= {"Method", "Model"}:
                continue
            span = self._span(doc, start, end, labels.pop(), name, "context:coordination")
            if span is not None:
                out.append(span)
        return out

    def dataset_version_spans(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """A dataset name extended by the version or split written after it ("Defects4J v1.2",
        "COCO val2017", "AlpacaEval 2"): benchmarks report on one version or split."""
        rx = self.rules.dataset_version
        if rx is None:
            return []
        text = self._text
        out = []
        for s in spans:
            if s.label_ != "Dataset":
                continue
            m = rx.match(text, s.end_char)
            if m is None:
                continue
            name = text[s.start_char:m.end()]
            span = self._span(doc, s.start_char, m.end(), "Dataset", name, "pattern:dataset-version")
            if span is not None:
                out.append(span)
        return out

    def _coined_matches(self) -> list[re.Match]:
        """``coined_matches`` of the current doc's text, computed once per doc (two rules read it)."""
        text = self._text
        if self._coined is None or self._coined[0] is not text:
            self._coined = (text, coined_matches(text))
        return self._coined[1]

    # ---------------------------------------------------------------- spaCy API
    def match(self, doc: Doc) -> list[Span]:
        # per-call scratch: the helpers below read the doc's text from here (one copy per doc)
        self._text = text = doc_text(doc)

        def st(span: Span) -> str:  # Span.text, from the cached text (no Token objects)
            return text[span.start_char:span.end_char]

        lexicon = list(doc.spans[self.candidates_key]) if self.candidates_key in doc.spans else []
        acr, overridden, weak = self.acronym_spans(doc, lexicon)
        if overridden:
            lexicon = [s for s in lexicon if st(s) not in overridden]
        found: list[Span] = list(acr)
        title, title_weak = self.title_prefix_span(doc)
        if title is not None:
            found.append(title)
            if title_weak:
                weak.add(st(title))
        found.extend(self.versioned_spans(doc, lexicon))
        shapes = self.shape_spans(doc) + self.title_case_spans(doc)
        found.extend(self.technique_spans(doc, lexicon))
        found.extend(self.task_spans(doc))
        found.extend(self.title_task_spans(doc, lexicon))
        found.extend(self.metric_spans(doc, lexicon))
        found.extend(shapes)
        for sp in shapes:
            if sp.label_ == "Method":
                weak.add(st(sp))
        lexicon_texts = {st(s) for s in lexicon}
        coined: dict[str, tuple[str, str]] = {}
        for s in found:
            if s.id_ in ("pattern:acronym-def", "pattern:title-prefix", "pattern:suffix-shape",
                         "pattern:title-case-name") and st(s) == s.kb_id_:
                coined.setdefault(st(s), (s.label_, s.kb_id_))
        known = dict(coined)
        for t in overridden:
            known.setdefault(t, ("", ""))
        for t in lexicon_texts:
            known.setdefault(t, ("", ""))
        ctx = self.context_spans(doc, known)
        for s in ctx:
            if st(s) not in coined:
                coined[st(s)] = (s.label_, s.kb_id_)
                if s.id_ == "context:proposal":
                    weak.add(st(s))
        # a proposed/defined name whose type was a default: let cue words decide
        retyped = {}
        for name in weak:
            if name in coined:
                label, kb = coined[name]
                new = self.retype(name, label)
                if new != label:
                    coined[name] = (new, kb)
                    retyped[kb] = new
        if retyped:
            found = [s if s.kb_id_ not in retyped else
                     Span(doc, s.start, s.end, label=retyped[s.kb_id_], kb_id=s.kb_id_, span_id=s.id_)
                     for s in found]
            ctx = [s if s.kb_id_ not in retyped else
                   Span(doc, s.start, s.end, label=retyped[s.kb_id_], kb_id=s.kb_id_, span_id=s.id_)
                   for s in ctx]
        found.extend(ctx)
        for s in self.dataset_list_spans(doc, found + lexicon):
            found.append(s)
            coined.setdefault(st(s), (s.label_, s.kb_id_))
        for s in self.coordination_spans(doc, found + lexicon, coined):
            found.append(s)
            coined.setdefault(st(s), (s.label_, s.kb_id_))
        found.extend(self.mention_spans(doc, {k: v for k, v in coined.items() if k not in lexicon_texts}))
        found.extend(lexicon)
        found.extend(self.dataset_version_spans(doc, found))
        return self._drop_quality_words(resolve_overlaps(found))

    def _drop_quality_words(self, spans: list[Span]) -> list[Span]:
        """Drop "accuracy"-like entities no mention of which is used as a measurement, and
        architecture words ("Transformer") that only occur inside the title's phrasing
        ("A Light Weight Transformer for ...")."""
        words = self.rules.needs_metric_context
        title_words = self.rules.abstract_only
        if not words and not title_words:
            return spans
        body = self._text.find("\n") + 1
        keep_kb: dict[str, bool] = {}
        for s in spans:
            if s.kb_id_ in words and not keep_kb.get(s.kb_id_):
                keep_kb[s.kb_id_] = has_metric_context(self._text, s, self.rules)
            elif s.kb_id_ in title_words and not keep_kb.get(s.kb_id_):
                keep_kb[s.kb_id_] = body > 0 and s.start_char >= body
        return [s for s in spans if keep_kb.get(s.kb_id_, True)]

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        doc.spans[self.spans_key] = spans

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


_HYPHEN_SPACE = re.compile(r"[\-\n\t]")
_COORD_BEFORE = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")  # "LoRA, " / "LoRA and " before a name
_COORD_AFTER = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)")
_TITLE_NAME = re.compile(r"^[A-Z][a-z]+(?: [A-Z][A-Za-z0-9]*){1,2}$")  # "Memory Decoder", "Audio Mamba"
_TITLE_PREFIX = re.compile(r"^\s*([^\s:][^:]{0,40}?)\s*:\s+(.*)$")
# Words holding a capital (candidates for shape rules), with internal hyphens/dots/slashes.
_CAPWORD = re.compile(r"(?<![\w\-/@.])(?=[\w\-.]*[A-Z])[A-Za-z0-9][\w\-.+]*")


def _is_title_case_name(text: str) -> bool:
    """A long form written as a proper name: every content word capitalised ("Featurized Low-rank
    Mixtures", "Resample-Previous-Tokens"), at least two content parts counting hyphen parts."""
    small = {"of", "for", "and", "the", "a", "an", "in", "on", "to", "with", "via", "from", "by", "as", "into"}
    content = [w for w in text.split() if w.lower() not in small]
    parts = sum(len([p for p in w.split("-") if p]) for w in content)
    return parts >= 2 and all(w[:1].isupper() or w[:1].isdigit() for w in content)


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans: longest first, then rule priority, then earliest. Text order out."""
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), rule_priority(s.id_), s.start))
    taken: set[int] = set()
    kept = []
    for s in ordered:
        if any(i in taken for i in range(s.start, s.end)):
            continue
        taken.update(range(s.start, s.end))
        kept.append(s)
    return sorted(kept, key=lambda s: s.start)


@Language.factory(
    "kgbuild_entity_patterns",
    assigns=["doc.spans"],
    default_config={"pattern_dir": None, "spans_key": SPANS_KEY, "candidates_key": CANDIDATES_KEY},
)
def make_entity_patterns(nlp: Language, name: str, pattern_dir: str | None, spans_key: str,
                         candidates_key: str) -> EntityPatterns:
    comp = EntityPatterns(nlp, name, spans_key=spans_key, candidates_key=candidates_key)
    comp.add_rules(load_pattern_rules(pattern_dir))
    return comp
