// Which datasets are used by the most papers?
// papers = papers mentioning the dataset, results = numbers reported on it; each row also
// names the first such paper (by id) and its first sentence mentioning the dataset.
:param limit => 10;
MATCH (d:Dataset)<-[men:MENTIONS]-(p:Paper)
WITH d, p, men ORDER BY p.key
WITH d, count(p) AS papers, collect(p.key)[0] AS paper_id, collect(p.title)[0] AS paper,
     collect(men.sentence)[0] AS evidence
OPTIONAL MATCH (res:Result)-[:ON]->(d)
WITH d, papers, paper_id, paper, evidence, count(res) AS results
RETURN d.name AS dataset, papers, results, paper_id, paper, evidence
ORDER BY papers DESC, results DESC, dataset
LIMIT $limit
