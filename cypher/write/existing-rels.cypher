// Write template (kgbuild/stores/neo4j.py, new-relationship fast path): positions in $rows of
// relationships that already exist (same endpoints, type and identity properties).
// __TYPE__/__START__/__END__ come only from kgbuild.rows.REL_SCHEMA, __IDENTITY__ from REL_IDENTITY.
UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS row
MATCH (a:__START__ {key: row.start})-[r:__TYPE__ __IDENTITY__]->(b:__END__ {key: row.end})
RETURN collect(DISTINCT i) AS existing
