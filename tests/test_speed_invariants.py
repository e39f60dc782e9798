"""The speed work must not change the output: each fast path against a straightforward reference.

Fast paths checked (see kgbuild/nlp/__init__.py, abbreviations.py, entities.py, cues.py, extract.py,
kgbuild/normalize.py):

* the pipeline tokenizer warms spaCy's chunk cache (workaround for spaCy issue #13950) - its
  tokens must equal an unwrapped tokenizer with the same rules;
* ``FastSentencizer`` - its sentence starts must equal spaCy's stock ``sentencizer``;
* ``char_span_bounds`` - must equal ``Doc.char_span(..., alignment_mode="strict")``;
* ``spans_to_entities`` on ``SpanView`` copies - must equal grouping the spaCy Spans themselves;
* the whole entity output of ``build_nlp()`` - must equal a pipeline built with the stock
  tokenizer call and the stock sentencizer.

Seed papers 1-381 only (never the held-back 382-421).
"""
from __future__ import annotations

import itertools

import pytest
import spacy
from spacy.tokens import Doc

from kgbuild.extract import (ENTITY_KEY, _Sentences, choose_name, choose_type, group_entity_spans,
                             span_views, spans_to_entities, split_size_lists)
from kgbuild.nlp import _TEXT_KEYS, TextKeepingTokenizer, _tune_tokenizer, build_nlp
from kgbuild.nlp.abbreviations import char_span_bounds, doc_text
from kgbuild.read import SAMPLE_CORPUS, read_papers
from kgbuild.records import Entity, Evidence, Mention

DEV = 381  # seed papers 1-381: the development part of the seed corpus

TRICKY = [
    "We follow Smith et al. (2020) and use e.g. LoRA, i.e. low-rank adaptation, vs. full fine-tuning.",
    "Accuracy rose from 71.5 to 80.2 on GSM8K! Is that enough? Yes... (see Fig. 3).",
    "LLaMA2-7B/13B. The model (e.g., \"GPT-4\") scores 3.14. Next sentence!\nTitle-like line\nBody text.",
    "Results hold w.r.t. all baselines, cf. Tab. 2; approx. 5% gains, a.k.a. \"free lunch\".",
    "",
    "   ",
    "vs.",
    "One.Two. Three?!  Four \u2026 five",
]


@pytest.fixture(scope="module")
def dev_texts() -> list[str]:
    papers = list(itertools.islice(read_papers(SAMPLE_CORPUS), DEV))
    assert len(papers) == DEV
    return [p.text for p in papers]


class _PlainTextTokenizer:
    """The tokenizer before the speed work: no cache warming, default cache size."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        for key in _TEXT_KEYS:
            doc.user_data[key] = text
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


def _reference_nlp():
    """``build_nlp()`` with the plain tokenizer call and spaCy's stock sentencizer."""
    nlp = build_nlp()
    inner = nlp.tokenizer.tokenizer  # same rules and vocab, never warmed
    inner.max_cache_size = 10_000  # spaCy's default
    nlp.tokenizer = _PlainTextTokenizer(inner)
    nlp.replace_pipe("sentencizer", "sentencizer")
    return nlp


def _tokens(doc: Doc) -> list[tuple[str, str]]:
    return [(t.text, t.whitespace_) for t in doc]


def test_spacy_13950_warmed_tokenizer_gives_the_same_tokens(dev_texts):
    """The cache-warming workaround for spaCy #13950 must not change a single token (checked
    twice: while the cache fills, and once every chunk is cached)."""
    nlp = build_nlp()
    assert isinstance(nlp.tokenizer, TextKeepingTokenizer)
    assert nlp.tokenizer.max_cache_size >= 1_000_000  # spaCy's default (10,000) is too small
    plain = spacy.blank("en")
    _tune_tokenizer(plain)
    for _ in range(2):
        for text in dev_texts + TRICKY:
            doc = nlp.make_doc(text)
            assert _tokens(doc) == _tokens(plain.tokenizer(text)), text[:80]
            assert doc_text(doc) == text


def test_spacy_13950_chunks_after_a_special_case_get_warmed():
    """Chunks after "e.g." are the ones spaCy never caches by itself; the wrapper must have
    tokenized each of them alone (so it could cache them) before the text."""
    nlp = build_nlp()
    calls: list[str] = []
    inner = nlp.tokenizer.tokenizer

    class Spy:
        max_cache_size = inner.max_cache_size

        def __call__(self, text):
            calls.append(text)
            return inner(text)

    nlp.tokenizer.tokenizer = Spy()
    text = "We use e.g. zqadapters (QzLoRA) and zqprefix-tuning."
    seen_before = set(nlp.tokenizer._seen)  # building the lexicon matcher tokenized its phrases
    nlp.make_doc(text)
    assert calls[-1] == text
    assert {"zqadapters", "(QzLoRA)", "zqprefix-tuning."} <= set(calls[:-1])
    assert set(calls[:-1]) == set(text.split()) - seen_before
    calls.clear()
    nlp.make_doc(text)
    assert calls == [text]  # every chunk seen before: no warming the second time


