// Which methods or models are claimed to be comparable to (on par with) a baseline?
// The claim is symmetric, so it is found in either direction, claim_subject says who the
// sentence was about. One row per claim: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'full fine-tuning' AS baseline
WITH toLower(replace(replace(replace(replace(replace(baseline,' ',''),'-',''),'_',''),'.',''),'/','')) AS bk
MATCH (m)-[r:COMPARABLE_TO]-(b)
WHERE bk IN coalesce(b.search_keys, [b.key]) AND NOT bk IN coalesce(m.search_keys, [m.key])
MATCH (p:Paper {key: r.paper_id})
RETURN m.name AS method, labels(m)[0] AS type, b.name AS baseline, r.dataset AS dataset,
       startNode(r).name AS claim_subject,
       r.sentence AS evidence, r.paper_id AS paper_id, p.title AS title
ORDER BY method, paper_id, r.start
