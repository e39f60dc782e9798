"""Comparison frames: "S outperforms / is comparable to / underperforms O (on D)".

A comparison is a frame filled from one sentence:

* the **cue** (``doc.spans["cues"]``, rules in ``patterns/claims-cues.jsonl``) gives the
  relation(s) - two for "on par or better" (``comparable`` and ``outperforms``) - and the voice
  ("X is outperformed by Y" gives Y outperforms X); a negated cue ("does not outperform") gives
  nothing;
* the **subject** slot: the first named system of the cue's clause that is not inside a
  prepositional phrase, or the paper's one proposal for "our method", "it", "we" (slot rule
  ``subject:self-reference``) or an elided subject;
* the **object** slots after the cue (or after "compared to/with", "than", "over"): named systems,
  their coordination ("X, Y and Z": one record each), a class named by its family ("other PEFT
  methods" -> the family), the examples of a class ("methods such as X"), or a baseline
  paraphrase of full fine-tuning ("fine-tuning all parameters"); slot rules in
  ``patterns/claims-slots.jsonl`` (``slots.py``);
* the **dataset** slot: the first dataset the claim names.

Each (subject, relation, object) is emitted once per paper (``EXTRACTION-SCHEMA.md``
conventions). Every record carries the chain of rule ids that made it in
``Evidence.decisions`` (e.g. ``cue:on-par-or-better``, ``subject:self-reference``,
``object:coordination``); ``kgbuild explain`` prints it.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from spacy.tokens import Doc

from kgbuild.normalize import match_key
from kgbuild.nlp.cues import cue_pattern
from kgbuild.nlp.proposes import _OTHERS_WORK
from kgbuild.nlp.rules import RELATION_LABELS, SYSTEM_TYPES
from kgbuild.nlp.slots import (_CLASS_APPOSITIVE, _CLAUSE_BREAK, _CLAUSE_OPENER, _COORD_GAP, _ELIDED_SUBJECT,
                               _GENERIC_HEAD, SlotRules, Unit, _chain_head, _in_parenthetical, _tool_of,
                               baseline_units, coined_units, family_phrase_units, family_units, self_reference,
                               slot_rules)
from kgbuild.nlp.text import (_NON_SUBJECT_BEFORE, _Cue, _cues, _doc_mentions, _in, _Mention, _proposed_keys,
                              _sentences, _text)
from kgbuild.records import Comparison, Entity, Evidence

_OBJ_GAP_BLOCK = re.compile(
    r"\b(?:on|in|by|with|while|when|across|for|at|under|without|using|which|that|where|whereas|"
    r"despite|given|because|although|though|after|before|during|through|via|so|thus|thereby|"
    r"achiev\w*|is|are|was|were|has|have|shows?|demonstrat\w*)\b|[;:%]|\.(?!\d)|\d\s*%|\b(?:up to)\b", re.I)
# "the model with supervised fine-tuning", "a baseline using LoRA": the named system is the object
_OBJ_GAP_HEAD = re.compile(r"\b(?:model|models|baseline|baselines|counterpart|counterparts|variant|version|"
                           r"methods|approaches|techniques)\s+"
                           r"(?:with|using|trained with|based on|via)\s*$", re.I)
_COORD_GAP_UNKNOWN = re.compile(r"\s*,\s*[A-Z][\w.\-]*(?:\s+[\w.\-]+){0,2}\s*,\s*(?:and\s+|or\s+)?")
# "DRO and Kahneman-Tversky Optimization (KTO)": an unrecognised long form before its acronym
_COORD_GAP_LONG_FORM = re.compile(r"\s*(?:,\s*)?(?:and|or)\s+[A-Z][\w.\-]*(?:\s+[\w.\-]+){0,3}\s*\(\s*")
# "4% improvement over X and 8% over Y": an elided cue before the next object
_COORD_GAP_ELIDED = re.compile(r"\s*(?:,\s*)?(?:and|or)\s+(?:by\s+)?[+\-]?\d+(?:\.\d+)?\s*(?:\\?%|points?|pp)?\s+"
                               r"(?:over|than|compared\s+(?:to|with)|against)\s+(?:a\s+|an\s+|the\s+)?")
# "both UNITER and OpenAI CLIP": one capitalised word before a coordinated name
_COORD_GAP_QUALIFIED = re.compile(r"\s*(?:,\s*)?(?:and|or)\s+(?:[A-Z][\w\-]*|[a-z]+-[\w-]+|other|standard|vanilla|"
                                  r"original|strong|recent|popular|existing)\s+")
# "fine-tuning only the cross-attention parameters": a gerund with an object is an action, not a name
_VERB_USE = re.compile(r"\s+(?:only|the|a|an|all|its|their|our|these|this|each|every)\b")
_TOOL_SUFFIX = r"-(?:augmented|based|enhanced|equipped|powered|boosted|integrated)\b"
# a fronted subordinate clause: its names are not the subject of the main clause
_SUBORDINATE = re.compile(r"\s*(?:While|Although|Though|Whereas|Since|Because|If|When|Despite|Unlike)\b[^,;]{0,200},")
# an unknown list member: a capitalised name of at most three words ("Self-RAG", "Command R+")
_MEMBER = r"[A-Z][\w.\-]*\+?(?:\s+(?:[A-Z0-9][\w.\-]*\+?|\d[\w.]*))?"
_LIST_MEMBER = re.compile(r"(?:\s*\)?\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?P<name>" + _MEMBER + r")")
# the unknown members after the last known object, ending the list: "..., Self-RAG, and Command R+ in ..."
_LIST_TAIL = re.compile(r"(?:(?:\s*\)?\s*,\s*)" + _MEMBER + r")*\s*\)?\s*,?\s*(?:and|or)\s+" + _MEMBER +
                        r"(?=\s*(?:[,.;:)]|$|\s(?:in|on|across|by|with|for|while|whereas|when|at|under|and|as|without|using|but|"
                        r"respectively|over|from|to)\b))")
# the examples after a class: "diffusion models (SDXL)", "methods such as X"
_EXAMPLES_LEAD = re.compile(r"\s*(?:,\s*)?(?:such\s+as|like|including|e\.g\.,?|\((?:e\.g\.,?|such\s+as|like|including)?)\s*"
                            r"(?:the\s+)?", re.I)
_THAT_OF = re.compile(r"^\s*(?:that|those)\s+of\b", re.I)
_MATCH_PREV_OK = {",", "and", "or", "while", "can", "could", "to", "nearly", "almost", "closely", "even",
                  "also", "thereby", "largely", "fully", "which", "that", "often", "will", "would", "may",
                  "might", "does", "do", "only", "still", "successfully", "roughly", "approximately",
                  "essentially", "effectively", "consistently", "generally", "further", "not", "we", "it",
                  "they", "model", "method", "approach", "framework"}
# a subject that is neither a named system nor the paper's own: "these approaches", "existing methods"
_OTHER_SUBJECT = re.compile(r"(?:^|\b)(?:these|those|such|existing|previous|prior|current|conventional|"
                            r"traditional|they|most|many|other|baseline|baselines)\b", re.I)
_PURPOSE_BEFORE = re.compile(r"\b(?:proposed|designed|developed|introduced|aims?|aimed|aiming|attempts?|"
                             r"believed|thought|assumed|expected|hypothesi[sz]ed|"
                             r"attempting|tries|try|trying|seeks?|seeking|intended|strives?|hopes?)\s+to\s+$", re.I)

# "Compared to LoRA, MELoRA achieves better performance": the relation of a "compared to" cue comes
# from a polarity word of its clause
_POLARITY = re.compile(
    r"\b(?:(?P<both>(?:comparable|competitive|similar|on par)\s*,?\s+(?:or|and)\s+(?:even\s+|sometimes\s+)?"
    r"(?:better|superior|higher)|(?:better|superior|higher)\s*,?\s+(?:or|and)\s+(?:at\s+least\s+)?"
    r"(?:comparable|competitive|similar|on par))|(?P<out>better|superior|higher|stronger|improv(?:es|ed|ements?|ing)|gains?|increases?|"
    r"outperform\w*|surpass\w*|boosts?)|(?P<cmp>comparable|competitive|competitively|comparably|similar|"
    r"on par|equivalent|matches|matching))\b", re.I)
# "higher memory cost compared to X" is no win
_POLARITY_COST_AFTER = re.compile(r"\s+(?:[\w-]+\s+)?(?:costs?|memory|latency|complexity|overheads?|"
                                  r"computation|parameters|time|price|loss|error)\b", re.I)
# "a better word error rate": these words say the value is good whatever the quantity
_GOOD_WORDS = ("better", "superior", "stronger")
_POLARITY_NEGATED = re.compile(r"\b(?:not|no|without|never|less|fail\w*)\s+(?:\w+\s+)?$", re.I)


# "inference time is higher than X", "higher memory cost than X": more of a cost is no win
_COST_NOUN = r"(?:time|times|latency|costs?|memory|overheads?|complexity|FLOPs|parameters|size|consumption|footprint)"
_COST_BEFORE = re.compile(r"\b" + _COST_NOUN + r"\s+(?:is|are|was|were|remains?|becomes?)\s+(?:\w+\s+)?$", re.I)
_COST_IN_CUE = re.compile(r"^(?:higher|greater|larger|more)\b.*\b" + _COST_NOUN + r"\b", re.I)


def _cost_claim(cue_text: str, text: str, lo: int, start: int) -> bool:
    """Is a "higher ... than" cue about a cost rather than about task performance?"""
    if not cue_text.startswith(("higher", "greater", "larger", "more")):
        return False
    return bool(_COST_IN_CUE.match(cue_text) or _COST_BEFORE.search(text, lo, start))


_RIGHT_BEFORE_CUE = re.compile(r"\s*\)?\s*(?:(?:\w+ly|can|could|also|further|still|then)\s+)*", re.I)


def _in_parenthetical_aside(m: _Mention, text: str, start: int) -> bool:
    """"(e.g., Tango)": an example inside parentheses is not a subject."""
    lead = text[start:m.start]
    return lead.count("(") > lead.count(")") and bool(re.search(r"\((?:e\.g\.|i\.e\.|such as|like|including)[,\s]*$", lead))


class Subject(NamedTuple):
    name: str
    decision: str


def self_name(proposed: list[str], text: str) -> str | None:
    """The name "our method" stands for: the paper's only proposal, or, when it proposes several
    names (a system and its parts), the only one written in the title."""
    names = list(dict.fromkeys(p for p in proposed if p))
    if len(names) == 1 or (names and len({match_key(n) for n in names}) == 1):
        return names[0]
    if not names:
        return None
    title = match_key(text[:max(text.find("\n"), 0)])
    in_title = [n for n in names if match_key(n) and match_key(n) in title]
    if len(in_title) == 1:
        return in_title[0]
    # a system and its parts ("CGRSeg" with its "Rectangular Self-Calibration Module" and
    # "Dynamic Prototype Guided head"): the one name that is not a part
    wholes = [n for n in names if not _PART_NAME.search(n)]
    return wholes[0] if len(wholes) == 1 and len(wholes) < len(names) and not in_title else None


_PART_NAME = re.compile(r"\s(?:module|head|block|layer|unit|loss|encoder|decoder|mechanism|component)s?$", re.I)


def _negated(cue: _Cue, doc: Doc, negs: list[_Cue]) -> bool:
    """"does not outperform", "fails to match": a negation at most two tokens before the cue."""
    for n in negs:
        if 0 <= cue.tok_start - n.tok_end <= 2:
            nxt = doc[n.tok_end].lower_ if n.tok_end < len(doc) else ""
            if nxt == "only":  # "not only matches but outperforms"
                continue
            if doc[n.tok_start].lower_ == "without" and cue.label == "comparable":
                continue
            return True
    return False


def object_candidates(rules: SlotRules, text: str, sent: tuple[int, int], systems: list[_Mention],
                      others: list[_Mention] = (), windows: list[tuple[int, int]] | None = None) -> list[Unit]:
    """Everything in the sentence that can fill an object slot: named systems, then baseline
    paraphrases and lower-case family classes that no mention covers, then capitalised names no
    mention covers (``others``: the mentions of the other types, which such a name must not cut)."""
    units = [_canonical(rules, Unit(m.start, m.end, m.name, m.type, "object:named"))
             for m in systems if _in(m.start, m.end, sent)]
    heads = list(rules.class_heads.finditer(text, sent[0], sent[1]))  # no class noun: no class object
    for ph in (family_phrase_units(rules, text, sent, heads) if heads else ()):
        inside = [u for u in units if ph.start <= u.start and u.end <= ph.end]
        fam_start = text.find(ph.name, ph.start, ph.end)
        fam_end = fam_start + len(ph.name)
        if any(u.start < ph.start < u.end or u.start < fam_end < u.end for u in units):
            continue  # the phrase cuts a name
        if inside and any(u.start == fam_start and u.end == fam_end for u in inside):
            continue  # the family is itself a mention: the class-family rule names it
        units = [u for u in units if u not in inside] + [ph]
    taken = bytearray(sent[1] + 1)
    for u in units:
        taken[u.start:u.end] = b"\x01" * (u.end - u.start)
    extra = baseline_units(rules, text, sent, taken)
    if heads:
        extra += family_units(rules, text, sent, taken, heads)
    extra.sort(key=lambda u: (u.start, -(u.end - u.start)))
    for u in extra:
        if not any(taken[u.start:u.end]):
            taken[u.start:u.end] = b"\x01" * (u.end - u.start)
            units.append(u)
    if rules.coined is not None:
        for m in others:
            if m.end > sent[0] and m.start < sent[1]:
                lo, hi = max(m.start, sent[0]), min(m.end, sent[1])
                taken[lo:hi] = b"\x01" * (hi - lo)
        for lo, hi in (windows if windows is not None else [sent]):
            units.extend(u for u in coined_units(rules, text, (lo, hi), taken) if u not in units)
    units.sort(key=lambda u: u.start)
    return units


def _canonical(rules: SlotRules, u: Unit) -> Unit:
    """A mention whose whole name is a baseline paraphrase ("full-parameter fine-tuning", "model
    tuning") stands for the baseline's standard name (``full fine-tuning``)."""
    for r in rules.baselines:
        if r.regex.fullmatch(u.name):
            return u._replace(name=r.name, decision=r.id)
    return u


# "the Transformer-based LLM": a name modifying another noun is not the object
_MODIFIER_AFTER = re.compile(r"-(?:based|style|like|inspired|driven|guided|initiali[sz]ed)\b", re.I)
# "fine-tuning only the cross-attention parameters": a part of a model, not a system
_PART_AFTER = re.compile(r"\s+(?:parameters|weights|layers?|modules?|blocks?|heads?|matrices|features|"
                         r"embeddings|representations|tokens?)\b", re.I)
# "with our PANDA approach, prompt-tuning can achieve ...": the fronted proposal is the subject
_FRONTED_TOOL = re.compile(r"(?:^|[;:,]|\d\)|\b(?:and|but))\s*(?:\w+\s+)?(?:with|using|via|by|through)\s+(?:the\s+|our\s+)?(?:proposed\s+)?$", re.I)
_FRONTED_TOOL_END = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:approach|method|framework|technique|strategy)?\s*,", re.I)


