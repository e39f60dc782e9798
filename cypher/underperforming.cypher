// Which methods or models fall short of a baseline?
// Counts both ways of saying it: "X lags behind / falls short of <baseline>" (UNDERPERFORMS)
// and "<baseline> outperforms X" (OUTPERFORMS), the claim column spells out which one.
// One row per claim: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'full fine-tuning' AS baseline
WITH toLower(replace(replace(replace(replace(replace(baseline,' ',''),'-',''),'_',''),'.',''),'/','')) AS bk
MATCH (m)-[r:UNDERPERFORMS|OUTPERFORMS]-(b)
WHERE bk IN coalesce(b.search_keys, [b.key]) AND NOT bk IN coalesce(m.search_keys, [m.key])
  AND ((type(r) = 'UNDERPERFORMS' AND startNode(r) = m) OR (type(r) = 'OUTPERFORMS' AND startNode(r) = b))
MATCH (p:Paper {key: r.paper_id})
RETURN m.name AS method, labels(m)[0] AS type, b.name AS baseline, r.dataset AS dataset,
       CASE type(r) WHEN 'UNDERPERFORMS' THEN m.name + ' underperforms ' + b.name
            ELSE b.name + ' outperforms ' + m.name END AS claim,
       r.sentence AS evidence, r.paper_id AS paper_id, p.title AS title
ORDER BY method, paper_id, r.start
