"""Proposals: the Method/Model names a paper introduces as its own contribution.

Rules (each proposal records the ids of the decisions that made it in ``Evidence.decisions``):

* ``propose:title-prefix`` - the title's "X: subtitle" prefix, when the coined name is the whole prefix;
* ``propose:we-propose`` - after a ``proposes`` cue of kind ``we-propose`` ("we propose",
  "this paper introduces"): the first mention that names the thing (modifiers such as "a novel
  PEFT method" are skipped), and names coordinated with it (``propose:we-propose-coord``);
* ``propose:called`` - after a cue of kind ``called`` ("called X", "dubbed X", "we term it X");
* ``propose:appositive-new`` ("X, a novel framework ..."), ``propose:the-proposed`` ("our
  proposed X"), ``propose:our-method-is`` ("Our method, X, ..."), ``propose:our-coined``
  ("our multilingual mParamanu model"), ``propose:component`` (the coined components listed in
  a proposal sentence: "comprises three components: (i) ... (AFT), (ii) ...").
* names the entity rules may have missed, read from the proposal's own shape (``_coined_shapes``;
  such a name becomes a Method entity in ``kgbuild.extract``): ``propose:long-form-acronym``
  ("this work ... introduces Knowledge Consultation (SegKC)", "we present in-context data
  distillation (ICD)") and ``propose:long-form-acronym-coord``, ``propose:our-novel-head`` ("our
  novel agent MEME"), ``propose:novel-head-appositive`` ("a novel DPM-based pipeline,
  Diffusion-UNet, ..."), ``propose:passive-coined`` ("A Rectangular Self-Calibration Module is
  carefully designed"), ``propose:head-dashed`` ("a ... model – GLIMS – to perform"),
  ``propose:its-namely`` ("its implementation, namely Neural Common Neighbor (NCN)"). Never a
  data resource or metric ("we introduce a dataset, ImageNet-X (INX)"), a known (lexicon) name,
  a baseline, or a name used in an earlier sentence.

Only entity names (never generic phrases); usually 0-2 per paper. A sentence that reports someone
else's work ("have been proposed", "recently", "prior work") proposes nothing.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from spacy.tokens import Doc

from kgbuild.normalize import match_key
from kgbuild.nlp.cues import cue_pattern
from kgbuild.nlp.descriptive import shape_proposals
from kgbuild.nlp.rules import SYSTEM_TYPES
from kgbuild.nlp.slots import _chain_head
from kgbuild.nlp.text import _Cue, _cues, _doc_mentions, _in, _Mention, _sentences, _text
from kgbuild.nlp.text import _NON_SUBJECT_BEFORE
from kgbuild.records import Entity, Evidence, Proposal


def _kind(c: _Cue) -> str:
    pat = cue_pattern(c.rule)
    return pat.kind if pat is not None else ""


_PROPOSE_STOP = re.compile(
    r"\b(?:to|that|which|where|based|using|use|via|through|for|with|on|in|from|by|when|while|"
    r"whose|who|instead|because|if|into|of|towards?|against|across|over|under|between|among|within|"
    r"beyond|than)\b|[.;]", re.I)
_APPOSITIVE_NEW = re.compile(r"^\s*(?:\([^()]{1,80}\)\s*)?(?:,|:|--|—|–)\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?"
                             r"(?:novel|new)\b", re.I)


_PROPOSED_BEFORE = re.compile(r"\b(?:our|the)\s+(?:newly\s+)?proposed\s+"
                              r"(?:(?!(?:in|into|on|with|to|for|of|and|by|from|as|at)\b)[\w-]+\s+){0,3}?$", re.I)


class _Prefiltered:
    """A regex whose every match contains one of ``words`` (lower case): ``search`` looks for a
    word with ``str.find`` first and runs the regex only when one is there (most sentences have
    none; the regex alone cost ~40 us per abstract)."""

    def __init__(self, regex: re.Pattern[str], words: tuple[str, ...]):
        self.regex, self.words, self.pattern = regex, words, regex.pattern

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(string) if endpos is None else endpos
        chunk = string[pos:end].lower()
        if not any(w in chunk for w in self.words):
            return None
        return self.regex.search(string, pos, end)


_OTHERS_WORK = _Prefiltered(re.compile(r"\b(?:have|has|had)\s+been\s+(?:\w+\s+)?(?:proposed|introduced|developed|presented)\b|"
                                       r"\brecently\b|\bprior work\b|\bprevious work\b", re.I),
                            ("been", "recently", "prior work", "previous work"))
_NAME_THEN_HEAD = re.compile(
    r"(?:\s+(?:method|strategy|technique|scheme|approach|framework|module|mechanism|algorithm|objective|"
    r"loss|procedure|pipeline|paradigm|schema|model|system|recipe|task|theory|network|layer|block|architecture|"
    r"approximation|component|operator|discriminator|generator|encoder|decoder|backbone|variant|"
    r"formulation|setting|benchmark|dataset|head|policy|regressor|classifier|predictor|estimator|"
    r"conversion|measure|metric|score)s?\b|-(?:based|like|style|guided|empowered|"
    r"inspired|driven|aware|free|specific)\b)", re.I)


def _lexicon_ranges(entities: list[Entity]) -> set[tuple[int, int]]:
    """Char ranges of entity mentions that came from a lexicon (known, not coined, names): one
    mention per entity span, read from the records (no Span objects built)."""
    return {(m.evidence.start, m.evidence.end) for e in entities for m in e.mentions
            if (m.evidence.rule or "").startswith("lexicon")}


def _modifier(m: _Mention, text: str, sent_start: int, lexicon: set[tuple[int, int]]) -> bool:
    """Is this mention a modifier or a fragment rather than the name of the thing introduced?
    "a novel PEFT method", "a CLIP-based discriminator", "a Memory-Sharing Backpropagation strategy".
    A coined capitalised name before a head noun is the name ("the Triple Alignment module")."""
    surface = text[m.start:m.end]
    # a known name (lexicon) before a head noun modifies it ("a novel PEFT method"); a coined
    # lower-case phrase before "scheme"/"method" is the name ("a superblock pruning scheme")
    known = (m.start, m.end) in lexicon or (not any(ch.isupper() for ch in surface) and _generic_phrase(surface))
    if _NAME_THEN_HEAD.match(text, m.end) and (known or text[m.end:m.end + 1] == "-"):
        return True
    # "a graph-free Multilayer Perceptron (MLP) based model M3-Net", "a novel chain-of-thought (CoT) schema"
    close = re.match(r"\)", text[m.end:m.end + 1]) and "(" in text[max(sent_start, m.start - 2):m.start]
    # (a known name before a head noun modifies it; a coined one names the thing: "a Spatial Token
    # Fusion (STF) method", "the cold-start recommendation network (CSRNet) model")
    if close and ((known and _NAME_THEN_HEAD.match(text, m.end + 1))
                  or re.match(r"\s*-?\s*based\b", text[m.end + 1:m.end + 12])):
        return True
    if re.match(r"\s+based\b", text[m.end:m.end + 7]):
        return True
    if (known and _HEAD_AFTER_ACRONYM.match(text, m.end)) or \
            re.match(r"\s*\([^()]{1,30}\)\s*-?\s*based\b", text[m.end:m.end + 50]):
        return True  # "Multilayer Perceptron (MLP) based model", "a Parameter-Efficient Fine-Tuning (PEFT) method"
    before = text[max(sent_start, m.start - 40):m.start]
    # the word right before is capitalised and glued to the mention: part of an unknown longer name
    return bool(re.search(r"(?<![.:;!?]\s)\b[A-Z][\w]*(?:-[\w]+)*\s$", before)) and not re.search(
        r"\b(?:We|In|This|Our|Here|To|Finally|First|Second|Specifically|Moreover|Furthermore|Additionally|Then)\s$",
        before)


# lower-case names that are established families, not coined: "a novel contrastive learning framework"
_GENERIC_WORDS = re.compile(r"\b(?:learning|fine-?tuning|tuning|training|adaptation|attention|network|"
                            r"networks|model|models|transformer|distillation|regression|classification|"
                            r"prompting|augmentation|optimization|retrieval|generation|detection|segmentation)$", re.I)


def _generic_phrase(surface: str) -> bool:
    return bool(_GENERIC_WORDS.search(surface)) or len(surface.split()) == 1


def _seen_before(m: _Mention, mentions: list[_Mention], sent: tuple[int, int], title_end: int) -> bool:
    """Was this name already used in an earlier sentence of the abstract (so it is someone else's,
    the thing the proposal modifies)? The title does not count."""
    key = match_key(m.name)
    return any(o.start > title_end and o.end <= sent[0] and match_key(o.name) == key for o in mentions)


def find_proposes(doc: Doc, entities: list[Entity]) -> list[Proposal]:
    """Method/Model names the paper introduces: "we propose X", "X, a novel ...", "called X", the
    title's "X: ..." prefix. Only entity names (never generic phrases); usually 0-2 per paper."""
    text = _text(doc)
    mentions = [m for m in _doc_mentions(doc, entities, len(text)) if m.type in SYSTEM_TYPES]
    mention_starts = [m.start for m in mentions]
    sents = _sentences(doc)
    cues = [c for c in _cues(doc) if c.label == "proposes"]
    lexicon = _lexicon_ranges(entities)
    out: dict[str, Proposal] = {}
    shape_hits = _shape_hits(text)  # one scan per doc; most abstracts have none

    def emit(m: _Mention, sent: tuple[int, int], rule: str, cue: _Cue | None = None) -> None:
        key = match_key(m.name)
        if key and key not in out:
            chain = ((cue.rule,) if cue is not None else ()) + (rule,)
            out[key] = Proposal(m.name, Evidence(text[sent[0]:sent[1]], m.start, m.end, rule, chain))

    # 1. title prefix "X: subtitle" (or "X - subtitle")
    title_end = text.find("\n")
    if title_end == -1:
        title_end = len(text)
    colon = re.search(r"\s?(?::|--|—| - )\s", text[:title_end])
    if colon and colon.start() <= 60:
        prefix_end = colon.start()
        inside = [m for m in mentions if m.end <= prefix_end]
        if inside:
            m = inside[-1]
            rest = (text[:m.start] + text[m.end:prefix_end]).strip()
            # the coined name must be the whole prefix ("RASAT", "JEN-1 DreamStyler")
            if not rest or re.fullmatch(r"[A-Z][\w]*-\d[\w.]*", rest):
                emit(m, (0, title_end), "propose:title-prefix")

    for sent in sents:
        if sent[1] <= title_end:
            continue
        # mentions are sorted by start: only those starting inside the sentence can be in it
        s_mentions = [m for m in mentions[bisect_left(mention_starts, sent[0]):bisect_right(mention_starts, sent[1])]
                      if m.end <= sent[1]]
        s_cues = [c for c in cues if _in(c.start, c.end, sent)]
        others = _OTHERS_WORK.search(text, sent[0], sent[1])
        if others:
            s_cues = []  # "lightweight blocks called adapters have been proposed": someone else's
        # names the entity rules missed, read from the proposal's own shape: "introduces Knowledge
        # Consultation (SegKC)", "our novel agent MEME", "a ... model - GLIMS - to perform"
        # (after the rules on entity mentions, so their proposals come first)
        shapes = (s_cues or shape_hits) and not others
        if not s_mentions:
            if shapes:
                _coined_shapes(text, sent, s_cues, s_mentions, mentions, lexicon, title_end, shape_hits, emit)
            continue
        novel = bool(re.search(r"\b(?:novel|new)\b", text[sent[0]:sent[1]], re.I)) or any(
            _kind(c) == "we-propose" for c in s_cues)
        # "we propose a loss-less ANN-SNN conversion ..., termed LAS": the called name wins
        called_at = min((c.start for c in s_cues if _kind(c) == "called"), default=None)
        for c in s_cues:
            nxt = [m for m in s_mentions if m.start >= c.end]
            if not nxt:
                continue
            if _kind(c) == "called":
                # "called X", "dubbed X", "(namely X)", "we call it X"; not "so-called X", and a
                # known (lexicon) name only when the sentence introduces something
                if text[max(0, c.start - 3):c.start].lower() == "so-":
                    continue
                m = nxt[0]
                if (m.start, m.end) in lexicon and not novel:
                    continue
                if re.fullmatch(r"\s*(?:it\s+|them\s+|this\s+|as\s+|the\s+|\"|“|'|`)*\s*", text[c.end:m.start]):
                    emit(_chain_head(s_mentions, s_mentions.index(m), text), sent, "propose:called", c)
                continue
            # we propose/present/introduce ... X: the first mention that names the thing, before a
            # clause break ("we propose a novel PEFT method, called RoSA" skips the modifier PEFT)
            gap0 = text[c.end:nxt[0].start]
            if re.match(r"\s*(?:to|that|[a-z]+ing)\b", gap0):
                continue  # "we propose using LoRA", "we propose measuring ..." is not a new method
            first = None
            for m in nxt:
                gap = text[c.end:m.start]
                if len(gap) > 90 or _PROPOSE_STOP.search(gap) or _DATA_NOUN.search(gap):
                    break  # "we introduce a dataset, ImageNet-X (INX)": a data resource is not a method
                if _modifier(m, text, sent[0], lexicon):
                    continue
                if _seen_before(m, mentions, sent, title_end):
                    continue  # "AS-norm does not learn ... we propose a trainable AS-norm": not new
                if called_at is not None and c.end <= called_at and m.start < called_at:
                    continue
                first = m
                break
            if first is None:
                continue
            i = s_mentions.index(first)
            first = _chain_head(s_mentions, i, text)
            rule = "propose:we-propose"
            emit(first, sent, rule, c)
            # coordination: "we propose Polyhistor and Polyhistor-Lite"
            prev = first
            for m in s_mentions[s_mentions.index(first) + 1:]:
                g = text[prev.end:m.start]
                if re.fullmatch(r"\s*(?:\([^()]{0,80}\))?\s*,?\s*(?:and|&)\s*", g) and not _modifier(m, text, sent[0], lexicon):
                    emit(m, sent, "propose:we-propose-coord", c)
                    prev = m
                else:
                    break
        # "X, a novel framework ..." anywhere; "our proposed X" / "the proposed X architecture"
        for i, m in enumerate(s_mentions):
            tail = text[m.end:min(sent[1], m.end + 120)]
            lead = text[max(sent[0], m.start - 60):m.start]
            if _APPOSITIVE_NEW.match(tail) and not _NON_SUBJECT_BEFORE.search(lead):
                emit(m, sent, "propose:appositive-new")
            elif _PROPOSED_BEFORE.search(lead):
                # "the proposed low-rank adaptation Rescore-BERT (LoRB) architecture": the head of
                # the chain of adjacent names is the proposal, not the modifiers before it
                emit(_chain_head(s_mentions, i, text), sent, "propose:the-proposed")
            elif _OUR_METHOD_APPOSITION.search(lead):
                emit(_chain_head(s_mentions, i, text), sent, "propose:our-method-is")  # "Our method, X (Y), ..."
            elif (_OUR_COINED_BEFORE.search(lead) and _coined(m, text, lexicon)
                  and _NAME_THEN_HEAD.match(text, m.end)):
                emit(m, sent, "propose:our-coined")  # "our multilingual mParamanu model"
            elif (tail.lstrip().startswith("(") and _coined(m, text, lexicon) and _NOVEL_BEFORE.search(lead)
                  and not _HEAD_AFTER_ACRONYM.match(tail) and not _OTHERS_WORK.search(text, sent[0], sent[1])):
                # "in conjunction with a novel Complete Attention Control Mechanism (CACM)"
                emit(_chain_head(s_mentions, i, text), sent, "propose:novel-coined")
        if shapes:
            _coined_shapes(text, sent, s_cues, s_mentions, mentions, lexicon, title_end, shape_hits, emit)
        # "we propose ARREST, which comprises three components: (i) adversarial finetuning (AFT),
        # (ii) ...": the coined components of a proposal are proposals too
        if any(p.evidence.start >= sent[0] and p.evidence.end <= sent[1] for p in out.values()):
            comp = _COMPONENTS.search(text, sent[0], sent[1])
            if comp:
                for i, m in enumerate(s_mentions):
                    if m.start >= comp.end() and _coined(m, text, lexicon) and not _modifier(m, text, sent[0], lexicon):
                        head = _chain_head(s_mentions, i, text)
                        if head is m:
                            emit(m, sent, "propose:component")
    # names no entity rule found, read from the proposal's shape (kgbuild/nlp/descriptive.py)
    shape_proposals(text, sents, title_end, _cues(doc), _kind, _doc_mentions(doc, entities, len(text)), lexicon,
                    lambda: [p.name for p in out.values()], emit, _OTHERS_WORK)
    return list(out.values())


