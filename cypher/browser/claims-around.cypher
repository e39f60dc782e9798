// Graph form: the claims around a baseline, as a graph (Browser's Graph tab).
// Every method or model claimed to beat, match or trail the baseline, with the claim edges
// (OUTPERFORMS / COMPARABLE_TO / UNDERPERFORMS, captioned by their dataset) and nothing else.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'full fine-tuning' AS baseline
WITH toLower(replace(replace(replace(replace(replace(baseline,' ',''),'-',''),'_',''),'.',''),'/','')) AS bk
MATCH (b) WHERE (b:Method OR b:Model) AND bk IN coalesce(b.search_keys, [b.key])
MATCH path = (b)-[r:OUTPERFORMS|COMPARABLE_TO|UNDERPERFORMS]-(m)
RETURN path
ORDER BY r.paper_id, r.start
