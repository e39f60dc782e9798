"""Numbers, comparison cues, and the grammar that turns them into proposes / results / comparisons.

Two registered spaCy components write span groups that the pure functions below read:

* ``kgbuild_numbers`` -> ``doc.spans["numbers"]``: see ``numbers.py``; the results grammar is in
  ``results.py``.
* ``kgbuild_cues`` -> ``doc.spans["cues"]``: ``outperforms`` / ``comparable`` / ``underperforms`` /
  ``negation`` / ``proposes`` / ``compared`` ("compared to/with", whose relation comes from a
  polarity word of its clause) cues from ``patterns/claims-cues.jsonl``: one case-insensitive regex
  per cue with the words it can start with, so each text is scanned once for words and only
  trigger words try a pattern (explicit inflections: there is no lemmatizer). A token Matcher
  with the same patterns cost more than the tokenizer; the pipeline must run >= 1,500 abstracts/s.

``extract.doc_to_extraction`` then calls ``find_proposes``, ``find_results`` and
``find_comparisons`` with the paper's ``Entity`` records (names are always entity names, never
generic phrases). Precision first: when the grammar cannot tell who a number or claim belongs to,
nothing is emitted (a result without a subject can never match gold, ``eval/ANNOTATION.md``).

Decisions the schema leaves open (following ``eval/ANNOTATION.md``):

* A range ("4-17%", "1.25-1.56x speedup", "2x to 8x", "0.3% to 0.6%") gives one number span and
  one result per endpoint, both with the range's unit.
* "from 19.5 to 31.5" gives two results: the "to" end for the claim's subject, the "from" end for
  the named baseline of the claim ("over the model with supervised fine-tuning"), if any.
* "a 5.16% gain over LoRA" is both a comparison (outperforms LoRA) and a result (5.16 %, metric
  "improvement").
* Parameter fractions ("only 0.08% of the parameters") are results with metric "trainable
  parameters"; absolute counts only when few ("only 3 million trainable parameters"), never model
  sizes ("7B", "models of 1 billion parameters").
* A claim naming several datasets gives one comparison per dataset; "matches or even surpasses X"
  gives the relation of the cue nearest the object; "X is outperformed by Y" gives Y outperforms X.
* "Compared to X, Y achieves better ..." / "Y achieves similar performance ... compared with X":
  the object comes with "compared to/with", the relation from a polarity word of the same clause
  (``_compared_to_claims``); no polarity word ("Compared with X, Y reduces the parameters"), a
  cost word after it ("higher memory") or a generic object gives nothing.
* "superior to PEFT methods like LoRA": the examples after a class noun are the objects; an
  unrecognised member ("GPT-3.5 (ChatGPT), Bloom 7B, LLaMa-2 7B") does not end an object list.
* "fine-tuning LLama 7B with SingLoRA achieves ...": the proposal used as the tool is the subject
  (the guideline's "X with our technique" rule); "proposed to improve over X" is an aim, no claim.
* Results: "0.148 and 0.143 for DoRA and LoRA, respectively" pairs numbers with systems; a number in
  a fronted "with only 1% of parameters, X ..." phrase belongs to X; "N, compared to M for X" gives
  M to X; data fractions ("0.02% pre-training tokens") and other models' sizes ("100x larger") are
  not results; TeX leftovers "sim30%", "2.1\\times" and "14X" are read.
* proposes also takes the coined components listed in a proposal sentence ("which comprises
  three components: (i) ... (AFT), (ii) ... (RGKD)") and "our <coined name> model".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kgbuild.errors import ExtractError
from kgbuild.jsonl import read_jsonl_objects
from kgbuild.normalize import match_key
from kgbuild.records import Comparison, Entity, Evidence, Proposal

PATTERN_DIR = Path(__file__).parent / "patterns"
NUMBERS_FILE = "claims-numbers.jsonl"
CUES_FILE = "claims-cues.jsonl"
NUMBERS_KEY = "numbers"
CUES_KEY = "cues"
SYSTEM_TYPES = ("Method", "Model")
RELATION_LABELS = ("outperforms", "comparable", "underperforms")


# --------------------------------------------------------------------------- pattern loading
def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return read_jsonl_objects(path, error=ExtractError, what="pattern file")


def _pattern_file(pattern_dir: str | None, name: str) -> Path:
    """``pattern_dir/name`` when that file exists, else the bundled one: a pattern_dir made for the
    entity components (test fixtures) need not carry the claims patterns too."""
    if pattern_dir:
        candidate = Path(pattern_dir) / name
        if candidate.is_file():
            return candidate
    return PATTERN_DIR / name



# --------------------------------------------------------------------------- cues
@dataclass(frozen=True)
class CuePattern:
    """One entry of ``claims-cues.jsonl``: a case-insensitive regex anchored at a word, and the
    words it can start with (``first``) so that only a handful of positions per text are tried."""

    label: str
    id: str
    regex: re.Pattern[str]
    first: tuple[str, ...]


def load_cue_patterns(path: Path | None = None) -> list[CuePattern]:
    """Cue patterns in priority order (at one position the earlier pattern wins)."""
    path = path or PATTERN_DIR / CUES_FILE
    out = []
    for rec in _read_jsonl(path):
        if not {"label", "id", "regex", "first"} <= rec.keys() or not rec["first"]:
            raise ExtractError(f"{path}: cue pattern needs label, id, first, regex: {rec!r}")
        try:
            rx = re.compile(rec["regex"], re.I)
        except re.error as exc:
            raise ExtractError(f"{path}: bad cue regex {rec['id']}: {exc}") from exc
        out.append(CuePattern(rec["label"], rec["id"], rx, tuple(w.lower() for w in rec["first"])))
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
    """Index patterns by the first four letters of their possible first words.

    Why not a token Matcher or one big alternation of the patterns: both try every pattern at
    every token or character and cost more than the tokenizer itself (the whole pipeline must
    run at >= 1,500 abstracts/s)."""
    index: dict[str, list[CuePattern]] = {}
    for p in patterns:
        for w in dict.fromkeys(_trigger_key(w) for w in p.first):
            index.setdefault(w, []).append(p)
    keys = sorted(index, key=len, reverse=True)
    alternation = r"\b(?:" + "|".join(re.escape(k) for k in keys) + ")"
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
    """Writes ``doc.spans["cues"]``: non-overlapping cue matches (token-aligned), label = cue kind."""

    def __init__(self, *, pattern_dir: str | None = None, spans_key: str = CUES_KEY):
        self.pattern_dir = pattern_dir
        self.spans_key = spans_key
        self.compiled: CueIndex | None = None

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        self.compiled = compile_cues(load_cue_patterns(_pattern_file(self.pattern_dir, CUES_FILE)))

    def __call__(self, doc: Doc) -> Doc:
        if self.compiled is None:
            self.initialize()
        spans = []
        for s, e, pat in find_cues(_text(doc), self.compiled):  # type: ignore[arg-type]
            tok = doc.char_span(s, e, alignment_mode="expand")
            if tok is not None:
                spans.append(Span(doc, tok.start, tok.end, label=pat.label, span_id=pat.id))
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc


# --------------------------------------------------------------------------- shared context
# The shared helpers live in ``kgbuild.nlp.text`` (one sentence segmentation, one text cache);
# re-exported here so existing imports keep working.
from kgbuild.nlp.text import (_ABBREV_END, _MENTIONS_CACHE, _NON_SUBJECT_BEFORE, _SENTS_CACHE,  # noqa: E402,F401
                              _TEXT_CACHE, _Cue, _Mention, _compute_sentences, _cues, _doc_mentions, _in,
                              _mentions, _proposed_keys, _raw_sentences, _sentences, _text)


# --------------------------------------------------------------------------- proposes
_PROPOSE_STOP = re.compile(
    r"\b(?:to|that|which|where|based|using|use|via|through|for|with|on|in|from|by|when|while|"
    r"whose|who|instead|because|if|into|of|towards?|against|across|over|under|between|among|within|"
    r"beyond|than)\b|[.;]", re.I)
_APPOSITIVE_NEW = re.compile(r"^\s*(?:\([^()]{1,80}\)\s*)?(?:,|:|--|—|–)\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?"
                             r"(?:novel|new)\b", re.I)


_PROPOSED_BEFORE = re.compile(r"\b(?:our|the)\s+(?:newly\s+)?proposed\s+"
                              r"(?:(?!(?:in|into|on|with|to|for|of|and|by|from|as|at)\b)[\w-]+\s+){0,3}?$", re.I)


_OTHERS_WORK = re.compile(r"\b(?:have|has|had)\s+been\s+(?:\w+\s+)?(?:proposed|introduced|developed|presented)\b|"
                          r"\brecently\b|\bprior work\b|\bprevious work\b", re.I)
_NAME_THEN_HEAD = re.compile(
    r"(?:\s+(?:method|strategy|technique|scheme|approach|framework|module|mechanism|algorithm|objective|"
    r"loss|procedure|pipeline|paradigm|model|system|recipe|task|theory|network|layer|block|architecture|"
    r"approximation|component|operator|discriminator|generator|encoder|decoder|backbone|variant|"
    r"formulation|setting|benchmark|dataset|head|policy|regressor|classifier|predictor|estimator|"
    r"conversion|measure|metric|score)s?\b|-(?:based|like|style|guided|empowered|"
    r"inspired|driven|aware|free|specific)\b)", re.I)


def _lexicon_ranges(doc: Doc) -> set[tuple[int, int]]:
    """Char ranges of entity spans that came from a lexicon (known, not coined, names)."""
    if "entities" not in doc.spans:
        return set()
    return {(sp.start_char, sp.end_char) for sp in doc.spans["entities"] if (sp.id_ or "").startswith("lexicon")}


def _modifier(m: _Mention, text: str, sent_start: int, lexicon: set[tuple[int, int]]) -> bool:
    """Is this mention a modifier or a fragment rather than the name of the thing introduced?
    "a novel PEFT method", "a CLIP-based discriminator", "a Memory-Sharing Backpropagation strategy".
    A coined capitalised name before a head noun is the name ("the Triple Alignment module")."""
    surface = text[m.start:m.end]
    known = (m.start, m.end) in lexicon or not any(ch.isupper() for ch in surface)
    if _NAME_THEN_HEAD.match(text, m.end) and (known or text[m.end:m.end + 1] == "-"):
        return True
    before = text[max(sent_start, m.start - 40):m.start]
    # the word right before is capitalised and glued to the mention: part of an unknown longer name
    return bool(re.search(r"(?<![.:;!?]\s)\b[A-Z][\w]*(?:-[\w]+)*\s$", before)) and not re.search(
        r"\b(?:We|In|This|Our|Here|To|Finally|First|Second|Specifically|Moreover|Furthermore|Additionally|Then)\s$",
        before)


def find_proposes(doc: Doc, entities: list[Entity]) -> list[Proposal]:
    """Method/Model names the paper introduces: "we propose X", "X, a novel ...", "called X", the
    title's "X: ..." prefix. Only entity names (never generic phrases); usually 0-2 per paper."""
    text = _text(doc)
    mentions = [m for m in _doc_mentions(doc, entities, len(text)) if m.type in SYSTEM_TYPES]
    if not mentions:
        return []
    sents = _sentences(doc)
    cues = [c for c in _cues(doc) if c.label == "proposes"]
    lexicon = _lexicon_ranges(doc)
    out: dict[str, Proposal] = {}

    def emit(m: _Mention, sent: tuple[int, int], rule: str) -> None:
        key = match_key(m.name)
        if key and key not in out:
            out[key] = Proposal(m.name, Evidence(text[sent[0]:sent[1]], m.start, m.end, rule))

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
        s_mentions = [m for m in mentions if _in(m.start, m.end, sent)]
        if not s_mentions:
            continue
        s_cues = [c for c in cues if _in(c.start, c.end, sent)]
        if _OTHERS_WORK.search(text, sent[0], sent[1]):
            s_cues = []  # "lightweight blocks called adapters have been proposed": someone else's
        novel = bool(re.search(r"\b(?:novel|new)\b", text[sent[0]:sent[1]], re.I)) or any(
            c.rule == "cue:we-propose" for c in s_cues)
        # "we propose a loss-less ANN-SNN conversion ..., termed LAS": the called name wins
        called_at = min((c.start for c in s_cues if c.rule == "cue:called"), default=None)
        for c in s_cues:
            nxt = [m for m in s_mentions if m.start >= c.end]
            if not nxt:
                continue
            if c.rule == "cue:called":
                # "called X", "dubbed X", "(namely X)", "we call it X"; not "so-called X", and a
                # known (lexicon) name only when the sentence introduces something
                if text[max(0, c.start - 3):c.start].lower() == "so-":
                    continue
                m = nxt[0]
                if (m.start, m.end) in lexicon and not novel:
                    continue
                if re.fullmatch(r"\s*(?:it\s+|them\s+|this\s+|as\s+|the\s+|\"|“|'|`)*\s*", text[c.end:m.start]):
                    emit(_chain_head(s_mentions, s_mentions.index(m), text), sent, "propose:called")
                continue
            # we propose/present/introduce ... X: the first mention that names the thing, before a
            # clause break ("we propose a novel PEFT method, called RoSA" skips the modifier PEFT)
            gap0 = text[c.end:nxt[0].start]
            if re.match(r"\s*(?:to|that|[a-z]+ing)\b", gap0):
                continue  # "we propose using LoRA", "we propose measuring ..." is not a new method
            first = None
            for m in nxt:
                gap = text[c.end:m.start]
                if len(gap) > 90 or _PROPOSE_STOP.search(gap):
                    break
                if _modifier(m, text, sent[0], lexicon):
                    continue
                if called_at is not None and c.end <= called_at and m.start < called_at:
                    continue
                first = m
                break
            if first is None:
                continue
            i = s_mentions.index(first)
            first = _chain_head(s_mentions, i, text)
            rule = "propose:we-propose"
            emit(first, sent, rule)
            # coordination: "we propose Polyhistor and Polyhistor-Lite"
            prev = first
            for m in s_mentions[s_mentions.index(first) + 1:]:
                g = text[prev.end:m.start]
                if re.fullmatch(r"\s*(?:\([^()]{0,80}\))?\s*,?\s*(?:and|&)\s*", g) and not _modifier(m, text, sent[0], lexicon):
                    emit(m, sent, "propose:we-propose-coord")
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
    return list(out.values())


