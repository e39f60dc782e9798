"""Pass 1 of resolution: what the corpus says about names, as mergeable statistics.

``NameStats`` is everything clustering needs from the papers, and nothing per paper beyond ids:
for each ``(type, key)`` node the spellings seen and how often, type votes and paper counts; the
per-paper alias pairs; the acronym definitions ("Low-Rank Adaptation (LoRA)"); the first paper of
each piece of evidence (for merge reasons); the ids of the papers learnt. Its size grows with the
number of distinct names, not with the corpus.

Statistics of two parts of a corpus ``merge`` into the statistics of the whole (in input order,
so the "first paper" of a reason is the same as a sequential run): a distributed build learns one
``NameStats`` per partition and reduces them on the driver; an incremental build continues the
statistics saved with the graph. ``to_dict``/``from_dict`` give a JSON form for both.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import ResolveError
from ..normalize import match_key
from ..records import ENTITY_TYPES, Extraction
from .names import acronym_fits, clean_name, is_acronym

NodeId = tuple[str, str]  # (entity type, key)


@dataclass
class NameNode:
    """What pass 1 saw of one ``(type, key)`` node."""

    surfaces: Counter = field(default_factory=Counter)  # cleaned spelling -> times seen
    votes: int = 0  # times seen as a name or alias with this type
    papers: int = 0  # papers whose entity is *named* this (an upper bound of its coverage)


def _nid(s: str) -> NodeId:
    t, _, k = s.partition("\t")
    return (t, k)


@dataclass
class NameStats:
    """Mergeable pass-1 statistics of a corpus (see the module docstring)."""

    nodes: dict[NodeId, NameNode] = field(default_factory=dict)
    alias_pairs: Counter = field(default_factory=Counter)  # (NodeId, NodeId) -> papers
    defs: dict[NodeId, Counter] = field(default_factory=lambda: defaultdict(Counter))  # acronym -> long key -> papers
    first_paper: dict[tuple, str] = field(default_factory=dict)  # evidence pair -> first paper id
    papers: set[str] = field(default_factory=set)  # ids of the papers learnt

    def node(self, nid: NodeId) -> NameNode:
        node = self.nodes.get(nid)
        if node is None:
            node = self.nodes[nid] = NameNode()
        return node

    def learn(self, extraction: Extraction) -> bool:
        """Record one paper's names, type votes, acronym definitions and aliases.

        Returns False (and learns nothing) for a paper id already learnt, so re-adding a paper to
        a graph never counts its evidence twice.
        """
        pid = extraction.paper.id
        if pid in self.papers:
            return False
        self.papers.add(pid)
        named: set[NodeId] = set()
        pairs: set[tuple[NodeId, NodeId]] = set()
        defs: set[tuple[NodeId, str]] = set()
        for ent in extraction.entities:
            if ent.type not in ENTITY_TYPES:
                raise ResolveError(f"{pid}: entity {ent.name!r} has unknown type {ent.type!r} "
                                   f"(expected one of {', '.join(ENTITY_TYPES)})")
            name = clean_name(ent.name)
            key = match_key(name)
            if not key:
                continue
            nid = (ent.type, key)
            node = self.node(nid)
            node.surfaces[name] += 1
            node.votes += 1
            named.add(nid)
            for alias in ent.aliases:
                a = clean_name(alias)
                akey = match_key(a)
                if not akey:
                    continue
                if akey == key:
                    node.surfaces[a] += 1
                    continue
                aid = (ent.type, akey)
                anode = self.node(aid)
                anode.surfaces[a] += 1
                anode.votes += 1
                if is_acronym(name) and acronym_fits(name, a):
                    defs.add((nid, akey))
                elif is_acronym(a) and acronym_fits(a, name):
                    defs.add((aid, key))
                else:
                    pairs.add((min(nid, aid), max(nid, aid)))
        for nid in named:
            self.nodes[nid].papers += 1
        for pair in sorted(pairs):
            self.alias_pairs[pair] += 1
            self.first_paper.setdefault(pair, pid)
        for nid, lkey in sorted(defs):
            self.defs[nid][lkey] += 1
            self.first_paper.setdefault((nid, lkey), pid)
        return True

    def merge(self, other: "NameStats") -> "NameStats":
        """Add ``other`` (the statistics of the papers after these) into this one; returns self.

        Papers learnt on both sides count once: ``other``'s evidence is added only when none of its
        papers was learnt here (partitions of one corpus never overlap; an overlap means the same
        input twice, which is refused rather than silently double-counted).
        """
        overlap = self.papers & other.papers
        if overlap:
            raise ResolveError(f"cannot merge name statistics: {len(overlap)} paper(s) learnt on both sides "
                               f"(e.g. {sorted(overlap)[0]!r})")
        for nid, n in other.nodes.items():
            mine = self.node(nid)
            mine.surfaces.update(n.surfaces)
            mine.votes += n.votes
            mine.papers += n.papers
        self.alias_pairs.update(other.alias_pairs)
        for nid, c in other.defs.items():
            self.defs[nid].update(c)
        for k, pid in other.first_paper.items():
            self.first_paper.setdefault(k, pid)
        self.papers |= other.papers
        return self

    def copy(self) -> "NameStats":
        return NameStats.from_dict(self.to_dict())

    # ------------------------------------------------------------------ JSON form
    def to_dict(self) -> dict[str, Any]:
        def s(nid: NodeId) -> str:
            return f"{nid[0]}\t{nid[1]}"

        return {
            "nodes": {s(nid): {"surfaces": dict(n.surfaces), "votes": n.votes, "papers": n.papers}
                      for nid, n in sorted(self.nodes.items())},
            "alias_pairs": [[s(a), s(b), n] for (a, b), n in sorted(self.alias_pairs.items())],
            "defs": {s(nid): dict(c) for nid, c in sorted(self.defs.items())},
            # keys: (NodeId, NodeId) for alias pairs, (NodeId, long key) for definitions
            "first_paper": [[s(k[0]), s(k[1]) if isinstance(k[1], tuple) else k[1],
                             isinstance(k[1], tuple), pid] for k, pid in self.first_paper.items()],
            "papers": sorted(self.papers),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "NameStats":
        try:
            stats = cls()
            for s, n in d["nodes"].items():
                stats.nodes[_nid(s)] = NameNode(Counter(n["surfaces"]), int(n["votes"]), int(n["papers"]))
            for a, b, n in d["alias_pairs"]:
                stats.alias_pairs[(_nid(a), _nid(b))] = int(n)
            for s, c in d["defs"].items():
                stats.defs[_nid(s)] = Counter(c)
            for a, b, pair, pid in d["first_paper"]:
                stats.first_paper[(_nid(a), _nid(b) if pair else b)] = pid
            stats.papers = set(d["papers"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ResolveError(f"malformed name statistics ({type(exc).__name__}: {exc})") from exc
        return stats
