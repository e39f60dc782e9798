"""Turn resolved extractions and canonical entities into graph rows (pure data, no I/O).

This module is the one owner of node labels, relationship types, node keys and relationship
identities (see the graph model in ``docs/architecture.md``). The stores only ever write labels
and types that appear in ``NODE_LABELS`` / ``REL_SCHEMA`` below, so no text from a paper or a user
can reach Cypher except as a parameter value.

Row shape (what a store UNWINDs):

* node row: ``{"key": <node key>, "props": {...}}`` -> ``MERGE (n:Label {key: row.key}) SET n += row.props``
* relationship row: ``{"start": <key>, "end": <key>, "props": {...}}`` -> ``MATCH`` both labelled
  endpoints, ``MERGE`` on the type's identity properties (``REL_IDENTITY``), ``SET r += row.props``.
  Endpoint keys live outside ``props`` because provenance itself has ``start``/``end`` offsets.

Every fact-bearing relationship carries provenance: ``paper_id``, ``sentence``, ``start``, ``end``,
``rule``. Output is deterministic: the same input gives identical rows in the same order.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Protocol

from .normalize import match_key, search_key
from .records import (
    CanonicalEntity,
    EntityLink,
    Evidence,
    Extraction,
    GraphRows,
)

# --------------------------------------------------------------------------- vocabulary
ENTITY_LABELS: tuple[str, ...] = ("Method", "Model", "Dataset", "Task", "Metric")
NODE_LABELS: tuple[str, ...] = ("Paper",) + ENTITY_LABELS + ("Result",)
AGENT_LABELS: tuple[str, ...] = ("Method", "Model")  # things that propose/compare/report

CLAIM_TYPES: dict[str, str] = {
    "outperforms": "OUTPERFORMS",
    "comparable": "COMPARABLE_TO",
    "underperforms": "UNDERPERFORMS",
}


def _rel_schema() -> dict[str, tuple[tuple[str, str], ...]]:
    agents = [(a, b) for a in AGENT_LABELS for b in AGENT_LABELS]
    schema: dict[str, tuple[tuple[str, str], ...]] = {
        "PROPOSES": tuple(("Paper", a) for a in AGENT_LABELS),
        "MENTIONS": tuple(("Paper", e) for e in ENTITY_LABELS),
        "REPORTS": (("Paper", "Result"),),
        "FOR": tuple(("Result", a) for a in AGENT_LABELS),
        "ON": (("Result", "Dataset"),),
        "MEASURED_BY": (("Result", "Metric"),),
        "EVALUATES_ON": tuple((a, "Dataset") for a in AGENT_LABELS),
        "VARIANT_OF": (("Model", "Model"), ("Method", "Method")),
        "PART_OF": (("Dataset", "Dataset"),),
    }
    for rtype in CLAIM_TYPES.values():
        schema[rtype] = tuple(agents)
    return schema


#: relationship type -> allowed (start_label, end_label) pairs
REL_SCHEMA: dict[str, tuple[tuple[str, str], ...]] = _rel_schema()

#: relationship type -> properties (besides the endpoints) that identify one relationship in MERGE
REL_IDENTITY: dict[str, tuple[str, ...]] = {rtype: () for rtype in REL_SCHEMA}
REL_IDENTITY["EVALUATES_ON"] = ("paper_id",)
for _rtype in CLAIM_TYPES.values():
    REL_IDENTITY[_rtype] = ("paper_id", "dataset_key", "start")

#: every property name that may appear in a row (the stores check identity names against it)
PROPERTY_NAMES: frozenset[str] = frozenset({
    "key", "id", "alias", "title", "short_title", "display", "abstract", "year", "url", "source", "name", "aliases", "search_keys",
    "papers", "paper_id", "value", "unit", "metric", "subject", "dataset", "dataset_key",
    "sentence", "start", "end", "rule", "count", "reason",
})


def rel_allowed(rtype: str, start_label: str, end_label: str) -> bool:
    """True when ``(rtype, start_label, end_label)`` is part of the fixed graph model."""
    return (start_label, end_label) in REL_SCHEMA.get(rtype, ())


class _ResolverLike(Protocol):
    def entities(self) -> list[CanonicalEntity]: ...

    def links(self) -> list[EntityLink]: ...


# --------------------------------------------------------------------------- helpers
def _provenance(paper_id: str, ev: Evidence) -> dict[str, Any]:
    return {"paper_id": paper_id, "sentence": ev.sentence, "start": ev.start, "end": ev.end,
            "rule": ev.rule}


def result_key(paper_id: str, subject: str | None, dataset: str | None, metric: str | None,
               value: float, unit: str | None, start: int) -> str:
    """The Result node key of the graph model: sha1 over the identifying fields, 16 hex chars.

    Fields are joined with the ASCII unit separator; ``None`` becomes the empty string and the
    value is written with ``repr(float)`` so 75.5 and 75.50 give the same key.
    """
    parts = [paper_id, subject or "", dataset or "", metric or "", repr(float(value)), unit or "",
             str(int(start))]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


SHORT_TITLE_MAX = 36


def short_title(title: str, paper_id: str = "") -> str:
    """A caption for a Paper node in Neo4j Browser: the name before a colon, else the title cut.

    "LoRA: Low-Rank Adaptation of Large Language Models" -> "LoRA"; a title without such a
    prefix is cut at a word boundary to ~36 characters with an ellipsis, so two papers do not
    both read "Effective…". Falls back to the paper id for an empty title.
    """
    text = " ".join((title or "").split())
    if not text:
        return paper_id
    head, sep, _ = text.partition(":")
    if sep and 0 < len(head.strip()) <= SHORT_TITLE_MAX:
        return head.strip()
    if len(text) <= SHORT_TITLE_MAX:
        return text
    cut = text[:SHORT_TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip(",;.-(")
    return (cut or text[:SHORT_TITLE_MAX]) + "\u2026"


def result_display(value: float, unit: str | None, metric: str | None) -> str:
    """A caption for a Result node: "value unit metric", e.g. "88.5% accuracy", "62 ms latency"."""
    number = f"{float(value):g}"
    if unit:
        number += unit if unit in ("%", "x", "\u00d7") else f" {unit}"
    return f"{number} {metric}".strip() if metric else number


def claim_display(rtype: str, dataset: str | None) -> str:
    """A caption for a claim edge: "outperforms · GLUE" (Browser captions cannot join type and property)."""
    words = rtype.lower().replace("_", " ")
    return f"{words} \u00b7 {dataset}" if dataset else words


class _Builder:
    """Accumulates rows with de-duplication on node key / relationship identity."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {}
        self.rels: dict[tuple[str, str, str], dict[tuple, dict[str, Any]]] = {}

    def node(self, label: str, key: str, props: dict[str, Any], *, merge: bool = False) -> None:
        bucket = self.nodes.setdefault(label, {})
        if key in bucket and merge:
            return  # a stub never overwrites a fuller row built earlier in this batch
        bucket[key] = {"key": key, "props": props}

    def rel(self, rtype: str, start_label: str, start: str, end_label: str, end: str,
            props: dict[str, Any]) -> tuple:
        """Add a relationship unless one with the same identity exists; return the identity."""
        if not rel_allowed(rtype, start_label, end_label):  # pragma: no cover - programming error
            raise ValueError(f"{rtype} {start_label}->{end_label} is not in the graph model")
        ident = (start, end) + tuple(props.get(p) for p in REL_IDENTITY[rtype])
        bucket = self.rels.setdefault((rtype, start_label, end_label), {})
        old = bucket.get(ident)
        if old is None or _earlier(props, old["props"]):
            bucket[ident] = {"start": start, "end": end, "props": props}
        return ident

    def rows(self) -> GraphRows:
        out = GraphRows()
        for label in sorted(self.nodes):
            out.nodes[label] = [self.nodes[label][k] for k in sorted(self.nodes[label])]
        for rkey in sorted(self.rels):
            bucket = self.rels[rkey]
            out.rels[rkey] = [bucket[i] for i in sorted(bucket, key=_ident_sort)]
        return out