_OUR_METHOD_APPOSITION = re.compile(
    r"(?<!with )(?<!using )(?<!via )(?<!by )\b(?:our|the\s+proposed)\s+(?-i:[a-z][\w-]*\s+){0,2}?(?:method|approach|framework|model|system|technique|"
    r"algorithm|architecture|pipeline|solution),\s*(?:called\s+|named\s+|dubbed\s+)?$", re.I)
_OUR_COINED_BEFORE = re.compile(r"\bour\s+(?:[\w-]+\s+){0,2}$", re.I)
_COMPONENTS = re.compile(r"\b(?:consist(?:s|ing)?\s+of|compris(?:es|ing|e)|composed\s+of|made\s+up\s+of|"
                         r"(?:two|three|four|five)\s+(?:key\s+|main\s+|core\s+|novel\s+)?"
                         r"(?:components|modules|parts|stages|techniques|innovations)\s*:)", re.I)


def _coined(m: _Mention, text: str, lexicon: set[tuple[int, int]]) -> bool:
    """A name the paper made up: not from a lexicon, with a capital letter after its first char
    ("mParamanu", "RGKD", "Approx-BP"), so not a generic lower-case phrase."""
    surface = text[m.start:m.end]
    return (m.start, m.end) not in lexicon and any(ch.isupper() for ch in surface[1:])