# how far after a cue an unknown capitalised name can still be its object (or a coordinated one)
_COINED_REACH = 200
# slot decisions for a unit that names one system (an entity mention, or a capitalised name no mention covers)
_NAMED = ("object:named", "object:coined-name")


def _baseline_ids(rules: SlotRules) -> frozenset[str]:
    return frozenset(r.id for r in rules.baselines)


def objects_after(cue: _Cue, sent: tuple[int, int], text: str, units: list[Unit], later_cues: list[_Cue],
                  rules: SlotRules) -> list[Unit]:
    """The object noun phrase after a cue and its coordinated members ("X, Y and Z"), each unit
    carrying the slot decision that made it."""
    nxt = [u for u in units if u.start >= cue.end and u.end <= sent[1]]
    if not nxt:
        return []
    first = nxt[0]
    gap = text[cue.end:first.start]
    head = _OBJ_GAP_HEAD.search(gap)
    check = gap[:head.start()] if head else gap
    check = _THAT_OF.sub(" ", check, count=1)  # "matching or exceeding that of recent GTs"
    if len(gap) > 70 or _OBJ_GAP_BLOCK.search(check) or len(gap.split()) > 8:
        return []
    if first.decision in _baseline_ids(rules) and rules.class_family.regex.match(text, first.end):
        return []  # "outperforms other fine-tuning methods": a class that names no family
    if first.decision in _NAMED:
        ex = rules.class_examples.regex.match(text, first.end)
        if _MODIFIER_AFTER.match(text, first.end) and ex is None \
                and not rules.class_family.regex.match(text, first.end):
            return []
        fam = rules.class_family.regex.match(text, first.end)
        if ex is not None and len(nxt) > 1 and nxt[1].start == ex.end():
            # "superior to popular PEFT methods like LoRA": the examples of the class are the objects
            nxt = [u._replace(decision=rules.class_examples.id) for u in nxt[1:]]
            first = nxt[0]
        elif fam is not None or (_GENERIC_HEAD.match(text, first.end)
                                 and sum(ch.isupper() for ch in text[first.start:first.end]) >= 2):
            # "outperforms other PEFT methods": the class, named by its family
            end = fam.end() if fam is not None else _GENERIC_HEAD.match(text, first.end).end()  # type: ignore[union-attr]
            first = Unit(first.start, end, first.name, first.type, rules.class_family.id)
            nxt = [first] + [u for u in nxt[1:] if u.start >= end]
    elif first.decision not in _NAMED and first.decision not in _baseline_ids(rules):
        ex = _EXAMPLES_LEAD.match(text, first.end)
        if ex is not None and len(nxt) > 1 and nxt[1].start == ex.end():
            # "state-of-the-art diffusion models (SDXL)": the examples of the class are the objects
            nxt = [u._replace(decision=rules.class_examples.id) for u in nxt[1:]]
            first = nxt[0]
    if any(c.start >= cue.end and c.end <= first.start for c in later_cues):
        return []  # "matches or even surpasses GPT-4V": the cue nearest the object decides
    objs = [first]
    prev = first
    for u in nxt[1:]:
        g = text[prev.end:u.start]
        if g.lstrip().startswith(")") and text[prev.start - 1:prev.start].strip() in ("(", ""):
            g = g.lstrip()[1:]  # after a parenthesised alias: "GPT-3.5-Turbo (ChatGPT), ..."
        if (_COORD_GAP.fullmatch(g) or _COORD_GAP_UNKNOWN.fullmatch(g) or _COORD_GAP_ELIDED.fullmatch(g)
                or _COORD_GAP_QUALIFIED.fullmatch(g)
                or (_COORD_GAP_LONG_FORM.fullmatch(g) and text.startswith(")", u.end))):
            # an unrecognised list member ("Bloom 7B") does not end the list
            if u.decision != "object:named" and u.decision in _baseline_ids(rules) \
                    and rules.class_family.regex.match(text, u.end):
                break  # "and other fine-tuning methods": a class that names no family
            if u.decision in _NAMED and rules.class_family.regex.match(text, u.end) \
                    and not rules.class_examples.regex.match(text, u.end):
                u = Unit(u.start, rules.class_family.regex.match(text, u.end).end(), u.name, u.type,  # type: ignore[union-attr]
                         rules.class_family.id)
            if _COORD_GAP_UNKNOWN.fullmatch(g) and not _COORD_GAP.fullmatch(g):
                objs.extend(_list_members(text, prev.end, u.start))
            objs.append(u)
            prev = u
        elif re.fullmatch(r"\s*\(\s*", g) and u.end <= sent[1]:
            prev = u  # "grouped-query attention (GQA)": a parenthesised alias, not a new object
            continue
        else:
            break
    # "such as ChatGPT, Self-RAG, and Command R+": names the entity stage did not know, in a list
    # that starts with a known one, are objects too (object:list-member)
    tail = _LIST_TAIL.match(text, prev.end, sent[1])
    if tail:
        objs.extend(_list_members(text, prev.end, tail.end()))
    return objs


