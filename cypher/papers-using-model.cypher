// Which papers apply their methods to a model family (including its sizes, via VARIANT_OF)?
// model: any name or alias of the family ("T5" also finds T5-large, T5-3B, ...).
// One row per paper and model variant mentioned, with the methods the paper proposes, the
// sentence that first mentions the model, then the paper.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'T5' AS model
WITH toLower(replace(replace(replace(replace(replace(model,' ',''),'-',''),'_',''),'.',''),'/','')) AS k
MATCH (fam:Model)
WHERE k IN coalesce(fam.search_keys, [fam.key])
MATCH (v:Model)-[:VARIANT_OF*0..3]->(fam)
WITH DISTINCT fam, v
MATCH (p:Paper)-[men:MENTIONS]->(v)
OPTIONAL MATCH (p)-[:PROPOSES]->(m)
WITH fam, v, p, men, m ORDER BY m.name
WITH fam, v, p, men, collect(m.name) AS methods
RETURN v.name AS model, fam.name AS family, methods,
       men.sentence AS evidence, p.key AS paper_id, p.title AS title
ORDER BY paper_id, model, family
