"""The spaCy pipeline: blank English + rule components, no statistical model.

``build_nlp()`` is the one way to get it. Pipe order and what each component writes:

1. ``sentencizer`` (rule-based; abbreviations such as "et al.", "Fig.", "e.g." are single tokens,
   so they never end a sentence) and ``kgbuild_title_break`` (the title is its own sentence) -
   ``token.is_sent_start``.
2. ``kgbuild_abbreviations`` - ``doc.spans["abbreviations"]`` (Schwartz & Hearst).
3. ``kgbuild_lexicon`` - ``doc.spans["entity_candidates"]`` (lexicon matches, may overlap).
4. ``kgbuild_entity_patterns`` - ``doc.spans["entities"]`` (final, non-overlapping).
5. ``kgbuild_numbers`` and ``kgbuild_cues`` from ``kgbuild.nlp.claims`` when that module exists.

``extract.doc_to_extraction`` turns the spans into records.
"""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

from . import abbreviations as _abbreviations  # noqa: F401  (registers the factory)
from . import entities as _entities  # noqa: F401  (registers the factories)

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


class TextKeepingTokenizer:
    """The pipeline's tokenizer, also keeping the input text in ``doc.user_data``.

    Why: ``Doc.text`` rebuilds the string from every token on each access, and each rule
    component needs the whole text for its regexes; profiling showed that rebuild costing about
    a fifth of the pipeline. The tokenizer has the text already (spaCy guarantees
    ``doc.text == text``), so it stores it under the keys the components read. Everything else
    (special cases, ``pipe``, serialisation) is delegated to the wrapped spaCy tokenizer.
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        for key in _TEXT_KEYS:
            doc.user_data[key] = text
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


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
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgbuild_title_break")
    nlp.add_pipe("kgbuild_abbreviations")
    nlp.add_pipe("kgbuild_lexicon", config={"lexicon_dir": str(lexicon_dir) if lexicon_dir else None})
    nlp.add_pipe("kgbuild_entity_patterns", config={"pattern_dir": str(pattern_dir) if pattern_dir else None})
    try:
        from . import claims  # noqa: F401  (registers kgbuild_numbers / kgbuild_cues)
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
