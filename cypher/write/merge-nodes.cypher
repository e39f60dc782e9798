// Write template: upsert one batch of nodes of one label (kgbuild/stores/base.py).
// __LABEL__ is replaced only by a label from kgbuild.rows.NODE_LABELS (checked against that
// allow-list); row values arrive only through $rows.
UNWIND $rows AS row
MERGE (n:__LABEL__ {key: row.key})
SET n += row.props
