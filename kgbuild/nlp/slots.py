"""Slot filling for claim frames: who the subject is, what the objects are.

A comparison is a frame: a cue (``cues.py``), a subject slot, object slots and a dataset slot. The
choices that fill the slots from text that names no entity are data, in
``patterns/claims-slots.jsonl`` (one rule per line, unique ``id``):

* ``subject:self-reference`` - "our method", "the proposed approach", "we", "it" stand for the
  paper's proposal, when the paper proposes exactly one name (``self_name``);
* ``object:baseline-*`` - "fine-tuning", "model tuning", "fine-tuning all parameters",
  "standard fine-tuning", FT/FFT set against the subject mean ``full fine-tuning``;
* ``object:class-family`` / ``object:class-examples`` / ``object:class-no-family`` - a class of
  methods is kept, named by its family ("other PEFT methods" -> the PEFT entity), its examples
  are the objects ("methods such as X and Y"), or it names no family ("baselines") and gives no
  object;
* ``family:*`` - family names written in lower case, with the family's standard name.

``object_units`` turns the slot rules and the entity mentions of a sentence into the candidate
objects the comparison grammar coordinates; each unit carries the id of the rule that made it.

The helpers below the data (``_chain_head``, ``_tool_of``, ``_GENERIC_HEAD`` ...) are shared with
the results grammar (``results.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from kgbuild.errors import ExtractError
from kgbuild.nlp.rules import PATTERN_DIR, SLOTS_FILE, load_rules
from kgbuild.nlp.text import _Mention

SLOT_KINDS = {"subject": ("self-reference",),
              "object": ("baseline", "class-head", "examples", "no-family", "family-phrase", "coined"),
              "family": ("",)}


class Unit(NamedTuple):
    """A filled slot: char offsets, the name it stands for, its type, and the rule that made it
    (same first fields as a mention, so the grammar treats both alike)."""

    start: int
    end: int
    name: str
    type: str
    decision: str


@dataclass(frozen=True)
class SlotRule:
    id: str
    slot: str
    kind: str
    regex: re.Pattern[str]
    name: str = ""
    before: re.Pattern[str] | None = None


@dataclass(frozen=True)
class SlotRules:
    """All slot rules of one file, by role."""

    self_reference: tuple[SlotRule, ...]
    baselines: tuple[SlotRule, ...]
    class_family: SlotRule
    class_examples: SlotRule
    class_no_family: SlotRule
    families: tuple[SlotRule, ...]
    family_regex: re.Pattern[str]  # any family name, anchored alternation
    family_phrase: SlotRule | None = None
    class_heads: re.Pattern[str] = re.compile("(?!)")  # the class nouns alone: where to look for classes
    baseline_trigger: re.Pattern[str] = re.compile("(?!)")  # cheap test before the baseline regexes
    coined: SlotRule | None = None  # an object name the entity stage did not know (``coined_units``)

    def family_at(self, text: str, pos: int, endpos: int) -> tuple[int, SlotRule] | None:
        """The family name starting at ``pos`` (its end and rule), the longest first."""
        best = None
        for rule in self.families:
            m = rule.regex.match(text, pos, endpos)
            if m and re.match(r"\W|$", text[m.end():m.end() + 1]) and (best is None or m.end() > best[0]):
                best = (m.end(), rule)
        return best


def load_slot_rules(path: str | Path | None = None) -> SlotRules:
    """Read and validate ``claims-slots.jsonl`` (``ExtractError`` naming file and line if bad)."""
    path = Path(path) if path else PATTERN_DIR / SLOTS_FILE
    by_role: dict[str, list[SlotRule]] = {}
    for rule in load_rules(path, required=("slot", "regex")):
        f = rule.fields
        slot, kind = f["slot"], f.get("kind", "")
        if slot not in SLOT_KINDS or kind not in SLOT_KINDS[slot]:
            raise ExtractError(f"{rule.where()}: rule {rule.id!r}: unknown slot/kind {slot!r}/{kind!r}")
        if (kind == "baseline" or slot == "family") and not f.get("name"):
            raise ExtractError(f"{rule.where()}: rule {rule.id!r} needs the \"name\" it stands for")
        case = 0 if slot == "family" or kind == "coined" else re.I  # names are capitalised
        sr = SlotRule(rule.id, slot, kind, rule.regex(flags=case), f.get("name", ""),
                      rule.regex("before") if f.get("before") else None)
        by_role.setdefault(kind or slot, []).append(sr)
    heads = re.compile("(?!)")
    for rule in load_rules(path):
        if rule.fields.get("heads"):
            heads = rule.regex("heads", flags=0)  # class nouns are written in lower case
    try:
        families = tuple(by_role.get("family", ()))
        one = lambda k: by_role[k][0]  # noqa: E731
        return SlotRules(tuple(by_role.get("self-reference", ())), tuple(by_role.get("baseline", ())),
                         one("class-head"), one("examples"), one("no-family"), families,
                         re.compile("|".join(f"(?:{r.regex.pattern})" for r in families) or "(?!)"),
                         (by_role.get("family-phrase") or [None])[0], heads,
                         re.compile(r"tun|\bF?FT\b", re.I), (by_role.get("coined") or [None])[0])
    except KeyError as exc:
        raise ExtractError(f"{path}: no rule of kind {exc.args[0]!r} (each object kind needs one)") from exc


@lru_cache(maxsize=8)
def slot_rules(path: str | None = None) -> SlotRules:
    """``load_slot_rules`` once per file."""
    return load_slot_rules(path)


def self_reference(rules: SlotRules, text: str, start: int, end: int) -> str | None:
    """The id of the self-reference rule matching in ``text[start:end]``, if any."""
    for r in rules.self_reference:
        if r.regex.search(text, start, end):
            return r.id
    return None


def baseline_units(rules: SlotRules, text: str, sent: tuple[int, int], taken: bytearray) -> list[Unit]:
    """Baseline paraphrases of the sentence that no entity mention covers ("fine-tuning all
    parameters" -> full fine-tuning), each where its ``before`` context allows an object."""
    out: list[Unit] = []
    if not rules.baseline_trigger.search(text, sent[0], sent[1]):
        return out
    for r in rules.baselines:
        for m in r.regex.finditer(text, sent[0], sent[1]):
            s, e = m.start(), m.end()
            if s > 0 and (text[s - 1].isalnum() or text[s - 1] == "-"):
                continue
            if any(taken[s:e]):
                continue
            if r.before is not None and not r.before.search(text, max(sent[0], s - 40), s):
                continue
            out.append(Unit(s, e, r.name, "Method", r.id))
    return out


def family_units(rules: SlotRules, text: str, sent: tuple[int, int], taken: bytearray,
                 heads: list[re.Match[str]] | None = None) -> list[Unit]:
    """Lower-case family names followed by a class noun ("semi-supervised methods"), not covered
    by an entity mention: a unit named by the family, ending after the class noun."""
    out: list[Unit] = []
    if heads is None:
        heads = list(rules.class_heads.finditer(text, sent[0], sent[1]))
    starts = [m for h in heads
              for m in rules.family_regex.finditer(text, max(sent[0], h.start() - 45), h.start())]
    for m in sorted(starts, key=lambda m: m.start()):
        s = m.start()
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] == "-"):
            continue
        hit = rules.family_at(text, s, sent[1])
        if hit is None:
            continue
        e, fam = hit
        head = rules.class_family.regex.match(text, e, sent[1])
        if head is None or any(taken[s:e]):
            continue
        out.append(Unit(s, head.end(), fam.name, "Method", f"{rules.class_family.id} + {fam.id}"))
    return out


