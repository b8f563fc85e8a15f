"""The one-command local stack: Temporal, Redis, database, worker, starter and API."""
