// Graph form: one method's neighbourhood without MENTIONS (Browser's Graph tab).
// The papers proposing it, its claims, its variants, the datasets it is evaluated on and the
// results reported for it (captioned "value unit metric").
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'LoRA' AS method
WITH toLower(replace(replace(replace(replace(replace(method,' ',''),'-',''),'_',''),'.',''),'/','')) AS k
MATCH (m) WHERE (m:Method OR m:Model) AND k IN coalesce(m.search_keys, [m.key])
MATCH path = (m)-[r:PROPOSES|OUTPERFORMS|COMPARABLE_TO|UNDERPERFORMS|VARIANT_OF|EVALUATES_ON|FOR]-(x)
RETURN path
ORDER BY type(r), coalesce(x.name, x.key)
