"""The one sentence segmentation, text cache and mention helpers every claims stage reads.

Why one owner: the proposes, results and comparisons grammars (and ``kgbuild explain``) must agree
on where a sentence starts and on which entity mention covers a character; each used to keep
its own copy. Everything here is cached in ``doc.user_data`` so the three ``find_*`` calls of one
extraction compute it once.

* ``doc_text(doc)``: ``doc.text`` read once per Doc (the tokenizer stores it already).
* ``sentences(doc)``: sentence char ranges: the title is its own sentence; pieces split after an
  abbreviation ("e.g.", "vs.", "et al.") or before a lower-case / digit start are re-joined.
  The ``kgbuild_sentences`` component (``build_nlp`` runs it after the entity components) writes
  the same boundaries back to the doc, so ``doc.sents`` - read by entity evidence and
  ``kgbuild explain`` - and the claims grammars see one segmentation.
* ``doc_mentions(doc, entities, n)``: non-overlapping entity mentions, longest first.
* ``cue_spans(doc)``: the cue spans of ``kgbuild_cues`` as small records.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kgbuild.records import Entity

CUES_KEY = "cues"

class _Mention(NamedTuple):
    """One entity mention (a tuple, so the copy cached in ``doc.user_data`` stays serialisable)."""

    start: int
    end: int
    name: str
    type: str


@dataclass(frozen=True)
class _Cue:
    start: int  # char offsets
    end: int
    tok_start: int
    tok_end: int
    label: str
    rule: str


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentence char ranges (cached on the Doc: the three find_* functions share them)."""
    cached = doc.user_data.get(_SENTS_CACHE)
    if cached is not None:
        return cached
    sents = _compute_sentences(doc, _text(doc))
    doc.user_data[_SENTS_CACHE] = sents
    return sents


def _text(doc: Doc) -> str:
    """``doc.text`` joins every token on each access: read it once per Doc."""
    cached = doc.user_data.get(_TEXT_CACHE)
    if cached is None:
        cached = doc.user_data[_TEXT_CACHE] = doc.text
    return cached


_TEXT_CACHE = "kgbuild_claims_text"


_SENTS_CACHE = "kgbuild_claims_sentences"


def _raw_sentences(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Sentencizer boundaries read in one array call (``doc.sents`` builds a Token per token)."""
    if len(doc) and doc.has_annotation("SENT_START"):
        arr = doc.to_array([SENT_START, IDX])
        starts = arr[arr[:, 0] == 1, 1].tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        bounds = starts[1:] + [len(text)]
        return [(a, b) for a, b in zip(starts, bounds)]
    raw, pos = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(])", text):
        raw.append((pos, m.start()))
        pos = m.end()
    raw.append((pos, len(text)))
    return raw


def _compute_sentences(doc: Doc, text: str) -> list[tuple[int, int]]:
    """The title is its own sentence; pieces split after an abbreviation ("e.g.", "i.e.", "vs.",
    "et al.") or before a lower-case/digit start are re-joined."""
    title_end = text.find("\n")
    raw = _raw_sentences(doc, text)
    cuts: list[tuple[int, int]] = []
    for s, e in raw:
        if title_end != -1 and s < title_end < e:
            cuts.append((s, title_end))
            s = title_end + 1
        cuts.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in cuts:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if merged and merged[-1][0] > title_end and s > title_end:
            prev_text = text[merged[-1][0]:merged[-1][1]].rstrip()
            if _ABBREV_END.search(prev_text) or text[s].islower() or text[s].isdigit() or text[s] in ",;)%":
                merged[-1] = (merged[-1][0], e)
                continue
        merged.append((s, e))
    return merged


def align_sentences(doc: Doc) -> Doc:
    """Write ``sentences(doc)`` back as the doc's sentence starts (one array call), so that
    ``[(s.start_char, s.end_char) for s in doc.sents]`` gives the same sentences (up to
    surrounding whitespace). Whitespace tokens before a sentence stay in the previous one."""
    n = len(doc)
    if n == 0:
        return doc
    text = _text(doc)
    sents = _compute_sentences(doc, text)
    idx = doc.to_array([IDX]).tolist()
    values = [-1] * n
    values[0] = 1
    for s, _ in sents:
        i = bisect_left(idx, s)
        if i < n:
            values[i] = 1
    doc.from_array([SENT_START], numpy.array(values, dtype="int64").astype("uint64").reshape(n, 1))
    doc.user_data[_SENTS_CACHE] = sents
    return doc


@Language.component("kgbuild_sentences", assigns=["token.is_sent_start", "doc.sents"])
def sentences_component(doc: Doc) -> Doc:
    """Align ``doc.sents`` with the claims' sentences (see ``align_sentences``)."""
    return align_sentences(doc)


_ABBREV_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|al|approx|Fig|Tab|Eq|Sec|resp|w\.r\.t)\.?|\be\.g\.,?|\bi\.e\.,?)$")


