// Write template (kgbuild/stores/neo4j.py, new-node fast path): create nodes whose keys the
// lookup (existing-node-keys.cypher) did not find, in the same transaction. The key constraint
// still guards against a concurrent writer; on a violation the batch is redone with MERGE.
UNWIND $rows AS row
CREATE (n:__LABEL__ {key: row.key})
SET n += row.props