_OUR_METHOD_APPOSITION = re.compile(
    r"(?<!with )(?<!using )(?<!via )(?<!by )\b(?:our|the\s+proposed)\s+(?-i:[a-z][\w-]*\s+){0,2}?(?:method|approach|framework|model|system|technique|"
    r"algorithm|architecture|pipeline|solution),\s*(?:called\s+|named\s+|dubbed\s+)?$", re.I)
# "a novel Parameter-Efficient Fine-Tuning (PEFT) method": the name modifies a head noun
_HEAD_AFTER_ACRONYM = re.compile(r"\s*\([^()]{1,30}\)" + _NAME_THEN_HEAD.pattern, re.I)
_NOVEL_BEFORE = re.compile(r"\b(?:a|an|our)\s+(?:[\w-]+\s+){0,2}?(?:novel|new)\s+(?:[\w-]+\s+){0,2}?$", re.I)
_OUR_COINED_BEFORE = re.compile(r"\bour\s+(?:[\w-]+\s+){0,2}$", re.I)
_COMPONENTS = re.compile(r"\b(?:consist(?:s|ing)?\s+of|compris(?:es|ing|e)|composed\s+of|made\s+up\s+of|"
                         r"(?:two|three|four|five)\s+(?:key\s+|main\s+|core\s+|novel\s+)?"
                         r"(?:components|modules|parts|stages|techniques|innovations)\s*:)", re.I)