def _list_members(text: str, start: int, end: int) -> list[Unit]:
    return [Unit(m.start("name"), m.end("name"), m.group("name"), "Method", "object:list-member")
            for m in _LIST_MEMBER.finditer(text, start, end)]


def subject_before(cue: _Cue, sent: tuple[int, int], text: str, systems: list[_Mention], proposed: list[str],
                   clause_objects: list, rules: SlotRules, own: str | None, first_cue: int | None = None) -> Subject | None:
    """The claim's subject: the first system of the cue's clause that is not inside a prepositional
    phrase, or ``own`` (the paper's proposal) for a self-reference or an elided subject."""
    # the clause of the cue: "X is strong, but these approaches underperform Y" -> not X
    start = sent[0]
    prev_start = start
    for b in _CLAUSE_BREAK.finditer(text, sent[0], cue.start):
        prev_start, start = start, b.end()
    if start > sent[0] and _ELIDED_SUBJECT.fullmatch(text, start, cue.start):
        start = prev_start  # "X outperforms Y on A, but under-performs Z on B": X again
    sub = _SUBORDINATE.match(text, start, cue.start)
    if sub:
        start = sub.end()  # "While fine-tuning improves LLMs, these models underperform ...": not fine-tuning
    before = [m for m in systems if m.end <= cue.start and m.start >= start]
    # "by inheriting the BART weights our model outperforms ...": the self-reference is the subject
    last_end = before[-1].end if before else start
    if own:
        rid = self_reference(rules, text, last_end, cue.start)
        if rid:
            return Subject(own, rid)
    taken = {(m.start, m.end) for m in clause_objects}
    if before and before[-1].name in proposed and _RIGHT_BEFORE_CUE.fullmatch(text, before[-1].end, cue.start) \
            and before[-1].name != before[0].name and not _in_parenthetical_aside(before[-1], text, start):
        # "our latent diffusion model (LDM)-based approach (Tango) outperforms": the proposal named
        # last, right before the cue, is the subject the phrase before it describes
        return Subject(before[-1].name, "subject:proposal-before-cue")
    for m in before:
        if m.name in proposed and _FRONTED_TOOL.search(text[start:m.start]) and _FRONTED_TOOL_END.match(text, m.end):
            return Subject(m.name, "subject:fronted-proposal")
    for i, m in enumerate(before):
        if (m.start, m.end) in taken or _PART_AFTER.match(text, m.end) or _VERB_USE.match(text, m.end) \
                and text[m.start:m.end].endswith("ing"):
            continue
        lead = text[start:m.start]
        if ((_NON_SUBJECT_BEFORE.search(lead[-40:] if len(lead) > 40 else lead)
                 and not _CLAUSE_OPENER.search(lead)) or _GENERIC_HEAD.match(text, m.end)
                or _CLASS_APPOSITIVE.match(text, m.end)
                or _in_parenthetical(m, systems, text, sent[0])):
            continue
        head = _chain_head(before, i, text)
        tool = _tool_of(head, cue.start, before, proposed, text)
        return Subject(tool.name, "subject:named" if tool is head else "subject:proposal-as-tool")
    lead = text[start:cue.start]
    if own:
        rid = self_reference(rules, text, start, cue.start)
        if rid:
            return Subject(own, rid)
    if own and own + "-" in lead and re.search(re.escape(own) + _TOOL_SUFFIX, lead):
        return Subject(own, "subject:proposal-as-tool")  # "ACM-augmented baselines ... exceed GNNs"
    # "X outperforms existing methods and is on par with Y": the subject stands before the first cue
    subject_lead = text[start:first_cue] if first_cue is not None and start <= first_cue < cue.start else lead
    if _OTHER_SUBJECT.search(subject_lead) or re.search(r"\b(?:which|who)\b[^,]*$", subject_lead):
        return None
    if _OTHERS_WORK.search(text, sent[0], sent[1]):
        return None  # "PoT ... is recently proposed to improve over prompt-tuning": not ours
    if own:
        return Subject(own, "subject:elided")
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


