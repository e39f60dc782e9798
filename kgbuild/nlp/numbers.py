"""The number grammar: ``kgbuild_numbers`` -> ``doc.spans["numbers"]``.

Every number in the text, labelled with its unit (``%``, ``x``, ``M``, ``B`` or ``NUM``),
``kb_id_`` = the value as written ("75.5", "+5.16"), ``id_`` = rule id (``number:percent``,
``number:times-range`` ...). Regexes live in ``patterns/claims-numbers.jsonl``; they are tried only
where a digit starts, over the doc text (a token Matcher cannot see "43.1\\%" or "1.25sim1.56times",
TeX leftovers the tokenizer keeps glued). Spans are token-aligned (expanded); ``number_offsets``
gives the exact value offsets. ``results.find_results`` decides which numbers are reported results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgbuild.nlp.rules import NUMBERS_FILE, NUMBERS_KEY, PATTERN_DIR, load_rules
from kgbuild.nlp.rules import pattern_file as _pattern_file
from kgbuild.nlp.text import _text

@dataclass(frozen=True)
class NumberPattern:
    """One regex of ``claims-numbers.jsonl``: groups ``v1`` (and ``v2`` for ranges, ``mag``)."""

    id: str
    unit: str
    regex: re.Pattern[str]


def load_number_patterns(path: Path | None = None) -> list[NumberPattern]:
    """Number regexes in priority order (earlier patterns win overlaps). Every line needs its own
    unique ``id``, a ``unit`` and a ``regex``; a bad line is an ``ExtractError`` naming file and line."""
    return [NumberPattern(r.id, r.fields["unit"], r.regex(flags=0))
            for r in load_rules(path or PATTERN_DIR / NUMBERS_FILE, required=("unit", "regex"))]


@dataclass(frozen=True)
class NumberMatch:
    """A number found in text: char offsets of the whole expression, the value as written."""

    start: int
    end: int
    value: str
    unit: str
    rule: str


_MAGNITUDE = {"m": "M", "million": "M", "b": "B", "billion": "B"}


_NUMBER_START = re.compile(r"[+\-−]?\d")


def find_numbers(text: str, patterns: list[NumberPattern]) -> list[NumberMatch]:
    """All numbers in ``text``, leftmost first; at one position the first pattern in file order
    wins, so a range ("4-17%") is read before its parts. Ranges give one match per endpoint.

    Patterns are only tried where a number starts (one C-level scan finds those), not at every
    character: this keeps the component cheap."""
    out: list[NumberMatch] = []
    last_end = 0
    for start in _NUMBER_START.finditer(text):
        pos = start.start()
        if pos < last_end:
            continue
        if pos and text[pos] != "+" and (text[pos - 1].isalnum() or text[pos - 1] in "._") and not text.startswith(
                "sim", pos - 3):
            # inside a word, a hyphenated name or after a decimal point ("LLaMA2", "T5", "Gemma-6X",
            # "GPT-4"): no number starts there (TeX "\sim3" aside); a "+" after a word is a gain
            # ("CTR+2.9%")
            continue
        for pat in patterns:
            m = pat.regex.match(text, pos)
            if m is None and text[pos] in "+-−":
                m = pat.regex.match(text, pos + 1)
            if m is None:
                continue
            s, e = m.span()
            last_end = e
            unit, rule = pat.unit, pat.id
            groups = m.groupdict()
            if unit == "MAG":
                unit = _MAGNITUDE.get(m.group("mag").lower(), "NUM")
            elif unit == "FROMTO":
                # "from 19.5 to 31.5", "from 83h to 57h": the unit of the endpoints, if any
                u = (groups.get("u2") or groups.get("u1") or "").lstrip("\\")
                if u == "%" or u == "x":
                    unit = u
                elif u.lower() in ("k", "m", "b", "t"):
                    unit, rule = _MAGNITUDE.get(u.lower(), "NUM"), rule + "-magnitude"
                else:
                    unit = "NUM"
            for g in ("v1", "v2"):
                v = groups.get(g)
                if v is not None:
                    out.append(NumberMatch(s, e, v.replace("−", "-"), unit, rule))
            break
    return out


def number_offsets(sp: Span, doc_text: str) -> tuple[int, int]:
    """Exact char offsets of a number span's value (spans are token-expanded: the tokenizer keeps
    "reasoning(+12.89%/+5.61%" in one token), with a directly following unit sign included."""
    text = doc_text[sp.start_char:sp.end_char]
    i = text.find(sp.kb_id_) if sp.kb_id_ else -1
    if i < 0:
        return sp.start_char, sp.end_char
    s = sp.start_char + i
    e = s + len(sp.kb_id_)
    if e < len(doc_text) and doc_text[e] in "%x×":
        e += 1
    return s, e


def parse_value(written: str) -> float:
    """The float of a value as written ("1,000" -> 1000.0, "+5.16" -> 5.16)."""
    return float(written.replace(",", "").replace("+", ""))


@Language.factory("kgbuild_numbers", assigns=["doc.spans"],
                  default_config={"pattern_dir": None, "spans_key": NUMBERS_KEY})
def make_numbers(nlp: Language, name: str, pattern_dir: str | None, spans_key: str) -> "NumberComponent":
    return NumberComponent(pattern_dir=pattern_dir, spans_key=spans_key)


class NumberComponent:
    """Writes ``doc.spans["numbers"]``. Patterns are read on first use, not in the constructor."""

    def __init__(self, *, pattern_dir: str | None = None, spans_key: str = NUMBERS_KEY):
        self.pattern_dir = pattern_dir
        self.spans_key = spans_key
        self.patterns: list[NumberPattern] | None = None

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        self.patterns = load_number_patterns(_pattern_file(self.pattern_dir, NUMBERS_FILE))

    def __call__(self, doc: Doc) -> Doc:
        if self.patterns is None:
            self.initialize()
        spans = []
        for n in find_numbers(_text(doc), self.patterns or []):
            tok = doc.char_span(n.start, n.end, alignment_mode="expand")
            if tok is not None:
                spans.append(Span(doc, tok.start, tok.end, label=n.unit, kb_id=n.value, span_id=n.rule))
        doc.spans[self.spans_key] = spans
        return doc



__all__ = ["NumberComponent", "NumberMatch", "NumberPattern", "find_numbers", "load_number_patterns",
           "number_offsets", "parse_value"]
