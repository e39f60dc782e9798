// Write template (kgbuild/stores/neo4j.py, new-row fast path): create relationships that cannot
// exist yet because an endpoint was created by the same write (a new Paper's MENTIONS, say).
// __TYPE__/__START__/__END__ come only from kgbuild.rows.REL_SCHEMA. Endpoints are MATCHed, so a
// missing endpoint drops the row, as in merge-rels.cypher.
UNWIND $rows AS row
MATCH (a:__START__ {key: row.start})
MATCH (b:__END__ {key: row.end})
CREATE (a)-[r:__TYPE__]->(b)
SET r = row.props
