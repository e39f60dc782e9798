// kgbuild graph schema for Neo4j 5 (run by Neo4jStore.ensure_schema(); safe to paste and re-run).
//
// The model (docs/architecture.md, owned by kgbuild/rows.py):
//
//   (:Paper {key = paper id, id, alias, title, short_title, abstract, year, url, source})
//   (:Method|Model|Dataset|Task|Metric {key = match_key(name), name, aliases, search_keys, papers})
//   (:Result {key = sha1(paper_id, subject, dataset, metric, value, unit, start)[:16],
//             paper_id, value, unit, metric, display, subject, dataset, sentence, start, end, rule})
//
//   (Paper)-[:PROPOSES]->(Method|Model)
//   (Paper)-[:MENTIONS {count}]->(any entity)                 first mention as evidence
//   (Paper)-[:REPORTS]->(Result)-[:FOR]->(Method|Model)
//   (Result)-[:ON]->(Dataset)   (Result)-[:MEASURED_BY]->(Metric)
//   (Method|Model)-[:EVALUATES_ON {paper_id}]->(Dataset)
//   (Method|Model)-[:OUTPERFORMS|COMPARABLE_TO|UNDERPERFORMS {dataset, dataset_key, display}]->(Method|Model)
//   (Model)-[:VARIANT_OF {reason}]->(Model)   (Method)-[:VARIANT_OF]->(Method)
//   (Dataset)-[:PART_OF {reason}]->(Dataset)
//
// Every fact-bearing relationship (all but VARIANT_OF / PART_OF) carries its provenance:
// paper_id, sentence (the full sentence), start/end (character offsets into title + "\n" +
// abstract) and rule (the extraction rule id). Names are matched through search_keys:
//   WITH toLower(replace(replace(replace(replace(replace($name,' ',''),'-',''),'_',''),'.',''),'/','')) AS k
//   MATCH (m) WHERE k IN m.search_keys
//
// short_title, display: captions for Neo4j Browser (cypher/browser/kgbuild.grass).
//
// One key constraint per label: it makes MERGE on key fast and rebuilds idempotent.
CREATE CONSTRAINT paper_key IF NOT EXISTS FOR (n:Paper) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT method_key IF NOT EXISTS FOR (n:Method) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT model_key IF NOT EXISTS FOR (n:Model) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT dataset_key IF NOT EXISTS FOR (n:Dataset) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT task_key IF NOT EXISTS FOR (n:Task) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT metric_key IF NOT EXISTS FOR (n:Metric) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT result_key IF NOT EXISTS FOR (n:Result) REQUIRE n.key IS UNIQUE;