# Long Form (ACRONYM): capitalised words (with "&", "of", "for", "and" inside) then a coined acronym
_LONG_ACRONYM = re.compile(
    r"(?<![\w-])((?:[A-Z][\w'-]*\s+)(?:(?:[A-Z][\w'-]*|&|of|for|and|with|in|on|to)\s+){0,6}?[A-Z][\w'-]*)"
    r"\s*\(\s*((?=[\w-]*[A-Z][\w-]*[A-Z0-9])[A-Za-z][\w-]{1,15})\s*\)")
# "a dataset, ImageNet-X (INX)": a data resource is not a proposed method
_DATA_NOUN = re.compile(r"\b(?:datasets?|benchmarks?|corpus|corpora|collection|suite|leaderboard|"
                        r"data|test\s*bed|challenge)\b", re.I)
_NOT_A_METHOD_AFTER = re.compile(r"\s*,\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:metric|measure|score|criterion|"
                                 r"dataset|benchmark|corpus|task|problem|setting)s?\b", re.I)
_HEADS = (r"(?:agent|model|method|framework|architecture|network|approach|system|algorithm|module|"
          r"technique|pipeline|strategy|mechanism|scheme|schema|policy|solver|library|toolkit|tool|paradigm|"
          r"head|encoder|decoder|block|layer|unit|loss)")