_NAMED_AFTER_CLASS = re.compile(r"\s+(?:using|with|based\s+on|via|such\s+as|like|including)\b", re.I)


# the last word of a family phrase ("dense retrieval", "offline RL"): kept in step with the
# ``object:class-family-phrase`` rule of claims-slots.jsonl
_FAMILY_ENDINGS = frozenset("learning retrieval rl regression search distillation attention fusion augmentation tuning "
                            "fine-tuning training prompting pruning quantization editing merging sampling decoding "
                            "planning optimization adaptation".split())
_ACRONYM_WORD = re.compile(r"[A-Z]{2,5}")


def family_phrase_units(rules: SlotRules, text: str, sent: tuple[int, int],
                        heads: list[re.Match[str]] | None = None) -> list[Unit]:
    """"other recent dense retrieval systems": a qualified class whose technique phrase names the
    family (``object:class-family-phrase``); the unit spans the class, named by the phrase."""
    r = rules.family_phrase
    if r is None:
        return []
    out = []
    last = sent[0]
    found = []
    if heads is None:
        heads = list(rules.class_heads.finditer(text, sent[0], sent[1]))
    for h in heads:
        prev = text[max(last, h.start() - 16):h.start()].split()
        if not prev or not (prev[-1].lower() in _FAMILY_ENDINGS or _ACRONYM_WORD.fullmatch(prev[-1])):
            continue  # the word before the class noun ends every family phrase: a cheap test first
        m = r.regex.search(text, max(last, h.start() - 120), h.end())
        if m is not None and m.end() == h.end():
            found.append(m)
            last = m.end()
    for m in found:
        fam = m.group("family")
        if _NAMED_AFTER_CLASS.match(text, m.end()):
            continue  # "compression methods using low rank approximation": the named one is the object
        if fam:
            out.append(Unit(m.start(), m.end(), fam, "Method", r.id))
    return out