def _mentions(entities: Iterable[Entity], text_len: int) -> list[_Mention]:
    """Mentions of every entity, sorted, overlaps resolved longest-first."""
    raw = []
    for ent in entities:
        for m in ent.mentions:
            s, e = m.evidence.start, m.evidence.end
            if 0 <= s < e <= text_len:
                raw.append(_Mention(s, e, ent.name, ent.type))
    raw.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken = bytearray(text_len + 1)  # one flag per character: overlap checks in O(length)
    kept: list[_Mention] = []
    for m in raw:
        if not any(taken[m.start:m.end]):
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
            kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


def _doc_mentions(doc: Doc, entities: list[Entity], text_len: int) -> list[_Mention]:
    """``_mentions`` cached on the Doc for the three find_* calls of one extraction."""
    key = [id(entities), len(entities)]
    cached = doc.user_data.get(_MENTIONS_CACHE)
    if cached is not None and list(cached[0]) == key:
        return cached[1]
    mentions = _mentions(entities, text_len)
    doc.user_data[_MENTIONS_CACHE] = (key, mentions)
    return mentions


_MENTIONS_CACHE = "kgbuild_claims_mentions"


def _cues(doc: Doc) -> list[_Cue]:
    if CUES_KEY not in doc.spans:
        return []
    return [_Cue(sp.start_char, sp.end_char, sp.start, sp.end, sp.label_, sp.id_ or f"cue:{sp.label_}")
            for sp in doc.spans[CUES_KEY]]


def _in(span_start: int, span_end: int, sent: tuple[int, int]) -> bool:
    return sent[0] <= span_start and span_end <= sent[1]


def _proposed_keys(proposed: Iterable[str]) -> list[str]:
    return [p for p in proposed if p]


# Words right before a mention that make it a non-subject (a prepositional object, a baseline).
_NON_SUBJECT_BEFORE = re.compile(
    r"(?:\b(?:to|with|than|over|on|of|from|for|in|into|using|via|against|by|like|as|under|"
    r"compared|comparing|compare|versus|vs\.?|relative|including|applied|applying|and|or|both|nor|"
    r"besides|within|after|before|during|through|following|when|while|outperform\w*|surpass\w*|beat\w*|"
    r"exceed\w*|match\w*|rival\w*|"
    r"across|upon|unlike|such)\b[\w\s\-\"'“”‘’`]{0,25}|/|\((?:e\.g\.|i\.e\.|eg|such as|like|including)[,\s]*)$",
    re.I)


# public names (the underscored ones stay importable for the existing callers)
doc_text = _text
sentences = _sentences
doc_mentions = _doc_mentions
cue_spans = _cues
Mention = _Mention
CueSpan = _Cue

__all__ = ["align_sentences", "sentences_component", "CUES_KEY", "CueSpan", "Mention", "cue_spans", "doc_mentions", "doc_text", "sentences",
           "_Cue", "_Mention", "_NON_SUBJECT_BEFORE", "_ABBREV_END", "_compute_sentences", "_cues",
           "_doc_mentions", "_in", "_mentions", "_proposed_keys", "_raw_sentences", "_sentences", "_text",
           "_TEXT_CACHE", "_SENTS_CACHE", "_MENTIONS_CACHE"]