# "our novel agent MEME", "our new framework FooNet"
_OUR_NOVEL_HEAD = re.compile(r"\bour\s+(?:[\w-]+\s+){0,2}?(?:novel|new|proposed)\s+(?:[\w-]+\s+){0,2}?"
                             + _HEADS + r"\s+$", re.I)
# "we utilized a hybrid U-Net-shaped model – GLIMS – to perform"
_HEAD_DASHED = re.compile(r"\b" + _HEADS + r"\s*(?:–|—|--)\s*$", re.I)
# "with its implementation, namely Neural Common Neighbor (NCN)"
_ITS_NAMELY = re.compile(r"\b(?:its|our)\s+(?:[\w-]+\s+){0,2}?(?:implementation|instantiation|instance|"
                         r"realization|variant|version)s?,?\s+(?:namely|called|named|dubbed|termed)\s+$", re.I)
# the same triggers with a case-sensitive literal start, so a scan of the whole text is fast
_OUR_NOVEL_HEAD_AT = re.compile(r"\b[Oo]ur\s+(?i:" + _OUR_NOVEL_HEAD.pattern[len(r"\bour\s+"):-1] + ")")
_ITS_NAMELY_AT = re.compile(r"\b(?:[Ii]ts|[Oo]ur)\s+(?i:" + _ITS_NAMELY.pattern[len(r"\b(?:its|our)\s+"):-1] + ")")
# "a novel DPM-based pipeline, Diffusion-UNet, across ...", "a novel chain-of-thought (CoT) schema, EmMem, which"
_NOVEL_HEAD_COMMA_AT = re.compile(r"\b(?:[Aa]n?|[Oo]ur)\s+(?i:(?:[\w-]+\s+){0,3}?(?:novel|new)\s+"
                                  r"(?:[\w()-]+\s+){0,4}?" + _HEADS + r",\s+)")