def test_fast_sentencizer_matches_stock_sentencizer(dev_texts):
    fast = build_nlp().get_pipe("sentencizer")
    ref = spacy.blank("en")
    _tune_tokenizer(ref)
    stock = ref.add_pipe("sentencizer")
    for text in dev_texts + TRICKY:
        a = fast(ref.make_doc(text))
        b = stock(ref.make_doc(text))
        assert [t.is_sent_start for t in a] == [t.is_sent_start for t in b], text[:80]
        assert [s.text for s in a.sents] == [s.text for s in b.sents]


def test_fast_sentencizer_keeps_existing_boundaries():
    nlp = build_nlp()
    doc = nlp.make_doc("One sentence. Two sentence. Three.")
    doc[2].is_sent_start = False
    doc[3].is_sent_start = False
    nlp.get_pipe("sentencizer")(doc)
    assert doc[3].is_sent_start is False


def test_char_span_bounds_equals_strict_char_span(dev_texts):
    nlp = spacy.blank("en")
    _tune_tokenizer(nlp)
    for text in dev_texts[:40] + TRICKY:
        doc = nlp.make_doc(text)
        n = len(text)
        for start in range(0, n + 1, 3):
            for end in (start, start + 1, start + 4, start + 9, start + 17, n):
                span = doc.char_span(start, end, alignment_mode="strict") if end <= n else None
                want = None if span is None or len(span) == 0 else (span.start, span.end)
                got = char_span_bounds(doc, start, end) if end <= n else None
                assert got == want, (text[:40], start, end)


def _entities_from_spans(doc: Doc, spans) -> list[Entity]:
    """``spans_to_entities`` as written before the speed work: straight on the spaCy Spans."""
    entities = []
    sentences = _Sentences(doc, doc_text(doc))
    defined = frozenset(s.text for s in doc.spans["abbreviations"]) if "abbreviations" in doc.spans else frozenset()
    from kgbuild.normalize import match_key

    for group in group_entity_spans(split_size_lists(spans)):
        name = choose_name(group, defined)
        etype = choose_type(group)
        seen = {match_key(name)}
        aliases = []
        for s in group:
            k = match_key(s.text)
            if k not in seen:
                seen.add(k)
                aliases.append(s.text)
        mentions = [Mention(text=s.text, evidence=Evidence(sentence=sentences.of(s), start=s.start_char,
                                                           end=s.end_char, rule=s.id_)) for s in group]
        entities.append(Entity(type=etype, name=name, aliases=aliases, mentions=mentions))
    return entities


def test_span_views_group_like_spans(dev_texts):
    nlp = build_nlp()
    for doc in nlp.pipe(dev_texts):
        spans = list(doc.spans[ENTITY_KEY])
        views = span_views(spans, doc_text(doc))
        assert [v.text for v in views] == [s.text for s in spans]
        assert spans_to_entities(doc, spans) == _entities_from_spans(doc, spans)


def test_entity_output_equals_reference_pipeline(dev_texts):
    """End to end: every entity span (tokens, label, kb_id, rule) and every sentence boundary of
    the optimised pipeline equals the pipeline with spaCy's plain tokenizer call and sentencizer."""
    fast, ref = build_nlp(), _reference_nlp()
    for a, b in zip(fast.pipe(dev_texts), ref.pipe(dev_texts)):
        assert [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in a.spans[ENTITY_KEY]] == \
            [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in b.spans[ENTITY_KEY]]
        assert [s.start for s in a.sents] == [s.start for s in b.sents]
        assert spans_to_entities(a, list(a.spans[ENTITY_KEY])) == spans_to_entities(b, list(b.spans[ENTITY_KEY]))


def _reference_match_key(text: str) -> str:
    import unicodedata

    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return "".join(ch for ch in folded.casefold() if ch.isalnum())


def test_match_key_ascii_fast_path_equals_unicode_fold(dev_texts):
    """``match_key``/``fold`` skip NFKD for ASCII text: same keys as the general path."""
    from kgbuild.normalize import fold, match_key

    samples = [chr(i) for i in range(128)] + ["Fine-Tuning", "LoRA+", "GPT-4o_mini", "a.b/c d", "Ärger", "naïve α-NET"]
    samples += [w for t in dev_texts[:60] for w in t.split()]
    for s in samples:
        assert match_key(s) == _reference_match_key(s), s
        if s.isascii():
            assert fold(s) == s.casefold()


