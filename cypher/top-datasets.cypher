// Which datasets are used by the most papers?
// papers = papers mentioning the dataset, results = numbers reported on it, each row also
// gives the first such paper (by id) and its first sentence mentioning the dataset.
// In Neo4j Browser: paste and run as is (edit the value in the first WITH).
WITH 10 AS limit
MATCH (d:Dataset)<-[men:MENTIONS]-(p:Paper)
WITH limit, d, p, men ORDER BY p.key
WITH limit, d, count(p) AS papers, collect(p.key)[0] AS paper_id, collect(p.title)[0] AS title,
     collect(men.sentence)[0] AS evidence
OPTIONAL MATCH (res:Result)-[:ON]->(d)
WITH limit, d, papers, paper_id, title, evidence, count(res) AS results
ORDER BY papers DESC, results DESC, d.name
WITH limit, collect({dataset: d.name, papers: papers, results: results, evidence: evidence,
                     paper_id: paper_id, title: title}) AS ranked
UNWIND ranked[0..limit] AS row
RETURN row.dataset AS dataset, row.papers AS papers, row.results AS results,
       row.evidence AS evidence, row.paper_id AS paper_id, row.title AS title
