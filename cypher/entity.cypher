// What is known about a name? Finds the entity node(s) by any alias, with their type,
// canonical name, aliases, paper count, and the first paper (by id) mentioning it with the
// sentence that mentions it.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 'LoRA' AS name
WITH toLower(replace(replace(replace(replace(replace(name,' ',''),'-',''),'_',''),'.',''),'/','')) AS k
MATCH (e)
WHERE (e:Method OR e:Model OR e:Dataset OR e:Task OR e:Metric)
  AND k IN coalesce(e.search_keys, [e.key])
OPTIONAL MATCH (p:Paper)-[men:MENTIONS]->(e)
WITH e, p, men ORDER BY p.key
WITH e, count(p) AS mentioned_in, collect(p.key)[0] AS paper_id, collect(p.title)[0] AS title,
     collect(men.sentence)[0] AS evidence
RETURN labels(e)[0] AS type, e.name AS name, e.key AS key, e.aliases AS aliases,
       e.papers AS papers, mentioned_in, evidence, paper_id, title
ORDER BY type, key
