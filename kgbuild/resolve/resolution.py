"""The result of resolution: a frozen ``Resolution`` and the operations on it.

``apply`` renames one extraction to canonical names (pure: it changes nothing, so the same
resolution can be shipped to many workers); ``entities``/``links`` feed ``rows.entity_rows``;
``explain``/``evidence`` answer "why this node?"; ``save``/``load`` persist it next to a graph so
that the next build of new papers continues it (``ResolutionBuilder.extend``).

Paper counts: a resolution knows, per canonical entity, how many papers named one of its names in
pass 1 (an upper bound: a paper naming one thing under two spellings counts twice). The exact
count needs the applied extractions: ``with_paper_counts`` returns a copy that has it (plus the
exact counts of the graph it continues).
"""
from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import networkx as nx

from ..errors import ResolveError
from ..records import (
    CanonicalEntity, Comparison, Entity, EntityLink, Extraction, MergeReason, Mention, Proposal, Result,
)
from .cluster import Cluster, Node, best_surface
from .evidence import NameStats, NodeId
from .names import acronym_fits, clean_name, is_acronym, name_key

FORMAT = "kgbuild-resolution"
VERSION = 1

Counts = Mapping[tuple[str, str], int]  # (type, canonical key) -> papers


@dataclass(frozen=True)
class Resolution:
    """Canonical entities of a corpus: clusters of ``(type, key)`` nodes with names and reasons.

    Built by ``ResolutionBuilder.build`` (never by hand); read-only afterwards.
    """

    nodes: Mapping[NodeId, Node]
    clusters: tuple[Cluster, ...]
    node_cluster: Mapping[NodeId, int]
    by_key: Mapping[str, tuple[NodeId, ...]]
    tree: nx.Graph = field(repr=False)
    rejected: tuple[tuple[NodeId, NodeId, str], ...]
    links_: tuple[EntityLink, ...]
    link_labels: Mapping[EntityLink, str]
    generic: frozenset[str]
    stats: NameStats = field(repr=False)
    deferred: tuple[tuple[str, str, str], ...] = ()  # merges of existing entities refused (see cluster.py)
    kept: tuple[tuple[str, str], ...] = ()  # existing (type, name) kept where a fresh build differs
    paper_counts: Counts | None = None  # exact counts of the papers applied in this run
    base_counts: Counts = field(default_factory=dict)  # exact counts of the graph this continues
    base_papers: frozenset[str] = frozenset()  # papers already in that graph

    # ------------------------------------------------------------------ lookups
    def _cluster_index(self, etype: str | None, name: str) -> int | None:
        key = name_key(name)
        if etype is not None:
            i = self.node_cluster.get((etype, key))
            if i is not None and self.clusters[i].observed:
                return i
        cands = [self.node_cluster[n] for n in self.by_key.get(key, ()) if n in self.node_cluster]
        cands = [i for i in cands if self.clusters[i].observed]
        if not cands:
            return None
        if etype is not None:
            same = [i for i in cands if self.clusters[i].type == etype]
            if same:
                return same[0]
            if (etype, key) in self.node_cluster:
                return None
        return max(cands, key=lambda i: sum(self.nodes[n].votes for n in self.clusters[i].nodes if n[1] == key))

    def canonical(self, type: str | None, name: str) -> CanonicalEntity | None:
        """The canonical entity ``name`` resolves to (``type`` first, then any type), or None."""
        i = self._cluster_index(type, name)
        return self._entity(i) if i is not None else None

    def _entity_cluster(self, ent: Entity) -> int | None:
        i = self._cluster_index(ent.type, ent.name)
        name = clean_name(ent.name)
        if is_acronym(name):  # a local definition wins over the corpus meaning
            for alias in ent.aliases:
                a = clean_name(alias)
                if acronym_fits(name, a):
                    j = self._cluster_index(ent.type, a)
                    if j is not None and j != i:
                        return j
        return i

    def _alias_fits(self, ent: Entity, alias: str, i: int | None) -> bool:
        """Keep a paper's alias unless resolution put it in another node (a forced split, a
        blocked pair such as GLUE/SuperGLUE); a local acronym definition always stays."""
        if i is None or alias == ent.name:
            return True
        j = self._cluster_index(ent.type, alias)
        if j is None or j == i:
            return True
        a, n = clean_name(alias), clean_name(ent.name)
        return (is_acronym(a) and acronym_fits(a, n)) or (is_acronym(n) and acronym_fits(n, a))

    # ------------------------------------------------------------------ apply
    def apply(self, extraction: Extraction) -> Extraction:
        """A copy of ``extraction`` with canonical names, one entity per canonical entity.

        Entities of the paper that share a canonical entity become one (aliases unioned, mentions
        in text order); proposals, result and comparison names are renamed, this paper's own
        entities first (so "CoLA" as a dataset stays the GLUE task even where "COLA" is a method).
        The input is not modified; frozen records (Paper, Evidence) are shared, not copied.
        """
        merged: dict[Any, Entity] = {}
        local: dict[str, dict[str, str]] = defaultdict(dict)  # key -> type -> canonical name
        for ent in extraction.entities:
            i = self._entity_cluster(ent)
            if i is None:
                gid: Any = ("?", ent.type, name_key(ent.name))
                canon, etype = ent.name, ent.type
            else:
                c = self.clusters[i]
                gid, canon, etype = i, c.name, c.type
            for n in [ent.name, *ent.aliases]:
                local[name_key(n)].setdefault(etype, canon)
            m = merged.get(gid)
            if m is None:
                m = merged[gid] = Entity(type=etype, name=canon, aliases=[], mentions=[])
            for n in [ent.name, *ent.aliases]:
                if n != canon and n not in m.aliases and self._alias_fits(ent, n, i):
                    m.aliases.append(n)
            m.mentions.extend(Mention(mm.text, mm.evidence) for mm in ent.mentions)
        for m in merged.values():
            m.mentions.sort(key=lambda mm: (mm.evidence.start, mm.evidence.end))

        def rename(name: str | None, types: tuple[str, ...]) -> str | None:
            if name is None:
                return None
            key = name_key(name)
            here = local.get(key, {})
            for t in types:  # this paper's own entities first, of a fitting type
                if t in here:
                    return here[t]
            for t in types:
                i = self.node_cluster.get((t, key))
                if i is not None and self.clusters[i].observed:
                    return self.clusters[i].name
            if here:  # typed otherwise in this paper (a metric named like a dataset, say)
                return next(iter(here.values()))
            return name

        subj = ("Method", "Model")
        seen: set[str] = set()
        proposes: list[Proposal] = []
        for p in extraction.proposes:
            name = rename(p.name, subj) or p.name
            if name not in seen:
                seen.add(name)
                proposes.append(Proposal(name=name, evidence=p.evidence))
        results = [Result(subject=rename(r.subject, subj), dataset=rename(r.dataset, ("Dataset",)),
                          metric=rename(r.metric, ("Metric",)), value=r.value, unit=r.unit, evidence=r.evidence)
                   for r in extraction.results]
        comparisons = [Comparison(subject=rename(c.subject, subj) or c.subject, relation=c.relation,
                                  object=rename(c.object, subj) or c.object,
                                  dataset=rename(c.dataset, ("Dataset",)), evidence=c.evidence)
                       for c in extraction.comparisons]
        return Extraction(paper=extraction.paper, entities=list(merged.values()), proposes=proposes,
                          results=results, comparisons=comparisons)

    def changes(self) -> list[str]:
        """What an incremental build did not change in the existing graph, one line each:
        merges of two existing entities the new evidence suggests, and existing names or types a
        fresh build would choose otherwise."""
        return ([f"merge {a} ~ {b} ({why})" for a, b, why in self.deferred]
                + [f"keep {a} (a fresh build names it {b})" for a, b in self.kept])

    # ------------------------------------------------------------------ paper counts
    def is_new_paper(self, paper_id: str) -> bool:
        """True unless the paper is already in the graph this resolution continues."""
        return paper_id not in self.base_papers

    @staticmethod
    def count_papers(applied: Iterable[Extraction]) -> Counter:
        """Papers per canonical ``(type, key)`` of applied extractions (for ``with_paper_counts``)."""
        from ..normalize import match_key

        counts: Counter = Counter()
        for ex in applied:
            counts.update({(e.type, match_key(e.name)) for e in ex.entities})
        return counts

    def with_paper_counts(self, counts: Counts) -> "Resolution":
        """A copy whose ``entities()`` carry exact paper counts: ``counts`` (papers new to the
        graph, see ``count_papers``/``is_new_paper``) added to the graph's own."""
        return replace(self, paper_counts=dict(counts))

    def exact_counts(self) -> Counts:
        """Exact papers per canonical ``(type, key)`` (graph plus this run), when known."""
        out: Counter = Counter(self.base_counts)
        out.update(self.paper_counts or {})
        return out

    # ------------------------------------------------------------------ output
    def _merges(self, i: int) -> list[MergeReason]:
        c = self.clusters[i]
        canon_key = c.key
        root = next((n for n in c.nodes if n[1] == canon_key and n[0] == c.type),
                    next((n for n in c.nodes if n[1] == canon_key), c.nodes[0]))
        reason_of: dict[NodeId, str] = {root: "normalised key"}
        if root in self.tree:
            for u, v in nx.bfs_edges(self.tree, root):
                reason_of[v] = self.tree.edges[u, v]["reason"]
        merges: list[MergeReason] = []
        seen = {c.name}
        for nid in sorted(c.nodes, key=lambda n: (n != root, -self.nodes[n].votes, n)):
            node = self.nodes[nid]
            for s, _ in sorted(node.surfaces.items(), key=lambda kv: (-kv[1], kv[0])):
                if s in seen:
                    continue
                seen.add(s)
                merges.append(MergeReason(alias=s, reason=reason_of.get(nid, "normalised key")))
        return merges

    def _entity(self, i: int) -> CanonicalEntity:
        c = self.clusters[i]
        merges = self._merges(i)
        if self.paper_counts is not None:
            papers = self.base_counts.get((c.type, c.key), 0) + self.paper_counts.get((c.type, c.key), 0)
        else:  # pass-1 estimate: a paper naming one thing under two spellings counts twice
            papers = sum(self.nodes[n].papers for n in c.nodes)
        return CanonicalEntity(key=c.key, type=c.type, name=c.name, aliases=[m.alias for m in merges],
                               merges=merges, papers=papers)

    def entities(self, only: Callable[[str, str], bool] | None = None) -> list[CanonicalEntity]:
        """One canonical entity per cluster that a paper mentions (plus curated link parents);
        ``only(type, key)`` picks some (an incremental build writes only those it changed)."""
        out: dict[tuple[str, str], CanonicalEntity] = {}
        for i, c in enumerate(self.clusters):
            if c.observed and (c.type, c.key) not in out and (only is None or only(c.type, c.key)):
                out[(c.type, c.key)] = self._entity(i)
        return sorted(out.values(), key=lambda e: (e.type, e.key))

    def entity_count(self) -> int:
        """How many canonical entities ``entities()`` lists (without building them)."""
        return len({(c.type, c.key) for c in self.clusters if c.observed})

    def links(self) -> list[EntityLink]:
        """VARIANT_OF and PART_OF links between canonical keys (sorted)."""
        return list(self.links_)

    def link_label(self, link: EntityLink) -> str:
        """The node label of both ends of ``link`` (Model or Method for VARIANT_OF, Dataset for PART_OF).

        ``EntityLink`` carries keys only and a key may exist under two labels, so ``rows.py`` asks.
        """
        return self.link_labels[link]

    def explain(self, name: str) -> list[MergeReason]:
        """Why ``name`` resolves as it does: its cluster's merges, then refused merges touching it."""
        key = name_key(name)
        out: list[MergeReason] = []
        clusters = sorted({self.node_cluster[n] for n in self.by_key.get(key, ()) if n in self.node_cluster})
        for i in clusters:
            c = self.clusters[i]
            if not c.observed:
                continue
            out.append(MergeReason(alias=c.name, reason=f"canonical {c.type} name"))
            out.extend(self._merges(i))
            members = set(c.nodes)
            for u, v, why in self.rejected:
                if u in members and v not in members:
                    other = v
                elif v in members and u not in members:
                    other = u
                else:
                    continue
                out.append(MergeReason(alias=best_surface(self.nodes[other], other[1], self.generic),
                                       reason=f"not merged: {why}"))
        return out

    def evidence(self) -> nx.Graph:
        """The "same as" evidence as a networkx graph, for notebooks and debugging.

        Nodes are ``(type, key)``; accepted edges (``accepted=True``) are the spanning forest whose
        components are the clusters, refused ones (``accepted=False``) say why in ``reason``.
        """
        g = nx.Graph()
        g.add_edges_from(self.tree.edges(data=True), accepted=True)
        for u, v, why in self.rejected:
            if not g.has_edge(u, v):
                g.add_edge(u, v, reason=why, accepted=False)
        return g

    # ------------------------------------------------------------------ persistence
    def to_state(self) -> dict[str, Any]:
        """What the next incremental build needs: the statistics, each entity's nodes, name and
        type (the pins), and exact paper counts."""
        counts = self.exact_counts() if self.paper_counts is not None else {}
        return {
            "format": FORMAT, "version": VERSION,
            "stats": self.stats.to_dict(),
            "clusters": [{"type": c.type, "name": c.name, "nodes": [f"{t}\t{k}" for t, k in c.nodes]}
                         for c in self.clusters if c.observed],
            "counts": [[t, k, n] for (t, k), n in sorted(counts.items())],
        }

    def save(self, path: str | Path) -> Path:
        """Write the state (gzip JSON) atomically: a crash leaves the old file or the new one."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
                fh.write(json.dumps(self.to_state(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path


@dataclass(frozen=True)
class SavedState:
    """A saved resolution as read back: the base an incremental build continues."""

    stats: NameStats
    clusters: tuple[Cluster, ...]
    counts: Counts
    source: str = ""

    def exact_counts(self) -> Counts:
        return self.counts

    @classmethod
    def read(cls, path: str | Path) -> "SavedState":
        p = Path(path)
        try:
            with gzip.open(p, "rb") as fh:
                d = json.loads(fh.read().decode("utf-8"))
        except FileNotFoundError:
            raise
        except (OSError, EOFError, ValueError) as exc:
            raise ResolveError(f"{p}: cannot read the saved resolution ({exc})",
                               hint="rebuild the graph with --fresh to start a new one") from exc
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise ResolveError(f"{p}: not a kgbuild resolution file")
        if d.get("version") != VERSION:
            raise ResolveError(f"{p}: resolution file version {d.get('version')!r}, this kgbuild reads {VERSION}",
                               hint="rebuild the graph with --fresh")
        try:
            clusters = tuple(Cluster(nodes=[tuple(s.split("\t", 1)) for s in c["nodes"]], type=c["type"],
                                     name=c["name"], key="", observed=True) for c in d["clusters"])
            counts = {(t, k): int(n) for t, k, n in d["counts"]}
        except (KeyError, TypeError, ValueError) as exc:
            raise ResolveError(f"{p}: malformed resolution file ({exc})") from exc
        return cls(stats=NameStats.from_dict(d["stats"]), clusters=clusters, counts=counts, source=str(p))
