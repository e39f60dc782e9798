// Which methods or models are claimed to outperform a baseline (optionally on a dataset)?
// baseline: any name or alias of the baseline ("full fine-tuning", "fine-tuning", "FT").
// dataset: a dataset name or alias, or '' for claims on any dataset (or none).
// include_parts: true also counts a claim on a dataset that is PART_OF the named one (MNLI for
// GLUE), and its row says so in the via column ("part of GLUE").
// One row per claim: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the values in the first WITH).
WITH 'full fine-tuning' AS baseline,
     'GLUE' AS dataset,
     false AS include_parts
WITH toLower(replace(replace(replace(replace(replace(baseline,' ',''),'-',''),'_',''),'.',''),'/','')) AS bk,
     toLower(replace(replace(replace(replace(replace(dataset,' ',''),'-',''),'_',''),'.',''),'/','')) AS dk,
     include_parts
OPTIONAL MATCH (d:Dataset) WHERE dk <> '' AND dk IN coalesce(d.search_keys, [d.key])
OPTIONAL MATCH (part:Dataset)-[:PART_OF]->(d) WHERE include_parts
WITH bk, dk, collect(DISTINCT d.key) AS direct, collect(DISTINCT part.key) AS parts,
     head(collect(DISTINCT d.name)) AS dname
MATCH (m)-[r:OUTPERFORMS]->(b)
WHERE bk IN coalesce(b.search_keys, [b.key]) AND NOT bk IN coalesce(m.search_keys, [m.key])
  AND (dk = '' OR r.dataset_key IN direct OR r.dataset_key IN parts)
MATCH (p:Paper {key: r.paper_id})
RETURN m.name AS method, labels(m)[0] AS type, b.name AS baseline, r.dataset AS dataset,
       CASE WHEN dk = '' OR r.dataset_key IN direct THEN 'direct' ELSE 'part of ' + dname END AS via,
       r.sentence AS evidence, r.paper_id AS paper_id, p.title AS title
ORDER BY method, paper_id, r.start
