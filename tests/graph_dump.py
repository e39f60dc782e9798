"""A store's whole graph as comparable plain data (nodes by label+key, relationships by endpoints)."""
from __future__ import annotations


def dump_graph(store) -> tuple[dict, list]:
    """(nodes, rels): nodes {(label, key): props}; rels sorted [(type, start, end, props)]."""
    nodes = {}
    for row in store.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", {}):
        props = dict(row["props"])
        for k, v in props.items():
            if isinstance(v, list):
                props[k] = list(v)
        nodes[(tuple(sorted(row["labels"])), props["key"])] = props
    rels = []
    for row in store.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.key AS a, b.key AS b, "
                         "labels(a) AS la, labels(b) AS lb, properties(r) AS props", {}):
        rels.append((row["type"], tuple(row["la"]), row["a"], tuple(row["lb"]), row["b"],
                     sorted(dict(row["props"]).items(), key=lambda kv: kv[0])))
    rels.sort(key=repr)
    return nodes, rels
