"""The spaCy pipeline: blank English + rule components, no statistical model.

``build_nlp()`` is the one way to get it. Pipe order and what each component writes:

1. ``sentencizer`` (rule-based; abbreviations such as "et al.", "Fig.", "e.g." are single tokens,
   so they never end a sentence) and ``kgbuild_title_break`` (the title is its own sentence) -
   ``token.is_sent_start``.
2. ``kgbuild_abbreviations`` - ``doc.spans["abbreviations"]`` (Schwartz & Hearst).
3. ``kgbuild_lexicon`` - ``doc.spans["entity_candidates"]`` (lexicon matches, may overlap).
4. ``kgbuild_entity_patterns`` - ``doc.spans["entities"]`` (final, non-overlapping).
4b. ``kgbuild_sentences`` - re-joins sentence pieces split after an abbreviation or before a
   lower-case start (``text.py``): from here on ``doc.sents`` is the one segmentation.
5. ``kgbuild_numbers`` (``kgbuild.nlp.numbers``) and ``kgbuild_cues`` (``kgbuild.nlp.claims``).

``extract.doc_to_extraction`` turns the spans into records.
"""
from __future__ import annotations

from pathlib import Path

import numpy
import spacy
from spacy.attrs import IS_PUNCT, ORTH as ORTH_ATTR, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.symbols import ORTH
from spacy.tokens import Doc

from . import abbreviations as _abbreviations  # noqa: F401  (registers the factory)
from . import entities as _entities  # noqa: F401  (registers the factories)
from . import text as _text  # noqa: F401  (registers kgbuild_sentences)

# Abbreviations that must stay one token so the sentencizer does not split after them.
_SPECIAL_CASES = ("et al.", "al.", "Fig.", "Figs.", "fig.", "Eq.", "Eqs.", "Sec.", "Tab.", "approx.", "resp.",
                  "cf.", "vs.", "e.g.", "i.e.", "etc.", "Ref.", "w.r.t.", "a.k.a.")


def _tune_tokenizer(nlp: Language) -> None:
    """Keep "et al." / "Fig." whole, split a sentence-final period after sizes ("7B/13B.") and a
    parenthesis glued to the previous word."""
    for case in _SPECIAL_CASES:
        if " " in case:
            continue
        nlp.tokenizer.add_special_case(case, [{ORTH: case}])
    suffixes = list(nlp.Defaults.suffixes) + [r"(?<=[0-9][A-Za-z])\."]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    # "PMSS(Pre-trained ...)", "reasoning(+12.89%": an opening parenthesis glued to a word
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[A-Za-z0-9])\((?=[A-Za-z+\-0-9])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer


# Keys under which the rule components cache ``doc.text`` (abbreviations/entities, claims).
_TEXT_KEYS = ("kgbuild_text", "kgbuild_claims_text")


# spaCy's chunk cache holds at most this many whitespace chunks (default 10,000, smaller than the
# chunk vocabulary of a few hundred abstracts); a few hundred bytes each.
TOKENIZER_CACHE_SIZE = 1_000_000


class TextKeepingTokenizer:
    """The pipeline's tokenizer, also keeping the input text in ``doc.user_data`` and working
    around spaCy issue #13950 so its chunk cache actually fills.

    Why the text: ``Doc.text`` rebuilds the string from every token on each access, and each rule
    component needs the whole text for its regexes; profiling showed that rebuild costing about
    a fifth of the pipeline. The tokenizer has the text already (spaCy guarantees
    ``doc.text == text``), so it stores it under the keys the components read.

    Why the warming: inside one ``Tokenizer.__call__`` spaCy never resets its ``has_special`` flag,
    so after the first special case of a text ("e.g.", "vs.", "n't") no later chunk of that text
    is cached, and nearly every abstract has one: the cache stayed almost empty and the tokenizer
    ran its affix regexes on every chunk of every abstract (about 10x slower than with a working
    cache). Each whitespace chunk not seen before is tokenized alone once (which caches it unless
    it is itself special); the cache is keyed by the exact chunk string, so the tokens are
    unchanged (``tests/test_speed_invariants.py`` checks this against ``spacy.blank("en")``).
    Everything else (special cases, ``pipe``, serialisation) is delegated to the wrapped tokenizer.
    """

    def __init__(self, tokenizer, *, cache_size: int = TOKENIZER_CACHE_SIZE):
        self.tokenizer = tokenizer
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, cache_size)
        self._seen: set[str] = set()
        self._seen_limit = cache_size

    def __call__(self, text: str) -> Doc:
        new = set(text.split()).difference(self._seen)  # (difference_update would walk all of _seen)
        if new:
            if len(self._seen) + len(new) > self._seen_limit:  # the cache is full: stop warming it
                self._seen.clear()
            self._seen.update(new)
            tokenize = self.tokenizer
            for chunk in new:
                tokenize(chunk)
        doc = self.tokenizer(text)
        for key in _TEXT_KEYS:
            doc.user_data[key] = text
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


