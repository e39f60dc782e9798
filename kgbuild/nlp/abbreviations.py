"""Schwartz & Hearst abbreviation detection ("Low-Rank Adaptation (LoRA)").

The algorithm follows Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation
definitions in biomedical text", as implemented in allenai/scispacy ``abbreviation.py``: a candidate
short form in parentheses, then the shortest run of preceding words whose characters contain the
short form's characters right to left, with the first character at the start of a word.

Why it matters downstream: an in-text acronym definition gives both the entity's standard name
(the short form) and an alias (the long form), and lets the entity component type coined names
by the long form's head word ("... Tuning (XYZ)" is a Method).

Precision first: only "long (SHORT)" is detected (not "SHORT (long)"), the short form must look
like an abbreviation (a capital letter, 2-10 characters, one or two words), and parenthesised
asides such as "(e.g., ...)", "(Table 1)", "(75.5%)", "(ours)" are rejected.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterable

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

SPANS_KEY = "abbreviations"
LONG_SPANS_KEY = "abbreviations_long"
RULE_ID = "abbrev:schwartz-hearst"

# "( SHORT )" with 2-10 visible characters inside, no nested parentheses.
_PAREN = re.compile(r"\(([^()\n]{2,10})\)")
# Words that open parenthesised asides, never abbreviations.
_ASIDE_WORDS = frozenset(
    "e.g. eg i.e. ie cf. cf see ours table tab fig fig. figure sec sec. section eq eq. equation "
    "resp resp. respectively appendix ref refs approx etc et al. vs vs. ii iii iv vi vii viii ix".split()
)
_ROMAN = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|x)$", re.I)
_LONG_BAD_START = frozenset("the a an our their its this these those and or of for with in on to by".split())


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc and cached in ``doc.user_data``.

    ``Doc.text`` joins every token's text on each access; the rule components each need the
    whole text for their regexes, so they share one copy.
    """
    text = doc.user_data.get("kgbuild_text")
    if text is None:
        text = doc.text
        doc.user_data["kgbuild_text"] = text
    return text


_BOUNDARIES_KEY = "kgbuild_token_boundaries"


def token_boundaries(doc: Doc) -> tuple[list[int], list[int]]:
    """Sorted token start chars and token end chars of ``doc`` (``ends[i]`` ends token ``i``).

    Why: the rule components map many regex matches back to tokens; ``Doc.char_span`` builds a
    Span per call (and Token objects to check alignment), while two bisections over these lists
    give the same strict alignment (``char_span_bounds``). Computed once per doc from
    ``Doc.to_array`` and cached in ``doc.user_data`` (with the token count, so a retokenized doc
    gets fresh lists).
    """
    cached = doc.user_data.get(_BOUNDARIES_KEY)
    n = len(doc)
    if cached is not None and cached[0] == n:
        return cached[1], cached[2]
    if n:
        arr = doc.to_array([IDX, LENGTH])
        starts = arr[:, 0].tolist()
        ends = (arr[:, 0] + arr[:, 1]).tolist()
    else:
        starts, ends = [], []
    doc.user_data[_BOUNDARIES_KEY] = (n, starts, ends)
    return starts, ends