# --------------------------------------------------------------------------- shared slot helpers
# (read by the comparison grammar here and the results grammar in results.py)
def _in_parenthetical(m: _Mention, systems: list[_Mention], text: str, sent_start: int) -> bool:
    """Inside an open parenthesis ("backbones (SDXL, Hotshot-XL, ...)") a name is an aside, not the
    subject; except an acronym right after its long form ("SElf-supERvised (SEER) model")."""
    lead = text[sent_start:m.start]
    if lead.count("(") <= lead.count(")"):
        return False
    p = lead.rfind("(") + sent_start
    if text[p + 1:m.start].strip():
        return True
    return not any(o.end <= p and not text[o.end:p].strip() for o in systems)


def _chain_head(mentions: list[_Mention], i: int, text: str) -> _Mention:
    """The last of a chain of adjacent names ("low-rank adaptation Rescore-BERT (LoRB)"): the
    earlier ones modify it."""
    while i + 1 < len(mentions):
        gap = text[mentions[i].end:mentions[i + 1].start]
        if re.fullmatch(r"[\s\-]*", gap):
            i += 1
        elif re.fullmatch(r"\s*\(\s*", gap) and re.match(r"\s*\)", text[mentions[i + 1].end:]):
            i += 1  # "Rescore-BERT (LoRB)": the acronym, when it is the whole parenthesis
        else:
            break
    return mentions[i]