# "A Rectangular Self-Calibration Module is carefully designed", "a lightweight Dynamic Prototype
# Guided head is proposed": a capitalised coined name (with its head noun) as a passive subject
_PASSIVE_COINED_AT = re.compile(
    r"(?:^|(?<=[.;]\s)|(?<=,\s)|(?<=\band\s))(?:[Aa]n?|[Oo]ur)\s+(?:(?:novel|new|lightweight|simple|dedicated|"
    r"efficient|effective|carefully\s+designed)\s+)*((?:[A-Z][\w-]*\s+){1,4}?(?:[A-Z][\w-]*|" + _HEADS[3:-1] +
    r"))\s+(?:is|are)\s+(?:\w+ly\s+)?(?:proposed|designed|introduced|developed|devised|presented)\b", re.M)
_PASSIVE_VERB = re.compile(r"\b(?:is|are)\s+(?:\w+ly\s+)?(?:proposed|designed|introduced|developed|devised|presented)\b")
_DASH_AT = re.compile(r"\s*(?:–|—|--)\s*")
_DASHES = re.compile(r"–|—|--")
_COINED_TOKEN = re.compile(r"(?=[\w-]*[A-Z][\w-]*[A-Z0-9])[A-Za-z][\w-]{1,24}(?![\w-])")


