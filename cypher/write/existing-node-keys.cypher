// Write template (kgbuild/stores/neo4j.py, new-node fast path): which keys of one batch of one
// label already exist. __LABEL__ comes only from kgbuild.rows.NODE_LABELS; keys arrive in $keys.
UNWIND $keys AS k
MATCH (n:__LABEL__ {key: k})
RETURN collect(DISTINCT k) AS existing