def _tool_of(head: _Mention, end: int, before: list[_Mention], proposed: list[str], text: str) -> _Mention:
    """"fine-tuning LLama 7B on MNLI with SingLoRA achieves 91.3%": when the proposed system is
    the tool the subject is used with, the claim is the proposal's (``eval/ANNOTATION.md`` §4)."""
    if not proposed or head.name in proposed:
        return head
    for m in before:
        if head.end <= m.start and m.end <= end and m.name in proposed and _WITH_TOOL.search(
                text, max(head.end, m.start - 30), m.start) and ";" not in text[m.end:end]:
            return m
    return head


_WITH_TOOL = re.compile(r"\b(?:with|using|via|through|by)\s+(?:the\s+|our\s+)?(?:proposed\s+)?$", re.I)


# "prevalent PEFT techniques", "prior FL baselines": the name modifies a generic head noun
_GENERIC_HEAD = re.compile(r"[\s-]*(?:techniques|methods|approaches|baselines|variants|families|"
                           r"counterparts|frameworks|strategies|algorithms|systems|based)\b", re.I)

# "a new parameter-efficient fine-tuning method, Gradient-based Parameter Selection (GPS)": the
# name before the appositive is the class, not the subject
_ELIDED_SUBJECT = re.compile(r"\s*(?:(?:still|also|often|sometimes|slightly|significantly|consistently|\w+ly|"
                             r"can|could|may|might|does|did|do)\s+)*", re.I)
