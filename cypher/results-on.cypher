// Which numbers are reported on a dataset (by whom, for which metric)?
// dataset: any name or alias. One row per reported result, best value first within a subject
// and metric: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'GLUE' AS dataset
WITH toLower(replace(replace(replace(replace(replace(dataset,' ',''),'-',''),'_',''),'.',''),'/','')) AS dk
MATCH (res:Result)-[:ON]->(d:Dataset)
WHERE dk IN coalesce(d.search_keys, [d.key])
MATCH (p:Paper {key: res.paper_id})
OPTIONAL MATCH (res)-[:FOR]->(s)
RETURN coalesce(s.name, res.subject) AS subject, res.metric AS metric, res.value AS value,
       res.unit AS unit, d.name AS dataset,
       res.sentence AS evidence, res.paper_id AS paper_id, p.title AS title
ORDER BY subject, metric, value DESC, paper_id, res.start