class _LongForm(NamedTuple):
    """A "long form (ACRONYM)" found in the text: ``start``/``end`` of the whole, the acronym's span."""

    begin: int
    stop: int
    acr_start: int
    acr_end: int

    def start(self, group: int = 0) -> int:
        return self.acr_start if group == 2 else self.begin

    def end(self, group: int = 0) -> int:
        return self.acr_end if group == 2 else self.stop


# "in-context data distillation (ICD)": lower-case words whose initials spell the acronym
_LOWER_LONG_ACRONYM = re.compile(r"(?<![\w-])((?:[a-z][\w-]*\s+){0,5}[a-z][\w-]*)"
                                 r"\s*\(\s*((?=[\w-]*[A-Z][\w-]*[A-Z0-9])[A-Z][A-Z0-9-]{1,10})\s*\)")


def _initials_start(long_form: str, base: int, acronym: str) -> int | None:
    """Where the words spelling ``acronym`` begin in ``long_form`` (the acronym's letters are, in
    order, initials of the words or of their hyphen parts, the first letter the first word's), or None."""
    letters = [ch.lower() for ch in acronym if ch.isalpha()]
    words = [(m.start(), m.group().lower()) for m in re.finditer(r"[a-z][\w-]*", long_form)]
    for i, (off, w0) in enumerate(words):
        if not letters or w0[0] != letters[0]:
            continue
        parts = [p[0] for _, w in words[i:] for p in w.split("-") if p]
        k = 0
        for ch in parts:
            if k < len(letters) and ch == letters[k]:
                k += 1
        if k == len(letters) and len(words) - i <= len(letters) + 1:
            return base + off
    return None


def _long_forms(text: str, start: int, end: int) -> list[_LongForm]:
    """Every "Long Form (ACRONYM)" in text[start:end]: capitalised words ("Knowledge Consultation
    (SegKC)") or lower-case words whose initials spell the acronym ("in-context data distillation
    (ICD)"), in text order."""
    out = [_LongForm(m.start(), m.end(), m.start(2), m.end(2)) for m in _LONG_ACRONYM.finditer(text, start, end)]
    for m in _LOWER_LONG_ACRONYM.finditer(text, start, end):
        at = _initials_start(m.group(1), m.start(1), m.group(2))
        if at is not None and not any(o.acr_start == m.start(2) for o in out):
            out.append(_LongForm(at, m.end(), m.start(2), m.end(2)))
    return sorted(out) if len(out) > 1 else out