# "..., and find that SFT outperforms ...": a complement clause opens, its first name is a subject
_CLAUSE_OPENER = re.compile(r"\b(?:that|whereas|while|but)\s+(?:the\s+)?$", re.I)
_CLASS_APPOSITIVE = re.compile(r"[\s-]*(?:method|approach|technique|framework|model|algorithm|strategy)\s*,", re.I)

# "other parameter-efficient fine-tuning approaches": a class of methods, not the named one
_CLASS_HEAD = re.compile(r"[\s-]*(?:techniques|methods|approaches|protocols|strategies|frameworks|"
                         r"algorithms|paradigms)\b", re.I)


# --------------------------------------------------------------------------- comparisons
_OBJ_GAP_BLOCK = re.compile(
    r"\b(?:on|in|by|with|while|when|across|for|at|under|without|using|which|that|where|whereas|"
    r"despite|given|because|although|though|after|before|during|through|via|so|thus|thereby|"
    r"achiev\w*|is|are|was|were|has|have|shows?|demonstrat\w*)\b|[;:%]|\.(?!\d)|\d\s*%|\b(?:up to)\b", re.I)
# "the model with supervised fine-tuning", "a baseline using LoRA": the named system is the object
_OBJ_GAP_HEAD = re.compile(r"\b(?:model|models|baseline|baselines|counterpart|counterparts|variant|version|"
                           r"methods|approaches|techniques)\s+"
                           r"(?:with|using|trained with|based on|via)\s*$", re.I)
_EXAMPLES_AFTER_CLASS = re.compile(
    r"[\s-]*(?:techniques|methods|approaches|baselines|variants|families|counterparts|frameworks|strategies|"
    r"algorithms|systems|models|protocols|paradigms)\s*(?:,\s*)?(?:such as|like|including|e\.g\.,?|"
    r"\((?:e\.g\.,?|such as|like|including))\s*(?:the\s+)?", re.I)
_COORD_GAP = re.compile(r"\s*(?:\([^()]{0,60}\))?\s*(?:,\s*(?:and\s+|or\s+|as well as\s+)?|and|or|as well as|&|/|nor)\s*"
                        r"(?:the\s+|even\s+|also\s+)?", re.I)
_COORD_GAP_UNKNOWN = re.compile(r"\s*,\s*[A-Z][\w.\-]*(?:\s+[\w.\-]+){0,2}\s*,\s*(?:and\s+|or\s+)?")
_MATCH_PREV_OK = {",", "and", "or", "while", "can", "could", "to", "nearly", "almost", "closely", "even",
                  "also", "thereby", "largely", "fully", "which", "that", "often", "will", "would", "may",
                  "might", "does", "do", "only", "still", "successfully", "roughly", "approximately",
                  "essentially", "effectively", "consistently", "generally", "further", "not", "we", "it",
                  "they", "model", "method", "approach", "framework"}


def _negated(cue: _Cue, doc: Doc, negs: list[_Cue]) -> bool:
    for n in negs:
        if 0 <= cue.tok_start - n.tok_end <= 2:
            nxt = doc[n.tok_end].lower_ if n.tok_end < len(doc) else ""
            if nxt == "only":  # "not only matches but outperforms"
                continue
            if doc[n.tok_start].lower_ == "without" and cue.label == "comparable":
                continue
            return True
    return False


def _objects_after(cue: _Cue, sent: tuple[int, int], text: str, systems: list[_Mention],
                   later_cues: list[_Cue]) -> list[_Mention]:
    """The object noun phrase after a cue and its coordinated members ("X, Y and Z")."""
    nxt = [m for m in systems if m.start >= cue.end and m.end <= sent[1]]
    if not nxt:
        return []
    first = nxt[0]
    gap = text[cue.end:first.start]
    head = _OBJ_GAP_HEAD.search(gap)
    check = gap[:head.start()] if head else gap
    if len(gap) > 70 or _OBJ_GAP_BLOCK.search(check) or len(gap.split()) > 8:
        return []
    if _CLASS_HEAD.match(text, first.end) or (
            _GENERIC_HEAD.match(text, first.end) and sum(ch.isupper() for ch in text[first.start:first.end]) >= 2):
        # "superior to popular PEFT methods like LoRA": the examples of the class are the objects
        ex = _EXAMPLES_AFTER_CLASS.match(text, first.end)
        if ex is None or len(nxt) < 2 or nxt[1].start != ex.end():
            return []
        nxt = nxt[1:]
        first = nxt[0]
    if any(c.start >= cue.end and c.end <= first.start for c in later_cues):
        return []  # "matches or even surpasses GPT-4V": the cue nearest the object decides  # "outperforms prior FL baselines": FL is a modifier, not the object
    objs = [first]
    prev = first
    for m in nxt[1:]:
        g = text[prev.end:m.start]
        if g.lstrip().startswith(")") and text[prev.start - 1:prev.start].strip() in ("(", ""):
            g = g.lstrip()[1:]  # after a parenthesised alias: "GPT-3.5-Turbo (ChatGPT), ..."
        if _COORD_GAP.fullmatch(g) or _COORD_GAP_UNKNOWN.fullmatch(g):
            # "GPT-3.5-Turbo (ChatGPT), Bloom 7B, LLaMa-2 7B": an unrecognised list member
            # ("Bloom 7B") does not end the list
            objs.append(m)
            prev = m
        elif re.fullmatch(r"\s*\(\s*", g) and m.end <= sent[1]:
            # "grouped-query attention (GQA)": a parenthesised alias, not a new object
            prev = m
            continue
        else:
            break
    return objs


