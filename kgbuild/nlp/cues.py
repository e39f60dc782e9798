"""The ``kgbuild_cues`` component: comparison, negation and proposal cues as ``doc.spans["cues"]``.

Cues are data (``patterns/claims-cues.jsonl``), one rule per line with its own ``id``:

* ``label``: ``outperforms`` / ``comparable`` / ``underperforms`` (a comparison frame's relation),
  ``negation``, ``proposes``, ``compared`` ("compared to/with": the relation comes from a
  polarity word of its clause, ``comparisons.py``) or ``shape`` (where a proposal read from its
  shape may be: "... is introduced", "the first novelty is", "its key designs include";
  ``descriptive.py``; found in the same scan, so those rules need no scan of their own);
* ``relations`` (optional): every relation the cue states, for cues that state two ("on par or
  better" -> ``["comparable", "outperforms"]``); defaults to ``[label]``;
* ``voice`` (optional): ``passive`` when the object of the cue is the winner ("is outperformed by");
* ``kind`` (optional): a sub-kind the grammar asks for (``we-propose`` / ``called`` proposals);
* ``first``: the words the cue can start with; ``regex``: case-insensitive, anchored at that word.

Why first words: each text is scanned once for trigger words (explicit inflections, there is no
lemmatizer) and only those positions try a pattern. A token ``Matcher`` or one big alternation
tries every pattern at every token and costs more than the tokenizer (the pipeline must run at
>= 1,500 abstracts/s).

The component has spaCy's ``SpanRuler`` shape: patterns are loaded in ``initialize``, ``match``
is a pure function of the doc, ``set_annotations`` writes ``doc.spans[spans_key]`` with the
pattern's ``label`` as the span label and its ``id`` as the span id. The factory is declared as a
``spacy_factories`` entry point, so ``spacy.blank("en").add_pipe("kgbuild_cues")`` works without
importing kgbuild first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kgbuild.errors import ExtractError
from kgbuild.nlp.rules import (CUES_FILE, CUES_KEY, PATTERN_DIR, RELATION_LABELS, literal_alternation, load_rules,
                               pattern_file)
from kgbuild.nlp.text import _CUES_CACHE, _Cue, _text

CUE_LABELS = (*RELATION_LABELS, "negation", "proposes", "compared", "shape")


@dataclass(frozen=True)
class CuePattern:
    """One line of ``claims-cues.jsonl`` (see the module docstring for the fields)."""

    label: str
    id: str
    regex: re.Pattern[str]
    first: tuple[str, ...]
    relations: tuple[str, ...] = ()
    voice: str = "active"
    kind: str = ""


# Every cue pattern loaded in this process, by id: the grammar reads a cue span's ``relations``,
# ``voice`` and ``kind`` from here (a span carries only label and id).
_BY_ID: dict[str, CuePattern] = {}


def cue_pattern(rule_id: str) -> CuePattern | None:
    """The loaded cue pattern with this id (``None`` before loading or for an unknown id)."""
    return _BY_ID.get(rule_id)


def load_cue_patterns(path: Path | None = None) -> list[CuePattern]:
    """Cue patterns in priority order (at one position the earlier pattern wins).

    Raises ``ExtractError`` naming the file and line for a missing or duplicate id, a missing
    field, an unknown label or relation, or a regex that does not compile."""
    path = Path(path) if path else PATTERN_DIR / CUES_FILE
    out = []
    for rule in load_rules(path, required=("label", "first", "regex")):
        f = rule.fields
        if f["label"] not in CUE_LABELS:
            raise ExtractError(f"{rule.where()}: rule {rule.id!r}: unknown label {f['label']!r} "
                               f"(one of {', '.join(CUE_LABELS)})")
        relations = tuple(f.get("relations") or ([f["label"]] if f["label"] in RELATION_LABELS else []))
        if any(r not in RELATION_LABELS for r in relations):
            raise ExtractError(f"{rule.where()}: rule {rule.id!r}: relations must be among {RELATION_LABELS}")
        pat = CuePattern(f["label"], rule.id, rule.regex(), tuple(w.lower() for w in f["first"]),
                         relations, f.get("voice", "active"), f.get("kind", ""))
        out.append(pat)
    _BY_ID.update((p.id, p) for p in out)
    return out


def _trigger_key(word: str) -> str:
    return word[:4].lower()


@dataclass(frozen=True)
class CueIndex:
    """Patterns by trigger (first four letters of a possible first word), and one regex that finds
    trigger words: only those positions try a pattern."""

    triggers: re.Pattern[str]  # over lower-cased text (case-insensitive literals are 4x slower)
    triggers_ci: re.Pattern[str]  # fallback when lower-casing changes the text length
    by_trigger: dict[str, list[CuePattern]]


def compile_cues(patterns: list[CuePattern]) -> CueIndex:
    """Index patterns by the first four letters of their possible first words."""
    index: dict[str, list[CuePattern]] = {}
    for p in patterns:
        for w in dict.fromkeys(_trigger_key(w) for w in p.first):
            index.setdefault(w, []).append(p)
    alternation = r"\b" + literal_alternation(index)
    return CueIndex(re.compile(alternation), re.compile(alternation, re.I), index)


def find_cues(text: str, index: CueIndex) -> list[tuple[int, int, CuePattern]]:
    """Non-overlapping cue matches, leftmost first; at one position the first pattern in file order."""
    out: list[tuple[int, int, CuePattern]] = []
    last_end = 0
    low = text.lower()
    found = index.triggers.finditer(low) if len(low) == len(text) else index.triggers_ci.finditer(text)
    for w in found:
        pos = w.start()
        if pos < last_end:
            continue
        for p in index.by_trigger.get(w.group().lower(), ()):
            m = p.regex.match(text, pos)
            if m:
                out.append((pos, m.end(), p))
                last_end = m.end()
                break
    return out


@Language.factory("kgbuild_cues", assigns=["doc.spans"],
                  default_config={"pattern_dir": None, "spans_key": CUES_KEY})
def make_cues(nlp: Language, name: str, pattern_dir: str | None, spans_key: str) -> "CueComponent":
    return CueComponent(pattern_dir=pattern_dir, spans_key=spans_key)


class CueComponent:
    """Writes ``doc.spans[spans_key]``: non-overlapping cue matches (token-aligned), label = cue
    label, id = rule id."""

    def __init__(self, *, pattern_dir: str | None = None, spans_key: str = CUES_KEY):
        self.pattern_dir = pattern_dir
        self.spans_key = spans_key
        self.compiled: CueIndex | None = None

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        """Load and validate the cue patterns (``ExtractError`` naming file and line if bad)."""
        self.compiled = compile_cues(load_cue_patterns(pattern_file(self.pattern_dir, CUES_FILE)))

    def match(self, doc: Doc) -> list[Span]:
        """Cue spans of ``doc`` (pure: the doc is not changed)."""
        if self.compiled is None:
            self.initialize()
        spans = []
        for s, e, pat in find_cues(_text(doc), self.compiled):  # type: ignore[arg-type]
            tok = doc.char_span(s, e, alignment_mode="expand")
            if tok is not None:
                spans.append(Span(doc, tok.start, tok.end, label=pat.label, span_id=pat.id))
        return filter_spans(spans)

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        doc.spans[self.spans_key] = spans
        if self.spans_key == CUES_KEY:  # the claims stages read them as tuples (``text.cue_spans``)
            doc.user_data[_CUES_CACHE] = [_Cue(sp.start_char, sp.end_char, sp.start, sp.end, sp.label_,
                                               sp.id_ or f"cue:{sp.label_}") for sp in spans]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


__all__ = ["CUE_LABELS", "CueComponent", "CueIndex", "CuePattern", "compile_cues", "cue_pattern",
           "find_cues", "load_cue_patterns", "make_cues"]
