// Which methods or models are claimed to outperform a baseline (optionally on a dataset)?
// baseline: any name or alias of the baseline ("full fine-tuning", "fine-tuning", "FT").
// dataset: a dataset name or alias; '' means claims on any dataset (or none).
// include_parts: when true, a claim on a dataset that is PART_OF the named one (MNLI for GLUE)
// counts too, and its row says so in the via column ("part of GLUE"); false by default.
// One row per claim, with its paper and evidence sentence.
:param baseline => 'full fine-tuning';
:param dataset => 'GLUE';
:param include_parts => false;
WITH toLower(replace(replace(replace(replace(replace($baseline,' ',''),'-',''),'_',''),'.',''),'/','')) AS bk,
     toLower(replace(replace(replace(replace(replace($dataset,' ',''),'-',''),'_',''),'.',''),'/','')) AS dk
OPTIONAL MATCH (d:Dataset) WHERE dk <> '' AND dk IN coalesce(d.search_keys, [d.key])
OPTIONAL MATCH (part:Dataset)-[:PART_OF]->(d) WHERE $include_parts
WITH bk, dk, collect(DISTINCT d.key) AS direct, collect(DISTINCT part.key) AS parts,
     head(collect(DISTINCT d.name)) AS dname
MATCH (m)-[r:OUTPERFORMS]->(b)
WHERE bk IN coalesce(b.search_keys, [b.key]) AND NOT bk IN coalesce(m.search_keys, [m.key])
  AND (dk = '' OR r.dataset_key IN direct OR r.dataset_key IN parts)
MATCH (p:Paper {key: r.paper_id})
RETURN m.name AS method, labels(m)[0] AS type, b.name AS baseline, r.dataset AS dataset,
       CASE WHEN dk = '' OR r.dataset_key IN direct THEN 'direct' ELSE 'part of ' + dname END AS via,
       r.paper_id AS paper_id, p.title AS paper, r.sentence AS evidence, r.start AS start
ORDER BY method, paper_id, start
