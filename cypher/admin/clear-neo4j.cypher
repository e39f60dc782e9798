// Admin (Neo4j only): delete every node and relationship in batches, keeping constraints.
// Runs as an auto-commit transaction (CALL ... IN TRANSACTIONS cannot run in a managed one).
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