def _subject_before(cue: _Cue, sent: tuple[int, int], text: str, systems: list[_Mention],
                    proposed: list[str], clause_objects: list[_Mention]) -> str | None:
    """The claim's subject: the first system of the sentence before the cue that is not inside a
    prepositional phrase, or the proposed name for "our method"/"it"/"we"."""
    # the clause of the cue: "X is strong, but these approaches underperform Y" -> not X
    start = sent[0]
    prev_start = start
    for b in _CLAUSE_BREAK.finditer(text, sent[0], cue.start):
        prev_start, start = start, b.end()
    if start > sent[0] and _ELIDED_SUBJECT.fullmatch(text, start, cue.start):
        start = prev_start  # "X outperforms Y on A, but under-performs Z on B": X again
    before = [m for m in systems if m.end <= cue.start and m.start >= start]
    # "by inheriting the BART weights our model outperforms ...": the self-reference is the subject
    last_end = before[-1].end if before else start
    if proposed and _STRICT_SELF_REF.search(text, last_end, cue.start):
        return proposed[0]
    taken = {(m.start, m.end) for m in clause_objects}
    for i, m in enumerate(before):
        if (m.start, m.end) in taken:
            continue
        lead = text[start:m.start]
        if ((_NON_SUBJECT_BEFORE.search(lead[-40:] if len(lead) > 40 else lead)
                 and not _CLAUSE_OPENER.search(lead)) or _GENERIC_HEAD.match(text, m.end)
                or _CLASS_APPOSITIVE.match(text, m.end)
                or _in_parenthetical(m, systems, text, sent[0])):
            continue
        head = _chain_head(before, i, text)
        return _tool_of(head, cue.start, before, proposed, text).name
    lead = text[start:cue.start]
    if proposed and _STRICT_SELF_REF.search(lead):
        return proposed[0]
    if _OTHER_SUBJECT.search(lead) or re.search(r"\b(?:which|who)\b[^,]*$", lead):
        return None
    if _OTHERS_WORK.search(text, sent[0], sent[1]):
        return None  # "PoT ... is recently proposed to improve over prompt-tuning": not ours
    if proposed:
        return proposed[0]
    return None


def _coordinated_subjects(subject: str, cue: _Cue, sent: tuple[int, int], text: str,
                          systems: list[_Mention]) -> list[str]:
    """"Polyhistor and Polyhistor-Lite outperform X": the systems coordinated with the subject,
    when the coordination runs right up to the cue."""
    before = [m for m in systems if m.end <= cue.start and m.start >= sent[0]]
    idx = next((i for i, m in enumerate(before) if m.name == subject), None)
    if idx is None:
        return []
    chain = [before[idx]]
    for m in before[idx + 1:]:
        if _COORD_GAP.fullmatch(text[chain[-1].end:m.start]):
            chain.append(m)
        else:
            return []
    tail = text[chain[-1].end:cue.start]
    if len(chain) < 2 or not re.fullmatch(r"\s*(?:\([^()]{0,60}\))?\s*(?:models?|methods?|variants?|both|all|"
                                          r"can|could|also|consistently|significantly|\w+ly|\s)*", tail):
        return []
    return [m.name for m in chain[1:] if m.name != subject]


_STRICT_SELF_REF = re.compile(
    r"\b(?:our|the proposed|this)\s+(?:[\w-]+\s+){0,2}?(?:method|model|approach|framework|system|technique|"
    r"algorithm|architecture|pipeline|scheme|strategy|proposal|design|solution|agent|network)s?\b|\bwe\b|"
    r"^\s*(?:it|they)\b|,\s*it\b", re.I)
_CLAUSE_BREAK = re.compile(r";|,\s*(?:but|while|whereas|although|though|however)\b|\bbut\b|\bwhereas\b", re.I)
# a subject that is neither a named system nor the paper's own: "these approaches", "existing methods"
_OTHER_SUBJECT = re.compile(r"(?:^|\b)(?:these|those|such|existing|previous|prior|current|conventional|"
                            r"traditional|they|most|many|other|baseline|baselines)\b", re.I)