def _object_decisions(objs: list[Unit]) -> list[str]:
    out = list(dict.fromkeys(d for u in objs for d in u.decision.split(" + ")))
    if len(objs) > 1:
        out.append("object:coordination")
    return out


_ACRONYM_PLURAL = re.compile(r"^([A-Z][A-Za-z0-9-]*[A-Z])s$")


def _singular(name: str) -> str:
    """"GNNs" -> "GNN", "GANs" -> "GAN": an acronym's plural names the family (schema conventions)."""
    m = _ACRONYM_PLURAL.match(name)
    return m.group(1) if m else name


class _Emitter:
    """One record per (subject, relation, object) per paper; the first claim's dataset is kept."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[Comparison] = []
        self.seen: dict[tuple[str, str], str] = {}  # (subject key, object key) -> first relation
        self.keys: set[tuple[str, str, str]] = set()

    def emit(self, subj: str, rel: str, obj: str, ds: str | None, sent: tuple[int, int], start: int, end: int,
             decisions: list[str]) -> None:
        obj = _singular(obj)
        sk, ok = match_key(subj), match_key(obj)
        if not sk or not ok or sk == ok or (sk, rel, ok) in self.keys:
            return
        self.keys.add((sk, rel, ok))
        self.seen.setdefault((sk, ok), rel)
        chain = tuple(dict.fromkeys(decisions))
        self.out.append(Comparison(subj, rel, obj, ds, Evidence(self.text[sent[0]:sent[1]], start, end,
                                                                " + ".join(chain), chain)))


def find_comparisons(doc: Doc, entities: list[Entity], proposed: list[str], *,
                     slots_path: str | None = None) -> list[Comparison]:
    """Comparison records of one paper (see the module docstring)."""
    text = _text(doc)
    cues = _cues(doc)
    rel_cues = [c for c in cues if c.label in RELATION_LABELS]
    compared = [c for c in cues if c.label == "compared"]
    if not rel_cues and not compared:
        return []
    proposed = _proposed_keys(proposed)
    mentions = _doc_mentions(doc, entities, len(text))
    systems = [m for m in mentions if m.type in SYSTEM_TYPES]
    rules = slot_rules(slots_path)
    own = self_name(proposed, text)
    if not systems and not own:
        return []
    datasets = [m for m in mentions if m.type == "Dataset"]
    others = [m for m in mentions if m.type not in SYSTEM_TYPES]
    negs = [c for c in cues if c.label == "negation"]
    sents = _sentences(doc)
    title_end = text.find("\n")
    em = _Emitter(text)
    used_as_object: list[Unit] = []
    units_of: dict[tuple[int, int], list[Unit]] = {}

    cue_starts = sorted(c.start for c in rel_cues + compared)

    def units(sent: tuple[int, int]) -> list[Unit]:
        """Object candidates of the sentence from its first cue on (objects follow their cue)."""
        if sent not in units_of:
            first = cue_starts[bisect_left(cue_starts, sent[0])] if cue_starts else sent[0]
            windows = [(c.end, min(sent[1], c.end + _COINED_REACH)) for c in rel_cues + compared
                       if sent[0] <= c.start < sent[1]]
            units_of[sent] = object_candidates(rules, text, (max(sent[0], min(first, sent[1])), sent[1]), systems,
                                               others, windows)
        return units_of[sent]

    for cue in rel_cues:
        sent = next((s for s in sents if s[0] <= cue.start < s[1]), None)
        if sent is None or cue.start < title_end:
            continue
        if _negated(cue, doc, negs):
            continue
        if _PURPOSE_BEFORE.search(text, max(sent[0], cue.start - 40), cue.start):
            continue  # "PoT ... is recently proposed to improve over prompt-tuning": an aim, no claim
        low = text[cue.start:cue.end].lower()
        if _cost_claim(low, text, max(sent[0], cue.start - 40), cue.start):
            continue  # "inference time is higher than CNNs": a cost, not a win (a result, if anything)
        if low.split()[0] in ("match", "matching", "matches", "matched") and cue.tok_start > 0:
            tok = doc[cue.tok_start - 1]
            prev_tok, prev_end = tok.lower_, tok.idx + len(tok)
            prev_is_sys = any(m.end == prev_end for m in systems)
            if prev_tok not in _MATCH_PREV_OK and not prev_is_sys:
                continue
        objs = objects_after(cue, sent, text, units(sent), rel_cues, rules)
        if not objs:
            continue
        sent_objs = [m for m in used_as_object if _in(m.start, m.end, sent)]
        first_cue = min((c.start for c in rel_cues if sent[0] <= c.start < cue.start), default=None)
        subject = subject_before(cue, sent, text, systems, proposed, sent_objs + objs, rules, own, first_cue)
        if subject is None:
            continue
        subjects = [subject] + [Subject(n, "subject:coordination")
                                for n in _coordinated_subjects(subject.name, cue, sent, text, systems)]
        used_as_object.extend(objs)
        pat = cue_pattern(cue.rule)
        relations = pat.relations if pat and pat.relations else (cue.label,)
        passive = pat is not None and pat.voice == "passive"
        # the dataset of the claim: the first after the objects in the same clause, else in the sentence
        tail_start = objs[-1].end
        next_cue = min((c.start for c in rel_cues if c.start >= tail_start), default=sent[1])
        claim_ds = [d for d in datasets if d.start >= tail_start and d.end <= min(sent[1], next_cue)
                    and ";" not in text[tail_start:d.start]]
        ds_rule = "dataset:after-objects"
        if not claim_ds:
            claim_ds, ds_rule = [d for d in datasets if _in(d.start, d.end, sent)], "dataset:in-sentence"
        ds = claim_ds[0].name if claim_ds else None
        for sj in subjects:
            for o in objs:
                if passive and o.decision not in _NAMED:
                    continue  # "is outperformed by fine-tuning": the winner must be named
                subj, obj = (o.name, sj.name) if passive else (sj.name, o.name)
                for rel in relations:
                    chain = [cue.rule] + (["relation:passive"] if passive else []) + \
                        [sj.decision] + _object_decisions(objs) + ([ds_rule] if ds else [])
                    em.emit(subj, rel, obj, ds, sent, cue.start, o.end, chain)
    if compared:
        _compared_to_claims(doc, compared, text, sents, title_end, systems, units, datasets, proposed, rel_cues,
                            used_as_object, em, rules, own)
    return em.out


class _Span(NamedTuple):
    """Char offsets with the ``re.Match`` accessors the polarity search below uses."""

    s: int
    e: int

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e


def _compared_to_claims(doc: Doc, compared: list[_Cue], text: str, sents: list[tuple[int, int]], title_end: int,
                        systems: list[_Mention], units, datasets: list[_Mention], proposed: list[str],
                        rel_cues: list[_Cue], used_as_object: list[Unit], em: _Emitter, rules: SlotRules,
                        own: str | None) -> None:
    """Claims whose object is introduced by "compared to/with X" and whose relation is a polarity
    word of the same clause ("better", "similar", "competitive"). Emits through ``em``."""
    for cue in compared:
        if cue.start < title_end:
            continue
        sent = next((s for s in sents if s[0] <= cue.start < s[1]), None)
        if sent is None:
            continue
        m = _Span(cue.start, cue.end)
        objs = objects_after(cue, sent, text, units(sent), [], rules)
        if not objs or len(text[m.end():objs[0].start].split()) > 4:
            continue
        # the clause around the phrase: up to ";" or a contrast, and not past another cue's claim
        c_start = sent[0]
        for b in _CLAUSE_BREAK.finditer(text, sent[0], m.start()):
            c_start = b.end()
        sub = _SUBORDINATE.match(text, c_start, m.start())
        if sub:
            c_start = sub.end()  # "While X improves ..., these models underperform compared to Y"
        brk = _CLAUSE_BREAK.search(text, objs[-1].end, sent[1])
        c_end = brk.start() if brk else sent[1]
        best = None
        for p in _POLARITY.finditer(text, c_start, c_end):
            if objs[0].start <= p.start() < objs[-1].end or m.start() <= p.start() < m.end():
                continue
            if (_POLARITY_COST_AFTER.match(text, p.end()) and p.group().lower() not in _GOOD_WORDS) or _POLARITY_NEGATED.search(text, max(c_start, p.start() - 20), p.start()):
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
        if p.group("both"):
            relations, polarity = ("comparable", "outperforms"), "polarity:comparable-or-better"
        elif p.group("out"):
            relations, polarity = ("outperforms",), "polarity:better"
        else:
            relations, polarity = ("comparable",), "polarity:comparable"
        # the subject stands before the polarity word in both orders ("Compared to X, S achieves
        # better ...", "S achieves better ... compared to X")
        pcue = _Cue(p.start(), p.end(), 0, 0, relations[0], cue.rule)
        subject = subject_before(pcue, (c_start, sent[1]), text, systems, proposed,
                                 objs + [o for o in used_as_object if _in(o.start, o.end, sent)], rules, own)
        if subject is None:
            continue
        claim_ds = [d for d in datasets if _in(d.start, d.end, sent)]
        ds = claim_ds[0].name if claim_ds else None
        for o in objs:
            for rel in relations:
                prior = em.seen.get((match_key(subject.name), match_key(o.name)))
                if prior is not None and prior not in relations:
                    continue  # a pair the cue pass related keeps its relation
                chain = [cue.rule, polarity, subject.decision] + _object_decisions(objs) + \
                    (["dataset:in-sentence"] if ds else [])
                em.emit(subject.name, rel, o.name, ds, sent, min(p.start(), m.start()), o.end, chain)


__all__ = ["find_comparisons", "object_candidates", "objects_after", "self_name", "subject_before"]
