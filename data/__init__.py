"""LoanSight's core: database, ingest, rules, queries, reports. Never imports Qt."""
