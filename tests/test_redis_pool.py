"""A burst that needs more Redis connections than the pool holds waits for one, not a 503."""

from __future__ import annotations

import asyncio
import uuid

from core.settings import Settings
from core.wiring import REDIS_MAX_CONNECTIONS, redis_client


async def test_more_concurrent_commands_than_connections_all_succeed() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    client = redis_client(settings)
    key = f"pool-test:{uuid.uuid4().hex}"
    try:
        # Each BLPOP holds its connection for 0.3 s: 1.5× the pool's connections at once.
        waits = [client.blpop([key], timeout=0.3) for _ in range(REDIS_MAX_CONNECTIONS * 3 // 2)]
        answers = await asyncio.gather(*waits, return_exceptions=True)
    finally:
        await client.aclose()
    errors = [a for a in answers if isinstance(a, Exception)]
    assert errors == [], errors[:3]
    assert answers == [None] * len(answers)
