"""From name statistics to clusters: the evidence graph, Kruskal with "known distinct" guards,
canonical names, and the VARIANT_OF / PART_OF links (see the ``kgbuild.resolve`` docstring).

``build_resolution(stats, ...)`` is the one entry point; it returns a frozen ``Resolution``. Its
working state lives in ``_Clustering`` for the length of one call. With ``base`` (the resolution
saved with an existing graph) every cluster of the base is kept whole and keeps its canonical
name and type, and two base clusters are never merged by new evidence: such merges are refused
and listed in ``Resolution.deferred`` for the user to confirm (``resolution.json``) or to take
with a ``--fresh`` rebuild.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import networkx as nx

from ..normalize import match_key
from ..records import ENTITY_TYPES, EntityLink
from .data import ResolutionData
from .evidence import NameStats, NodeId
from .names import (
    ACRONYM, ALIAS, CROSS_TYPE, CURATED, FORCED, HEAD, PINNED, PLURAL, R_ARTICLE, R_LEAD_WORD, _ARTICLE,
    _letters_digits, _plural_keys, _sentence_case_fold, clean_name, is_acronym, is_morphological, name_key,
    parse_variant, variant_forms,
)
from .overrides import Overrides

if TYPE_CHECKING:
    from .resolution import Resolution

_WEAK = CROSS_TYPE  # edges below this obey every guard and never touch a generic word
R_PINNED = "one entity of the existing graph"
R_EXISTING = "both are entities of the existing graph"


@dataclass
class Node:
    """A node of the evidence graph: pass-1 statistics plus what the curated data says of it.

    Built here, then only read (by ``Resolution``)."""

    surfaces: Counter = field(default_factory=Counter)
    votes: int = 0
    papers: int = 0
    curated: str | None = None  # curated entry id ("Method:lora"), shared by its aliases
    curated_name: str | None = None  # set on the node that is the curated canonical name
    curated_reason: str = ""


@dataclass
class Edge:
    u: NodeId
    v: NodeId
    strength: int
    count: int
    reason: str


@dataclass
class Cluster:
    nodes: list[NodeId]
    type: str
    name: str = ""
    key: str = ""
    observed: bool = True


def best_surface(node: Node, key: str, generic: frozenset[str]) -> str:
    """Most frequent spelling; a generic word seen only capitalised (titles) is lower-cased."""
    if node.curated_name:
        return node.curated_name
    counts = _sentence_case_fold(node.surfaces)
    if not counts:
        return key
    best = max(counts, key=lambda s: (counts[s], not _ARTICLE.match(s), s))
    if key in generic and not is_acronym(best):
        best = best.lower()
    return best


def build_resolution(stats: NameStats, *, overrides: Overrides, data: ResolutionData,
                     base: "Resolution | None" = None) -> "Resolution":
    """Cluster ``stats`` into canonical entities (pass 2 of the old two-pass resolver)."""
    return _Clustering(stats, overrides, data, base).run()


class _Clustering:
    """One clustering run. All state is set here, in ``__init__``; ``run`` fills it in order."""

    def __init__(self, stats: NameStats, overrides: Overrides, data: ResolutionData, base: "Resolution | None"):
        self.stats = stats
        self.ov = overrides
        self.data = data
        self.base = base
        self.nodes: dict[NodeId, Node] = {
            nid: Node(Counter(n.surfaces), n.votes, n.papers) for nid, n in stats.nodes.items()}
        self.curated_alias_keys: dict[str, set[str]] = {}  # curated id -> alias keys
        self.forced_type: dict[NodeId, str] = {}
        self.forced_canonical: dict[NodeId, str] = {}
        self.pinned: dict[NodeId, int] = {}  # node -> index of its base cluster
        self.pinned_name: dict[NodeId, tuple[str, str]] = {}  # node -> (type, canonical name) in the base
        self.split = {frozenset((name_key(a), name_key(b))) for a, b in overrides.splits}
        self.distinct_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for gi, row in enumerate(data.distinct):
            for mi, n in enumerate(row["names"]):
                self.distinct_group[name_key(n)].append((gi, mi))
        self.letter_families = frozenset(name_key(r["family"]) for r in data.families if r.get("letter_sizes"))
        self.suffix_patterns = {name_key(r["family"]): re.compile(r["suffix_pattern"], re.I)
                                for r in data.families if r.get("suffix_pattern")}
        self.parse_cache: dict[NodeId, tuple[str, str] | None] = {}
        self.defined: set[NodeId] = set()
        self.rejected: list[tuple[NodeId, NodeId, str]] = []
        self.kept: list[tuple[str, list[NodeId], str]] = []  # (kept type, members, type by votes)

    def node(self, nid: NodeId) -> Node:
        node = self.nodes.get(nid)
        if node is None:
            node = self.nodes[nid] = Node()
        return node

    # ------------------------------------------------------------------ evidence
    def curate(self) -> list[Edge]:
        """Add the curated names as nodes; return their edges."""
        edges: list[Edge] = []

        def entry(etype: str, name: str, aliases: Iterable[str], reason: str) -> NodeId:
            nid = (etype, name_key(name))
            node = self.node(nid)
            cid = f"{etype}:{nid[1]}"
            node.curated = node.curated or cid
            if node.curated_name is None:
                node.curated_name, node.curated_reason = clean_name(name), reason
            node.surfaces.setdefault(clean_name(name), 0)
            for a in aliases:
                aid = (etype, name_key(a))
                if not aid[1] or aid == nid:
                    continue
                self.curated_alias_keys.setdefault(cid, set()).add(aid[1])
                anode = self.node(aid)
                anode.curated = anode.curated or cid
                anode.surfaces.setdefault(clean_name(a), 0)
                edges.append(Edge(nid, aid, CURATED, 0, reason))
            return nid

        for row in self.data.aliases:
            entry(row["type"], row["name"], row["aliases"], "alias lexicon")
        for row in self.data.families:
            entry(row["type"], row["family"], row.get("aliases", []), "model family (families.jsonl)")
        for row in self.data.suites:
            entry("Dataset", row["suite"], row.get("aliases", []), "benchmark suite (suites.jsonl)")
            for task in row["tasks"]:
                entry("Dataset", task["name"], task.get("aliases", []), "suite task (suites.jsonl)")
        return edges

    def forced_edges(self, by_key: dict[str, list[NodeId]]) -> list[Edge]:
        edges: list[Edge] = []
        for m in self.ov.merges:
            group: list[NodeId] = []
            for n in m.names:
                k = name_key(n)
                nids = [nid for nid in by_key.get(k, []) if self.nodes[nid].votes or m.type is None]
                if m.type and (m.type, k) not in nids:
                    nid = (m.type, k)
                    self.node(nid).surfaces.setdefault(clean_name(n), 0)
                    if nid not in by_key[k]:
                        by_key[k].append(nid)
                    nids.append(nid)
                group.extend(nids)
            for nid in group[1:]:
                edges.append(Edge(group[0], nid, FORCED, 0, f"forced merge ({self.ov.source})"))
            for nid in group:
                if m.type:
                    self.forced_type[nid] = m.type
                if m.canonical:
                    self.forced_canonical[nid] = clean_name(m.canonical)
        return edges

    def pinned_edges(self) -> list[Edge]:
        """Keep every cluster of the base whole (its nodes chained by PINNED edges)."""
        if self.base is None:
            return []
        edges: list[Edge] = []
        for j, c in enumerate(self.base.clusters):
            if not c.observed:
                continue
            members = [nid for nid in c.nodes if nid in self.nodes]
            for nid in members:
                self.pinned[nid] = j
                self.pinned_name[nid] = (c.type, c.name)
            for nid in members[1:]:
                edges.append(Edge(members[0], nid, PINNED, 0, R_PINNED))
        return edges

    def variant_edges(self) -> list[Edge]:
        edges: list[Edge] = []
        by_key: dict[str, list[NodeId]] = defaultdict(list)
        for nid in self.nodes:
            by_key[nid[1]].append(nid)
        # same key, different types
        for key, nids in by_key.items():
            if len(nids) < 2:
                continue
            for i, a in enumerate(nids):
                for b in nids[i + 1:]:
                    if self.cross_type_ok(a, b):
                        edges.append(Edge(a, b, CROSS_TYPE, min(self.nodes[a].votes, self.nodes[b].votes),
                                          f"same name typed {a[0]} and {b[0]}"))
        # spelling variants: article, generic head, plural
        for nid, node in list(self.nodes.items()):
            if not node.votes:
                continue
            seen: set[str] = set()
            for surface in node.surfaces:
                for form, reason, strength in variant_forms(surface):
                    vid = (nid[0], match_key(form))
                    if vid not in self.nodes and strength == HEAD and form[-1:].islower():
                        # "adapter modules" -> "adapter", seen only as "adapters"
                        vid = next((p for p in ((nid[0], k) for k in _plural_keys(vid[1])) if p in self.nodes), vid)
                    if vid[1] in seen or vid == nid or vid not in self.nodes:
                        continue
                    seen.add(vid[1])
                    edges.append(Edge(nid, vid, strength, node.votes, reason))
        # per-paper aliases
        for (a, b), n in self.stats.alias_pairs.items():
            first = self.stats.first_paper.get((a, b), "")
            more = f" (+{n - 1} more)" if n > 1 else ""
            edges.append(Edge(a, b, ALIAS, n, f"alias in {first}{more}"))
        return edges

    def acronym_edges(self, edges: list[Edge], generic: frozenset[str]) -> list[Edge]:
        """Stage 1 without acronym definitions gives each acronym's provisional meanings; an
        acronym links to its majority meaning (or the curated one) only."""
        uf1, _, _ = self.kruskal(edges)
        acr_edges: list[Edge] = []
        for acr, longs in self.stats.defs.items():
            # a generic acronym may only mean a generic long form ("LLMs" = "large language
            # models": one generic thing, chaining nothing); a specific one never a generic one
            acr_generic = acr[1] in generic
            groups: dict[Any, Counter] = defaultdict(Counter)
            for lkey, n in longs.items():
                lid = (acr[0], lkey)
                if (lkey in generic) != acr_generic:
                    continue
                groups[uf1.find(lid)][lid] += n
            if not groups:
                continue
            total = sum(sum(c.values()) for c in groups.values())
            own = uf1.find(acr)
            ranked = sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), min(kv[1])))
            if own in groups or self.nodes[acr].curated in self.curated_alias_keys:
                winner = own  # the lexicon's meaning (or one already linked) outranks any vote
            elif sum(ranked[0][1].values()) * 2 > total:
                winner = ranked[0][0]
            else:
                winner = None
            for root, c in ranked:
                lid, n = c.most_common(1)[0]
                if root == winner:
                    self.defined.add(acr)
                    if root != own:
                        ex = self.stats.first_paper.get((acr, lid[1]), "")
                        nn = sum(c.values())
                        acr_edges.append(Edge(acr, lid, ACRONYM, nn,
                                              f"acronym defined in {ex}" + (f" (+{nn - 1} more)" if nn > 1 else "")))
                else:
                    why = ("acronym has another majority meaning" if winner is not None
                           else "acronym defined with conflicting long forms, no majority")
                    self.rejected.append((acr, lid, why))
        return acr_edges

    # ------------------------------------------------------------------ guards
    def cross_type_ok(self, a: NodeId, b: NodeId) -> bool:
        na, nb = self.nodes[a], self.nodes[b]
        if not (na.votes or nb.votes):
            return False
        sa, sb = set(na.surfaces), set(nb.surfaces)
        plain = all(not any(ch.isupper() for ch in s[1:]) for s in sa | sb)
        if not (sa & sb or plain):
            return False
        da = set(self.stats.defs.get(a, ())) | (self.curated_aliases(a) if na.curated else set())
        db = set(self.stats.defs.get(b, ())) | (self.curated_aliases(b) if nb.curated else set())
        da, db = {k.rstrip("s") for k in da}, {k.rstrip("s") for k in db}  # "Transformer(s)"
        return not (da and db and not (da & db))

    def curated_aliases(self, nid: NodeId) -> set[str]:
        return self.curated_alias_keys.get(self.nodes[nid].curated or "", set()) - {nid[1]}

    def parse(self, nid: NodeId) -> tuple[str, str] | None:
        if nid not in self.parse_cache:
            node = self.nodes[nid]
            surface = node.curated_name or (max(node.surfaces, key=lambda s: (node.surfaces[s], s)) if node.surfaces else nid[1])
            p = parse_variant(surface, letter_families=self.letter_families, suffix_patterns=self.suffix_patterns)
            self.parse_cache[nid] = (match_key(p[0]), match_key(p[1])) if p else None
        return self.parse_cache[nid]

    def distinct(self, a: NodeId, b: NodeId, strength: int) -> str | None:
        """Why ``a`` and ``b`` must stay apart at this edge strength, or None.

        Two entities of the existing graph (``base``) stay apart below a forced merge; that reason
        comes last, so a merge refused for any other reason is not reported as a deferred one.
        """
        why = self._distinct(a, b, strength)
        if why is None and PINNED < strength < FORCED:
            ja, jb = self.pinned.get(a), self.pinned.get(b)
            if ja is not None and jb is not None and ja != jb:
                return R_EXISTING
        return why

    def _distinct(self, a: NodeId, b: NodeId, strength: int) -> str | None:
        ka, kb = a[1], b[1]
        if ka == kb:
            return None
        if frozenset((ka, kb)) in self.split:
            return f"forced split ({self.ov.source})"
        if strength >= FORCED or strength == PINNED:
            return None
        for gi, mi in self.distinct_group.get(ka, ()):
            for gj, mj in self.distinct_group.get(kb, ()):
                if gi == gj and mi != mj:
                    return "known distinct (distinct.jsonl)"
        ca, cb = self.nodes[a].curated, self.nodes[b].curated
        if ca and cb and ca != cb:
            return "two different curated entries"
        if strength >= CURATED:
            return None
        if a[0] == "Model" and b[0] == "Model":
            pa, pb = self.parse(a), self.parse(b)
            if (pa and pa[0] == kb) or (pb and pb[0] == ka):
                return "a model and its own size variant"
            if pa and pb and pa[0] == pb[0] and pa[1] != pb[1]:
                return "different sizes of one family"
        la, da = _letters_digits(ka)
        lb, db = _letters_digits(kb)
        if la == lb and da != db and la:
            return "names differ only in their version numbers"
        return None

    def kruskal(self, edges: list[Edge]) -> tuple["UnionFind", nx.Graph, list[tuple[NodeId, NodeId, str]]]:
        uf = UnionFind()
        tree = nx.Graph()
        rejected: list[tuple[NodeId, NodeId, str]] = []
        for e in sorted(edges, key=lambda e: (-e.strength, -e.count, e.u, e.v)):
            ru, rv = uf.find(e.u), uf.find(e.v)
            if ru == rv:
                continue
            why = None
            for a in uf.members(ru):
                for b in uf.members(rv):
                    why = self.distinct(a, b, e.strength)
                    if why:
                        break
                if why:
                    break
            if why:
                # a refused merge of two existing entities names those two (``deferred_merges``)
                pair = (a, b) if why == R_EXISTING else (e.u, e.v)
                rejected.append((*pair, f"{why} [{e.reason}]"))
                continue
            uf.union(ru, rv)
            tree.add_edge(e.u, e.v, reason=e.reason, strength=e.strength,
                          variant=e.u if e.strength in (HEAD, PLURAL) or e.reason in (R_ARTICLE, R_LEAD_WORD) else None)
        return uf, tree, rejected

    # ------------------------------------------------------------------ run
    def run(self) -> "Resolution":
        from .resolution import Resolution

        edges = self.curate()
        by_key: dict[str, list[NodeId]] = defaultdict(list)
        for nid in self.nodes:
            by_key[nid[1]].append(nid)
        edges += self.forced_edges(by_key)
        edges += self.pinned_edges()
        edges += self.variant_edges()
        generic = _generic_closure(self.data.generic, edges)
        edges = [e for e in edges if e.strength >= _WEAK or is_morphological(e.reason)
                 or (e.u[1] not in generic and e.v[1] not in generic)]
        edges += self.acronym_edges(edges, generic)
        uf, tree, rejected = self.kruskal(edges)
        self.rejected.extend(rejected)
        clusters = self.clusters(uf, tree)
        node_cluster = {nid: i for i, c in enumerate(clusters) for nid in c.nodes}
        links, link_label = self.links(clusters, node_cluster)
        kept = tuple(self.kept_names(clusters, tree)) if self.base is not None else ()
        return Resolution(
            nodes=self.nodes, clusters=tuple(clusters), node_cluster=node_cluster,
            by_key={k: tuple(v) for k, v in _by_key(self.nodes).items()}, tree=tree,
            rejected=tuple(self.rejected), links_=tuple(links), link_labels=link_label,
            generic=self.data.generic, stats=self.stats, deferred=tuple(self.deferred_merges()), kept=kept,
            paper_counts=None, base_counts=dict(self.base.exact_counts()) if self.base else {},
            base_papers=frozenset(self.base.stats.papers) if self.base else frozenset(),
        )

    def deferred_merges(self) -> list[tuple[str, str, str]]:
        """Merges of two existing entities that the new evidence suggests (refused, reported)."""
        out: set[tuple[str, str, str]] = set()
        for u, v, why in self.rejected:
            if why.startswith(R_EXISTING):
                a, b = self.pinned_name.get(u), self.pinned_name.get(v)
                if a and b and a != b:
                    evidence = why[why.index("[") + 1:-1] if "[" in why else why
                    out.add((f"{a[0]} {a[1]}", f"{b[0]} {b[1]}", evidence))
        return sorted(out)

    # ------------------------------------------------------------------ clusters
    def clusters(self, uf: "UnionFind", tree: nx.Graph) -> list[Cluster]:
        groups: dict[NodeId, list[NodeId]] = defaultdict(list)
        for nid in self.nodes:
            groups[uf.find(nid)].append(nid)
        clusters: list[Cluster] = []
        for members in groups.values():
            members.sort()
            votes: Counter = Counter()
            for nid in members:
                node = self.nodes[nid]
                votes[nid[0]] += node.votes + (2 if node.curated_name else 0)
            forced = [self.forced_type[n] for n in members if n in self.forced_type]
            pinned = [self.pinned_name[n][0] for n in members if n in self.pinned_name]
            voted = max(ENTITY_TYPES, key=lambda t: (votes[t], -ENTITY_TYPES.index(t)))
            etype = forced[0] if forced else pinned[0] if pinned else voted  # existing labels stay
            observed = any(self.nodes[n].votes for n in members)
            clusters.append(Cluster(members, etype, observed=observed))
            if pinned and not forced and voted != etype:
                self.kept.append((etype, members, voted))
        for c in clusters:
            c.name = self.pick_name(c, tree)
            c.key = match_key(c.name)
        return clusters

    def kept_names(self, clusters: list[Cluster], tree: nx.Graph) -> list[tuple[str, str]]:
        """Existing entities whose name or type a fresh build would choose otherwise:
        ("Type name" kept, "Type name" a fresh build gives). The difference a ``--fresh`` rebuild makes."""
        out: list[tuple[str, str]] = []
        retyped = {tuple(members): voted for _, members, voted in self.kept}
        for c in clusters:
            if not c.observed or not any(n in self.pinned_name for n in c.nodes):
                continue
            if any(n in self.forced_canonical for n in c.nodes):
                continue
            free = Cluster(c.nodes, retyped.get(tuple(c.nodes), c.type))
            fresh_name = self.pick_name(free, tree, pins=False)
            if (free.type, fresh_name) != (c.type, c.name):
                out.append((f"{c.type} {c.name}", f"{free.type} {fresh_name}"))
        return sorted(out)

    def pick_name(self, c: Cluster, tree: nx.Graph, *, pins: bool = True) -> str:
        for nid in c.nodes:
            if nid in self.forced_canonical:
                return self.forced_canonical[nid]
        for nid in c.nodes:
            if pins and nid in self.pinned_name and self.pinned_name[nid][0] == c.type:
                return self.pinned_name[nid][1]  # canonical names of existing nodes never change
        typed = [n for n in c.nodes if n[0] == c.type] or c.nodes
        curated = [n for n in typed if self.nodes[n].curated_name]
        if curated:
            best = max(curated, key=lambda n: (self.nodes[n].votes, n[1]))
            return self.nodes[best].curated_name  # type: ignore[return-value]
        if c.type != "Task":
            acr = [n for n in typed if n in self.defined and self.nodes[n].votes]
            if acr:
                best = max(acr, key=lambda n: (self.nodes[n].votes, n[1]))
                return self.surface(best)
        members = set(c.nodes)
        penalised: set[NodeId] = set()
        for _, _, d in tree.edges(c.nodes, data=True):
            if d.get("variant") in members:
                penalised.add(d["variant"])  # "the GLUE benchmark", "AxLSTMs": a variant of a member
        long_first = c.type == "Task"  # tasks are named by their long form
        best = min(typed, key=lambda n: (n in penalised, long_first and is_acronym(self.surface(n)),
                                         -self.nodes[n].papers, -self.nodes[n].votes, len(n[1]), n[1]))
        return self.surface(best)

    def surface(self, nid: NodeId) -> str:
        return best_surface(self.nodes[nid], nid[1], self.data.generic)

    def links(self, clusters: list[Cluster], node_cluster: dict[NodeId, int],
              ) -> tuple[list[EntityLink], dict[EntityLink, str]]:
        """VARIANT_OF (model sizes, curated families) and PART_OF (suite tasks) between clusters."""
        links: dict[tuple[str, int, int], str] = {}
        parent_of: dict[str, tuple[str, str]] = {}  # family key -> (parent key, note)
        for row in self.data.families:
            if row.get("variant_of"):
                parent_of[f"{row['type']}:{name_key(row['family'])}"] = (name_key(row["variant_of"]), row.get("note", ""))
        suites_of: dict[str, list[str]] = defaultdict(list)
        for row in self.data.suites:
            for t in row["tasks"]:
                suites_of[name_key(t["name"])].append(name_key(row["suite"]))

        work = [i for i, c in enumerate(clusters) if c.observed]
        done: set[int] = set()
        while work:
            i = work.pop()
            if i in done:
                continue
            done.add(i)
            c = clusters[i]
            targets: list[tuple[str, int, str]] = []
            if c.type in ("Model", "Method"):
                if c.type == "Model":
                    p = parse_variant(c.name, letter_families=self.letter_families, suffix_patterns=self.suffix_patterns)
                    if p:
                        j = node_cluster.get(("Model", match_key(p[0])))
                        if j is not None and j != i and (clusters[j].observed or self.nodes[("Model", match_key(p[0]))].curated):
                            targets.append(("VARIANT_OF", j, f"size/variant suffix {p[1]!r}"))
                for nid in c.nodes:
                    node = self.nodes[nid]
                    if node.curated_name and node.curated in parent_of:
                        pkey, note = parent_of[node.curated]
                        j = node_cluster.get((nid[0], pkey))
                        if j is not None and j != i:
                            targets.append(("VARIANT_OF", j, f"families.jsonl: {note}" if note else "families.jsonl"))
            if c.type == "Dataset":
                for nid in c.nodes:
                    if nid[0] == "Dataset" and self.nodes[nid].curated_name:
                        for skey in suites_of.get(nid[1], ()):
                            j = node_cluster.get(("Dataset", skey))
                            if j is not None and j != i:
                                targets.append(("PART_OF", j, "suite task (suites.jsonl)"))
            for kind, j, reason in targets:
                if clusters[j].type != c.type:
                    continue
                links.setdefault((kind, i, j), reason)
                if not clusters[j].observed:
                    clusters[j].observed = True  # a curated parent gets a node so the link has an end
                work.append(j)
        made = {EntityLink(kind, clusters[i].key, clusters[j].key, reason): clusters[i].type
                for (kind, i, j), reason in links.items()}
        return sorted(made, key=lambda l: (l.kind, l.source, l.target)), made


def _by_key(nodes: dict[NodeId, Node]) -> dict[str, list[NodeId]]:
    out: dict[str, list[NodeId]] = defaultdict(list)
    for nid in nodes:
        out[nid[1]].append(nid)
    return out


def _generic_closure(generic: frozenset[str], edges: list[Edge]) -> frozenset[str]:
    """The generic words plus every name that is only a morphological variant of one.

    "adapters", "adapter modules" and "the adapter" are as generic as "adapter": their
    morphological edges join them to it, and they must then obey the same guard (no per-paper
    alias or acronym edge), or "adapter modules" would chain a paper's method name to every
    adapter in the corpus.
    """
    out = set(generic)
    morph = [e for e in edges if e.strength < _WEAK and is_morphological(e.reason)]
    changed = True
    while changed:
        changed = False
        for e in morph:
            if (e.u[1] in out) != (e.v[1] in out):
                out.update((e.u[1], e.v[1]))
                changed = True
    return frozenset(out)


class UnionFind:
    """Union-find that also keeps each set's members (for the pairwise distinct check)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}
        self._members: dict[Any, list[Any]] = {}

    def find(self, x: Any) -> Any:
        if x not in self.parent:
            self.parent[x] = x
            self._members[x] = [x]
            return x
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def members(self, root: Any) -> list[Any]:
        return self._members[root]

    def union(self, a: Any, b: Any) -> Any:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        return ra