def _ident_sort(ident: tuple) -> tuple:
    return tuple(("" if v is None else str(v)) if not isinstance(v, int) else f"{v:012d}" for v in ident)


def _earlier(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Keep the first evidence in the text (then the smallest rule id) for merged facts."""
    return (new.get("start", 0), new.get("rule", "")) < (old.get("start", 0), old.get("rule", ""))


class _Types:
    """Entity types of one extraction (plus corpus-wide types from a resolver, when given)."""

    def __init__(self, extraction: Extraction, corpus: dict[str, set[str]] | None) -> None:
        self.by_key: dict[str, set[str]] = {}
        for ent in extraction.entities:
            if ent.type in ENTITY_LABELS:
                self.by_key.setdefault(match_key(ent.name), set()).add(ent.type)
        self.corpus = corpus or {}

    def pick(self, name: str, preferred: tuple[str, ...], default: str | None) -> str | None:
        """The label for ``name`` among ``preferred`` (paper entities first, then the corpus)."""
        key = match_key(name)
        for source in (self.by_key, self.corpus):
            types = source.get(key, set())
            for label in preferred:
                if label in types:
                    return label
        return default


def _corpus_types(resolver: _ResolverLike | None) -> dict[str, set[str]] | None:
    if resolver is None:
        return None
    out: dict[str, set[str]] = {}
    for ent in resolver.entities():
        out.setdefault(ent.key, set()).add(ent.type)
    return out


# --------------------------------------------------------------------------- public
def to_rows(extractions: Iterable[Extraction], resolver: _ResolverLike | None = None) -> GraphRows:
    """Per-paper facts of (resolved) extractions as graph rows.

    Names are canonical already (the resolver ran), so a node key is ``match_key(name)``. Entity
    nodes are emitted here as stubs with ``name`` only, so that relationships always find their
    endpoints; ``entity_rows`` adds aliases, search keys and paper counts. A name used in a result
    or claim that is not among the paper's entities is typed from the ``resolver`` when one is
    given, else subject/object -> Method and dataset -> Dataset; a metric that is not a Metric
    entity stays only the Result's ``metric`` property (it is often a quantity such as
    "trainable parameters").
    """
    corpus = _corpus_types(resolver)
    b = _Builder()
    for ex in extractions:
        _paper_rows(b, ex, _Types(ex, corpus))
    return b.rows()


def _stub(b: _Builder, label: str, name: str) -> str:
    key = match_key(name)
    b.node(label, key, {"name": name}, merge=True)
    return key


def _paper_rows(b: _Builder, ex: Extraction, types: _Types) -> None:
    paper = ex.paper
    pid = paper.id
    b.node("Paper", pid, {"id": pid, "title": paper.title, "abstract": paper.abstract,
                          "year": paper.year, "url": paper.url, "source": paper.source,
                          "alias": paper.alias, "short_title": short_title(paper.title, pid)})

    # MENTIONS: one per (paper, entity) with the mention count and the first mention's evidence
    for ent in ex.entities:
        if ent.type not in ENTITY_LABELS or not match_key(ent.name):
            continue
        key = _stub(b, ent.type, ent.name)
        mentions = sorted(ent.mentions, key=lambda m: (m.evidence.start, m.evidence.rule))
        props = ({**_provenance(pid, mentions[0].evidence)} if mentions
                 else {"paper_id": pid, "sentence": "", "start": -1, "end": -1, "rule": "entity:listed"})
        # the same entity listed twice in one paper: counts add up, the earlier evidence wins
        previous = b.rels.get(("MENTIONS", "Paper", ent.type), {}).get((pid, key))
        count = len(ent.mentions) + (previous["props"]["count"] if previous else 0)
        ident = b.rel("MENTIONS", "Paper", pid, ent.type, key, {**props, "count": count})
        b.rels[("MENTIONS", "Paper", ent.type)][ident]["props"]["count"] = count

    for prop in ex.proposes:
        if not match_key(prop.name):
            continue
        label = types.pick(prop.name, AGENT_LABELS, "Method")
        key = _stub(b, label, prop.name)
        b.rel("PROPOSES", "Paper", pid, label, key, _provenance(pid, prop.evidence))

    for res in ex.results:
        prov = _provenance(pid, res.evidence)
        rkey = result_key(pid, res.subject, res.dataset, res.metric, res.value, res.unit,
                          res.evidence.start)
        b.node("Result", rkey, {**prov, "value": float(res.value), "unit": res.unit,
                                "display": result_display(res.value, res.unit, res.metric),
                                "metric": res.metric, "subject": res.subject, "dataset": res.dataset})
        b.rel("REPORTS", "Paper", pid, "Result", rkey, dict(prov))
        subj_label = subj_key = None
        if res.subject and match_key(res.subject):
            subj_label = types.pick(res.subject, AGENT_LABELS, "Method")
            subj_key = _stub(b, subj_label, res.subject)
            b.rel("FOR", "Result", rkey, subj_label, subj_key, dict(prov))
        if res.dataset and match_key(res.dataset):
            dkey = _stub(b, "Dataset", res.dataset)
            b.rel("ON", "Result", rkey, "Dataset", dkey, dict(prov))
            if subj_key:
                b.rel("EVALUATES_ON", subj_label, subj_key, "Dataset", dkey, dict(prov))
        if res.metric and types.pick(res.metric, ("Metric",), None):
            mkey = _stub(b, "Metric", res.metric)
            b.rel("MEASURED_BY", "Result", rkey, "Metric", mkey, dict(prov))

    for cmp_ in ex.comparisons:
        rtype = CLAIM_TYPES.get(cmp_.relation)
        if rtype is None or not match_key(cmp_.subject) or not match_key(cmp_.object):
            continue
        s_label = types.pick(cmp_.subject, AGENT_LABELS, "Method")
        o_label = types.pick(cmp_.object, AGENT_LABELS, "Method")
        s_key = _stub(b, s_label, cmp_.subject)
        o_key = _stub(b, o_label, cmp_.object)
        prov = _provenance(pid, cmp_.evidence)
        dataset = cmp_.dataset if cmp_.dataset and match_key(cmp_.dataset) else None
        dkey = _stub(b, "Dataset", dataset) if dataset else ""
        b.rel(rtype, s_label, s_key, o_label, o_key, {**prov, "dataset": dataset, "dataset_key": dkey,
                                                      "display": claim_display(rtype, dataset)})
        if dataset:
            b.rel("EVALUATES_ON", s_label, s_key, "Dataset", dkey, dict(prov))


def entity_rows(entities: Iterable[CanonicalEntity] | _ResolverLike,
                links: Iterable[EntityLink] | None = None) -> GraphRows:
    """Canonical entity nodes (name, aliases, search_keys, papers) and VARIANT_OF / PART_OF links.

    Accepts either the entities and links, or a resolver (anything with ``entities()`` and
    ``links()``). A link's endpoints are canonical keys without a type, so its label is the first
    of the link kind's allowed labels under which both keys exist (Model before Method).
    """
    if links is None and hasattr(entities, "entities") and hasattr(entities, "links"):
        resolver = entities
        entities, links = resolver.entities(), resolver.links()  # type: ignore[union-attr]
    b = _Builder()
    keys_by_label: dict[str, set[str]] = {}
    for ent in entities:  # type: ignore[union-attr]
        if ent.type not in ENTITY_LABELS:
            continue
        key = ent.key or match_key(ent.name)
        aliases = sorted({a for a in ent.aliases if a and a != ent.name})
        skeys = sorted({search_key(s) for s in [ent.name, *aliases] if search_key(s)})
        b.node(ent.type, key, {"name": ent.name, "aliases": aliases, "search_keys": skeys,
                               "papers": int(ent.papers)})
        keys_by_label.setdefault(ent.type, set()).add(key)
    for link in links or ():
        if link.kind not in ("VARIANT_OF", "PART_OF"):
            continue
        for start_label, end_label in REL_SCHEMA[link.kind]:
            if (link.source in keys_by_label.get(start_label, ())
                    and link.target in keys_by_label.get(end_label, ())):
                b.rel(link.kind, start_label, link.source, end_label, link.target,
                      {"reason": link.reason})
                break
    return b.rows()
