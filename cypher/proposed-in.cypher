// Which methods and models were proposed in a paper, or in papers from a range of years?
// paper_id: one paper's id (or its seed-NNNN alias), or '' for any. year_from, year_to: a closed range of publication
// years, 0 for no bound, a paper without a year is left out as soon as a bound is set.
// One row per proposal: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the values in the first WITH).
WITH '' AS paper_id,
     0 AS year_from,
     0 AS year_to
MATCH (p:Paper)-[r:PROPOSES]->(m)
WHERE (paper_id = '' OR p.key = paper_id OR p.alias = paper_id)
  AND (year_from = 0 OR (p.year IS NOT NULL AND p.year >= year_from))
  AND (year_to = 0 OR (p.year IS NOT NULL AND p.year <= year_to))
RETURN m.name AS method, labels(m)[0] AS type, p.year AS year,
       r.sentence AS evidence, p.key AS paper_id, p.title AS title
ORDER BY paper_id, r.start, method