_PURPOSE_BEFORE = re.compile(r"\b(?:proposed|designed|developed|introduced|aims?|aimed|aiming|attempts?|"
                             r"attempting|tries|try|trying|seeks?|seeking|intended|strives?|hopes?)\s+to\s+$", re.I)


def find_comparisons(doc: Doc, entities: list[Entity], proposed: list[str]) -> list[Comparison]:
    """Head-to-head claims between named systems (see ``eval/ANNOTATION.md`` §4): one per object
    of a coordination, per dataset of the claim; negated cues emit nothing; passive reverses."""
    text = _text(doc)
    cues = _cues(doc)
    rel_cues = [c for c in cues if c.label in RELATION_LABELS]
    compared = [c for c in cues if c.label == "compared"]
    if not rel_cues and not compared:
        return []
    proposed = _proposed_keys(proposed)
    mentions = _doc_mentions(doc, entities, len(text))
    systems = [m for m in mentions if m.type in SYSTEM_TYPES]
    if not systems:
        return []
    datasets = [m for m in mentions if m.type == "Dataset"]
    negs = [c for c in cues if c.label == "negation"]
    sents = _sentences(doc)
    title_end = text.find("\n")
    out: list[Comparison] = []
    seen: set[tuple[str, str, str, str]] = set()
    used_as_object: list[_Mention] = []
    for cue in rel_cues:
        sent = next((s for s in sents if s[0] <= cue.start < s[1]), None)
        if sent is None or cue.start < title_end:
            continue
        if _negated(cue, doc, negs):
            continue
        if _PURPOSE_BEFORE.search(text, max(sent[0], cue.start - 40), cue.start):
            continue  # "PoT ... is recently proposed to improve over prompt-tuning": an aim, no claim
        low = text[cue.start:cue.end].lower()
        if low.split()[0] in ("match", "matching", "matches", "matched") and cue.tok_start > 0:
            prev_tok = doc[cue.tok_start - 1].lower_
            prev_is_sys = any(m.end == doc[cue.tok_start - 1].idx + len(doc[cue.tok_start - 1]) for m in systems)
            if prev_tok not in _MATCH_PREV_OK and not prev_is_sys:
                continue
        objs = _objects_after(cue, sent, text, systems, rel_cues)
        if not objs:
            continue
        sent_objs = [m for m in used_as_object if _in(m.start, m.end, sent)]
        subject = _subject_before(cue, sent, text, systems, proposed, sent_objs + objs)
        if subject is None:
            continue
        subjects = [subject] + _coordinated_subjects(subject, cue, sent, text, systems)
        used_as_object.extend(objs)
        passive = cue.rule.endswith("-passive")
        # datasets of the claim: those after the objects in the same clause, else in the sentence
        tail_start = objs[-1].end
        next_cue = min((c.start for c in rel_cues if c.start >= tail_start), default=sent[1])
        claim_ds = [d for d in datasets if d.start >= tail_start and d.end <= min(sent[1], next_cue)
                    and not re.search(r"[;]", text[tail_start:d.start])]
        if not claim_ds:
            claim_ds = [d for d in datasets if _in(d.start, d.end, sent)]
        ds_names = list(dict.fromkeys(d.name for d in claim_ds)) or [None]
        rule = "compare:" + cue.rule.split(":", 1)[1] + ("-coord" if len(objs) > 1 else "")
        for subject, o in [(sj, o) for sj in subjects for o in objs]:
            subj, obj = (o.name, subject) if passive else (subject, o.name)
            if match_key(subj) == match_key(obj):
                continue
            for ds in ds_names:
                key = (match_key(subj), cue.label, match_key(obj), match_key(ds or ""))
                if key in seen:
                    continue
                seen.add(key)
                out.append(Comparison(subj, cue.label, obj, ds,
                                      Evidence(text[sent[0]:sent[1]], cue.start, o.end, rule)))
    if compared:
        _compared_to_claims(compared, text, sents, title_end, systems, datasets, proposed, rel_cues,
                            used_as_object, seen, out)
    return out


# "Compared to LoRA, MELoRA achieves better performance", "ProMoT achieves similar performance on
# the fine-tuned tasks compared with vanilla fine-tuning": the object comes with a "compared to" cue
# (label "compared" in claims-cues.jsonl), the relation from a polarity word of the same clause
_POLARITY = re.compile(
    r"\b(?:(?P<out>better|superior|higher|stronger|improv(?:es|ed|ements?|ing)|gains?|outperform\w*|surpass\w*|"
    r"boosts?)|(?P<cmp>comparable|competitive|competitively|comparably|similar|on par|equivalent|matches|"
    r"matching))\b", re.I)
