// Write template (kgbuild/stores/neo4j.py, new-relationship fast path): create the relationships
// the lookup (existing-rels.cypher) did not find, in the same transaction. Endpoints are MATCHed,
// so a missing endpoint drops the row, as in merge-rels.cypher.
UNWIND $rows AS row
MATCH (a:__START__ {key: row.start})
MATCH (b:__END__ {key: row.end})
CREATE (a)-[r:__TYPE__]->(b)
SET r = row.props
