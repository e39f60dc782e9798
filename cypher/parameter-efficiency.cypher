// Which methods train or tune at most max_percent % of the parameters?
// Results whose metric is about parameters ("trainable parameters", "tuned parameters", ...)
// with unit % and a value <= max_percent, smallest first.
// One row per result: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 1.0 AS max_percent
MATCH (res:Result)
WHERE res.unit = '%' AND res.value <= max_percent
  AND toLower(coalesce(res.metric, '')) CONTAINS 'param'
MATCH (p:Paper {key: res.paper_id})
OPTIONAL MATCH (res)-[:FOR]->(s)
RETURN coalesce(s.name, res.subject) AS subject, res.value AS percent, res.metric AS metric,
       res.dataset AS dataset,
       res.sentence AS evidence, res.paper_id AS paper_id, p.title AS title
ORDER BY percent, subject, paper_id, res.start
