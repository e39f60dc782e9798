// Admin: number of relationships per type (GraphStore.counts()).
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
ORDER BY type