def test_cue_trigger_trie_equals_flat_alternation(dev_texts):
    """The prefix-tree trigger regex finds the same trigger words as the flat alternation of the
    trigger keys, longest first (what ``compile_cues`` built before)."""
    import re

    from kgbuild.nlp.cues import compile_cues, load_cue_patterns
    from kgbuild.nlp.rules import literal_alternation

    index = compile_cues(load_cue_patterns())
    keys = sorted(index.by_trigger, key=len, reverse=True)
    flat = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + ")")
    texts = list(dev_texts) + TRICKY + ["on only once onto; don't can't CAN'T Comparable OUTPERFORMS"]
    for t in texts:
        low = t.lower()
        assert [(m.span(), m.group()) for m in index.triggers.finditer(low)] == \
            [(m.span(), m.group()) for m in flat.finditer(low)]
        assert [(m.span(), m.group()) for m in index.triggers_ci.finditer(t)] == \
            [(m.span(), m.group()) for m in re.compile(flat.pattern, re.I).finditer(t)]
    # nested keys: the longest key written at a position wins
    trie = re.compile(literal_alternation(["a", "ab", "abc", "b", "bcd"]))
    assert [m.group() for m in trie.finditer("abcd ab a bcd bc")] == ["abc", "ab", "a", "bcd", "b"]


def test_entity_head_regexes_equal_flat_alternations(dev_texts):
    """Technique and task head regexes (prefix trees) find what the flat longest-first
    alternation with the same ``(?![\\w\\-])`` lookahead finds, backtracking included."""
    import json
    import re

    from kgbuild.nlp.entities import PATTERN_DIR, load_pattern_rules
    from kgbuild.nlp.rules import literal_alternation

    rules = load_pattern_rules(None)
    texts = list(dev_texts) + TRICKY
    rows = [json.loads(line) for line in (PATTERN_DIR / "entities.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = {r["kind"]: r for r in rows if r.get("kind") in ("technique_phrases", "task_phrases")}
    for kind, rx in (("technique_phrases", rules.technique_rx), ("task_phrases", rules.task_rx)):
        heads = [*rows[kind]["heads"], *rows[kind].get("task_heads", ())]
        flat = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True)) + r")(?![\w\-])")
        tree = re.compile(r"\b(" + literal_alternation(heads) + r")(?![\w\-])")
        assert tree.pattern == rx.pattern  # what the loader builds
        for t in texts:
            assert [(m.span(1), m.group(1)) for m in tree.finditer(t)] == [(m.span(1), m.group(1)) for m in flat.finditer(t)]
    # a longer key that fails the lookahead gives way to the longest shorter one
    tree = re.compile(r"\b(" + literal_alternation(["image", "image classification", "image class"]) + r")(?![\w\-])")
    assert [m.group(1) for m in tree.finditer("image classification-based image classes image class")] == \
        ["image", "image", "image class"]



def test_coined_matches_equal_coined_regex_scan(dev_texts):
    """``coined_matches`` (the regex tried only at run starts with a later capital) returns what
    ``COINED_RX.finditer`` returns, lookbehind cases included."""
    from kgbuild.nlp.entities import COINED_RX, coined_matches

    edge = ["foo_Bar a-B aB A.B. x/AB @AB .AB AB- LoRA+ GPT-4o-mini_X ab.Cd e.g.BERT", "A", "aB", "", "-aB", "ÄBc dX"]
    for t in list(dev_texts) + TRICKY + edge:
        assert [(m.span(), m.span(1)) for m in coined_matches(t)] == \
            [(m.span(), m.span(1)) for m in COINED_RX.finditer(t)], t


def test_short_first_possessive_regex_equals_backtracking_one(dev_texts):
    """``_SHORT_FIRST`` uses possessive runs: same matches as the plain greedy regex."""
    import re

    from kgbuild.nlp.abbreviations import _SHORT_FIRST

    plain = re.compile(_SHORT_FIRST.pattern.replace("{1,9}+", "{1,9}").replace("{4,150}+", "{4,150}"))
    assert plain.pattern != _SHORT_FIRST.pattern
    edge = ["AB (Alpha Beta) ABCDEFGHIJKL (Alpha Beta Gamma) x-AB (Al Be) AB  (Alpha Beta) MASA (Matrix "
            "Atom Sharing in Attention)", "AB (" + "a" * 200 + ")"]
    for t in list(dev_texts) + TRICKY + edge:
        assert [m.span(1) + m.span(2) for m in _SHORT_FIRST.finditer(t)] == \
            [m.span(1) + m.span(2) for m in plain.finditer(t)], t
