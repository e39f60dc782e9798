"""Descriptive proposals: lower-case names a paper coins for its own parts.

"a temporal embedding boosting module is introduced", "A speaker-aware text encoder is proposed",
"we introduce progressive adaptive rounding." No entity rule finds such a name (it is written in lower case and
made of ordinary words); the proposal's own shape says it is one. Two rules, each recorded in
the proposal's ``Evidence.decisions``:

* ``propose:descriptive-passive`` - "a/an ... HEAD is/are (carefully) proposed/introduced/designed/
  developed/devised/presented/constructed/built";
* ``propose:descriptive-headless`` - a bare noun phrase right after "we propose/introduce/present"
  or "this paper proposes", without article and without a head noun ("we introduce progressive
  adaptive rounding.", "we present one-shot federated learning, where ..."). With an article ("we
  propose a hybrid adaptive retrieval method") the phrase is a description, not a name: annotators
  do not list it, and neither does this rule.

The word lists are data (``patterns/claims-proposes.jsonl``, one id per line): the head nouns that
are dropped from the name ("scheme", "method") or kept ("encoder", "loss"), the evaluative words
stripped from its front ("novel", "simple and effective"), the words that make a phrase a generic
description ("deep neural network model") and the nouns a paper presents that are not methods
("experiments", "analysis", "dataset"). A name must have two words at least (three when the head is
kept, unless a word is hyphenated: "time-aware encoder"), must not be a known name or one used in an
earlier sentence, and never comes from a sentence about someone else's work.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from kgbuild.errors import ExtractError
from kgbuild.normalize import match_key
from kgbuild.nlp.rules import PATTERN_DIR, load_rules
from kgbuild.nlp.text import _Cue, _Mention

PROPOSES_FILE = "claims-proposes.jsonl"


@dataclass(frozen=True)
class DescriptiveRules:
    dropped: frozenset[str]
    kept: frozenset[str]
    evaluative: frozenset[str]
    generic: frozenset[str]
    report: frozenset[str]
    action_end: re.Pattern[str]
    action_heads: frozenset[str]


def load_descriptive_rules(path: str | Path | None = None) -> DescriptiveRules:
    """Read ``claims-proposes.jsonl`` (``ExtractError`` naming file and line for a bad or missing rule)."""
    path = Path(path) if path else PATTERN_DIR / PROPOSES_FILE
    by_id = {r.id: r for r in load_rules(path)}

    def words(rid: str) -> frozenset[str]:
        r = by_id.get(rid)
        if r is None or not isinstance(r.fields.get("words"), list):
            raise ExtractError(f"{path}: needs a rule {rid!r} with a \"words\" list")
        return frozenset(w.lower() for w in r.fields["words"])

    action = by_id.get("descriptive:module-after-action")
    if action is None:
        raise ExtractError(f"{path}: needs a rule 'descriptive:module-after-action'")
    return DescriptiveRules(words("descriptive:heads-dropped"), words("descriptive:heads-kept"),
                            words("descriptive:evaluative"), words("descriptive:generic"),
                            words("descriptive:report-nouns"), action.regex(),
                            frozenset(action.fields.get("heads") or ()))


@lru_cache(maxsize=4)
def descriptive_rules(path: str | None = None) -> DescriptiveRules:
    return load_descriptive_rules(path)


def _written(name: str, text: str, lo: int, hi: int) -> bool:
    """Is ``name`` written as a whole word in ``text[lo:hi]``? (``str.find``: no regex per name)"""
    i = text.find(name, lo, hi)
    while i >= 0:
        j = i + len(name)
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "-")) and \
                (j >= len(text) or not (text[j].isalnum() or text[j] == "-")):
            return True
        i = text.find(name, i + 1, hi)
    return False


_WORD = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
# the phrase: lower-case words (commas between fronted qualities allowed: "a novel, multi-task ...")
_PHRASE = r"((?:" + _WORD + r"(?:\s*,\s*|\s+)){0,7}?" + _WORD + r")"
_PASSIVE = re.compile(r"(?<![\w-])(?:[Aa]n?|[Tt]he)\s+" + _PHRASE +
                      r"\s+(?:is|are)(?:\s+\w+ly|\s*,\s*(?:\w+\s*){1,2},)?\s+"
                      r"(?:proposed|introduced|designed|developed|devised|presented|constructed|built)\b")
_OBJECT = re.compile(r"\s+(?:(?P<det>an?|the)\s+)?" + _PHRASE +
                     r"(?=\s*(?:[,.;:(]|$)|\s+(?:that|which|to|for|with|in|on|where|whose|by|based|using|via|as|"
                     r"and|from|into|named|called|dubbed|termed)\b)")
# the passive subject opens a clause ("Concretely, a ... module is introduced"), it is not the object
# of a participle ("a 3D model incorporating a channel space attention mechanism is proposed")
_CLAUSE_START = re.compile(r"(?:[,;:.]\s*|\b(?:and|then|Then|Finally|First|Second|Third|Moreover|Furthermore|"
                           r"Additionally|Also|Besides|Specifically|Concretely|Meanwhile)\s+)$")
# the cues where "we" (or "this paper") introduce something; not "by introducing X", "while proposing X"
_OWN_CUES = frozenset({"cue:we-propose", "cue:this-paper-proposes", "cue:the-paper-proposes"})
_HEADLESS_VERB = re.compile(r"\b(?:propose[sd]?|introduce[sd]?|present(?:s|ed)?)$", re.I)
_PLURAL = re.compile(r"[^su]s$")
# "The first novelty is a contextual-geometric depth consistency loss, which ...", "The core design is the Joint Block,"
_NOVELTY_IS = re.compile(r"(?:novelty|contribution|innovation|(?:core|key)\s+(?:design|component|idea)|main\s+idea|core\s+idea)"
                         r"\s+(?:of\s+\w+\s+(?:\w+\s+)?)?is\s+(?:(?:an?|the)\s+)?(?:(?P<cap>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})|"
                         + _PHRASE.replace("(", "(?P<low>", 1) + r")(?=\s*[,.;(]|\s+(?:that|which|to|for|with|in|where)\b)")
_IS_BEFORE = re.compile(r"\b(?:is|are)(?:\s+\w+ly|\s*,[^,]{1,30},)?\s+$")  # cheap test before _PASSIVE


def _name_of(rules: DescriptiveRules, phrase: str, start: int, *, headless: bool) -> tuple[int, int, bool] | None:
    """Char range of the name in a phrase (``start``: the phrase's offset in the text) and whether
    a head noun ended the phrase; None when the phrase names nothing."""
    toks = [(m.start() + start, m.end() + start, m.group()) for m in re.finditer(_WORD, phrase)]
    while toks and toks[0][2] in rules.evaluative:
        toks = toks[1:]  # "a simple and effective superblock pruning scheme"
    if not toks or any(t[2] in rules.evaluative or t[2] in rules.generic or t[2] in rules.report for t in toks):
        return None
    if "," in phrase[toks[0][0] - start:]:
        return None  # a list, not one name
    head = toks[-1][2]
    if head in rules.dropped:
        name = toks[:-1]
        need = 2
    elif head in rules.kept:
        drop = head in rules.action_heads and len(toks) > 1 and rules.action_end.search(toks[-2][2])
        name = toks[:-1] if drop else toks
        need = 2 if drop or any("-" in t[2] for t in name) else 3
    elif headless:
        name, need = toks, 2
        head = ""
    else:
        return None
    if len(name) < need or len(name) > 5 or name[0][2].endswith("ing") and len(name) == need and not headless:
        return None
    if name[-1][2].endswith("ing") and name[-1][2] in ("using", "being", "having"):
        return None
    return name[0][0], name[-1][1], bool(head)


def descriptive_proposals(text: str, sents: list[tuple[int, int]], title_end: int, cues: list[_Cue],
                          kind: Callable[[_Cue], str], mentions: list[_Mention],
                          emit: Callable[..., None], others_work: Any,
                          rules: DescriptiveRules | None = None) -> None:
    """Emit (through ``emit(mention, sent, rule, cue)``) the descriptive proposals of the abstract."""
    rules = rules or descriptive_rules()
    found: list[tuple[int, int, tuple[int, int], str, _Cue | None]] = []
    for c in cues:
        if c.rule not in _OWN_CUES or c.start < title_end:
            continue
        sent = next((s for s in sents if s[0] <= c.start < s[1]), None)
        if sent is None:
            continue
        m = _OBJECT.match(text, c.end, sent[1])
        if m is None:
            continue
        if m.group("det") is not None or re.match(r"to\b|[a-z]+ing\b", m.group(2)) \
                or not _HEADLESS_VERB.search(text, c.start, c.end) or text.startswith("(", m.end(2) + 1):
            continue  # "we propose a hybrid adaptive retrieval method": a description, not a name (as annotated)
        words = m.group(2).split()
        if any(w in rules.dropped or w in rules.kept for w in words) or _PLURAL.search(words[-1]):
            continue  # "orthogonal growth method well-suited", "adaptive layers": no name of one thing
        span = _name_of(rules, m.group(2), m.start(2), headless=True)
        if span is not None and not span[2]:
            found.append((span[0], span[1], sent, "propose:descriptive-headless", c))
    for c in cues:
        if c.label != "shape" or c.start < title_end:
            continue
        k = kind(c)
        if k == "passive":
            i, verb_end = c.start, c.end
            if not text.endswith(("is ", "are ", "ly ", ", "), max(0, i - 5), i) or \
                    not _IS_BEFORE.search(text, max(0, i - 40), i):
                continue
            sent = next((x for x in sents if x[0] <= i < x[1]), None)
            if sent is None:
                continue
            for m in _PASSIVE.finditer(text, max(sent[0], i - 140), min(sent[1], verb_end)):
                if m.end() == verb_end and (not text[sent[0]:m.start()].strip() or _CLAUSE_START.search(
                        text, max(sent[0], m.start() - 30), m.start())):
                    span = _name_of(rules, m.group(1), m.start(1), headless=False)
                    if span is not None:
                        found.append((span[0], span[1], sent, "propose:descriptive-passive", None))
                    break
        elif k == "novelty":
            i = c.start
            m = _NOVELTY_IS.match(text, i)
            sent = next((x for x in sents if x[0] <= i < x[1]), None) if m else None
            if m is not None and sent is not None and m.end() <= sent[1]:
                if m.group("cap"):
                    s0 = m.start("cap")
                    words = m.group("cap").split()
                    while words and words[-1].lower() in rules.dropped:
                        words.pop()  # "the Joint Block" stays; "the Foo Method" -> Foo
                    if words:
                        found.append((s0, s0 + len(" ".join(words)), sent, "propose:novelty-is", None))
                else:
                    span = _name_of(rules, m.group("low"), m.start("low"), headless=False)
                    if span is not None:
                        found.append((span[0], span[1], sent, "propose:novelty-is", None))
    for s, e, sent, rule, cue in sorted(found, key=lambda f: f[0]):
        if others_work.search(text, sent[0], sent[1]):
            continue  # "... have been proposed": someone else's
        key = match_key(text[s:e])
        if any(match_key(o.name) == key for o in mentions):
            continue  # a known name ("contrastive learning"), not a coined one
        if any(o.start < e and s < o.end and o.type not in ("Method", "Model") for o in mentions):
            continue  # a dataset or task phrase
        if _written(text[s:e].lower(), text.lower(), title_end, sent[0]):
            continue  # used in an earlier sentence: not introduced here
        emit(_Mention(s, e, text[s:e], "Method"), sent, rule, cue)




# --------------------------------------------------------------------------- named parts and aliases
# "our latent diffusion model (LDM)-based approach (Tango)": the parenthesised name of our system
_OUR_HEAD_PAREN = re.compile(r"\b[Oo]ur\s+(?:[\w()-]+\s+){0,5}?(?:approach|method|model|framework|system|architecture|"
                             r"pipeline|algorithm|agent|network|technique)\s+\(\s*([A-Z][\w.+-]*[\w+])\s*\)(?![\w-])")
# "We refer to it as Gemini ResNet.", "what we call a Decision LSTM model"
_REFER_AS = re.compile(r"\b(?:[Ww]e\s+(?:refer\s+to|call|name|dub|term)|(?:is|are)\s+(?:referred\s+to|called|named|dubbed|termed))"
                       r"\s+(?:(?:it|this|them|these|the\s+\w+|our\s+\w+)\s+)?(?:as\s+)?(?:(?:a|an|the)\s+)?"
                       r"([A-Z][\w+-]*(?:\s+[A-Z][\w+-]*){0,3})")
# "a dedicated Temporal Encoder (TE-Module)", "a carefully designed Context Interaction Unit (CIU)": a
# coined component, named by its acronym, whose long form ends in a component noun
_COMPONENT_ACRONYM = re.compile(
    r"(?<![\w-])((?:[A-Z][\w'-]*\s+){1,5}(?:Module|Unit|Block|Layer|Encoder|Decoder|Network|Mechanism|Head|"
    r"Branch|Loss|Adapter|Extractor|Generator|Fuser|Selector|Router|Aggregator|Predictor|Estimator))"
    r"\s*\(\s*((?=[\w-]*[A-Z][\w-]*[A-Z0-9])[A-Za-z][\w-]{1,15})\s*\)(?![\w-])")  # not "(X)-based"
# the sentence is about our system: "we ...", "our ...", "The framework ...", "It ...", "<proposal> ..."
_OWN_SUBJECT = re.compile(r"\b(?:[Ww]e|[Oo]ur)\b")
_OWN_OPENING = re.compile(r"\s*(?:(?:[Tt]he|[Tt]his)\s+(?:proposed\s+)?(?:framework|model|method|approach|network|system|"
                          r"architecture|module|pipeline)|It)\b")
# someone else's part: "we use / adopt / follow the ... (X)"
_REUSE_BEFORE = re.compile(r"\b(?:use[sd]?|using|adopt\w*|follow\w*|utili[sz]\w*|leverag\w*|apply|applies|applied|"
                           r"employ\w*|borrow\w*|inherit\w*|existing|standard|conventional|original|vanilla)\b"
                           r"[^.;]{0,50}$", re.I)


def named_parts(text: str, sents: list[tuple[int, int]], title_end: int, cues: list[_Cue],
                kind: Callable[[_Cue], str], mentions: list[_Mention], lexicon: set[tuple[int, int]],
                proposed: Callable[[], list[str]], emit: Callable[..., None],
                others_work: Any) -> None:
    """Proposals whose name the entity rules missed, read from three shapes:

    * ``propose:our-head-paren`` - "our ... approach (Tango)";
    * ``propose:refer-as`` - "We refer to it as Gemini ResNet", "what we call a Decision LSTM model";
    * ``propose:component-acronym`` - "The framework integrates a dedicated Temporal Encoder
      (TE-Module) with ..." in a sentence about our system, not reused ("we adopt ... (X)").

    Each name must be fresh (not written before its sentence) and not a known (lexicon) name."""
    def fresh(name: str, sent: tuple[int, int]) -> bool:
        return not _written(name, text, title_end, sent[0])

    def known(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in lexicon) or \
            any(o.start <= s and e <= o.end and o.type not in ("Method", "Model") for o in mentions)

    def emit_ours(m: _Mention, sent: tuple[int, int], rule: str) -> None:
        if not others_work.search(text, sent[0], sent[1]):  # "... have been proposed": someone else's
            emit(m, sent, rule)

    def sent_of(pos: int) -> tuple[int, int] | None:
        return next((x for x in sents if x[0] <= pos < x[1]), None)

    parens = _find_all(text, "(", title_end) if "(" in text else []
    seen: set[int] = set()
    if parens:  # "our ... approach (Tango)"
        for lo in _find_all(text, "our ", title_end) + _find_all(text, "Our ", title_end):
            m = _OUR_HEAD_PAREN.match(text, lo)
            if m is None or m.start() in seen:
                continue
            seen.add(m.start())
            s, e = m.span(1)
            sent = sent_of(m.start())
            if sent is not None and m.end() <= sent[1] and not known(s, e) and fresh(m.group(1), sent) \
                    and not _NOT_NAME.fullmatch(m.group(1)):
                emit_ours(_Mention(s, e, m.group(1), "Method"), sent, "propose:our-head-paren")
    for c in cues:  # "We refer to it as Gemini ResNet"
        if c.start < title_end or not (c.rule == "cue:called" or (c.label == "shape" and kind(c) == "refer")):
            continue
        t = c.start
        m = _REFER_AS.search(text, max(title_end, t - 12), c.end + 90)
        if m is None or m.start() in seen:
            continue
        seen.add(m.start())
        s, e = m.span(1)
        sent = sent_of(m.start())
        words = m.group(1).split()
        while words and words[-1].lower() in _HEAD_WORDS:
            words.pop()  # "a Decision LSTM model" -> Decision LSTM
        if sent is None or not words:
            continue
        e = s + len(" ".join(words))
        if e > sent[1] or text[s:e] != " ".join(words) or known(s, e) or not fresh(text[s:e], sent) or \
                _NOT_NAME.fullmatch(words[0]):
            continue
        emit_ours(_Mention(s, e, text[s:e], "Method"), sent, "propose:refer-as")
    for p in parens:  # "a dedicated Temporal Encoder (TE-Module)"
        if not text[max(0, p - 14):p].rstrip().endswith(_COMPONENT_HEADS):
            continue
        sent = sent_of(p)
        if sent is None:
            continue
        chunk = text[sent[0]:sent[1]]
        if not (_OWN_SUBJECT.search(chunk) or _OWN_OPENING.match(chunk) or any(q in chunk for q in proposed())):
            continue
        for m in _COMPONENT_ACRONYM.finditer(text, max(sent[0], p - 120), min(sent[1], p + 24)):
            s, e = m.span(2)
            if known(m.start(1), m.end(1)) or known(s, e) or not fresh(m.group(2), sent) or \
                    _REUSE_BEFORE.search(text, max(sent[0], m.start() - 60), m.start()):
                continue
            emit_ours(_Mention(s, e, m.group(2), "Method"), sent, "propose:component-acronym")


_COMPONENT_HEADS = ("Module", "Unit", "Block", "Layer", "Encoder", "Decoder", "Network", "Mechanism", "Head", "Branch",
                    "Loss", "Adapter", "Extractor", "Generator", "Fuser", "Selector", "Router", "Aggregator",
                    "Predictor", "Estimator")
_HEAD_WORDS = frozenset({"model", "models", "method", "approach", "framework", "network", "module", "architecture",
                         "system", "algorithm", "technique", "strategy", "scheme"})
# capitalised words that are not names
_NOT_NAME = re.compile(r"(?:The|This|These|It|Our|We|A|An|In|On|For|Fig|Figure|Table|Section|SOTA|LLMs?|AI)")




# --------------------------------------------------------------------------- bare coined object
# "we propose GRIN, a ...", "we introduce FooNet (...)", "this paper presents Dream-MPC: ...": a name
# with a capital after its first letter or a digit, as the whole object of the cue
_BARE_COINED = re.compile(r"\s+(?:the\s+)?((?=\w[\w.+-]*[A-Z0-9])(?:[A-Z][\w.+-]*[\w+]|[a-z][\w.+-]*[A-Z][\w.+-]*)"
                          r"(?:[-\s]\d[\w.]*)?)(?=\s*(?:[,:(;.]|--|—|–)|\s+(?:which|that|to|for|as|is|in)\b)")
_BARE_NOT_METHOD_AFTER = re.compile(r"\s*(?:,|:|\(|--|—|–)?\s*(?:an?|the)\s+(?:[\w-]+\s+){0,4}?(?:dataset|benchmark|corpus|"
                                    r"collection|suite|metric|measure|task|challenge|leaderboard|library|toolkit|"
                                    r"survey)s?\b", re.I)


def bare_coined_objects(text: str, sents: list[tuple[int, int]], title_end: int, cues: list[_Cue],
                        mentions: list[_Mention], lexicon: set[tuple[int, int]], emit: Callable[..., None],
                        others_work: Any) -> None:
    """``propose:we-propose-bare-name`` - "we propose GRIN, a ...": the whole object of an own
    proposal cue is a coined name (a capital after its first letter, or a digit), which the entity
    rules may not know; never a known (lexicon) name, a data resource or metric ("we introduce
    ImageNet-X, a benchmark ..."), or a name written before its sentence."""
    for c in cues:
        if c.rule not in _OWN_CUES or c.start < title_end:
            continue
        m = _BARE_COINED.match(text, c.end)
        if m is None:
            continue
        s, e = m.span(1)
        sent = next((x for x in sents if x[0] <= c.start < x[1]), None)
        if sent is None or e > sent[1] or any(a <= s and e <= b for a, b in lexicon) or \
                any(o.start < e and s < o.end and o.type not in ("Method", "Model") for o in mentions) or \
                _BARE_NOT_METHOD_AFTER.match(text, e) or _NOT_NAME.fullmatch(m.group(1)) or \
                _written(m.group(1), text, title_end, sent[0]) or \
                others_work.search(text, sent[0], sent[1]):
            continue
        emit(_Mention(s, e, m.group(1), "Method"), sent, "propose:we-propose-bare-name", c)




# --------------------------------------------------------------------------- component lists, title names
# "Its key designs include A, B, and C", "the core components ...: Observer, Planner, and Executor"
_COMPONENT_LIST = re.compile(r"\b(?:[Ii]ts|[Oo]ur|[Tt]he|[Tt]heir|two|three|four|five)\s+(?:\w+\s+)?(?:core|key|main|major|principal|"
                             r"essential)\s+(?:components|designs|modules|innovations|elements|parts|ingredients)\b"
                             r"[^.:;]{0,80}?(?:\s(?:include|includes|are)\s+|:\s*)")
_LIST_ITEM = re.compile(r"([\w][\w'-]*(?:\s+[\w][\w'-]*){0,4})(?:\s*\([^()]{1,30}\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+|(?=[.;]|\s+(?:which|that|to|for|with)\b|$))")
# a short title-case title prefix: "Booster Gym: An End-to-End ...", "3D Brainformer: 3D Fusion ..."
_TITLE_PREFIX = re.compile(r"((?:\d\w*\s+)?[A-Z][\w+-]*(?:\s+[A-Z0-9][\w+-]*){0,2})\s?(?::|--|—| - )\s")
_TITLE_NOT_NAME = re.compile(r"(?i:towards?|rethinking|revisiting|beyond|understanding|learning|on|when|what|why|how|"
                             r"is|are|do|does|can|a|an|the|from|all|less|more|one|no|not|scaling|improving|"
                             r"benchmarking|evaluating|exploring|enhancing|efficient|position|survey|review|"
                             r"[a-z]+ing)$")


def _find_all(text: str, word: str, lo: int) -> list[int]:
    out, i = [], text.find(word, lo)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + len(word))
    return out


def component_lists(text: str, sents: list[tuple[int, int]], title_end: int, cues: list[_Cue],
                    kind: Callable[[_Cue], str], mentions: list[_Mention], lexicon: set[tuple[int, int]],
                    emit: Callable[..., None], rules: DescriptiveRules, others_work: Any) -> None:
    """``propose:component-list`` - the items of "its key designs include A, B, and C" / "the core
    components ...: A, B, and C" in a sentence about our system: each item a name (five words at
    most, no generic word, not known, not used before)."""
    starts = [c.start for c in cues if c.label == "shape" and c.start >= title_end and kind(c) == "list"]
    if not starts:
        return
    seen_end = -1
    for m in (x for i in starts for x in [_COMPONENT_LIST.search(text, max(title_end, i - 40), i + 120)] if x):
        if m.start() < seen_end:
            continue
        seen_end = m.end()
        sent = next((x for x in sents if x[0] <= m.start() < x[1]), None)
        if sent is None or others_work.search(text, sent[0], sent[1]):
            continue
        pos, items = m.end(), []
        while pos < sent[1]:
            it = _LIST_ITEM.match(text, pos, sent[1])
            if it is None or re.match(r"(?:which|that|to|where|while|for|with|and|or)\b", it.group(1)):
                break
            items.append(it.span(1))
            pos = it.end()
            if not re.match(r"\s*(?:,|and\b)", text[it.end(1):it.end()].strip() or "."):
                break
        if len(items) < 2:
            continue  # a list names at least two parts
        for s, e in items:
            lead = re.match(r"[a-z]+-(?:aligned|based|driven|guided|aware|enhanced|augmented)\s+(?=[A-Z])", text[s:e])
            if lead:
                s += lead.end()  # "preference-aligned BestFit reranking": the modifier is not part of the name
            words = text[s:e].split()
            if any(w.lower() in rules.generic or w.lower() in rules.report for w in words) or \
                    any(a <= s and e <= b for a, b in lexicon) or \
                    any(o.start < e and s < o.end and o.type not in ("Method", "Model") for o in mentions) or \
                    _written(text[s:e], text, title_end, sent[0]):
                continue
            emit(_Mention(s, e, text[s:e], "Method"), sent, "propose:component-list")


def title_names(text: str, title_end: int, mentions: list[_Mention], lexicon: set[tuple[int, int]],
                emit: Callable[..., None]) -> None:
    """``propose:title-name`` - a short title-case prefix the entity rules did not read as a name
    ("Booster Gym: An End-to-End Reinforcement Learning Framework ..."): at most three words, each
    capitalised (a leading "3D" allowed), none a title word ("Towards", "Rethinking", an -ing
    verb), not a known or typed name, and written again in the abstract."""
    title = text[:title_end]
    if ":" not in title and "-" not in title and "—" not in title:
        return
    m = _TITLE_PREFIX.match(text, 0, title_end)
    if m is None:
        return
    s, e = m.span(1)
    words = m.group(1).split()
    if any(_TITLE_NOT_NAME.fullmatch(w) for w in words) or any(a <= s and e <= b for a, b in lexicon) or \
            re.search(r"\b(?:[Dd]atasets?|[Bb]enchmarks?|[Cc]orpus|[Ss]uite|[Ll]eaderboard|[Ss]urvey)\b", text[e:title_end]) or \
            any(o.start < e and s < o.end for o in mentions):
        return
    if not _written(m.group(1), text, title_end, len(text)):
        return  # a name the abstract never uses is a title phrase, not a system
    emit(_Mention(s, e, m.group(1), "Method"), (0, title_end), "propose:title-name")


def shape_proposals(text: str, sents: list[tuple[int, int]], title_end: int, cues: list[_Cue],
                    kind: Callable[[_Cue], str], mentions: list[_Mention], lexicon: set[tuple[int, int]],
                    proposed: Callable[[], list[str]], emit: Callable[..., None],
                    others_work: Any) -> None:
    """Every rule of this module, in order (``find_proposes`` calls this once, after its own rules).
    ``cues``: every cue of the doc (the ``shape`` cues say where these rules look)."""
    rules = descriptive_rules()
    cues = [c for c in cues if c.start >= title_end and (c.label == "shape" or c.rule in _OWN_CUES or c.rule == "cue:called")]
    descriptive_proposals(text, sents, title_end, cues, kind, mentions, emit, others_work, rules)
    named_parts(text, sents, title_end, cues, kind, mentions, lexicon, proposed, emit, others_work)
    bare_coined_objects(text, sents, title_end, cues, mentions, lexicon, emit, others_work)
    component_lists(text, sents, title_end, cues, kind, mentions, lexicon, emit, rules, others_work)
    title_names(text, title_end, mentions, lexicon, emit)


__all__ = ["DescriptiveRules", "bare_coined_objects", "component_lists", "descriptive_proposals", "descriptive_rules",
           "load_descriptive_rules", "named_parts", "shape_proposals", "title_names"]