# "higher memory cost compared to X" is no win
_POLARITY_COST_AFTER = re.compile(r"\s+(?:[\w-]+\s+)?(?:costs?|memory|latency|complexity|overheads?|"
                                  r"computation|parameters|time|price|loss|error)\b", re.I)
_POLARITY_NEGATED = re.compile(r"\b(?:not|no|without|never|less|fail\w*)\s+(?:\w+\s+)?$", re.I)


class _Span(NamedTuple):
    """Char offsets with the ``re.Match`` accessors the polarity search below uses."""

    s: int
    e: int

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e


def _compared_to_claims(compared: list[_Cue], text: str, sents: list[tuple[int, int]], title_end: int,
                        systems: list[_Mention], datasets: list[_Mention], proposed: list[str],
                        rel_cues: list[_Cue], used_as_object: list[_Mention],
                        seen: set[tuple[str, str, str, str]], out: list[Comparison]) -> None:
    """Claims whose object is introduced by "compared to/with X" and whose relation is a polarity
    word of the same clause ("better", "similar", "competitive"). Appends to ``out``."""
    for cue in compared:
        if cue.start < title_end:
            continue
        sent = next((s for s in sents if s[0] <= cue.start < s[1]), None)
        if sent is None:
            continue
        m = _Span(cue.start, cue.end)
        objs = _objects_after(cue, sent, text, systems, [])
        if not objs or len(text[m.end():objs[0].start].split()) > 4:
            continue
        # the clause around the phrase: up to ";" or a contrast, and not past another cue's claim
        c_start = sent[0]
        for b in _CLAUSE_BREAK.finditer(text, sent[0], m.start()):
            c_start = b.end()
        brk = _CLAUSE_BREAK.search(text, objs[-1].end, sent[1])
        c_end = brk.start() if brk else sent[1]
        best = None
        for p in _POLARITY.finditer(text, c_start, c_end):
            if objs[0].start <= p.start() < objs[-1].end or m.start() <= p.start() < m.end():
                continue
            if _POLARITY_COST_AFTER.match(text, p.end()) or _POLARITY_NEGATED.search(text, max(c_start, p.start() - 20), p.start()):
                continue
            if any(c.start <= p.start() < c.end for c in rel_cues):
                continue  # a real cue: the main pass decided
            dist = m.start() - p.end() if p.end() <= m.start() else p.start() - objs[-1].end
            if dist > 120:
                continue
            if best is None or dist < best[0]:
                best = (dist, p)
        if best is None:
            continue
        p = best[1]
        label = "outperforms" if p.group("out") else "comparable"
        # the subject stands before the polarity word in both orders ("Compared to X, S achieves
        # better ...", "S achieves better ... compared to X")
        pcue = _Cue(p.start(), p.end(), 0, 0, label, "cue:compared-to")
        subject = _subject_before(pcue, (c_start, sent[1]), text, systems, proposed,
                                  objs + [o for o in used_as_object if _in(o.start, o.end, sent)])
        if subject is None:
            continue
        claim_ds = [d for d in datasets if _in(d.start, d.end, sent)]
        ds_names = list(dict.fromkeys(d.name for d in claim_ds)) or [None]
        rule = "compare:compared-to" + ("-coord" if len(objs) > 1 else "")
        pairs = {(k[0], k[2]): k[1] for k in seen}  # a pair the cue pass related keeps its relation
        for o in objs:
            if match_key(subject) == match_key(o.name) or pairs.get((match_key(subject), match_key(o.name)),
                                                                     label) != label:
                continue
            for ds in ds_names:
                key = (match_key(subject), label, match_key(o.name), match_key(ds or ""))
                if key in seen:
                    continue
                seen.add(key)
                out.append(Comparison(subject, label, o.name, ds,
                                      Evidence(text[sent[0]:sent[1]], min(p.start(), m.start()), o.end, rule)))


# The number grammar moved to numbers.py and the results grammar to results.py; both import the
# shared helpers above, so they are re-exported lazily (PEP 562) to keep old imports working.
_MOVED = {"NumberComponent": "numbers", "NumberMatch": "numbers", "NumberPattern": "numbers",
          "find_numbers": "numbers", "load_number_patterns": "numbers", "number_offsets": "numbers",
          "parse_value": "numbers", "find_results": "results"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"kgbuild.nlp.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CUES_KEY", "NUMBERS_KEY", "CueComponent", "NumberComponent", "find_comparisons", "find_cues",
    "find_numbers", "find_proposes", "find_results", "load_cue_patterns", "load_number_patterns",
    "number_offsets", "parse_value",
]
