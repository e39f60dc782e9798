"""The results grammar: which numbers are reported results, and whose, on what, measured how.

``find_results`` reads ``doc.spans["numbers"]`` (``numbers.py``) and the paper's ``Entity``
records and returns ``Result`` records (``eval/ANNOTATION.md`` §3). Precision first: when the
grammar cannot tell who a number belongs to, nothing is emitted.

* A range ("4-17%", "1.25-1.56x speedup", "2x to 8x", "0.3% to 0.6%") gives one result per endpoint,
  both with the range's unit.
* "from 19.5 to 31.5" gives two results: the "to" end for the claim's subject, the "from" end for
  the named baseline of the claim, if any.
* "a 5.16% gain over LoRA" is a result (5.16 %, metric "improvement").
* Parameter fractions ("only 0.08% of the parameters") are results with metric "trainable
  parameters"; absolute counts only when few ("only 3 million trainable parameters"), never model
  sizes ("7B", "models of 1 billion parameters").
* "0.148 and 0.143 for DoRA and LoRA, respectively" pairs numbers with systems; a number in a
  fronted "with only 1% of parameters, X ..." phrase belongs to X; "N, compared to M for X" gives
  M to X; data fractions ("0.02% pre-training tokens") and other models' sizes ("100x larger") are
  not results; TeX leftovers "sim30%", "2.1\\times" and "14X" are read.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kgbuild.normalize import match_key
from kgbuild.nlp.claims import (_CLASS_APPOSITIVE, _CLAUSE_BREAK, _CLAUSE_OPENER, _COORD_GAP, _GENERIC_HEAD,
                                NUMBERS_KEY, SYSTEM_TYPES, _chain_head, _in_parenthetical, _tool_of)
from kgbuild.nlp.text import (_NON_SUBJECT_BEFORE, _doc_mentions, _Mention, _proposed_keys, _sentences,
                              _text)
from kgbuild.nlp.numbers import number_offsets, parse_value
from kgbuild.records import Entity, Evidence, Result

# --------------------------------------------------------------------------- results
_QUANTITY_RULES: list[tuple[re.Pattern[str], str, str]] = [
    # (regex on the text window around the number, quantity phrase, which side: "after"/"before"/"around")
    (re.compile(r"^\s*(?:of\s+)?(?:(?!(?:with|and|while|on|in|for|to)\b)[A-Za-z'’-]+\s+){0,4}?"
                r"(?:parameters?|params)\b", re.I), "trainable parameters", "after"),
    (re.compile(r"^\s*(?:[\w-]+\s+){0,3}?(?:speed-?ups?|faster|acceleration|throughput)\b", re.I), "speedup", "after"),
    (re.compile(r"\b(?:speed\s*(?:s\s*)?up|speed-?ups?|accelerat\w+|throughput)\b[^.;]{0,40}$", re.I), "speedup", "before"),
    (re.compile(r"\bmemory\b[^.;]{0,50}$", re.I), "memory reduction", "before"),
    (re.compile(r"^\s*(?:\w+\s+){0,3}?(?:less|lower|reductions?\s+in)?\s*(?:\w+\s+){0,2}?memory\b", re.I), "memory reduction", "after"),
    (re.compile(r"\b(?:model size|compress\w*)\b[^.;]{0,40}$", re.I), "model size reduction", "before"),
    (re.compile(r"^\s*(?:\w+\s+){0,2}?(?:compression|smaller)\b", re.I), "model size reduction", "after"),
    (re.compile(r"^\s*(?:\w+\s+){0,3}?(?:improvements?|gains?|increase|boost)\b", re.I), "improvement", "after"),
    (re.compile(r"\b(?:improv\w+|gains?|boost\w*|increas\w+|outperform\w*|surpass\w*)\b[^.;]{0,30}$", re.I), "improvement", "before"),
]

# A plain number (no unit) is a result only when something says it is a score.
_PLAIN_SCORE_BEFORE = re.compile(
    r"(?:\b(?:achiev\w*|obtain\w*|reach\w*|scor\w*|attain\w*|yield\w*|get|gets|of|at|to|is|was|"
    r"average\w*|record\w*|improv\w*\s+by|by)\s+(?:up to\s+|about\s+|around\s+|approximately\s+|nearly\s+|"
    r"over\s+|more than\s+)?(?:an?\s+|the\s+)?(?:(?:average|avg\.?|mean|new|overall|"
    r"state-of-the-art|sota)\s+)?(?:[\w@\-]+\s+){0,3}?(?:of\s+)?|[=:]\s*)$", re.I)
_PLAIN_SCORE_AFTER = re.compile(r"^\s*(?:points?|pts|pp|absolute|BLEU|F1|EM|AP|mAP|mIoU|AUC|accuracy|"
                                r"on\b|in\b|\(|over\b|higher|better|improvement|(?:absolute\s+|relative\s+)?(?:decrease|increase|reduction|drop|gain)s?\b)", re.I)
_NOT_RESULT_AFTER = re.compile(
    r"^\s*(?:(?!(?:in|on|of|for|at|to|over|with|from)\b)\w+[\s-]+)?(?:datasets?|benchmarks?|tasks?|languages?|examples?|samples?|images?|"
    r"videos?|hours?|GPUs?|GPU\s+hours|layers?|bits?|tokens?|steps?|epochs?|shots?|models?|"
    r"modalities|domains?|categories|classes|subjects?|times\b|years?|days?|minutes?|seconds?|"
    r"participants?|users?|pairs?|queries|questions|documents?|sentences?|words?|people|instances|"
    r"heads?|experts?|rounds?|turns?|frames?|points? clouds?|clips?|hrs?|h\b|ms\b|GB|MB|TB|k\b|K\b)",
    re.I)
_UNIT_WORD = re.compile(r"^\s?(?:\\?%|x\b|×|\\?times\b|-?fold\b|percent\b)", re.I)
_PREVIOUS_SCORE = re.compile(r"\b(?:previous|prior|former|existing|baseline)\s+(?:[\w-]+\s+){0,3}?"
                             r"(?:scores?|results?|accuracy|accuracies|performance|records?)\s+(?:of\s+)?"
                             r"(?:[\d.]+\s*\\?%?\s*(?:,|and)\s*)*$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _dataset_for(pos_start: int, pos_end: int, sent: tuple[int, int], text: str,
                 datasets: list[_Mention], unit_numbers: list[tuple[int, int]]) -> _Mention | None:
    """Nearest Dataset of the same claim: the first one after the number with no other reported
    number in between ("75.5% EX on Spider, 52.6% IEX on SParC"), else the last one before it in
    the sentence ("On MSC, our method ..."). A dataset is never penalised when gold has none."""
    # "on Spider (75.5% EX) and MNLI (91.1% accuracy)": the dataset the parenthesis follows
    paren = text.rfind("(", sent[0], pos_start)
    if paren != -1 and ")" not in text[paren:pos_start]:
        for d in datasets:
            if d.end <= paren and not text[d.end:paren].strip():
                return d
    for d in datasets:
        if d.start < pos_end or d.end > sent[1]:
            continue
        gap = text[pos_end:d.start]
        if (len(gap) <= 100 and ";" not in gap and not re.search(r",\s+(?!and\b|or\b)[a-z]", gap)
                and _chained(pos_end, d.start, text, unit_numbers)):
            return d
        break
    # "3.33% (91.78% vs. 88.45%, FGVC) and 9.61% ...": a dataset closed off in an earlier
    # parenthesis belongs to the numbers there, not to later ones
    before = [d for d in datasets if d.end <= pos_start and d.start >= sent[0]
              and not _closed_paren(text, d.end, pos_start)]
    if before:
        return before[-1]
    return None


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


def _chained(start: int, end: int, text: str, unit_numbers: list[tuple[int, int]]) -> bool:
    """True when every reported number between ``start`` and ``end`` is chained to the first one
    ("+12.89%/+5.61%/+3.11% on ... GSM8K"): they then share the dataset that follows."""
    pos = start
    for s, e in unit_numbers:
        if s < start or e > end:
            continue
        if not re.fullmatch(r"[\s/,+\-~()]*(?:and|or|vs\.?|versus)?[\s/,+\-~()]*", text[pos:s]):
            return False
        pos = e
    return True


_METRIC_BEFORE_GAP = re.compile(
    r"\s*(?:score|scores|rate|value|improvements?|gains?|reductions?|increases?|drops?)?\s*"
    r"(?:of|is|was|=|:|at|reaches|reaching|achieves|achieving|by|to|from)?\s*"
    r"(?:about|around|approximately|over|up to|nearly|only|just|an? average of)?\s*[+~]?", re.I)


def _metric_for(n_start: int, n_end: int, sent: tuple[int, int], text: str,
                metrics: list[_Mention]) -> str | None:
    """A Metric entity adjacent to the number ("75.5% EX", "accuracy of 91.1"), else a quantity."""
    for m in metrics:
        if m.start >= n_end and m.end <= sent[1]:
            gap = text[n_end:m.start]
            if len(gap) <= 25 and re.fullmatch(r"\s*(?:%|\\%)?\s*(?:[\w-]+\s+){0,2}?", gap):
                return m.name
        if m.end <= n_start and m.start >= sent[0]:
            gap = text[m.end:n_start]
            if len(gap) <= 30 and _METRIC_BEFORE_GAP.fullmatch(gap):
                return m.name
    after = text[n_end:min(sent[1], n_end + 60)]
    before = text[max(sent[0], n_start - 60):n_start]
    for rx, phrase, side in _QUANTITY_RULES:
        if (side == "after" and rx.search(after)) or (side == "before" and rx.search(before)):
            return phrase
    return None


_BASELINE_LEAD = re.compile(r"\b(?:over|than|compared\s+(?:to|with)|relative\s+to|versus|vs\.?|against)\s+"
                            r"(?:[\w-]+\s+){0,4}?(?:(?:with|using)\s+)?$", re.I)


def _baseline_for(n_start: int, sent: tuple[int, int], text: str, systems: list[_Mention]) -> str | None:
    """The named baseline of the claim: the last system after "over/than/compared to" before the number."""
    for m in reversed([m for m in systems if m.end <= n_start and m.start >= sent[0]]):
        if _BASELINE_LEAD.search(text, max(sent[0], m.start - 50), m.start):
            return m.name
    return None


def _subject_for(n_start: int, sent: tuple[int, int], text: str, systems: list[_Mention],
                 proposed: list[str]) -> tuple[str | None, str]:
    """Who the number belongs to. A system right before a parenthesised number ("DeiT (81.8%)")
    owns it; else the sentence's subject system (first system not in a prepositional phrase);
    else the proposed name when the paper proposes something."""
    before = [m for m in systems if m.end <= n_start and m.start >= sent[0]]
    if before:
        last = before[-1]
        gap = text[last.end:n_start]
        # "DeiT training (81.8%)", "ViT-L with supervised pre-training on ImageNet-22K (85.2%)"
        if (re.fullmatch(r"[^,;()]{0,80}\(\s*(?:[\w\s]{0,12}[:=]\s*)?[+~]?", gap)
                and not re.search(r"\b(?:and|or|using|to|that|which|while|whereas|of|only)\b", gap)):
            return last.name, "paren"
        # "outperforms GPT-4, which is 100x larger": the relative clause is about the name before it
        if _RELATIVE_ABOUT.fullmatch(gap):
            return last.name, "relative"
    # "LST saves 69% ..., while other methods only save 26%": the clause has another subject
    clause_start = sent[0]
    for b in _CLAUSE_BREAK.finditer(text, sent[0], n_start):
        clause_start = b.end()
    if clause_start > sent[0] and not any(m.start >= clause_start for m in before) and re.match(
            r"\s*(?:the\s+)?(?:other|these|those|existing|previous|prior|conventional|baseline|they)\b",
            text[clause_start:n_start], re.I):
        return None, ""
    skipped_end = -1  # a name listed after a non-subject ("outperformed X (Y), Z, W") is none either
    for i, m in enumerate(before):
        lead = text[sent[0]:m.start]
        if ((_NON_SUBJECT_BEFORE.search(lead[-40:] if len(lead) > 40 else lead)
                 and not _CLAUSE_OPENER.search(lead)) or _GENERIC_HEAD.match(text, m.end)
                or _CLASS_APPOSITIVE.match(text, m.end)
                or _in_parenthetical(m, systems, text, sent[0])
                or (skipped_end >= 0 and _LIST_GAP.fullmatch(text, skipped_end, m.start))):
            skipped_end = m.end  # "outperformed GPT-3.5-Turbo (ChatGPT)": the alias is no subject either
            continue
        return _tool_of(_chain_head(before, i, text), n_start, before, proposed, text).name, "subject"
    # "With 3times less training cost and 1.4times inference speedup, YOLOE-v8-S surpasses ...": a
    # number in a fronted phrase belongs to the subject right after the phrase's comma
    if _FRONTED.search(text[sent[0]:n_start]):
        comma = text.find(",", n_start, sent[1])
        if comma != -1:
            after = [m for m in systems if comma < m.start < comma + 30 and m.end <= sent[1]]
            if after and re.fullmatch(r"\s*(?:the\s+|our\s+)?", text[comma + 1:after[0].start], re.I):
                i = systems.index(after[0])
                return _chain_head(systems, i, text).name, "fronted"
    if proposed:
        return proposed[0], "self"
    return None, ""


_RELATIVE_ABOUT = re.compile(r"\s*(?:\([^()]{0,40}\))?\s*,\s*(?:which|who)\s+(?:is|are|was|were|has|have|uses?|"
                             r"requires?|needs?)\b[^,;()]{0,40}?[~≈]?")
_FRONTED = re.compile(r"(?:^|,)\s*(?:with|using|by|at|under|when|while|despite|requiring|training|tuning|updating|"
                      r"fine-tuning)\b[^,;]*$", re.I)


# the gap between members of one list: "X (ChatGPT)", "X, Bloom 7B, Y", "X and Y"
_LIST_GAP = re.compile(r"\s*(?:\(\s*|\)?\s*,\s*(?:[\w.\- ]{1,25},\s*){0,3}(?:and\s+|or\s+)?|\)?\s*(?:and|or)\s+)")


# "only 3 million trainable parameters", "~90k parameters", "fewer than 10,000 parameters"
_PARAM_COUNT_AFTER = re.compile(r"^\s*(?:trainable|tunable|learnable|additional|extra|task-specific|"
                                r"updated)?\s*(?:parameters|params|weights)\b", re.I)
_PARAM_COUNT_TRAINABLE = re.compile(r"^\s*(?:trainable|tunable|learnable|additional|extra|task-specific|updated)\b", re.I)
_PARAM_COUNT_BEFORE = re.compile(
    r"(?:\b(?:only|just|mere|merely)|\b(?:train\w*|tun\w*|optimiz\w*|updat\w*|fine-?tun\w*|add|adds|adding)"
    r"(?:\s+of)?(?:\s+(?:only|just|fewer than|less than|under|about|approximately))?|~)\s*$", re.I)
_PARAM_FEW_BEFORE = re.compile(r"\b(?:fewer than|less than|under)\s*$", re.I)


def _few_parameters(before: str, after: str) -> bool:
    """"only 3 million trainable parameters", "tuning 200 parameters", "~90k parameters" (a count of
    what is trained); not "models with 7B parameters" or "contain fewer than 10 million parameters"."""
    if not _PARAM_COUNT_AFTER.match(after):
        return False
    return bool(_PARAM_COUNT_BEFORE.search(before)
                or (_PARAM_FEW_BEFORE.search(before) and _PARAM_COUNT_TRAINABLE.match(after)))


_NUM_CHAIN_AFTER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*)[+\-]?\d+\.\d+(?![\d%x×])")
_COORD_SCORE_AFTER = re.compile(r"^\s*(?:and|or|,)\s*[+\-]?\d+(?:\.\d+)?\s*(?:points?|pts|pp)\b", re.I)
_COORD_SCORE_BEFORE = re.compile(r"\d\s*(?:,|and|or)\s*$", re.I)


_RESPECTIVE_CHAIN = re.compile(
    r"(?<![\w.])[+\-]?\d+(?:\.\d+)?\s*(?:\\?%)?(?:\s*(?:,\s*(?:and\s+)?|and\s+)[+\-]?\d+(?:\.\d+)?\s*(?:\\?%)?){1,5}"
    r"\s+(?:for|by|of)\s+(?:the\s+)?")
_RESPECTIVE_NUMBER = re.compile(r"[+\-]?\d+(?:\.\d+)?")


def _respective_owner(n_start: int, sent: tuple[int, int], text: str, systems: list[_Mention]) -> str | None:
    """"scores of 0.148 and 0.143 for DoRA and LoRA, respectively": the i-th number of a list
    belongs to the i-th system of the list after "for", when both lists have the same length and
    the sentence says "respectively"."""
    if "respectively" not in text[n_start:sent[1]]:
        return None
    for m in _RESPECTIVE_CHAIN.finditer(text, max(sent[0], n_start - 60), sent[1]):
        if not (m.start() <= n_start < m.end()):
            continue
        nums = [x.start() + m.start() for x in _RESPECTIVE_NUMBER.finditer(text[m.start():m.end()])]
        owners = [o for o in systems if o.start >= m.end() and o.end <= sent[1]]
        chain = owners[:1]
        for o in owners[1:]:
            if _COORD_GAP.fullmatch(text[chain[-1].end:o.start]):
                chain.append(o)
            else:
                break
        if not chain or chain[0].start != m.end() or len(chain) != len(nums) or n_start not in nums:
            return None
        return chain[nums.index(n_start)].name
    return None


_FOR_SYSTEM = re.compile(r"\s*(?:\\?%|x|×)?\s*(?:for|by|of)\s+(?:the\s+)?")
# a plain decimal after "compared to", "vs." or "a score of" is a reported score
_SCORE_LEAD = re.compile(r"(?:\b(?:vs\.?|versus|compared\s+(?:to|with))|\b(?:score|scores|accuracy|average|"
                         r"value|rate|result|performance)\s+(?:of|is|was|=|:)(?:\s+(?:about|around|approximately|"
                         r"nearly|only|just))?)\s*$", re.I)


_TEX_OPEN_END = re.compile(r"(?:\$?\\(?:textbf|mathbf|textit|emph|bm|underline|mathrm)\{|\$)\s*$")
_TEX_CLOSE_START = re.compile(r"^\s*(?:\}\$?|\$)")


def _keep_number(sp: Span, s: int, e: int, sent: tuple[int, int], text: str,
                 metrics: list[_Mention]) -> tuple[bool, str | None]:
    """Is this number (value at ``s:e``) a reported result? Returns (keep, metric override)."""
    unit, written = sp.label_, sp.kb_id_
    if sp.id_ and ("range" in sp.id_ or "magnitude" in sp.id_):
        e = sp.end_char
    if sp.id_ == "number:from-to":
        return True, None  # "(from 19.5 to 31.5)": both ends are reported figures
    after, before = text[e:min(sent[1], e + 40)], text[max(sent[0], s - 60):s]
    if "\\" in before[-12:] or "$" in before[-3:]:
        # TeX kept as published: "achieves \textbf{91.1} on", "$75.5\%$"
        before = _TEX_OPEN_END.sub("", before)
        after = _TEX_CLOSE_START.sub("", after)
    if unit in ("%", "x"):
        after = _UNIT_WORD.sub("", after, count=1)  # "8 times fewer": look past the unit
    if unit in ("M", "B") or (unit == "NUM" and sp.id_ == "number:magnitude") or (unit == "NUM" and "," in written):
        # parameter counts are results only as "only N (trainable) parameters"
        if _few_parameters(before, after):
            return True, "trainable parameters"
        return False, None
    if _PREVIOUS_SCORE.search(before):
        return False, None  # "outperform the previous highest scores of 83.4%": nobody named
    if unit == "NUM":
        if _YEAR.match(written) or re.search(r"\b(?:Section|Table|Figure|Fig\.|Eq\.)\s*$", before) or (
                re.search(r"[\[(]\s*$", before) and not written.startswith(("+", "-"))):
            return False, None  # "(+0.53 Rouge-2 score ...)" is a score, "(12)" / "[3]" are not
        if _NOT_RESULT_AFTER.match(after):
            if _few_parameters(before, after):
                return True, "trainable parameters"
            return False, None
        signed = written.startswith(("+", "-"))
        decimal = "." in written
        if decimal:
            # "6.54 and 1.07 decrease in FID", "28.4, 30.1 and 31.2 BLEU": a coordination of
            # scores is judged by what follows its last member
            chained = False
            for _ in range(4):
                c = _NUM_CHAIN_AFTER.match(text, e)
                if c is None or c.end() > sent[1]:
                    break
                e, chained = c.end(), True
            if chained:
                after = text[e:min(sent[1], e + 40)]
        metric_near = _metric_for(s, e, sent, text, metrics) if metrics else None
        if metric_near is not None and any(metric_near == m.name for m in metrics):
            return True, None
        if decimal and _SCORE_LEAD.search(before):
            return True, None  # "an average score of 88.5, compared to 87.1 for LoRA"
        if signed and _PLAIN_SCORE_AFTER.match(after):
            return True, None
        if decimal and _PLAIN_SCORE_BEFORE.search(before) and (
                _PLAIN_SCORE_AFTER.match(after) or _COORD_SCORE_AFTER.match(after)):
            return True, None
        if decimal and _COORD_SCORE_BEFORE.search(before) and re.match(r"\s*(?:points?|pts|pp)\b", after):
            return True, None
        return False, None
    if unit == "x" and (_NOT_RESULT_AFTER.match(after) or re.match(r"\s*(?:larger|bigger)\b", after)):
        return False, None  # "GPT-4, which is 100x larger": the size of another model
    if unit == "%" and _DATA_FRACTION_AFTER.match(after):
        return False, None  # "at 0.02% pre-training tokens", "only 8% training samples": data volumes
    return True, None


_DATA_FRACTION_AFTER = re.compile(
    r"^\s*(?:of\s+)?(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,2}?(?:tokens|data|samples|examples|"
    r"images|labels|annotations|instances|corpus|subset)\b", re.I)


def find_results(doc: Doc, entities: list[Entity], proposed: list[str]) -> list[Result]:
    """Reported numbers with their subject, dataset and metric (see ``eval/ANNOTATION.md`` §3)."""
    if NUMBERS_KEY not in doc.spans:
        return []
    text = _text(doc)
    proposed = _proposed_keys(proposed)
    mentions = _doc_mentions(doc, entities, len(text))
    systems = [m for m in mentions if m.type in SYSTEM_TYPES]
    datasets = [m for m in mentions if m.type == "Dataset"]
    metrics = [m for m in mentions if m.type == "Metric"]
    sents = _sentences(doc)
    title_end = text.find("\n")
    spans = list(doc.spans[NUMBERS_KEY])
    offsets = [number_offsets(sp, text) for sp in spans]
    unit_numbers = [off for sp, off in zip(spans, offsets) if sp.label_ in ("%", "x")]
    out: list[Result] = []
    seen: dict[tuple[str, float], int] = {}  # (subject, value) -> index in out
    si = 0
    for sp, (s, e) in zip(spans, offsets):
        written = sp.kb_id_
        if s < title_end or not written:
            continue
        while si < len(sents) and sents[si][1] <= s:
            si += 1
        if si >= len(sents):
            break
        sent = sents[si]
        if any(m.start < e and s < m.end for m in mentions if m.type != "Metric"):
            continue  # part of a name: "GPT-3", "LLaMA2-7B", "DAVIS 2017"
        respective = _respective_owner(s, sent, text, systems)
        keep, quantity = _keep_number(sp, s, e, sent, text, metrics)
        if not keep and respective is None:
            continue
        for_m = _FOR_SYSTEM.match(text, e)
        owner = next((m for m in systems if for_m and m.start == for_m.end()), None)
        if respective is not None:
            subject, how = respective, "respectively"
        elif re.search(r"\b(?:vs\.?|versus|compared\s+(?:to|with))\s*$", text[max(sent[0], s - 16):s], re.I):
            # "2.46% (90.72% vs. 88.54%)", "88.5, compared to 87.1 for LoRA": the number after
            # "vs." / "compared to" belongs to the baseline
            subject, how = (owner.name if owner else _baseline_for(s, sent, text, systems)), "baseline"
        elif (sp.id_ or "").startswith("number:from-to") and not re.search(r"\bto\b", text[sp.start_char:s]):
            # the "from" end belongs to the baseline ("over the model with SFT (from 19.5 to 31.5)")
            subject, how = _baseline_for(sp.start_char, sent, text, systems), "baseline"
        else:
            subject, how = _subject_for(s, sent, text, systems, proposed)
        if subject is None:
            continue
        value = parse_value(written)
        ctx_end = max(e, sp.end_char) if "range" in (sp.id_ or "") else e
        metric = quantity or _metric_for(s, ctx_end, sent, text, metrics)
        ds = _dataset_for(s, ctx_end, sent, text, datasets, unit_numbers)
        rule = f"result:{how}" + ("-on-dataset" if ds else "") + ("-range" if "range" in (sp.id_ or "") else "")
        unit = sp.label_ if sp.label_ in ("%", "x") else None
        result = Result(subject, ds.name if ds else None, metric, value, unit,
                        Evidence(text[sent[0]:sent[1]], s, e, rule))
        # the same number repeated for the same subject is one result (the guideline's rule); keep
        # the mention that names a dataset / metric if the first one did not
        key = (match_key(subject), value)
        prev = out[seen[key]] if key in seen else None
        if prev is not None and prev.metric and result.metric and prev.metric != result.metric:
            key = (key[0] + "|" + result.metric, value)  # "70% parameters remained", "70% memory"
        if key in seen:
            old = out[seen[key]]
            if (old.dataset is None and result.dataset) or (old.metric is None and result.metric and
                                                            old.dataset == result.dataset):
                out[seen[key]] = result
            continue
        seen[key] = len(out)
        out.append(result)
    return out



__all__ = ["find_results"]