def _find_words(text: str, words: tuple[str, ...]) -> list[int]:
    """Start offsets of whole-word occurrences of ``words`` (``str.find``: far cheaper than a regex
    scan of every abstract)."""
    out = []
    n = len(text)
    for w in words:
        i = text.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not text[i - 1].isalnum()) and (j >= n or not text[j].isalnum()):
                out.append(i)
            i = text.find(w, j)
    return out


def _shape_hits(text: str) -> list[tuple[int, str, re.Match]]:
    """(end, rule, match) of the triggers of the shape rules in the whole text, in text order.
    Each trigger is anchored on a word found with ``str.find``, then read with a regex around it."""
    hits: list[tuple[int, str, re.Match]] = []
    seen: set[tuple[tuple[int, int], str]] = set()
    for a in _find_words(text, ("novel", "new", "proposed")):
        lo, hi = max(0, a - 40), min(len(text), a + 130)
        for pat, rule in ((_OUR_NOVEL_HEAD_AT, "propose:our-novel-head"),
                          (_NOVEL_HEAD_COMMA_AT, "propose:novel-head-appositive")):
            t = pat.search(text, lo, hi)
            if t is not None and t.start() <= a < t.end() and (t.span(), rule) not in seen:
                seen.add((t.span(), rule))
                hits.append((t.end(), rule, t))
    for v in _find_words(text, ("proposed", "designed", "introduced", "developed", "devised", "presented")):
        pv = _PASSIVE_VERB.search(text, max(0, v - 30), v + 12)  # "is (carefully) designed"
        if pv is None:
            continue
        t = _PASSIVE_COINED_AT.search(text, max(0, pv.start() - 120), pv.end())
        if t is not None and t.end() == pv.end() and (t.span(), "p") not in seen:
            seen.add((t.span(), "p"))
            hits.append((t.start(1), "propose:passive-coined", t))
    if "–" in text or "—" in text or "--" in text:
        hits += [(t.end(), "propose:head-dashed", t) for t in _DASH_AT.finditer(text)
                 if _HEAD_DASHED.search(text, max(0, t.start() - 20), t.end())]
    for a in _find_words(text, ("namely", "called", "named", "dubbed", "termed")):
        t = _ITS_NAMELY_AT.search(text, max(0, a - 60), a + 12)
        if t is not None and (t.span(), "n") not in seen:
            seen.add((t.span(), "n"))
            hits.append((t.end(), "propose:its-namely", t))
    return sorted(hits, key=lambda h: h[0]) if len(hits) > 1 else hits