def char_span_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token range ``(i, j)`` of chars [start, end) when both fall on token boundaries, else None
    (``doc.char_span(start, end, alignment_mode="strict")`` without building the Span; an empty
    range is None)."""
    starts, ends = token_boundaries(doc)
    i = bisect_left(starts, start)
    if i == len(starts) or starts[i] != start:
        return None
    j = bisect_left(ends, end)
    if j == len(ends) or ends[j] != end or j < i:
        return None
    return i, j + 1


def is_short_form_candidate(text: str) -> bool:
    """Whether parenthesised ``text`` can be an abbreviation (Schwartz & Hearst's conditions, stricter).

    Requires a capital letter (rejects "(ours)", "(resp.)"), a letter first or an alphanumeric first
    character, at most two words, no percent/number-only content ("(75.5%)", "(2023)").
    """
    t = text.strip()
    if len(t) < 2 or len(t) > 10 or t != text:
        return False
    if not t[0].isalnum() or not any(c.isupper() for c in t):
        return False
    if not any(c.isalpha() for c in t):
        return False
    if len(t.split()) > 2 or any(c in t for c in ",;:%=<>\"'"):
        return False
    if t.lower() in _ASIDE_WORDS or t.lower().split()[0] in _ASIDE_WORDS or _ROMAN.match(t):
        return False
    if re.fullmatch(r"[A-Z]?\d+(\.\d+)?[a-z]?", t):  # "(2)", "(A1)", "(3b)"
        return False
    return True


def find_best_long_form(short: str, long: str) -> int | None:
    """Return the start index in ``long`` of the shortest suffix that defines ``short``, else None.

    Scans both strings right to left: every alphanumeric character of the short form must be found
    in order in the long form, and the short form's first character must start a word of the long
    form. Returns the index of the start of that word.
    """
    s_idx = len(short) - 1
    l_idx = len(long) - 1
    while s_idx >= 0:
        c = short[s_idx].lower()
        if not c.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            long[l_idx].lower() != c or (s_idx == 0 and l_idx > 0 and long[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    # back to the start of the (space- or hyphen-delimited) word the first character sits in
    start = l_idx + 1
    while start > 0 and not long[start - 1].isspace():
        start -= 1
    return start


_WINDOW_STOP = frozenset({".", ";", ":", "(", ")", "!", "?", "[", "]"})


def _long_form_span(doc: Doc, short_span: Span) -> Span | None:
    """The long form for ``short_span`` (the tokens inside the parentheses), or None."""
    short = short_span.text
    open_i = short_span.start - 1
    sent_start = short_span.sent.start if doc.has_annotation("SENT_START") else 0
    n_chars = sum(c.isalnum() for c in short)
    max_words = min(n_chars + 5, n_chars * 2)
    # candidate window: up to max_words words (hyphenated words count once) before "("
    # (token texts and trailing spaces read from char offsets: no Token objects)
    doc_chars = doc_text(doc)
    starts, ends = token_boundaries(doc)
    words = 0
    i = open_i - 1
    first = open_i
    while i >= sent_start and words < max_words:
        tok_text = doc_chars[starts[i]:ends[i]]
        if tok_text in _WINDOW_STOP:
            break
        if tok_text == "," and words > 0:
            break
        first = i
        if ends[i] != starts[i + 1] or i == open_i - 1:  # token followed by a space
            words += 1
        i -= 1
    if first >= open_i:
        return None
    window = doc[first:open_i]
    text = window.text
    start = find_best_long_form(short, text)
    if start is None:
        return None
    long_text = text[start:]
    if len(long_text) <= len(short) or long_text.split()[0].lower() in _LONG_BAD_START:
        return None
    if long_text.lower() == short.lower():
        return None
    span = doc.char_span(window.start_char + start, window.end_char, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    # a long form has to contain a letter of the short form's first character at its start
    if span.text[0].lower() != short.lstrip("(")[0].lower():
        return None
    return span


# "MASA (Matrix Atom Sharing in Attention)": a short form, then its expansion in parentheses.
# Possessive runs ("{1,9}+"): the character after either run cannot belong to it, so giving
# characters back never finds a match - same matches, without the backtracking at every word.
_SHORT_FIRST = re.compile(r"(?<![\w\-/])([A-Za-z][A-Za-z0-9\-]{1,9}+)\s\(([A-Za-z][A-Za-z\- ]{4,150}+)\)")


def find_short_first(doc: Doc, text: str) -> list[tuple[Span, Span]]:
    """Definitions written the other way round, "SHORT (long form)".

    Why: papers often introduce their coined name first ("MASA (Matrix Atom Sharing in
    Attention)"); Schwartz & Hearst only reads "long (SHORT)". Strict, because a name followed by
    any parenthesis is common ("BERT (Devlin et al.)"): the short form must look like an
    abbreviation (two capitals), the parenthesis holds only words (no digits, commas, "et al."),
    at least two of them and at most the short form's length + 3, and the short form's
    characters must spell the long form from its first word on.
    """
    pairs = []
    for m in _SHORT_FIRST.finditer(text):
        short, long = m.group(1), m.group(2).strip()
        if sum(c.isupper() for c in short) < 2 or not is_short_form_candidate(short):
            continue
        n_words = len(long.split())
        if n_words < 2 or n_words > len(short) + 3 or long.split()[0].lower() in _LONG_BAD_START:
            continue
        if find_best_long_form(short, long) != 0:
            continue
        short_span = doc.char_span(m.start(1), m.end(1), alignment_mode="strict")
        long_span = doc.char_span(m.start(2), m.start(2) + len(long), alignment_mode="strict")
        if short_span is not None and long_span is not None:
            pairs.append((long_span, short_span))
    return pairs


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """All (long_span, short_span) definitions "long form (SHORT)" in ``doc``, and the reversed
    "SHORT (long form)" (:func:`find_short_first`), in text order of the short form."""
    text = doc_text(doc)
    pairs: list[tuple[Span, Span]] = find_short_first(doc, text)
    for m in _PAREN.finditer(text):
        if not is_short_form_candidate(m.group(1)):
            continue
        short_span = doc.char_span(m.start(1), m.end(1), alignment_mode="strict")
        if short_span is None or short_span.start == 0 or doc[short_span.start - 1].text != "(":
            continue
        if short_span.end >= len(doc) or doc[short_span.end].text != ")":
            continue
        long_span = _long_form_span(doc, short_span)
        if long_span is not None:
            pairs.append((long_span, short_span))
    pairs.sort(key=lambda p: p[1].start)
    return pairs


class AbbreviationDetector:
    """spaCy component wiring :func:`find_abbreviations` to ``doc.spans``.

    Writes short forms to ``doc.spans["abbreviations"]`` (label ``ABBR``, ``kb_id_`` = long form
    text, ``id_`` = rule id) and, index-aligned, the long-form spans to
    ``doc.spans["abbreviations_long"]`` so later components can use their position.
    """

    def __init__(self, nlp: Language, name: str = "kgbuild_abbreviations", *,
                 spans_key: str = SPANS_KEY, long_spans_key: str = LONG_SPANS_KEY):
        self.name = name
        self.spans_key = spans_key
        self.long_spans_key = long_spans_key

    def match(self, doc: Doc) -> list[tuple[Span, Span]]:
        return find_abbreviations(doc)

    def set_annotations(self, doc: Doc, pairs: Iterable[tuple[Span, Span]]) -> None:
        shorts: list[Span] = []
        longs: list[Span] = []
        for long_span, short_span in pairs:
            shorts.append(Span(doc, short_span.start, short_span.end, label="ABBR",
                               kb_id=long_span.text, span_id=RULE_ID))
            longs.append(Span(doc, long_span.start, long_span.end, label="ABBR_LONG",
                              kb_id=short_span.text, span_id=RULE_ID))
        doc.spans[self.spans_key] = shorts
        doc.spans[self.long_spans_key] = longs

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory(
    "kgbuild_abbreviations",
    assigns=["doc.spans"],
    default_config={"spans_key": SPANS_KEY, "long_spans_key": LONG_SPANS_KEY},
)
def make_abbreviation_detector(nlp: Language, name: str, spans_key: str,
                               long_spans_key: str) -> AbbreviationDetector:
    return AbbreviationDetector(nlp, name, spans_key=spans_key, long_spans_key=long_spans_key)
