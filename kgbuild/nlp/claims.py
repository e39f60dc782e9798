"""The claims stage at a glance: where each part lives (this module only re-exports them).

``extract.doc_to_extraction`` calls ``find_proposes``, ``find_results`` and ``find_comparisons``
with the paper's ``Entity`` records, after two registered components have written span groups:

* ``kgbuild_numbers`` -> ``doc.spans["numbers"]`` (``numbers.py``, rules in
  ``patterns/claims-numbers.jsonl``); the results grammar is ``results.py``;
* ``kgbuild_cues`` -> ``doc.spans["cues"]`` (``cues.py``, rules in ``patterns/claims-cues.jsonl``).

The claim grammars:

* ``proposes.py`` - the names a paper introduces;
* ``comparisons.py`` - comparison frames (cue, subject, objects, dataset), filled with the slot
  rules of ``slots.py`` / ``patterns/claims-slots.jsonl``;
* ``results.py`` - reported numbers, their subject, dataset and metric.

Shared by all of them: ``text.py`` (the one sentence segmentation and text cache, entity
mentions, cue spans) and ``rules.py`` (rule files, and the loader that rejects a missing or
duplicate ``id`` naming the file and line). Every claim records the ids of the rules that made
it in ``Evidence.decisions``; ``kgbuild explain PAPER`` shows them.

Precision first: when the grammar cannot tell who a claim belongs to, nothing is emitted.
"""
from __future__ import annotations

from typing import Any

from kgbuild.nlp.comparisons import find_comparisons
from kgbuild.nlp.cues import CueComponent, CueIndex, CuePattern, compile_cues, find_cues, load_cue_patterns
from kgbuild.nlp.proposes import find_proposes
from kgbuild.nlp.rules import (CUES_FILE, CUES_KEY, NUMBERS_FILE, NUMBERS_KEY, PATTERN_DIR, RELATION_LABELS,
                               SLOTS_FILE, SYSTEM_TYPES)
from kgbuild.nlp.rules import pattern_file as _pattern_file  # noqa: F401  (numbers.py imports it from here)
from kgbuild.nlp.rules import read_jsonl as _read_jsonl  # noqa: F401
from kgbuild.nlp.slots import (_CLASS_APPOSITIVE, _CLASS_HEAD, _CLAUSE_BREAK, _CLAUSE_OPENER,  # noqa: F401
                               _COORD_GAP, _ELIDED_SUBJECT, _GENERIC_HEAD, _chain_head, _in_parenthetical,
                               _tool_of)
from kgbuild.nlp.text import (_ABBREV_END, _MENTIONS_CACHE, _NON_SUBJECT_BEFORE, _SENTS_CACHE,  # noqa: F401
                              _TEXT_CACHE, _Cue, _Mention, _cues, _doc_mentions, _in, _mentions,
                              _proposed_keys, _sentences, _text)

# The number grammar lives in numbers.py and the results grammar in results.py; both import
# names from this module, so they are re-exported lazily (PEP 562) to avoid an import cycle.
_MOVED = {"NumberComponent": "numbers", "NumberMatch": "numbers", "NumberPattern": "numbers",
          "find_numbers": "numbers", "load_number_patterns": "numbers", "number_offsets": "numbers",
          "parse_value": "numbers", "find_results": "results"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"kgbuild.nlp.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CUES_FILE", "CUES_KEY", "NUMBERS_FILE", "NUMBERS_KEY", "PATTERN_DIR", "RELATION_LABELS", "SLOTS_FILE",
    "SYSTEM_TYPES", "CueComponent", "CueIndex", "CuePattern", "NumberComponent", "compile_cues",
    "find_comparisons", "find_cues", "find_numbers", "find_proposes", "find_results", "load_cue_patterns",
    "load_number_patterns", "number_offsets", "parse_value",
]
