// Method A against method B: every claim between them, then every result each reports on a
// dataset both report on (dataset, metric, value, unit).
// method_a, method_b: any name or alias of a method or model.
// One row per claim or result: the answer, the evidence sentence, then the paper.
// In Neo4j Browser: paste and run as is (edit the values in the first WITH).
WITH 'LoRA' AS method_a,
     'full fine-tuning' AS method_b
WITH toLower(replace(replace(replace(replace(replace(method_a,' ',''),'-',''),'_',''),'.',''),'/','')) AS ak, toLower(replace(replace(replace(replace(replace(method_b,' ',''),'-',''),'_',''),'.',''),'/','')) AS bk
MATCH (a) WHERE (a:Method OR a:Model) AND ak IN coalesce(a.search_keys, [a.key])
MATCH (b) WHERE (b:Method OR b:Model) AND bk IN coalesce(b.search_keys, [b.key]) AND b <> a
OPTIONAL MATCH (a)-[r:OUTPERFORMS|COMPARABLE_TO|UNDERPERFORMS]-(b)
WITH a, b, [c IN collect({kind: 'claim', subject: startNode(r).name, relation: type(r),
                          object: endNode(r).name, dataset: r.dataset, metric: null, value: null,
                          unit: null, evidence: r.sentence, paper_id: r.paper_id, start: r.start})
            WHERE c.paper_id IS NOT NULL] AS claims
OPTIONAL MATCH (a)<-[:FOR]-(:Result)-[:ON]->(shared:Dataset)<-[:ON]-(:Result)-[:FOR]->(b)
WITH a, b, claims, collect(DISTINCT shared) AS datasets
OPTIONAL MATCH (res:Result)-[:FOR]->(s), (res)-[:ON]->(d:Dataset)
WHERE (s = a OR s = b) AND d IN datasets
WITH claims, [x IN collect({kind: 'result', subject: s.name, relation: 'REPORTS', object: null,
                            dataset: d.name, metric: res.metric, value: res.value, unit: res.unit,
                            evidence: res.sentence, paper_id: res.paper_id, start: res.start})
              WHERE x.paper_id IS NOT NULL] AS results
UNWIND claims + results AS row
MATCH (p:Paper {key: row.paper_id})
RETURN row.kind AS kind, row.subject AS subject, row.relation AS relation, row.object AS object,
       row.dataset AS dataset, row.metric AS metric, row.value AS value, row.unit AS unit,
       row.evidence AS evidence, row.paper_id AS paper_id, p.title AS title
ORDER BY kind, dataset, metric, subject, paper_id, row.start
