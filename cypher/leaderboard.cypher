// Who leads on a dataset? The best value each method or model reports, per metric.
// dataset: any name or alias. metric: part of a metric name ('accuracy', 'F1'), or '' for all.
// Best is the highest value, except for metrics where lower is better (error, perplexity, loss,
// WER, latency), where it is the lowest, parameter shares are left out (see parameter-efficiency).
// One row per method and metric, leader first: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the values in the first WITH).
WITH 'GLUE' AS dataset,
     '' AS metric
WITH toLower(replace(replace(replace(replace(replace(dataset,' ',''),'-',''),'_',''),'.',''),'/','')) AS dk, toLower(trim(metric)) AS mk
MATCH (res:Result)-[:ON]->(d:Dataset)
WHERE dk IN coalesce(d.search_keys, [d.key])
  AND (mk = '' OR toLower(coalesce(res.metric, '')) CONTAINS mk)
  AND NOT toLower(coalesce(res.metric, '')) CONTAINS 'param'
MATCH (res)-[:FOR]->(s)
MATCH (p:Paper {key: res.paper_id})
WITH d, s, res, p,
     any(w IN ['error', 'perplexity', 'loss', 'wer', 'latency'] WHERE toLower(coalesce(res.metric, '')) CONTAINS w) AS lower_better
WITH d, s, res, p, lower_better, CASE WHEN lower_better THEN res.value ELSE -res.value END AS rank_key
ORDER BY rank_key, res.paper_id, res.start
WITH d, s, coalesce(res.metric, '') AS metric, coalesce(res.unit, '') AS unit, lower_better,
     collect({value: res.value, rank_key: rank_key, evidence: res.sentence, paper_id: res.paper_id,
              title: p.title})[0] AS best, count(res) AS reports
RETURN metric, s.name AS method, best.value AS value, unit, lower_better, reports, d.name AS dataset,
       best.evidence AS evidence, best.paper_id AS paper_id, best.title AS title
ORDER BY metric, unit, best.rank_key, method
