// Everything claimed about one method or model: what it beats, matches and trails.
// method: any name or alias. stance says where the method stands: 'beats' (it outperforms
// the other, or the other lags behind it), 'matches', or 'trails' (the other outperforms it,
// or it lags behind the other), claim spells out the sentence's own direction.
// One row per claim: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'LoRA' AS method
WITH toLower(replace(replace(replace(replace(replace(method,' ',''),'-',''),'_',''),'.',''),'/','')) AS k
MATCH (m) WHERE (m:Method OR m:Model) AND k IN coalesce(m.search_keys, [m.key])
MATCH (m)-[r:OUTPERFORMS|COMPARABLE_TO|UNDERPERFORMS]-(o)
WHERE o <> m
MATCH (p:Paper {key: r.paper_id})
WITH m, r, o, p, startNode(r) = m AS own
WITH m, r, o, p,
     CASE WHEN type(r) = 'COMPARABLE_TO' THEN 'matches'
          WHEN (type(r) = 'OUTPERFORMS') = own THEN 'beats'
          ELSE 'trails' END AS stance
RETURN m.name AS method, stance, o.name AS other, labels(o)[0] AS other_type, r.dataset AS dataset,
       startNode(r).name + ' ' + toLower(replace(type(r), '_', ' ')) + ' ' + endNode(r).name AS claim,
       r.sentence AS evidence, r.paper_id AS paper_id, p.title AS title
ORDER BY method, CASE stance WHEN 'beats' THEN 0 WHEN 'matches' THEN 1 ELSE 2 END, other, paper_id, r.start
