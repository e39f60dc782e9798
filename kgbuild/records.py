"""Every record that crosses a stage boundary, in one module.

Data flows one way::

    read.py     -> Paper, Reject
    extract.py  -> Extraction (Entity, Result, Comparison, Proposal, each with Evidence)
    resolve.py  -> Resolution (CanonicalEntity, EntityLink) + resolved Extraction records
    rows.py     -> GraphRows (NodeRows / RelRows: plain dicts ready for UNWIND $rows)
    stores/     -> WriteStats

Offsets: every ``Evidence`` gives character offsets into ``Paper.text`` (the title, a newline,
then the abstract), so both the "Name:" title prefix and abstract sentences are addressable.
``sentence`` is the full sentence the fact came from, ``start``/``end`` the span of the fact itself.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

EntityType = Literal["Method", "Model", "Dataset", "Task", "Metric"]
ENTITY_TYPES: tuple[str, ...] = ("Method", "Model", "Dataset", "Task", "Metric")
Relation = Literal["outperforms", "comparable", "underperforms"]
RELATIONS: tuple[str, ...] = ("outperforms", "comparable", "underperforms")


# --------------------------------------------------------------------------- read
@dataclass(frozen=True)
class Paper:
    """One paper as read from an input file (see ``read.read_papers``)."""

    id: str
    title: str
    abstract: str
    year: int | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    source: str = ""  # file the paper came from
    line: int = 0  # 1-based line of the record (title line for the seed format)
    alias: str | None = None  # positional ``seed-NNNN`` of the bundled corpus (gold files, docs); never a key

    @property
    def text(self) -> str:
        """The text extraction runs on and evidence offsets point into."""
        return f"{self.title}\n{self.abstract}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["authors"] = list(self.authors)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Paper":
        return cls(
            id=d["id"], title=d["title"], abstract=d["abstract"], year=d.get("year"),
            url=d.get("url"), authors=tuple(d.get("authors") or ()), source=d.get("source", ""),
            line=d.get("line", 0), alias=d.get("alias"),
        )


@dataclass(frozen=True)
class Reject:
    """A record that was not read, and why. Written to the rejects report, counted in the summary."""

    file: str
    line: int
    reason: str
    snippet: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- extract
@dataclass(frozen=True)
class Evidence:
    """Where a fact came from: the sentence, the fact's char offsets in ``Paper.text``, the rule.

    ``decisions`` is the chain of rule ids that made a claim (cue, subject, objects, dataset:
    ``("cue:on-par-or-better", "subject:self-reference", "object:coordination")``); ``rule`` is
    then the same chain joined by " + ", so every consumer of ``rule`` (graph rows, explain) sees
    it. Entity mentions have a single rule and no chain."""

    sentence: str
    start: int
    end: int
    rule: str
    decisions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"sentence": self.sentence, "start": self.start, "end": self.end, "rule": self.rule}
        if self.decisions:
            d["decisions"] = list(self.decisions)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Evidence":
        return cls(sentence=d["sentence"], start=int(d["start"]), end=int(d["end"]), rule=d["rule"],
                   decisions=tuple(d.get("decisions") or ()))


@dataclass
class Mention:
    """One occurrence of an entity name in the text."""

    text: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Mention":
        return cls(text=d["text"], evidence=Evidence.from_dict(d["evidence"]))


@dataclass
class Entity:
    """A named thing in one paper. ``name`` is the most standard surface form; ``aliases`` the others."""

    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "aliases": list(self.aliases),
                "mentions": [m.to_dict() for m in self.mentions]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Entity":
        return cls(type=d["type"], name=d["name"], aliases=list(d.get("aliases", [])),
                   mentions=[Mention.from_dict(m) for m in d.get("mentions", [])])


@dataclass
class Proposal:
    """The paper introduces ``name`` (a Method or Model) as its own contribution."""

    name: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Proposal":
        return cls(name=d["name"], evidence=Evidence.from_dict(d["evidence"]))


@dataclass
class Result:
    """A number the abstract reports for a subject (see the schema's ``results``)."""

    subject: str | None
    dataset: str | None
    metric: str | None
    value: float
    unit: str | None
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "dataset": self.dataset, "metric": self.metric,
                "value": self.value, "unit": self.unit, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Result":
        return cls(subject=d.get("subject"), dataset=d.get("dataset"), metric=d.get("metric"),
                   value=float(d["value"]), unit=d.get("unit"), evidence=Evidence.from_dict(d["evidence"]))


@dataclass
class Comparison:
    """A claim: ``subject`` outperforms / is comparable to / underperforms ``object``."""

    subject: str
    relation: str
    object: str
    dataset: str | None
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "relation": self.relation, "object": self.object,
                "dataset": self.dataset, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Comparison":
        return cls(subject=d["subject"], relation=d["relation"], object=d["object"],
                   dataset=d.get("dataset"), evidence=Evidence.from_dict(d["evidence"]))


@dataclass
class Extraction:
    """Everything extracted from one paper. ``to_schema()`` is the EXTRACTION-SCHEMA.md record."""

    paper: Paper
    entities: list[Entity] = field(default_factory=list)
    proposes: list[Proposal] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def paper_id(self) -> str:
        return self.paper.id

    def to_schema(self) -> dict[str, Any]:
        """Exactly the record of ``docs/EXTRACTION-SCHEMA.md`` (what ``kgbuild extract`` emits).

        Names are those after resolution, with one rule for the per-paper record: when the
        canonical name (say "PEFT") is not written anywhere in this paper, the entity is named by
        the form the paper does write ("parameter-efficient fine-tuning") and the canonical name
        is listed among its aliases; results, comparisons and proposals use the same per-paper
        name. The graph always uses the canonical name; this keeps the record true to its text.
        """
        from .normalize import match_key

        display: dict[str, str] = {}
        entities = []
        for e in self.entities:
            written = [m.text for m in e.mentions]
            written_keys = {match_key(t) for t in written}
            name, aliases = e.name, list(e.aliases)
            if written and match_key(e.name) not in written_keys:
                name = next((a for a in e.aliases if match_key(a) in written_keys), written[0])
                aliases = [a for a in [e.name, *e.aliases] if match_key(a) != match_key(name)]
            seen_keys = {match_key(name)}
            clean = []
            for a in aliases:
                k = match_key(a)
                if k and k not in seen_keys:
                    seen_keys.add(k)
                    clean.append(a)
            display.setdefault(e.name, name)
            entities.append({"type": e.type, "name": name, "aliases": clean})

        def shown(n: str | None) -> str | None:
            return display.get(n, n) if n is not None else None

        proposes: list[str] = []
        for p in self.proposes:
            if shown(p.name) not in proposes:
                proposes.append(shown(p.name))
        return {
            "paper_id": self.paper.id,
            "title": self.paper.title,
            "entities": entities,
            "proposes": proposes,
            "results": [{"subject": shown(r.subject), "dataset": shown(r.dataset), "metric": shown(r.metric),
                         "value": r.value, "unit": r.unit} for r in self.results],
            "comparisons": [{"subject": shown(c.subject), "relation": c.relation, "object": shown(c.object),
                             "dataset": shown(c.dataset)} for c in self.comparisons],
        }

    def to_dict(self) -> dict[str, Any]:
        """Full record with provenance (the intermediate JSONL a notebook can open)."""
        return {
            "paper": self.paper.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "proposes": [p.to_dict() for p in self.proposes],
            "results": [r.to_dict() for r in self.results],
            "comparisons": [c.to_dict() for c in self.comparisons],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Extraction":
        return cls(
            paper=Paper.from_dict(d["paper"]),
            entities=[Entity.from_dict(e) for e in d.get("entities", [])],
            proposes=[Proposal.from_dict(p) for p in d.get("proposes", [])],
            results=[Result.from_dict(r) for r in d.get("results", [])],
            comparisons=[Comparison.from_dict(c) for c in d.get("comparisons", [])],
        )


# --------------------------------------------------------------------------- resolve
@dataclass
class MergeReason:
    """Why ``alias`` was merged into a canonical entity (shown by ``kgbuild entities``)."""

    alias: str
    reason: str  # e.g. "normalised key", "acronym defined in seed-0042", "alias lexicon", "forced merge"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CanonicalEntity:
    """One node per real thing. ``key`` = ``match_key(name)``, unique within its ``type`` (= node label)."""

    key: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    merges: list[MergeReason] = field(default_factory=list)
    papers: int = 0  # number of papers mentioning it

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "type": self.type, "name": self.name, "aliases": list(self.aliases),
                "merges": [m.to_dict() for m in self.merges], "papers": self.papers}


@dataclass(frozen=True)
class EntityLink:
    """A typed link between canonical entities: ``VARIANT_OF`` (T5-large -> T5) or ``PART_OF`` (MNLI -> GLUE)."""

    kind: str  # "VARIANT_OF" | "PART_OF"
    source: str  # canonical key
    target: str  # canonical key
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- rows / store
@dataclass
class GraphRows:
    """Pure data for the writer: per node label and per relationship type, a list of row dicts.

    ``nodes[label]`` rows each have a ``key`` plus properties. ``rels[(rel_type, start_label,
    end_label)]`` rows each have ``start`` and ``end`` (endpoint keys) plus properties, so the
    writer can MATCH labelled endpoints. ``rows.py`` is the one owner of labels, relationship
    types and keys.
    """

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def count(self) -> tuple[int, int]:
        return (sum(len(v) for v in self.nodes.values()), sum(len(v) for v in self.rels.values()))

    def extend(self, other: "GraphRows") -> None:
        for label, rows in other.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for rtype, rows in other.rels.items():
            self.rels.setdefault(rtype, []).extend(rows)


@dataclass
class WriteStats:
    """What a store write did (printed by the CLI as part of one summary line)."""

    nodes: int = 0
    relationships: int = 0
    batches: int = 0
    seconds: float = 0.0

    def add(self, other: "WriteStats") -> None:
        self.nodes += other.nodes
        self.relationships += other.relationships
        self.batches += other.batches
        self.seconds += other.seconds
