"""The Redis Streams ingest bridge: producers XADD tasks, the starter turns them into workflows."""
