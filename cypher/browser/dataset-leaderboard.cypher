// Graph form: a dataset's leaderboard (Browser's Graph tab): every result reported on the
// dataset, linked to the method or model it is for and to the paper that reports it.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'GLUE' AS dataset
WITH toLower(replace(replace(replace(replace(replace(dataset,' ',''),'-',''),'_',''),'.',''),'/','')) AS dk
MATCH (d:Dataset) WHERE dk IN coalesce(d.search_keys, [d.key])
MATCH path = (p:Paper)-[:REPORTS]->(res:Result)-[:ON]->(d)
OPTIONAL MATCH result_for = (res)-[:FOR]->(s)
RETURN path, result_for
ORDER BY res.value DESC
