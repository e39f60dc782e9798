// Write template: upsert one batch of relationships of one (type, start label, end label).
// __TYPE__, __START__, __END__ come only from kgbuild.rows.REL_SCHEMA (checked against it);
// __IDENTITY__ is generated from kgbuild.rows.REL_IDENTITY: either empty or a map such as
// {paper_id: row.props.paper_id, dataset_key: row.props.dataset_key, start: row.props.start}.
// Endpoints are MATCHed (nodes are written first), so a missing endpoint drops the row instead
// of inventing a node without properties.
UNWIND $rows AS row
MATCH (a:__START__ {key: row.start})
MATCH (b:__END__ {key: row.end})
MERGE (a)-[r:__TYPE__ __IDENTITY__]->(b)
SET r += row.props