_MODIFIER_SUFFIX = re.compile(r"-(?:based|like|style|guided|driven|aware|free|specific|level|wise|scale|only|"
                              r"augmented|enhanced|powered|generated|trained|tuned)$", re.I)


# a lower-case hyphenated modifier right before a capitalised name ("gradient-free MPC"), not a count ("4-step")
_GLUED_MODIFIER = re.compile(r"(?<![\w-])([a-z]+-[a-z]+)\s$")


_CAPITALISED_BEFORE = re.compile(r"(?<![\w.+-])(?!(?:The|This|These|Our|A|An|In|On|For)\s)[A-Z][\w.+-]*\s$")


def coined_units(rules: SlotRules, text: str, sent: tuple[int, int], taken: bytearray) -> list[Unit]:
    """Capitalised single names no entity mention covers ("InstaFlow", "VALL-E", "Rainbow"): candidate
    objects (``object:coined-name``). ``taken`` marks every mention (of any type) and earlier unit;
    the grammar keeps such a unit only where an object slot opens (right after a cue, or
    coordinated with a named object), so a capitalised word elsewhere costs nothing."""
    r = rules.coined
    if r is None:
        return []
    out = []
    for m in r.regex.finditer(text, sent[0], sent[1]):
        s, e = m.start(), m.end()
        if any(taken[s:e]) or (s > 0 and text[s - 1] in "(-") or text.startswith(("(", "-"), e) \
                or _MODIFIER_SUFFIX.search(m.group()):
            continue  # part of a mention, a parenthesised alias, or a modifier ("X-based")
        nxt = re.match(r"\s+\S", text[e:e + 3])
        if nxt is not None and (taken[e + nxt.end() - 1] or text[e + nxt.end() - 1].isupper()):
            continue  # a qualifier of the name after it ("OpenAI CLIP"), or a longer name we cannot delimit
        if _CAPITALISED_BEFORE.search(text, max(sent[0], s - 30), s):
            continue  # the tail of a longer capitalised name ("Kahneman-Tversky Optimization", "Command R+")
        mod = _GLUED_MODIFIER.search(text, max(sent[0], s - 30), s)
        if mod is not None and not re.search(r"-(?:based|like|style)$", mod.group(1)) and not any(taken[mod.start(1):s]):
            s = mod.start(1)  # "gradient-free MPC": a hyphenated modifier is part of the name
        out.append(Unit(s, e, text[s:e], "Method", r.id))
    return out


# --------------------------------------------------------------------------- shared slot helpers
# (read by the comparison grammar and the results grammar in results.py)
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


_COORD_GAP = re.compile(r"\s*(?:\([^()]{0,60}\))?\s*(?:,\s*(?:and\s+|or\s+|as well as\s+)?|and|or|as well as|&|/|nor)\s*"
                        r"(?:the\s+|even\s+|also\s+)?(?:\d+(?:\.\d+)?-?[A-Za-z]+\s+)?", re.I)  # "and the 4-step UFOGen"
_CLAUSE_BREAK = re.compile(r";|,\s*(?:but|while|whereas|although|though|however)\b|\bbut\b|\bwhereas\b", re.I)
