"""The results grammar: which numbers are reported results, and whose, on what, measured how.

``find_results`` reads ``doc.spans["numbers"]`` (``numbers.py``) and the paper's ``Entity``
records and returns ``Result`` records (``eval/ANNOTATION.md`` §0 and §3). Every regex it uses is
a rule of ``patterns/results.jsonl`` with its own id; the code only interprets them. Each result
records the chain of decisions that made it in ``Evidence.rule``, e.g.
``number:percent + subject:paren-owner + dataset:respectively + metric:entity-after``, so
``kgbuild explain`` shows why a number went to that subject and dataset.

One pass per sentence over its numbers: first the structures that tie several numbers together
(``"respectively"`` lists, ``"(A vs. B)"`` pairs), then each number alone. Slots:

* subject - "NAME (number)" (the name right before the parenthesis, and nothing when that name is
  not a recognised entity: "LoRA+ (90.2%)"), "0.148 and 0.143 for DoRA and LoRA, respectively",
  "X and Y achieve A and B, respectively", the subject of the number's own clause ("X achieves A
  while Y achieves B"), a fronted phrase's subject ("With only 1% of parameters, X ..."), the
  sentence subject, else the proposed name ("our method" stands for it). A number whose clause is
  about a class ("while other methods only save 26%") or whose owner is unknown gives no result.
* dataset - the dataset a parenthesis follows ("on Spider (75.5% EX)"), the one the number's
  preposition names ("75.5% EX on Spider"), the one of a "respectively" list in order, else the
  last one named earlier in the same clause ("On SST-2, X improves by +1.2%"). A number followed
  by a coordination of datasets ("80.1% on A and B") is ambiguous: the slot stays empty.
* "(A vs. B)" after a gain: the subject's figure is the better one by the gain's direction
  ("improves D by +1.2% (80.1% vs. 81.3%)": 81.3 is the subject's, 80.1 the baseline's, both on
  D); without a direction the number after "vs." is the baseline's.
* ranges give one result per end; "up to 71.5%" is 71.5; parameter shares and counts ("only 0.08%
  of the parameters", "only 3M trainable parameters") have metric "trainable parameters"; a
  model size outside the name ("a 30-billion-parameter LLaMA model") is a result of that model
  with metric "parameters (B)"; units are only %, x or null.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spacy.tokens import Doc, Span

from kgbuild.errors import ExtractError
from kgbuild.normalize import match_key
from kgbuild.nlp.rules import NUMBERS_KEY, PATTERN_DIR, SYSTEM_TYPES, load_rules
from kgbuild.nlp.slots import _CLASS_APPOSITIVE, _CLAUSE_OPENER, _GENERIC_HEAD, _chain_head, _in_parenthetical, _tool_of
from kgbuild.nlp.numbers import number_offsets, parse_value
from kgbuild.nlp.text import _NON_SUBJECT_BEFORE, _doc_mentions, _Mention, _proposed_keys, _sentences, _text
from kgbuild.records import Entity, Evidence, Result

RESULTS_FILE = "results.jsonl"


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class ResultRule:
    """One line of ``results.jsonl``: a regex with its id, and for quantity rules the metric
    phrase and the side of the number the regex looks at."""

    id: str
    regex: re.Pattern[str]
    metric: str | None = None
    side: str | None = None
    words: tuple[str, ...] = ()  # literal starts looked up before the regex is tried (lower case)


def load_result_rules(path: str | Path | None = None) -> dict[str, ResultRule]:
    """The rules of ``results.jsonl`` by id (file order kept). A line that is not a JSON object,
    has no ``id`` or ``regex``, repeats an id or has a regex that does not compile raises
    ``ExtractError`` naming the file and the line."""
    rules: dict[str, ResultRule] = {}
    for line in load_rules(Path(path) if path else PATTERN_DIR / RESULTS_FILE, required=("regex",)):
        flags = re.I if "i" in line.fields.get("flags", "i") else 0
        words = line.fields.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ExtractError(f"{line.where()}: rule {line.id!r}: 'words' must be a list of non-empty strings")
        rules[line.id] = ResultRule(line.id, line.regex(flags=flags), line.fields.get("metric"), line.fields.get("side"),
                                    tuple(w.lower() for w in words))
    return rules


_RULES: dict[str, ResultRule] | None = None


def _rules() -> dict[str, ResultRule]:
    global _RULES
    if _RULES is None:
        _RULES = load_result_rules()
        missing = [k for k in _REQUIRED if k not in _RULES]
        if missing:
            raise ExtractError(f"{PATTERN_DIR / RESULTS_FILE}: missing rules {', '.join(missing)}")
    return _RULES


_PATTERNS: dict[str, re.Pattern[str]] = {}  # id -> compiled regex, filled on first use


def _rx(rule_id: str) -> re.Pattern[str]:
    try:
        return _PATTERNS[rule_id]
    except KeyError:
        _PATTERNS.update({k: r.regex for k, r in _rules().items()})
        return _PATTERNS[rule_id]


def _may(rule_id: str, s: str) -> bool:
    """Can rule ``rule_id`` match in ``s``? False only when the rule lists ``words`` (literal
    parts every match contains) and none occurs in ``s``: a substring test spares a regex search."""
    words = _rules()[rule_id].words
    if not words:
        return True
    low = s.lower()
    return any(w in low for w in words)


_REQUIRED = (
    "keep:plain-score-before", "keep:plain-score-after", "skip:not-result-after", "util:unit-word",
    "skip:previous-score", "skip:year", "skip:reference-before", "skip:bracket-before", "skip:data-fraction-after",
    "skip:larger-model", "keep:score-lead", "keep:num-chain-after", "keep:coord-score-after",
    "keep:coord-score-before", "keep:points-after", "keep:throughput-unit", "util:tex-open-end", "util:tex-close-start",
    "keep:param-count-after", "keep:param-count-trainable", "keep:param-count-before", "keep:param-few-before",
    "keep:model-size-after", "subject:size-appositive", "subject:size-modified", "subject:size-paren",
    "metric:before-gap", "metric:after-gap", "subject:paren-gap", "subject:paren-gap-block",
    "subject:unknown-paren-owner", "subject:relative-about", "subject:clause-break", "subject:other-clause",
    "subject:fronted", "subject:fronted-lead", "subject:list-gap", "subject:for-owner", "subject:baseline-lead",
    "subject:baseline-lead-after", "subject:vs-before", "subject:from-to", "pair:vs-gap", "pair:up-cue",
    "pair:down-cue", "pair:drop-cue", "pair:lower-better", "list:respectively", "list:number-gap",
    "list:owner-lead", "list:dataset-lead", "list:subject-lead", "list:gap", "dataset:lead-after",
    "dataset:clause-start", "dataset:chain-gap", "dataset:fronted", "dataset:sentence-frame", "dataset:unknown-after",
    "skip:unnamed-baseline", "list:more-names", "dataset:paren-open",
    "dataset:paren-inner", "dataset:paren-inner-lead", "list:sys-coordination", "list:aside",
    "subject:not-a-name", "subject:from-aside", "subject:object-of-verb", "subject:baseline-coordination",
    "skip:fraction", "subject:names-benchmark", "list:metric-lead", "list:dataset-after-respectively",
    "dataset:earlier-sentence", "keep:named-measure", "dataset:coordinated-measures",
    "pair:up-literal-cue", "pair:up-evaluative-cue", "keep:duration-after", "keep:duration-before", "keep:paren-measure-before",
    "subject:self-reference-lead", "metric:measure-word-after",
    "keep:measure-noun-before", "keep:paren-metric", "dataset:metric-modifier",
    "keep:score-range-first", "keep:score-range-second", "keep:score-range-after", "subject:possessive",
    "keep:possessive-param-count", "subject:baseline-head", "keep:coord-score-lead",
    "keep:verb-score-before", "keep:verb-score-after", "keep:points-gap", "skip:hyper-parameter-before",
    "dataset:fronted-name", "keep:paren-count-of-share-before", "keep:paren-count-of-share-after", "dataset:frame-word", "dataset:frame-name", "dataset:frame-stop",
)


# --------------------------------------------------------------------------- candidates
class _Num(NamedTuple):
    """A number of the text with what the grammar needs (no spaCy objects kept)."""

    s: int  # value offsets (unit sign included)
    e: int
    span_start: int  # the number expression (a range's both ends, "from A to B")
    span_end: int
    value: str
    unit: str  # %, x, M, B, NUM
    rule: str  # number:percent ...
    sent: int  # sentence index


@dataclass
class _Slot:
    """Decisions made for one number by a structure (list, pair) before the per-number pass."""

    subject: str | None = None
    subject_rule: str = ""
    dataset: _Mention | None = None
    dataset_rule: str = ""
    keep: bool = True
    metric: str | None = None  # "73.93% and 74.21% for HR@10 and NDCG@10, respectively"


def _keep_number(n: _Num, sent: tuple[int, int], text: str, metrics: list[_Mention]) -> tuple[bool, str | None, str]:
    """Is this number a reported result? Returns (keep, metric override, rule id)."""
    unit, written, s, e = n.unit, n.value, n.s, n.e
    if "range" in n.rule or "magnitude" in n.rule:
        e = n.span_end
    if n.rule == "number:from-to":
        return True, None, "keep:from-to"  # "(from 19.5 to 31.5)": both ends are reported figures
    after, before = text[e:min(sent[1], e + 40)], text[max(sent[0], s - 60):s]
    if "\\" in before[-12:] or "$" in before[-3:]:
        before = _rx("util:tex-open-end").sub("", before)
        after = _rx("util:tex-close-start").sub("", after)
    if unit in ("%", "x"):
        after = _rx("util:unit-word").sub("", after, count=1)  # "8 times fewer": look past the unit
    if unit in ("M", "B") or (unit == "NUM" and n.rule == "number:magnitude") or (unit == "NUM" and "," in written):
        # parameter counts are results only as "only N (trainable) parameters"; model sizes
        # written outside the name only when a named model owns them (decided with the subject)
        if _few_parameters(before, after):
            return True, "trainable parameters", "keep:param-count-before"
        if _rx("keep:paren-count-of-share-before").search(before) and _rx("keep:paren-count-of-share-after").match(
                text, n.e, sent[1]):
            return True, f"trainable parameters ({unit})" if unit in ("M", "B") else "trainable parameters", \
                "keep:paren-count-of-share-before"
        if unit in ("M", "B") and _rx("keep:possessive-param-count").search(before) and re.search(
                r"\bparam(?:eter)?s\b", text[sent[0]:s], re.I):
            return True, "trainable parameters", "keep:possessive-param-count"
        if unit in ("M", "B") and _rx("keep:model-size-after").match(after):
            return True, f"parameters ({unit})", "keep:model-size-after"
        return False, None, "skip:count"
    if _may("skip:hyper-parameter-before", before[-40:]) and _rx("skip:hyper-parameter-before").search(before[-40:]):
        return False, None, "skip:hyper-parameter-before"
    if _may("skip:previous-score", before) and _rx("skip:previous-score").search(before):
        return False, None, "skip:previous-score"
    if _rx("skip:unnamed-baseline").match(after) and _rx("subject:baseline-lead").search(before):
        return False, None, "skip:unnamed-baseline"
    if unit == "NUM":
        if _rx("skip:year").match(written) or _rx("skip:reference-before").search(before):
            return False, None, "skip:reference"
        if _rx("skip:bracket-before").search(before) and not written.startswith(("+", "-")):
            paren_metric = _rx("keep:paren-metric")
            if any(m.end <= s and m.end >= s - 30 and paren_metric.fullmatch(text, m.end, s) for m in metrics):
                return True, None, "keep:paren-metric"  # "SSIM (0.931)"
            if not _rx("keep:paren-measure-before").search(before):
                return False, None, "skip:reference"
            duration = _rx("keep:duration-after").match(after)
            if duration:
                return True, f"time ({_time_unit(duration.group('unit'))})", "keep:duration-after"
            return True, None, "keep:paren-measure-before"
        duration = _rx("keep:duration-after").match(after)
        if duration and _rx("keep:duration-before").search(before):
            return True, f"time ({_time_unit(duration.group('unit'))})", "keep:duration-after"
        unit_word = _rx("keep:throughput-unit").match(after)
        if unit_word:
            return True, unit_word.group("unit"), "keep:throughput-unit"
        if _rx("skip:not-result-after").match(after):
            if _few_parameters(before, after):
                return True, "trainable parameters", "keep:param-count-before"
            return False, None, "skip:not-result-after"
        signed = written.startswith(("+", "-"))
        decimal = "." in written
        if decimal:
            # "6.54 and 1.07 decrease in FID", "28.4, 30.1 and 31.2 BLEU": judged by the last member
            chained = False
            chain = _rx("keep:num-chain-after")
            for _ in range(4):
                c = chain.match(text, e)
                if c is None or c.end() > sent[1]:
                    break
                e, chained = c.end(), True
            if chained:
                after = text[e:min(sent[1], e + 40)]
        if metrics:
            metric_near, _ = _metric_for(s, e, sent, text, metrics, entity_only=True)
            if metric_near is not None:
                return True, None, "keep:metric-entity"
        if decimal and _rx("metric:measure-word-after").match(text, n.e, sent[1]):
            return True, None, "metric:measure-word-after"
        if not decimal and (_rx("keep:score-range-first").match(after) or (
                _rx("keep:score-range-second").search(before) and _rx("keep:score-range-after").match(after))):
            return True, None, "keep:score-range-first"
        if decimal and _rx("keep:verb-score-before").search(before) and _rx("keep:verb-score-after").match(after):
            return True, None, "keep:verb-score-before"
        if _rx("keep:points-gap").match(after):
            return True, None, "keep:points-gap"
        if decimal and _rx("keep:coord-score-lead").search(before):
            return True, None, "keep:coord-score-lead"
        if decimal and _rx("keep:measure-noun-before").search(before):
            return True, None, "keep:measure-noun-before"
        named = _rx("keep:named-measure").search(before)
        if named:
            return True, named.group("metric"), "keep:named-measure"
        if decimal and _rx("keep:score-lead").search(before):
            return True, None, "keep:score-lead"
        if signed and _rx("keep:plain-score-after").match(after):
            return True, None, "keep:signed-score"
        if decimal and _rx("keep:plain-score-before").search(before) and (
                _rx("keep:plain-score-after").match(after) or _rx("keep:coord-score-after").match(after)):
            return True, None, "keep:plain-score-before"
        if decimal and _rx("keep:coord-score-before").search(before) and _rx("keep:points-after").match(after):
            return True, None, "keep:coord-score-before"
        return False, None, "skip:plain"
    if unit == "x" and (_rx("skip:not-result-after").match(after) or _rx("skip:larger-model").match(after)):
        return False, None, "skip:larger-model"
    if unit == "%" and _rx("skip:data-fraction-after").match(after):
        return False, None, "skip:data-fraction-after"
    return True, None, f"keep:unit-{unit if unit == '%' else 'times'}"


_TIME_UNITS = {"ms": "ms", "millisecond": "ms", "s": "seconds", "sec": "seconds", "second": "seconds",
               "min": "minutes", "minute": "minutes", "h": "hours", "hr": "hours", "hour": "hours", "day": "days"}


def _time_unit(word: str) -> str:
    """"secs" -> "seconds", "ms" -> "ms": the scale word that goes into the metric string."""
    w = word.lower()
    return _TIME_UNITS.get(w) or _TIME_UNITS.get(w.rstrip("s"), w)


def _few_parameters(before: str, after: str) -> bool:
    """"only 3 million trainable parameters", "tuning 200 parameters", "~90k parameters" (a count of
    what is trained); not "models with 7B parameters" or "contain fewer than 10 million parameters"."""
    if not _rx("keep:param-count-after").match(after):
        return False
    return bool(_rx("keep:param-count-before").search(before)
                or (_rx("keep:param-few-before").search(before) and _rx("keep:param-count-trainable").match(after)))


# --------------------------------------------------------------------------- metric slot
def _metric_for(n_start: int, n_end: int, sent: tuple[int, int], text: str, metrics: list[_Mention],
                *, entity_only: bool = False) -> tuple[str | None, str]:
    """A Metric entity adjacent to the number ("75.5% EX", "accuracy of 91.1"), else a quantity."""
    after_gap, before_gap = _rx("metric:after-gap"), _rx("metric:before-gap")
    for m in metrics:
        if m.start >= n_end and m.end <= sent[1]:
            if m.start - n_end <= 25 and after_gap.fullmatch(text, n_end, m.start):
                return m.name, "metric:after-gap"
        if m.end <= n_start and m.start >= sent[0]:
            if n_start - m.end <= 30 and before_gap.fullmatch(text, m.end, n_start):
                return m.name, "metric:before-gap"
    if entity_only:
        return None, ""
    word = _rx("metric:measure-word-after").match(text, n_end, sent[1])
    if word:
        return word.group("metric"), "metric:measure-word-after"
    after = text[n_end:min(sent[1], n_end + 60)]
    before = text[max(sent[0], n_start - 60):n_start]
    for rule in _quantity_rules():
        if (rule.side == "after" and rule.regex.search(after)) or (rule.side == "before" and rule.regex.search(before)):
            return rule.metric, rule.id
    return None, ""


def _quantity_rules() -> list[ResultRule]:
    return [r for r in _rules().values() if r.metric and r.side]


# --------------------------------------------------------------------------- subject slot
_CLAUSES: dict[tuple[int, int], tuple[list[int], list[int]]] = {}  # per find_results call


def _clause_start(pos: int, sent: tuple[int, int], text: str) -> int:
    """Where the clause holding ``pos`` starts (after "; ", ", while", "but" ...). The breaks of a
    sentence are found once per ``find_results`` call."""
    breaks = _CLAUSES.get(sent)
    if breaks is None:
        found = list(_rx("subject:clause-break").finditer(text, sent[0], sent[1]))
        breaks = _CLAUSES[sent] = ([m.start() for m in found], [m.end() for m in found])
    starts, ends = breaks
    start = sent[0]
    for b_start, b_end in zip(starts, ends):
        if b_end > pos:
            break
        start = b_end
    return start


def _baseline_for(n_start: int, sent: tuple[int, int], text: str, systems: list[_Mention],
                  after_from: int | None = None) -> _Mention | None:
    """The named baseline of the claim: the last system after "over/than/compared to" before the
    number, else (``after_from``) the first such system after it ("(80.1% vs. 81.3%) over LoRA")."""
    lead = _rx("subject:baseline-lead")
    before = [m for m in systems if m.end <= n_start and m.start >= sent[0]]
    for k in range(len(before) - 1, -1, -1):
        m = before[k]
        if lead.search(text, max(sent[0], m.start - 50), m.start):
            # "surpass GPT-4 Turbo (April 2024) and GPT-4o ... (90.9% vs. 90.2%)": the last object
            if k + 1 < len(before) and _rx("subject:baseline-coordination").fullmatch(
                    text, m.end, before[k + 1].start):
                return before[k + 1]
            return m
    if after_from is not None:
        lead_after = _rx("subject:baseline-lead-after")
        for m in systems:
            if m.start >= after_from and m.end <= sent[1]:
                if lead_after.match(text[after_from:m.start]):
                    return m
                break
    return None


def _subject_for(n_start: int, sent: tuple[int, int], text: str, systems: list[_Mention],
                 proposed: list[str], names: list[_Mention],
                 metrics: list[_Mention] = ()) -> tuple[str | None, str]:  # type: ignore[assignment]
    """Who the number belongs to, and the id of the rule that decided (``names``: every
    recognised name, so a dataset inside a gap or before a parenthesis is known; ``metrics``: a
    Metric right before the parenthesis, "SSIM (0.931)", is no unknown owner)."""
    before = [m for m in systems if m.end <= n_start and m.start >= sent[0]]
    lead_text = text[max(sent[0], n_start - 100):n_start]
    if before:
        last = before[-1]
        gap = text[last.end:n_start]
        # "DeiT training (81.8%)", "ViT-L with supervised pre-training on ImageNet-22K (85.2%)"
        if _rx("subject:paren-gap").fullmatch(gap) and not _rx("subject:paren-gap-block").search(
                _strip_mentions(gap, last.end, names)):
            return last.name, "subject:paren-owner"
        # "compared to LoRA's 33.5M": the possessive's name owns the number
        if _rx("subject:possessive").fullmatch(gap):
            return last.name, "subject:possessive"
        # "outperforms GPT-4, which is 100x larger": the relative clause is about the name before it
        if _rx("subject:relative-about").fullmatch(gap):
            return last.name, "subject:relative-about"
    if _may("subject:unknown-paren-owner", lead_text) and _rx("subject:unknown-paren-owner").search(lead_text) and not any(
            m.end <= n_start and not text[m.end:n_start].strip(" (+~") for group in (names, metrics)
            for m in group if m.end > n_start - 40):
        return None, "subject:unknown-paren-owner"  # "LoRA+ (90.2%)" with LoRA+ unrecognised
    # "X achieves A while Y achieves B": the number's own clause first
    clause = _clause_start(n_start, sent, text)
    in_clause = [m for m in before if m.start >= clause]
    if clause > sent[0] and not in_clause and _rx("subject:other-clause").match(text, clause, n_start):
        return None, "subject:other-clause"
    if clause > sent[0] and in_clause:
        name = _first_subject(in_clause, clause, n_start, text, systems, proposed)
        if name is not None:
            return name, "subject:clause"
    if proposed and before and (lead := _rx("subject:self-reference-lead").match(text, sent[0], n_start)) and (
            lead.end() <= before[0].start):
        return proposed[0], "subject:self-reference-lead"
    name = _first_subject(before, sent[0], n_start, text, systems, proposed)
    if name is not None:
        return name, "subject:sentence"
    # "With 3x less training cost and 1.4x inference speedup, YOLOE-v8-S surpasses ...": a number
    # in a fronted phrase belongs to the subject right after the phrase's comma
    if _rx("subject:fronted").search(text, sent[0], n_start):
        comma = text.find(",", n_start, sent[1])
        if comma != -1:
            after = [m for m in systems if comma < m.start < comma + 30 and m.end <= sent[1]]
            if after and _rx("subject:fronted-lead").fullmatch(text, comma + 1, after[0].start):
                return _chain_head(systems, systems.index(after[0]), text).name, "subject:fronted"
    if proposed:
        if _may("subject:baseline-head", text[sent[0]:n_start]) and _rx("subject:baseline-head").search(
                text, _clause_start(n_start, sent, text), n_start):
            return None, "subject:baseline-head"
        return proposed[0], "subject:self-reference"
    return None, "subject:none"


def _strip_mentions(gap: str, offset: int, mentions: list[_Mention]) -> str:
    """``gap`` with the names inside it blanked (a dataset name in "X on ImageNet-22K (85.2%)")."""
    end = offset + len(gap)
    for m in mentions:
        if m.start >= offset and m.end <= end:
            gap = gap[:m.start - offset] + " " * (m.end - m.start) + gap[m.end - offset:]
    return gap


def _first_subject(before: list[_Mention], start: int, n_start: int, text: str, systems: list[_Mention],
                   proposed: list[str]) -> str | None:
    """The first system from ``start`` that is not in a prepositional phrase, a list after one,
    a generic head ("PEFT methods") or a parenthetical aside."""
    skipped_end = -1
    list_gap, names_benchmark = _rx("subject:list-gap"), _rx("subject:names-benchmark")
    for i, m in enumerate(before):
        if m.start < start:
            continue
        lead = text[max(start, m.start - 40):m.start]  # the rules look at the words right before
        if ((_NON_SUBJECT_BEFORE.search(lead) and not _CLAUSE_OPENER.search(lead))
                or (_may("subject:object-of-verb", lead) and _rx("subject:object-of-verb").search(lead))
                or _GENERIC_HEAD.match(text, m.end)
                or names_benchmark.match(text, m.end)
                or _CLASS_APPOSITIVE.match(text, m.end)
                or _in_parenthetical(m, systems, text, start)
                or (skipped_end >= 0 and list_gap.fullmatch(text, skipped_end, m.start))):
            skipped_end = m.end
            continue
        head = _tool_of(_chain_head(before, i, text), n_start, before, proposed, text)
        if _rx("subject:not-a-name").fullmatch(head.name):
            skipped_end = m.end  # "but only fine-tuning about 0.3M parameters": an activity
            continue
        return head.name
    return None


def _size_owner(n: _Num, sent: tuple[int, int], text: str, systems: list[_Mention]) -> tuple[str | None, str]:
    """The model a size written outside its name belongs to: "a 30-billion-parameter LLaMA model",
    "LLaMA, a 65B-parameter model", "LLaMA (65B parameters)"."""
    end = n.span_end
    for m in systems:
        if m.start >= end and m.start - end <= 40 and m.end <= sent[1]:
            if _rx("subject:size-modified").fullmatch(text, end, m.start):
                return m.name, "subject:size-modified"
            break
    for m in reversed(systems):
        if m.end <= n.span_start and m.start >= sent[0]:
            gap = text[m.end:n.span_start]
            if _rx("subject:size-appositive").fullmatch(gap):
                return m.name, "subject:size-appositive"
            if _rx("subject:size-paren").fullmatch(gap):
                return m.name, "subject:size-paren"
            break
    return None, "subject:none"


# --------------------------------------------------------------------------- dataset slot
def _dataset_for(n: _Num, ctx_end: int, sent: tuple[int, int], text: str, datasets: list[_Mention],
                 unit_numbers: list[tuple[int, int]], systems: list[_Mention]) -> tuple[_Mention | None, str]:
    """Dataset of the claim a number belongs to, and the id of the rule that decided."""
    pos_start = n.s
    # "3.33% (91.78% vs. 88.45%, FGVC)": a dataset closing the parenthesis the number opens or is in
    inner = _rx("dataset:paren-open").match(text, ctx_end)
    p_open = inner.end() if inner else text.rfind("(", sent[0], pos_start)
    if p_open != -1 and (inner or ")" not in text[p_open:pos_start]):
        p_close = text.find(")", max(p_open, ctx_end), sent[1])
        for d in datasets:
            if p_open <= d.start and d.end <= p_close and d.start >= ctx_end:
                if (_rx("dataset:paren-inner").fullmatch(text[d.end:p_close + 1])
                        and _rx("dataset:paren-inner-lead").search(text, p_open, d.start)
                        and _last_chained(ctx_end, d.start, text, unit_numbers) is not None):
                    return d, "dataset:paren-inner"
                break
    # "on Spider (75.5% EX) and MNLI (91.1% accuracy)": the dataset the parenthesis follows
    paren = text.rfind("(", sent[0], pos_start)
    if paren != -1 and ")" not in text[paren:pos_start]:
        for d in datasets:
            if d.end <= paren and not text[d.end:paren].strip():
                return d, "dataset:paren-host"
    lead_after = _rx("dataset:lead-after")
    after = [d for d in datasets if d.start >= ctx_end and d.end <= sent[1]]
    if after:
        d = after[0]
        chain_end = _last_chained(ctx_end, d.start, text, unit_numbers)
        if chain_end is not None and d.start - chain_end <= 90 and lead_after.fullmatch(
                _system_words(text, chain_end, d.start, systems)):
            # "80.1% on A and B": one number, several datasets: which one is not said
            if len(after) > 1 and _rx("list:gap").fullmatch(text, d.end, after[1].start):
                return None, "dataset:ambiguous-coordination"
            return d, "dataset:after"
        aside = _rx("list:aside").match(text, ctx_end, d.start)
        if aside is not None and d.start - aside.end() <= 60 and lead_after.fullmatch(
                _system_words(text, aside.end(), d.start, systems)) and not (
                len(after) > 1 and _rx("list:gap").fullmatch(text, d.end, after[1].start)):
            # "an AP of more than 40 (i.e., 40.5 AP) on COCO test-dev": past the aside
            return d, "dataset:after-aside"
        if chain_end is None and d.start - ctx_end <= 120 and _rx("dataset:coordinated-measures").fullmatch(
                text, ctx_end, d.start):
            return d, "dataset:coordinated-measures"
    if not after and _rx("dataset:unknown-after").match(text, ctx_end, min(sent[1], ctx_end + 60)):
        return None, "dataset:unknown-after"
    # "On SST-2, X improves by +1.2%": the last dataset named before, in the same clause, and not
    # closed off in an earlier parenthesis ("(91.78% vs. 88.45%, FGVC) and 9.61% ...")
    clause = sent[0]
    for b in _rx("dataset:clause-start").finditer(text, sent[0], pos_start):
        clause = b.end()
    before = [d for d in datasets if d.end <= pos_start and d.start >= sent[0]
              and not _closed_paren(text, d.end, pos_start)]
    fronted = _rx("dataset:fronted").match(text, sent[0], pos_start)
    if before and fronted and before[-1].end <= fronted.end() and not any(
            d.start >= fronted.end() for d in before):
        # "On CIFAR-10, ViT achieves 95.1% while ResNet achieves 93.2%": a fronted "On D," scopes
        # the whole sentence
        if len(before) > 1 and _rx("list:gap").fullmatch(text, before[-2].end, before[-1].start):
            return None, "dataset:ambiguous-coordination"
        return before[-1], "dataset:fronted"
    in_sent = [d for d in datasets if d.start >= sent[0] and d.end <= sent[1]]
    if (len({d.name for d in in_sent}) == 1 and in_sent[0].end <= pos_start
            and _rx("dataset:sentence-frame").match(text[sent[0]:in_sent[0].start])):
        return in_sent[0], "dataset:sentence-frame"
    if before:
        d = before[-1]
        if d.start >= clause or not any(x for x in unit_numbers if d.end <= x[0] < pos_start):
            if len(before) > 1 and _rx("list:gap").fullmatch(text, before[-2].end, d.start):
                return None, "dataset:ambiguous-coordination"
            return d, "dataset:before"
    if not in_sent:
        last = None
        for last in _rx("dataset:fronted-name").finditer(text, sent[0], pos_start):
            pass
        if last is not None and not any(x.start < last.end("name") and last.start("name") < x.end for x in systems):
            return _Mention(last.start("name"), last.end("name"), last.group("name"), "Dataset"), "dataset:fronted-name"
    return None, "dataset:none"


def _earlier_dataset(si: int, sents: list[tuple[int, int]], text: str, datasets: list[_Mention]) -> _Mention | None:
    """The dataset a sentence without one inherits: the only dataset of one of the two sentences
    before it, named after an evaluation frame ("We evaluate it on the COCO2017 validation dataset.
    Our model achieves an AP50 of 46.6"). None when the sentence names a dataset itself, or when
    the earlier sentence names two different ones (which one the scores are on is not said)."""
    s0, s1 = sents[si]
    if any(s0 <= d.start and d.end <= s1 for d in datasets):
        return None
    frame = _rx("dataset:earlier-sentence")
    for back in (si - 1, si - 2):
        if back < 0:
            return None
        b0, b1 = sents[back]
        inside = [d for d in datasets if b0 <= d.start and d.end <= b1]
        if not inside:
            continue
        if len({match_key(d.name) for d in inside}) != 1 or _more_names(inside[-1:], text):
            return None
        if any(_may("dataset:earlier-sentence", text[b0:d.start]) and frame.search(text, b0, d.start) for d in inside):
            return inside[-1]
        return None
    return None


def _system_words(text: str, start: int, end: int, systems: list[_Mention]) -> str:
    """``text[start:end]`` with each coordination of system names written as one word "SYS", so a
    dataset lead may pass over them ("+3.11% on LLaMA2-7B, Mistral-7B and Gemma-7B of GSM8K")."""
    inside = [m for m in systems if start <= m.start and m.end <= end]
    if not inside:
        return text[start:end]
    parts, pos = [], start
    for m in inside:
        parts.append(text[pos:m.start])
        parts.append("SYS")
        pos = m.end
    parts.append(text[pos:end])
    return _rx("list:sys-coordination").sub("SYS", "".join(parts))


def _last_chained(start: int, end: int, text: str, unit_numbers: list[tuple[int, int]]) -> int | None:
    """End of the last reported number chained to the one ending at ``start`` before ``end``
    ("+12.89%/+5.61%/+3.11% on GSM8K": they share the dataset), or None when an unchained number
    stands in between (the dataset is then that number's)."""
    pos = start
    gap = _rx("dataset:chain-gap")
    for s, e in unit_numbers:
        if s < start or e > end:
            continue
        if not gap.fullmatch(text, pos, s):
            return None
        pos = e
    return pos


def _closed_paren(text: str, start: int, end: int) -> bool:
    """Does a parenthesis open before ``start`` close between ``start`` and ``end``?"""
    depth = 0
    for ch in text[start:end]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return True
            depth -= 1
    return False


# --------------------------------------------------------------------------- structures
def _coordinated(mentions: list[_Mention], first: int, text: str, limit: int) -> list[_Mention]:
    """The coordination starting at ``mentions[first]``: "A, B and C"."""
    chain = [mentions[first]]
    gap = _rx("list:gap")
    for m in mentions[first + 1:]:
        if m.end > limit:
            break
        if gap.fullmatch(text, chain[-1].end, m.start):
            chain.append(m)
        else:
            break
    return chain


def _more_names(co: list[_Mention], text: str) -> bool:
    """Does the list go on with a name that is not recognised ("on SQuAD and NewsQA" with NewsQA
    unknown)? Not when the list is complete: its last member came after "and" / "or"."""
    if len(co) > 1 and re.search(r"\b(?:and|or)\b|&", text[co[-2].end:co[-1].start]):
        return False
    return bool(_rx("list:more-names").match(text, co[-1].end))


def _respectively(nums: list[_Num], sent: tuple[int, int], text: str, systems: list[_Mention],
                  datasets: list[_Mention], metrics: list[_Mention], slots: dict[int, _Slot]) -> None:
    """"A, B and C on D1, D2 and D3, respectively", "0.148 and 0.143 for DoRA and LoRA,
    respectively", "X and Y achieve A and B, respectively": the i-th number goes with the i-th
    member of each list of the same length."""
    resp = _rx("list:respectively").search(text, sent[0], sent[1])
    if resp is None:
        return
    gap = _rx("list:number-gap")
    # the number chain that ends last before "respectively"
    chains: list[list[int]] = []
    for i, n in enumerate(nums):
        if n.e > resp.start():
            break
        if chains and gap.fullmatch(text, nums[chains[-1][-1]].span_end, n.span_start):
            chains[-1].append(i)
        else:
            chains.append([i])
    chains = [c for c in chains if len(c) > 1]
    if not chains:
        return
    chain = chains[-1]
    k = len(chain)
    end = nums[chain[-1]].span_end
    owners: list[_Mention] | None = None
    owner_rule = ""
    for j, m in enumerate(systems):
        if m.start >= end and m.end <= resp.start():
            if _rx("list:owner-lead").fullmatch(text, end, m.start):
                owners = _coordinated(systems, j, text, resp.start())
                owner_rule = "subject:respectively-after"
            break
    if owners is None or len(owners) != k:
        # subjects coordinated before the verb: "RoBERTa and DeBERTa achieve 88.1 and 90.3"
        start = nums[chain[0]].span_start
        before = [j for j, m in enumerate(systems) if m.end <= start and m.start >= sent[0]]
        owners, owner_rule = None, ""
        for j in before:
            co = _coordinated(systems, j, text, start)
            if len(co) == k and _rx("list:subject-lead").fullmatch(text, co[-1].end, start):
                owners, owner_rule = co, "subject:respectively-before"
                break
    dsets: list[_Mention] | None = None
    for j, d in enumerate(datasets):
        if d.start >= end and d.end <= resp.start():
            if _rx("list:dataset-lead").fullmatch(text, end, d.start) or (
                    owners and owner_rule == "subject:respectively-after"
                    and _rx("list:dataset-lead").fullmatch(text, owners[-1].end, d.start)):
                dsets = _coordinated(datasets, j, text, resp.start())
            break
    measures: list[_Mention] | None = None
    for j, m in enumerate(metrics):
        if m.start >= end and m.end <= resp.start():
            if _rx("list:metric-lead").fullmatch(text, end, m.start):
                co = _coordinated(metrics, j, text, resp.start())
                measures = co if len(co) == k else None
            break
    if dsets is None and (owners is not None or measures is not None):
        # "73.93% and 74.21% for HR@10 and NDCG@10, respectively, on the Tmall datasets"
        for j, d in enumerate(datasets):
            if d.start >= resp.end():
                if d.end <= sent[1] and _rx("list:dataset-after-respectively").fullmatch(text, resp.end(), d.start):
                    co = _coordinated(datasets, j, text, sent[1])
                    if len(co) == 1 and not _more_names(co, text):
                        dsets = co
                break
    ambiguous = False
    if dsets is None:
        # "Evaluated on Cora, Citeseer, and PubMed, X achieves 82.5%, 72.5%, and 81.6%, respectively"
        start = nums[chain[0]].span_start
        for j, d in enumerate(datasets):
            if d.start >= sent[0] and d.end <= start:
                co = _coordinated(datasets, j, text, start)
                if len(co) == k and co[0].start == d.start:
                    dsets = co
                    break
    if dsets is not None and (len(dsets) not in (1, k) or (
            len(dsets) == 1 and _more_names(dsets, text))):
        dsets, ambiguous = None, True  # "on SQuAD and NewsQA" with NewsQA unrecognised: which is whose?
    if owners is None and dsets is None and measures is None and not ambiguous:
        return
    for pos, i in enumerate(chain):
        slot = slots.setdefault(i, _Slot())
        if measures is not None:
            slot.metric = measures[pos].name
        if owners is not None:
            slot.subject, slot.subject_rule = owners[pos].name, owner_rule
        if dsets is not None:
            d = dsets[pos] if len(dsets) == k else dsets[0]
            slot.dataset, slot.dataset_rule = d, "dataset:respectively" if len(dsets) == k else "dataset:after"
        elif ambiguous:
            slot.dataset_rule = "dataset:ambiguous-respectively"


def _parallel_datasets(nums: list[_Num], sent: tuple[int, int], text: str, datasets: list[_Mention],
                       slots: dict[int, _Slot]) -> None:
    """"Evaluated on Cora, Citeseer, and PubMed, X achieves 82.5%, 72.5%, and 81.6%" (no
    "respectively"): a chain of k numbers and a coordination of exactly k datasets in one sentence
    pair up in order. Runs only where no "respectively" list decided."""
    if len(nums) < 2 or sum(1 for d in datasets if d.start >= sent[0] and d.end <= sent[1]) < 2:
        return
    if _rx("list:respectively").search(text, sent[0], sent[1]):
        return
    gap, aside = _rx("list:number-gap"), _rx("list:aside")
    chains: list[list[int]] = []
    inner: dict[int, list[int]] = {}  # head number -> the numbers of its parenthesis
    for i, n in enumerate(nums):
        if chains:
            head = nums[chains[-1][-1]]
            a = aside.match(text, head.e)
            if a and n.span_start < a.end():
                inner.setdefault(chains[-1][-1], []).append(i)  # "2.46% (90.72% vs. 88.54%)"
                continue
            if n.unit == head.unit and gap.fullmatch(text, a.end() if a else head.span_end, n.span_start):
                chains[-1].append(i)
                continue
        chains.append([i])
    in_sent = [j for j, d in enumerate(datasets) if d.start >= sent[0] and d.end <= sent[1]]
    lists = []
    for j in in_sent:
        if lists and any(datasets[j] in co for co in lists):
            continue
        lists.append(_coordinated(datasets, j, text, sent[1]))
    for chain in chains:
        k = len(chain)
        if k < 2 or any(i in slots for i in chain):
            continue
        matching = [co for co in lists if len(co) == k and not _more_names(co, text)]
        if len(matching) != 1 or len([co for co in lists if len(co) > 1]) != 1:
            continue  # two lists of datasets, or the sizes differ: which goes with which is not said
        for pos, i in enumerate(chain):
            for j in [i, *inner.get(i, ())]:
                slots[j] = _Slot(dataset=matching[0][pos], dataset_rule="dataset:parallel-lists")


def _vs_pairs(nums: list[_Num], sent: tuple[int, int], text: str, systems: list[_Mention],
              proposed: list[str], names: list[_Mention], slots: dict[int, _Slot]) -> None:
    """"improves D by +1.2% (80.1% vs. 81.3%)": one figure is the subject's, the other the
    baseline's. Which is which follows the claim's direction (a gain: the subject's is the better
    one; "lower is better" metrics invert it); with no direction the number after "vs." is the
    baseline's. The pair's dataset is the claim's."""
    vs_gap = _rx("pair:vs-gap")
    for i in range(len(nums) - 1):
        a, b = nums[i], nums[i + 1]
        if a.unit != b.unit or not vs_gap.fullmatch(text, a.e, b.s):
            continue
        if (i in slots and slots[i].subject) or (i + 1 in slots and slots[i + 1].subject):
            continue
        ds_i, ds_j = slots.get(i), slots.get(i + 1)
        paren = text.rfind("(", sent[0], a.s)
        inside = paren != -1 and not text[paren + 1:a.s].strip(" +~")
        lead_start = paren if inside else a.s
        clause = _clause_start(lead_start, sent, text)
        lead = text[clause:lead_start]
        close = text.find(")", b.e, sent[1]) if inside else b.e
        tail = text[b.e:sent[1]]
        window = lead + " " + tail[:40]
        lower_better = bool(_rx("pair:lower-better").search(window))
        va, vb = parse_value(a.value), parse_value(b.value)
        if va == vb:
            continue
        if _rx("pair:drop-cue").search(lead[-80:]):
            subject_higher = lower_better
            direction = "pair:drop-cue"
        elif _rx("pair:down-cue").search(lead[-80:]):
            subject_higher = False
            direction = "pair:down-cue"
        elif _rx("pair:up-literal-cue").search(lead[-80:]) and not _rx("pair:up-evaluative-cue").search(lead[-80:]):
            subject_higher = True
            direction = "pair:up-literal-cue"
        elif _rx("pair:up-cue").search(lead[-80:]):
            subject_higher = not lower_better
            direction = "pair:up-cue"
        else:
            direction = ""
        if direction:
            subj_i, base_i = (i, i + 1) if (va > vb) == subject_higher else (i + 1, i)
        else:
            subj_i, base_i, direction = i, i + 1, "subject:vs-before"
        subject, s_rule = _subject_for(lead_start, sent, text, systems, proposed, names)
        baseline = _baseline_for(lead_start, sent, text, systems, after_from=(close + 1 if close != -1 else b.e))
        slots[subj_i] = _Slot(subject, f"{s_rule} + {direction} + pair:subject-side" if subject else s_rule,
                              keep=subject is not None)
        slots[base_i] = _Slot(baseline.name if baseline else None,
                              f"subject:baseline + {direction} + pair:baseline-side", keep=baseline is not None)
        # both numbers share the claim's dataset: decided at the pair's lead, or by a list
        for j, old in ((i, ds_i), (i + 1, ds_j)):
            if old is not None and old.dataset is not None:
                slots[j].dataset, slots[j].dataset_rule = old.dataset, old.dataset_rule
            else:
                slots[j].dataset_rule = "dataset:pair-lead"


# --------------------------------------------------------------------------- find_results
def find_results(doc: Doc, entities: list[Entity], proposed: list[str]) -> list[Result]:
    """Reported numbers with their subject, dataset and metric (see ``eval/ANNOTATION.md`` §3)."""
    if NUMBERS_KEY not in doc.spans:
        return []
    _CLAUSES.clear()
    text = _text(doc)
    proposed = _proposed_keys(proposed)
    mentions = _doc_mentions(doc, entities, len(text))
    systems = [m for m in mentions if m.type in SYSTEM_TYPES]
    datasets = [m for m in mentions if m.type == "Dataset"]
    metrics = [m for m in mentions if m.type == "Metric"]
    names = [m for m in mentions if m.type != "Metric"]
    own = {match_key(p) for p in proposed}
    if any(match_key(d.name) in own for d in datasets):
        datasets = [d for d in datasets if match_key(d.name) not in own]  # "CVPT" typed Dataset: never a setting
    framed = _frame_datasets(text, mentions)
    if framed:
        # "on the Video ChatGPT benchmark": the whole name is the dataset, "ChatGPT" no subject
        systems = [m for m in systems if not any(f.start <= m.start and m.end <= f.end for f in framed)]
        datasets = sorted([*datasets, *framed])
        names = sorted([*[m for m in names if not any(f.start <= m.start and m.end <= f.end for f in framed)],
                        *framed])
    sents = _sentences(doc)
    title_end = text.find("\n")
    nums = _numbers(doc.spans[NUMBERS_KEY], text, sents, title_end, names)
    unit_numbers = [(n.s, n.e) for n in nums if n.unit in ("%", "x")]
    out: list[Result] = []
    seen: dict[tuple[str, float], int] = {}
    i = 0
    while i < len(nums):
        j = i
        while j < len(nums) and nums[j].sent == nums[i].sent:
            j += 1
        group = nums[i:j]
        sent = sents[group[0].sent]
        slots: dict[int, _Slot] = {}
        _respectively(group, sent, text, systems, datasets, metrics, slots)
        _parallel_datasets(group, sent, text, datasets, slots)
        _vs_pairs(group, sent, text, systems, proposed, names, slots)
        earlier = _earlier_dataset(group[0].sent, sents, text, datasets)
        for k, n in enumerate(group):
            result = _result(n, slots.get(k), group, k, sent, text, systems, datasets, metrics, proposed,
                             unit_numbers, names, earlier)
            if result is not None:
                _add(out, seen, result)
        i = j
    return out


_FRAMED = "Dataset:frame-name"  # the type of a dataset read from its frame (the rule named in the decision chain)
_MODIFIER = "Dataset:metric-modifier"  # ... read from "the wikitext2 perplexity": only that metric's numbers


def _frame_datasets(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Datasets no entity rule knows, named by their frame: "on the MSCOCO-2017 5K dataset", "on the
    most challenging Humanoid environment" (rules ``dataset:frame-word`` / ``dataset:frame-name``).
    Only the results' dataset slot reads them; a name that overlaps a recognised dataset, metric or
    task, or that is exactly a recognised system, is left to the entity rules."""
    out: list[_Mention] = []
    rule = _rules()["dataset:frame-word"]
    lower = text.lower()
    starts = sorted(i for word in rule.words for i in _find_all(lower, word))
    frame_name, stop = _rx("dataset:frame-name"), _rx("dataset:frame-stop")
    for at in starts:
        if at == 0 or text[at - 1].isalnum() or not rule.regex.match(text, at):
            continue
        the = text.rfind(" the ", max(0, at - 100), at)  # the frame is "PREP the ... NAME WORD"
        if the <= 0:
            continue
        prep = text.rfind(" ", 0, the) + 1
        m = frame_name.match(text, prep, at)
        if m is None:
            continue
        s, e = m.span("name")
        name = m.group("name")
        if stop.match(name.split()[0]) or name.replace(" ", "").isdigit():
            continue
        if any(x.start < e and s < x.end and (x.type not in SYSTEM_TYPES or (x.start == s and x.end == e))
               for x in mentions):
            continue
        out.append(_Mention(s, e, name, _FRAMED))
    modifier = _rx("dataset:metric-modifier")
    for x in mentions:
        # "the wikitext2 perplexity": a name of letters and digits right before a Metric
        if x.type != "Metric" or x.start < 2 or text[x.start - 1] != " ":
            continue
        word_start = text.rfind(" ", 0, x.start - 1) + 1
        if word_start >= x.start - 1 or not text.startswith("the ", max(0, word_start - 4)):
            continue
        m = modifier.fullmatch(text, word_start, x.start - 1)
        if m is None or any(y.start < x.start - 1 and word_start < y.end for y in mentions):
            continue
        out.append(_Mention(word_start, x.start - 1, m.group(0), _MODIFIER))
    out.sort()
    return out


def _find_all(text: str, word: str) -> list[int]:
    """Every offset of ``word`` in ``text`` (``str.find``: C speed)."""
    out, i = [], text.find(word)
    while i != -1:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _numbers(spans: Any, text: str, sents: list[tuple[int, int]], title_end: int,
             names: list[_Mention]) -> list[_Num]:
    """The numbers of the abstract (not the title, not inside a name), with their sentence."""
    out: list[_Num] = []
    si = 0
    mi = 0
    fraction = _rx("skip:fraction")
    for sp in spans:
        written = sp.kb_id_
        s, e = number_offsets(sp, text)
        if s < title_end or not written:
            continue
        while si < len(sents) and sents[si][1] <= s:
            si += 1
        if si >= len(sents):
            break
        while mi < len(names) and names[mi].end <= s:
            mi += 1
        if mi < len(names) and names[mi].start < e and s < names[mi].end:
            continue  # part of a name: "GPT-3", "LLaMA2-7B", "DAVIS 2017"
        if sp.label_ == "NUM" and "/" in text[max(0, s - 1):e + 1]:
            f = fraction.search(text, max(0, s - 4), min(len(text), e + 5))
            if f is not None and f.start() <= s < f.end() and int(f.group("num")) < int(f.group("den")):
                continue  # "the 1/4, 1/2 and full split": a setting, not a figure
        out.append(_Num(s, e, sp.start_char, sp.end_char, written, sp.label_, sp.id_ or f"number:{sp.label_}", si))
    return out


def _result(n: _Num, slot: _Slot | None, group: list[_Num], k: int, sent: tuple[int, int], text: str,
            systems: list[_Mention], datasets: list[_Mention], metrics: list[_Mention], proposed: list[str],
            unit_numbers: list[tuple[int, int]], names: list[_Mention],
            earlier: _Mention | None = None) -> Result | None:
    keep, quantity, keep_rule = _keep_number(n, sent, text, metrics)
    if slot is not None and not slot.keep:
        return None
    if not keep and slot is None:
        return None
    if slot is not None and not keep:
        keep_rule = "keep:list-member"
    s, e = n.s, n.e
    ctx_end = max(e, n.span_end) if "range" in n.rule else e
    if slot is not None and slot.subject is not None:
        subject, how = slot.subject, slot.subject_rule
    elif keep_rule == "keep:model-size-after":
        subject, how = _size_owner(n, sent, text, systems)
    else:
        for_m = _rx("subject:for-owner").match(text, e)
        owner = next((m for m in systems if for_m and m.start == for_m.end()), None)
        if _rx("subject:vs-before").search(text, max(sent[0], s - 16), s):
            # "88.5, compared to 87.1 for LoRA": the number after "compared to" is the baseline's
            base = owner or _baseline_for(s, sent, text, systems)
            subject, how = (base.name if base else None), "subject:baseline-after-vs"
        elif n.rule.startswith("number:from-to") and not _rx("subject:from-to").search(text, n.span_start, s):
            # "over the model with SFT (from 19.5 to 31.5)": the "from" end is the named baseline's;
            # "X improves from 75.02% to 78.94%": with no baseline named, both ends are X's
            base = _baseline_for(n.span_start, sent, text, systems)
            if base is not None:
                subject, how = base.name, "subject:from-baseline"
            elif _rx("subject:from-aside").search(text, max(sent[0], n.span_start - 12), n.span_start):
                # "reduces training time by 1.5x (from 83h to 57h)": the unnamed baseline's figure
                subject, how = None, "subject:from-aside"
            else:
                subject, how = _subject_for(n.span_start, sent, text, systems, proposed, names)
                how += " + subject:from-same"
        else:
            subject, how = _subject_for(s, sent, text, systems, proposed, names, metrics)
    if subject is None:
        return None
    value = parse_value(n.value)
    if slot is not None and slot.metric:
        metric, metric_rule = slot.metric, "metric:respectively"
    elif quantity:
        metric, metric_rule = quantity, keep_rule
    else:
        # "the perplexity from 14.65 to 6.82": both ends of a from-to are read at the "from" end
        m_start = n.span_start if n.rule.startswith("number:from-to") else s
        metric, metric_rule = _metric_for(m_start, ctx_end, sent, text, metrics)
    if slot is not None and (slot.dataset is not None or slot.dataset_rule.startswith("dataset:ambiguous")):
        ds, ds_rule = slot.dataset, slot.dataset_rule
    elif quantity and (quantity.startswith(("trainable parameters", "parameters (")) or quantity.lower().endswith(
            ("fps", "flops"))):  # properties of the method: no dataset
        ds, ds_rule = None, "dataset:none-for-property"
    else:
        anchor = n
        if slot is not None and slot.dataset_rule == "dataset:pair-lead":
            # both numbers of a pair: the dataset of the pair as a whole
            pair_gap = _rx("pair:vs-gap")
            if k > 0 and pair_gap.fullmatch(text, group[k - 1].e, n.s):
                anchor = group[k - 1]
            elif k + 1 < len(group) and pair_gap.fullmatch(text, n.e, group[k + 1].s):
                ctx_end = group[k + 1].e
        ds, ds_rule = _dataset_for(anchor, ctx_end, sent, text, datasets, unit_numbers, systems)
        if slot is not None and slot.dataset_rule == "dataset:pair-lead" and ds is not None:
            ds_rule = "dataset:pair-lead"
        if ds is None and ds_rule == "dataset:none" and earlier is not None and (
                not quantity or quantity == "improvement" or keep_rule == "keep:named-measure"):
            ds, ds_rule = earlier, "dataset:earlier-sentence"
    if ds is not None and ds.type == _MODIFIER and not any(
            m.start == ds.end + 1 and m.name == metric for m in metrics):
        # "the wikitext2 perplexity ... and average downstream accuracy from 50.52": the dataset
        # modifies one metric, not the next one
        ds, ds_rule = None, "dataset:none"
    chain = [n.rule, keep_rule, *how.split(" + "), ds_rule]
    if ds is not None and ds.type in (_FRAMED, _MODIFIER):
        chain.append(ds.type.lower())
    if metric_rule and metric_rule != keep_rule:
        chain.append(metric_rule)
    decisions = tuple(x for x in chain if x)
    unit = n.unit if n.unit in ("%", "x") else None
    return Result(subject, ds.name if ds else None, metric, value, unit,
                  Evidence(text[sent[0]:sent[1]], s, e, " + ".join(decisions), decisions))


def _add(out: list[Result], seen: dict[tuple[str, float], int], result: Result) -> None:
    """The same number repeated for the same subject is one result (the guideline's rule); keep
    the mention that names a dataset / metric if the first one did not."""
    key = (match_key(result.subject), result.value)
    prev = out[seen[key]] if key in seen else None
    if prev is not None and prev.metric and result.metric and prev.metric != result.metric:
        key = (key[0] + "|" + result.metric, result.value)  # "70% parameters remained", "70% memory"
    if key in seen:
        old = out[seen[key]]
        if (old.dataset is None and result.dataset) or (old.metric is None and result.metric and
                                                        old.dataset == result.dataset):
            out[seen[key]] = result
        return
    seen[key] = len(out)
    out.append(result)


__all__ = ["RESULTS_FILE", "ResultRule", "find_results", "load_result_rules"]