def _coined_shapes(text: str, sent: tuple[int, int], s_cues: list[_Cue], s_mentions: list[_Mention],
                   mentions: list[_Mention], lexicon: set[tuple[int, int]], title_end: int,
                   shape_hits: list[tuple[int, str, re.Match]], emit) -> None:
    """Proposals whose names the entity rules may have missed; the name is read from its shape.

    * ``propose:long-form-acronym`` - a ``we-propose`` cue, then in the same clause "Long Form
      (ACRONYM)" (coordinated ones too: "DCNv3 and ... (SDCNv3)"); not a modifier ("a Parameter-
      Efficient Fine-Tuning (PEFT) method"), not a data resource, not a name used earlier;
    * ``propose:our-novel-head`` - "our novel agent MEME";
    * ``propose:novel-head-appositive`` - "a novel DPM-based pipeline, Diffusion-UNet, across ...";
    * ``propose:passive-coined`` - "A Rectangular Self-Calibration Module is carefully designed"
      (capitalised words, with their head noun; never containing a known or Model name);
    * ``propose:head-dashed`` - "a ... model – GLIMS – to perform" in a sentence about our work;
    * ``propose:its-namely`` - "its implementation, namely Neural Common Neighbor (NCN)".
    """
    by_span = {(m.start, m.end): m for m in s_mentions}

    def mention(start: int, end: int) -> _Mention | None:
        if (start, end) in lexicon:
            return None  # a known name (GPT-4, BERT) is not coined here
        m = by_span.get((start, end))
        if m is not None:
            return m
        if any(o.start < end and start < o.end and o.type not in SYSTEM_TYPES for o in mentions):
            return None  # typed otherwise (a dataset, a task): not ours to re-type
        if (start, end) in lexicon:
            return None
        return _Mention(start, end, text[start:end], "Method")

    def fresh(m: _Mention) -> bool:
        key = match_key(m.name)
        return not any(title_end < o.start < sent[0] and match_key(o.name) == key for o in mentions) and \
            not re.search(r"(?<![\w-])" + re.escape(m.name) + r"(?![\w-])", text[title_end:sent[0]])

    for c in s_cues:
        if _kind(c) != "we-propose":
            continue
        pos = c.end
        rule = "propose:long-form-acronym"
        for la in _long_forms(text, c.end, sent[1]):
            gap = text[pos:la.start()]
            if la.begin < la.acr_start and text[la.begin].islower() and \
                    not re.fullmatch(r"\s*(?:[\w-]+\s+){0,3}", gap):
                break  # a lower-case long form only right after the verb ("we present in-context ... (ICD)")
            if len(gap) > 90 or _PROPOSE_STOP.search(gap) or _DATA_NOUN.search(gap) or \
                    (rule == "propose:long-form-acronym-coord" and not re.fullmatch(r"\s*,?\s*(?:and|&|,)\s*", gap)):
                break
            if _NAME_THEN_HEAD.match(text, la.end()) or re.match(r"\s*-?\s*based\b", text[la.end():la.end() + 10]):
                break  # "a Parameter-Efficient Fine-Tuning (PEFT) method": a modifier
            if _NOT_A_METHOD_AFTER.match(text, la.end()):
                break  # "the ... Edit Distance (DS-WED), a new objective diversity metric"
            m = mention(la.start(2), la.end(2))
            if m is None or not fresh(m):
                break
            emit(m, sent, rule, c)
            pos, rule = la.end(), "propose:long-form-acronym-coord"
    hits = [h for h in shape_hits if sent[0] <= h[2].start() and h[0] <= sent[1]]
    for at, rule, trig in hits:
        if rule == "propose:its-namely":
            la = _LONG_ACRONYM.match(text, at)
            if la and la.end() <= sent[1]:
                m = mention(la.start(2), la.end(2))
                if m is not None and fresh(m):
                    emit(m, sent, rule)
                continue
        if rule == "propose:passive-coined":
            m = mention(trig.start(1), trig.end(1))
            if m is not None and fresh(m) and len(m.name.split()) >= 2 and \
                    not any(trig.start(1) <= a and b <= trig.end(1) for a, b in lexicon) and \
                    not any(trig.start(1) <= o.start and o.end <= trig.end(1) and o.type == "Model"
                            for o in s_mentions):  # "A BERT model is ...": a known model, not a coined name
                emit(m, sent, rule)
            continue
        tok = _COINED_TOKEN.match(text, at)
        if tok is None or tok.end() > sent[1]:
            continue
        if rule == "propose:novel-head-appositive" and not re.match(r"\s*(?:,|\(|which\b|that\b)", text[tok.end():]):
            continue  # the name is the whole appositive ("..., EmMem, which ...")
        if rule == "propose:head-dashed" and (not re.match(r"\s*(?:–|—|--)", text[tok.end():tok.end() + 4])
                                              or not re.search(r"\b(?:we|our)\b", text[sent[0]:tok.start()], re.I)):
            continue
        m = mention(tok.start(), tok.end())
        if m is not None and fresh(m) and not _DATA_NOUN.search(trig.group(0)) and \
                not re.search(r"\b(?:baselines?|existing|prior|previous|their)\b", trig.group(0), re.I):
            emit(m, sent, rule)


def _coined(m: _Mention, text: str, lexicon: set[tuple[int, int]]) -> bool:
    """A name the paper made up: not from a lexicon, with a capital letter after its first char
    ("mParamanu", "RGKD", "Approx-BP"), so not a generic lower-case phrase."""
    surface = text[m.start:m.end]
    return (m.start, m.end) not in lexicon and any(ch.isupper() for ch in surface[1:])


__all__ = ["find_proposes"]
