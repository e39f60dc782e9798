"""Turn an annotated Doc into an ``Extraction`` record (pure functions over ``doc.spans``).

``extract_papers`` streams papers through ``nlp.pipe`` and yields one ``Extraction`` per paper;
``doc_to_extraction`` does the per-paper grouping:

* entity spans (``doc.spans["entities"]``) are grouped into one ``Entity`` per real thing: by the
  canonical key (lexicon name, or the acronym an in-text definition links both forms to, or the
  surface form), so "Low-Rank Adaptation (LoRA)" and later "LoRA" are one entity;
* ``name`` is the most standard form that appears in the text (lexicon name, else the defined
  acronym, else the most frequent surface), ``aliases`` the other surface forms (deduplicated by
  ``match_key``), ``mentions`` carry ``Evidence`` with char offsets into ``paper.text``;
* proposes / results / comparisons come from ``kgbuild.nlp.claims`` when it is available.

The resolver (``resolve.py``) merges entities across papers afterwards.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from itertools import islice
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from .errors import ExtractError
from .nlp.abbreviations import doc_text
from .nlp.text import sentences
from .normalize import match_key
from .read import EXTRACT_FAILED
from .records import Entity, Evidence, Extraction, Mention, Paper, Reject

try:  # written in parallel by the claims helper; entities work without it
    from .nlp import claims as _claims
except ImportError:  # pragma: no cover - depends on the checkout
    _claims = None

ENTITY_KEY = "entities"
ABBREVIATIONS_KEY = "abbreviations"
# Which rule decides an entity's type when mentions disagree (lower = stronger): an in-text
# definition, then the lexicon, then what the title / a proposal sentence says, then name shapes.
_TYPE_AUTHORITY = {"pattern:acronym-def": -1, "lexicon": 0, "pattern:title-prefix": 1, "context:proposal": 2,
                   "context:cue-word": 2, "context:coined-mention": 3, "pattern:versioned-name": 4,
                   "pattern:sized-name": 4, "pattern:suffix-shape": 5,
                   "pattern:title-case-name": 5}


class SpanView(NamedTuple):
    """The attributes of an entity span that grouping and evidence read, copied out once.

    Why: every ``Span.text`` / ``Span.label_`` access goes back to the Doc (``Span.text`` builds
    a Token per token), and the grouping below reads each several times; profiling showed
    those accesses dominating ``spans_to_entities``. The functions here accept Spans or views
    (same attribute names)."""

    text: str
    kb_id_: str
    label_: str
    id_: str
    start_char: int
    end_char: int


def span_views(spans: Iterable[Span], text: str) -> list[SpanView]:
    """``SpanView`` of each span; ``text`` is the doc's text (a span's text is its slice)."""
    out = []
    for s in spans:
        a, b = s.start_char, s.end_char
        out.append(SpanView(text[a:b], s.kb_id_, s.label_, s.id_, a, b))
    return out


class _Sentences:
    """Sentence texts of a doc, looked up by character offset (computed once per doc)."""

    def __init__(self, doc: Doc, text: str):
        if doc.has_annotation("SENT_START"):
            # the one segmentation (``doc.sents`` is aligned to it), as char ranges already
            # computed for the claims: iterating ``doc.sents`` builds a Span and Tokens per sentence
            sents = sentences(doc)
        else:
            sents = [(0, len(text))]
        self.starts = [a for a, _ in sents]
        self.spans = sents
        self.text = text

    def of(self, span: Span | SpanView) -> str:
        a, b = self.spans[bisect_right(self.starts, span.start_char) - 1]
        return self.text[a:b].strip()


@lru_cache(maxsize=65536)  # names repeat across mentions and papers
def _key(text: str) -> str:
    """``match_key`` that keeps a trailing "+" ("LoRA+" and "LoRA" are two methods)."""
    return match_key(text) + "+" * (len(text) - len(text.rstrip("+")))


@lru_cache(maxsize=1024)  # a handful of rule ids, asked twice per mention
def _authority(rule: str) -> int:
    return _TYPE_AUTHORITY.get(rule, _TYPE_AUTHORITY.get(rule.split(":", 1)[0], 6))


def group_entity_spans(spans: Iterable[Span]) -> list[list[Span]]:
    """Group spans naming one thing, in first-mention order.

    Key: ``match_key`` of ``kb_id_`` (canonical) when set, else of the surface text. Spans of
    different types with the same key are one thing too (one type per entity, decided later).
    """
    groups: dict[str, list[Span]] = {}
    alias_to_key: dict[str, str] = {}
    for s in spans:
        canon = _key(s.kb_id_ or s.text)
        surf = _key(s.text)
        if not canon:
            continue
        shared_surface = "/" in s.text and canon != surf  # "LLaMA2-7B/13B" names two checkpoints
        key = alias_to_key.get(canon) or (None if shared_surface else alias_to_key.get(surf)) or canon
        groups.setdefault(key, []).append(s)
        alias_to_key.setdefault(canon, key)
        if not shared_surface:
            alias_to_key.setdefault(surf, key)
    return list(groups.values())


def choose_type(spans: list[Span]) -> str:
    """The type given by the most authoritative rule; ties broken by majority, then first."""
    authority = [_authority(s.id_) for s in spans]
    best = min(authority)
    labels = Counter(s.label_ for s, a in zip(spans, authority) if a == best)
    top = max(labels.values())
    for s, a in zip(spans, authority):
        if a == best and labels[s.label_] == top:
            return s.label_
    return spans[0].label_  # pragma: no cover


def choose_name(spans: list[Span], defined: frozenset[str] = frozenset()) -> str:
    """Most standard form written in the text: an acronym the paper defines and uses ("GNNs" of
    "Graph Neural Networks (GNNs)", as the annotation guideline prefers), else the canonical
    (lexicon) name if written, else a checkpoint name built from the text, else the most
    frequent surface."""
    surfaces = [s.text for s in spans]
    for t in surfaces:
        if t in defined:
            return t
    by_key: dict[str, str] = {}
    for t in surfaces:
        by_key.setdefault(_key(t), t)
    for s in spans:
        if s.kb_id_ and _key(s.kb_id_) in by_key:
            k = _key(s.kb_id_)
            # prefer the exact canonical spelling when the text matches it modulo case/punctuation
            return s.kb_id_ if s.id_.startswith("lexicon") else by_key[k]
    for s in spans:
        if s.kb_id_ and s.id_ in ("pattern:versioned-name", "pattern:sized-name"):
            return s.kb_id_  # a checkpoint name built from the text ("LLaMA2-13B" of "LLaMA2-7B/13B")
    counts = Counter(surfaces)
    top = max(counts.values())
    for t in surfaces:
        if counts[t] == top:
            return t
    return surfaces[0]  # pragma: no cover


_SIZE_LIST = re.compile(r"^(.*?[-\s])(\d+(?:\.\d+)?[BM])((?:/\d+(?:\.\d+)?[BM])+)$")


def split_size_lists(spans: Iterable[Span]) -> list[Span]:
    """"LLaMA2-7B/13B" names two checkpoints: one span per size (same tokens, own kb_id)."""
    out = []
    for s in spans:
        m = _SIZE_LIST.match(s.kb_id_ or s.text) if "/" in s.text and s.label_ == "Model" else None
        if m is None:
            out.append(s)
            continue
        for size in [m.group(2), *m.group(3).strip("/").split("/")]:
            if isinstance(s, SpanView):
                out.append(s._replace(kb_id_=m.group(1) + size))
            else:
                out.append(Span(s.doc, s.start, s.end, label=s.label_, kb_id=m.group(1) + size, span_id=s.id_))
    return out


def spans_to_entities(doc: Doc, spans: Iterable[Span], offset: int = 0) -> list[Entity]:
    """One ``Entity`` per group of spans; mentions keep evidence (sentence, offsets, rule)."""
    entities = []
    text = doc_text(doc)
    sentences = _Sentences(doc, text)
    defined = frozenset(text[s.start_char:s.end_char] for s in doc.spans[ABBREVIATIONS_KEY]) \
        if ABBREVIATIONS_KEY in doc.spans else frozenset()
    for group in group_entity_spans(split_size_lists(span_views(spans, text))):
        name = choose_name(group, defined)
        etype = choose_type(group)
        seen = {_key(name)}
        aliases = []
        for s in group:
            k = _key(s.text)
            if k not in seen:
                seen.add(k)
                aliases.append(s.text)
        mentions = [
            Mention(text=s.text, evidence=Evidence(sentence=sentences.of(s), start=s.start_char + offset,
                                                    end=s.end_char + offset, rule=s.id_))
            for s in group
        ]
        entities.append(Entity(type=etype, name=name, aliases=aliases, mentions=mentions))
    return entities


def doc_to_extraction(doc: Doc, paper: Paper) -> Extraction:
    """The ``Extraction`` for ``paper`` from its processed ``doc`` (``doc.text == paper.text``)."""
    if doc_text(doc) != paper.text:
        raise ExtractError(f"Doc text does not match paper {paper.id} (offsets would be wrong)")
    spans = list(doc.spans[ENTITY_KEY]) if ENTITY_KEY in doc.spans else []
    entities = spans_to_entities(doc, spans)
    ext = Extraction(paper=paper, entities=entities)
    if _claims is not None:
        ext.proposes = list(_claims.find_proposes(doc, entities))
        _add_proposed_entities(ext, doc)
        proposed = [p.name for p in ext.proposes]
        ext.results = list(_claims.find_results(doc, entities, proposed))
        ext.comparisons = list(_claims.find_comparisons(doc, entities, proposed))
    return ext


def _add_proposed_entities(ext: Extraction, doc: Doc) -> None:
    """A proposal whose name no entity rule found (read from the proposal's shape: "introduces
    Knowledge Consultation (SegKC)") becomes a Method entity, its long form an alias, with one
    mention per occurrence of the name (rule: the proposal's rule)."""
    known = {_key(n) for e in ext.entities for n in (e.name, *e.aliases)}
    text = doc_text(doc)
    sentences = None
    for p in ext.proposes:
        if _key(p.name) in known:
            continue
        if sentences is None:
            sentences = _Sentences(doc, text)
        known.add(_key(p.name))
        long_form = re.search(r"((?:[A-Z][\w'-]*\s+)(?:(?:[A-Z][\w'-]*|&|of|for|and|with|in|on|to)\s+){0,6}?"
                              r"[A-Z][\w'-]*)\s*\(\s*" + re.escape(p.name) + r"\s*\)", p.evidence.sentence)
        mentions = [Mention(text=p.name, evidence=Evidence(sentence=sentences.of(SpanView(p.name, "", "Method", "", m.start(), m.end())),
                                                           start=m.start(), end=m.end(), rule=p.evidence.rule))
                    for m in re.finditer(r"(?<![\w-])" + re.escape(p.name) + r"(?![\w-])", text)]
        ext.entities.append(Entity(type="Method", name=p.name,
                                   aliases=[long_form.group(1)] if long_form else [], mentions=mentions))


def extract_papers(papers: Iterable[Paper], *, nlp: Language | None = None, batch_size: int = 256,
                   n_process: int = 1) -> Iterator[Extraction]:
    """Stream ``Extraction`` records for ``papers`` (lazy; one pass; order preserved)."""
    if nlp is None:
        from .nlp import build_nlp

        nlp = build_nlp()
    stream = ((p.text, p) for p in papers)
    for doc, paper in nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield doc_to_extraction(doc, paper)


def extract_isolated(papers: Iterable, *, rejects: list[Reject], nlp=None,
                      batch_size: int = 256) -> Iterator[Extraction]:
    """``extract.extract_papers``, but a paper that makes extraction raise costs that paper only.

    Papers go through in batches as usual; a batch that raises is redone one paper at a time and
    each paper that still fails becomes ``Reject(file, line, "extraction failed: ...")``. The
    reader's limits keep the known bad inputs out; this is the net for unknown ones.
    """
    it = iter(papers)
    while True:
        chunk = list(islice(it, batch_size))
        if not chunk:
            return
        if nlp is None:  # build the pipeline once, not once per batch
            from .nlp import build_nlp

            nlp = build_nlp()
        try:
            done = list(extract_papers(chunk, nlp=nlp, batch_size=batch_size))
        except Exception:  # noqa: BLE001 - isolated below, paper by paper
            done = []
            for paper in chunk:
                try:
                    done.extend(extract_papers([paper], nlp=nlp, batch_size=1))
                except Exception as exc:  # noqa: BLE001 - becomes this paper's reject
                    detail = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:160]
                    rejects.append(Reject(paper.source, paper.line, f"{EXTRACT_FAILED}: {detail}",
                                          paper.title[:80]))
        yield from done


__all__ = ["doc_to_extraction", "extract_isolated", "extract_papers", "spans_to_entities", "group_entity_spans"]
