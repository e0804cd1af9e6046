"""The data pool: schema, ingest, queries, rollups, demo data. Knows nothing of Dash."""