class FastSentencizer:
    """spaCy's rule ``Sentencizer`` with the same decisions, without a Token object per token.

    Why: the stock component iterates ``Doc`` (a Python Token per token) and sets every token's
    ``is_sent_start`` through a Python loop; profiling showed it among the largest costs after
    the tokenizer. This reads ORTH and IS_PUNCT with ``Doc.to_array`` and writes SENT_START
    with ``Doc.from_array``. The rule is spaCy's: a sentence starts at the first token after a
    sentence-final character (``Sentencizer.default_punct_chars``) that is neither punctuation
    nor sentence-final itself; every token gets 1 (start) or -1 (inside). A doc that already
    has sentence boundaries is handed to the stock sentencizer, which keeps them.
    ``tests/test_speed_invariants.py`` checks the boundaries equal the stock ones on seed papers.
    """

    def __init__(self, nlp: Language, name: str = "sentencizer"):
        self.name = name
        self.stock = Sentencizer(name=name)
        strings = nlp.vocab.strings
        self.punct_orths = frozenset(strings.add(c) for c in self.stock.punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0 or doc.has_annotation("SENT_START"):
            return self.stock(doc)
        arr = doc.to_array([ORTH_ATTR, IS_PUNCT])
        orths, is_punct = arr[:, 0].tolist(), arr[:, 1].tolist()
        final = self.punct_orths
        values = [-1] * n
        values[0] = 1
        seen_period = False
        for i, orth in enumerate(orths):
            if orth in final:
                seen_period = True
            elif seen_period and not is_punct[i]:
                values[i] = 1  # first word after a sentence-final character
                seen_period = False
        doc.from_array([SENT_START], numpy.array(values, dtype="int64").astype("uint64").reshape(n, 1))
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


@Language.factory("kgbuild_sentencizer", assigns=["token.is_sent_start", "doc.sents"])
def make_fast_sentencizer(nlp: Language, name: str) -> FastSentencizer:
    return FastSentencizer(nlp, name)


@Language.component("kgbuild_title_break")
def title_break(doc: Doc) -> Doc:
    """Start a sentence after the title line: ``Paper.text`` is "title\\nabstract" and a title has
    no final period, so the rule sentencizer would glue it to the first abstract sentence."""
    nl = _abbreviations.doc_text(doc).find("\n")
    if nl >= 0:
        tok = doc.char_span(nl, nl + 1, alignment_mode="expand")
        if tok is not None and tok.end < len(doc):
            doc[tok.end].is_sent_start = True
    return doc


def build_nlp(*, lexicon_dir: str | Path | None = None, pattern_dir: str | Path | None = None) -> Language:
    """Blank English pipeline with kgbuild's rule components (see module docstring).

    ``lexicon_dir`` / ``pattern_dir`` replace the bundled ``nlp/lexicons`` / ``nlp/patterns``
    data (tests use tiny fixtures). Raises ``ExtractError`` if the data cannot be loaded.
    """
    nlp = spacy.blank("en")
    _tune_tokenizer(nlp)
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    nlp.add_pipe("kgbuild_sentencizer", name="sentencizer")
    nlp.add_pipe("kgbuild_title_break")
    nlp.add_pipe("kgbuild_abbreviations")
    nlp.add_pipe("kgbuild_lexicon", config={"lexicon_dir": str(lexicon_dir) if lexicon_dir else None})
    nlp.add_pipe("kgbuild_entity_patterns", config={"pattern_dir": str(pattern_dir) if pattern_dir else None})
    nlp.add_pipe("kgbuild_sentences")  # one segmentation: doc.sents == the claims' sentences
    try:
        from . import claims, numbers  # noqa: F401  (register kgbuild_cues / kgbuild_numbers)
    except ImportError:  # pragma: no cover - the claims module is optional for entity work
        return nlp
    for factory in ("kgbuild_numbers", "kgbuild_cues"):
        if factory not in Language.factories:  # pragma: no cover
            continue
        accepts_dir = "pattern_dir" in (Language.get_factory_meta(factory).default_config or {})
        config = {"pattern_dir": str(pattern_dir)} if pattern_dir is not None and accepts_dir else {}
        nlp.add_pipe(factory, config=config)
    return nlp


__all__ = ["build_nlp"]
