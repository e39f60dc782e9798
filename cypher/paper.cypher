// Every fact extracted from one paper, in text order, each with its evidence sentence.
// fact is the relationship type (PROPOSES, MENTIONS, REPORTS, FOR, ON, MEASURED_BY,
// EVALUATES_ON, OUTPERFORMS, COMPARABLE_TO, UNDERPERFORMS), source/target are names (or keys
// for papers and results), value/unit/metric describe the Result involved, if any.
// paper_id is the paper's id, or its seed-NNNN alias in the bundled corpus.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'seed-0001' AS paper_id
MATCH (p:Paper)
WHERE p.key = paper_id OR p.alias = paper_id
MATCH (a)-[r]->(b)
WHERE r.paper_id = p.key
RETURN type(r) AS fact, coalesce(a.name, a.key) AS source, coalesce(b.name, b.key) AS target,
       coalesce(b.value, a.value) AS value, coalesce(b.unit, a.unit) AS unit,
       coalesce(b.metric, a.metric) AS metric, coalesce(r.dataset, b.dataset, a.dataset) AS dataset,
       r.count AS count, r.sentence AS evidence, r.paper_id AS paper_id, p.title AS title,
       r.start AS start, r.end AS end, r.rule AS rule
ORDER BY start, fact, source, target
